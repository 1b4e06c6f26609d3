"""Overzicht: headline figures, the chain as three maps side by side, the national asylum series."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import data, figures, state
from dashboard.i18n import fmt_number, fmt_value, level_label, period_label, t
from dashboard.ui import cache, sections, widgets

lang = widgets.start_page("overzicht", "app_title", "ov_intro", params=("level", "period"))
sections.freshness(*(theme for theme, _ in data.CHAIN), lang=lang)
st.caption(sections.coverage_text(lang))
wh = cache.warehouse()


def national(indicator_id: str, period: tuple[date, str] | None) -> pl.DataFrame:
    if period is None:
        return pl.DataFrame()
    frame = cache.get(data.values, indicator_id, "land", period[0], period[1])
    return frame.filter(pl.col("code") == data.NATIONAL)


def headline(
    column, label_key: str, indicator_id: str, period: tuple[date, str] | None, sub: str | None = None
) -> None:
    # Without a figure the card is named by its indicator alone (no dangling ", " after it).
    if period is None:
        label = sections.indicator_label(indicator_id, lang)
    else:
        label = t(label_key, lang, period=period_label(*period, lang))
    frame = national(indicator_id, period)
    with column.container(border=True, height="stretch"):
        # The title above the figure wraps; a metric's own label is cut off on a narrow card ("… 3 November 20…").
        st.markdown(f"**{label}**")
        if frame.height == 0:
            st.metric(label, "–", label_visibility="collapsed")
            return
        info = sections.indicator_info(indicator_id)
        st.metric(label, fmt_value(frame["value"][0], info["unit"], lang), label_visibility="collapsed")
        if sub:
            st.caption(sub)
        sections.render_sources(frame["source_id"].to_list(), derived=frame["status"][0] == "derived")


st.subheader(t("ov_headlines", lang))
cols = st.columns(3) + st.columns(3)
# Asylum requests of the newest full year: CBS's live table (83102NED, first and subsequent requests) where it was
# fetched, else the stored series with family reunification (80059NED, up to 2018).
asylum_id, asylum_period = data.newest_year(wh, ("asielverzoeken_en_nareizigers", "asielverzoeken_totaal"), "land")
asylum_label = "hl_asylum" if asylum_id == "asielverzoeken_en_nareizigers" else "hl_requests"
headline(cols[0], asylum_label, asylum_id, asylum_period)

coa_period = data.latest_period(wh, "coa_plaatsen", "land")
locations = national("coa_locaties", coa_period)
headline(
    cols[1],
    "hl_coa",
    "coa_plaatsen",
    coa_period,
    t("hl_coa_sub", lang, n=fmt_number(locations["value"][0], lang)) if locations.height else None,
)

pct_period = data.latest_period(wh, "realisatie_pct", "land")
pct = national("realisatie_pct", pct_period)
headline(
    cols[2],
    "hl_housing",
    "realisatie",
    pct_period,
    t("hl_housing_sub", lang, pct=fmt_value(pct["value"][0], "procent", lang)) if pct.height else None,
)

pop_period = data.latest_period(wh, "bevolking", "land")
headline(cols[3], "hl_population", "bevolking", pop_period)

with cols[4].container(border=True, height="stretch"):
    integration = cache.get(data.chain_indicator, "integratie", "gemeente")
    st.metric(t("hl_integration", lang), "–" if integration is None else "✓")
    if integration is None:
        st.markdown(f"**{t('hl_integration_value', lang)}**")
    gaps = cache.get(data.gaps, "integratie")
    st.caption(", ".join(f"{g['publisher']}: {g['source_title']}" for g in gaps.to_dicts()))
    st.page_link("pages/integratie.py", label=t("nav_integratie", lang), icon=":material/arrow_forward:")

st.subheader(t("ov_chain", lang))
st.caption(t("ov_chain_help", lang))
controls = st.columns([1, 2])
level = sections.select_level(data.MAP_LEVELS, container=controls[0])
years = cache.get(data.chain_years, level)
choice = (
    sections.select_period(
        [(date(y, 1, 1), "year") for y in years],
        default="latest",
        container=controls[1],
        extra=[("latest", t("latest_per_theme", lang))],
    )
    if years
    else None
)
year = None
if choice and choice != "latest":
    parsed = state.parse_period_token(choice)
    year = parsed[0].year if parsed else None

columns = st.columns(3)
for column, (theme, _) in zip(columns, data.CHAIN, strict=True):
    with column:
        st.markdown(f"**{t('Theme_' + theme, lang)}**")
        indicator_id = cache.get(data.chain_indicator, theme, level)
        period = data.period_in_year(wh, indicator_id, level, year) if indicator_id else None
        if indicator_id is None or period is None:
            region_text = f"{level_label('land', lang)} ({level_label(level, lang).lower()})"
            period_text = str(year) if year else "–"
            if indicator_id is None:
                message = t("empty_theme_any", lang, theme=t("theme_" + theme, lang))
                extra = None
            else:
                message = t(
                    "empty_theme", lang, theme=t("theme_" + theme, lang), region=region_text, period=period_text
                )
                held = data.periods(wh, indicator_id, level)
                extra = t("available_periods", lang, periods=", ".join(period_label(p, k, lang) for p, k in held))
            widgets.empty_state(message, cache.get(data.gaps, theme), extra)
            continue
        st.caption(f"{sections.indicator_label(indicator_id, lang)} · {period_label(*period, lang)}")
        sections.map_section(
            indicator_id,
            level,
            period[0],
            period[1],
            key=f"ov_{theme}",
            height=380,
            no_data_label=t("no_data", lang),
        )

st.subheader(t("ov_asylum", lang))
asylum = cache.get(data.national_series, "asielverzoeken_en_nareizigers")
if asylum.height:
    text = [fmt_number(v, lang) for v in asylum["value"].to_list()]
    tab_chart, tab_table = st.tabs([t("chart", lang), t("table_alt", lang)])
    with tab_chart:
        widgets.figure(
            figures.series(
                asylum["period"].to_list(),
                asylum["value"].to_list(),
                text,
                axis_title=sections.indicator_label("asielverzoeken_en_nareizigers", lang),
            ),
            key="ov_asylum_chart",
            alt=t("ov_asylum", lang),
        )
    with tab_table:
        widgets.table(
            asylum.with_columns(pl.col("period").dt.year().alias("jaar")),
            {"jaar": (t("year", lang), "text"), "value": (t("value", lang), "int")},
            key="ov_asylum_table",
            height=300,
        )
    sections.render_sources(asylum["source_id"].to_list())
    sections.download_frame(
        asylum.select(
            pl.lit("asielverzoeken_en_nareizigers").alias("indicator_id"),
            "code",
            "name",
            "period",
            "period_type",
            "value",
            "status",
            "source_id",
        ),
        "asielverzoeken_en_nareizigers_NL01.csv",
        key="ov_asylum_csv",
    )
