"""Official facts the build and the checks hold the data against."""

from __future__ import annotations

# Number of gemeenten on 1 January (CBS gemeentelijke indeling).
GEMEENTE_COUNTS = {
    2015: 393,
    2016: 390,
    2017: 388,
    2018: 380,
    2019: 355,
    2020: 355,
    2021: 352,
    2022: 345,
    2023: 342,
    2024: 342,
    2025: 342,
    2026: 342,
}
