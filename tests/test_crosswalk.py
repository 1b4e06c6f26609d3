"""Crosswalk from every gemeente year in the snapshot onto the latest year's gemeenten (2026 here)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from etl.crosswalk import SCHEMA, build_crosswalk, with_surviving_codes
from etl.errors import InputError
from etl.parsers import coa
from etl.parsers.geo import layer_files, read_layer

LATEST = 2026
HAAREN_SUCCESSORS = {"GM0865": "Vught", "GM0824": "Oisterwijk", "GM0855": "Tilburg", "GM0757": "Boxtel"}


@pytest.fixture(scope="module")
def crosswalk(snapshot):
    return build_crosswalk(snapshot)


@pytest.fixture(scope="module")
def codes(snapshot):
    return {year: read_layer(path) for year, path in layer_files(snapshot / "geo", "gemeente").items()}


def targets(crosswalk, code, year) -> dict[str, float]:
    rows = crosswalk.filter((pl.col("from_code") == code) & (pl.col("from_year") == year))
    return dict(zip(rows["to_code"], rows["weight"], strict=True))


def test_schema(crosswalk):
    assert crosswalk.schema == SCHEMA
    assert set(crosswalk["to_year"]) == {LATEST}
    assert crosswalk.select("from_code", "from_year", "to_code").is_duplicated().sum() == 0


def test_every_gemeente_of_every_year_is_mapped(crosswalk, codes, snapshot):
    assert sorted(codes) == list(range(2016, LATEST + 1))
    codes = {**codes, 2015: coa.gemeente_layer(snapshot / coa.PATH_GEMEENTEN)}  # TNO's 2015 layer
    for year, layer in codes.items():
        mapped = set(crosswalk.filter(pl.col("from_year") == year)["from_code"])
        assert mapped == set(layer["code"]), year
    assert set(crosswalk["to_code"]) <= set(codes[LATEST]["code"])


def test_weights_sum_to_one(crosswalk):
    sums = crosswalk.group_by("from_code", "from_year").agg(pl.col("weight").sum())
    assert (sums["weight"] - 1).abs().max() < 1e-9
    assert crosswalk["weight"].min() > 0 and crosswalk["weight"].max() <= 1


def test_latest_year_is_identity(crosswalk, codes):
    latest = crosswalk.filter(pl.col("from_year") == LATEST)
    assert latest.height == 342
    assert (latest["from_code"] == latest["to_code"]).all() and (latest["weight"] == 1.0).all()
    for code in codes[LATEST]["code"]:
        assert targets(crosswalk, code, LATEST) == {code: 1.0}


def test_surviving_code_maps_to_itself(crosswalk, codes):
    for year in codes:
        assert targets(crosswalk, "GM0363", year) == {"GM0363": 1.0}  # Amsterdam
    # Groningen absorbed Haren and Ten Boer in 2019, yet its own code still maps only to itself.
    assert targets(crosswalk, "GM0014", 2016) == {"GM0014": 1.0}
    survivors = crosswalk.filter(pl.col("from_code").is_in(list(codes[LATEST]["code"])))
    assert (survivors["from_code"] == survivors["to_code"]).all() and (survivors["weight"] == 1.0).all()


def test_haaren_is_split_over_four_successors(crosswalk, codes):
    latest_names = dict(zip(codes[LATEST]["code"], codes[LATEST]["name"], strict=True))
    assert {code: latest_names[code] for code in HAAREN_SUCCESSORS} == HAAREN_SUCCESSORS
    for year in range(2016, 2021):
        split = targets(crosswalk, "GM0788", year)
        assert set(split) == set(HAAREN_SUCCESSORS), year  # the 1.4% border strip with Heusden is a sliver
        assert min(split.values()) > 0.05
        assert max(split, key=split.get) == "GM0865"  # Helvoirt made Vught the largest receiver
    assert "GM0788" not in set(crosswalk.filter(pl.col("from_year") == 2021)["from_code"])


def test_mergers_map_wholly(crosswalk, codes):
    # Leeuwarderadeel joined Leeuwarden on 1 January 2018: present in the 2016-2017 files, gone from 2018.
    assert "GM0081" in set(codes[2017]["code"]) and "GM0081" not in set(codes[2018]["code"])
    for year in (2016, 2017):
        assert targets(crosswalk, "GM0081", year) == {"GM0080": 1.0}
    # Weesp joined Amsterdam in 2022 (still in the 2022 file).
    for year in range(2016, 2023):
        assert targets(crosswalk, "GM0457", year) == {"GM0363": 1.0}
    # Menameradiel -> Waadhoeke only: its 4% overlap with Leeuwarden is a thin border strip, not a transfer.
    assert targets(crosswalk, "GM1908", 2016) == {"GM1949": 1.0}


def test_littenseradiel_and_a_boundary_correction(crosswalk):
    littenseradiel = targets(crosswalk, "GM0140", 2017)
    assert set(littenseradiel) == {"GM1900", "GM0080", "GM1949"}  # Súdwest-Fryslân, Leeuwarden, Waadhoeke
    # Slochteren lost Meerstad to Groningen between the 2016 and 2017 files (154.2 -> 138.9 km2 in RD).
    assert set(targets(crosswalk, "GM0040", 2016)) == {"GM1952", "GM0014"}
    assert targets(crosswalk, "GM0040", 2017) == {"GM1952": 1.0}


def _mini_snapshot(snapshot: Path, tmp_path: Path, years: list[int]) -> Path:
    (tmp_path / "geo").mkdir()
    for year in years:
        name = f"gemeente_{year}.topojson"
        (tmp_path / "geo" / name).write_bytes((snapshot / "geo" / name).read_bytes())
    return tmp_path


def test_2015_from_tno_agrees_with_2016_and_maps_the_2016_mergers(crosswalk):
    """TNO's 2015 polygons are drawn differently from the CBS files, yet a gemeente that existed in both
    years gets the same successors and weights; the 2016 mergers land on the new gemeenten."""
    gone_later = crosswalk.filter((pl.col("from_year") == 2016) & (pl.col("from_code") != pl.col("to_code")))
    for code in gone_later["from_code"].unique().to_list():
        in_2016, in_2015 = targets(crosswalk, code, 2016), targets(crosswalk, code, 2015)
        assert in_2015.keys() == in_2016.keys(), code
        assert all(abs(in_2015[t] - in_2016[t]) < 0.05 for t in in_2016), code
    assert targets(crosswalk, "GM0381", 2015) == {"GM1942": 1.0}  # Bussum -> Gooise Meren
    assert targets(crosswalk, "GM0425", 2015) == {"GM1942": 1.0}  # Naarden -> Gooise Meren
    assert targets(crosswalk, "GM0478", 2015) == {"GM0385": 1.0}  # Zeevang -> Edam-Volendam
    assert targets(crosswalk, "GM0241", 2015) == {"GM1945": 1.0}  # Groesbeek -> Berg en Dal
    assert "GM1930" not in set(crosswalk.filter(pl.col("from_year") == 2015)["from_code"])  # not in TNO's layer


def test_gemeenten_missing_from_a_layer_keep_their_surviving_code(crosswalk):
    regions = pl.DataFrame(
        {
            "code": ["GM1930", "GM1931", "GM9999", "GM0363"],
            "year": [2015, 2015, 2015, 2015],
            "name": ["Nissewaard", "Krimpenerwaard", "Nergenshuizen", "Amsterdam"],
            "level": ["gemeente"] * 4,
        },
        schema={"code": pl.String, "year": pl.Int32, "name": pl.String, "level": pl.String},
    )
    completed = with_surviving_codes(crosswalk, regions)
    assert targets(completed, "GM1930", 2015) == {"GM1930": 1.0}
    assert targets(completed, "GM1931", 2015) == {"GM1931": 1.0}
    assert targets(completed, "GM9999", 2015) == {}  # gone and without a shape: left for `etl check`
    assert completed.height == crosswalk.height + 2
    assert completed.schema == SCHEMA


def test_latest_year_is_whatever_the_snapshot_holds(snapshot, tmp_path):
    frame = build_crosswalk(_mini_snapshot(snapshot, tmp_path, [2020, 2021]))
    assert set(frame["to_year"]) == {2021}
    assert set(targets(frame, "GM0788", 2020)) == set(HAAREN_SUCCESSORS)
    assert frame.filter(pl.col("from_year") == 2021).height == 352


def test_truncated_gemeente_file_is_named(snapshot, tmp_path):
    root = _mini_snapshot(snapshot, tmp_path, [2024, 2025])
    broken = root / "geo" / "gemeente_2024.topojson"
    broken.write_bytes(broken.read_bytes()[:10_000])
    with pytest.raises(InputError, match=r"gemeente_2024\.topojson, line 1: invalid or truncated JSON"):
        build_crosswalk(root)
