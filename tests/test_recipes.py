"""Recipes with real data: the H1 2016 housing table written as XLSX and as ODS by a library (openpyxl, odfpy)
and read back through a recipe gives exactly the figures of the CSV; a CBS StatLine CSV export read through a
recipe gives the population figures the hand-written parser stores; ``etl add`` imports a user's copy and
refuses a bad one, leaving the previous warehouse byte-identical. Every kind of bad input names the file, sheet,
row and column."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl.errors import InputError
from etl.recipes import REPO_RECIPES, load, spec_of
from tests.conftest import REPO, run_spec

HOUSING_ID = "rijksoverheid_huisvesting_vergunninghouders_2016h1"
HOUSING_RECIPE = REPO_RECIPES / f"{HOUSING_ID}.toml"
TITLE = "Overzicht huisvesting vergunninghouders per 1 juli 2016"
FOOTNOTE = "Bron: Rijksoverheid, COA."
KEY = ["indicator_id", "region_code", "region_year", "period", "period_type"]


def housing_rows(snapshot: Path) -> list[list[object]]:
    """The CSV's rows, numbers as numbers (as a spreadsheet holds them)."""
    path = snapshot / load(HOUSING_RECIPE).file.path
    with path.open(encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle) if row]
    return [rows[0], *([_number(cell) for cell in row] for row in rows[1:])]


def _number(cell: str) -> object:
    return int(cell) if re.fullmatch(r"-?\d+", cell) else cell


def write_xlsx(rows: list[list[object]], target: Path, merge_header: bool = False) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Taakstelling"
    sheet.append([TITLE])
    sheet.append([])
    for row in rows:
        sheet.append([None if cell == "" else cell for cell in row])
    sheet.append([FOOTNOTE])
    if merge_header:
        sheet.merge_cells("D3:E3")
    book.save(target)
    return target


def write_ods(rows: list[list[object]], target: Path) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Taakstelling")

    def add(cells: list[object]) -> None:
        row = TableRow()
        for value in cells:
            if isinstance(value, int | float):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                if value != "":
                    cell.addElement(P(text=str(value)))
            row.addElement(cell)
        table.addElement(row)

    add([TITLE])
    add([""])
    for row in rows:
        add(row)
    add([FOOTNOTE])
    document.spreadsheet.addElement(table)
    document.save(str(target))
    return target


WRITERS = {"xlsx": write_xlsx, "ods": write_ods}  # how a library writes each spreadsheet format


def spreadsheet_recipe(tmp_path: Path, fmt: str, file_name: str, **changes: str) -> Path:
    """The housing recipe, reading a spreadsheet copy: a title above the header (row 3), a footnote below,
    its own source id, and a higher priority than the CSV."""
    text = HOUSING_RECIPE.read_text(encoding="utf-8")
    text = text.replace(f'id = "{HOUSING_ID}"', f'id = "{HOUSING_ID}_{fmt}"')
    text = text.replace("priority = 2", "priority = 1")
    file_block = (
        f'[file]\npath = "files/{file_name}"\nformat = "{fmt}"\nsheet = "{changes.get("sheet", "Taakstelling")}"\n'
        f"header_row = {changes.get('header_row', 3)}\nfooter_rows = 1\nunknown = []\nzero = []\n"
        f"{changes.get('numbers', '')}\n"
    )
    text = re.sub(r"\[file\]\n.*?\n\n(?=\[regions\])", file_block, text, flags=re.S)
    target = tmp_path / f"recipe_{fmt}.toml"
    target.write_text(text, encoding="utf-8")
    return target


def parse_with(recipe: Path, root: Path, snapshot: Path) -> pl.DataFrame:
    return run_spec(spec_of(load(recipe), recipe, root), snapshot).observations


@pytest.fixture(scope="module")
def csv_figures(snapshot: Path) -> pl.DataFrame:
    return run_spec(spec_of(load(HOUSING_RECIPE), HOUSING_RECIPE), snapshot).observations.sort(KEY)


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_spreadsheet_copy_gives_exactly_the_csv_figures(snapshot, tmp_path, csv_figures, fmt):
    (tmp_path / "files").mkdir()
    writer = WRITERS[fmt]
    writer(housing_rows(snapshot), tmp_path / "files" / f"housing.{fmt}")
    figures = parse_with(spreadsheet_recipe(tmp_path, fmt, f"housing.{fmt}"), tmp_path, snapshot).sort(KEY)
    assert figures.height == csv_figures.height == 390 * 11
    assert figures.equals(csv_figures)


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_number_cell_is_read_as_the_number_it_holds_whatever_the_recipes_separators(snapshot, tmp_path, fmt):
    """A spreadsheet holds 965.5 as a number, not as text: a recipe written for Dutch text cells (decimal comma,
    thousands point) must not read it as 9655. Amsterdam's backlog and target move half a place each way, so the
    recipe's check (backlog + target = corrected target, 1877) still holds."""
    rows = edited(snapshot, "Amsterdam", 2, 911.5)  # was 912
    rows = [[*row[:3], 965.5, *row[4:]] if row[0] == "Amsterdam" else row for row in rows]  # was 965
    (tmp_path / "files").mkdir()
    writer = WRITERS[fmt]
    writer(rows, tmp_path / "files" / f"housing.{fmt}")
    recipe = spreadsheet_recipe(tmp_path, fmt, f"housing.{fmt}", numbers='decimal = ","\nthousands = "."\n')
    recipe.write_text(recipe.read_text().replace("whole = true\n", ""), encoding="utf-8")
    figures = parse_with(recipe, tmp_path, snapshot).filter(region_code="GM0363")
    values = {(row["indicator_id"], row["period"]): row["value"] for row in figures.iter_rows(named=True)}
    assert values[("taakstelling", date(2016, 1, 1))] == 965.5
    assert values[("huisvesting_saldo", date(2016, 1, 1))] == 911.5


CBS_RECIPE = """
[source]
id = "cbs_70072ned_2020_2023_recipe"
publisher = "CBS"
title = "Regionale kerncijfers Nederland"
table_id = "70072NED"
licence = "CC BY 4.0"
status = "official"

[file]
path = "stats/cbs/70072NED_bevolking_dichtheid_2020-2023_regio_labels.csv"
format = "cbs-csv"
decimal = ","

[regions]
level = "gemeente"
name_column = "Regio's"   # the labels are names of the period's year
absent = "unknown"

[regions.aliases]
"Beek (L.)" = "Beek"
"Hengelo (O.)" = "Hengelo"
"Laren (NH.)" = "Laren"
"Middelburg (Z.)" = "Middelburg"
"Rijswijk (ZH.)" = "Rijswijk"
"Stein (L.)" = "Stein"

[period]
column = "Perioden"

[[values]]
column = "Bevolking/Bevolkingssamenstelling op 1 januari/Totale bevolking (aantal)"
indicator = "bevolking"
whole = true
"""


def test_a_cbs_statline_csv_export_through_a_recipe_equals_the_stored_population(snapshot, tmp_path, built_warehouse):
    recipe = tmp_path / "cbs.toml"
    recipe.write_text(CBS_RECIPE, encoding="utf-8")
    figures = run_spec(spec_of(load(recipe), recipe), snapshot).observations
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        stored = con.sql(
            """SELECT region_code, region_year, value AS stored FROM observation WHERE indicator_id = 'bevolking'
               AND period_type = 'year' AND region_year BETWEEN 2020 AND 2023 AND region_code LIKE 'GM%'"""
        ).pl()
    joined = figures.join(stored, on=["region_code", "region_year"], how="full", coalesce=True)
    assert figures.height == 355 + 352 + 345 + 342
    assert joined.height == figures.height
    assert (joined["value"] == joined["stored"]).all()


# --- etl add -----------------------------------------------------------------------------------------------


def etl(*args: str, added: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "KETEN_ADDED": str(added)}
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def warehouse(snapshot, tmp_path, parse_cache) -> Path:
    out = tmp_path / "w.duckdb"
    from etl.build import build

    build(snapshot, out, parse_cache)
    return out


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_etl_add_imports_a_users_spreadsheet_and_rebuilds(snapshot, tmp_path, warehouse, fmt):
    import hashlib

    writer = WRITERS[fmt]
    own = writer(housing_rows(snapshot), tmp_path / f"mijn_kopie.{fmt}")
    recipe = spreadsheet_recipe(tmp_path, fmt, f"housing_2016h1.{fmt}")
    added = tmp_path / "added"
    result = etl(
        "add", str(own), "--recipe", str(recipe), "--snapshot", str(snapshot), "--out", str(warehouse), added=added
    )
    assert result.returncode == 0, result.stderr
    sha = hashlib.sha256(own.read_bytes()).hexdigest()
    assert sha in result.stdout
    assert (added / "files" / f"housing_2016h1.{fmt}").read_bytes() == own.read_bytes()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        source = con.execute("SELECT sha256, status FROM source WHERE id = ?", [f"{HOUSING_ID}_{fmt}"]).fetchall()
        amsterdam = con.execute(
            """SELECT value, source_id FROM observation WHERE indicator_id = 'taakstelling' AND region_code = 'GM0363'
               AND period = '2016-01-01' AND period_type = 'half'"""
        ).fetchall()
    assert source == [(sha, "unofficial")]
    assert amsterdam == [(965.0, f"{HOUSING_ID}_{fmt}")]  # the added copy wins (priority 1)


def test_etl_add_refuses_a_name_that_is_no_gemeente_and_changes_nothing(snapshot, tmp_path, warehouse):
    rows = housing_rows(snapshot)
    rows = [["Amsterdan", *row[1:]] if row[0] == "Amsterdam" else row for row in rows]
    own = write_xlsx(rows, tmp_path / "mijn_kopie.xlsx")
    recipe = spreadsheet_recipe(tmp_path, "xlsx", "housing_2016h1.xlsx")
    added = tmp_path / "added"
    before = warehouse.read_bytes()
    result = etl(
        "add", str(own), "--recipe", str(recipe), "--snapshot", str(snapshot), "--out", str(warehouse), added=added
    )
    assert result.returncode == 2
    assert "housing_2016h1.xlsx, sheet 'Taakstelling', line " in result.stderr
    assert (
        "column 'gemeente'" in result.stderr
        and "'Amsterdan'" in result.stderr
        and "closest: Amsterdam" in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert warehouse.read_bytes() == before
    assert not list(added.rglob("*.*"))  # the copy and the recipe were taken back out


# --- bad input: every refusal names file, sheet, row and column ---------------------------------------------


@pytest.fixture
def xlsx_case(snapshot, tmp_path):
    """(write the housing rows as XLSX, recipe path) for one broken variant."""
    (tmp_path / "files").mkdir()

    def make(rows=None, merge_header=False, **recipe_changes):
        write_xlsx(rows or housing_rows(snapshot), tmp_path / "files" / "housing.xlsx", merge_header)
        return spreadsheet_recipe(tmp_path, "xlsx", "housing.xlsx", **recipe_changes)

    return make


def expect(recipe: Path, root: Path, snapshot: Path, pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        parse_with(recipe, root, snapshot)


def test_truncated_xlsx(snapshot, tmp_path, xlsx_case):
    recipe = xlsx_case()
    path = tmp_path / "files" / "housing.xlsx"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    expect(recipe, tmp_path, snapshot, r"housing\.xlsx: cannot be read as XLSX .*truncated")


def test_a_zip_that_is_no_workbook(snapshot, tmp_path, xlsx_case):
    recipe = xlsx_case()
    with zipfile.ZipFile(tmp_path / "files" / "housing.xlsx", "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    expect(recipe, tmp_path, snapshot, r"housing\.xlsx: cannot be read as XLSX")


def test_missing_sheet(snapshot, tmp_path, xlsx_case):
    recipe = xlsx_case(sheet="Blad1")
    expect(recipe, tmp_path, snapshot, r"housing\.xlsx: no sheet 'Blad1'; the workbook has \['Taakstelling'\]")


def test_header_moved(snapshot, tmp_path, xlsx_case):
    recipe = xlsx_case(header_row=1)
    expect(
        recipe,
        tmp_path,
        snapshot,
        r"housing\.xlsx, sheet 'Taakstelling', line 1: column\(s\) .* has the header moved\?",
    )


def test_merged_header_cells(snapshot, tmp_path, xlsx_case):
    recipe = xlsx_case(merge_header=True)
    expect(recipe, tmp_path, snapshot, r"sheet 'Taakstelling', line 3: header cells D3:E3 are merged")


def edited(snapshot: Path, name: str, column: int, value: object) -> list[list[object]]:
    rows = housing_rows(snapshot)
    return [[*row[:column], value, *row[column + 1 :]] if row[0] == name else row for row in rows]


def amsterdam_row(snapshot: Path) -> int:
    """Amsterdam's row in the spreadsheet: its CSV line plus the title row and the blank row."""
    return next(i for i, row in enumerate(housing_rows(snapshot)) if row[0] == "Amsterdam") + 3


def test_unknown_marker(snapshot, tmp_path, xlsx_case):
    recipe = xlsx_case(rows=edited(snapshot, "Amsterdam", 3, "n.v.t."))
    row = amsterdam_row(snapshot)
    expect(
        recipe,
        tmp_path,
        snapshot,
        rf"sheet 'Taakstelling', line {row}, column 'taakstelling 1e helft 2016': 'n.v.t.' is not a number and not a "
        r"marker the recipe declares",
    )


def test_a_declared_zero_marker_is_the_sources_own_zero(snapshot, tmp_path, xlsx_case):
    """'-' declared as zero: the cell is the source's explicit 0 (its own figure, not one the build made up),
    while an undeclared marker stops the import (test_unknown_marker)."""
    recipe = xlsx_case(rows=edited(snapshot, "Amsterdam", 3, "-"))
    text = recipe.read_text().replace("zero = []", 'zero = ["-"]')
    # Without the row check 'corrected = backlog + target', which a 0 target would break for Amsterdam.
    check = '[[checks]]\ncolumn = "taakstelling 1e helft 2016 inclusief voor/achter"\n'
    text = re.sub(re.escape(check) + r"plus = \[[^\]]*\]\n", "", text)
    assert check not in text
    recipe.write_text(text, encoding="utf-8")
    figures = parse_with(recipe, tmp_path, snapshot)
    amsterdam = figures.filter(region_code="GM0363", indicator_id="taakstelling").row(0, named=True)
    assert (amsterdam["value"], amsterdam["status"]) == (0.0, "unofficial")


def test_duplicate_region(snapshot, tmp_path, xlsx_case):
    rows = housing_rows(snapshot)
    recipe = xlsx_case(rows=[*rows, next(r for r in rows if r[0] == "Zwolle")])
    expect(
        recipe,
        tmp_path,
        snapshot,
        r"line 394, column 'gemeente': GM0193 appears more than once for the same period \(rows \[\d+, 394\]\)",
    )


def test_a_name_matching_two_gemeenten(snapshot, tmp_path, xlsx_case):
    recipe = xlsx_case(rows=edited(snapshot, "Bergen NH", 0, "Bergen"))
    expect(
        recipe,
        tmp_path,
        snapshot,
        r"column 'gemeente': 'Bergen' matches two gemeenten of 2016: Bergen \(NH\.\) \(GM0373\) and Bergen \(L\.\) "
        r"\(GM0893\); add an alias",
    )


def test_a_period_outside_the_divisions_years(snapshot, tmp_path):
    source = snapshot / "stats/cbs/70072NED_bevolking_dichtheid_2020-2023_regio_labels.csv"
    (tmp_path / "files").mkdir()
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    (tmp_path / "files" / "cbs.csv").write_text("\n".join([lines[0], lines[1].replace('"2020"', '"2031"', 1)]))
    recipe = tmp_path / "cbs.toml"
    recipe.write_text(
        CBS_RECIPE.replace(f'path = "{source.relative_to(snapshot).as_posix()}"', 'path = "files/cbs.csv"')
    )
    expect(
        recipe,
        tmp_path,
        snapshot,
        r"cbs\.csv, line 2, column 'Perioden': period year 2031 lies outside the years of the gemeente division the "
        r"snapshot holds \(2016–2026\)",
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (('indicator = "taakstelling"\n', 'indicator = "taakstellingen"\n'), r"unknown indicator 'taakstellingen'"),
        (('format = "csv"', 'format = "pdf"'), r"file\.format: Input should be 'csv', 'cbs-csv', 'xlsx', 'ods' or"),
        (('absent = "unknown"\n', ""), r"regions\.absent: say whether a region the table does not list"),
        (('indicator = "realisatie"\nwhole', 'indicator = "realisatie_pct"\nwhole'), r"computed by the build"),
    ],
)
def test_a_bad_recipe_names_the_field(tmp_path, change, message):
    recipe = tmp_path / "bad.toml"
    recipe.write_text(HOUSING_RECIPE.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    with pytest.raises(InputError, match=rf"bad\.toml: invalid recipe: .*{message}"):
        load(recipe)


def readme_toml_block(marker: str) -> str:
    """The README's first ```toml block that holds ``marker``."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = [part.split("```", 1)[0] for part in readme.split("```toml\n")[1:]]
    return next(block for block in blocks if marker in block)


def test_the_readmes_example_recipe_is_valid(tmp_path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.toml"
    path.write_text(block, encoding="utf-8")
    recipe = load(path)
    assert (
        recipe.file.format == "xlsx"
        and recipe.regions.absent == "zero"
        and recipe.values[0].indicator == "taakstelling"
    )


def test_the_readmes_new_indicator_example_is_valid(tmp_path) -> None:
    """The README's [[indicators]] block, added to its first example recipe, declares a new integration figure."""
    path = tmp_path / "example.toml"
    path.write_text(readme_toml_block("[source]") + "\n" + readme_toml_block("[[indicators]]"), encoding="utf-8")
    recipe = load(path)
    (declared,) = recipe.indicators
    assert declared.theme == "integratie" and recipe.values[-1].indicator == declared.id


def test_a_row_without_any_figure_is_an_error_where_figures_are_required(snapshot, tmp_path, xlsx_case):
    """A CBS export's empty rows are skipped, but not in a table whose recipe requires every figure."""
    rows = [
        [row[0], row[1], *[""] * (len(row) - 2)] if row[0] == "Amsterdam" else row for row in housing_rows(snapshot)
    ]
    recipe = xlsx_case(rows=rows)
    recipe.write_text(recipe.read_text(encoding="utf-8").replace("unknown = []", 'unknown = [""]'), encoding="utf-8")
    expect(
        recipe,
        tmp_path,
        snapshot,
        rf"line {amsterdam_row(snapshot)}, column '[^']+': no figure where the recipe requires one",
    )


def test_the_readmes_code_list_example_reads_the_2023_list_like_the_projects_recipe(snapshot, tmp_path) -> None:
    """The README's regions-and-divisions block, under a provenance header, gives the same regions and links."""
    block = readme_toml_block("define = true")
    path = tmp_path / "list.toml"
    path.write_text(
        '[source]\nid = "my_list"\npublisher = "CBS"\ntitle = "Gemeenten 2023"\nlicence = "CC BY 4.0"\n'
        'status = "official"\n\n[file]\npath = "stats/cbs/gemeenten_alfabetisch_2023_codes.csv"\nformat = "csv"\n\n'
        + block,
        encoding="utf-8",
    )
    mine = run_spec(spec_of(load(path), path), snapshot)
    project = REPO_RECIPES / "cbs_gemeenten_alfabetisch_2023.toml"
    theirs = run_spec(spec_of(load(project), project), snapshot)
    assert mine.regions.sort("level", "code").equals(theirs.regions.sort("level", "code"))
    assert mine.region_parents.sort("year", "code").equals(theirs.region_parents.sort("year", "code"))
    assert mine.regions.height == 342 + 12 and mine.region_parents.height == 2 * 342
    assert mine.observations.height == 0


CODE_LIST = """
[source]
id = "a_list"
publisher = "CBS"
title = "A list"
licence = "CC BY 4.0"
status = "official"

[file]
path = "list.csv"
format = "csv"

[regions]
year = 2023
code_column = "Code"
name_column = "Naam"
define = true
"""


@pytest.mark.parametrize(
    "change, message",
    [
        (
            ("define = true\n", ""),
            r"the recipe yields nothing: give \[\[values\]\], \[\[divisions\]\] or regions\.define",
        ),
        (('name_column = "Naam"\n', ""), r"a list that defines regions needs both code_column and name_column"),
        (("year = 2023\n", ""), r"regions\.year: the year of the division the list describes"),
        (
            ("define = true\n", 'define = true\n\n[[divisions]]\nlevel = "provincie"\ncode_column = "PV"\n'),
            r"divisions\.0: Value error, give name_column, names_from",
        ),
        (
            (
                "define = true\n",
                'define = true\n\n[[divisions]]\nlevel = "wijk"\ncode_column = "W"\nname_column = "N"\n',
            ),
            r"divisions\.0\.level: Input should be 'provincie'",
        ),
        (('format = "csv"\n', 'format = "csv"\nheader_rows = 2\n'), r"header_rows 2 reach above row 1"),
        (("define = true\n", 'define = true\nalso = ["land"]\n'), r"a list that defines regions holds regions of one"),
        (
            ('name_column = "Naam"\n', 'name_check_column = "N"\n'),
            r"name_check_column repeats the name_column: give name_column too",
        ),
        (("define = true\n", "define = false\nadds_up = true\n"), r"adds_up needs the country row"),
    ],
)
def test_a_bad_code_list_recipe_names_the_field(tmp_path, change, message):
    recipe = tmp_path / "bad.toml"
    recipe.write_text(CODE_LIST.replace(*change, 1), encoding="utf-8")
    with pytest.raises(InputError, match=rf"bad\.toml: invalid recipe: .*{message}"):
        load(recipe)


def test_a_division_code_named_two_ways_or_of_the_wrong_kind_stops_the_list(snapshot, tmp_path) -> None:
    source = snapshot / "stats/cbs/gemeenten_alfabetisch_2021_codes.csv"
    recipe_path = REPO_RECIPES / "cbs_gemeenten_alfabetisch_2021.toml"
    text = source.read_text(encoding="utf-8")
    (tmp_path / "wrong.csv").write_text(text.replace(",PV27,Noord-Holland", ",AM27,Noord-Holland", 1))
    spec = spec_of(load(recipe_path), recipe_path)
    with pytest.raises(InputError, match=r"wrong\.csv, line 3, column 'ProvinciecodePV': expected a provincie code"):
        run_spec(spec, snapshot, tmp_path / "wrong.csv")


def test_the_readmes_odata_example_is_the_population_recipes_table(tmp_path) -> None:
    block = readme_toml_block('format = "cbs-odata"')
    path = tmp_path / "odata.toml"
    header = '[source]\nid = "x"\npublisher = "CBS"\ntitle = "x"\nlicence = "CC BY 4.0"\nstatus = "official"\n\n'
    values = (
        '\n[period]\ncolumn = "Perioden"\n\n[[values]]\ncolumn = "BevolkingOp1Januari_1"\nindicator = "bevolking"\n'
    )
    path.write_text(header + block + values, encoding="utf-8")
    project = load(REPO_RECIPES / "cbs_live_03759ned.toml")
    mine = load(path)
    assert mine.odata == project.odata and mine.regions == project.regions


def test_odata_region_prefixes_need_a_code_column(tmp_path) -> None:
    recipe = tmp_path / "bad.toml"
    text = (REPO_RECIPES / "cbs_live_83102ned.toml").read_text(encoding="utf-8")
    recipe.write_text(text.replace('successor_title = "Asielverzoeken en nareizigers"', 'region_prefixes = ["NL"]'))
    with pytest.raises(InputError, match=r"bad\.toml: invalid recipe: .*region_prefixes filter a region column"):
        load(recipe)


def test_etl_add_refuses_an_online_table_recipe_and_says_what_to_do(tmp_path, monkeypatch) -> None:
    from etl.add import add

    monkeypatch.setenv("KETEN_ADDED", str(tmp_path / "added"))
    (tmp_path / "some.csv").write_text("a\n1\n")
    recipe = REPO_RECIPES / "cbs_live_03759ned.toml"
    with pytest.raises(InputError, match=r"reads CBS table 03759ned online, not a file: .*etl fetch --tables 03759ned"):
        add(tmp_path / "some.csv", recipe, out=tmp_path / "w.duckdb")
    assert not (tmp_path / "added").exists()


# --- a new indicator, declared by its recipe -----------------------------------------------------------------

DENSITY_FILE = "stats/cbs/70072NED_bevolking_dichtheid_2020-2023_regio_labels.csv"
DENSITY_COLUMN = "Bevolking/Bevolkingssamenstelling op 1 januari/Bevolkingsdichtheid (aantal inwoners per km²)"
DENSITY_RECIPE = (
    CBS_RECIPE.replace('id = "cbs_70072ned_2020_2023_recipe"', 'id = "mijn_bevolkingsdichtheid"')
    .replace(f'path = "{DENSITY_FILE}"', 'path = "files/dichtheid.csv"')
    .replace(
        '[[values]]\ncolumn = "Bevolking/Bevolkingssamenstelling op 1 januari/Totale bevolking (aantal)"\n'
        'indicator = "bevolking"\nwhole = true\n',
        f"""[[indicators]]
id = "bevolkingsdichtheid"
theme = "context"
label_nl = "Bevolkingsdichtheid"
label_en = "Population density"
unit = "per_km2"
definition_nl = "Inwoners per km² land op 1 januari (CBS)."
definition_en = "Inhabitants per km² of land on 1 January (CBS)."
aggregation = "none"
stock = true

[[values]]
column = "{DENSITY_COLUMN}"
indicator = "bevolkingsdichtheid"
whole = true
""",
    )
)


def test_a_publication_with_a_new_indicator_needs_only_its_recipe(snapshot, tmp_path, warehouse, monkeypatch):
    """CBS's population density is no indicator of the catalogue: the recipe declares it, `etl add` imports the
    StatLine export, and the Vergelijk page offers it with its label, unit and newest period."""
    from tests.test_app_pages import assert_clean, captions, open_page

    assert "indicators" not in CBS_RECIPE and "[[indicators]]" in DENSITY_RECIPE
    own = tmp_path / "export.csv"
    own.write_bytes((snapshot / DENSITY_FILE).read_bytes())
    recipe = tmp_path / "dichtheid.toml"
    recipe.write_text(DENSITY_RECIPE, encoding="utf-8")
    added = tmp_path / "added"
    result = etl(
        "add", str(own), "--recipe", str(recipe), "--snapshot", str(snapshot), "--out", str(warehouse), added=added
    )
    assert result.returncode == 0, result.stderr

    with own.open(encoding="utf-8-sig") as handle:
        published = {
            (row["Perioden"], row["Regio's"]): row[DENSITY_COLUMN] for row in csv.DictReader(handle, delimiter=";")
        }
    with duckdb.connect(str(warehouse), read_only=True) as con:
        indicator = con.execute(
            "SELECT theme, unit, label_en, aggregation, stock FROM indicator WHERE id = 'bevolkingsdichtheid'"
        ).fetchall()
        amsterdam = con.execute(
            """SELECT value FROM observation WHERE indicator_id = 'bevolkingsdichtheid' AND region_code = 'GM0363'
               AND period = DATE '2023-01-01'"""
        ).fetchall()
        summed = con.execute(
            "SELECT count(*) FROM observation WHERE indicator_id = 'bevolkingsdichtheid' AND region_code NOT LIKE 'GM%'"
        ).fetchone()
    assert indicator == [("context", "per_km2", "Population density", "none", True)]
    assert amsterdam == [(float(published[("2023", "Amsterdam")]),)]
    assert summed == (0,)  # a density does not add up to a provincie

    monkeypatch.setenv("KETEN_WAREHOUSE", str(warehouse))
    at = open_page("vergelijk", indicator="bevolkingsdichtheid", gm="GM0363")
    assert_clean(at)
    chosen = at.selectbox(key="w_vergelijk_indicator")
    assert chosen.value == "bevolkingsdichtheid" and "Bevolkingsdichtheid" in chosen.options
    assert "Nieuwste cijfer van Bevolkingsdichtheid per gemeente: 2023" in " ".join(captions(at))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('id = "bevolkingsdichtheid"', 'id = "bevolking"'), "'bevolking' is in the catalogue already"),
        (('aggregation = "none"', 'aggregation = "sum"'), "a figure in per_km2 does not add up"),
        (
            ('indicator = "bevolkingsdichtheid"', 'indicator = "bevolking"'),
            r"indicators \['bevolkingsdichtheid'\] are declared but no",
        ),
        (('unit = "per_km2"', 'unit = "inwoners"'), r"indicators\.0\.unit"),
    ],
)
def test_a_bad_indicator_declaration_names_the_field(tmp_path, change, message):
    recipe = tmp_path / "dichtheid.toml"
    recipe.write_text(DENSITY_RECIPE.replace(*change), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load(recipe)


def test_two_recipes_that_declare_one_indicator_differently_stop_the_build(snapshot, tmp_path, monkeypatch):
    from etl.build import build

    added = tmp_path / "added"
    (added / "recipes").mkdir(parents=True)
    (added / "files").mkdir()
    (added / "files" / "dichtheid.csv").write_bytes((snapshot / DENSITY_FILE).read_bytes())
    (added / "recipes" / "a.toml").write_text(DENSITY_RECIPE, encoding="utf-8")
    other = DENSITY_RECIPE.replace('id = "mijn_bevolkingsdichtheid"', 'id = "mijn_bevolkingsdichtheid_b"')
    (added / "recipes" / "b.toml").write_text(other.replace("Population density", "Density"), encoding="utf-8")
    monkeypatch.setenv("KETEN_ADDED", str(added))
    with pytest.raises(InputError, match="declares indicator 'bevolkingsdichtheid' otherwise than source"):
        build(snapshot, tmp_path / "w.duckdb", tmp_path / "cache")
    assert not (tmp_path / "w.duckdb").exists()


def test_a_publication_that_covers_a_listed_gap_takes_it_off_the_list(snapshot, tmp_path, monkeypatch):
    """A recipe says which topic of the data-gap list it covers (here the density recipe stands in for, say, a CBS
    cohort table): the build leaves that gap out, the others stay. An unknown gap id names the list."""
    from etl.build import build

    added = tmp_path / "added"
    (added / "recipes").mkdir(parents=True)
    (added / "files").mkdir()
    (added / "files" / "dichtheid.csv").write_bytes((snapshot / DENSITY_FILE).read_bytes())
    fills = 'status = "official"\nfills = ["integratie_cohort"]\n'
    covering = DENSITY_RECIPE.replace('status = "official"\n', fills, 1)
    (added / "recipes" / "a.toml").write_text(covering, encoding="utf-8")
    monkeypatch.setenv("KETEN_ADDED", str(added))
    out = tmp_path / "w.duckdb"
    build(snapshot, out, tmp_path / "cache")
    with duckdb.connect(str(out), read_only=True) as con:
        listed = {gap for (gap,) in con.execute("SELECT id FROM data_gap").fetchall()}
    assert "integratie_cohort" not in listed and {"integratie_duo_kerncijfers", "integratie_swi"} <= listed

    wrong = tmp_path / "wrong.toml"
    wrong.write_text(covering.replace('fills = ["integratie_cohort"]', 'fills = ["cohort"]'), encoding="utf-8")
    with pytest.raises(InputError, match=r"source\.fills: .*unknown data gap\(s\) \['cohort'\]; the list has"):
        load(wrong)


def test_a_complete_lists_zero_reaches_the_map_table_and_the_gemeente_page_from_the_warehouse(
    snapshot, tmp_path, monkeypatch
):
    """A list that declares absence as zero (absent = "zero") leaves a gemeente out: the build writes its 0 once,
    so the map's table and the Gemeente page's comparison show 0 and say why. The housing CSV without Amsterdam's
    line stands in for such a list, read as a new indicator so no other source has a figure for Amsterdam."""
    from contract.derived import ZERO_FILL
    from dashboard.compare import compare
    from dashboard.db import Warehouse
    from dashboard.values import map_data, values_for
    from etl.build import build

    text = HOUSING_RECIPE.read_text(encoding="utf-8")
    text = text.split("[[values]]", 1)[0].replace(f'id = "{HOUSING_ID}"', 'id = "complete_list"')
    text = re.sub(r'path = "[^"]+"', 'path = "files/housing_cut.csv"', text, count=1)
    text = text.replace('absent = "unknown"', 'absent = "zero"').replace("complete = true", "complete = false")
    text += """
[[indicators]]
id = "gehuisvest_januari"
theme = "huisvesting"
label_nl = "Gehuisvest in januari"
label_en = "Housed in January"
unit = "personen"
definition_nl = "Vergunninghouders gehuisvest in januari 2016."
definition_en = "Permit holders housed in January 2016."

[[values]]
column = "realisatie januari 2016"
indicator = "gehuisvest_januari"
whole = true
"""
    added = tmp_path / "added"
    (added / "recipes").mkdir(parents=True)
    (added / "files").mkdir()
    lines = (snapshot / load(HOUSING_RECIPE).file.path).read_text(encoding="utf-8").splitlines(keepends=True)
    # Amsterdam left out, and all four gemeenten that became Het Hogeland (GM1966) in 2019.
    cut = ("Amsterdam,", "Bedum,", "De Marne,", "Eemsmond,", "Winsum,")
    (added / "files" / "housing_cut.csv").write_text(
        "".join(line for line in lines if not line.startswith(cut)), encoding="utf-8"
    )
    (added / "recipes" / "complete_list.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("KETEN_ADDED", str(added))
    out = tmp_path / "w.duckdb"
    build(snapshot, out, tmp_path / "cache")

    with duckdb.connect(str(out), read_only=True) as con:
        amsterdam = con.execute(
            """SELECT value, status, computed_from, source_id FROM observation
               WHERE indicator_id = 'gehuisvest_januari' AND region_code = 'GM0363'"""
        ).fetchall()
        listed, zeros = con.execute(
            """SELECT count(*) FILTER (computed_from IS NULL), count(*) FILTER (computed_from = ?) FROM observation
               WHERE indicator_id = 'gehuisvest_januari' AND region_code LIKE 'GM%'""",
            [ZERO_FILL],
        ).fetchone()
    assert amsterdam == [(0.0, "derived", ZERO_FILL, "complete_list")]
    assert (listed, zeros) == (385, 5)

    wh = Warehouse(out)
    period = date(2016, 1, 1)
    table = map_data(wh, "gehuisvest_januari", "gemeente", period, "half").table
    assert table.filter(pl.col("code") == "GM0363")["value"].to_list() == [0.0]
    comparison = compare(wh, "gehuisvest_januari", period, "half", "GM0363")
    assert comparison.gemeente == 0.0 and comparison.zero_filled and not comparison.listed_only
    # A gemeente formed later from four the list leaves out: 0 on the page and in the tables alike.
    later = values_for(wh, "gehuisvest_januari", "gemeente", period, "half", ("GM1966",))
    assert later.select("code", "value", "formed_later").rows() == [("GM1966", 0.0, True)]
    assert compare(wh, "gehuisvest_januari", period, "half", "GM1966").gemeente == 0.0


# --- bad input through `etl add`: the message names the place, and the warehouse stays byte-identical -------------


def _housing_copy(snapshot: Path, tmp_path: Path, fmt: str, rows=None, merge_header=False, **changes) -> tuple:
    own = tmp_path / f"mijn_kopie.{fmt}"
    if fmt == "xlsx":
        write_xlsx(rows or housing_rows(snapshot), own, merge_header)
    else:
        write_ods(rows or housing_rows(snapshot), own)
    return own, spreadsheet_recipe(tmp_path, fmt, f"housing_2016h1.{fmt}", **changes)


def _truncated(snapshot: Path, tmp_path: Path, fmt: str) -> tuple:
    own, recipe = _housing_copy(snapshot, tmp_path, fmt)
    own.write_bytes(own.read_bytes()[: own.stat().st_size // 2])
    return own, recipe


def _period_outside(snapshot: Path, tmp_path: Path) -> tuple:
    lines = (snapshot / DENSITY_FILE).read_text(encoding="utf-8-sig").splitlines()
    own = tmp_path / "export.csv"
    own.write_text("\n".join([lines[0], lines[1].replace('"2020"', '"2031"', 1)]), encoding="utf-8")
    recipe = tmp_path / "cbs.toml"
    recipe.write_text(CBS_RECIPE.replace(f'path = "{DENSITY_FILE}"', 'path = "files/cbs.csv"'), encoding="utf-8")
    return own, recipe


ADD_REFUSALS = {
    # case: (make the user's file and recipe, what the message must say)
    "truncated_xlsx": (lambda s, t: _truncated(s, t, "xlsx"), r"housing_2016h1\.xlsx: cannot be read as XLSX"),
    "truncated_ods": (lambda s, t: _truncated(s, t, "ods"), r"housing_2016h1\.ods: cannot be read as ODS"),
    "missing_sheet_xlsx": (
        lambda s, t: _housing_copy(s, t, "xlsx", sheet="Blad1"),
        r"no sheet 'Blad1'; the workbook has \['Taakstelling'\]",
    ),
    "missing_sheet_ods": (
        lambda s, t: _housing_copy(s, t, "ods", sheet="Blad1"),
        r"no sheet 'Blad1'; the workbook has \['Taakstelling'\]",
    ),
    "header_moved": (
        lambda s, t: _housing_copy(s, t, "xlsx", header_row=1),
        r"sheet 'Taakstelling', line 1: column\(s\) .* has the header moved\?",
    ),
    "merged_header": (
        lambda s, t: _housing_copy(s, t, "xlsx", merge_header=True),
        r"sheet 'Taakstelling', line 3: header cells D3:E3 are merged",
    ),
    "unknown_marker_ods": (
        lambda s, t: _housing_copy(s, t, "ods", rows=edited(s, "Amsterdam", 3, "n.v.t.")),
        r"column 'taakstelling 1e helft 2016': 'n.v.t.' is not a number and not a marker the recipe declares",
    ),
    "duplicate_region": (
        lambda s, t: _housing_copy(
            s, t, "xlsx", rows=[*housing_rows(s), next(r for r in housing_rows(s) if r[0] == "Zwolle")]
        ),
        r"GM0193 appears more than once for the same period",
    ),
    "name_matching_two_gemeenten": (
        lambda s, t: _housing_copy(s, t, "xlsx", rows=edited(s, "Bergen NH", 0, "Bergen")),
        r"'Bergen' matches two gemeenten of 2016: Bergen \(NH\.\) \(GM0373\) and Bergen \(L\.\) \(GM0893\)",
    ),
    "period_outside_the_division": (
        _period_outside,
        r"cbs\.csv, line 2, column 'Perioden': period year 2031 lies outside the years of the gemeente division",
    ),
}


@pytest.mark.parametrize("case", sorted(ADD_REFUSALS))
def test_etl_add_refuses_bad_input_and_leaves_the_warehouse_byte_identical(
    case, snapshot, tmp_path, built_warehouse, parse_cache
):
    import shutil

    make, message = ADD_REFUSALS[case]
    own, recipe = make(snapshot, tmp_path)
    home = tmp_path / "data"
    home.mkdir()
    (home / "cache").symlink_to(parse_cache)  # `add` builds with the cache next to the warehouse
    warehouse = home / "ketenmonitor.duckdb"
    shutil.copy2(built_warehouse, warehouse)
    before = warehouse.read_bytes()
    added = tmp_path / "added"
    result = etl(
        "add", str(own), "--recipe", str(recipe), "--snapshot", str(snapshot), "--out", str(warehouse), added=added
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert re.search(message, result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert warehouse.read_bytes() == before
    assert sorted(p.name for p in home.iterdir()) == ["cache", "ketenmonitor.duckdb"]  # no half-written file
    assert not list(added.rglob("*.*"))  # the copy and the recipe were taken back out
