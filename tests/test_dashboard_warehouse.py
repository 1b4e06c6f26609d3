"""The warehouse the dashboard reads: the tables it needs exist, queries bind values as parameters and the
connection cannot write."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.conftest import sql


def test_warehouse_has_what_the_dashboard_reads(built_warehouse: Path) -> None:
    from dashboard.db import Warehouse, warehouse_path

    assert warehouse_path() == built_warehouse.resolve()
    wh = Warehouse(built_warehouse)
    try:
        tables = {row[0] for row in sql(built_warehouse, "SELECT table_name FROM information_schema.tables")}
        assert {
            "source",
            "region",
            "region_parent",
            "region_geometry",
            "crosswalk",
            "indicator",
            "observation",
            "coa_location",
            "data_gap",
            "build_info",
        } <= tables
        assert wh.indicators().height == sql(built_warehouse, "SELECT count(*) FROM indicator")[0][0]
        assert wh.coa_locations().height == sql(built_warehouse, "SELECT count(*) FROM coa_location")[0][0]
    finally:
        wh.close()


def test_queries_bind_hostile_values_as_parameters(built_warehouse: Path) -> None:
    """A hostile value reaching a query is only ever a parameter: no rows, no error, the table intact."""
    from dashboard.db import Warehouse

    wh = Warehouse(built_warehouse)
    try:
        hostile = "x'; DROP TABLE observation; --"
        assert wh.series(hostile, [hostile]).height == 0
        assert wh.region_observations(hostile).height == 0
        assert wh.regions(hostile).height == 0
        assert sql(built_warehouse, "SELECT count(*) FROM observation")[0][0] > 0
    finally:
        wh.close()


def test_connection_is_read_only(built_warehouse: Path) -> None:
    from dashboard.db import Warehouse

    wh = Warehouse(built_warehouse)
    try:
        with pytest.raises(duckdb.Error):
            wh.query("DELETE FROM observation")
    finally:
        wh.close()


def test_one_region_series_equals_the_general_query(built_warehouse: Path) -> None:
    """The single-region shortcut (one memoised query for all indicators) returns what the general query does."""
    from dashboard.db import Warehouse

    wh = Warehouse(built_warehouse)
    try:
        for indicator in ("bevolking", "realisatie", "coa_plaatsen", "taakstelling_gecorrigeerd"):
            both = wh.series(indicator, ["GM0363", "GM0034"])
            alone = wh.series(indicator, ["GM0034"])
            assert alone.height > 0, indicator
            assert alone.equals(both.filter(pl.col("code") == "GM0034")), indicator
            expected = sql(
                built_warehouse,
                "SELECT count(*) FROM observation WHERE indicator_id = ? AND region_code = 'GM0034'",
                [indicator],
            )[0][0]
            assert alone.height == expected
    finally:
        wh.close()


def test_memo_computes_once_per_key(built_warehouse: Path) -> None:
    from dashboard.db import Warehouse

    wh = Warehouse(built_warehouse)
    calls = []
    try:
        first = wh.memo(("k", 1), lambda: calls.append(1) or {"v": 1})
        again = wh.memo(("k", 1), lambda: calls.append(1) or {"v": 2})
        other = wh.memo(("k", 2), lambda: calls.append(1) or {"v": 3})
        assert first is again and first == {"v": 1} and other == {"v": 3} and len(calls) == 2
    finally:
        wh.close()


def test_remember_keys_on_the_function_not_its_name(built_warehouse) -> None:
    """Two functions with the same module and name (as two page scripts, both run as __main__, could have) get
    their own results; a decorated function and its body share one."""
    from dashboard import data
    from dashboard.db import Warehouse

    def make(result):
        def helper(wh):
            return result

        return helper

    first, second = make("first"), make("second")
    assert (first.__module__, first.__qualname__) == (second.__module__, second.__qualname__)
    wh = Warehouse(built_warehouse)
    try:
        assert wh.remember(first) == "first" and wh.remember(second) == "second"
        assert wh.remember(data.catalogue) is data.catalogue(wh)  # decorated and undecorated: one entry
    finally:
        wh.close()
