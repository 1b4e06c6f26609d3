"""``python -m etl info``: what a warehouse holds (sources, periods per indicator, row counts)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.warehouse import TABLES


def describe(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        lines = [f"Warehouse {path} ({path.stat().st_size / 1e6:.1f} MB)"]
        built = dict(con.execute("SELECT key, value FROM build_info").fetchall())
        lines.append(f"built {built.get('built_at')} from {built.get('snapshot')}")
        lines.append("\nRows per table:")
        for table in TABLES:
            n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            lines.append(f"  {table:<20} {n:>9,}")
        lines.append("\nIndicators (periods held):")
        for row in con.execute(
            """SELECT o.indicator_id, o.period_type, min(o.period), max(o.period), count(DISTINCT o.period),
                      count(*), string_agg(DISTINCT o.status, '/')
               FROM observation o GROUP BY ALL ORDER BY 1, 2"""
        ).fetchall():
            ind, ptype, first, last, periods, n, status = row
            lines.append(f"  {ind:<30} {ptype:<7} {first} .. {last}  {periods:>4} periods {n:>7,} rows  {status}")
        lines.append("\nSources:")
        for row in con.execute(
            """SELECT s.id, s.publisher, coalesce(s.table_id, ''), s.reference_date, s.status,
                      (SELECT count(*) FROM observation o WHERE o.source_id = s.id)
               FROM source s ORDER BY s.id"""
        ).fetchall():
            sid, publisher, table_id, ref, status, n = row
            lines.append(f"  {sid:<42} {publisher[:28]:<28} {table_id:<9} {ref}  {status:<10} {n:>7,} obs")
    return "\n".join(lines)
