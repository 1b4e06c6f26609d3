"""Progress bars for fetch and build steps: tqdm on a terminal, silent otherwise (CI logs, pipes, tests)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def steps(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Iterate with a progress bar when stderr is a terminal; ``tqdm`` disables itself otherwise."""
    yield from tqdm(items, desc=description, total=total, unit="step", disable=not sys.stderr.isatty(), leave=False)


def bar(description: str, total: int | None = None, unit: str = "B") -> tqdm:
    """A manual bar (e.g. bytes downloaded); call ``update(n)`` and ``close()`` or use it as a context manager."""
    return tqdm(desc=description, total=total, unit=unit, unit_scale=True, disable=not sys.stderr.isatty(), leave=False)
