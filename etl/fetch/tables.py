"""Where the live fetch puts its files, the "Gebieden in Nederland" ids per year, and how download filters are
chosen from a table's metadata. The other CBS tables it reads are named by recipes (``format = "cbs-odata"``).

Plain constants and pure functions (no network), so the parsers can import the same names and ids.
"""

from __future__ import annotations

# "Gebieden in Nederland <year>", ids as listed in shared/data/stats/SOURCES.md ("seen in public code").
GEBIEDEN_TABLES: dict[int, str] = {
    2013: "82000NED",
    2014: "82496NED",
    2015: "82949NED",
    2016: "83287NED",
    2017: "83553NED",
    2018: "83859NED",
    2019: "84378NED",
    2020: "84721NED",
    2021: "84929NED",
    2022: "85067NED",
    2023: "85385NED",
    2024: "85755NED",
    2025: "86059NED",
    2026: "86247NED",
}
GEBIEDEN_GEMEENTE_GROUP = "codes en namen van gemeenten"


GEBIEDEN_TITLE = "Gebieden in Nederland {year}"


def gebieden_title(year: int) -> str:
    """The table's title in the CBS catalogue, by which a year after the known ids is found."""
    return GEBIEDEN_TITLE.format(year=year)


def gebieden_year(title: str) -> int | None:
    """The year of a 'Gebieden in Nederland <year>' title; None for any other title."""
    prefix = GEBIEDEN_TITLE.split("{")[0]
    rest = title.removeprefix(prefix)
    return int(rest) if rest != title and rest.isdigit() and len(rest) == 4 else None


GEBIEDEN_PROVINCIE_GROUP = "provincies"

GEO_LEVELS = ("gemeente", "provincie")
DEFAULT_GEO_BASE = "https://cartomap.github.io/nl/wgs84/"

# The "all categories" key of dimensions seen in these tables (Geslacht, Leeftijd, Nationaliteit,
# BurgerlijkeStaat); used only to break a tie when more than one title starts with "Totaal".
KNOWN_TOTAL_KEYS = frozenset({"T001038", "10000", "T001059", "T001019"})

CBS_DIR = "live/cbs"
MANIFEST = "live/manifest.json"


def cbs_file(table_id: str, entity: str) -> str:
    """Path of a stored entity set, relative to the snapshot root."""
    return f"{CBS_DIR}/{table_id}_{entity}.json"


def geo_file(level: str, year: int) -> str:
    return f"geo/{level}_{year}.topojson"


def total_key(rows: list[dict], dimension: str) -> str:
    """The key of the "Totaal ..." category of a dimension table, exactly as CBS spells it (padding kept).

    Raises ``ValueError`` when no single total can be told apart.
    """

    def title(row: dict) -> str:
        return str(row.get("Title") or "").strip().lower()

    keys = [row for row in rows if isinstance(row.get("Key"), str)]
    totals = [row for row in keys if title(row).startswith("totaal")]
    if len(totals) > 1:
        totals = [row for row in totals if title(row) == "totaal" or row["Key"].strip() in KNOWN_TOTAL_KEYS]
    if not totals:
        totals = [row for row in keys if row["Key"].strip() in KNOWN_TOTAL_KEYS]
    if len(totals) != 1:
        found = [(row.get("Key"), row.get("Title")) for row in (totals or keys[:5])]
        raise ValueError(f"cannot tell the 'Totaal' category of dimension {dimension}; candidates {found}")
    return totals[0]["Key"]


def dimensions(properties: list[dict]) -> tuple[list[str], str | None, str | None]:
    """(category dimensions, geo dimension, time dimension) keys from a DataProperties list."""
    keyed = [p for p in properties if isinstance(p.get("Key"), str) and p["Key"]]
    geo_types = ("GeoDimension", "GeoDetail")
    geo = next((p["Key"] for p in keyed if p.get("Type") in geo_types or p["Key"] == "RegioS"), None)
    time = next((p["Key"] for p in keyed if p.get("Type") == "TimeDimension"), None)
    categories = [p["Key"] for p in keyed if p.get("Type") == "Dimension" and p["Key"] not in (geo, time)]
    return categories, geo, time


def topic_keys(properties: list[dict]) -> list[str]:
    return [p["Key"] for p in properties if p.get("Type") == "Topic" and isinstance(p.get("Key"), str)]
