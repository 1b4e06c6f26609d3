"""The frames every parser returns, with declared schemas.

A parser turns one raw file into a ``ParseResult``. The build checks each frame against the schema
below before anything is written, so a parser that drifts fails loudly with the file named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from etl.errors import InputError

REGION = pl.Schema({"code": pl.String, "year": pl.Int32, "name": pl.String, "level": pl.String})
REGION_PARENT = pl.Schema({"code": pl.String, "year": pl.Int32, "parent_code": pl.String, "parent_level": pl.String})
REGION_GEOMETRY = pl.Schema({"code": pl.String, "year": pl.Int32, "level": pl.String, "geojson": pl.String})
OBSERVATION = pl.Schema(
    {
        "indicator_id": pl.String,
        "region_code": pl.String,
        "region_year": pl.Int32,
        "period": pl.Date,
        "period_type": pl.String,
        "value": pl.Float64,
        "status": pl.String,
    }
)
COA_LOCATION = pl.Schema(
    {
        "name": pl.String,
        "place": pl.String,
        "type": pl.String,
        "type_group": pl.String,
        "places": pl.Int64,
        "emergency": pl.Boolean,
        "available_until": pl.Date,
        "street": pl.String,
        "postcode": pl.String,
        "lat": pl.Float64,
        "lon": pl.Float64,
        "gemeente_code": pl.String,
        "gemeente_year": pl.Int32,
    }
)
ASYLUM_NATIONALITY = pl.Schema(
    {"nationality_code": pl.String, "period": pl.Date, "period_type": pl.String, "value": pl.Float64}
)

LEVELS = (
    "land",
    "provincie",
    "gemeente",
    "arbeidsmarktregio",
    "coropgebied",
    "ggdregio",
    "veiligheidsregio",
)
PERIOD_TYPES = ("year", "half", "quarter", "month", "day")
STATUSES = ("official", "unofficial", "derived")

SCHEMAS: dict[str, pl.Schema] = {
    "regions": REGION,
    "region_parents": REGION_PARENT,
    "geometries": REGION_GEOMETRY,
    "observations": OBSERVATION,
    "coa_locations": COA_LOCATION,
    "asylum_nationality": ASYLUM_NATIONALITY,
}


def empty(name: str) -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMAS[name])


@dataclass
class ParseResult:
    """What one raw file contributes to the warehouse. Every frame is optional."""

    regions: pl.DataFrame = field(default_factory=lambda: empty("regions"))
    region_parents: pl.DataFrame = field(default_factory=lambda: empty("region_parents"))
    geometries: pl.DataFrame = field(default_factory=lambda: empty("geometries"))
    observations: pl.DataFrame = field(default_factory=lambda: empty("observations"))
    coa_locations: pl.DataFrame = field(default_factory=lambda: empty("coa_locations"))
    asylum_nationality: pl.DataFrame = field(default_factory=lambda: empty("asylum_nationality"))

    def frames(self) -> dict[str, pl.DataFrame]:
        return {name: getattr(self, name) for name in SCHEMAS}

    def validate(self, file: str | Path) -> ParseResult:
        """Check every frame against its declared schema and the value domains; return self."""
        for name, frame in self.frames().items():
            expected = SCHEMAS[name]
            if frame.schema != expected:
                raise InputError(
                    file, f"parser produced {name} with schema {dict(frame.schema)}, expected {dict(expected)}"
                )
        _check_domain(file, self.regions, "level", LEVELS)
        _check_domain(file, self.geometries, "level", LEVELS)
        _check_domain(file, self.observations, "period_type", PERIOD_TYPES)
        _check_domain(file, self.observations, "status", STATUSES)
        _check_domain(file, self.asylum_nationality, "period_type", PERIOD_TYPES)
        keys = {
            "regions": ["code", "year"],
            "observations": ["indicator_id", "region_code", "region_year", "period", "period_type"],
            "geometries": ["code", "year"],
        }
        for name, key in keys.items():
            frame = getattr(self, name)
            dupes = frame.filter(frame.select(key).is_duplicated())
            if dupes.height:
                first = dupes.head(3).select(key).to_dicts()
                raise InputError(file, f"duplicate {name} rows for key {key}: {first}")
        if self.observations.height and self.observations["value"].is_null().any():
            raise InputError(file, "observation without a value (drop empty cells in the parser)")
        return self


def _check_domain(file: str | Path, frame: pl.DataFrame, column: str, allowed: tuple[str, ...]) -> None:
    if frame.height == 0:
        return
    bad = sorted(set(frame[column].unique().to_list()) - set(allowed))
    if bad:
        raise InputError(file, f"unknown {column} values {bad}; allowed {list(allowed)}")
