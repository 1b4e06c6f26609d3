"""CBS gemeente code lists (82949NED 2015, 83859NED 2018, gemeenten alfabetisch 2021-2023) on the real files,
each read by its recipe (``recipes/cbs_82949ned.toml`` etc.) through the generic readers."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from etl.errors import InputError
from etl.readers import read_csv
from etl.recipes import REPO_RECIPES, load, spec_of
from etl.sources import ParseContext
from tests.conftest import run_spec

SOURCE_IDS = (
    "cbs_82949ned",
    "cbs_83859ned",
    "cbs_gemeenten_alfabetisch_2021",
    "cbs_gemeenten_alfabetisch_2022",
    "cbs_gemeenten_alfabetisch_2023",
)


def recipe_spec(source_id):
    path = REPO_RECIPES / f"{source_id}.toml"
    return spec_of(load(path), path)


def parse(snapshot, source_id, path=None):
    return run_spec(recipe_spec(source_id), snapshot, path)


def regions_of(result, level):
    return dict(result.regions.filter(pl.col("level") == level).select("code", "name").iter_rows())


def parents_of(result, year):
    return dict(result.region_parents.filter(pl.col("year") == year).select("code", "parent_code").iter_rows())


def broken_copy(snapshot, source_id, tmp_path, edit, encoding="utf-8"):
    source = snapshot / recipe_spec(source_id).path
    target = tmp_path / source.name
    target.write_bytes(edit(source.read_bytes().decode(encoding)).encode(encoding))  # keeps CRLF
    return target


def test_sources_provenance(snapshot):
    specs = {source_id: recipe_spec(source_id) for source_id in SOURCE_IDS}
    assert specs["cbs_82949ned"].table_id == "82949NED"
    assert specs["cbs_82949ned"].reference_date == date(2015, 1, 1)
    assert specs["cbs_83859ned"].url.endswith("/83859NED/table")
    assert specs["cbs_gemeenten_alfabetisch_2022"].reference_date == date(2022, 1, 1)
    assert "menus12/DAwR-2024-covid" in specs["cbs_gemeenten_alfabetisch_2022"].notes
    for spec in specs.values():
        assert spec.publisher == "CBS" and spec.status == "official" and spec.licence == "CC BY 4.0"
        assert (snapshot / spec.path).is_file()
        assert spec.rank == 1  # official code lists outrank documents and shapes
        assert spec.absent is None  # a code list has no figures


def test_2015_gemeenten_and_names(snapshot):
    result = parse(snapshot, "cbs_82949ned")
    gemeenten = regions_of(result, "gemeente")
    assert len(gemeenten) == 393 and result.regions["year"].unique().to_list() == [2015]
    assert result.region_parents.height == 0
    assert gemeenten["GM0363"] == "Amsterdam"
    assert gemeenten["GM1680"] == "Aa en Hunze"  # the export stripped the spaces from 'naam': 'AaenHunze'
    assert gemeenten["GM0014"] == "Groningen"  # label 'Groningen (gemeente)'
    assert gemeenten["GM0888"] == "Beek"  # label 'Beek (L.)', naam 'Beek'
    assert gemeenten["GM0373"] == "Bergen (NH.)"  # the suffix is part of this name
    assert gemeenten["GM0381"] == "Bussum"  # merged into Gooise Meren on 1-1-2016
    # The same 393 gemeenten carry 2015 figures in 70072NED (2015).
    kern = read_csv(
        snapshot / "stats/cbs/70072NED_regionale_kerncijfers_2015_untyped_regios_codes.csv",
        separator=";",
        required=["RegioS", "TotaleBevolking_1"],
    ).with_columns(pl.col("RegioS", "TotaleBevolking_1").str.strip_chars())
    with_values = kern.filter(pl.col("RegioS").str.starts_with("GM") & (pl.col("TotaleBevolking_1") != ""))
    assert set(with_values["RegioS"]) == set(gemeenten)


def test_2018_names_equal_boundary_names(snapshot):
    result = parse(snapshot, "cbs_83859ned")
    gemeenten = regions_of(result, "gemeente")
    assert len(gemeenten) == 380
    reference = dict(ParseContext(snapshot).gemeente_reference(2018).iter_rows())
    assert gemeenten == reference
    assert gemeenten["GM0344"] == "Utrecht"  # label 'Utrecht (gemeente)'


@pytest.mark.parametrize(("year", "count"), [(2021, 352), (2022, 345), (2023, 342)])
def test_alfabetisch_counts_and_provincies(snapshot, year, count):
    result = parse(snapshot, f"cbs_gemeenten_alfabetisch_{year}")
    gemeenten = regions_of(result, "gemeente")
    provincies = regions_of(result, "provincie")
    assert len(gemeenten) == count
    assert set(gemeenten) == set(ParseContext(snapshot).gemeente_reference(year)["code"])
    assert len(provincies) == 12 and provincies["PV27"] == "Noord-Holland" and provincies["PV21"] == "Fryslân"
    parents = parents_of(result, year)
    assert set(parents) == set(gemeenten) and set(parents.values()) == set(provincies)
    assert parents["GM0363"] == "PV27" and parents["GM0344"] == "PV26"


def test_2022_values_and_restored_spelling(snapshot):
    result = parse(snapshot, "cbs_gemeenten_alfabetisch_2022")
    gemeenten = regions_of(result, "gemeente")
    assert parents_of(result, 2022)["GM0363"] == "PV27"
    assert regions_of(result, "provincie")["PV27"] == "Noord-Holland"
    assert gemeenten["GM1900"] == "Súdwest-Fryslân"  # the copy has 'Súdwest-Fryslan'
    assert gemeenten["GM0501"] == "Brielle" and "GM1992" not in gemeenten  # Voorne aan Zee only from 2023
    assert result.region_parents["year"].unique().to_list() == [2022]


def test_2023_has_voorne_aan_zee_and_serves_2024(snapshot):
    result = parse(snapshot, "cbs_gemeenten_alfabetisch_2023")
    gemeenten = regions_of(result, "gemeente")
    assert gemeenten["GM1992"] == "Voorne aan Zee" and "GM0501" not in gemeenten
    assert parents_of(result, 2023)["GM1992"] == "PV28"
    # No mergers on 1-1-2024: the same links are emitted for 2024 (regions for 2024 come from elsewhere).
    assert parents_of(result, 2024) == parents_of(result, 2023)
    assert result.regions["year"].unique().to_list() == [2023]


def test_2023_stops_when_the_2024_boundaries_differ(snapshot):
    """The recipe says the 2023 links hold in 2024; boundaries that say otherwise stop the import."""

    class OtherBoundaries(ParseContext):
        def division(self, level, year):
            reference = super().division(level, year)
            return reference.filter(pl.col("code") != "GM1992") if year == 2024 else reference

    alfabetisch = recipe_spec("cbs_gemeenten_alfabetisch_2023")
    with pytest.raises(InputError, match=r"declared to hold in 2024 too, but .* differ .*\['GM1992'\]"):
        alfabetisch.parse(snapshot / alfabetisch.path, OtherBoundaries(snapshot))


# --- bad input: every error names the file and the line or column ---


def test_wrong_delimiter(snapshot, tmp_path):
    path = broken_copy(snapshot, "cbs_gemeenten_alfabetisch_2021", tmp_path, lambda t: t.replace(",", ";"))
    with pytest.raises(InputError, match=r"gemeenten_alfabetisch_2021_codes\.csv, line 1: .*';'-separated"):
        parse(snapshot, "cbs_gemeenten_alfabetisch_2021", path)


def test_renamed_column(snapshot, tmp_path):
    path = broken_copy(
        snapshot, "cbs_gemeenten_alfabetisch_2023", tmp_path, lambda t: t.replace("ProvinciecodePV", "ProvCodePV", 1)
    )
    with pytest.raises(
        InputError,
        match=r"2023_codes\.csv, line 1: column\(s\) \['ProvinciecodePV'\] not in the header row 1; found .*'ProvCod",
    ):
        parse(snapshot, "cbs_gemeenten_alfabetisch_2023", path)


def test_duplicate_row(snapshot, tmp_path):
    def duplicate_amsterdam(text):
        line = next(row for row in text.splitlines() if ";GM0363;" in row)
        return text + line + "\r\n"

    path = broken_copy(snapshot, "cbs_gemeenten_alfabetisch_2022", tmp_path, duplicate_amsterdam)
    with pytest.raises(
        InputError,
        match=r"2022_codes_en\.csv, line 347, column 'MunicipalCodeGM': GM0363 appears more than once \(rows \[17, 347",
    ):
        parse(snapshot, "cbs_gemeenten_alfabetisch_2022", path)


def test_missing_row_breaks_the_count(snapshot, tmp_path):
    path = broken_copy(
        snapshot, "cbs_83859ned", tmp_path, lambda t: "\r\n".join(r for r in t.split("\r\n") if '"GM0363' not in r)
    )
    with pytest.raises(
        InputError,
        match=r"83859NED_codes_labels\.csv, line 380, column .*: 1 gemeenten of 2018 missing .*GM0363 Amsterdam",
    ):
        parse(snapshot, "cbs_83859ned", path)


def test_code_not_in_boundaries(snapshot, tmp_path):
    path = broken_copy(
        snapshot, "cbs_gemeenten_alfabetisch_2021", tmp_path, lambda t: t.replace("1680,GM1680", "9999,GM9999")
    )
    with pytest.raises(
        InputError, match=r"2021_codes\.csv, line 2, column 'GemeentecodeGM': GM9999 is not a gemeente of 2021"
    ):
        parse(snapshot, "cbs_gemeenten_alfabetisch_2021", path)


def test_malformed_code(snapshot, tmp_path):
    path = broken_copy(snapshot, "cbs_83859ned", tmp_path, lambda t: t.replace('"GM0014    "', '"G0014"'))
    with pytest.raises(InputError, match=r"line \d+, column 'Codes en namen van gemeenten/Code \(code\)'.*'G0014'"):
        parse(snapshot, "cbs_83859ned", path)


def test_code_and_name_disagree(snapshot, tmp_path):
    path = broken_copy(
        snapshot, "cbs_gemeenten_alfabetisch_2023", tmp_path, lambda t: t.replace("GM0358,Aalsmeer", "GM0197,Aalsmeer")
    )
    with pytest.raises(
        InputError, match=r"2023_codes\.csv, line 3, .*'Aalsmeer' is gemeente GM0358 in 2023, but the row"
    ):
        parse(snapshot, "cbs_gemeenten_alfabetisch_2023", path)


def test_2015_list_without_a_gemeente_breaks_the_count(snapshot, tmp_path):
    """No 2015 boundaries to check against: CBS's count of 393 is what catches a lost row."""
    path = broken_copy(
        snapshot, "cbs_82949ned", tmp_path, lambda t: "\r\n".join(r for r in t.split("\r\n") if '"GM0363"' not in r)
    )
    with pytest.raises(InputError, match=r"stedelijkheid\.csv, column '\|\|Code/code': 392 gemeenten, expected 393"):
        parse(snapshot, "cbs_82949ned", path)


def test_2015_label_and_naam_disagree(snapshot, tmp_path):
    path = broken_copy(snapshot, "cbs_82949ned", tmp_path, lambda t: t.replace('"Aalsmeer";', '"Aalsmeerbrug";', 1))
    with pytest.raises(
        InputError,
        match=r"stedelijkheid\.csv, line 8, column 'Naam/naam': name 'Aalsmeerbrug' does not match 'Aalsmeer'",
    ):
        parse(snapshot, "cbs_82949ned", path)


def test_2015_truncated(snapshot, tmp_path):
    path = broken_copy(snapshot, "cbs_82949ned", tmp_path, lambda t: t[: len(t) // 2])
    with pytest.raises(InputError, match=r"stedelijkheid\.csv, line \d+: .*truncated"):
        parse(snapshot, "cbs_82949ned", path)


def test_provincie_with_two_names(snapshot, tmp_path):
    def rename_once(text):
        return text.replace("PV27,Noord-Holland\r\n", "PV27,NH\r\n", 1)

    path = broken_copy(snapshot, "cbs_gemeenten_alfabetisch_2021", tmp_path, rename_once)
    with pytest.raises(
        InputError,
        match=r"2021_codes\.csv, line 8, column 'Provincienaam': .*PV27 has more than one name: \['NH', 'Noord-H",
    ):
        parse(snapshot, "cbs_gemeenten_alfabetisch_2021", path)
