"""regioatlas.nl 2016 gemeente -> arbeidsmarktregio / veiligheidsregio / GGD, coded via CBS 70072NED (2015)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from etl.errors import InputError
from etl.parsers import regioatlas
from etl.readers import read_csv
from etl.sources import ParseContext
from tests.conftest import run_spec, spec_by_id

CLASSIFICATION = "stats/cbs/70072NED_regionale_kerncijfers_2015_untyped_regios_codes.csv"


def parse(snapshot, level, path=None):
    return run_spec(spec_by_id(regioatlas, snapshot, f"regioatlas_2016_{level}"), snapshot, path)


def parents(result):
    return dict(result.region_parents.select("code", "parent_code").iter_rows())


def names(result):
    return dict(result.regions.select("code", "name").iter_rows())


def broken_copy(snapshot, level, tmp_path, edit):
    source = snapshot / spec_by_id(regioatlas, snapshot, f"regioatlas_2016_{level}").path
    target = tmp_path / source.name
    target.write_bytes(edit(source.read_bytes().decode("utf-8")).encode("utf-8"))
    return target


@pytest.fixture(scope="module")
def classification_2015(snapshot):
    """gemeente -> (AM, GG, VR) code in the CBS 2015 classification, read straight from the file."""
    frame = read_csv(snapshot / CLASSIFICATION, separator=";", required=["RegioS", "Code_271", "Code_281", "Code_303"])
    frame = frame.select(pl.col("RegioS", "Code_271", "Code_281", "Code_303").str.strip_chars())
    return frame.filter(pl.col("RegioS").str.starts_with("GM") & (pl.col("Code_271") != ""))


def test_sources_provenance(snapshot):
    specs = regioatlas.sources(snapshot)
    assert [s.id for s in specs] == [
        "regioatlas_2016_arbeidsmarktregio",
        "regioatlas_2016_veiligheidsregio",
        "regioatlas_2016_ggdregio",
    ]
    for spec in specs:
        assert spec.status == "unofficial"
        assert spec.publisher == "Ministerie van BZK, regioatlas.nl (export Open State Foundation)"
        assert spec.reference_date == date(2016, 1, 1)
        assert "openstate/datasets" in spec.notes and "7096b761" in spec.notes
        assert (snapshot / spec.path).is_file()
        assert spec.parse.__module__ == "etl.parsers.regioatlas"  # the build ranks sources by this
    # The classification file is only a lookup here: no spec of this module points at it.
    assert CLASSIFICATION not in {s.path for s in specs}


@pytest.mark.parametrize(
    ("level", "regions", "amsterdam", "amsterdam_region"),
    [
        ("arbeidsmarktregio", 35, "AM18", "Groot Amsterdam"),
        ("veiligheidsregio", 25, "VR13", "Amsterdam-Amstelland"),
        ("ggdregio", 25, "GG3406", "GGD Amsterdam"),
    ],
)
def test_every_2016_gemeente_gets_a_coded_region(snapshot, level, regions, amsterdam, amsterdam_region):
    result = parse(snapshot, level)
    links = parents(result)
    assert set(links) == set(ParseContext(snapshot).gemeente_reference(2016)["code"])  # the 390 of 2016
    assert len(links) == 390
    assert result.regions.height == regions
    assert set(result.regions["level"]) == {level} and set(result.region_parents["parent_level"]) == {level}
    assert set(result.regions["year"]) == {2016} and set(result.region_parents["year"]) == {2016}
    assert set(links.values()) == set(result.regions["code"])
    assert links["GM0363"] == amsterdam and names(result)[amsterdam] == amsterdam_region


def test_amsterdam_code_matches_cbs_2015(classification_2015):
    amsterdam = classification_2015.filter(pl.col("RegioS") == "GM0363").row(0, named=True)
    assert (amsterdam["Code_271"], amsterdam["Code_281"], amsterdam["Code_303"]) == ("AM18", "GG3406", "VR13")


@pytest.mark.parametrize(
    ("level", "column", "moved"),
    [
        # regioatlas 2016 puts Renkum in Food Valley and Zuidplas in Rijnmond; CBS 2015 did not.
        ("arbeidsmarktregio", "Code_271", {"GM0274": ("AM31", "AM07"), "GM1892": ("AM22", "AM20")}),
        ("ggdregio", "Code_281", {}),
        ("veiligheidsregio", "Code_303", {}),
    ],
)
def test_membership_agrees_with_cbs_2015(snapshot, classification_2015, level, column, moved):
    links = parents(parse(snapshot, level))
    cbs = dict(classification_2015.select("RegioS", column).iter_rows())
    differ = {gm: (links[gm], cbs[gm]) for gm in links if gm in cbs and links[gm] != cbs[gm]}
    assert differ == moved
    # The 2016 gemeenten without a 2015 code: Gooise Meren, De Fryske Marren and Berg en Dal.
    assert set(links) - set(cbs) == {"GM1942", "GM1940", "GM1945"}


def test_renamed_regions_keep_the_regioatlas_name(snapshot):
    ggd = names(parse(snapshot, "ggdregio"))
    assert ggd["GG2514"] == "GGD Midden-Nederland"  # CBS 2015: 'GGD Regio Utrecht'
    assert ggd["GG4810"] == "Dienst Gezondheid & Jeugd Zuid-Holland Zuid"  # trailing space stripped
    assert names(parse(snapshot, "arbeidsmarktregio"))["AM16"] == "Zuid-Kennemerland en IJmond"


# --- bad input: every error names the file and the line or column ---


def test_unknown_region_name(snapshot, tmp_path):
    path = broken_copy(
        snapshot, "arbeidsmarktregio", tmp_path, lambda t: t.replace('"Groot Amsterdam"', '"Groot-Amsterdam Oost"')
    )
    with pytest.raises(
        InputError,
        match=r"arbeidsmarktregio\.csv, line 4, column \"Arbeidsmarktregio's\": 1 arbeidsmarktregio name\(s\) "
        r"not in the CBS 2015 classification: 'Groot-Amsterdam Oost'",
    ):
        parse(snapshot, "arbeidsmarktregio", path)


def test_wrong_delimiter(snapshot, tmp_path):
    path = broken_copy(snapshot, "veiligheidsregio", tmp_path, lambda t: t.replace('";"', '","'))
    with pytest.raises(
        InputError, match=r"veiligheidsregio\.csv, line 1: expected ';'-separated .* looks ','-separated"
    ):
        parse(snapshot, "veiligheidsregio", path)


def test_renamed_column(snapshot, tmp_path):
    path = broken_copy(snapshot, "ggdregio", tmp_path, lambda t: t.replace('"CBS"', '"CBS-code"', 1))
    with pytest.raises(InputError, match=r"ggd\.csv, line 1: missing column\(s\) \['CBS'\]"):
        parse(snapshot, "ggdregio", path)


def test_duplicate_row(snapshot, tmp_path):
    def duplicate_amsterdam(text):
        line = next(row for row in text.split("\n") if row.startswith('"Amsterdam";'))
        return text + "\n" + line  # the file has no newline after its last line (line 391)

    path = broken_copy(snapshot, "arbeidsmarktregio", tmp_path, duplicate_amsterdam)
    with pytest.raises(InputError, match=r"arbeidsmarktregio\.csv, line 392: duplicate row for \{'cbs': '0363'\}"):
        parse(snapshot, "arbeidsmarktregio", path)


def test_malformed_gemeentecode(snapshot, tmp_path):
    path = broken_copy(snapshot, "ggdregio", tmp_path, lambda t: t.replace('"Aalsmeer";"0358"', '"Aalsmeer";"358"'))
    with pytest.raises(InputError, match=r"ggd\.csv, line 4, column 'CBS': not a 4-digit gemeentecode: '358'"):
        parse(snapshot, "ggdregio", path)


def test_name_and_code_disagree(snapshot, tmp_path):
    path = broken_copy(
        snapshot, "veiligheidsregio", tmp_path, lambda t: t.replace('"Aalsmeer";"0358"', '"Aalten";"0358"')
    )
    with pytest.raises(InputError, match=r"veiligheidsregio\.csv, line 4, column 'CBS': gemeente 'Aalten' does not"):
        parse(snapshot, "veiligheidsregio", path)


def test_code_not_in_2016_boundaries(snapshot, tmp_path):
    # Bussum (0381) merged into Gooise Meren on 1-1-2016.
    path = broken_copy(snapshot, "ggdregio", tmp_path, lambda t: t.replace('"Aalsmeer";"0358"', '"Bussum";"0381"'))
    with pytest.raises(InputError, match=r"ggd\.csv, line 4, column 'CBS': 1 code\(s\) not among the 2016 .*'0381'"):
        parse(snapshot, "ggdregio", path)
