"""Vergelijk: up to 10 gemeenten or provinces side by side on one indicator, as bars and over time."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, figures, state
from dashboard.downloads import values_export
from dashboard.frames import with_text
from dashboard.i18n import fmt_rate, fmt_value, period_label, t, unit_label
from dashboard.ui import cache, sections, widgets

lang = widgets.start_page(
    "vergelijk",
    "nav_vergelijk",
    "vg_intro",
    params=("level", "indicator", "period", "gm", "measure"),
    n=state.MAX_COMPARE,
)
wh = cache.warehouse()

row = st.columns([1, 2, 1])
level = sections.select_level(data.MAP_LEVELS, container=row[0])
indicator_ids = [
    i for theme in ("context", "opvang", "huisvesting", "integratie") for i in data.theme_indicators(wh, theme, level)
]
indicator_id = sections.select_indicator(
    indicator_ids, "coa_plaatsen" if "coa_plaatsen" in indicator_ids else None, container=row[1]
)
periods = data.periods(wh, indicator_id, level)
token = sections.select_period(periods, default=data.latest_period(wh, indicator_id, level), container=row[2])
period, period_type = state.parse_period_token(token)
info = sections.indicator_info(indicator_id)
unit = info["unit"]
fresh = sections.indicator_freshness_text(indicator_id, level, lang) if indicator_id else None
if fresh:
    st.caption(fresh)

labels = sections.region_labels(level, lang)
# Any region can be picked (a link from the Gemeente page carries its gm); one without data for this
# indicator is named under the chart. The default is the five largest that do have data.
held = set(cache.get(data.series_codes, indicator_id, level))
options = sorted(labels, key=lambda c: (labels[c].lower(), c))
default = [c for c in cache.get(data.largest, level, 400) if c in held][:5] or sorted(held)[:5]
codes = widgets.multiselect(
    "gm",
    t("sel_regions", lang, n=state.MAX_COMPARE),
    options,
    lambda c: f"{labels.get(c, c)} · {c}",
    default,
    "msg_unknown_gm",
    aliases=sections.name_aliases(level),
)
measure = sections.select_measure(info)
if not codes:
    st.info(t("vg_pick", lang))
    st.stop()

current = cache.get(data.values_for, indicator_id, level, period, period_type, tuple(codes))
use_rate = measure == "rate" and current["rate"].is_not_null().any()
column = "rate" if use_rate else "value"
axis = t("rate", lang) if use_rate else unit_label(unit, lang)
if info.get("per_1000") and measure == "rate" and not use_rate and current.height:
    st.caption(t("no_rate_year", lang, year=period.year))


def formatted(frame: pl.DataFrame) -> pl.DataFrame:
    fmt = (lambda v: fmt_rate(v, lang)) if use_rate else (lambda v: fmt_value(v, unit, lang))
    return with_text(frame, column, fmt, "_text")


title = t(
    "vg_bars",
    lang,
    indicator=sections.indicator_label(indicator_id, lang),
    period=period_label(period, period_type, lang),
)
st.subheader(title)
missing = [labels.get(c, c) for c in codes if c not in set(current["code"].to_list())]
if missing:
    st.caption(f"{t('no_data', lang).capitalize()}: {', '.join(missing)}")
formed_later = [labels.get(c, c) for c in current.filter(pl.col("formed_later"))["code"].to_list()]
if formed_later:
    st.caption(t("vg_from_predecessors", lang, names=", ".join(formed_later), year=period.year))
if current.height == 0:
    # Nothing to draw: no empty axes, no empty source line, no empty download.
    st.info(t("vg_no_values", lang, period=period_label(period, period_type, lang)), icon=":material/info:")
else:
    tab_chart, tab_table = st.tabs([t("chart", lang), t("table_alt", lang)])
    with tab_chart:
        widgets.figure(
            figures.bars(formatted(current), value=column, label="name", text="_text", axis_title=axis),
            key="vg_bars",
            alt=title,
        )
    with tab_table:
        widgets.table(
            current,
            {
                "name": (t("name", lang), "text"),
                "code": (t("code", lang), "text"),
                "value": (t("value", lang), widgets.value_kind(unit)),
                **(
                    {"population": (t("population", lang), "int"), "rate": (t("rate", lang), "rate")}
                    if use_rate
                    else {}
                ),
            },
            key="vg_bars_table",
        )
    sections.render_sources(
        current["source_id"].to_list(),
        population_ids=current["population_source_id"].drop_nulls().to_list() if use_rate else (),
    )
    sections.download_frame(
        values_export(current, indicator_id, period, period_type),
        f"vergelijk_{indicator_id}_{token}.csv",
        key="vg_bars_csv",
    )

st.subheader(t("vg_time", lang, indicator=sections.indicator_label(indicator_id, lang)))
series = cache.get(data.series, indicator_id, tuple(codes), period_type)
if series.select("period").n_unique() < 2:
    st.caption(t("vg_single_period", lang))
else:
    series = formatted(series).with_columns(
        pl.col("code").replace_strict(labels, default=pl.col("code")).alias("label")
    )
    tab_chart, tab_table = st.tabs([t("chart", lang), t("table_alt", lang)])
    with tab_chart:
        widgets.figure(
            figures.lines(
                series.filter(pl.col(column).is_not_null()),
                x="period",
                y=column,
                group="label",
                text="_text",
                axis_title=axis,
            ),
            key="vg_lines",
        )
    with tab_table:
        wide = (
            with_text(series, "period", lambda d: period_label(d, period_type, lang), "p")
            .pivot(on="label", index=["period", "p"], values=column, aggregate_function="first")
            .sort("period")
        )
        kind = "rate" if use_rate else widgets.value_kind(unit)
        widgets.table(
            wide.drop("period"),
            {"p": (t("period", lang), "text"), **{c: (c, kind) for c in wide.columns if c not in ("period", "p")}},
            key="vg_lines_table",
        )
    st.caption(t("vg_time_codes", lang))
    sections.render_sources(
        series["source_id"].to_list(),
        population_ids=series["population_source_id"].drop_nulls().to_list() if use_rate else (),
    )
    sections.download_frame(
        values_export(series, indicator_id),
        f"vergelijk_{indicator_id}_reeks.csv",
        key="vg_lines_csv",
    )
