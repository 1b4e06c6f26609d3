"""Embed (hidden from the menu): one map or chart chosen by query parameters, with its source line and a
link to the full view. Meant for ``<iframe src=".../embed?embed=true&view=map&indicator=coa_plaatsen">``."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, figures, state
from dashboard.frames import with_text
from dashboard.i18n import fmt_number, fmt_value, period_label, t
from dashboard.ui import cache, sections, widgets

lang = widgets.start_page("embed", None, params=("view", "level", "indicator", "period", "gm"))
avail = cache.get(data.availability)
wh = cache.warehouse()

VIEWS = ("map", "chart", "table")
THEME_PAGE = {"opvang": "opvang", "huisvesting": "huisvesting", "integratie": "integratie", "context": "vergelijk"}

# Every parameter is read and whitelisted without widgets: an embed has no controls.
view, _ = widgets.resolve(
    "view", list(VIEWS), "map", "msg_unknown_view", shown={v: t(f"em_view_{v}", lang) for v in VIEWS}
)
levels = list(data.MAP_LEVELS) + ["land"]
level, _ = widgets.resolve("level", levels, "gemeente", "msg_unknown_level")
indicator_ids = avail["indicator_id"].unique().sort().to_list()
labels = {i: sections.indicator_label(i, lang) for i in indicator_ids}
default_indicator = "coa_plaatsen" if "coa_plaatsen" in indicator_ids else (indicator_ids[0] if indicator_ids else None)
indicator_id, _ = widgets.resolve("indicator", indicator_ids, default_indicator, "msg_unknown_indicator", shown=labels)
if indicator_id is None:
    st.stop()

# A national-only indicator (e.g. asylum requests) can only be a chart of the country.
levels_held = set(avail.filter(pl.col("indicator_id") == indicator_id)["level"].to_list())
if level not in levels_held:
    level = (
        "land"
        if "land" in levels_held and not (levels_held & set(data.MAP_LEVELS))
        else next((lv for lv in ("gemeente", "provincie", "land") if lv in levels_held), "land")
    )
if level == "land" and view == "map":
    view = "chart"
periods = data.periods(wh, indicator_id, level)
tokens = [state.period_token(*p) for p in periods]
latest = data.latest_period(wh, indicator_id, level)
period_token, _ = widgets.resolve(
    "period",
    tokens,
    state.period_token(*latest) if latest else None,
    "msg_unknown_period",
    aliases=state.period_aliases(tokens),
    upper=True,
    shown={tok: period_label(*p, lang) for tok, p in zip(tokens, periods, strict=True)},
)
period, period_type = state.parse_period_token(period_token)
region_labels = sections.region_labels("gemeente", lang)
gm, _ = widgets.resolve(
    "gm",
    list(region_labels),
    None,
    "msg_unknown_gm",
    shown=region_labels,
    upper=True,
    aliases=sections.name_aliases("gemeente"),
)
for name, value in (
    ("view", view),
    ("level", level),
    ("indicator", indicator_id),
    ("period", period_token),
    ("gm", gm),
):
    widgets.remember(name, value)

if level == "land" and view != "map":
    first, last = periods[0], periods[-1]
    span = f"{period_label(*first, lang)}–{period_label(*last, lang)}" if first != last else period_label(*first, lang)
    title = f"{labels[indicator_id]} · {span}"
else:
    title = f"{labels[indicator_id]} · {period_label(period, period_type, lang)}"
st.markdown(f"**{title}**")
fresh = sections.indicator_freshness_text(indicator_id, level, lang)
if fresh:  # an embedded 2016 figure must not pass for today's on someone else's site
    st.caption(fresh)


def chart_data() -> tuple[pl.DataFrame, object]:
    """The figure for view=chart/table: the country's series, a gemeente's series, or the top 15 regions."""
    if level == "land":
        frame = cache.get(data.national_series, indicator_id)
        text = [fmt_number(v, lang) for v in frame["value"].to_list()]
        return frame, figures.series(
            frame["period"].to_list(), frame["value"].to_list(), text, axis_title=labels[indicator_id]
        )
    if gm:
        frame = cache.get(data.series, indicator_id, (gm,), period_type)
        if frame.select("period").n_unique() > 1:
            frame = with_text(frame, "value", lambda v: fmt_number(v, lang), "_text")
            return frame, figures.lines(
                frame, x="period", y="value", group="name", text="_text", axis_title=labels[indicator_id]
            )
    frame = cache.get(data.values, indicator_id, level, period, period_type).sort("value", descending=True)
    top = frame.head(15)
    if gm and gm not in top["code"].to_list():
        top = pl.concat([top, frame.filter(pl.col("code") == gm)])
    unit = sections.indicator_info(indicator_id).get("unit", "")
    top = with_text(top, "value", lambda v: fmt_value(v, unit, lang), "_text")
    return top, figures.bars(
        top, value="value", label="name", text="_text", axis_title=labels[indicator_id], highlight=gm
    )


if view == "map":
    sections.scale_help(indicator_id, lang)
    # Tall enough that the country (taller than wide) fills an 800 x 950 frame instead of a third of it.
    sections.map_section(indicator_id, level, period, period_type, key="em", highlight=gm, height=600)
else:
    frame, fig = chart_data()
    if view == "table":
        widgets.table(
            frame,
            {
                # The figure next to the name, as in every other table; the code last.
                "name": (t("name", lang), "text"),
                "value": (
                    t("value", lang),
                    widgets.value_kind(sections.indicator_info(indicator_id)["unit"]),
                ),
                "period": (t("period", lang), "date"),
                "code": (t("code", lang), "text"),
            },
            key="em_table",
        )
    else:
        widgets.figure(fig, key="em_chart", alt=title)
    sections.render_sources(frame["source_id"].to_list())
    sections.download_frame(
        frame.select([c for c in frame.columns if not c.startswith("_")]), f"{indicator_id}.csv", key="em_csv"
    )

theme = sections.indicator_info(indicator_id).get("theme", "opvang")
full_page = THEME_PAGE.get(theme, "overzicht")
params = {"indicator": indicator_id, "period": period_token, "gm": gm or ""}
if full_page == "vergelijk":
    params["level"] = level if level != "land" else "gemeente"
st.markdown(f"[{t('open_full', lang)} ↗]({widgets.share_url(full_page, params)})")

# Opened on its own (not inside an iframe): how to embed this view, live and, when a static edition is
# published (KETEN_STATIC_URL), as its static page, which scales on any web host.
if not st.context.is_embedded:
    from dashboard.publish.embeds import path as static_path

    with st.expander(t("em_snippet", lang)):
        params = {**widgets.current_params(["view", "level", "indicator", "period", "gm"]), "embed": "true"}
        live_src = widgets.share_url("embed", params)
        st.code(f'<iframe src="{live_src}" width="800" height="950" title="{title}"></iframe>', language="html")
        static = widgets.static_site()
        if static:
            view_name = "chart" if level == "land" and view == "map" else view
            src = f"{static}/{static_path(indicator_id, level, view_name, period, period_type)}"
            st.markdown(t("em_static", lang))
            st.code(f'<iframe src="{src}" width="800" height="950" title="{title}"></iframe>', language="html")
