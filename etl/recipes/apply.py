"""A recipe applied to its file: regions to CBS codes of their year, periods, figures to observations, and the
table's own arithmetic checked. Every refusal names the file, sheet, row and column."""

from __future__ import annotations

import difflib
import re
from datetime import date
from pathlib import Path

import polars as pl

from contract.periods import parse_period
from etl.errors import InputError
from etl.model import OBSERVATION, REGION, REGION_PARENT, ParseResult
from etl.names import normalise
from etl.recipes.model import Period, Recipe
from etl.recipes.tables import ROW, read_table
from etl.sources import ParseContext

CODE_PATTERN = {"gemeente": r"^GM\d{4}$", "provincie": r"^PV\d{2}$", "land": r"^NL\d{2}$"}
PLURAL = {"gemeente": "gemeenten", "provincie": "provincies", "land": "landen"}
# Division level -> the code prefix that proves a column holds that division.
DIVISION_PREFIX = {
    "provincie": "PV",
    "arbeidsmarktregio": "AM",
    "coropgebied": "CR",
    "ggdregio": "GG",
    "veiligheidsregio": "VR",
}


def needed_columns(recipe: Recipe) -> list[str]:
    regions = recipe.regions
    columns = [regions.code_column, regions.name_column, regions.parent_column, regions.name_check_column]
    columns += [p.column for p in [recipe.period, *(v.period for v in recipe.values)] if p is not None]
    columns += [v.column for v in recipe.values]
    columns += [c for check in recipe.checks for c in (check.column, *check.plus, *check.minus)]
    columns += [c for d in recipe.divisions for c in (d.code_column, d.name_column)]
    return list(dict.fromkeys(c for c in columns if c))


def parse(recipe: Recipe, path: Path, ctx: ParseContext, columns: dict[str, str] | None = None) -> ParseResult:
    """``columns``: where a CBS successor table renumbered a measure, the recipe's key -> the key in the file."""
    table = read_table(path, recipe.file, needed_columns(recipe), columns)
    sheet = table["_sheet"][0]

    def error(message: str, row: int | None = None, column: str | None = None) -> InputError:
        if recipe.file.format == "cbs-odata" and row is not None:  # a JSON record, not a line
            return InputError(path, f"value[{row}]: {message}", column=column)
        return InputError(path, message, line=row, column=column, sheet=sheet)

    if recipe.regions.skip:  # rows of other divisions in the same code column
        table = _by_code_prefix(table, recipe.regions.code_column, recipe.regions.skip, keep=False)
    if recipe.odata and recipe.odata.region_prefixes:  # what the fetch asked for, also if a server sent more
        table = _by_code_prefix(table, recipe.regions.code_column, recipe.odata.region_prefixes, keep=True)

    numbers = {column: _numbers(table, column, recipe, error) for column in _numeric_columns(recipe)}
    if recipe.values:
        # A row without a single figure says nothing (a CBS export lists every region for every period, with
        # empty cells where a gemeente did not exist yet or any more): it is not checked against the division.
        # Where the recipe requires figures, such a row is an error instead (below), never skipped.
        has_figure = pl.any_horizontal(*(numbers[v.column].is_not_null() for v in recipe.values))
        keep = pl.select(has_figure.alias("keep"))["keep"] if table.height else pl.Series([], dtype=pl.Boolean)
        if not any(v.required for v in recipe.values) and not keep.all():
            table = table.filter(keep)
            numbers = {column: series.filter(keep) for column, series in numbers.items()}
        if table.height == 0:
            raise error("the table holds no figure at all in the recipe's columns")
    frames = [_figures(table, numbers, spec, spec.period or recipe.period, error) for spec in recipe.values]
    years = _years(table, recipe, frames, error)
    codes = _regions(table, recipe, years, ctx, error)
    for check in recipe.checks:
        _check(table, numbers, check, error)
    rows = table[ROW].to_list()
    if recipe.regions.name_check_column:
        _check_name_repeated(table, recipe.regions, error)
    if recipe.regions.parent_column:
        _check_parents(table, codes, years, recipe, ctx, error, path)
    if recipe.regions.complete:
        _check_complete(codes, years, rows, recipe, ctx, error)
    if recipe.regions.count is not None:
        _check_count(codes, years, recipe, error)
    if recipe.regions.define or not recipe.values:  # a list of regions: each region once per year
        main = pl.DataFrame({"code": codes, "year": years, ROW: rows})
        _unique_per_year(main, recipe.regions.code_column or recipe.regions.name_column, error)
    result = ParseResult()
    if recipe.values:
        result.observations = _observations(frames, table[ROW], codes, years, recipe, error)
    regions, parents = [], []
    if recipe.regions.define:
        regions.append(_defined(table, recipe.regions, codes, years, error))
    for division in recipe.divisions:
        found, links = _division(table, division, recipe.regions.level, codes, years, ctx, error)
        regions.append(found)
        parents.append(links)
    if regions:
        result.regions = pl.concat(regions).cast(dict(REGION))
    if parents:
        result.region_parents = pl.concat(parents).cast(dict(REGION_PARENT))
    return result


def _by_code_prefix(table: pl.DataFrame, column: str, prefixes: list[str], *, keep: bool) -> pl.DataFrame:
    """The rows whose code starts with one of ``prefixes`` (``keep``) or the others; a row without a code stays,
    to be refused as 'row without a region' rather than to vanish."""
    code = pl.col(column).str.strip_chars().str.to_uppercase()
    match = pl.any_horizontal(code.str.starts_with(p.upper()) for p in prefixes)
    return table.filter((match if keep else ~match) | code.is_null() | (code == ""))


def _observations(frames, row_numbers: pl.Series, codes, years, recipe: Recipe, error) -> pl.DataFrame:
    """The value columns' long rows joined to their regions, checked once more as a whole."""
    long = pl.concat(frames, how="vertical").join(
        pl.DataFrame({ROW: row_numbers, "region_code": codes, "region_year": years}), on=ROW
    )
    # A CBS table has a row per category of every other dimension: twice the same region and period means the
    # download holds more than the totals.
    hint = "; the download should hold only the totals of the other dimensions" if recipe.odata else ""
    _no_duplicates(long, error, recipe.regions.code_column or recipe.regions.name_column, hint)
    if recipe.regions.adds_up:
        _check_adds_up(long, recipe.regions.level, error)
    observations = long.drop_nulls("value").select(
        "indicator_id",
        "region_code",
        pl.col("region_year").cast(pl.Int32),
        "period",
        "period_type",
        "value",
        pl.lit(recipe.figure_status).alias("status"),
    )
    return observations.cast(dict(OBSERVATION))


def _figures(table: pl.DataFrame, numbers: dict[str, pl.Series], spec, period: Period, error) -> pl.DataFrame:
    """One value column as long rows (indicator, row, period, value), after its own cell checks."""
    starts, kinds = _periods(table, period, error)
    missing = table.filter(numbers[spec.column].is_null())
    if spec.required and missing.height:
        raise error("no figure where the recipe requires one", missing[ROW][0], spec.column)
    fractions = table.filter(numbers[spec.column] != numbers[spec.column].round(0))
    if spec.whole and fractions.height:
        raise error(f"not a whole number: {fractions[spec.column][0]!r}", fractions[ROW][0], spec.column)
    return pl.DataFrame(
        {
            "indicator_id": spec.indicator,
            ROW: table[ROW],
            "period": pl.Series(starts, dtype=pl.Date),
            "period_type": pl.Series(kinds, dtype=pl.String),
            "value": numbers[spec.column],
            "_column": spec.column,
        }
    )


def _years(table: pl.DataFrame, recipe: Recipe, frames: list[pl.DataFrame], error) -> list[int]:
    """The year of the division each row's region belongs to: the recipe's, else the row's period's."""
    if recipe.regions.year:
        return [recipe.regions.year] * table.height
    if frames:
        return frames[0]["period"].dt.year().to_list()
    starts, _ = _periods(table, recipe.period, error)
    return [start.year for start in starts]


def _numeric_columns(recipe: Recipe) -> list[str]:
    columns = [v.column for v in recipe.values]
    columns += [c for check in recipe.checks for c in (check.column, *check.plus, *check.minus)]
    return list(dict.fromkeys(columns))


def _numbers(table: pl.DataFrame, column: str, recipe: Recipe, error) -> pl.Series:
    """Text cells to numbers: the recipe's unknown markers become null (no figure), its zero markers 0; a
    cell that is neither a number nor a declared marker stops the import."""
    fmt = recipe.file
    text = table[column].str.strip_chars()
    plain = text
    if fmt.thousands:
        plain = plain.str.replace_all(fmt.thousands, "", literal=True)
    if fmt.decimal == ",":
        plain = plain.str.replace(",", ".", literal=True)
    values = plain.cast(pl.Float64, strict=False)
    unknown = text.is_in(fmt.unknown) | text.is_null()
    zero = text.is_in(fmt.zero)
    values = pl.select(pl.when(unknown).then(None).when(zero).then(0.0).otherwise(values).alias(column))[column]
    bad = table.filter(values.is_null() & ~unknown)
    if bad.height:
        cell = bad[column][0]
        raise error(
            f"{cell!r} is not a number and not a marker the recipe declares (unknown: {fmt.unknown}, zero: {fmt.zero})",
            bad[ROW][0],
            column,
        )
    return values


def _periods(table: pl.DataFrame, period: Period, error) -> tuple[list[date], list[str]]:
    if period.column is None:
        return [period.start] * table.height, [period.type] * table.height
    starts, kinds = [], []
    for text, row in table.select(period.column, ROW).iter_rows():
        try:
            start, kind = parse_period(text or "")
        except ValueError as exc:
            raise error(str(exc), row, period.column) from None
        starts.append(start)
        kinds.append(kind)
    return starts, kinds


def _regions(table: pl.DataFrame, recipe: Recipe, years: list[int], ctx: ParseContext, error) -> list[str]:
    """Each row's region code, checked against the division of its level in the row's year (that year's
    boundaries). Where the snapshot has no boundaries for a year, a recipe that gives CBS's ``count`` is checked
    on its own: codes well formed, and as many regions of the main level as CBS counts."""
    regions = recipe.regions
    if regions.level == "land" and not (regions.code_column or regions.name_column):
        return ["NL01"] * table.height  # a national table without a region column
    column = regions.code_column or regions.name_column
    cells = [(c or "").strip() for c in table[column].to_list()]
    rows = table[ROW].to_list()
    for cell, row in zip(cells, rows, strict=True):
        if not cell:
            raise error("row without a region", row, column)
    if regions.level == "land":
        return [cell.upper() if regions.code_column else "NL01" for cell in cells]
    codes: dict[int, str] = {}
    country = [i for i, cell in enumerate(cells) if regions.country_name and cell == regions.country_name]
    if regions.country_name:
        _country_row_per_year(years, country, regions.country_name, column, error)
    codes.update((i, "NL01") for i in country)
    for level in regions.also:  # rows of other levels in the same code column, told apart by their code
        index = [i for i, c in enumerate(cells) if i not in codes and re.match(CODE_PATTERN[level], c.upper())]
        for i in index:
            if level == "land" and cells[i].upper() != "NL01":
                raise error(f"{cells[i]!r}: the code of the Netherlands is NL01", rows[i], column)
        codes.update(_codes_of_level(table, recipe, level, index, cells, years, ctx, error))
    main = [i for i in range(len(cells)) if i not in codes]
    codes.update(_codes_of_level(table, recipe, regions.level, main, cells, years, ctx, error))
    return [codes[i] for i in range(len(cells))]


def _check_count(codes: list[str], years: list[int], recipe: Recipe, error) -> None:
    """As many regions of the main level per year as CBS counts (``count``)."""
    regions = recipe.regions
    for year in sorted(set(years)):
        found = {c for c, y in zip(codes, years, strict=True) if y == year and re.match(CODE_PATTERN[regions.level], c)}
        if len(found) != regions.count:
            message = f"{len(found)} {PLURAL[regions.level]}, expected {regions.count} for {year}; truncated?"
            raise error(message, None, regions.code_column or regions.name_column)


def _codes_of_level(table, recipe: Recipe, level: str, index: list[int], cells, years, ctx: ParseContext, error):
    """(row index, code) for the rows of one level, year by year."""
    if level == "land":
        return [(i, "NL01") for i in index]  # one country, no boundaries needed
    regions = recipe.regions
    column = regions.code_column or regions.name_column
    rows = table[ROW].to_list()
    available = ctx.division_years(level)
    out = []
    for year in sorted({years[i] for i in index}):
        in_year = [i for i in index if years[i] == year]
        reference_year = year
        if year not in available and level == "provincie" and available:
            # The twelve provincies and their codes have not changed since 1986: a year without provincie
            # boundaries is checked against the nearest year that has them.
            reference_year = min(available, key=lambda y: (abs(y - year), y))
        elif year not in available:
            if regions.count is None:
                span = f"{min(available)}–{max(available)}" if available else "none"
                hint = "; give count (CBS's number of regions that year) to check the list on its own"
                raise error(
                    f"{'year' if regions.define else 'period year'} {year} lies outside the years of the {level} "
                    "division the snapshot holds "
                    f"({span}); names and codes of {year} cannot be checked" + (hint if regions.define else ""),
                    rows[in_year[0]],
                    (recipe.period.column if recipe.period and recipe.period.column else None) or column,
                )
            for i in in_year:  # no boundaries to check against: the form of the code, and the count (above)
                if not (regions.code_column and re.match(CODE_PATTERN[level], cells[i].upper())):
                    raise error(f"{cells[i]!r} is not a {level} code", rows[i], column)
            out += [(i, cells[i].upper()) for i in in_year]
            continue
        reference = ctx.division(level, reference_year)
        chosen = [cells[i] for i in in_year]
        chosen_rows = [rows[i] for i in in_year]
        if regions.code_column:
            found = _check_codes(chosen, chosen_rows, reference, level, year, column, error)
            if regions.name_column and level == regions.level:
                names = [(table[regions.name_column][i] or "").strip() for i in in_year]
                named = _names_to_codes(names, chosen_rows, reference, regions, year, regions.name_column, error)
                for code, name_code, name, row in zip(found, named, names, chosen_rows, strict=True):
                    if code != name_code:
                        message = f"name {name!r} is {level} {name_code} in {year}, but the row says {code}"
                        raise error(message, row, column)
        else:
            found = _names_to_codes(chosen, chosen_rows, reference, regions, year, column, error)
        out += list(zip(in_year, found, strict=True))
    return out


def _country_row_per_year(years: list[int], country: list[int], name: str, column: str, error) -> None:
    """A recipe that names the country row expects one with a figure in every year the table covers."""
    without = sorted(set(years) - {years[i] for i in country})
    if without:
        raise error(f"no {name!r} row with a figure for {without[0]}", None, column)


def _check_codes(cells, rows, reference: pl.DataFrame, level: str, year: int, column: str, error) -> list[str]:
    known = set(reference["code"].to_list())
    out = []
    for cell, row in zip(cells, rows, strict=True):
        code = cell.upper()
        if not re.match(CODE_PATTERN[level], code):
            raise error(
                f"{cell!r} is not a {level} code (e.g. {'GM0363' if level == 'gemeente' else 'PV27'})", row, column
            )
        if code not in known:
            raise error(f"{code} is not a {level} of {year}", row, column)
        out.append(code)
    return out


def _names_to_codes(cells, rows, reference: pl.DataFrame, regions, year: int, column: str, error) -> list[str]:
    """Names to codes of ``year``: exact after normalising, else the recipe's aliases; a name that matches two
    gemeenten or none stops the import with every such name and the closest official names."""
    official = dict(reference.select("code", "name").iter_rows())
    by_key = {normalise(name): code for code, name in official.items()}
    for spelling, name in regions.aliases.items():
        if normalise(name) in by_key:
            by_key.setdefault(normalise(spelling), by_key[normalise(name)])
    # 'Bergen' for both 'Bergen (L.)' and 'Bergen (NH.)': the bare name is ambiguous, never a guess.
    bare: dict[str, list[str]] = {}
    for code, name in official.items():
        bare.setdefault(normalise(re.sub(r"\s*\(.*\)\s*$", "", name)), []).append(code)
    out, unknown = [], []
    for cell, row in zip(cells, rows, strict=True):
        code = by_key.get(normalise(cell))
        if code is None:
            twins = bare.get(normalise(cell), [])
            if len(twins) > 1:
                names = " and ".join(f"{official[c]} ({c})" for c in sorted(twins))
                message = f"{cell!r} matches two {PLURAL[regions.level]} of {year}: {names}; add an alias"
                raise error(message, row, column)
            unknown.append((cell, row))
        out.append(code)
    if unknown:
        names = sorted(official.values())
        listed = "; ".join(
            f"{cell!r} (row {row}; closest: {', '.join(_closest(cell, names)) or '-'})" for cell, row in unknown
        )
        raise error(f"{len(unknown)} name(s) are no {regions.level} of {year}: {listed}", unknown[0][1], column)
    return out


def _closest(name: str, names: list[str]) -> list[str]:
    return difflib.get_close_matches(name, names, n=3, cutoff=0.5)


def _check(table: pl.DataFrame, numbers: dict[str, pl.Series], check, error) -> None:
    expected = sum((numbers[c].fill_null(0) for c in check.plus), pl.Series([0.0] * table.height))
    expected = expected - sum((numbers[c].fill_null(0) for c in check.minus), pl.Series([0.0] * table.height))
    actual = numbers[check.column]
    wrong = [
        i
        for i, (a, e) in enumerate(zip(actual.to_list(), expected.to_list(), strict=True))
        if a is not None and abs(a - e) > 1e-6
    ]
    if wrong:
        i = wrong[0]
        rule = " + ".join(f"'{c}'" for c in check.plus) + "".join(f" - '{c}'" for c in check.minus)
        raise error(f"value {actual[i]:g} does not equal {rule} = {expected[i]:g}", table[ROW][i], check.column)


def _no_duplicates(long: pl.DataFrame, error, region_column: str | None, hint: str = "") -> None:
    """One figure per region and period: a region listed twice is named in its own column (the region's)."""
    key = ["indicator_id", "region_code", "region_year", "period", "period_type"]
    dupes = long.filter(long.select(key).is_duplicated()).sort(ROW)
    if dupes.height:
        first = dupes.row(0, named=True)
        same = dupes.filter(pl.all_horizontal(pl.col(k) == first[k] for k in key))
        rows = same[ROW].to_list()
        raise error(
            f"{first['region_code']} appears more than once for the same period (rows {rows}){hint}",
            rows[-1],
            region_column or first["_column"],
        )


def _check_parents(table, codes, years, recipe: Recipe, ctx: ParseContext, error, path: Path) -> None:
    """The parent column (a provincie name) must name the provincie the gemeente lies in that year."""
    column = recipe.regions.parent_column
    lies_in = {year: ctx.provincie_names(year, path) for year in set(years)}
    for name, row, code, year in zip(table[column].to_list(), table[ROW].to_list(), codes, years, strict=True):
        expected = lies_in[year].get(code)
        published = (name or "").strip().removeprefix("Provincie ").strip()
        if expected is None or normalise(published) != normalise(expected):
            raise error(f"{code} lies in provincie {expected!r}, not {name!r}", row, column)


def _check_complete(codes: list[str], years: list[int], rows: list[int], recipe: Recipe, ctx: ParseContext, error):
    level = recipe.regions.level
    for year in sorted(set(years)):
        reference = ctx.division(level, year)
        listed = {code for code, y in zip(codes, years, strict=True) if y == year}
        absent = reference.filter(~pl.col("code").is_in(list(listed))).sort("code")
        if absent.height:
            names = ", ".join(f"{c} {n}" for c, n in absent.iter_rows())
            last = max(rows)
            raise error(
                f"{absent.height} {PLURAL[level]} of {year} missing (truncated? the table ends at row {last}): {names}",
                last,
                recipe.regions.code_column or recipe.regions.name_column,
            )


def _check_adds_up(long: pl.DataFrame, level: str, error) -> None:
    """Per indicator and period, the regions of the main level sum to the country row, which must be there."""
    keys = ["indicator_id", "period", "period_type"]
    parts = long.filter(pl.col("region_code").str.contains(CODE_PATTERN[level]) & pl.col("value").is_not_null())
    sums = parts.group_by(keys).agg(
        pl.col("value").sum().alias("sum"), pl.len().alias("n"), pl.col("_column").first(), pl.col(ROW).max()
    )
    country = long.filter((pl.col("region_code") == "NL01") & pl.col("value").is_not_null())
    joined = sums.join(country.select(*keys, "value", pl.col(ROW).alias("_country_row")), on=keys, how="left")
    for row in joined.sort(ROW).iter_rows(named=True):
        if row["value"] is None:
            raise error(
                f"no figure for the Netherlands ({row['period']}) to check that the {PLURAL[level]} add up to",
                None,
                row["_column"],
            )
        if abs(row["sum"] - row["value"]) > 1e-6:
            raise error(
                f"the {row['n']} {PLURAL[level]} add up to {row['sum']:.0f}, not the country's "
                f"{row['value']:.0f} ({row['period']}); is the file truncated?",
                row["_country_row"],
                row["_column"],
            )


def _without_spaces(text: str) -> str:
    return "".join(text.split())


def _check_name_repeated(table: pl.DataFrame, regions, error) -> None:
    """The second name column must repeat the name (after its alias), spaces aside."""
    for name, check, row in table.select(regions.name_column, regions.name_check_column, ROW).iter_rows():
        published = (name or "").strip()
        official = regions.aliases.get(published, published)
        if _without_spaces(official) != _without_spaces(check or ""):
            raise error(
                f"name {official!r} does not match {check!r} (spaces aside); is the row shifted?",
                row,
                regions.name_check_column,
            )


def _defined(table: pl.DataFrame, regions, codes: list[str], years: list[int], error) -> pl.DataFrame:
    """The regions a code list defines: one per code and year, named as published (or by the alias)."""
    rows = table[ROW].to_list()
    names = []
    for cell, row in zip(table[regions.name_column].to_list(), rows, strict=True):
        published = (cell or "").strip()
        if not published:
            raise error("empty name", row, regions.name_column)
        names.append(regions.aliases.get(published, published))
    return pl.DataFrame({"code": codes, "year": years, "name": names, "level": regions.level})


def _unique_per_year(frame: pl.DataFrame, column: str, error) -> None:
    twice = frame.filter(frame.select("code", "year").is_duplicated()).sort(ROW)
    if twice.height:
        code = twice["code"][0]
        same = twice.filter(pl.col("code") == code)[ROW].to_list()
        raise error(f"{code} appears more than once (rows {same})", same[-1], column)


def _division(table, division, child_level: str, codes, years, ctx: ParseContext, error):
    """(regions, links) of one division: each row's region lies in the division's region on its row."""
    rows = table[ROW].to_list()
    prefix = DIVISION_PREFIX[division.level]
    official = dict(ctx.division(division.level, division.names_from).iter_rows()) if division.names_from else None
    published = table[division.name_column].to_list() if division.name_column else [None] * table.height
    named: dict[tuple[str, int], tuple[str, int]] = {}
    parent_of: dict[tuple[str, int], tuple[str, int]] = {}
    links = []
    for cell, text, code_of_row, year, row in zip(
        table[division.code_column].to_list(), published, codes, years, rows, strict=True
    ):
        if not re.match(CODE_PATTERN[child_level], code_of_row):
            continue  # the country row (or a provincie row) is not linked: only the rows of the main level
        code = (cell or "").strip().upper()
        if not re.match(rf"^{prefix}\d+$", code):
            raise error(f"expected a {division.level} code ({prefix}..), found {cell!r}", row, division.code_column)
        name = _division_name(division, code, text, official, row, error)
        seen = named.setdefault((code, year), (name, row))
        if seen[0] != name:
            names = sorted({seen[0], name})
            message = f"{division.level} {code} has more than one name: {names} (rows {seen[1]}, {row})"
            raise error(message, row, division.name_column)
        first = parent_of.setdefault((code_of_row, year), (code, row))
        if first[0] != code:
            message = f"{code_of_row} lies in {division.level} {first[0]} (row {first[1]}) and in {code} (row {row})"
            raise error(message, row, division.code_column)
        if first[1] == row:
            links.append((code_of_row, year, code, division.level))
    found = pl.DataFrame(
        [(code, year, name, division.level) for (code, year), (name, _) in named.items()],
        schema=["code", "year", "name", "level"],
        orient="row",
    ).sort("year", "code")
    if division.count is not None:
        for year, n in sorted(found.group_by("year").len().iter_rows()):
            if n != division.count:
                message = f"{n} {division.level} codes, expected {division.count} for {year}"
                raise error(message, None, division.code_column)
    link_frame = pl.DataFrame(links, schema=["code", "year", "parent_code", "parent_level"], orient="row")
    later = [_links_later(link_frame, year, child_level, ctx, division, error) for year in division.also_years]
    return found, pl.concat([link_frame, *later])


def _division_name(division, code: str, text: str | None, official: dict | None, row: int, error) -> str:
    published = (text or "").strip()
    published = division.aliases.get(published, published)
    if official is None:
        if not published:
            raise error("empty name", row, division.name_column)
        return published
    name = official.get(code)
    if name is None:
        raise error(
            f"{code} is not a {division.level} of the {division.names_from} boundaries that name it",
            row,
            division.code_column,
        )
    if division.name_column and _without_spaces(published) != _without_spaces(name):
        raise error(
            f"{code} {published!r} does not match the CBS name {name!r} (spaces aside)", row, division.name_column
        )
    return name


def _links_later(links: pl.DataFrame, year: int, child_level: str, ctx: ParseContext, division, error):
    """The same links for a later year, where that year's regions are exactly the list's."""
    if links["year"].n_unique() != 1:
        raise error(f"also_years needs a list of one year; this one has {sorted(links['year'].unique())}")
    listed = set(links["code"].to_list())
    known = set(ctx.division(child_level, year)["code"].to_list())
    if listed != known:
        differ = sorted(listed ^ known)
        raise error(
            f"the {division.level} links are declared to hold in {year} too, but the {PLURAL[child_level]} of "
            f"{year} differ from the list's: {differ[:5]}",
            None,
            division.code_column,
        )
    return links.with_columns(pl.lit(year, dtype=links["year"].dtype).alias("year"))
