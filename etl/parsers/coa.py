"""TNO "Vluchtelingen in kaart" (csWeb, November 2015): COA locations and a gemeente layer.

Two csWeb layer files, each a GeoJSON FeatureCollection under ``features``:

- ``azc``: 75 COA reception locations (points, compiled by TNO from COA.nl). They carry no gemeente, so
  each point is placed in a 2015 gemeente by a point-in-polygon join on the second file.
- ``vluchtelingen``: 391 gemeente polygons (2015, ``GM_CODE``) with places at existing COA locations and
  places promised by gemeenten during the autumn-2015 reception crisis.

Both are hand-compiled snapshots, so every figure is ``unofficial`` (per-gemeente sums are ``derived``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import polars as pl
import shapely
import shapely.geometry
from pyproj import Transformer
from shapely.errors import ShapelyError

from etl.errors import InputError
from etl.model import COA_LOCATION, REGION, REGION_GEOMETRY, ParseResult
from etl.parsers.geo import map_shapes
from etl.readers import read_json
from etl.sources import ParseContext, SourceSpec

PATH_LOCATIONS = "stats/coa/tno_cswebexample_azc_locaties_2015.json"
PATH_GEMEENTEN = "stats/coa/tno_cswebexample_vluchtelingen_gemeenten_2015.geojson.json"
YEAR = 2015
# Period of the per-gemeente figures: the snapshot month. The layers' own `updated` stamps say 3 Nov 2015;
# we check they fall in November 2015 so a newer copy of the files cannot silently keep this date.
SNAPSHOT = date(2015, 11, 3)  # both layers' 'updated' stamps: 3 November 2015
REPO_NOTE = (
    "Repository TNOCS/csWeb-example, path public/data/projects/Vluchtelingen/{file}, last changed in commit "
    "737d8240cb9a93e49b1889d0f8329b0f20392fea (snapshot HEAD 49ff51159db0a87bb6fabd499ff395b6df41d4ce). "
)
# TNO's 2015 layer is far more detailed than the CBS/PDOK files (69,400 vertices, 706 parts, many of them
# specks along the coast). For its map, parts under MAP_MIN_PART_M2 go (a gemeente keeps its largest part)
# and a coarser simplification (~300-500 m, under one pixel of a national map) keeps it near 145 KB.
MAP_MIN_PART_M2 = 1_000_000
MAP_SIMPLIFY_DEGREES = 0.0045
MAP_GRID_DEGREES = 1e-3
EQUAL_AREA_CRS = 28992  # Amersfoort / RD New, for part areas in square metres
# A location outside every polygon (simplified coastline, a gap in the layer) may take the nearest gemeente
# when it lies at most this far away; further out it is an error.
MAX_NEAREST_METRES = 500.0

# The published `Type` labels are inconsistent (typos, case, several types in one label). Every label seen
# is mapped explicitly; an unknown label is an error, so a new one gets a conscious decision.
TYPE_GROUPS = {
    "azc": "azc",
    "acz": "azc",  # typo of "azc" (Dronten, Luttelgeest, Weert)
    "azc,glo": "azc",  # Katwijk: a regular azc that is also a gezinslocatie
    "noodopvang": "noodopvang",
    "glo": "gezinslocatie",
    "pol": "procesopvang",  # proces-opvanglocatie
    "pol,glo": "procesopvang",  # Gilze en Rijen: POL with a gezinslocatie
    "col, pol, vbl": "procesopvang",  # Ter Apel: central reception, POL and restricted-freedom location
    "avo": "aanvullende_opvang",  # "aanvullende opvanglocatie", as the descriptions in the file say
    "nieuw": "other",  # a location still being converted (Den Helder - Doggershoek, 0 places)
    "centraal bureau": "kantoor",  # COA head office, "geen opvanglocatie" per its description
}
# Groups that are not reception locations and so are not counted in `coa_locaties`.
NOT_RECEPTION = {"kantoor"}

# "Sun Feb 28 2016 01:00:00 GMT+0100 (W. Europe Standard Time)": JavaScript's Date.toString().
_JS_DATE = re.compile(r"^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{2}) (\d{4}) \d{2}:\d{2}:\d{2} GMT[+-]\d{4}\b")
_MONTHS = {
    m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)
}
_GM_CODE = re.compile(r"^GM\d{4}$")


def sources(snapshot: Path) -> list[SourceSpec]:
    common = dict(
        # Both lists are a third party's selection (75 locations; the gemeenten TNO compiled): a gemeente they do
        # not name has no known figure, not 0.
        absent="unknown",
        table_id=None,
        licence="Geen licentie vermeld (TNOCS/csWeb-example)",
        reference_date=date(2015, 11, 3),  # the layers' `updated` timestamps
        status="unofficial",
    )
    return [
        SourceSpec(
            id="tno_coa_locaties_2015",
            path=PATH_LOCATIONS,
            publisher="COA (via COA.nl); samengesteld en gegeocodeerd door TNO",
            title="Asielzoekerscentra (csWeb-laag 'azc', Vluchtelingen in kaart)",
            url="https://github.com/TNOCS/csWeb-example/blob/737d8240cb9a93e49b1889d0f8329b0f20392fea/"
            "public/data/projects/Vluchtelingen/azc.json",
            parse=parse_locations,
            notes=REPO_NOTE.format(file="azc.json") + "Partial (75 locations), capacity not occupancy.",
            **common,
        ),
        SourceSpec(
            id="tno_vluchtelingen_gemeenten_2015",
            path=PATH_GEMEENTEN,
            publisher="TNO, uit CBS, COA en nieuwsberichten",
            title="Syrische immigranten en opvang per gemeente (csWeb-laag 'vluchtelingen', Vluchtelingen in kaart)",
            url="https://github.com/TNOCS/csWeb-example/blob/737d8240cb9a93e49b1889d0f8329b0f20392fea/"
            "public/data/projects/Vluchtelingen/vluchtelingen.json",
            parse=parse_gemeenten,
            notes=REPO_NOTE.format(file="vluchtelingen.json") + "Hand-compiled during the autumn-2015 crisis.",
            **common,
        ),
    ]


# ---------------------------------------------------------------- shared: reading a csWeb layer


def _features(path: Path) -> list[dict]:
    layer = read_json(path)
    features = layer.get("features") if isinstance(layer, dict) else None
    if not isinstance(features, list) or not features:
        raise InputError(path, "not a csWeb layer: no list of features under 'features'")
    stamp = layer.get("updated")  # milliseconds since 1970
    day = datetime.fromtimestamp(stamp / 1000, UTC).date() if isinstance(stamp, int | float) else None
    if day is None or (day.year, day.month) != (SNAPSHOT.year, SNAPSHOT.month):
        raise InputError(path, f"layer timestamp 'updated'={stamp!r} is not in November 2015; update SNAPSHOT")
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            raise InputError(path, f"feature {number}: not a GeoJSON feature with properties")
    return features


def _where(number: int, feature: dict) -> str:
    name = feature["properties"].get("Naam")
    return f"feature {number} ({name!r})" if name else f"feature {number}"


def _text(path: Path, number: int, feature: dict, prop: str, *, required: bool = False) -> str | None:
    value = feature["properties"].get(prop)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if value is not None and not isinstance(value, str):
        raise InputError(path, f"{_where(number, feature)}, property {prop!r}: expected text, found {value!r}")
    value = value.strip() if value else None  # str.strip also drops the non-breaking spaces in this file
    if required and not value:
        raise InputError(path, f"{_where(number, feature)}, property {prop!r}: missing or empty")
    return value or None


def _count(path: Path, number: int, feature: dict, prop: str, *, required: bool = False) -> int | None:
    """A whole, non-negative number of places; text digits are accepted ('600'), anything else fails."""
    value = feature["properties"].get(prop)
    if isinstance(value, str):
        value = value.strip()
        value = int(value) if value.isdigit() and value.isascii() else (None if value == "" else value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InputError(path, f"{_where(number, feature)}, property {prop!r}: not a number of places: {value!r}")
    return value


# ---------------------------------------------------------------- gemeente layer


@cache
def _gemeente_layer(path: Path) -> tuple[tuple[tuple[str, str], ...], tuple[shapely.Geometry, ...]]:
    """((code, name), ...) and the matching valid polygons of the 2015 gemeente layer."""
    features = _features(path)
    keys, shapes = [], []
    for number, feature in enumerate(features, start=1):
        code = _text(path, number, feature, "GM_CODE", required=True)
        if not _GM_CODE.match(code):
            raise InputError(path, f"{_where(number, feature)}, property 'GM_CODE': not a gemeente code: {code!r}")
        name = _text(path, number, feature, "Naam", required=True)
        try:
            shape = shapely.geometry.shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError, ShapelyError) as exc:
            raise InputError(path, f"{_where(number, feature)}: unreadable geometry ({exc})") from exc
        if shape.geom_type not in ("Polygon", "MultiPolygon") or shape.is_empty:
            raise InputError(path, f"{_where(number, feature)}: expected a (multi)polygon, found {shape.geom_type}")
        keys.append((code, name))
        shapes.append(shapely.make_valid(shape))  # GM0744 has a ring self-intersection
    for index, label in ((0, "GM_CODE"), (1, "Naam")):
        seen: dict[str, int] = {}
        for number, key in enumerate(keys, start=1):
            if key[index] in seen:
                raise InputError(
                    path, f"features {seen[key[index]]} and {number} share {label} {key[index]!r} (name conflict)"
                )
            seen[key[index]] = number
    return tuple(keys), tuple(shapes)


def gemeente_layer(path: Path) -> gpd.GeoDataFrame:
    """The 2015 gemeenten as columns code, name, geometry (EPSG:4326), like ``geo.read_layer``: the only
    boundaries of that year, used for the 2015 map."""
    keys, shapes = _gemeente_layer(path)
    return gpd.GeoDataFrame(
        {"code": [code for code, _ in keys], "name": [name for _, name in keys]}, geometry=list(shapes), crs=4326
    )


def _without_specks(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each gemeente without polygon parts under ``MAP_MIN_PART_M2``, keeping at least its largest part."""
    parts = layer[["code", "geometry"]].explode(index_parts=False).reset_index(drop=True)
    area = parts.to_crs(EQUAL_AREA_CRS).area
    largest = area.groupby(parts["code"]).transform("max")
    kept = parts[(area >= MAP_MIN_PART_M2) | (area == largest)]
    merged = kept.dissolve(by="code", sort=False).reindex(layer["code"])
    return gpd.GeoDataFrame(
        {"code": layer["code"].tolist(), "name": layer["name"].tolist()}, geometry=merged.geometry.values, crs=layer.crs
    )


def parse_gemeenten(path: Path, ctx: ParseContext) -> ParseResult:
    keys, _ = _gemeente_layer(path)
    features = _features(path)
    rows = []
    for number, feature in enumerate(features, start=1):
        code = keys[number - 1][0]
        # 'Plaatsen' is filled for every feature, with 0 as the default: three gemeenten whose existing COA
        # location is named in the same feature (Alkmaar, Apeldoorn, Midden-Drenthe) still read 0, so 0 means
        # "no figure", not "no places", and is left out.
        places = _count(path, number, feature, "Plaatsen")
        if places:
            rows.append(("opvang_plaatsen_bestaand", code, places))
        promised = _count(path, number, feature, "Beloofde plaatsen")  # stored as text ('600') in this file
        if promised is not None:
            rows.append(("opvang_plaatsen_beloofd", code, promised))
        # Not emitted: " Stand Taakstelling verguninghouders" (housing-target balance). Its sign convention is
        # documented nowhere (the total of -15,162 suggests negative = backlog, the opposite of the 2016
        # overview), so it cannot be published next to `huisvesting_saldo` without a source saying which.
    observations = _per_gemeente(rows, status="unofficial")
    regions = pl.DataFrame([(code, YEAR, name, "gemeente") for code, name in keys], schema=REGION, orient="row")
    layer = _without_specks(gemeente_layer(path))
    shapes = map_shapes(path, layer, MAP_SIMPLIFY_DEGREES, MAP_GRID_DEGREES)
    geometries = pl.DataFrame(
        {"code": layer["code"].tolist(), "year": YEAR, "level": "gemeente", "geojson": shapes}, schema=REGION_GEOMETRY
    )
    return ParseResult(regions=regions, observations=observations, geometries=geometries)


# ---------------------------------------------------------------- locations


def parse_locations(path: Path, ctx: ParseContext) -> ParseResult:
    features = _features(path)
    locations = [_location(path, number, feature) for number, feature in enumerate(features, start=1)]
    gemeenten_path = ctx.dependency(PATH_GEMEENTEN)
    keys, shapes = _gemeente_layer(gemeenten_path)
    codes = _join(path, gemeenten_path, locations, keys, shapes)
    frame = pl.DataFrame(
        [{**loc, "gemeente_code": code, "gemeente_year": YEAR} for loc, code in zip(locations, codes, strict=True)],
        schema=COA_LOCATION,
    )
    return ParseResult(coa_locations=frame, observations=_location_totals(frame))


def _location(path: Path, number: int, feature: dict) -> dict:
    where = _where(number, feature)
    geometry = feature.get("geometry") if isinstance(feature.get("geometry"), dict) else {}
    coords = geometry.get("coordinates")
    if geometry.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
        raise InputError(path, f"{where}: expected a Point geometry, found {geometry!r}")
    lon, lat = coords[0], coords[1]
    if not all(isinstance(v, int | float) for v in (lon, lat)) or not (3 < lon < 8 and 50 < lat < 54):
        raise InputError(path, f"{where}: coordinates {coords!r} are not a lon/lat point in the Netherlands")
    for prop, value in (("Lat", lat), ("Lon", lon)):
        stated = feature["properties"].get(prop)
        if stated is not None and (not isinstance(stated, int | float) or abs(stated - value) > 1e-6):
            raise InputError(path, f"{where}, property {prop!r}: {stated!r} disagrees with the geometry ({value})")
    kind = _text(path, number, feature, "Type", required=True)
    group = TYPE_GROUPS.get(kind.lower())
    if group is None:
        raise InputError(path, f"{where}, property 'Type': unknown label {kind!r}; add it to TYPE_GROUPS")
    emergency = _text(path, number, feature, "Noodopvang")
    if emergency not in (None, "Ja", "Nee"):
        raise InputError(path, f"{where}, property 'Noodopvang': expected Ja or Nee, found {emergency!r}")
    street = _text(path, number, feature, "Straat")
    house = "".join(filter(None, (_text(path, number, feature, p) for p in ("Huisnummer", "Huisletter"))))
    return {
        "name": _text(path, number, feature, "Naam", required=True),
        "place": _text(path, number, feature, "Plaats", required=True),
        "type": kind,
        "type_group": group,
        "places": _count(path, number, feature, "Opvangplaatsen", required=True),
        "emergency": None if emergency is None else emergency == "Ja",
        "available_until": _js_date(path, where, _text(path, number, feature, "Beschikbaar tot")),
        "street": " ".join(filter(None, (street, house))) or None,  # street and house number, as one line
        "postcode": _text(path, number, feature, "Postcode"),  # as published (one reads '8914T')
        "lat": float(lat),
        "lon": float(lon),
    }


def _js_date(path: Path, where: str, text: str | None) -> date | None:
    """The calendar date as written; 1 Jan 1970 is the csWeb editor's empty date (epoch 0), so no date."""
    if text is None:
        return None
    match = _JS_DATE.match(text)
    if not match or match[1] not in _MONTHS:
        raise InputError(path, f"{where}, property 'Beschikbaar tot': not a JavaScript date string: {text!r}")
    try:
        value = date(int(match[3]), _MONTHS[match[1]], int(match[2]))
    except ValueError as exc:
        raise InputError(path, f"{where}, property 'Beschikbaar tot': {exc}: {text!r}") from exc
    return None if value == date(1970, 1, 1) else value


def _join(
    path: Path,
    gemeenten_path: Path,
    locations: list[dict],
    keys: tuple[tuple[str, str], ...],
    shapes: tuple[shapely.Geometry, ...],
) -> list[str]:
    """Gemeente code for every location: the polygon that covers it, else the nearest within MAX_NEAREST_METRES."""
    rd = _to_rd(shapes)
    tree = shapely.STRtree(rd)
    codes = []
    for number, loc in enumerate(locations, start=1):
        point = _to_rd((shapely.Point(loc["lon"], loc["lat"]),))[0]
        hits = sorted(tree.query(point, predicate="intersects"), key=lambda i: keys[i][0])
        if not hits:
            nearest, distance = tree.query_nearest(point, return_distance=True)
            if not len(nearest) or distance[0] > MAX_NEAREST_METRES:
                far = f"{distance[0]:.0f} m from the nearest" if len(nearest) else "outside every"
                raise InputError(
                    path,
                    f"feature {number} ({loc['name']!r}): location ({loc['lat']}, {loc['lon']}) is {far} gemeente "
                    f"polygon in {gemeenten_path.name}, more than {MAX_NEAREST_METRES:.0f} m",
                )
            hits = [int(nearest[0])]
        codes.append(keys[hits[0]][0])  # on a shared border: the lowest code, so the result is stable
    return codes


def _to_rd(geoms: tuple[shapely.Geometry, ...]) -> list[shapely.Geometry]:
    """WGS84 -> RD New (EPSG:28992), so distances are in metres."""
    to_rd = _transformer()
    return list(shapely.transform(list(geoms), lambda xy: np.column_stack(to_rd.transform(xy[:, 0], xy[:, 1]))))


@cache
def _transformer() -> Transformer:
    return Transformer.from_crs(4326, 28992, always_xy=True)


def _location_totals(frame: pl.DataFrame) -> pl.DataFrame:
    """Per gemeente: places, number of reception locations and emergency places (only where there are some)."""
    reception = frame.filter(~pl.col("type_group").is_in(list(NOT_RECEPTION)))
    rows: list[tuple[str, str, float]] = []
    for (code,), group in reception.group_by("gemeente_code"):
        rows.append(("coa_locaties", code, group.height))
        # A location published with 0 places has no capacity figure (e.g. Weert's new azc, Leeuwarden's
        # noodopvang in the WTC Expo); a gemeente with only such locations gets no places figure, not a 0.
        if group["places"].sum() > 0:
            rows.append(("coa_plaatsen", code, group["places"].sum()))
        emergency = group.filter(pl.col("emergency").fill_null(False))
        if emergency.height and emergency["places"].sum() > 0:
            rows.append(("noodopvang_plaatsen", code, emergency["places"].sum()))
    return _per_gemeente(rows, status="derived")


def _per_gemeente(rows: list[tuple[str, str, float]], *, status: str) -> pl.DataFrame:
    return (
        pl.DataFrame(
            rows, schema={"indicator_id": pl.String, "region_code": pl.String, "value": pl.Float64}, orient="row"
        )
        .select(
            "indicator_id",
            "region_code",
            pl.lit(YEAR, dtype=pl.Int32).alias("region_year"),
            pl.lit(SNAPSHOT, dtype=pl.Date).alias("period"),
            pl.lit("day").alias("period_type"),
            "value",
            pl.lit(status).alias("status"),
        )
        .sort("indicator_id", "region_code")
    )
