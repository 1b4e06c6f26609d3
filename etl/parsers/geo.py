"""CBS/PDOK gebiedsindelingen (generalised, via cartomap/nl): one TopoJSON file per level and year.

Each file gives the regions of its level and year, one small GeoJSON shape per region for maps, and
(gemeente files only) the provincie every gemeente lies in, found by spatial containment.
``read_layer`` is the one place that reads and cleans a boundary file; the crosswalk and other
parsers reuse it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import polars as pl
import pyogrio
import shapely

from etl.errors import InputError
from etl.model import ParseResult
from etl.official import GEMEENTE_COUNTS
from etl.readers import read_json
from etl.sources import ParseContext, SourceSpec

GEO_DIR = "geo"
FILE_NAME = re.compile(r"^(?P<level>[a-z]+)_(?P<year>\d{4})\.topojson$")
# Our level name -> CBS code prefix; the files' ``rubriek`` values are exactly these level names.
PREFIXES = {
    "gemeente": "GM",
    "provincie": "PV",
    "arbeidsmarktregio": "AM",
    "coropgebied": "CR",
    "ggdregio": "GG",
    "veiligheidsregio": "VR",
}
# Regional counts verified against CBS 85755NED "Gebieden in Nederland 2024" (see geo/SOURCES.md).
REGION_COUNTS = {
    (level, year): n
    for level, n in {"arbeidsmarktregio": 35, "coropgebied": 40, "ggdregio": 25, "veiligheidsregio": 25}.items()
    for year in (2024, 2025)
}
PROVINCIE_COUNT = 12

# The files are already generalised and quantised to ~0.001 degree; a light extra simplification and a
# 4-decimal grid (about 10 m) keep one national gemeente map well under 200 KB without visible change.
SIMPLIFY_DEGREES = 0.0005
GRID_DEGREES = 1e-4

PUBLISHER = "CBS / PDOK (via cartomap/nl)"
LICENCE = "CC BY 4.0 (CBS open data; cartomap/nl simplification licence unstated)"
URL = "https://cartomap.github.io/nl/wgs84/{file}"


def layer_files(geo_dir: Path, level: str) -> dict[int, Path]:
    """Year -> file of one level in a boundary folder."""
    found = {}
    for path in geo_dir.glob(f"{level}_*.topojson"):
        match = FILE_NAME.match(path.name)
        if match and match["level"] == level:
            found[int(match["year"])] = path
    return dict(sorted(found.items()))


def level_and_year(path: Path) -> tuple[str, int]:
    match = FILE_NAME.match(path.name)
    if not match or match["level"] not in PREFIXES:
        raise InputError(path, f"boundary file name must be <level>_<year>.topojson with level one of {list(PREFIXES)}")
    return match["level"], int(match["year"])


def sources(snapshot: Path) -> list[SourceSpec]:
    geo_dir = snapshot / GEO_DIR
    paths = sorted(geo_dir.glob("*.topojson"))
    if not layer_files(geo_dir, "gemeente"):
        raise InputError(geo_dir, "no gemeente_<year>.topojson boundary files found")
    commits = _upstream_commits(geo_dir)
    specs = []
    for path in paths:
        level, year = level_and_year(path)
        commit = commits.get(path.name)
        upstream = f"cartomap/nl wgs84/{path.name}" + (f" @ {commit[:12]}" if commit else "")
        specs.append(
            SourceSpec(
                id=f"geo_{level}_{year}",
                path=f"{GEO_DIR}/{path.name}",
                publisher=PUBLISHER,
                title=f"CBS gebiedsindelingen, gegeneraliseerd: {level} {year}",
                table_id=None,
                url=URL.format(file=path.name),
                licence=LICENCE,
                reference_date=date(year, 1, 1),
                status="official",
                parse=parse_boundaries,
                notes=(
                    f"Unmodified copy of {upstream}. CBS/PDOK generalised boundaries, simplified further by "
                    "cartomap/nl (mapshaper) for country-level maps; not for zoomed-in use. Stored shapes are "
                    f"simplified again ({SIMPLIFY_DEGREES} degree, {GRID_DEGREES} degree grid)."
                ),
                required=True,
            )
        )
    return specs


def _upstream_commits(geo_dir: Path) -> dict[str, str]:
    """File name -> cartomap/nl commit, from the snapshot's SOURCES.md table (provenance only; optional)."""
    doc = geo_dir / "SOURCES.md"
    if not doc.exists():
        return {}
    rows = re.findall(r"^\|\s*`([^`]+\.topojson)`\s*\|.*?`([0-9a-f]{40})`", doc.read_text(encoding="utf-8"), re.M)
    return dict(rows)


def read_layer(path: Path) -> gpd.GeoDataFrame:
    """One boundary file as columns code, name, level, geometry: EPSG:4326, valid (multi)polygons, checked.

    Keys on the ``statcode`` property: GDAL's ``id`` column means different things in different years.
    """
    level, year = level_and_year(path)
    topology = read_json(path)  # a truncated or broken file fails here with line and character
    if not isinstance(topology, dict) or topology.get("type") != "Topology" or len(topology.get("objects", {})) != 1:
        raise InputError(path, "expected a TopoJSON Topology with exactly one object")
    try:
        raw = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises several error types for unreadable data
        raise InputError(path, f"GDAL cannot read the TopoJSON: {exc}") from exc
    missing = [c for c in ("statcode", "statnaam", "rubriek") if c not in raw.columns]
    if missing:
        raise InputError(path, f"features lack the properties {missing}; found {list(raw.columns)}")
    layer = gpd.GeoDataFrame(
        {"code": raw["statcode"], "name": raw["statnaam"], "level": raw["rubriek"]},
        geometry=raw.geometry.values,
    ).set_crs(4326, allow_override=True)
    _check_attributes(path, layer, level, year)
    # Mapshaper left a few tiny self-intersections; 'structure' keeps only polygonal parts (no stray lines).
    layer["geometry"] = layer.make_valid(method="structure", keep_collapsed=False)
    empty = layer.loc[layer.geometry.is_empty | layer.geometry.isna(), "code"].tolist()
    if empty:
        raise InputError(path, f"regions without a shape: {empty[:5]}")
    return layer


def _check_attributes(path: Path, layer: gpd.GeoDataFrame, level: str, year: int) -> None:
    for column in ("code", "name", "level"):
        blank = layer[column].isna() | (layer[column].astype(str).str.strip() == "")
        if blank.any():
            raise InputError(path, f"feature {int(np.argmax(blank.to_numpy())) + 1} has no {column} value")
    wrong_level = sorted(set(layer["level"]) - {level})
    if wrong_level:
        raise InputError(path, f"rubriek {wrong_level} in a {level} file")
    prefix = PREFIXES[level]
    bad = [c for c in layer["code"] if not re.fullmatch(rf"{prefix}\d+", c)]
    if bad:
        raise InputError(path, f"statcode values not of the form {prefix}<digits>: {bad[:5]}")
    dupes = sorted(layer.loc[layer["code"].duplicated(), "code"].unique())
    if dupes:
        raise InputError(path, f"duplicate statcode values: {dupes[:5]}")
    expected = _expected_count(level, year)
    if expected is not None and len(layer) != expected:
        raise InputError(path, f"{len(layer)} {level} features, expected the official {expected} for {year}")


def _expected_count(level: str, year: int) -> int | None:
    if level == "gemeente":
        return GEMEENTE_COUNTS.get(year)
    if level == "provincie":
        return PROVINCIE_COUNT
    return REGION_COUNTS.get((level, year))


def parse_boundaries(path: Path, ctx: ParseContext) -> ParseResult:
    level, year = level_and_year(path)
    layer = read_layer(path)
    regions = _regions(layer, year, level)
    geometries = pl.DataFrame(
        {"code": layer["code"].tolist(), "year": year, "level": level, "geojson": map_shapes(path, layer)},
        schema={"code": pl.String, "year": pl.Int32, "level": pl.String, "geojson": pl.String},
    )
    result = ParseResult(regions=regions, geometries=geometries)
    if level == "gemeente":
        result.region_parents, borrowed = provincie_parents(path, layer, year, ctx)
        if borrowed is not None:
            # No provincie file for this year: carry the latest earlier division so the parents exist as regions.
            result.regions = pl.concat([regions, borrowed], how="vertical")
    return result


def _regions(layer: gpd.GeoDataFrame, year: int, level: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"code": layer["code"].tolist(), "year": year, "name": layer["name"].tolist(), "level": level},
        schema={"code": pl.String, "year": pl.Int32, "name": pl.String, "level": pl.String},
    )


def map_shapes(
    path: Path, layer: gpd.GeoDataFrame, simplify: float = SIMPLIFY_DEGREES, grid: float = GRID_DEGREES
) -> list[str]:
    """Simplified, grid-rounded GeoJSON geometry strings (EPSG:4326), one per region, none empty."""
    shapes = shapely.simplify(layer.geometry.values, simplify, preserve_topology=True)
    shapes = shapely.set_precision(shapes, grid)
    shapes = shapely.make_valid(shapes, method="structure", keep_collapsed=False)
    lost = [code for code, shape in zip(layer["code"], shapes, strict=True) if shape is None or shape.is_empty]
    if lost:
        raise InputError(path, f"shapes vanish when simplified: {lost[:5]}")
    return shapely.to_geojson(shapes).tolist()


def provincie_parents(
    path: Path, gemeenten: gpd.GeoDataFrame, year: int, ctx: ParseContext
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Gemeente -> provincie by containment of a representative point; also the borrowed provincie regions.

    Uses the provincie file of ``year`` or, if absent, the latest earlier one (returned as regions of ``year``).
    """
    geo_dir = ctx.snapshot / GEO_DIR
    files = {y: p for y, p in layer_files(geo_dir, "provincie").items() if y <= year}
    if not files:
        raise InputError(path, f"no provincie boundary file for {year} or earlier in {geo_dir}")
    provincie_year = max(files)
    # Read through the context so the parse cache also keys on the provincie file.
    provincies = read_layer(ctx.dependency(f"{GEO_DIR}/{files[provincie_year].name}"))
    points = gpd.GeoDataFrame({"code": gemeenten["code"]}, geometry=gemeenten.representative_point(), crs=4326)
    areas = provincies[["code", "geometry"]].rename(columns={"code": "parent_code"})
    hits = gpd.sjoin(points, areas, predicate="within")
    counts = hits.groupby("code").size().reindex(gemeenten["code"], fill_value=0)
    wrong = counts[counts != 1]
    if len(wrong):
        detail = ", ".join(f"{code} ({n} provincies)" for code, n in wrong.items())
        source = files[provincie_year].name
        raise InputError(path, f"gemeente(n) not inside exactly one provincie of {source}: {detail}")
    parents = (
        pl.DataFrame(
            {"code": hits["code"].tolist(), "year": year, "parent_code": hits["parent_code"].tolist()},
            schema={"code": pl.String, "year": pl.Int32, "parent_code": pl.String},
        )
        .with_columns(pl.lit("provincie").alias("parent_level"))
        .sort("code")
    )
    borrowed = None
    if provincie_year != year:
        borrowed = _regions(provincies, year, "provincie")
    return parents, borrowed


def feature_collection(geometries: pl.DataFrame) -> str:
    """A GeoJSON FeatureCollection from a ``geometries`` frame; other columns than geojson become properties."""
    properties = [c for c in geometries.columns if c != "geojson"]
    features = []
    for row in geometries.iter_rows(named=True):
        props = json.dumps({k: row[k] for k in properties}, ensure_ascii=False, separators=(",", ":"))
        features.append(f'{{"type":"Feature","properties":{props},"geometry":{row["geojson"]}}}')
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
