"""Bronnen & begrippen: every source with its provenance, the glossary, the indicators, downloads."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data
from dashboard.downloads import with_sources
from dashboard.frames import with_text
from dashboard.i18n import GLOSSARY, period_label, t, unit_label
from dashboard.ui import cache, widgets

lang = widgets.start_page("bronnen", "nav_bronnen", params=())
sources = cache.get(data.sources)
avail = cache.get(data.availability)

st.subheader(t("br_sources", lang))
shown = with_text(sources, "status", lambda s: t(f"status_{s}", lang), "status_text")
# What a region the source leaves out means, as the source (its recipe) declares it: 0, or no known figure.
shown = with_text(shown, "absent", lambda a: t(f"absent_{a or 'unknown'}", lang), "absent_text").with_columns(
    pl.col("retrieved_at").dt.date().cast(pl.String).fill_null(t("retrieved_unknown", lang)).alias("retrieved_text"),
    pl.col("table_id").fill_null("–"),
)
widgets.table(
    shown,
    {
        "publisher": (t("col_publisher", lang), "text"),
        "title": (t("col_title", lang), "text"),
        "table_id": (t("col_table_id", lang), "text"),
        "reference_date": (t("col_reference_date", lang), "date"),
        "licence": (t("col_licence", lang), "text"),
        "retrieved_text": (t("col_retrieved", lang), "text"),
        "sha256": (t("col_checksum", lang), "text"),
        "status_text": (t("col_status", lang), "text"),
        "absent_text": (t("col_absent", lang), "text"),
        "url": (t("col_url", lang), "link"),
        "file": (t("col_file", lang), "text"),
        "notes": (t("col_notes", lang), "text"),
    },
    key="br_sources_table",
    height=420,
)

st.subheader(t("br_glossary", lang))
glossary = pl.DataFrame(
    {
        "term": [en if lang == "en" else nl for nl, en, _, _ in GLOSSARY],
        "definition": [d_en if lang == "en" else d_nl for _, _, d_nl, d_en in GLOSSARY],
    }
)
for term, definition in glossary.iter_rows():
    st.markdown(f"**{term}**: {definition}")

st.subheader(t("br_indicators", lang))
indicators = cache.get(data.indicators)
ranges = []
for indicator_id in indicators["id"].to_list():
    rows = avail.filter(pl.col("indicator_id") == indicator_id).sort("period")
    if rows.height == 0:
        ranges.append(t("no_data", lang))
        continue
    first, last = rows.row(0, named=True), rows.row(-1, named=True)
    text = period_label(first["period"], first["period_type"], lang)
    if (last["period"], last["period_type"]) != (first["period"], first["period_type"]):
        text += f" – {period_label(last['period'], last['period_type'], lang)}"
    ranges.append(text)
indicator_view = indicators.with_columns(
    pl.col("label_en" if lang == "en" else "label_nl").alias("label"),
    pl.col("definition_en" if lang == "en" else "definition_nl").alias("definition"),
    pl.Series("periods", ranges),
)
indicator_view = with_text(indicator_view, "theme", lambda x: t(f"Theme_{x}", lang), "theme_text")
indicator_view = with_text(indicator_view, "unit", lambda u: unit_label(u, lang), "unit_text")
widgets.table(
    indicator_view,
    {
        "theme_text": (t("col_theme", lang), "text"),
        "label": (t("indicator", lang), "text"),
        "unit_text": (t("col_unit", lang), "text"),
        "periods": (t("col_periods", lang), "text"),
        "definition": (t("col_definition", lang), "text"),
        "id": ("id", "text"),
    },
    key="br_indicators_table",
)

st.subheader(t("br_gaps", lang))
gap_rows = cache.get(data.data_gaps)
for theme in ("opvang", "huisvesting", "integratie"):
    part = gap_rows.filter(pl.col("theme") == theme)
    if part.height:
        st.markdown(f"**{t(f'Theme_{theme}', lang)}**\n" + widgets.gap_list(part, lang))

st.subheader(t("br_revisions", lang))
revisions = cache.get(data.revisions)
if revisions.height == 0:
    st.caption(t("br_revisions_none", lang))
else:
    latest = revisions["built_at"].max()
    newest = revisions.filter(pl.col("built_at") == latest)
    per_source = newest.group_by("source_id", "change").len().sort("source_id", "change")
    lines = [
        f"- {source}: " + ", ".join(f"{n} {t('change_' + change, lang)}" for _, change, n in part.iter_rows())
        for (source,), part in per_source.group_by("source_id", maintain_order=True)
    ]
    st.markdown(t("br_revisions_latest", lang, when=str(latest)[:16]) + "\n" + "\n".join(lines))
    widgets.table(
        with_text(newest.head(200), "change", lambda c: t("change_" + c, lang), "change_text"),
        {
            "source_id": (t("col_source", lang), "text"),
            "indicator_id": (t("indicator", lang), "text"),
            "region_code": (t("code", lang), "text"),
            "period": (t("period", lang), "date"),
            "change_text": (t("col_change", lang), "text"),
            "old_value": (t("col_old_value", lang), "rate"),
            "new_value": (t("col_new_value", lang), "rate"),
        },
        key="br_revisions_table",
        height=300,
    )

st.subheader(t("br_downloads", lang))
cols = st.columns(2)
with cols[0]:
    widgets.download(sources, "bronnen.csv", key="br_dl_sources", label=t("br_dl_sources", lang))
    widgets.download(indicators, "indicatoren.csv", key="br_dl_indicators", label=t("br_dl_indicators", lang))
    widgets.download(cache.get(data.region_parents), "regios.csv", key="br_dl_regions", label=t("br_dl_regions", lang))
    widgets.download(revisions, "revisies.csv", key="br_dl_revisions", label=t("br_dl_revisions", lang))
observations = cache.get(data.all_observations)
coa_locations = cache.get(data.coa_locations)
with cols[1]:
    widgets.download(
        lambda: with_sources(observations, sources),
        "waarnemingen.csv",
        key="br_dl_observations",
        label=t("br_dl_observations", lang),
    )
    widgets.download(
        lambda: with_sources(coa_locations, sources),
        "coa_locaties_2015.csv",
        key="br_dl_locations",
        label=t("br_dl_locations", lang),
    )
