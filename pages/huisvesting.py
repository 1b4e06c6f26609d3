"""Huisvesting: target versus realised per gemeente, one gemeente's months against its pro-rata target,
province totals."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, figures, state
from dashboard.frames import with_text
from dashboard.i18n import fmt_value, period_label, t
from dashboard.ui import cache, sections, widgets

lang = widgets.start_page("huisvesting", "nav_huisvesting", "hv_intro", params=("indicator", "period", "gm"))
sections.freshness("huisvesting", lang=lang, coverage=True)
wh = cache.warehouse()
indicator_ids = data.theme_indicators(wh, "huisvesting", "gemeente")
if not indicator_ids:
    widgets.empty_state(
        t("empty_theme_any", lang, theme=t("theme_huisvesting", lang)), cache.get(data.gaps, "huisvesting")
    )
    st.stop()

month_periods = data.periods(wh, "realisatie", "gemeente")
month_year = max((p.year for p, k in month_periods if k == "month"), default=None)
codes = sorted(cache.get(data.region_names, "gemeente", month_year)) if month_year else []
default_gm = sections.default_gemeente()

row = st.columns([2, 1, 2])
indicator_id = sections.select_indicator(indicator_ids, "realisatie_pct", container=row[0])
periods = data.periods(wh, indicator_id, "gemeente")
default_period = data.latest_period(wh, indicator_id, "gemeente")
token = sections.select_period(periods, default=default_period, container=row[1])
period, period_type = state.parse_period_token(token)
gm = sections.select_gemeente(
    default_gm if default_gm in codes else (codes[0] if codes else None), codes=codes, container=row[2], year=month_year
)
info = sections.indicator_info(indicator_id)

st.subheader(
    t(
        "hv_map",
        lang,
        indicator=sections.indicator_label(indicator_id, lang),
        period=period_label(period, period_type, lang),
    )
)
st.caption(sections.indicator_definition(indicator_id, lang))
sections.scale_help(indicator_id, lang)
md = sections.map_section(indicator_id, "gemeente", period, period_type, key="hv", height=560, highlight=gm)
if period.year not in data.population_years(wh):
    st.caption(t("hv_no_pop", lang))

# --- one gemeente: months against the pro-rata target -------------------------------------------------------
if gm:
    names = cache.get(data.region_names, "gemeente", month_year)
    st.subheader(t("hv_gemeente", lang, name=names.get(gm, gm)))
    st.caption(t("hv_prorata_help", lang))
    months = cache.get(data.housing_months, gm)
    if months.height == 0:
        st.info(t("hv_no_monthly", lang, name=names.get(gm, gm)))
    else:
        tab_chart, tab_table = st.tabs([t("chart", lang), t("table_alt", lang)])
        with tab_chart:
            widgets.figure(
                sections.realisation_figure(months, lang),
                key="hv_months_chart",
                alt=t("hv_gemeente", lang, name=names.get(gm, gm)),
            )
        with tab_table:
            widgets.table(
                with_text(months, "period", lambda d: period_label(d, "month", lang), "month").with_columns(
                    pl.col("target").round(1)
                ),
                {
                    "month": (t("month", lang), "text"),
                    "monthly": (t("hv_monthly", lang), "int"),
                    "cumulative": (t("hv_cumulative", lang), "int"),
                    "target": (t("hv_prorata", lang), "rate"),
                },
                key="hv_months_table",
            )
        sections.render_sources(months["source_id"].to_list())
        sections.download_frame(months, f"realisatie_maanden_{gm}.csv", key="hv_months_csv")

# --- province totals ---------------------------------------------------------------------------------------
half = data.latest_period(wh, "taakstelling", "provincie")
if half:
    st.subheader(f"{t('hv_provinces', lang)}, {period_label(*half, lang)}")
    totals = cache.get(
        data.province_totals,
        half[0],
        half[1],
        ("taakstelling", "taakstelling_gecorrigeerd", "realisatie", "realisatie_pct"),
    )
    saldo_days = [p for p, k in data.periods(wh, "huisvesting_saldo", "provincie") if k == "day"]
    for column, day in (("saldo_start", min(saldo_days, default=None)), ("saldo_end", max(saldo_days, default=None))):
        if day is None:
            continue
        saldo = pl.concat(
            [cache.get(data.values, "huisvesting_saldo", level, day, "day") for level in ("provincie", "land")]
        )
        totals = totals.join(saldo.select("code", pl.col("value").alias(column)), on="code", how="left")
    totals = totals.rename({"realisatie_pct": "pct"})  # computed by the build (etl/derive.py)
    provinces_only = with_text(
        totals.filter(pl.col("code") != data.NATIONAL),
        "pct",
        lambda v: None if v is None else fmt_value(v, "procent", lang),
        "_pct",
    )
    tab_chart, tab_table = st.tabs([t("chart", lang), t("table_alt", lang)])
    with tab_chart:
        widgets.figure(
            figures.bars(provinces_only, value="pct", label="name", text="_pct", axis_title=t("hv_pct_realised", lang)),
            key="hv_provinces_chart",
            alt=t("hv_provinces", lang),
        )
    with tab_table:
        widgets.table(
            totals,
            {
                "name": (t("province", lang), "text"),
                "pct": (t("hv_pct_realised", lang), "pct"),
                "realisatie": (sections.indicator_label("realisatie", lang), "int"),
                "taakstelling_gecorrigeerd": (sections.indicator_label("taakstelling_gecorrigeerd", lang), "int"),
                "taakstelling": (sections.indicator_label("taakstelling", lang), "int"),
                "saldo_start": (t("hv_saldo_start", lang), "int"),
                "saldo_end": (t("hv_saldo_end", lang), "int"),
            },
            key="hv_provinces_table",
        )
    st.caption(t("hv_pct_note", lang))
    sections.render_sources(totals["source_id"].to_list(), derived=True)
    sections.download_frame(
        totals.with_columns(pl.lit(str(half[0])).alias("period"), pl.lit(half[1]).alias("period_type")),
        "huisvesting_provincies.csv",
        key="hv_provinces_csv",
    )
