"""TNO csWeb layers of November 2015: COA locations (points) and the gemeente layer (polygons)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import shapely.geometry

from etl.errors import InputError
from etl.parsers import coa
from tests.conftest import run_spec, spec_by_id

LOCATIONS = "tno_coa_locaties_2015"
GEMEENTEN = "tno_vluchtelingen_gemeenten_2015"
SNAPSHOT_DAY = date(2015, 11, 3)


@pytest.fixture(scope="module")
def locations(snapshot: Path):
    return run_spec(spec_by_id(coa, snapshot, LOCATIONS), snapshot)


@pytest.fixture(scope="module")
def gemeenten(snapshot: Path):
    return run_spec(spec_by_id(coa, snapshot, GEMEENTEN), snapshot)


def location(result, name: str) -> dict:
    rows = result.coa_locations.filter(pl.col("name") == name)
    assert rows.height == 1, name
    return rows.row(0, named=True)


def values(result, indicator: str) -> dict[str, float]:
    rows = result.observations.filter(pl.col("indicator_id") == indicator)
    return dict(rows.select("region_code", "value").iter_rows())


# ------------------------------------------------------------------ locations: the real file


def test_count_and_places(locations):
    frame = locations.coa_locations
    assert frame.height == 75
    assert frame["places"].sum() == 37_480
    assert frame["gemeente_code"].null_count() == 0
    assert set(frame["gemeente_year"]) == {2015}


def test_known_locations(locations):
    # Heumensoord (Malden): the 3,000-place emergency camp of winter 2015-16, in gemeente Heumen.
    heumensoord = location(locations, "Nijmegen Heumensoord")
    assert heumensoord["place"] == "Malden"
    assert heumensoord["places"] == 3000
    assert heumensoord["gemeente_code"] == "GM0252"
    assert heumensoord["emergency"] is True
    assert heumensoord["type_group"] == "noodopvang"
    assert heumensoord["available_until"] == date(2016, 6, 1)
    # Ter Apel lay in Vlagtwedde in 2015; its label lists three location types.
    ter_apel = location(locations, "Ter Apel - col, pol en vbl")
    assert (ter_apel["places"], ter_apel["gemeente_code"], ter_apel["type"], ter_apel["type_group"]) == (
        2000,
        "GM0048",
        "COL, POL, VBL",
        "procesopvang",
    )
    # Alkmaar: street and house number as one line, coordinates from the geometry
    alkmaar = location(locations, "Alkmaar")
    assert (alkmaar["street"], alkmaar["postcode"], alkmaar["gemeente_code"]) == ("Picassolaan 9", "1816MD", "GM0361")
    assert alkmaar["lat"] == pytest.approx(52.624229714341)
    assert alkmaar["emergency"] is False and alkmaar["available_until"] is None


def test_noisy_labels_are_cleaned(locations):
    burgum = location(locations, "Burgum")  # Noodopvang ' Nee', a 1970 epoch date, a leading space in the street
    assert burgum["emergency"] is False
    assert burgum["available_until"] is None
    assert burgum["street"] == "Elingsloane 63"
    assert location(locations, "Dronten")["type_group"] == "azc"  # published as "Acz"
    assert location(locations, "Overloon")["type"] == "Azc"  # published as " Azc"
    assert location(locations, "Almelo")["street"] == "Vriezenveenseweg 170a"  # non-breaking space stripped
    assert location(locations, "Oisterwijk")["emergency"] is None  # no Noodopvang field
    groups = set(locations.coa_locations["type_group"])
    assert groups == {"azc", "noodopvang", "gezinslocatie", "procesopvang", "aanvullende_opvang", "other", "kantoor"}


def test_per_gemeente_totals(locations):
    obs = locations.observations
    assert set(obs["status"]) == {"derived"}
    assert set(obs["period"]) == {SNAPSHOT_DAY} and set(obs["period_type"]) == {"day"}
    places = values(locations, "coa_plaatsen")
    assert sum(places.values()) == 37_480
    assert places["GM0202"] == 400 + 259  # Arnhem - De Berg + Arnhem Zuid
    counts = values(locations, "coa_locaties")
    assert counts["GM0202"] == 2
    assert counts["GM0400"] == 3  # Den Helder: Doggershoek, Maaskampkazerne, gezinslocatie
    assert "GM0603" not in counts  # the COA head office in Rijswijk is not a reception location
    assert sum(counts.values()) == 74
    # Groningen's azc is published with 0 places: counted as a location, no places figure
    assert counts["GM0014"] == 1 and "GM0014" not in places
    emergency = values(locations, "noodopvang_plaatsen")
    assert emergency["GM0252"] == 3000
    assert emergency["GM0400"] == 300  # Maaskampkazerne is typed Azc but marked Noodopvang: Ja
    assert "GM0361" not in emergency


def test_join_agrees_with_the_gemeente_layer(locations, gemeenten):
    codes = set(gemeenten.regions["code"])
    assert set(locations.coa_locations["gemeente_code"]) <= codes


# ------------------------------------------------------------------ gemeente layer: the real file


def test_gemeente_regions(gemeenten):
    regions = gemeenten.regions
    assert regions.height == 391
    assert set(regions["level"]) == {"gemeente"} and set(regions["year"]) == {2015}
    names = dict(regions.select("code", "name").iter_rows())
    assert names["GM0363"] == "Amsterdam"
    assert names["GM1680"] == "Aa en Hunze"


def test_gemeente_map_shapes(gemeenten, snapshot: Path):
    """The 2015 layer becomes that year's map: one simplified shape per gemeente, small enough to send."""
    shapes = gemeenten.geometries
    assert shapes.height == 391 and set(shapes["year"]) == {2015} and set(shapes["level"]) == {"gemeente"}
    assert set(shapes["code"]) == set(gemeenten.regions["code"])
    assert "GM1930" not in set(shapes["code"])  # Nissewaard (2015) is missing from TNO's layer
    assert sum(len(g) for g in shapes["geojson"]) <= 200_000
    geometry = {code: shapely.geometry.shape(json.loads(g)) for code, g in shapes.select("code", "geojson").iter_rows()}
    assert all(shape.is_valid and not shape.is_empty for shape in geometry.values())
    # Simplified, not moved: each map shape covers >= 90% of the original (specks and ~300 m of coast go).
    original = coa.gemeente_layer(snapshot / coa.PATH_GEMEENTEN).set_index("code").geometry
    for code in ("GM0363", "GM0014", "GM0088", "GM1680"):  # Amsterdam, Groningen, Schiermonnikoog, Aa en Hunze
        overlap = geometry[code].intersection(original[code]).area / original[code].area
        assert overlap >= 0.90, code
    # Specks under 1 km2 are dropped, but an island gemeente keeps its (only large) part.
    assert geometry["GM0088"].area > 0


def test_gemeente_places(gemeenten):
    obs = gemeenten.observations
    assert set(obs["status"]) == {"unofficial"} and set(obs["region_year"]) == {2015}
    assert set(obs["indicator_id"]) == {"opvang_plaatsen_bestaand", "opvang_plaatsen_beloofd"}
    promised = values(gemeenten, "opvang_plaatsen_beloofd")
    assert len(promised) == 34 and sum(promised.values()) == 17_004
    assert promised["GM1680"] == 400  # Aa en Hunze: 'Beloofde plaatsen': '400' (text in the file)
    existing = values(gemeenten, "opvang_plaatsen_bestaand")
    assert len(existing) == 53 and sum(existing.values()) == 27_857
    assert "GM0361" not in existing  # Alkmaar reads 0 next to 'Bestaande COA locaties': 'Azc'


# ------------------------------------------------------------------ broken copies


def load(snapshot: Path, relative: str) -> dict:
    return json.loads((snapshot / relative).read_text(encoding="utf-8"))


def parse_copy(snapshot: Path, tmp_path: Path, source_id: str, layer: dict | str, name: str = "layer.json"):
    target = tmp_path / name
    target.write_text(layer if isinstance(layer, str) else json.dumps(layer), encoding="utf-8")
    return run_spec(spec_by_id(coa, snapshot, source_id), snapshot, target)


def test_truncated_json(snapshot: Path, tmp_path: Path):
    text = (snapshot / coa.PATH_LOCATIONS).read_text(encoding="utf-8")
    with pytest.raises(InputError, match=r"azc\.json, line 1: invalid or truncated JSON"):
        parse_copy(snapshot, tmp_path, LOCATIONS, text[: len(text) // 2], "azc.json")


def test_non_numeric_places(snapshot: Path, tmp_path: Path):
    layer = load(snapshot, coa.PATH_LOCATIONS)
    layer["features"][2]["properties"]["Opvangplaatsen"] = "veel"
    expected = r"layer\.json: feature 3 \('Almere'\), property 'Opvangplaatsen': not a number"
    with pytest.raises(InputError, match=expected):
        parse_copy(snapshot, tmp_path, LOCATIONS, layer)


def test_unknown_type_label(snapshot: Path, tmp_path: Path):
    layer = load(snapshot, coa.PATH_LOCATIONS)
    layer["features"][0]["properties"]["Type"] = "Hotel"
    with pytest.raises(InputError, match=r"feature 1 \('Alkmaar'\), property 'Type': unknown label 'Hotel'"):
        parse_copy(snapshot, tmp_path, LOCATIONS, layer)


def test_bad_date_string(snapshot: Path, tmp_path: Path):
    layer = load(snapshot, coa.PATH_LOCATIONS)
    layer["features"][0]["properties"]["Beschikbaar tot"] = "1 juni 2016"
    with pytest.raises(InputError, match=r"feature 1 \('Alkmaar'\), property 'Beschikbaar tot'"):
        parse_copy(snapshot, tmp_path, LOCATIONS, layer)


def test_location_far_outside_every_gemeente(snapshot: Path, tmp_path: Path):
    layer = load(snapshot, coa.PATH_LOCATIONS)
    feature = layer["features"][0]
    feature["geometry"]["coordinates"] = [3.6, 53.2]  # North Sea
    feature["properties"].update(Lat=53.2, Lon=3.6)
    expected = r"feature 1 \('Alkmaar'\): location \(53\.2, 3\.6\) is \d+ m from the nearest"
    with pytest.raises(InputError, match=expected):
        parse_copy(snapshot, tmp_path, LOCATIONS, layer)


def test_location_just_offshore_takes_the_nearest_gemeente(snapshot: Path, tmp_path: Path):
    # Walk Bergen aan Zee due west until it leaves every (simplified) polygon, then about 100 m further out to sea.
    polygons = [shapely.geometry.shape(f["geometry"]).buffer(0) for f in load(snapshot, coa.PATH_GEMEENTEN)["features"]]
    layer = load(snapshot, coa.PATH_LOCATIONS)
    feature = next(f for f in layer["features"] if f["properties"]["Naam"] == "Bergen aan Zee")
    lon, lat = feature["geometry"]["coordinates"]
    while any(p.covers(shapely.Point(lon, lat)) for p in polygons):
        lon -= 0.0005
    lon -= 0.0015
    feature["geometry"]["coordinates"] = [lon, lat]
    feature["properties"].update(Lat=lat, Lon=lon)
    result = parse_copy(snapshot, tmp_path, LOCATIONS, layer)
    assert location(result, "Bergen aan Zee")["gemeente_code"] == "GM0373"


def test_geometry_and_properties_disagree(snapshot: Path, tmp_path: Path):
    layer = load(snapshot, coa.PATH_LOCATIONS)
    layer["features"][0]["properties"]["Lat"] = 51.0
    with pytest.raises(InputError, match=r"feature 1 \('Alkmaar'\), property 'Lat': 51\.0 disagrees"):
        parse_copy(snapshot, tmp_path, LOCATIONS, layer)


def test_gemeente_layer_non_numeric_promise(snapshot: Path, tmp_path: Path):
    layer = load(snapshot, coa.PATH_GEMEENTEN)
    layer["features"][0]["properties"]["Beloofde plaatsen"] = "ca. 400"
    with pytest.raises(
        InputError, match=r"layer\.json: feature 1 \('Aa en Hunze'\), property 'Beloofde plaatsen': not a number"
    ):
        parse_copy(snapshot, tmp_path, GEMEENTEN, layer)


def test_gemeente_layer_name_conflict(snapshot: Path, tmp_path: Path):
    layer = load(snapshot, coa.PATH_GEMEENTEN)
    layer["features"][1]["properties"]["GM_CODE"] = layer["features"][0]["properties"]["GM_CODE"]
    with pytest.raises(InputError, match=r"features 1 and 2 share GM_CODE 'GM1680'"):
        parse_copy(snapshot, tmp_path, GEMEENTEN, layer)


def test_gemeente_layer_truncated(snapshot: Path, tmp_path: Path):
    text = (snapshot / coa.PATH_GEMEENTEN).read_text(encoding="utf-8")
    with pytest.raises(InputError, match=r"layer\.json, line \d+: invalid or truncated JSON"):
        parse_copy(snapshot, tmp_path, GEMEENTEN, text[:-100])
