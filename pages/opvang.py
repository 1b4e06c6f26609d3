"""Opvang: reception places per gemeente (per 1,000 inhabitants), COA locations as points, ranking, province
filter."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import data, maps, state
from dashboard.frames import with_text
from dashboard.i18n import fmt_number, period_label, t
from dashboard.ui import cache, sections, widgets

lang = widgets.start_page("opvang", "nav_opvang", "op_intro", params=("indicator", "period", "pv", "measure", "gm"))
sections.freshness("opvang", lang=lang, coverage=True)
wh = cache.warehouse()
caveat = sections.tno_snapshot_caveat(lang)
if caveat:
    st.caption(caveat)
indicator_ids = [i for i in data.theme_indicators(wh, "opvang", "gemeente")]

if not indicator_ids:
    widgets.empty_state(t("empty_theme_any", lang, theme=t("theme_opvang", lang)), cache.get(data.gaps, "opvang"))
    st.stop()

row = st.columns([2, 1, 1])
indicator_id = sections.select_indicator(indicator_ids, "coa_plaatsen", container=row[0])
periods = data.periods(wh, indicator_id, "gemeente")
token = sections.select_period(periods, default=periods[-1], container=row[1])
period, period_type = state.parse_period_token(token)
region_year = period.year

# Province filter: provinces of the data's year; the map shows the boundaries of a (possibly later) year, so
# the filter keeps the gemeenten of that province in both years.
provinces = cache.get(data.region_names, "provincie", region_year) or cache.get(
    data.region_names, "provincie", region_year + 1
)
pv_options = [""] + sorted(provinces, key=lambda c: provinces[c])
pv_labels = {"": t("sel_all_provinces", lang), **provinces}
pv = widgets.select(
    "pv",
    t("sel_province", lang),
    pv_options,
    pv_labels.get,
    "",
    "msg_unknown_pv",
    shown=pv_labels,
    upper=True,
    container=row[2],
)

info = sections.indicator_info(indicator_id)
measure = sections.select_measure(info)
highlight = None
if "gm" in st.query_params:
    labels = sections.region_labels("gemeente", lang)
    highlight, _ = widgets.resolve(
        "gm", list(labels), None, "msg_unknown_gm", shown=labels, upper=True, aliases=sections.name_aliases("gemeente")
    )
    if highlight:
        widgets.remember("gm", highlight)

only_codes = None
if pv:
    md_probe = cache.get(data.map_data, indicator_id, "gemeente", period, period_type)
    years = {region_year, md_probe.geometry_year or region_year}
    parents = [cache.get(data.provincie_of, y) for y in years]
    only_codes = sorted({code for mapping in parents for code, parent in mapping.items() if parent == pv})

locations = cache.get(data.coa_locations)
group_labels = {g: t(f"tg_{g}", lang) for g in locations["type_group"].unique().to_list() if g}
locations = locations.with_columns(
    pl.when(pl.col("emergency").fill_null(False))
    .then(pl.lit(t("op_emergency", lang)))
    .otherwise(pl.col("type_group").replace_strict(group_labels, default=pl.col("type_group")))
    .alias("category"),
    pl.when(pl.col("emergency").fill_null(False))
    .then(pl.lit(t("yes", lang)))
    .otherwise(pl.lit(t("no", lang)))
    .alias("_emergency"),
)
locations = with_text(locations, "places", lambda v: fmt_number(v, lang), "_places")
# Each kind of location keeps its colour when a province filter hides some kinds: the order (and so the colour)
# is that of the whole country.
category_order = locations["category"].unique(maintain_order=True).to_list()
if only_codes is not None:
    locations = locations.filter(pl.col("gemeente_code").is_in(only_codes))


def add_points(fig: go.Figure) -> None:
    if locations.height and period.year == 2015:
        maps.add_points(
            fig,
            # The head office is in the table (it is in the file) but is no reception location.
            locations.filter(pl.col("places").is_not_null() & (pl.col("type_group") != "kantoor")),
            category="category",
            order=category_order,
            size="places",
            hover=[
                (t("loc_place", lang), "place"),
                (t("loc_type", lang), "category"),
                (t("loc_places", lang), "_places"),
                (t("loc_emergency", lang), "_emergency"),
            ],
        )


title = t(
    "op_map",
    lang,
    indicator=sections.indicator_label(indicator_id, lang),
    period=period_label(period, period_type, lang),
)
st.subheader(title)
st.caption(sections.indicator_definition(indicator_id, lang))
sections.map_section(
    indicator_id,
    "gemeente",
    period,
    period_type,
    key="op",
    measure=measure,
    highlight=highlight,
    only_codes=only_codes,
    add_layers=add_points,
    no_data_label=t("no_data", lang),
    height=560,
)

st.subheader(t("op_locations", lang))
st.caption(t("op_points", lang))
widgets.table(
    locations,
    {
        "name": (t("loc_name", lang), "text"),
        "places": (t("loc_places", lang), "int"),
        "category": (t("loc_type", lang), "text"),
        "_emergency": (t("loc_emergency", lang), "text"),
        "place": (t("loc_place", lang), "text"),
        "gemeente_name": (t("sel_gemeente", lang), "text"),
    },
    key="op_locations_table",
    height=320,
)
if locations.height:
    sections.render_sources(locations["source_id"].to_list())
    sections.download_frame(
        locations.select(
            "name",
            "place",
            "type",
            "type_group",
            "places",
            "emergency",
            "available_until",
            "lat",
            "lon",
            "gemeente_code",
            "gemeente_year",
            "gemeente_name",
            "source_id",
        ),
        "coa_locaties_2015.csv",
        key="op_locations_csv",
    )
