"""The Gemeente page's comparison table: one formatted row per indicator of a gemeente profile.

Pure (no Streamlit): ``data.profile`` rows and the indicator catalogue in, display text and the raw numbers
behind it (for the CSV download) out.
"""

from __future__ import annotations

import polars as pl

from contract.periods import figure_day
from dashboard.data import Comparison
from dashboard.i18n import fmt_number, fmt_rate, fmt_value, period_label, t

BASIS_KEYS = {"rate": "basis_rate", "pct": "basis_pct", "abs": "basis_abs_mean"}
# In the table, where a column must stay narrow enough for a laptop screen.
SHORT_BASIS_KEYS = {"rate": "basis_rate_short", "pct": "basis_pct_short", "abs": "basis_abs_mean_short"}


def fmt_basis(value: float | None, basis: str, lang: str, mean: bool = False) -> str:
    """A comparison number in its basis: per 1,000, a percentage, or an absolute count. A mean per gemeente of
    small counts keeps a decimal: 74 locations over 390 gemeenten is 0,2 per gemeente, not 0."""
    if basis == "rate":
        return fmt_rate(value, lang)
    if basis == "pct":
        return fmt_value(value, "procent", lang)
    small_mean = mean and value is not None and abs(value) < 100
    return fmt_number(value, lang, 1 if small_mean else 0)


def profile_rows(rows: list[dict], indicators: pl.DataFrame, lang: str) -> list[dict]:
    """Rows with a comparison, formatted; ``_comparison`` keeps the ``Comparison`` for the page's headline."""
    catalogue = {row["id"]: row for row in indicators.to_dicts()}
    out = []
    for row in rows:
        c: Comparison | None = row["comparison"]
        if c is None:
            continue
        info = catalogue.get(row["indicator_id"], {})
        out.append(
            {
                "theme": row["theme"],
                "indicator_id": row["indicator_id"],
                "indicator": info.get("label_en" if lang == "en" else "label_nl", row["indicator_id"]),
                "period": period_label(row["period"], row["period_type"], lang),
                "value": c.gemeente_abs,
                "value_text": fmt_value(c.gemeente_abs, info.get("unit", ""), lang),
                "gemeente": fmt_basis(c.gemeente, c.basis, lang),
                "provincie": fmt_basis(c.provincie, c.basis, lang, mean=True),
                # The class size is in the note under the table; the column must stay narrow.
                "peers": fmt_basis(c.peers, c.basis, lang, mean=True),
                "nederland": fmt_basis(c.national, c.basis, lang, mean=True),
                "basis": t(SHORT_BASIS_KEYS[c.basis], lang),
                "gemeente_basis_value": c.gemeente,
                "provincie_basis_value": c.provincie,
                "peers_basis_value": c.peers,
                "nederland_basis_value": c.national,
                "computed_from": ";".join(f"{code}:{weight:.3f}" for code, _, weight in c.predecessors) or None,
                "source_id": c.source_ids[0] if c.source_ids else None,
                "population_source_id": c.population_source_ids[0] if c.population_source_ids else None,
                "period_start": row["period"],
                # The day the figure describes, where its age runs from (1 January for a population count).
                "figure_day": figure_day(row["period"], row["period_type"], bool(info.get("stock"))),
                "period_type": row["period_type"],
                "_comparison": c,
            }
        )
    return out


def source_notes(rows: list[dict], lang: str) -> list[tuple[str, str]]:
    """What a theme's table must say about its sources, as (full text, shorter text for paper): a complete list
    counted as 0 where it is silent, or a selection whose comparisons cover only the gemeenten it names."""
    notes = []
    if any(r["_comparison"].zero_filled for r in rows):
        notes.append((t("zero_filled_note", lang),) * 2)
    selections = [r["indicator"] for r in rows if r["_comparison"].listed_only]
    if selections:
        full = t("listed_only_note", lang, indicators=", ".join(selections))
        notes.append((full, t("listed_only_short", lang)))
    return notes


def profile_frame(table_rows: list[dict]) -> pl.DataFrame:
    """The rows as a frame, without the ``Comparison`` objects."""
    if not table_rows:
        return pl.DataFrame()
    return pl.DataFrame([{k: v for k, v in r.items() if k != "_comparison"} for r in table_rows])
