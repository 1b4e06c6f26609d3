"""Pro-rata targets, size classes, peers and the crosswalk move (pure)."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard import metrics


def test_pro_rata_spreads_the_target_evenly() -> None:
    assert metrics.pro_rata(120, 6) == [20, 40, 60, 80, 100, 120]


@pytest.mark.parametrize(
    ("population", "band"),
    [(None, None), (0, 0), (9_999, 0), (10_000, 1), (49_999, 2), (100_000, 4), (249_999, 5), (250_000, 6)],
)
def test_size_band_edges(population: float | None, band: int | None) -> None:
    assert metrics.size_band(population) == band


def test_peers_share_the_size_class_and_exclude_self() -> None:
    population = pl.DataFrame({"code": ["A", "B", "C", "D"], "population": [12_000.0, 15_000.0, 60_000.0, None]})
    assert metrics.peers(population, "A") == ["B"]
    assert metrics.peers(population, "D") == []
    assert metrics.peers(population, "Z") == []


def test_to_year_sums_merged_regions_and_keeps_unchanged_ones() -> None:
    frame = pl.DataFrame(
        {
            "code": ["OLD1", "OLD2", "SAME", "GONE"],
            "name": ["Old one", "Old two", "Same", "Gone"],
            "value": [10.0, 5.0, 7.0, 1.0],
            "population": [1000.0, 500.0, 700.0, 100.0],
        }
    )
    crosswalk = pl.DataFrame({"from_code": ["OLD1", "OLD2"], "to_code": ["NEW", "NEW"], "weight": [1.0, 1.0]})
    out = metrics.to_year(frame, crosswalk, {"NEW", "SAME", "OTHER"})
    rows = {r["code"]: r for r in out.to_dicts()}
    assert set(rows) == {"NEW", "SAME"}
    assert rows["NEW"]["value"] == 15.0 and rows["NEW"]["population"] == 1500.0
    assert rows["NEW"]["rate"] == pytest.approx(10.0)
    assert rows["NEW"]["from_names"] == "Old one, Old two"
    assert rows["SAME"]["value"] == 7.0


def test_to_year_split_weights_and_missing_population() -> None:
    frame = pl.DataFrame(
        {"code": ["S"], "name": ["Split"], "value": [10.0], "population": [None]},
        schema_overrides={"population": pl.Float64},
    )
    crosswalk = pl.DataFrame({"from_code": ["S", "S"], "to_code": ["X", "Y"], "weight": [0.25, 0.75]})
    out = metrics.to_year(frame, crosswalk, {"X", "Y"}).sort("code")
    assert out["value"].to_list() == [2.5, 7.5]
    assert out["population"].to_list() == [None, None]
    assert out["rate"].to_list() == [None, None]


def test_ranking_puts_missing_values_last() -> None:
    frame = pl.DataFrame({"name": ["a", "b", "c"], "rate": [1.0, None, 3.0]})
    out = metrics.ranking(frame, "rate")
    assert out["name"].to_list() == ["c", "a", "b"]
    assert out["rank"].to_list() == [1, 2, None]
