"""Integratie: what the warehouse holds on civic integration; where it holds nothing, who would fill it."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import data, state
from dashboard.i18n import fmt_rate, fmt_value, period_label, t
from dashboard.ui import cache, sections, widgets

lang = widgets.start_page("integratie", "nav_integratie", "in_intro", params=("gm", "period"))
sections.freshness("integratie", lang=lang, coverage=True)
wh = cache.warehouse()

# Context that exists: residents of non-European origin (not only permit holders).
CONTEXT = "herkomst_buiten_europa"
held = data.theme_indicators(wh, "integratie", "gemeente")

row = st.columns([2, 1])
gm = sections.select_gemeente(sections.default_gemeente(), container=row[0])
# The years this page can show: those of its own indicators and of the context figure, nothing else.
years = sorted({p.year for i in (*held, CONTEXT) for p, _ in data.periods(wh, i, "gemeente")})
token = (
    sections.select_period(
        [(date(y, 1, 1), "year") for y in years],
        default=(date(years[-1], 1, 1), "year") if years else None,
        container=row[1],
    )
    if years
    else None
)
year = state.parse_period_token(token)[0].year if token else None
names = sections.region_labels("gemeente", lang)
region_text = names.get(gm, gm or "–")

st.subheader(t("in_holds", lang))
gaps = cache.get(data.gaps, "integratie")
shown_any = False
for indicator_id in held:
    period = data.period_in_year(wh, indicator_id, "gemeente", year)
    if period is None:
        continue
    frame = cache.get(data.values, indicator_id, "gemeente", period[0], period[1]).filter(pl.col("code") == gm)
    if frame.height:
        shown_any = True
        info = sections.indicator_info(indicator_id)
        st.metric(
            f"{sections.indicator_label(indicator_id, lang)}, {period_label(*period, lang)}",
            fmt_value(frame["value"][0], info["unit"], lang),
        )
        sections.render_sources(frame["source_id"].to_list())
if not shown_any:
    message = (
        t("empty_theme", lang, theme=t("theme_integratie", lang), region=region_text, period=year or "–")
        if held
        else t("empty_theme_any", lang, theme=t("theme_integratie", lang))
    )
    widgets.empty_state(message, gaps)

context = CONTEXT
context_period = data.period_in_year(wh, context, "gemeente", year)
if context_period:
    st.subheader(t("in_context", lang))
    st.warning(t("in_context_caveat", lang), icon=":material/warning:")
    own = cache.get(data.values, context, "gemeente", *context_period).filter(pl.col("code") == gm)
    if own.height:
        cols = st.columns(2)
        cols[0].metric(
            f"{names.get(gm, gm)}, {period_label(*context_period, lang)}", fmt_value(own["value"][0], "personen", lang)
        )
        if own["rate"][0] is not None:
            cols[1].metric(t("rate", lang), fmt_rate(own["rate"][0], lang))
    sections.map_section(context, "gemeente", *context_period, key="in_context", highlight=gm, height=480)

st.subheader(t("in_missing", lang))
# A list, not a table: the titles are long and a table of them scrolled sideways on a laptop.
st.markdown(widgets.gap_list(gaps, lang))
