"""Gemeente names -> CBS codes for a given year.

Most published files name gemeenten instead of coding them, with different spellings per publisher
("Utrecht (gemeente)", "Bergen (NH.)", "Bergen NH", "'s Hertogenbosch"). We match on a normalised
form against the official names of that year (the CBS boundary files carry ``statcode`` and
``statnaam``), with an explicit alias table for spellings that normalisation cannot reconcile.
An unmatched name is an error that lists every such name, never a silent drop.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

import polars as pl

from etl.errors import InputError

# CBS adds "(gemeente)" where a gemeente shares its name with a provincie or place; it is not part of the name.
_CBS_SUFFIX = re.compile(r"\s*\(gemeente\)\s*$", re.IGNORECASE)


def normalise(name: str) -> str:
    """A spelling-insensitive key: no accents, no case, no punctuation or spaces, no '(gemeente)'."""
    text = _CBS_SUFFIX.sub("", name.strip())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", text.lower())


# Spellings seen in the snapshot files that normalisation alone cannot match to the CBS name.
# Keys are spellings as published, values the official CBS name (``statnaam``) of that gemeente.
ALIASES: dict[str, str] = {
    # Open State's conversion of the Rijksoverheid H1-2016 PDF
    "Bergen L": "Bergen (L.)",
    "Bergen NH": "Bergen (NH.)",
    "Nuenen ca": "Nuenen, Gerwen en Nederwetten",
    "Haarlemmerliede ca": "Haarlemmerliede en Spaarnwoude",
    # CBS "CSV met labels" exports of 70072NED
    "Utrecht (gemeente)": "Utrecht",
    "Groningen (gemeente)": "Groningen",
    "'s-Gravenhage (gemeente)": "'s-Gravenhage",
}


class GemeenteResolver:
    """Resolve names to codes for one year, against that year's official (code, name) list."""

    def __init__(self, reference: pl.DataFrame, year: int, aliases: Mapping[str, str] | None = None):
        self.year = year
        aliases = {**ALIASES, **(aliases or {})}
        by_key: dict[str, str] = {}
        for code, name in reference.select("code", "name").iter_rows():
            key = normalise(name)
            if key in by_key and by_key[key] != code:
                raise ValueError(f"two {year} gemeenten share the normalised name {key!r}")
            by_key[key] = code
        for spelling, official in aliases.items():
            code = by_key.get(normalise(official))
            if code is not None:
                by_key.setdefault(normalise(spelling), code)
        self._by_key = by_key

    def code(self, name: str) -> str | None:
        return self._by_key.get(normalise(name))

    def resolve(self, names: Iterable[str], file: str | Path) -> list[str]:
        """Codes for ``names`` in order; raise one InputError listing every name that has no code."""
        names = list(names)
        codes = [self.code(n) for n in names]
        missing = sorted({n for n, c in zip(names, codes, strict=True) if c is None})
        if missing:
            raise InputError(
                file,
                f"{len(missing)} gemeente name(s) not found among the {self.year} gemeenten: "
                + "; ".join(repr(m) for m in missing),
            )
        return codes  # type: ignore[return-value]
