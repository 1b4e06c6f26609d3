"""Where every raw file comes from and which parser reads it.

Each parser module under ``etl.parsers`` exposes ``sources(snapshot: Path) -> list[SourceSpec]``
for the files it reads, so a module owns both its provenance and its parsing. The build loads every
spec whose file is present; a ``required`` spec whose file is missing is an error.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

import polars as pl

from etl.errors import InputError
from etl.model import ParseResult
from etl.names import GemeenteResolver

# Parser modules in the order the build runs them (order only matters for readable progress output).
PARSER_MODULES = (
    "etl.parsers.geo",
    "etl.parsers.cbs_kwb",
    "etl.parsers.cbs_asylum",
    "etl.parsers.regioatlas",
    "etl.parsers.coa",
    "etl.parsers.cbs_live",
)


@dataclass(frozen=True)
class SourceSpec:
    id: str  # stable, lowercase: e.g. "cbs_70072ned_2025"
    path: str  # relative to the snapshot root, e.g. "stats/cbs/....csv"
    publisher: str
    title: str
    table_id: str | None  # CBS table id or document id
    url: str | None
    licence: str
    reference_date: date | None
    status: str  # official | unofficial (third-party conversion)
    parse: Callable[[Path, ParseContext], ParseResult] = field(compare=False, repr=False)
    notes: str = ""
    required: bool = True
    retrieved_at: datetime | None = None  # filled from the fetch manifest for live downloads
    rank: int | None = None  # which source wins a tie (lower wins); None: by parser module (etl/build.py)
    recipe_sha256: str = ""  # a recipe's own checksum: a changed recipe parses its file again
    absent: str | None = None  # zero | unknown: what a region the source does not list means
    indicators: tuple = ()  # etl.catalogue.Indicator: new indicators a recipe declares (added to the catalogue)
    fills: tuple[str, ...] = ()  # ids of the data gaps the publication covers (left out of the gap list)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ParseContext:
    """Reference data a parser may need besides its own file, with a record of what it read.

    Every other snapshot file a parser reads goes through ``dependency`` (the gemeente names of a year
    come from that year's boundary file), so the build can key its parse cache on those files too.
    """

    def __init__(self, snapshot: Path):
        self.snapshot = snapshot
        self.used: set[str] = set()

    def dependency(self, relpath: str) -> Path:
        """Path of another snapshot file this parse reads; recorded for the cache key."""
        self.used.add(relpath)
        return self.snapshot / relpath

    def gemeente_reference(self, year: int) -> pl.DataFrame:
        self.used.add(f"geo/gemeente_{year}.topojson")
        return _gemeente_reference(self.snapshot, year)

    def resolver(self, year: int, aliases: dict[str, str] | None = None) -> GemeenteResolver:
        return GemeenteResolver(self.gemeente_reference(year), year, aliases)

    def division_years(self, level: str) -> list[int]:
        """Years whose ``level`` division (names and codes) the snapshot holds, from its boundary files."""
        return sorted(int(p.stem.rsplit("_", 1)[1]) for p in (self.snapshot / "geo").glob(f"{level}_*.topojson"))

    def division(self, level: str, year: int) -> pl.DataFrame:
        """(code, name) of every region of ``level`` in ``year``."""
        self.used.add(f"geo/{level}_{year}.topojson")
        return _reference(self.snapshot, level, year)

    def provincie_names(self, year: int, file: Path) -> dict[str, str]:
        """gemeente code -> the name of the provincie it lies in, in ``year`` (by the boundaries)."""
        from etl.parsers.geo import provincie_parents, read_layer

        gemeenten = read_layer(self.dependency(f"geo/gemeente_{year}.topojson"))
        parents, _ = provincie_parents(file, gemeenten, year, self)
        provincies = read_layer(self.dependency(f"geo/provincie_{year}.topojson"))
        names = dict(zip(provincies["code"], provincies["name"], strict=True))
        return {code: names[parent] for code, parent in parents.select("code", "parent_code").iter_rows()}


def _gemeente_reference(snapshot: Path, year: int) -> pl.DataFrame:
    return _reference(snapshot, "gemeente", year)


@cache
def _reference(snapshot: Path, level: str, year: int) -> pl.DataFrame:
    """(code, name) of every region of ``level`` in ``year``, read from the properties of that year's boundary
    file."""
    import json

    path = snapshot / "geo" / f"{level}_{year}.topojson"
    if not path.exists():
        raise InputError(path, f"no {level} boundaries for {year}; names of {year} cannot be given codes")
    topology = json.loads(path.read_text(encoding="utf-8"))
    (layer,) = topology["objects"].values()
    rows = [(g["properties"]["statcode"], g["properties"]["statnaam"]) for g in layer["geometries"]]
    return pl.DataFrame(rows, schema={"code": pl.String, "name": pl.String}, orient="row")


def all_specs(snapshot: Path) -> list[SourceSpec]:
    from etl.recipes import recipe_specs

    specs: list[SourceSpec] = []
    for module_name in PARSER_MODULES:
        specs.extend(importlib.import_module(module_name).sources(snapshot))
    specs.extend(recipe_specs(snapshot))
    ids = [s.id for s in specs]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate source ids: {dupes}")
    return specs
