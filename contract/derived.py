"""How the build marks the figures it writes itself, so the pages can say what they are."""

from __future__ import annotations

# computed_from of the 0 the build writes for a gemeente that a complete list (``absent = "zero"``) leaves out.
ZERO_FILL = "not listed by the source, which declares that a gemeente it leaves out has 0"
