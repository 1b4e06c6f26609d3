"""Strict readers for raw CSV/JSON files: every problem becomes an InputError naming file, line and column.

Values are read as text first and converted column by column, so a bad cell is reported where it is
instead of silently becoming null.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from etl.errors import InputError

# Cells CBS and others use for "no value": empty, "." (onbekend), "-" (nihil not applicable), "x" (geheim).
MISSING = {"", ".", "-", "x", "X"}


def read_text(path: Path, encoding: str = "utf-8-sig") -> str:
    if not path.exists():
        raise InputError(path, "file not found")
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(path, "file is empty")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(path, f"not valid {encoding} text ({exc.reason})", line=line) from exc


def read_csv(
    path: Path,
    *,
    separator: str,
    required: Iterable[str],
    encoding: str = "utf-8-sig",
    drop_trailing: Iterable[str] = (),
) -> pl.DataFrame:
    """Read a delimited file as text columns, with a ``_line`` column holding each row's line number.

    ``drop_trailing`` drops footer rows whose first cell starts with one of these strings (CBS exports end
    with a "Bron: CBS" line).
    """
    text = read_text(path, encoding)
    lines = text.splitlines()
    if not lines:
        raise InputError(path, "file has no header line")
    header_line = lines[0]
    if separator not in header_line:
        other = next((s for s in (";", ",", "\t") if s != separator and s in header_line), None)
        hint = f"; the header looks {other!r}-separated" if other else ""
        raise InputError(path, f"expected {separator!r}-separated columns, found one column{hint}", line=1)
    reader = csv.reader(io.StringIO(text), delimiter=separator, quotechar='"', strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InputError(path, f"malformed CSV ({exc}); is the file truncated?", line=reader.line_num) from exc
    header = [h.strip() for h in rows[0]]
    required = list(required)
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(path, f"missing column(s) {missing}; found {header}", line=1)
    footer = tuple(drop_trailing)
    data: list[list[str]] = []
    line_numbers: list[int] = []
    for offset, row in enumerate(rows[1:], start=2):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if footer and row[0].strip().startswith(footer):
            continue
        if len(row) != len(header):
            raise InputError(
                path, f"row has {len(row)} fields, header has {len(header)}; is the file truncated?", line=offset
            )
        data.append(row)
        line_numbers.append(offset)
    if not data:
        raise InputError(path, "file has a header but no data rows")
    frame = pl.DataFrame(data, schema={h: pl.String for h in _unique(header)}, orient="row")
    return frame.with_columns(pl.Series("_line", line_numbers, dtype=pl.Int64))


def _unique(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in header:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(name if count == 0 else f"{name}_{count}")
    return out


def numbers(frame: pl.DataFrame, column: str, path: Path, *, decimal_comma: bool = False) -> pl.Series:
    """Column as Float64: stripped, thousands-free; missing markers become null; anything else non-numeric fails."""
    text = frame[column].str.strip_chars()
    if decimal_comma:
        text = text.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    cleaned = pl.when(text.is_in(list(MISSING)) | text.is_null()).then(None).otherwise(text)
    values = frame.select(cleaned.alias(column))[column].cast(pl.Float64, strict=False)
    bad = frame.filter(values.is_null() & cleaned.is_not_null())
    if bad.height:
        row = bad.row(0, named=True)
        raise InputError(path, f"not a number: {row[column]!r}", line=row.get("_line"), column=column)
    return values


def strip(frame: pl.DataFrame, column: str) -> pl.Series:
    return frame[column].str.strip_chars()


def read_json(path: Path) -> object:
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"invalid or truncated JSON ({exc.msg}, char {exc.pos})", line=exc.lineno) from exc


def read_odata_records(path: Path, required: list[str]) -> list[dict]:
    """The records of an OData JSON document (``{"value": [...]}``), each holding the ``required`` fields."""
    document = read_json(path)
    if not isinstance(document, dict) or not isinstance(document.get("value"), list):
        raise InputError(path, "not an OData JSON document (no 'value' list)")
    records = document["value"]
    if not records:
        raise InputError(path, "the OData document has no rows")
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise InputError(path, f"value[{index}] is not a record")
    return require_fields(path, records, required)


def require_fields(path: Path, records: list[dict], required: list[str]) -> list[dict]:
    """``records`` when each holds every ``required`` field; else the first that lacks one, named."""
    for index, record in enumerate(records):
        missing = [c for c in required if c not in record]
        if missing:
            raise InputError(path, f"value[{index}] lacks field(s) {missing}; has {sorted(record)}", column=missing[0])
    return records


def require_unique(frame: pl.DataFrame, key: list[str], path: Path) -> None:
    """Fail on the first duplicate key, naming both lines."""
    dupes = frame.filter(frame.select(key).is_duplicated()).sort("_line")
    if dupes.height:
        first = dupes.row(0, named=True)
        same = dupes.filter(pl.all_horizontal(pl.col(k) == first[k] for k in key))
        lines = same["_line"].to_list()
        raise InputError(path, f"duplicate row for {dict((k, first[k]) for k in key)} (lines {lines})", line=lines[-1])
