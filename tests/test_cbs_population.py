"""CBS population parsers: real snapshot files, sanity values from SOURCES.md and the files, and bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from etl.errors import InputError
from etl.parsers import cbs_kwb as pop
from etl.readers import numbers, read_csv
from etl.recipes import REPO_RECIPES, load, spec_of
from etl.sources import ParseContext
from tests.conftest import run_spec, spec_by_id, sql

# The labelled 70072NED exports and 84378NED are read by recipes; their figures are tested here with the other
# population files.
RECIPES = {
    sid: spec_of(load(REPO_RECIPES / f"{sid}.toml"), REPO_RECIPES / f"{sid}.toml")
    for sid in (
        "cbs_70072ned_2015",
        "cbs_70072ned_2020_2023",
        "cbs_70072ned_2025",
        "cbs_84378ned_2019",
        "cbs_84721ned_2020",
        "cbs_85755ned_2024",
    )
}
PATH_70072_2020_2023 = RECIPES["cbs_70072ned_2020_2023"].path
PATH_70072_2025 = RECIPES["cbs_70072ned_2025"].path
PATH_84378_2019 = RECIPES["cbs_84378ned_2019"].path
PATH_70072_2015 = RECIPES["cbs_70072ned_2015"].path
PATH_84721_2020 = RECIPES["cbs_84721ned_2020"].path
PATH_85755_2024 = RECIPES["cbs_85755ned_2024"].path
LABEL_POPULATION = "Bevolking/Bevolkingssamenstelling op 1 januari/Totale bevolking (aantal)"
SUFFIX_ALIASES = dict(load(REPO_RECIPES / "cbs_70072ned_2025.toml").regions.aliases)


@pytest.fixture(scope="module")
def results(snapshot: Path) -> dict:
    return {spec.id: run_spec(spec, snapshot) for spec in [*pop.sources(snapshot), *RECIPES.values()]}


def value(obs: pl.DataFrame, code: str, year: int, indicator: str = "bevolking") -> float:
    row = obs.filter(
        (pl.col("indicator_id") == indicator) & (pl.col("region_code") == code) & (pl.col("region_year") == year)
    )
    assert row.height == 1, (code, year, row)
    return row["value"][0]


def gemeenten(obs: pl.DataFrame, year: int) -> pl.DataFrame:
    return obs.filter(pl.col("region_code").str.starts_with("GM") & (pl.col("region_year") == year))


def test_every_source_file_exists_and_ids_are_unique(snapshot: Path) -> None:
    specs = [*pop.sources(snapshot), *RECIPES.values()]
    assert len(specs) == 8
    assert len({s.id for s in specs}) == len(specs)
    for spec in specs:
        assert (snapshot / spec.path).is_file(), spec.path


def test_population_is_a_yearly_official_stock_on_1_january(results: dict) -> None:
    for source_id, result in results.items():
        obs = result.observations
        if obs.height == 0:
            continue
        assert (obs["period_type"] == "year").all(), source_id
        assert obs.select((pl.col("period").dt.year() == pl.col("region_year")).all()).item(), source_id
        assert obs.select((pl.col("period").dt.ordinal_day() == 1).all()).item(), source_id
        # Every figure a file yields is published; sums (the 2024 country total) are the build's (etl/derive.py).
        assert (obs["status"] == "official").all(), source_id


def test_70072_2015_population(results: dict) -> None:
    obs = results["cbs_70072ned_2015"].observations
    assert obs["region_year"].unique().to_list() == [2015]
    assert obs["period"].unique().to_list() == [date(2015, 1, 1)]
    gm = gemeenten(obs, 2015)
    pv = obs.filter(pl.col("region_code").str.starts_with("PV"))
    assert gm.height == 393
    assert pv.height == 12
    assert obs.height == 393 + 12 + 1
    assert value(obs, "NL01", 2015) == 16_900_726
    assert gm["value"].sum() == 16_900_726
    assert pv["value"].sum() == 16_900_726
    assert value(obs, "GM0363", 2015) == 821_752
    assert value(obs, "GM0014", 2015) == 200_336


def test_70072_2015_divisions(results: dict) -> None:
    result = results["cbs_70072ned_2015"]
    parents = result.region_parents
    assert parents.height == 393 * 5
    assert parents.group_by("parent_level").len().sort("parent_level").rows() == [
        ("arbeidsmarktregio", 393),
        ("coropgebied", 393),
        ("ggdregio", 393),
        ("provincie", 393),
        ("veiligheidsregio", 393),
    ]
    amsterdam = dict(parents.filter(pl.col("code") == "GM0363").select("parent_level", "parent_code").rows())
    assert amsterdam == {
        "provincie": "PV27",
        "arbeidsmarktregio": "AM18",
        "coropgebied": "CR23",
        "ggdregio": "GG3406",
        "veiligheidsregio": "VR13",
    }
    regions = result.regions
    # Codes only in this export: no gemeente or country names, so no such regions (82949NED names the gemeenten).
    assert regions.group_by("level").len().sort("level").rows() == [
        ("arbeidsmarktregio", 35),
        ("coropgebied", 40),
        ("ggdregio", 25),
        ("provincie", 12),
        ("veiligheidsregio", 25),
    ]
    names = dict(regions.select("code", "name").rows())
    assert names["PV27"] == "Noord-Holland"
    assert names["AM18"] == "Groot Amsterdam"
    assert names["VR20"] == "Midden- en West-Brabant"
    assert (regions["year"] == 2015).all()


def test_no_region_without_a_name(results: dict) -> None:
    # The warehouse requires a name for every region: a parser must not emit empty ones.
    for source_id, result in results.items():
        assert result.regions["name"].null_count() == 0, source_id
        assert (result.regions["name"].str.len_chars() > 0).all(), source_id


def test_every_parent_is_a_region_of_the_same_file(results: dict) -> None:
    for source_id, result in results.items():
        parents = result.region_parents.select(pl.col("parent_code").alias("code"), "year", "parent_level").unique()
        regions = result.regions.select("code", "year", pl.col("level").alias("parent_level"))
        assert parents.join(regions, on=["code", "year", "parent_level"], how="anti").height == 0, source_id


def test_70072_2020_2023_counts_and_sums(results: dict) -> None:
    obs = results["cbs_70072ned_2020_2023"].observations
    counts = obs.group_by("region_year").len().sort("region_year").rows()
    assert counts == [(2020, 355), (2021, 352), (2022, 345), (2023, 342)]
    assert obs["region_code"].str.starts_with("GM").all()
    # 2020: the documented NL total of 84721NED on 1-1-2020.
    assert gemeenten(obs, 2020)["value"].sum() == 17_407_585
    assert value(obs, "GM0363", 2020) == 872_757
    assert value(obs, "GM0363", 2023) == 918_117
    # Labels with suffixes land on the right code.
    assert value(obs, "GM0373", 2020) == 29_839  # "Bergen (NH.)"
    assert value(obs, "GM0893", 2020) == 13_085  # "Bergen (L.)"
    assert value(obs, "GM0344", 2023) == 367_947  # "Utrecht (gemeente)"
    assert value(obs, "GM0888", 2023) == 16_132  # "Beek (L.)": the 2023 boundary name is plain "Beek"


@pytest.mark.parametrize(
    ("year", "label", "code"),
    [
        (2020, "Bergen (NH.)", "GM0373"),
        (2020, "Bergen (L.)", "GM0893"),
        (2020, "Utrecht (gemeente)", "GM0344"),
        (2021, "'s-Gravenhage (gemeente)", "GM0518"),
        (2022, "Groningen (gemeente)", "GM0014"),
        (2023, "Beek (L.)", "GM0888"),
        (2023, "Hengelo (O.)", "GM0164"),
        (2023, "Laren (NH.)", "GM0417"),
        (2023, "Middelburg (Z.)", "GM0687"),
        (2023, "Rijswijk (ZH.)", "GM0603"),
        (2023, "Stein (L.)", "GM0971"),
        (2023, "Súdwest-Fryslân", "GM1900"),
        (2025, "Beek (L.)", "GM0888"),
        (2025, "Súdwest-Fryslân", "GM1900"),
        (2025, "Noardeast-Fryslân", "GM1970"),
    ],
)
def test_cbs_labels_resolve(snapshot: Path, year: int, label: str, code: str) -> None:
    assert ParseContext(snapshot).resolver(year, aliases=SUFFIX_ALIASES).code(label) == code


def test_70072_2025(results: dict) -> None:
    obs = results["cbs_70072ned_2025"].observations
    assert obs["region_year"].unique().to_list() == [2025]
    assert value(obs, "NL01", 2025) == 18_044_027
    gm = gemeenten(obs, 2025)
    assert gm.height == 342
    assert obs.height == 343
    assert gm["value"].sum() == 18_044_027
    assert value(obs, "GM0363", 2025) == 934_526
    assert value(obs, "GM1900", 2025) == 90_534  # Súdwest-Fryslân


def test_84378_2019(results: dict) -> None:
    obs = results["cbs_84378ned_2019"].observations
    assert obs.height == 355
    assert obs["region_code"].str.starts_with("GM").all()
    assert obs["value"].sum() == 17_282_163
    assert value(obs, "GM0363", 2019) == 862_965
    assert "GM1900" in obs["region_code"].to_list()  # "Súdwest-Fryslân" read as cp1252 and matched to its code


def test_84721_2020_divisions(results: dict, snapshot: Path) -> None:
    result = results["cbs_84721ned_2020"]
    assert result.observations.height == 0
    parents = result.region_parents
    assert parents.group_by("parent_level").len().sort("parent_level").rows() == [
        ("provincie", 355),
        ("veiligheidsregio", 355),
    ]
    amsterdam = dict(parents.filter(pl.col("code") == "GM0363").select("parent_level", "parent_code").rows())
    assert amsterdam == {"provincie": "PV27", "veiligheidsregio": "VR13"}
    regions = result.regions
    assert (regions["year"] == 2020).all()
    pv = regions.filter(pl.col("level") == "provincie")
    vr = regions.filter(pl.col("level") == "veiligheidsregio")
    assert pv.height == 12 and vr.height == 25
    # Provincie names from the 2020 boundaries (the file names PV21 two ways); the space-stripped VR names
    # ("GooienVechtstreek") get their spaces back from the 2024 CBS names of the same codes.
    names = dict(regions.select("code", "name").rows())
    assert names["PV21"] == "Friesland"
    assert names["PV27"] == "Noord-Holland"
    assert names["VR14"] == "Gooi en Vechtstreek"
    assert names["VR06"] == "Noord- en Oost-Gelderland"
    assert names["VR20"] == "Midden- en West-Brabant"
    assert names["VR13"] == "Amsterdam-Amstelland"


def test_84721_2020_population_equals_70072_2020(results: dict, snapshot: Path) -> None:
    """The 2020 'Gebieden in Nederland' population is not loaded because it repeats 70072NED 2020 exactly."""
    path = snapshot / PATH_84721_2020
    frame = read_csv(path, separator=";", required=["municipalityCode", "population"], drop_trailing=["Bron:"])
    gebieden = dict(zip(frame["municipalityCode"], numbers(frame, "population", path), strict=True))
    kerncijfers = dict(
        gemeenten(results["cbs_70072ned_2020_2023"].observations, 2020).select("region_code", "value").rows()
    )
    assert len(gebieden) == 355
    assert gebieden == kerncijfers


def test_85755_2024(results: dict) -> None:
    result = results["cbs_85755ned_2024"]
    obs = result.observations
    gm = gemeenten(obs, 2024)
    assert gm.height == 342
    assert gm["value"].sum() == 17_942_942
    assert value(obs, "GM0363", 2024) == 931_298
    assert obs.filter(pl.col("region_code") == "NL01").height == 0  # the build adds the gemeenten up
    assert gm["status"].unique().to_list() == ["official"]
    parents = result.region_parents
    assert parents.height == 342 * 5
    amsterdam = dict(parents.filter(pl.col("code") == "GM0363").select("parent_level", "parent_code").rows())
    assert amsterdam == {
        "provincie": "PV27",
        "arbeidsmarktregio": "AM18",
        "coropgebied": "CR23",
        "ggdregio": "GG3406",
        "veiligheidsregio": "VR13",
    }
    regions = result.regions
    assert regions.group_by("level").len().sort("level").rows() == [
        ("arbeidsmarktregio", 35),
        ("coropgebied", 40),
        ("ggdregio", 25),
        ("provincie", 12),
        ("veiligheidsregio", 25),
    ]
    assert (regions["name"] == regions["name"].str.strip_chars()).all()
    names = dict(regions.select("code", "name").rows())
    assert names["AM18"] == "Groot Amsterdam"
    assert names["GG3406"] == "GGD Amsterdam"
    assert names["VR14"] == "Gooi en Vechtstreek"


def test_kwb_herkomst_2024(results: dict) -> None:
    assert results["cbs_85984ned_2024_codes"].observations.height == 0
    obs = results["cbs_85984ned_2024_herkomst"].observations
    assert obs["indicator_id"].unique().to_list() == ["herkomst_buiten_europa"]
    assert value(obs, "NL01", 2024, "herkomst_buiten_europa") == 3_324_101
    gm = gemeenten(obs, 2024)
    assert gm.height == 342
    assert obs.height == 343
    assert gm["value"].sum() == 3_324_101
    assert value(obs, "GM0363", 2024, "herkomst_buiten_europa") == 396_567


def test_kwb_population_equals_85755(results: dict, snapshot: Path) -> None:
    """The KWB population is not loaded because it repeats 85755NED (and its NL row equals the derived sum)."""
    path = snapshot / pop.PATH_KWB_CODES
    frame = read_csv(path, separator=";", required=[pop.KWB_KIND, pop.KWB_CODE, pop.KWB_POPULATION])
    frame = frame.with_columns(
        pl.col(pop.KWB_KIND, pop.KWB_CODE).str.strip_chars(), numbers(frame, pop.KWB_POPULATION, path).alias("v")
    )
    kwb_gm = dict(frame.filter(pl.col(pop.KWB_KIND) == "Gemeente").select(pop.KWB_CODE, "v").rows())
    gm = gemeenten(results["cbs_85755ned_2024"].observations, 2024)
    assert kwb_gm == dict(gm.select("region_code", "value").rows())
    assert frame.filter(pl.col(pop.KWB_KIND) == "Land")["v"].to_list() == [gm["value"].sum()]


def test_the_2024_country_population_is_the_builds_sum_of_85755(built_warehouse: Path) -> None:
    rows = sql(
        built_warehouse,
        """SELECT value, status, source_id, computed_from FROM observation
           WHERE indicator_id = 'bevolking' AND region_code = 'NL01' AND period = DATE '2024-01-01'""",
    )
    assert rows == [(17_942_942, "derived", "cbs_85755ned_2024", "sum of all gemeenten")]


def test_indicators_are_in_the_catalogue(results: dict) -> None:
    from etl.catalogue import INDICATOR_IDS

    used = set(pl.concat([r.observations for r in results.values()])["indicator_id"].unique())
    assert used <= INDICATOR_IDS


# --- bad input --------------------------------------------------------------------------------------------


def broken_copy(snapshot: Path, tmp_path: Path, rel: str, edit) -> Path:
    source = snapshot / rel
    target = tmp_path / source.name
    target.write_bytes(edit(source.read_bytes()))
    return target


def parse(snapshot: Path, source_id: str, path: Path):
    spec = RECIPES.get(source_id) or spec_by_id(pop, snapshot, source_id)
    return run_spec(spec, snapshot, path)


def test_truncated_file(snapshot: Path, tmp_path: Path) -> None:
    # Cut the 2015 export in the middle of a row: the last row has fewer fields than the header.
    path = broken_copy(snapshot, tmp_path, PATH_70072_2015, lambda b: b[: len(b) // 2])
    with pytest.raises(InputError) as err:
        parse(snapshot, "cbs_70072ned_2015", path)
    assert path.name in str(err.value)
    assert err.value.line is not None and err.value.line > 300
    assert "truncated" in str(err.value)


def test_truncated_labelled_file(snapshot: Path, tmp_path: Path) -> None:
    path = broken_copy(snapshot, tmp_path, PATH_85755_2024, lambda b: b[: len(b) - 200])
    with pytest.raises(InputError) as err:
        parse(snapshot, "cbs_85755ned_2024", path)
    assert path.name in str(err.value)
    assert err.value.line == 343


def test_truncated_at_a_line_boundary(snapshot: Path, tmp_path: Path) -> None:
    # Whole lines missing at the end still parse as CSV; the completeness checks catch it.
    def keep_lines(count: int, newline: bytes):
        return lambda raw: newline.join(raw.split(newline)[:count]) + newline

    cases = [
        ("cbs_70072ned_2015", PATH_70072_2015, keep_lines(300, b"\n"), "RegioS"),
        ("cbs_85755ned_2024", PATH_85755_2024, keep_lines(300, b"\n"), "RegioS"),
        ("cbs_70072ned_2020_2023", PATH_70072_2020_2023, keep_lines(2000, b"\r\n"), "Regio's"),
        ("cbs_84378ned_2019", PATH_84378_2019, keep_lines(300, b"\n"), "Code"),
    ]
    for source_id, rel, edit, column in cases:
        path = broken_copy(snapshot, tmp_path, rel, edit)
        with pytest.raises(InputError, match="truncated") as err:
            parse(snapshot, source_id, path)
        assert path.name in str(err.value)
        assert err.value.column == column


def test_missing_gemeente_in_labelled_file(snapshot: Path, tmp_path: Path) -> None:
    path = broken_copy(
        snapshot,
        tmp_path,
        PATH_70072_2020_2023,
        lambda b: b.replace(b'"2021";"Amsterdam";873338;5277\r\n', b""),
    )
    with pytest.raises(InputError) as err:
        parse(snapshot, "cbs_70072ned_2020_2023", path)
    assert "1 gemeenten of 2021 missing (truncated?" in str(err.value)
    assert "GM0363" in str(err.value)


def test_non_numeric_value(snapshot: Path, tmp_path: Path) -> None:
    path = broken_copy(
        snapshot,
        tmp_path,
        PATH_84378_2019,
        lambda b: b.replace(b"Amsterdam;GM0363;862965;", b"Amsterdam;GM0363;862.965a;"),
    )
    with pytest.raises(InputError) as err:
        parse(snapshot, "cbs_84378ned_2019", path)
    assert path.name in str(err.value)
    assert err.value.line == 17
    assert err.value.column == "Inwonertal"


def test_non_numeric_value_decimal_comma_file(snapshot: Path, tmp_path: Path) -> None:
    path = broken_copy(
        snapshot,
        tmp_path,
        PATH_70072_2025,
        lambda b: b.replace(b'"Nederland";18044027;', b'"Nederland";18 044 027;'),
    )
    with pytest.raises(InputError) as err:
        parse(snapshot, "cbs_70072ned_2025", path)
    assert err.value.line == 2
    assert err.value.column == LABEL_POPULATION


def test_unknown_gemeente_with_a_value(snapshot: Path, tmp_path: Path) -> None:
    path = broken_copy(
        snapshot,
        tmp_path,
        PATH_70072_2020_2023,
        lambda b: b.replace(b'"2022";"Amsterdam";', b'"2022";"Amsterdamm";'),
    )
    with pytest.raises(InputError) as err:
        parse(snapshot, "cbs_70072ned_2020_2023", path)
    assert path.name in str(err.value)
    assert "'Amsterdamm'" in str(err.value)
    assert err.value.line == 108
    assert err.value.column == "Regio's"


def test_unknown_gemeente_without_a_value_is_skipped(snapshot: Path, tmp_path: Path) -> None:
    # Former gemeenten (empty rows) are not looked up, so an unknown name there is harmless.
    path = broken_copy(
        snapshot,
        tmp_path,
        PATH_70072_2020_2023,
        lambda b: b.replace(b'"2020";"Beek en Donk";;', b'"2020";"Nergenshuizen";;'),
    )
    obs = parse(snapshot, "cbs_70072ned_2020_2023", path).observations
    assert obs.height == 1394


def test_duplicate_row(snapshot: Path, tmp_path: Path) -> None:
    def duplicate(raw: bytes) -> bytes:
        lines = raw.split(b"\n")
        return b"\n".join(lines[:17] + [lines[16]] + lines[17:])

    path = broken_copy(snapshot, tmp_path, PATH_84378_2019, duplicate)
    with pytest.raises(InputError) as err:
        parse(snapshot, "cbs_84378ned_2019", path)
    assert path.name in str(err.value)
    assert "GM0363 appears more than once for the same period (rows [17, 18])" in str(err.value)
    assert err.value.line == 18


def test_duplicate_row_labelled(snapshot: Path, tmp_path: Path) -> None:
    def duplicate(raw: bytes) -> bytes:
        lines = raw.split(b"\r\n")
        return b"\r\n".join(lines[:105] + [lines[105]] + lines[105:])  # "2020";"Amsterdam" twice

    path = broken_copy(snapshot, tmp_path, PATH_70072_2020_2023, duplicate)
    with pytest.raises(InputError) as err:
        parse(snapshot, "cbs_70072ned_2020_2023", path)
    assert "GM0363 appears more than once for the same period (rows [106, 107])" in str(err.value)
    assert err.value.line == 107


def test_code_that_is_not_a_gemeente_of_the_year(snapshot: Path, tmp_path: Path) -> None:
    path = broken_copy(
        snapshot, tmp_path, PATH_84721_2020, lambda b: b.replace(b'"Amsterdam";"GM0363"', b'"Amsterdam";"GM9363"')
    )
    with pytest.raises(InputError) as err:
        parse(snapshot, "cbs_84721ned_2020", path)
    assert err.value.line == 17
    assert err.value.column == "municipalityCode"


def test_name_and_code_disagree(snapshot: Path, tmp_path: Path) -> None:
    # Shifted rows in a third-party copy: two codes swapped between names.
    def swap(raw: bytes) -> bytes:
        raw = raw.replace(b"Aalsmeer;GM0358;", b"Aalsmeer;GM_TMP;")
        return raw.replace(b"Amsterdam;GM0363;", b"Amsterdam;GM0358;").replace(b"GM_TMP", b"GM0363")

    path = broken_copy(snapshot, tmp_path, PATH_84378_2019, swap)
    with pytest.raises(InputError) as err:
        parse(snapshot, "cbs_84378ned_2019", path)
    assert "'Aalsmeer' is gemeente GM0358 in 2019, but the row says GM0363" in str(err.value)
    assert err.value.line == 3
    assert err.value.column == "Code"


def test_veiligheidsregio_name_that_is_not_just_space_stripped(snapshot: Path, tmp_path: Path) -> None:
    path = broken_copy(
        snapshot,
        tmp_path,
        PATH_84721_2020,
        lambda b: b.replace(b'"VR13";"Amsterdam-Amstelland"', b'"VR13";"Amstel"'),
    )
    with pytest.raises(InputError) as err:
        parse(snapshot, "cbs_84721ned_2020", path)
    assert "VR13 'Amstel'" in str(err.value)
    assert err.value.line == 3
    assert err.value.column == "securityRegionName"


def test_division_column_with_wrong_codes(snapshot: Path, tmp_path: Path) -> None:
    path = broken_copy(snapshot, tmp_path, PATH_85755_2024, lambda b: b.replace(b";PV27      ;", b";XX27      ;", 1))
    with pytest.raises(InputError) as err:
        parse(snapshot, "cbs_85755ned_2024", path)
    assert err.value.column == "Code_26"
    assert "provincie" in str(err.value)


def test_kwb_rows_out_of_step(snapshot: Path, tmp_path: Path) -> None:
    # Change one population in the herkomst file: the row no longer matches the codes file.
    path = broken_copy(
        snapshot,
        tmp_path,
        pop.PATH_KWB_HERKOMST,
        lambda b: b.replace(
            b'"Amsterdam                               ";931298;', b'"Amsterdam                               ";931299;'
        ),
    )
    with pytest.raises(InputError) as err:
        pop.parse_kwb_pair(path, snapshot / pop.PATH_KWB_CODES, ParseContext(snapshot))
    assert path.name in str(err.value)
    assert pop.PATH_KWB_CODES.rsplit("/", 1)[1] in str(err.value)
    assert err.value.line == 1172
    assert err.value.column == pop.KWB_POPULATION


def test_kwb_missing_row(snapshot: Path, tmp_path: Path) -> None:
    def drop_line(raw: bytes) -> bytes:
        lines = raw.split(b"\r\n")
        return b"\r\n".join(lines[:5] + lines[6:])

    path = broken_copy(snapshot, tmp_path, pop.PATH_KWB_HERKOMST, drop_line)
    with pytest.raises(InputError) as err:
        pop.parse_kwb_pair(path, snapshot / pop.PATH_KWB_CODES, ParseContext(snapshot))
    assert "row position" in str(err.value)


def test_a_row_whose_name_and_code_disagree(snapshot: Path, tmp_path: Path) -> None:
    """84378NED gives code and name: the recipe reads the code and checks the name against it."""
    path = broken_copy(
        snapshot, tmp_path, PATH_84378_2019, lambda b: b.replace(b"Amsterdam;GM0363;", b"Amsterdam;GM0599;")
    )
    with pytest.raises(InputError) as err:
        parse(snapshot, "cbs_84378ned_2019", path)
    assert "name 'Amsterdam' is gemeente GM0363 in 2019, but the row says GM0599" in str(err.value)
    assert err.value.line == 17 and err.value.column == "Code"


def test_70072_2015_gemeenten_must_add_up_to_the_country(snapshot: Path, tmp_path: Path) -> None:
    """No 2015 boundaries: a changed figure is caught by the country total the gemeenten must add up to."""
    old, new = b'"GM0363";"2015JJ00";"  821752"', b'"GM0363";"2015JJ00";"  821753"'
    path = broken_copy(snapshot, tmp_path, PATH_70072_2015, lambda b: b.replace(old, new))
    with pytest.raises(InputError) as err:
        parse(snapshot, "cbs_70072ned_2015", path)
    assert "the 393 gemeenten add up to 16900727, not the country's 16900726 (2015-01-01)" in str(err.value)
    assert err.value.column == "TotaleBevolking_1"


def test_70072_2015_without_its_country_row_cannot_add_up(snapshot: Path, tmp_path: Path) -> None:
    def drop_country(raw: bytes) -> bytes:
        return b"\n".join(line for line in raw.split(b"\n") if b'"NL01  "' not in line)

    path = broken_copy(snapshot, tmp_path, PATH_70072_2015, drop_country)
    with pytest.raises(InputError, match=r"no figure for the Netherlands \(2015-01-01\) to check that the gemeenten"):
        parse(snapshot, "cbs_70072ned_2015", path)


def test_70072_2015_provincie_codes_are_checked_without_2015_boundaries(snapshot: Path, tmp_path: Path) -> None:
    """The provincies have not changed since 1986: a 2015 provincie row is checked against the nearest year."""
    path = broken_copy(snapshot, tmp_path, PATH_70072_2015, lambda b: b.replace(b'"PV20  "', b'"PV99  "', 1))
    with pytest.raises(InputError, match=r"column 'RegioS': PV99 is not a provincie of 2015"):
        parse(snapshot, "cbs_70072ned_2015", path)


def test_84721_a_gemeente_listed_twice_with_two_provincies(snapshot: Path, tmp_path: Path) -> None:
    def twice(raw: bytes) -> bytes:
        lines = raw.split(b"\n")
        row = next(line for line in lines if b'"GM1680"' in line)
        return b"\n".join([lines[0], row, row.replace(b'"PV22"', b'"PV27"'), *lines[1:]])

    path = broken_copy(snapshot, tmp_path, PATH_84721_2020, twice)
    with pytest.raises(InputError, match=r"GM1680 appears more than once \(rows \[2, 3, 4\]\)"):
        parse(snapshot, "cbs_84721ned_2020", path)
