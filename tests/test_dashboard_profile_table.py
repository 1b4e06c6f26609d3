"""The Gemeente page's comparison table, built from a real profile without Streamlit."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import data
from dashboard.db import Warehouse
from dashboard.i18n import fmt_rate, fmt_value
from dashboard.profile_table import fmt_basis, profile_frame, profile_rows
from tests.conftest import sql


@pytest.fixture(scope="module")
def wh(built_warehouse: Path):
    warehouse = Warehouse(built_warehouse)
    yield warehouse
    warehouse.close()


def test_rows_show_the_comparison_in_its_basis(wh: Warehouse, built_warehouse: Path) -> None:
    rows = profile_rows(data.profile(wh, "GM0599"), data.indicators(wh), "nl")
    by_id = {r["indicator_id"]: r for r in rows}
    taak = by_id["taakstelling"]
    stored = sql(
        built_warehouse, "SELECT value FROM observation WHERE indicator_id = 'taakstelling' AND region_code = 'GM0599'"
    )[0][0]
    assert taak["indicator"] == "Taakstelling" and taak["period"] == "2016 1e helft"
    assert taak["value"] == stored and taak["value_text"] == fmt_value(stored, "personen")
    assert taak["basis"].startswith("absoluut") and taak["computed_from"] is None
    coa = by_id["coa_plaatsen"]
    c = coa["_comparison"]
    assert coa["gemeente"] == fmt_rate(c.gemeente) and coa["peers"] == fmt_rate(c.peers)
    english = profile_rows(data.profile(wh, "GM0599"), data.indicators(wh), "en")
    assert {r["indicator_id"]: r for r in english}["taakstelling"]["period"] == "2016 1st half"
    frame = profile_frame(rows)
    assert "_comparison" not in frame.columns and frame.height == len(rows)


def test_predecessors_are_listed_for_the_download(wh: Warehouse) -> None:
    rows = profile_rows(data.profile(wh, "GM1982"), data.indicators(wh), "nl")
    taak = {r["indicator_id"]: r for r in rows}["taakstelling"]
    parts = dict(item.split(":") for item in taak["computed_from"].split(";"))
    assert len(parts) == 5 and all(float(w) == pytest.approx(1.0) for w in parts.values())


def test_fmt_basis() -> None:
    assert fmt_basis(12.345, "rate", "nl") == fmt_rate(12.345, "nl")
    assert fmt_basis(45.93, "pct", "nl") == "45,9%"
    assert fmt_basis(1234.0, "abs", "nl") == "1.234" and fmt_basis(1234.0, "abs", "en") == "1,234"
    assert profile_frame([]).height == 0


def test_a_mean_of_small_counts_keeps_a_decimal(wh: Warehouse) -> None:
    """A mean per gemeente of COA locations is about 1 (over the gemeenten the list names): '1' would hide the
    fraction, and 0,19 (over all gemeenten) would have shown as '0'."""
    rows = {r["indicator_id"]: r for r in profile_rows(data.profile(wh, "GM0363"), data.indicators(wh), "nl")}
    c = rows["coa_locaties"]["_comparison"]
    assert c.basis == "abs" and 0 < c.national < 10
    assert rows["coa_locaties"]["nederland"] == fmt_basis(c.national, "abs", "nl", mean=True)
    assert "," in rows["coa_locaties"]["nederland"]
    assert fmt_basis(0.19, "abs", "nl", mean=True) == "0,2" and fmt_basis(68_000.4, "abs", "nl", mean=True) == "68.000"
