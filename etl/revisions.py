"""The revision log: what each build changed against the warehouse it replaces, per source and per figure.

Statistics offices revise published figures; a reader of a position paper needs to know that a figure moved.
Each build compares its observations with the previous warehouse's and appends one row per figure added,
changed (old and new value) or removed to the ``revision`` table, which it carries over from the previous
warehouse, so the log grows build by build. The first build has nothing to compare with and logs nothing.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

KEY = ("indicator_id", "region_code", "region_year", "period", "period_type")
_JOIN = " AND ".join(f"n.{k} = p.{k}" for k in KEY)
# A change smaller than this is a float's rounding, not a revision.
TOLERANCE = 1e-9


def record(con: duckdb.DuckDBPyConnection, previous: Path | None, built_at: str) -> dict[str, int]:
    """Fill ``revision`` in the new warehouse behind ``con``: the previous log, then this build's changes.
    Returns the number of figures added, changed and removed."""
    counts = {"added": 0, "changed": 0, "removed": 0}
    if previous is None or not previous.exists():
        return counts
    try:
        con.execute(f"ATTACH '{_quoted(previous)}' AS prev (READ_ONLY)")
    except duckdb.Error:
        return counts  # a half-written or foreign file: nothing to compare with
    try:
        tables = {
            row[0]
            for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'prev'").fetchall()
        }
        if "revision" in tables:
            con.execute("INSERT INTO revision SELECT * FROM prev.revision")
        if "observation" not in tables:
            return counts
        keys = ", ".join(KEY)
        either = ", ".join(f"coalesce(n.{k}, p.{k})" for k in KEY)
        con.execute(
            f"""INSERT INTO revision
                SELECT CAST(? AS TIMESTAMP), coalesce(n.source_id, p.source_id), {either},
                       CASE WHEN p.value IS NULL THEN 'added' WHEN n.value IS NULL THEN 'removed' ELSE 'changed' END,
                       p.value, n.value
                FROM (SELECT {keys}, value, source_id FROM observation) n
                FULL JOIN (SELECT {keys}, value, source_id FROM prev.observation) p ON {_JOIN}
                WHERE p.value IS NULL OR n.value IS NULL OR abs(n.value - p.value) > {TOLERANCE}""",
            [built_at],
        )
        for change, n in con.execute(
            "SELECT change, count(*) FROM revision WHERE built_at = CAST(? AS TIMESTAMP) GROUP BY change", [built_at]
        ).fetchall():
            counts[change] = n
    finally:
        con.execute("DETACH prev")
    return counts


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
