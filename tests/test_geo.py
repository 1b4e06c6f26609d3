"""Boundary parser: real cartomap/nl copies of the CBS/PDOK gebiedsindelingen in the snapshot's geo/ folder."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import geopandas as gpd
import polars as pl
import pytest
import shapely

from etl.errors import InputError
from etl.parsers import geo
from etl.readers import read_csv
from etl.sources import ParseContext
from tests.conftest import run_spec, spec_by_id

GEMEENTE_YEARS = list(range(2016, 2027))
# Official gemeente counts on 1 January; the files meet them (geo/SOURCES.md).
COUNTS = dict(zip(GEMEENTE_YEARS, [390, 388, 380, 355, 355, 352, 345, 342, 342, 342, 342], strict=True))
# A generous box around the Netherlands (the files' bounds are about 3.36-7.23 E, 50.75-53.56 N).
NL_BOX = (3.2, 50.6, 7.4, 53.7)


@pytest.fixture(scope="module")
def parsed(snapshot):
    return {spec.id: run_spec(spec, snapshot) for spec in geo.sources(snapshot)}


def test_one_source_per_file(snapshot):
    specs = geo.sources(snapshot)
    assert len(specs) == len(list((snapshot / "geo").glob("*.topojson"))) == 29
    spec = spec_by_id(geo, snapshot, "geo_gemeente_2016")
    assert spec.path == "geo/gemeente_2016.topojson"
    assert spec.publisher == "CBS / PDOK (via cartomap/nl)"
    assert spec.title == "CBS gebiedsindelingen, gegeneraliseerd: gemeente 2016"
    assert spec.url == "https://cartomap.github.io/nl/wgs84/gemeente_2016.topojson"
    assert spec.licence == "CC BY 4.0 (CBS open data; cartomap/nl simplification licence unstated)"
    assert spec.reference_date == date(2016, 1, 1)
    assert spec.status == "official" and spec.required
    assert "cartomap/nl" in spec.notes and "10e524b43484" in spec.notes  # upstream commit from SOURCES.md
    ids = {s.id for s in specs}
    assert {f"geo_gemeente_{y}" for y in GEMEENTE_YEARS} <= ids
    assert {f"geo_provincie_{y}" for y in range(2016, 2026)} <= ids
    for level in ("arbeidsmarktregio", "coropgebied", "ggdregio", "veiligheidsregio"):
        assert {f"geo_{level}_2024", f"geo_{level}_2025"} <= ids


@pytest.mark.parametrize("year", GEMEENTE_YEARS)
def test_gemeente_counts_and_parents(parsed, year):
    result = parsed[f"geo_gemeente_{year}"]
    gemeenten = result.regions.filter(pl.col("level") == "gemeente")
    assert gemeenten.height == COUNTS[year]
    assert gemeenten["code"].str.contains(r"^GM\d{4}$").all()
    assert result.geometries.height == COUNTS[year]
    parents = result.region_parents
    assert parents.height == COUNTS[year]
    assert sorted(parents["code"]) == sorted(gemeenten["code"])
    assert set(parents["parent_level"]) == {"provincie"}
    assert parents["parent_code"].n_unique() == 12
    of = dict(zip(parents["code"], parents["parent_code"], strict=True))
    assert of["GM0363"] == "PV27"  # Amsterdam, Noord-Holland
    assert of["GM0014"] == "PV20"  # Groningen, Groningen


def test_provincie_and_regional_levels(parsed):
    for year in range(2016, 2026):
        provincies = parsed[f"geo_provincie_{year}"].regions
        assert provincies.height == 12 and set(provincies["level"]) == {"provincie"}
        assert parsed[f"geo_provincie_{year}"].region_parents.height == 0
    names = lambda year: dict(parsed[f"geo_provincie_{year}"].regions.select("code", "name").iter_rows())  # noqa: E731
    assert names(2016)["PV21"] == "Friesland" and names(2021)["PV21"] == "Fryslân"
    expected = {
        "arbeidsmarktregio": ("AM", 35),
        "coropgebied": ("CR", 40),
        "ggdregio": ("GG", 25),
        "veiligheidsregio": ("VR", 25),
    }
    for level, (prefix, n) in expected.items():
        for year in (2024, 2025):
            regions = parsed[f"geo_{level}_{year}"].regions
            assert regions.height == n and set(regions["level"]) == {level}
            assert regions["code"].str.starts_with(prefix).all()
            assert set(regions["year"]) == {year}


def test_names(parsed):
    def name(year, code):
        frame = parsed[f"geo_gemeente_{year}"].regions.filter(pl.col("code") == code)
        return frame["name"].item()

    assert name(2016, "GM0788") == "Haaren"
    assert name(2023, "GM1992") == "Voorne aan Zee"
    assert name(2025, "GM0363") == "Amsterdam"
    haaren = [y for y in GEMEENTE_YEARS if "GM0788" in parsed[f"geo_gemeente_{y}"].regions["code"]]
    assert haaren == [2016, 2017, 2018, 2019, 2020]  # dissolved on 1 January 2021


def test_2026_borrows_the_2025_provincies(parsed):
    regions = parsed["geo_gemeente_2026"].regions
    provincies = regions.filter(pl.col("level") == "provincie")
    assert provincies.height == 12 and set(provincies["year"]) == {2026}
    assert set(provincies["code"]) == set(parsed["geo_provincie_2025"].regions["code"])
    assert set(parsed["geo_gemeente_2026"].region_parents["parent_code"]) <= set(provincies["code"])
    # A year with its own provincie file adds no provincie regions from the gemeente file.
    assert set(parsed["geo_gemeente_2025"].regions["level"]) == {"gemeente"}


@pytest.mark.parametrize(
    ("year", "file", "separator", "code_col", "parent_col"),
    [
        (2021, "gemeenten_alfabetisch_2021_codes.csv", ",", "GemeentecodeGM", "ProvinciecodePV"),
        (2023, "gemeenten_alfabetisch_2023_codes.csv", ",", "GemeentecodeGM", "ProvinciecodePV"),
        (2024, "gebieden_in_nederland_2024_85755NED_typed_alle_indelingen_inwonertal.csv", ";", "Code_1", "Code_26"),
    ],
)
def test_parents_match_cbs_lists(parsed, snapshot, year, file, separator, code_col, parent_col):
    """Spatial containment reproduces CBS's own gemeente -> provincie lists for every gemeente."""
    cbs = read_csv(snapshot / "stats" / "cbs" / file, separator=separator, required=[code_col, parent_col])
    expected = dict(zip(cbs[code_col].str.strip_chars(), cbs[parent_col].str.strip_chars(), strict=True))
    parents = parsed[f"geo_gemeente_{year}"].region_parents
    assert dict(zip(parents["code"], parents["parent_code"], strict=True)) == expected


@pytest.mark.parametrize("year", GEMEENTE_YEARS)
def test_national_gemeente_map_fits_200_kb(parsed, year):
    result = parsed[f"geo_gemeente_{year}"]
    names = result.regions.select("code", "name")
    collection = geo.feature_collection(result.geometries.join(names, on="code").select("code", "name", "geojson"))
    size = len(collection.encode("utf-8"))
    assert size <= 200_000, f"{year}: {size} bytes"
    assert len(json.loads(collection)["features"]) == COUNTS[year]


def test_geometries_are_geojson_inside_the_netherlands(parsed):
    for source_id, result in parsed.items():
        frame = result.geometries
        assert frame.height == result.regions.filter(pl.col("level") == frame["level"][0]).height
        for code, text in zip(frame["code"], frame["geojson"], strict=True):
            assert json.loads(text)["type"] in {"Polygon", "MultiPolygon"}, (source_id, code)
            shape = shapely.from_geojson(text)
            assert not shape.is_empty and shape.area > 0, (source_id, code)
            west, south, east, north = shape.bounds
            assert NL_BOX[0] < west < east < NL_BOX[2] and NL_BOX[1] < south < north < NL_BOX[3], (source_id, code)
            assert not re.search(r"\d\.\d{5,}", text), (source_id, code)  # rounded to 4 decimals


def test_read_layer_is_clean(snapshot):
    layer = geo.read_layer(snapshot / "geo" / "gemeente_2023.topojson")
    assert isinstance(layer, gpd.GeoDataFrame)
    assert list(layer.columns) == ["code", "name", "level", "geometry"]
    assert layer.crs.to_epsg() == 4326
    assert layer.is_valid.all() and set(layer.geom_type) <= {"Polygon", "MultiPolygon"}
    assert len(layer) == 342 and layer["code"].is_unique
    west, south, east, north = layer.total_bounds
    assert 3.3 < west < 3.4 and 7.2 < east < 7.3 and 50.7 < south < 50.8 and 53.5 < north < 53.6


def test_truncated_file_names_the_file(snapshot, tmp_path):
    source = snapshot / "geo" / "gemeente_2016.topojson"
    broken = tmp_path / "gemeente_2016.topojson"
    broken.write_bytes(source.read_bytes()[:50_000])
    spec = spec_by_id(geo, snapshot, "geo_gemeente_2016")
    with pytest.raises(InputError) as caught:
        run_spec(spec, snapshot, broken)
    assert caught.value.file == str(broken)
    assert "gemeente_2016.topojson" in str(caught.value) and "line 1" in str(caught.value)


def _edited_copy(snapshot: Path, tmp_path: Path, name: str, edit) -> Path:
    topology = json.loads((snapshot / "geo" / name).read_text(encoding="utf-8"))
    (layer,) = topology["objects"].values()
    edit(layer["geometries"])
    target = tmp_path / name
    target.write_text(json.dumps(topology), encoding="utf-8")
    return target


def test_missing_gemeente_fails_the_count(snapshot, tmp_path):
    broken = _edited_copy(snapshot, tmp_path, "gemeente_2016.topojson", lambda features: features.pop(0))
    with pytest.raises(InputError, match=r"gemeente_2016\.topojson: 389 gemeente features, expected the official 390"):
        geo.read_layer(broken)


def test_wrong_rubriek_and_duplicate_code_fail(snapshot, tmp_path):
    def relabel(features):
        features[0]["properties"]["rubriek"] = "wijk"

    with pytest.raises(InputError, match=r"provincie_2020\.topojson: rubriek \['wijk'\] in a provincie file"):
        geo.read_layer(_edited_copy(snapshot, tmp_path, "provincie_2020.topojson", relabel))

    def duplicate(features):
        features[1]["properties"]["statcode"] = features[0]["properties"]["statcode"]

    with pytest.raises(InputError, match=r"provincie_2021\.topojson: duplicate statcode values: \['PV20'\]"):
        geo.read_layer(_edited_copy(snapshot, tmp_path, "provincie_2021.topojson", duplicate))


def test_gemeente_outside_every_provincie_is_named(snapshot):
    path = snapshot / "geo" / "gemeente_2024.topojson"
    gemeenten = geo.read_layer(path)
    at_sea = gemeenten["code"] == "GM0363"
    gemeenten.loc[at_sea, "geometry"] = gemeenten.loc[at_sea, "geometry"].translate(xoff=-3.0)  # into the North Sea
    with pytest.raises(InputError, match=r"gemeente_2024\.topojson: .*GM0363 \(0 provincies\)"):
        geo.provincie_parents(path, gemeenten, 2024, ParseContext(snapshot))


def test_gemeente_year_without_any_provincie_file(snapshot, tmp_path):
    (tmp_path / "geo").mkdir()
    path = tmp_path / "geo" / "gemeente_2016.topojson"
    path.write_bytes((snapshot / "geo" / "gemeente_2016.topojson").read_bytes())
    with pytest.raises(InputError, match=r"gemeente_2016\.topojson: no provincie boundary file for 2016 or earlier"):
        geo.parse_boundaries(path, ParseContext(tmp_path))


def test_unknown_file_name_is_refused(snapshot, tmp_path):
    (tmp_path / "geo").mkdir()
    source = snapshot / "geo" / "gemeente_2016.topojson"
    (tmp_path / "geo" / "gemeente_2016.topojson").write_bytes(source.read_bytes())
    (tmp_path / "geo" / "wijk_2016.topojson").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match=r"wijk_2016\.topojson: boundary file name must be <level>_<year>\.topojson"):
        geo.sources(tmp_path)
