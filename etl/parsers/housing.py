"""Taakstelling en realisatie huisvesting vergunninghouders, first half of 2016, per gemeente.

The only housing file in the snapshot: Open State Foundation's CSV conversion of the Rijksoverheid PDF
"Overzicht huisvesting vergunninghouders per 1 juli 2016". Names only (PDF spellings), so every row is
matched to a 2016 gemeente code. Because the figures passed through a PDF conversion, the parser checks
the table's own arithmetic row by row and fails on the first row where it does not add up.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from etl.errors import InputError
from etl.model import ParseResult
from etl.names import normalise
from etl.readers import numbers, read_csv, require_unique, strip
from etl.sources import ParseContext, SourceSpec

PATH_2016H1 = "stats/housing/taakstelling_realisatie_vergunninghouders_2016H1_per_gemeente.csv"
YEAR = 2016
HALF = date(2016, 1, 1)

GEMEENTE = "gemeente"
PROVINCIE = "provincie"
STAND = "stand op 01/01/2016"
TAAK = "taakstelling 1e helft 2016"
GECORRIGEERD = "taakstelling 1e helft 2016 inclusief voor/achter"
MONTHS = [
    (f"realisatie {m} 2016", date(2016, i, 1))
    for i, m in enumerate(("januari", "februari", "maart", "april", "mei", "juni"), start=1)
]
REALISATIE = "realisatie tot 1 juli 2016"
SALDO = "achter/voor realisatie tot juli 2016"
ACHTERSTAND = "achterstand tot 1 juli 2016"
VOORSPRONG = "voorsprong realisatie tot 1 juli 2016"
FILLED = [STAND, TAAK, GECORRIGEERD, *(c for c, _ in MONTHS), REALISATIE, SALDO]
NUMERIC = [*FILLED, ACHTERSTAND, VOORSPRONG]

# PDF spellings that neither normalisation nor the shared alias table matches to the CBS 2016 name.
ALIASES_2016 = {
    "Alphen a/d Rijn": "Alphen aan den Rijn",
    "Capelle a/d IJssel": "Capelle aan den IJssel",
    "Krimpen a/d IJssel": "Krimpen aan den IJssel",
    "Valkenburg a/d Geul": "Valkenburg aan de Geul",
    "Bodegraven-Reewijk": "Bodegraven-Reeuwijk",  # typo in the PDF
    # Dutch names the Rijksoverheid still used for gemeenten that CBS lists under their Frisian name.
    "Dantumadeel": "Dantumadiel",
    "Ferwerderadeel": "Ferwerderadiel",
    "Menaldumadeel": "Menameradiel",
    "Tytjerksteradiel": "Tytsjerksteradiel",
    "De Friese Meren": "De Fryske Marren",
    "Kollumerland": "Kollumerland en Nieuwkruisland",
}


def sources(snapshot: Path) -> list[SourceSpec]:
    return [
        SourceSpec(
            id="rijksoverheid_huisvesting_vergunninghouders_2016h1",
            path=PATH_2016H1,
            publisher="Rijksoverheid (BZK/JenV) en COA; CSV-conversie Open State Foundation",
            title="Overzicht huisvesting vergunninghouders per 1 juli 2016",
            table_id=None,
            url=(
                "https://github.com/openstate/datasets/blob/6e065a92813004d325f5cbe738269340a15a9f81/"
                "asiel/Overzicht_huisvesting_vergunninghouders_per_1_juli_2016.csv"
            ),
            licence="Open overheidsdata (geen licentie vermeld door Open State)",
            reference_date=date(2016, 7, 1),
            status="unofficial",
            parse=parse_2016h1,
            notes=(
                "Rijksoverheid published the overview as a PDF on rijksoverheid.nl; Open State Foundation converted "
                "it to CSV: repository openstate/datasets, path asiel/Overzicht_huisvesting_vergunninghouders_per_1_"
                "juli_2016.csv, commit 6e065a92813004d325f5cbe738269340a15a9f81 (unchanged at d1036123)."
            ),
        )
    ]


def parse_2016h1(path: Path, ctx: ParseContext) -> ParseResult:
    frame = read_csv(path, separator=",", required=[GEMEENTE, PROVINCIE, *NUMERIC])
    frame = frame.with_columns(strip(frame, GEMEENTE).alias(GEMEENTE), strip(frame, PROVINCIE).alias(PROVINCIE))
    empty = frame.filter(pl.col(GEMEENTE).is_null() | (pl.col(GEMEENTE) == ""))
    if empty.height:
        raise InputError(path, "row without a gemeente name", line=empty["_line"][0], column=GEMEENTE)
    require_unique(frame, [GEMEENTE], path)
    values = pl.DataFrame({c: _whole_numbers(frame, c, path, required=c in FILLED) for c in NUMERIC})
    codes = ctx.resolver(YEAR, aliases=ALIASES_2016).resolve(frame[GEMEENTE], path)
    table = pl.concat([frame.select(GEMEENTE, PROVINCIE, "_line"), values], how="horizontal").with_columns(
        pl.Series("code", codes, dtype=pl.String)
    )
    _check_codes(table, ctx, path)
    _check_arithmetic(table, path)
    _check_provincie(table, ctx, path)
    return ParseResult(observations=_observations(table))


def _whole_numbers(frame: pl.DataFrame, column: str, path: Path, *, required: bool) -> pl.Series:
    """Counts of persons: whole numbers; an empty cell is an error where the PDF always has a figure."""
    values = numbers(frame, column, path)
    bad = frame.filter((values.is_null() & required) | (values.is_not_null() & (values != values.round(0))))
    if bad.height:
        row = bad.row(0, named=True)
        what = "empty cell" if not row[column] or not row[column].strip() else f"not a whole number: {row[column]!r}"
        raise InputError(path, what, line=row["_line"], column=column)
    return values


def _check_codes(table: pl.DataFrame, ctx: ParseContext, path: Path) -> None:
    """Two spellings of one gemeente, or a gemeente left out (a file cut at a line end), are both errors."""
    dupes = table.filter(pl.col("code").is_duplicated()).sort("_line")
    if dupes.height:
        code = dupes["code"][0]
        same = dupes.filter(pl.col("code") == code)
        raise InputError(
            path,
            f"names {same[GEMEENTE].to_list()} both resolve to {code} (lines {same['_line'].to_list()})",
            line=same["_line"][-1],
            column=GEMEENTE,
        )
    reference = ctx.gemeente_reference(YEAR)
    absent = reference.filter(~pl.col("code").is_in(table["code"].implode()))
    if absent.height:
        names = ", ".join(f"{c} {n}" for c, n in absent.sort("code").iter_rows())
        raise InputError(path, f"{absent.height} gemeente(n) of {YEAR} missing from the overview (truncated?): {names}")


def _check_arithmetic(table: pl.DataFrame, path: Path) -> None:
    col = pl.col
    checks = [
        (GECORRIGEERD, col(STAND) + col(TAAK), f"'{STAND}' + '{TAAK}'"),
        (REALISATIE, pl.sum_horizontal(c for c, _ in MONTHS), "the sum of the six monthly realisations"),
        (SALDO, col(GECORRIGEERD) - col(REALISATIE), f"'{GECORRIGEERD}' - '{REALISATIE}'"),
        # The PDF splits the balance into two columns: a backlog (> 0) in one, a lead (<= 0) in the other.
        (ACHTERSTAND, pl.when(col(SALDO) > 0).then(col(SALDO)), f"'{SALDO}' where > 0, else empty"),
        (VOORSPRONG, pl.when(col(SALDO) <= 0).then(col(SALDO)), f"'{SALDO}' where <= 0, else empty"),
    ]
    for column, expected, rule in checks:
        wrong = table.with_columns(expected.alias("_expected")).filter(~col(column).eq_missing(col("_expected")))
        if wrong.height:
            row = wrong.sort("_line").row(0, named=True)
            raise InputError(
                path,
                f"{row[GEMEENTE]}: value {_show(row[column])} does not equal {rule} = {_show(row['_expected'])}",
                line=row["_line"],
                column=column,
            )


def _show(value: float | None) -> str:
    return "(empty)" if value is None else f"{value:g}"


def _check_provincie(table: pl.DataFrame, ctx: ParseContext, path: Path) -> None:
    """The provincie column must name the provincie the gemeente's 2016 boundary lies in."""
    derived = _gemeente_provincie(ctx, path)
    for name, provincie, line, code in table.select(GEMEENTE, PROVINCIE, "_line", "code").iter_rows():
        published = provincie.removeprefix("Provincie ").strip() if provincie else ""
        expected = derived.get(code)
        if expected is None or normalise(published) != normalise(expected):
            raise InputError(
                path, f"{name} ({code}) lies in provincie {expected!r}, not {provincie!r}", line=line, column=PROVINCIE
            )


def _gemeente_provincie(ctx: ParseContext, path: Path) -> dict[str, str]:
    """gemeente code -> provincie name of that year, by the same containment rule the boundary parser uses."""
    from etl.parsers.geo import provincie_parents, read_layer

    gemeenten = read_layer(ctx.dependency(f"geo/gemeente_{YEAR}.topojson"))
    parents, _ = provincie_parents(path, gemeenten, YEAR, ctx)
    provincies = read_layer(ctx.dependency(f"geo/provincie_{YEAR}.topojson"))
    names = dict(zip(provincies["code"], provincies["name"], strict=True))
    return {code: names[parent] for code, parent in parents.select("code", "parent_code").iter_rows()}


def _observations(table: pl.DataFrame) -> pl.DataFrame:
    def rows(frame: pl.DataFrame, indicator: str, column: str, period: date, kind: str, status: str) -> pl.DataFrame:
        return frame.select(
            pl.lit(indicator).alias("indicator_id"),
            pl.col("code").alias("region_code"),
            pl.lit(YEAR, dtype=pl.Int32).alias("region_year"),
            pl.lit(period, dtype=pl.Date).alias("period"),
            pl.lit(kind).alias("period_type"),
            pl.col(column).cast(pl.Float64).alias("value"),
            pl.lit(status).alias("status"),
        )

    # The percentage realised is not read here: etl/derive.py computes it from these two at every level.
    return pl.concat(
        [
            rows(table, "taakstelling", TAAK, HALF, "half", "unofficial"),
            rows(table, "taakstelling_gecorrigeerd", GECORRIGEERD, HALF, "half", "unofficial"),
            rows(table, "huisvesting_saldo", STAND, date(2016, 1, 1), "day", "unofficial"),
            rows(table, "huisvesting_saldo", SALDO, date(2016, 7, 1), "day", "unofficial"),
            rows(table, "realisatie", REALISATIE, HALF, "half", "unofficial"),
            *(rows(table, "realisatie", column, month, "month", "unofficial") for column, month in MONTHS),
        ]
    )
