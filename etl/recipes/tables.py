"""Read the table a recipe points at, whatever its format, as text cells with the row numbers a person sees
in the file or spreadsheet. Every problem names the file, the sheet, the row and the column."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl

from etl.errors import InputError
from etl.readers import read_odata_records, read_text
from etl.recipes.model import FileFormat

ROW = "_row"  # the 1-based row number of each record in the file (a spreadsheet's row, a CSV's line)


def read_table(path: Path, fmt: FileFormat, needed: list[str], renamed: dict[str, str] | None = None) -> pl.DataFrame:
    """Text columns named by the header row, ``ROW`` with each record's row number; the ``needed`` columns
    must be present (a moved header row or a renamed column stops here, with the header that was found).
    ``renamed``: an OData file's own key for a needed column (a successor table's renumbered measure)."""
    sheet = None
    if fmt.format == "cbs-odata":
        return _odata(path, needed, renamed or {}, fmt.decimal)
    if fmt.format in ("xlsx", "ods"):
        rows, sheet, merged = _spreadsheet(path, fmt)
        _no_merged_header(path, sheet, merged, fmt.header_row)
    else:
        rows = _delimited(path, fmt)
    if len(rows) < fmt.header_row:
        raise InputError(
            path, f"has {len(rows)} rows; the recipe expects the header in row {fmt.header_row}", sheet=sheet
        )
    header = _header(rows[fmt.header_row - fmt.header_rows : fmt.header_row])
    missing = [c for c in needed if c not in header]
    if missing:
        found = [h for h in header if h]
        raise InputError(
            path,
            f"column(s) {missing} not in the header row {fmt.header_row}; found {found}"
            + ("; has the header moved?" if not set(needed) & set(header) else ""),
            line=fmt.header_row,
            sheet=sheet,
        )
    _no_duplicate_names(path, sheet, header, needed, fmt.header_row)
    body = rows[fmt.header_row :]
    if fmt.footer_rows:
        body = body[: -fmt.footer_rows]
    records, numbers = [], []
    for offset, row in enumerate(body, start=fmt.header_row + 1):
        if not any(cell.strip() for cell in row):
            continue  # an empty line between the table and its notes
        if len(row) < len(header):
            row = [*row, *[""] * (len(header) - len(row))]
        records.append([row[header.index(c)] for c in needed])
        numbers.append(offset)
    if not records:
        raise InputError(path, "the table has a header but no rows of figures", line=fmt.header_row, sheet=sheet)
    frame = pl.DataFrame(records, schema={c: pl.String for c in needed}, orient="row")
    return frame.with_columns(pl.Series(ROW, numbers, dtype=pl.Int64)).with_columns(
        pl.lit(sheet, dtype=pl.String).alias("_sheet")
    )


def _odata(path: Path, needed: list[str], renamed: dict[str, str], decimal: str) -> pl.DataFrame:
    """The records of an OData JSON document (``{"value": [...]}``) as text cells named as the recipe names them;
    ``ROW`` is each record's index in ``value``. CBS pads keys with spaces (stripped later, where codes are read);
    null is an empty cell."""
    keys = [renamed.get(c, c) for c in needed]
    records = read_odata_records(path, keys)
    cells = [[_text(record[key], decimal) for key in keys] for record in records]
    frame = pl.DataFrame(cells, schema={c: pl.String for c in needed}, orient="row")
    return frame.with_columns(
        pl.Series(ROW, range(len(records)), dtype=pl.Int64), pl.lit(None, dtype=pl.String).alias("_sheet")
    )


def _header(rows: list[list[str]]) -> list[str]:
    """Column names from one or more header rows: the non-empty cells of each column joined with '/'."""
    if len(rows) == 1:
        return [cell.strip() for cell in rows[0]]
    width = max(len(row) for row in rows)
    names = []
    for i in range(width):
        parts = [row[i].strip() if i < len(row) else "" for row in rows]
        names.append("/".join(part for part in parts if part))
    return names


def _delimited(path: Path, fmt: FileFormat) -> list[list[str]]:
    """CSV; a CBS StatLine export is ';'-separated with quoted cells whatever the recipe says."""
    separator = ";" if fmt.format == "cbs-csv" else fmt.separator
    text = read_text(path, fmt.encoding)
    first = text.splitlines()[fmt.header_row - 1] if len(text.splitlines()) >= fmt.header_row else ""
    if separator not in first:
        other = next((s for s in (";", ",", "\t") if s != separator and s in first), None)
        hint = f"; the header looks {other!r}-separated" if other else ""
        raise InputError(path, f"expected {separator!r}-separated columns, found one column{hint}", line=fmt.header_row)
    reader = csv.reader(io.StringIO(text), delimiter=separator, quotechar='"', strict=True)
    try:
        return [list(row) for row in reader]
    except csv.Error as exc:
        raise InputError(path, f"malformed CSV ({exc}); is the file truncated?", line=reader.line_num) from exc


def _spreadsheet(path: Path, fmt: FileFormat) -> tuple[list[list[str]], str, list]:
    """Rows of one sheet as text (numbers as written, without a float's '.0'), its name and merged ranges."""
    from python_calamine import CalamineError, CalamineWorkbook

    if not path.exists():
        raise InputError(path, "file not found")
    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise InputError(path, f"cannot be read as {fmt.format.upper()} ({exc}); is the file truncated?") from exc
    names = book.sheet_names
    if fmt.sheet is not None and fmt.sheet not in names:
        raise InputError(path, f"no sheet {fmt.sheet!r}; the workbook has {names}")
    name = fmt.sheet or names[0]
    try:
        sheet = book.get_sheet_by_name(name)
        cells = sheet.to_python(skip_empty_area=False)
        merged = list(sheet.merged_cell_ranges or [])
    except CalamineError as exc:
        raise InputError(path, f"sheet cannot be read ({exc}); is the file truncated?", sheet=name) from exc
    return [[_text(value, fmt.decimal) for value in row] for row in cells], name, merged


def _text(value: object, decimal: str = ".") -> str:
    """A typed cell as text. A number is written with the recipe's decimal mark and no thousands separator, so
    the recipe's rules for text cells read it back unchanged: 1234.5 under ``decimal = ","`` and
    ``thousands = "."`` is '1234,5', not '1234.5' (which those rules would read as 12345)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f").replace(".", decimal)  # positional: no '1e-05'
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _no_merged_header(path: Path, sheet: str, merged: list, header_row: int) -> None:
    """A merged cell in the header row stands for several columns under one name: the recipe cannot tell
    which figure is which, so it stops instead of guessing."""
    for (top, left), (bottom, right) in merged:
        if top <= header_row - 1 <= bottom and right > left:
            raise InputError(
                path,
                f"header cells {_cell(top, left)}:{_cell(bottom, right)} are merged; unmerge them and give every "
                "column its own name",
                line=header_row,
                sheet=sheet,
            )


def _cell(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _no_duplicate_names(path: Path, sheet: str | None, header: list[str], needed: list[str], row: int) -> None:
    twice = sorted({c for c in needed if header.count(c) > 1})
    if twice:
        raise InputError(path, f"column name(s) {twice} appear more than once in the header", line=row, sheet=sheet)
