"""Crosswalk: how every gemeente of every boundary year maps onto the gemeenten of the latest year.

Boundary years are the CBS/PDOK files under ``geo/`` plus, when the snapshot holds it, TNO's 2015 gemeente
layer (``stats/coa/``), the only 2015 boundaries. That layer lacks two gemeenten that still exist today;
``with_surviving_codes`` gives every gemeente whose code the latest year still has its identity row.

A code that still exists in the latest year maps to itself with weight 1. Only a code that disappeared
is spread over its successors by area overlap (in the equal-area RD projection, EPSG:28992).

The stored boundaries are simplified separately per year, so an unchanged border wobbles by up to a few
hundred metres between years and every overlap picks up thin strips from non-successor neighbours
(measured up to 4.4% of the source area, e.g. Menameradiel 2016 vs Leeuwarden). A piece therefore
counts only if its core, what is left after shrinking it by ``SLIVER_EROSION_M``, is at least
``SLIVER_SHARE`` of the source's area: border strips erode to almost nothing (at most 1.3% of a source
measured), real transfers keep most of their area (smallest measured: Haaren -> Boxtel, 7%). Kept pieces
are weighted by their full area and normalised to sum to 1.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import polars as pl

from etl.errors import InputError
from etl.parsers import coa
from etl.parsers.geo import GEO_DIR, layer_files, read_layer

EQUAL_AREA_CRS = 28992  # Amersfoort / RD New
SLIVER_EROSION_M = 150.0  # about 1.5x the files' 0.001 degree quantisation
SLIVER_SHARE = 0.02

SCHEMA = pl.Schema(
    {"from_code": pl.String, "from_year": pl.Int32, "to_code": pl.String, "to_year": pl.Int32, "weight": pl.Float64}
)


def boundary_layers(snapshot: Path) -> dict[int, tuple[Path, Callable[[Path], gpd.GeoDataFrame]]]:
    """Year -> (file, reader) of every gemeente boundary layer the crosswalk reads; the build keys its
    cached crosswalk on exactly these files."""
    files = layer_files(snapshot / GEO_DIR, "gemeente")
    if not files:
        raise InputError(snapshot / GEO_DIR, "no gemeente_<year>.topojson boundary files for the crosswalk")
    layers = {year: (path, read_layer) for year, path in files.items()}
    tno_2015 = snapshot / coa.PATH_GEMEENTEN
    if tno_2015.exists() and coa.YEAR not in layers:
        layers[coa.YEAR] = (tno_2015, coa.gemeente_layer)
    return dict(sorted(layers.items()))


def build_crosswalk(snapshot: Path) -> pl.DataFrame:
    layers = boundary_layers(snapshot)
    latest_year = max(layers)
    latest_path, read_latest = layers[latest_year]
    latest = _projected(read_latest(latest_path))
    latest_codes = set(latest["code"])
    parts = []
    for year, (path, read) in layers.items():
        layer = read(path)
        kept = layer.loc[layer["code"].isin(latest_codes), "code"].tolist()
        parts.append(_frame(kept, year, kept, latest_year, [1.0] * len(kept)))
        gone = layer[~layer["code"].isin(latest_codes)]
        if len(gone):
            parts.append(_overlap_rows(path, _projected(gone), year, latest, latest_year))
    return pl.concat(parts, how="vertical").sort("from_year", "from_code", "to_code")


def _projected(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    projected = layer[["code", "name", "geometry"]].to_crs(EQUAL_AREA_CRS)
    projected["geometry"] = projected.make_valid(method="structure", keep_collapsed=False)
    return projected


def _overlap_rows(
    path: Path, gone: gpd.GeoDataFrame, year: int, latest: gpd.GeoDataFrame, latest_year: int
) -> pl.DataFrame:
    source = gone.assign(source_area=gone.area)
    target = latest[["code", "geometry"]].rename(columns={"code": "to_code"})
    pieces = gpd.overlay(source, target, how="intersection", keep_geom_type=True)
    pieces["area"] = pieces.area
    pieces["core"] = pieces.buffer(-SLIVER_EROSION_M).area
    pieces = pieces[pieces["core"] >= SLIVER_SHARE * pieces["source_area"]]
    orphans = sorted(set(gone["code"]) - set(pieces["code"]))
    if orphans:
        names = dict(zip(gone["code"], gone["name"], strict=True))
        listed = ", ".join(f"{c} ({names[c]})" for c in orphans)
        raise InputError(path, f"no successor in the latest gemeente boundaries ({latest_year}) for {listed}")
    pieces["weight"] = pieces["area"] / pieces.groupby("code")["area"].transform("sum")
    return _frame(pieces["code"].tolist(), year, pieces["to_code"].tolist(), latest_year, pieces["weight"].tolist())


def _frame(
    from_codes: list[str], from_year: int, to_codes: list[str], to_year: int, weights: list[float]
) -> pl.DataFrame:
    return pl.DataFrame(
        {"from_code": from_codes, "from_year": from_year, "to_code": to_codes, "to_year": to_year, "weight": weights},
        schema=SCHEMA,
    )


def with_surviving_codes(crosswalk: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """Add a weight-1 identity row for each gemeente of a crosswalk year that has no row yet but whose code
    the latest year still has (a gemeente missing from an incomplete boundary layer). Codes that are gone
    stay without rows, so ``etl check`` still reports them."""
    if crosswalk.height == 0:
        return crosswalk
    latest_year = crosswalk["to_year"].max()
    latest_codes = set(crosswalk.filter(pl.col("from_year") == latest_year)["from_code"].to_list())
    covered = crosswalk.select("from_code", "from_year").unique()
    missing = (
        regions.filter(
            (pl.col("level") == "gemeente")
            & pl.col("year").is_in(covered["from_year"].unique().to_list())
            & pl.col("code").is_in(list(latest_codes))
        )
        .select(pl.col("code").alias("from_code"), pl.col("year").alias("from_year"))
        .join(covered, on=["from_code", "from_year"], how="anti")
    )
    identity = missing.select(
        "from_code",
        pl.col("from_year").cast(pl.Int32),
        pl.col("from_code").alias("to_code"),
        pl.lit(latest_year, dtype=pl.Int32).alias("to_year"),
        pl.lit(1.0).alias("weight"),
    )
    return pl.concat([crosswalk, identity], how="vertical").sort("from_year", "from_code", "to_code")
