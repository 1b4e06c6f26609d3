"""Read-only access to the DuckDB warehouse. Every query here is parameterised: values from the URL or a
widget are bound as parameters (and whitelisted before that in ``state``), never pasted into SQL text."""

from __future__ import annotations

import inspect
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb
import polars as pl

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PATH = REPO / "data" / "ketenmonitor.duckdb"
ENV_VAR = "KETEN_WAREHOUSE"
BUILD_COMMAND = "python -m etl prepare"  # finds or fetches the sources, then builds
T = TypeVar("T")

# The level of a region the region table does not list (e.g. NL01 for 1975), from its code prefix.
_LEVEL_SQL = """coalesce(r.level, CASE WHEN o.region_code LIKE 'NL%' THEN 'land'
    WHEN o.region_code LIKE 'PV%' THEN 'provincie' WHEN o.region_code LIKE 'GM%' THEN 'gemeente' END)"""
# Every figure with its rate per 1,000 inhabitants where the build computed one (observation_rate).
_WITH_RATES = """FROM observation o
    LEFT JOIN region r ON r.code = o.region_code AND r.year = o.region_year
    LEFT JOIN observation_rate x USING (indicator_id, region_code, region_year, period, period_type)"""


def warehouse_path() -> Path:
    """``$KETEN_WAREHOUSE`` or ``data/ketenmonitor.duckdb`` in the repository."""
    configured = os.environ.get(ENV_VAR)
    return Path(configured).expanduser().resolve() if configured else DEFAULT_PATH


class WarehouseMissing(RuntimeError):
    pass


def _frozen(value: object) -> object:
    return tuple(_frozen(v) for v in value) if isinstance(value, list | tuple) else value


class Warehouse:
    """One read-only connection; each query runs on its own cursor so sessions can share the object.

    Results are memoised by SQL text and parameters: the file is opened read-only and a rebuild replaces it
    (the UI opens a new ``Warehouse`` when the file's modification time changes), so a result never goes
    stale. This lets one page combine many level-wide queries (a gemeente profile needs each indicator's
    values for the whole country) without asking DuckDB the same question twice.
    """

    MEMO_ENTRIES = 2048

    def __init__(self, path: Path | str):
        self.path = Path(path)
        if not self.path.is_file():
            raise WarehouseMissing(str(self.path))
        self._con = duckdb.connect(str(self.path), read_only=True)
        self._lock = threading.Lock()
        self._memo: OrderedDict[tuple, object] = OrderedDict()

    def close(self) -> None:
        self._con.close()

    def memo(self, key: tuple, compute: Callable[[], object]) -> object:
        """``compute()``, remembered under ``key`` for the life of this (read-only) file in one bounded memo:
        query results and the derived frames many callers ask for (``dashboard.data``)."""
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = compute()
        with self._lock:
            self._memo[key] = value
            if len(self._memo) > self.MEMO_ENTRIES:
                self._memo.popitem(last=False)
        return value

    def remember(self, fn: Callable[..., T], *args: object) -> T:
        """``fn(self, *args)``, remembered under the function itself (unwrapped, so a decorated function and
        its undecorated body share one entry) and the arguments. Keyed on the object, not its name: Streamlit
        runs every page as ``__main__``, where two helpers of the same name would otherwise collide."""
        return self.memo(("fn", inspect.unwrap(fn), _frozen(args)), lambda: fn(self, *args))

    def query(self, sql: str, params: list | tuple = ()) -> pl.DataFrame:
        return self.memo(("sql", sql, _frozen(params)), lambda: self._run(sql, params))

    def _run(self, sql: str, params: list | tuple) -> pl.DataFrame:
        with self._lock:  # creating a cursor is not thread-safe; running on it is
            cursor = self._con.cursor()
        try:
            return cursor.sql(sql, params=list(params)).pl()
        finally:
            cursor.close()

    # --- catalogue -------------------------------------------------------------------------------------
    def indicators(self) -> pl.DataFrame:
        return self.query("SELECT * FROM indicator ORDER BY rowid")

    def sources(self) -> pl.DataFrame:
        return self.query("SELECT * FROM source ORDER BY publisher, id")

    def data_gaps(self) -> pl.DataFrame:
        return self.query("SELECT * FROM data_gap ORDER BY theme, publisher, source_title")

    def build_info(self) -> dict[str, str]:
        return dict(self.query("SELECT key, value FROM build_info").iter_rows())

    def availability(self) -> pl.DataFrame:
        """Which indicator exists at which level, period and region year, and for how many regions."""
        return self.query(
            f"""SELECT o.indicator_id, {_LEVEL_SQL} AS level, o.period, o.period_type, o.region_year,
                       count(*) AS n
                FROM observation o LEFT JOIN region r ON r.code = o.region_code AND r.year = o.region_year
                GROUP BY ALL ORDER BY ALL"""
        )

    # --- regions ---------------------------------------------------------------------------------------
    def regions(self, level: str) -> pl.DataFrame:
        return self.query("SELECT code, year, name, level FROM region WHERE level = ? ORDER BY code, year", [level])

    def parents(self, parent_level: str = "provincie") -> pl.DataFrame:
        return self.query(
            "SELECT code, year, parent_code FROM region_parent WHERE parent_level = ? ORDER BY code, year",
            [parent_level],
        )

    def geometry_years(self) -> pl.DataFrame:
        return self.query("SELECT level, year, count(*) AS n FROM region_geometry GROUP BY ALL ORDER BY ALL")

    def geometries(self, level: str, year: int) -> pl.DataFrame:
        return self.query(
            """SELECT g.code, coalesce(r.name, g.code) AS name, g.geojson, g.source_id
               FROM region_geometry g LEFT JOIN region r ON r.code = g.code AND r.year = g.year
               WHERE g.level = ? AND g.year = ? ORDER BY g.code""",
            [level, year],
        )

    def crosswalk_years(self) -> dict[int, int]:
        """from_year -> to_year (the latest boundaries) of the crosswalk."""
        return dict(self.query("SELECT DISTINCT from_year, to_year FROM crosswalk").iter_rows())

    def crosswalk(self, from_year: int, to_year: int) -> pl.DataFrame:
        return self.query(
            "SELECT from_code, to_code, weight FROM crosswalk WHERE from_year = ? AND to_year = ?",
            [from_year, to_year],
        )

    # --- observations ----------------------------------------------------------------------------------
    def observations(self, indicator_id: str, level: str, period, period_type: str) -> pl.DataFrame:
        """One indicator at one level and period: code, year, name, value, source_id, status, computed_from,
        population, population_source_id, rate (the last three NULL where the build made no rate)."""
        return self.query(
            f"""SELECT o.region_code AS code, o.region_year AS year, coalesce(r.name, o.region_code) AS name,
                       o.value, o.source_id, o.status, o.computed_from,
                       x.population, x.population_source_id, x.rate
                {_WITH_RATES}
                WHERE o.indicator_id = ? AND o.period = ? AND o.period_type = ? AND {_LEVEL_SQL} = ?
                ORDER BY code""",
            [indicator_id, period, period_type, level],
        )

    _SERIES_SQL = """SELECT o.indicator_id, o.region_code AS code, o.region_year AS year,
                      coalesce(r.name, o.region_code) AS name, o.period, o.period_type, o.value, o.source_id, o.status,
                      o.computed_from, x.population, x.population_source_id, x.rate
               {joins} WHERE {where} ORDER BY o.period, code, o.period_type"""

    def series(self, indicator_id: str, codes: list[str]) -> pl.DataFrame:
        """Every period of one indicator for the given region codes, with rates as in ``observations``."""
        if len(codes) == 1:
            # One region (the Gemeente page asks for each indicator in turn): one memoised query for all of
            # its indicators instead of a scan of the observation table per indicator.
            frame = self.query(self._SERIES_SQL.format(joins=_WITH_RATES, where="o.region_code = ?"), [codes[0]])
            return frame.filter(pl.col("indicator_id") == indicator_id).drop("indicator_id")
        frame = self.query(
            self._SERIES_SQL.format(joins=_WITH_RATES, where="o.indicator_id = ? AND list_contains(?, o.region_code)"),
            [indicator_id, list(codes)],
        )
        return frame.drop("indicator_id")

    def carried(self, indicator_id: str, period, period_type: str) -> pl.DataFrame:
        """Figures of gemeenten formed after the period's year, built by the ETL from their predecessors:
        code, year, from_year, value, inputs, inputs_listed, source_id, computed_from, population,
        population_source_id, rate."""
        return self.query(
            """SELECT region_code AS code, region_year AS year, from_year, value, inputs, inputs_listed, source_id,
                      computed_from, population, population_source_id, rate
               FROM observation_carried WHERE indicator_id = ? AND period = ? AND period_type = ?
               ORDER BY code, from_year""",
            [indicator_id, period, period_type],
        )

    def indicator_codes(self, indicator_id: str, level: str) -> list[str]:
        """Region codes at ``level`` with at least one observation of the indicator."""
        frame = self.query(
            f"""SELECT DISTINCT o.region_code AS code
                FROM observation o LEFT JOIN region r ON r.code = o.region_code AND r.year = o.region_year
                WHERE o.indicator_id = ? AND {_LEVEL_SQL} = ? ORDER BY code""",
            [indicator_id, level],
        )
        return frame["code"].to_list()

    def region_observations(self, code: str) -> pl.DataFrame:
        """Everything the warehouse holds for one region code, every year and indicator."""
        return self.query(
            """SELECT indicator_id, region_code AS code, region_year AS year, period, period_type, value,
                      source_id, status
               FROM observation WHERE region_code = ? ORDER BY indicator_id, period""",
            [code],
        )

    def revisions(self) -> pl.DataFrame:
        """The revision log, newest build first (empty for a warehouse built before the log existed)."""
        present = self.query("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'revision'")["n"][0]
        if not present:
            return pl.DataFrame(
                schema={
                    "built_at": pl.Datetime("us"),
                    "source_id": pl.String,
                    "indicator_id": pl.String,
                    "region_code": pl.String,
                    "region_year": pl.Int32,
                    "period": pl.Date,
                    "period_type": pl.String,
                    "change": pl.String,
                    "old_value": pl.Float64,
                    "new_value": pl.Float64,
                }
            )
        return self.query(
            """SELECT * FROM revision
               ORDER BY built_at DESC, source_id, indicator_id, region_code, period, period_type"""
        )

    def all_observations(self) -> pl.DataFrame:
        return self.query(
            """SELECT o.indicator_id, o.region_code, o.region_year, coalesce(r.name, o.region_code) AS region_name,
                      o.period, o.period_type, o.value, o.status, o.source_id, o.computed_from
               FROM observation o LEFT JOIN region r ON r.code = o.region_code AND r.year = o.region_year
               ORDER BY o.indicator_id, o.period, o.region_code"""
        )

    def coa_locations(self) -> pl.DataFrame:
        return self.query(
            """SELECT c.name, c.place, c.type, c.type_group, c.places, c.emergency, c.available_until, c.lat,
                      c.lon, c.gemeente_code, c.gemeente_year, coalesce(r.name, c.gemeente_code) AS gemeente_name,
                      c.source_id
               FROM coa_location c LEFT JOIN region r ON r.code = c.gemeente_code AND r.year = c.gemeente_year
               ORDER BY c.places DESC NULLS LAST, c.name"""
        )
