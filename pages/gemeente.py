"""Gemeente: one gemeente's whole chain on one screen, next to its province, similar gemeenten and the
country; small trend charts; a link to share."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, figures, metrics, profile_table
from dashboard.i18n import fmt_number, t
from dashboard.ui import cache, sections, widgets

lang = widgets.start_page("gemeente", "nav_gemeente", "gm_intro", params=("gm",))
gm = sections.select_gemeente(sections.default_gemeente())
if gm is None:
    st.stop()

options = cache.get(data.region_options, "gemeente").filter(pl.col("code") == gm).to_dicts()[0]
name = options["name"]
last_year = options["last_year"]
provinces = cache.get(data.provincie_of, last_year)
pv_code = provinces.get(gm)
pv_name = cache.get(data.region_names, "provincie", last_year).get(pv_code, pv_code) if pv_code else None

head = st.columns([3, 2])
with head[0]:
    st.header(f"{name} · {gm}")
    if pv_name:
        st.caption(t("gm_province_of", lang, name=pv_name))
    if options["former"]:
        st.info(t("gm_former", lang, name=name, year=last_year))
with head[1]:
    url = widgets.share_url("gemeente", widgets.current_params(["gm"]))
    st.markdown(f"**{t('gm_copy_link', lang)}**")
    st.code(url, language=None, wrap_lines=True)
    st.caption(t("gm_copy_help", lang))
    static = widgets.static_site()
    if static and not options["former"]:
        # The published static edition (python -m dashboard.publish): the printable factsheet and the profile.
        page = f"{static}/gemeente/{gm}"
        st.markdown(f"[{t('gm_factsheet', lang)}]({page}.pdf) · [{t('gm_static', lang)}]({page}.html)")

rows = cache.get(data.profile, gm)
table_rows = profile_table.profile_rows(rows, cache.get(data.indicators), lang)
profile = profile_table.profile_frame(table_rows)

# The comparison first, so that a phone shows it without scrolling sideways.
COLUMNS = {
    "indicator": (t("indicator", lang), "text"),
    "gemeente": (t("gm_compare_gm", lang), "text"),
    "provincie": (t("gm_compare_pv", lang), "text"),
    "peers": (t("gm_compare_peer_col", lang), "text"),
    "nederland": (t("gm_compare_nl", lang), "text"),
    "period": (t("period", lang), "text"),
    "basis": (t("gm_basis", lang), "text"),
    "value_text": (t("gm_count", lang), "text"),
}

for theme in data.PROFILE_THEMES:
    st.subheader(t("Theme_" + theme, lang))
    if theme != "context":
        sections.freshness(theme, lang=lang, level="gemeente")
    part = profile.filter(pl.col("theme") == theme) if profile.height else profile
    if part.height == 0:
        widgets.empty_state(t("empty_theme_any", lang, theme=t("theme_" + theme, lang)), cache.get(data.gaps, theme))
        continue
    headline = [r for r in table_rows if r["theme"] == theme][0]
    comparison: data.Comparison = headline["_comparison"]
    basis = t(profile_table.BASIS_KEYS[comparison.basis], lang).split(";")[0]
    st.markdown(f"**{headline['indicator']}** · {headline['period']} · {basis}")
    # A wrapping row: four across on a desktop, two by two on a phone.
    row = st.container(horizontal=True, wrap=True, gap="medium")
    cols = [row] * 4
    cols[0].metric(t("gm_compare_gm", lang), headline["gemeente"], width=150)
    # For absolute numbers the province and country figures are a mean per gemeente, not their totals.
    mean = comparison.basis == "abs"
    mean_help = t("gm_mean_help", lang) if mean else None
    cols[1].metric(
        t("gm_compare_pv_mean" if mean else "gm_compare_pv", lang), headline["provincie"], help=mean_help, width=150
    )
    cols[2].metric(
        f"{t('gm_compare_peer_short', lang)} (n={comparison.peer_count})",
        profile_table.fmt_basis(comparison.peers, comparison.basis, lang, mean=True),
        help=t("gm_compare_peer", lang),
        width=150,
    )
    cols[3].metric(
        t("gm_compare_nl_mean" if mean else "gm_compare_nl", lang), headline["nederland"], help=mean_help, width=150
    )
    if mean:
        # Said on the page, not only in a tooltip that a phone or a projector never shows.
        st.caption(t("gm_mean_help", lang))
    if comparison.gemeente is None:
        year = comparison.period.year
        detail = (
            t("gm_not_yet", lang)
            if year < options["first_year"]
            else t("gm_no_more", lang)
            if year > options["last_year"]
            else ""
        )
        st.caption(t("gm_absent", lang, name=name, code=gm, detail=detail))
    bases = {r["_comparison"].basis for r in table_rows if r["theme"] == theme}
    # The absolute figure adds something only next to a rate; elsewhere it repeats the Gemeente column, and a
    # laptop screen has no room for a column that repeats.
    shown = COLUMNS if "rate" in bases else {k: v for k, v in COLUMNS.items() if k != "value_text"}
    widgets.table(part, shown, key=f"gm_{theme}_table")
    if "abs" in bases and comparison.basis != "abs":
        st.caption(t("gm_mean_rows", lang))  # the headline did not say it: the table's absolute rows need it
    # What each row counts, on the page: two rows can measure the same thing from different sources (the COA
    # locations list against TNO's places per gemeente) and differ without that being an error.
    definitions = [
        f"**{row['indicator']}**: {definition}"
        for row in table_rows
        if row["theme"] == theme and (definition := sections.indicator_definition(row["indicator_id"], lang))
    ]
    if definitions:
        st.caption("  \n".join(definitions))
    mapped = next(
        (
            r["_comparison"]
            for r in table_rows
            if r["theme"] == theme and r["_comparison"].predecessors and r["_comparison"].gemeente_abs is not None
        ),
        None,
    )
    if mapped is not None:
        parts = ", ".join(
            label if weight > 0.995 else f"{label} ({fmt_number(weight * 100, lang)}%)"
            for _, label, weight in mapped.predecessors
        )
        st.caption(t("gm_from_predecessors", lang, name=name, year=mapped.period.year, parts=parts))
        if any(weight <= 0.995 for _, _, weight in mapped.predecessors):
            st.caption(t("gm_area_share", lang, name=name))
    for note, _ in profile_table.source_notes([r for r in table_rows if r["theme"] == theme], lang):
        st.caption(note)
    if comparison.peer_band is not None:
        st.caption(
            t(
                "peer_note",
                lang,
                band=metrics.band_label(comparison.peer_band, lang),
                n=comparison.peer_count,
                year=comparison.peer_year,
            )
        )
    sections.render_sources(
        part["source_id"].drop_nulls().to_list(), population_ids=part["population_source_id"].drop_nulls().to_list()
    )

    # Small trend charts: every indicator of the theme with more than one period for this gemeente.
    trend_cols = st.columns(2)
    slot = 0
    for indicator_id in part["indicator_id"].to_list():
        if indicator_id == "realisatie":
            months = cache.get(data.housing_months, gm)
            if months.height:
                with trend_cols[slot % 2]:
                    widgets.figure(
                        sections.realisation_figure(months, lang, height=260, title=t("hv_gemeente_short", lang)),
                        key=f"gm_trend_{indicator_id}",
                    )
                slot += 1
            continue
        series = cache.get(data.series, indicator_id, (gm,), "year")
        if series.height < 2:
            continue
        with trend_cols[slot % 2]:
            widgets.figure(
                figures.series(
                    series["period"].to_list(),
                    series["value"].to_list(),
                    [fmt_number(v, lang) for v in series["value"].to_list()],
                    axis_title="",
                    height=220,
                    fill=False,
                    title=f"{t('gm_trend', lang)}: {sections.indicator_label(indicator_id, lang)}",
                ),
                key=f"gm_trend_{indicator_id}",
            )
        slot += 1

if profile.height:
    sections.download_frame(
        profile.select(
            "theme",
            "indicator_id",
            "period_start",
            "period_type",
            "value",
            "basis",
            "gemeente_basis_value",
            "provincie_basis_value",
            "peers_basis_value",
            "nederland_basis_value",
            "computed_from",
            "source_id",
            "population_source_id",
        ).with_columns(pl.lit(gm).alias("code")),
        f"profiel_{gm}.csv",
        key="gm_csv",
    )
