"""``python -m etl check``: validate a warehouse. Every check returns a readable failure or nothing."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.official import GEMEENTE_COUNTS


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def run_checks(con: duckdb.DuckDBPyConnection) -> list[str]:
    failures: list[str] = []

    counts = dict(_rows(con, "SELECT year, count(*) FROM region WHERE level = 'gemeente' GROUP BY year"))
    for year, n in sorted(counts.items()):
        expected = GEMEENTE_COUNTS.get(year)
        if expected is None and year < max(GEMEENTE_COUNTS):
            failures.append(f"region: gemeenten for {year}, a year without a known official count")
        elif expected is None:
            continue  # a year CBS published after this list (a live fetch): its own tables say how many
        elif n != expected:
            failures.append(f"region: {n} gemeenten in {year}, expected {expected}")
    # Every year with an official gemeente map must list its gemeenten (the map's names and parents come from
    # there). Which years those are follows from the inputs: the stored snapshot has 2016-2026, a live fetch
    # the years it was asked for (2015 to this year by default).
    map_years = [y for (y,) in _rows(con, "SELECT DISTINCT year FROM region_geometry WHERE level = 'gemeente'")]
    for year in sorted(map_years):
        if year not in counts:
            failures.append(f"region: no gemeenten for {year}, although its gemeente map is loaded")
    if not counts:
        failures.append("region: no gemeenten at all")

    # Official boundaries cover every gemeente; an unofficial layer (TNO's 2015 map lacks Nissewaard and
    # Krimpenerwaard) may have gaps, but no shape may belong to an unknown region.
    geo = _rows(
        con,
        """SELECT g.year, count(*), bool_and(s.status = 'official') FROM region_geometry g
           JOIN source s ON s.id = g.source_id WHERE g.level = 'gemeente' GROUP BY g.year ORDER BY g.year""",
    )
    for year, n, official in geo:
        # A year after the official list (a live fetch): as many shapes as that year's own list of gemeenten.
        expected = GEMEENTE_COUNTS.get(year) if year <= max(GEMEENTE_COUNTS) else counts.get(year)
        if official and expected is not None and n != expected:
            failures.append(f"region_geometry: {n} gemeente shapes in {year}, expected {expected}")
    stray = _rows(
        con,
        """SELECT g.code, g.year FROM region_geometry g
           ANTI JOIN region r ON r.code = g.code AND r.year = g.year ORDER BY ALL LIMIT 5""",
    )
    for code, year in stray:
        failures.append(f"region_geometry: shape for unknown region {code} ({year})")

    orphans = _rows(
        con,
        """SELECT o.indicator_id, o.region_code, o.region_year, count(*) FROM observation o
           ANTI JOIN region r ON r.code = o.region_code AND r.year = o.region_year
           GROUP BY ALL ORDER BY ALL LIMIT 5""",
    )
    for indicator, code, year, n in orphans:
        failures.append(f"observation: {n} row(s) of {indicator} for unknown region {code} ({year})")

    no_source = _rows(con, "SELECT count(*) FROM observation o ANTI JOIN source s ON s.id = o.source_id")[0][0]
    if no_source:
        failures.append(f"observation: {no_source} row(s) without a known source")

    for table in ("region_parent", "region_geometry", "coa_location", "asylum_nationality"):
        n = _rows(con, f"SELECT count(*) FROM {table} t ANTI JOIN source s ON s.id = t.source_id")[0][0]
        if n:
            failures.append(f"{table}: {n} row(s) without a known source")

    bad_parents = _rows(
        con,
        """SELECT p.code, p.year, p.parent_code FROM region_parent p
           ANTI JOIN region r ON r.code = p.parent_code AND r.year = p.year LIMIT 5""",
    )
    for code, year, parent in bad_parents:
        failures.append(f"region_parent: {code} ({year}) points to unknown region {parent}")

    bad_weights = _rows(
        con,
        """SELECT from_code, from_year, sum(weight) AS total FROM crosswalk
           GROUP BY ALL HAVING abs(total - 1) > 1e-6 ORDER BY ALL LIMIT 5""",
    )
    for code, year, total in bad_weights:
        failures.append(f"crosswalk: weights of {code} ({year}) sum to {total:.6f}, not 1")

    uncovered = _rows(
        con,
        """SELECT r.code, r.year FROM region r
           WHERE r.level = 'gemeente' AND r.year IN (SELECT DISTINCT from_year FROM crosswalk)
           AND NOT EXISTS (SELECT 1 FROM crosswalk c WHERE c.from_code = r.code AND c.from_year = r.year)
           LIMIT 5""",
    )
    for code, year in uncovered:
        failures.append(f"crosswalk: gemeente {code} ({year}) has no successor")

    if not _rows(con, "SELECT count(*) FROM observation")[0][0]:
        failures.append("observation: table is empty")
    return failures


def check_file(path: Path) -> list[str]:
    if not path.exists():
        return [f"{path}: warehouse not found; build it with: python -m etl prepare"]
    with duckdb.connect(str(path), read_only=True) as con:
        return run_checks(con)
