"""Housing targets and realisation, H1 2016 (Open State conversion of the Rijksoverheid PDF), read through its
recipe (recipes/rijksoverheid_huisvesting_vergunninghouders_2016h1.toml) by the generic reader."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from etl import derive
from etl.errors import InputError
from etl.recipes import REPO_RECIPES, load, spec_of
from tests.conftest import run_spec

SOURCE_ID = "rijksoverheid_huisvesting_vergunninghouders_2016h1"
RECIPE = REPO_RECIPES / f"{SOURCE_ID}.toml"
SPEC = spec_of(load(RECIPE), RECIPE)


@pytest.fixture(scope="module")
def result(snapshot: Path):
    return run_spec(SPEC, snapshot)


@pytest.fixture(scope="module")
def obs(result) -> pl.DataFrame:
    return result.observations


def value(obs: pl.DataFrame, indicator: str, code: str, period: date, kind: str) -> float:
    rows = obs.filter(
        (pl.col("indicator_id") == indicator)
        & (pl.col("region_code") == code)
        & (pl.col("period") == period)
        & (pl.col("period_type") == kind)
    )
    assert rows.height == 1, (indicator, code, period, kind)
    return rows["value"][0]


def select(obs: pl.DataFrame, indicator: str, kind: str) -> pl.DataFrame:
    return obs.filter((pl.col("indicator_id") == indicator) & (pl.col("period_type") == kind))


# ------------------------------------------------------------------ the real file


def test_every_2016_gemeente_once(obs: pl.DataFrame, snapshot: Path):
    targets = select(obs, "taakstelling", "half")
    assert targets.height == 390
    assert targets["region_code"].n_unique() == 390
    from etl.sources import ParseContext

    reference = set(ParseContext(snapshot).gemeente_reference(2016)["code"])
    assert set(targets["region_code"]) == reference
    assert set(obs["region_year"]) == {2016}


def test_sanity_sums_from_sources_md(obs: pl.DataFrame):
    assert select(obs, "taakstelling", "half")["value"].sum() == 19_998
    assert select(obs, "realisatie", "half")["value"].sum() == 18_089
    # the monthly figures add up to the half-year total nationally too
    assert select(obs, "realisatie", "month")["value"].sum() == 18_089


def test_amsterdam_row(obs: pl.DataFrame):
    # Amsterdam,Provincie Noord-Holland,912,965,1877,135,190,131,131,143,132,862,1015,1015,
    h1 = date(2016, 1, 1)
    assert value(obs, "taakstelling", "GM0363", h1, "half") == 965
    assert value(obs, "taakstelling_gecorrigeerd", "GM0363", h1, "half") == 1877
    assert value(obs, "huisvesting_saldo", "GM0363", date(2016, 1, 1), "day") == 912
    assert value(obs, "huisvesting_saldo", "GM0363", date(2016, 7, 1), "day") == 1015
    assert value(obs, "realisatie", "GM0363", h1, "half") == 862
    assert value(obs, "realisatie", "GM0363", date(2016, 1, 1), "month") == 135
    assert value(obs, "realisatie", "GM0363", date(2016, 6, 1), "month") == 132
    assert value(with_shares(obs), "realisatie_pct", "GM0363", h1, "half") == pytest.approx(862 / 1877 * 100)


def test_pdf_spellings_resolve(obs: pl.DataFrame):
    h1 = date(2016, 1, 1)
    # "'s Hertogenbosch,Provincie Noord-Brabant,50,178,228,..."
    assert value(obs, "taakstelling", "GM0796", h1, "half") == 178
    # "Bergen L,Provincie Limburg,6,16,22,...,26,-4,,-4" : a lead is a negative balance
    assert value(obs, "huisvesting_saldo", "GM0893", date(2016, 7, 1), "day") == -4
    # "De Friese Meren" is CBS's De Fryske Marren (GM1940); "Almelo" starts with a lead of 182
    assert select(obs, "taakstelling", "half").filter(pl.col("region_code") == "GM1940").height == 1
    assert value(obs, "huisvesting_saldo", "GM0141", date(2016, 1, 1), "day") == -182


def with_shares(obs: pl.DataFrame) -> pl.DataFrame:
    """The parser's rows plus the percentage realised, as the build derives it (etl/derive.py)."""
    tagged = obs.with_columns(
        pl.lit(SOURCE_ID).alias("source_id"), pl.lit(None, dtype=pl.String).alias("computed_from")
    )
    return pl.concat([tagged, derive.ratios(tagged)], how="vertical")


def test_statuses_and_share(obs: pl.DataFrame):
    assert "realisatie_pct" not in set(obs["indicator_id"])  # the parser reads; derive computes
    assert set(obs["status"]) == {"unofficial"}
    derived = with_shares(obs)
    share = select(derived, "realisatie_pct", "half")
    assert set(share["status"]) == {"derived"}
    assert set(share["computed_from"]) == {"realisatie / taakstelling_gecorrigeerd x 100"}
    assert set(share["source_id"]) == {SOURCE_ID}
    corrected = select(obs, "taakstelling_gecorrigeerd", "half")
    # only where the corrected target is positive (Ameland, Almelo, Zevenaar ... are left out)
    assert share.height == corrected.filter(pl.col("value") > 0).height == 382
    assert "GM0141" not in set(share["region_code"])


def test_spec_provenance(snapshot: Path):
    spec = SPEC
    assert spec.status == "unofficial"
    assert spec.reference_date == date(2016, 7, 1)
    assert "6e065a92813004d325f5cbe738269340a15a9f81" in spec.notes
    assert (snapshot / spec.path).exists()


# ------------------------------------------------------------------ broken copies


def lines_of(snapshot: Path) -> list[str]:
    return (snapshot / SPEC.path).read_text(encoding="utf-8").split("\n")


def amsterdam(lines: list[str]) -> int:
    """0-based index of Amsterdam's row; its line number in the file is this + 1."""
    return next(i for i, line in enumerate(lines) if line.startswith("Amsterdam,"))


def parse_copy(snapshot: Path, tmp_path: Path, lines: list[str]) -> None:
    target = tmp_path / "housing.csv"
    target.write_text("\n".join(lines), encoding="utf-8")
    run_spec(SPEC, snapshot, target)


def edit_amsterdam(lines: list[str], column: int, new: str) -> list[str]:
    index = amsterdam(lines)
    cells = lines[index].split(",")
    cells[column] = new
    return [*lines[:index], ",".join(cells), *lines[index + 1 :]]


def test_wrong_delimiter(snapshot: Path, tmp_path: Path):
    lines = [line.replace(",", ";") for line in lines_of(snapshot)]
    with pytest.raises(InputError, match=r"housing\.csv, line 1: expected ','-separated .*';'-separated"):
        parse_copy(snapshot, tmp_path, lines)


def test_renamed_column(snapshot: Path, tmp_path: Path):
    lines = lines_of(snapshot)
    lines[0] = lines[0].replace("taakstelling 1e helft 2016,", "taakstelling H1 2016,")
    expected = r"housing\.csv, line 1: column\(s\) \['taakstelling 1e helft 2016'\] not in the header row 1"
    with pytest.raises(InputError, match=expected):
        parse_copy(snapshot, tmp_path, lines)


def test_non_numeric_cell(snapshot: Path, tmp_path: Path):
    lines = lines_of(snapshot)
    line = amsterdam(lines) + 1
    with pytest.raises(InputError, match=rf"line {line}, column 'taakstelling 1e helft 2016': '96S' is not a number"):
        parse_copy(snapshot, tmp_path, edit_amsterdam(lines, 3, "96S"))


def test_fraction_and_empty_cell(snapshot: Path, tmp_path: Path):
    lines = lines_of(snapshot)
    line = amsterdam(lines) + 1
    with pytest.raises(InputError, match=rf"line {line}, column 'realisatie mei 2016': not a whole number"):
        parse_copy(snapshot, tmp_path, edit_amsterdam(lines, 9, "143.5"))
    with pytest.raises(InputError, match=rf"line {line}, column 'realisatie mei 2016': '' is not a number"):
        parse_copy(snapshot, tmp_path, edit_amsterdam(lines, 9, ""))


def test_unknown_gemeente_names_listed_together(snapshot: Path, tmp_path: Path):
    lines = lines_of(snapshot)
    lines = [line.replace("Amsterdam,", "Amsterdan,", 1) for line in lines]
    lines = [line.replace("Zwolle,", "Zwole,", 1) if line.startswith("Zwolle,") else line for line in lines]
    expected = (
        r"housing\.csv, line \d+, column 'gemeente': 2 name\(s\) are no gemeente of 2016: "
        r"'Amsterdan' .*closest: Amsterdam.*'Zwole' .*closest: Zwolle"
    )
    with pytest.raises(InputError, match=expected):
        parse_copy(snapshot, tmp_path, lines)


def test_duplicate_gemeente_row(snapshot: Path, tmp_path: Path):
    lines = lines_of(snapshot)
    index = amsterdam(lines)
    extra = [line for line in lines if line] + [lines[index]]
    expected = (
        rf"line 392, column '[^']+': GM0363 appears more than once for the same period \(rows \[{index + 1}, 392\]\)"
    )
    with pytest.raises(InputError, match=expected):
        parse_copy(snapshot, tmp_path, extra)


def test_two_spellings_of_one_gemeente(snapshot: Path, tmp_path: Path):
    lines = lines_of(snapshot)
    index = next(i for i, line in enumerate(lines) if line.startswith("Bergen NH,"))
    twin = lines[index].replace("Bergen NH,", "Bergen (NH.),", 1)
    with pytest.raises(InputError, match=r"GM0373 appears more than once for the same period"):
        parse_copy(snapshot, tmp_path, [line for line in lines if line] + [twin])


def test_truncated_mid_line(snapshot: Path, tmp_path: Path):
    lines = [line for line in lines_of(snapshot) if line]
    lines[-1] = lines[-1][:12]
    with pytest.raises(InputError, match=r"line 391, column '[^']+': '' is not a number"):
        parse_copy(snapshot, tmp_path, lines)


def test_truncated_at_line_end(snapshot: Path, tmp_path: Path):
    lines = [line for line in lines_of(snapshot) if line][:-2]
    expected = r"line 389, column 'gemeente': 2 gemeenten of 2016 missing \(truncated\? the table ends at row 389\)"
    with pytest.raises(InputError, match=expected):
        parse_copy(snapshot, tmp_path, lines)


def test_arithmetic_checks_name_line_and_column(snapshot: Path, tmp_path: Path):
    lines = lines_of(snapshot)
    line = amsterdam(lines) + 1
    gecorrigeerd = "'taakstelling 1e helft 2016 inclusief voor/achter'"
    with pytest.raises(InputError, match=rf"line {line}, column {gecorrigeerd}: value 1878 does not equal"):
        parse_copy(snapshot, tmp_path, edit_amsterdam(lines, 4, "1878"))
    with pytest.raises(
        InputError, match=rf"line {line}, column 'realisatie tot 1 juli 2016': .*'realisatie juni 2016'"
    ):
        parse_copy(snapshot, tmp_path, edit_amsterdam(lines, 5, "136"))
    with pytest.raises(InputError, match=rf"line {line}, column 'achter/voor realisatie tot juli 2016': value 1016"):
        parse_copy(snapshot, tmp_path, edit_amsterdam(lines, 12, "1016"))


def test_provincie_must_match_the_boundaries(snapshot: Path, tmp_path: Path):
    lines = lines_of(snapshot)
    line = amsterdam(lines) + 1
    expected = rf"line {line}, column 'provincie': GM0363 lies in provincie 'Noord-Holland', not 'Provincie Utrecht'"
    with pytest.raises(InputError, match=expected):
        parse_copy(snapshot, tmp_path, edit_amsterdam(lines, 1, "Provincie Utrecht"))
