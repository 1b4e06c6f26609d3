"""One exception type for bad input, so the CLI can print it plainly and exit non-zero."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """A raw input file cannot be used. The message names the file and, where known, row and column.

    Rows are 1-based data rows as a person counts them in the file (the header is line 1, so the first
    data row is line 2); ``line`` is the physical line number when the parser knows it, or a spreadsheet's
    row number within ``sheet``.
    """

    def __init__(
        self,
        file: str | Path,
        message: str,
        *,
        line: int | None = None,
        column: str | None = None,
        sheet: str | None = None,
    ):
        self.file = str(file)
        self.line = line
        self.column = column
        self.sheet = sheet
        self.detail = message
        where = [self.file]
        if sheet is not None:
            where.append(f"sheet {sheet!r}")
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")


class WarehouseCheckError(Exception):
    """A built warehouse fails validation; the message lists every failed check."""
