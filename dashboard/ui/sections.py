"""Page parts used on several pages: the standard selectors and the map section (map, table alternative,
notes, source line, CSV download)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from contract.periods import figure_day
from dashboard import data, figures, maps, state
from dashboard.data import MapData
from dashboard.downloads import values_export, with_sources
from dashboard.i18n import fmt_age, fmt_date, fmt_number, level_label, period_label, t, unit_label
from dashboard.sources import source_line
from dashboard.ui import cache, widgets

# --- labels ------------------------------------------------------------------------------------------------


def indicator_info(indicator_id: str) -> dict:
    return cache.get(data.catalogue).get(indicator_id) or {
        "id": indicator_id,
        "label_nl": indicator_id,
        "label_en": indicator_id,
        "unit": "",
        "per_1000": False,
    }


def indicator_label(indicator_id: str, lang: str) -> str:
    info = indicator_info(indicator_id)
    return info["label_en"] if lang == "en" else info["label_nl"]


def indicator_definition(indicator_id: str, lang: str) -> str:
    info = indicator_info(indicator_id)
    return info.get("definition_en" if lang == "en" else "definition_nl") or ""


# The sentence that says how to read a diverging colour scale, under every map of that indicator.
SCALE_HELP = {"huisvesting_saldo": "hv_diverging_help", "realisatie_pct": "hv_pct_help"}


def scale_help(indicator_id: str, lang: str) -> None:
    if indicator_id in SCALE_HELP:
        st.caption(t(SCALE_HELP[indicator_id], lang))


def token_label(token: str, lang: str) -> str:
    parsed = state.parse_period_token(token)
    return period_label(parsed[0], parsed[1], lang) if parsed else token


def _age(indicator_id: str, start: date, period_type: str, lang: str) -> str:
    """How long ago the day a figure describes is ('10 jaar geleden'): a stock's first day, else its period's end."""
    stock = bool(indicator_info(indicator_id).get("stock"))
    return fmt_age(figure_day(start, period_type, stock), date.today(), lang)


def freshness_text(theme: str, lang: str, level: str | None = None) -> str:
    """How old the theme's newest figure is and what it is, so nobody takes a 2016 figure for today's, nor a
    national count for a figure per gemeente."""
    latest = cache.get(data.theme_latest, theme, level)
    theme_text = t("theme_" + theme, lang)
    if latest is None:
        return t("fresh_none", lang, theme=theme_text)
    start, period_type, indicator_id, at = latest
    age = _age(indicator_id, start, period_type, lang)
    what = indicator_label(indicator_id, lang)
    if level is None:
        what = f"{what}, {t('fresh_at_' + at, lang)}" if at in ("land", "provincie", "gemeente") else what
    key = "fresh_theme_level" if level else "fresh_theme"
    return t(key, lang, theme=theme_text, period=period_label(start, period_type, lang), age=age, what=what)


def indicator_freshness_text(indicator_id: str, level: str, lang: str) -> str | None:
    """How old one indicator's newest figure at ``level`` is (for a page that shows any indicator)."""
    latest = data.latest_period(cache.warehouse(), indicator_id, level)
    if latest is None:
        return None
    age = _age(indicator_id, *latest, lang)
    return t(
        "fresh_indicator",
        lang,
        what=indicator_label(indicator_id, lang),
        at=t("fresh_for_" + level, lang),
        period=period_label(*latest, lang),
        age=age,
    )


def _named_period(periods: list[tuple[date, str]]) -> tuple[date, str] | None:
    """The one period that names periods all within one year (the longest of them, '2016 1e helft'); else None."""
    if len({start.year for start, _ in periods}) != 1:
        return None
    return min(periods, key=lambda p: (data.TYPE_RANK.get(p[1], 9), p[0]))


def _periods_text(periods: list[tuple[date, str]], lang: str) -> str:
    """'3 november 2015' for one period, '2016 1e helft' for several within one year (the longest of them);
    else the years, runs joined: '2015, 2019–2025'."""
    named = _named_period(periods)
    if named is not None:
        return period_label(*named, lang)
    years = sorted({start.year for start, _ in periods})
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def _holdings(theme: str, lang: str, *, counted: bool = False) -> list[str]:
    """What the warehouse holds of a theme: 'per gemeente 2016 1e helft' and 'landelijk 1975–2018' (the national
    periods it has only for the country). ``counted`` adds how many gemeenten the period named (or, over several
    years, the newest) covers: 'per gemeente 2016 1e helft (390 gemeenten)'."""
    held = cache.get(data.theme_coverage, theme)
    pieces = []
    if held["gemeente"]:
        periods = _periods_text(held["gemeente"], lang)
        if counted:
            named = _named_period(held["gemeente"])
            period = named or data.newest_period(held["gemeente"])
            n = fmt_number(cache.get(data.theme_gemeente_count, theme, *period), lang, 0)
            periods = t("cov_count" if named else "cov_count_newest", lang, periods=periods, n=n)
        pieces.append(t("cov_gemeente", lang, periods=periods))
    if held["land"]:
        pieces.append(t("cov_land", lang, periods=_periods_text(held["land"], lang)))
    return pieces


def coverage_text(lang: str) -> str:
    """What the warehouse really holds per theme, per gemeente and (where only that) for the country."""
    parts = [
        f"{t('cov_theme_' + theme, lang)} {', '.join(_holdings(theme, lang)) or t('cov_nothing', lang)}"
        for theme in ("context", "opvang", "huisvesting", "integratie")
    ]
    return t("cov_intro", lang, parts="; ".join(parts))


def freshness(*themes: str, lang: str, level: str | None = None, coverage: bool = False) -> None:
    """How old each theme's newest figure is; on a theme's own page (``coverage``) also what it holds."""
    texts = [freshness_text(theme, lang, level) for theme in themes]
    if coverage:
        texts += [text for theme in themes if (text := theme_coverage_text(theme, lang))]
    st.caption(" ".join(texts))


TNO_LOCATIONS = "tno_coa_locaties_2015"  # the only source of COA locations so far


def tno_snapshot_caveat(lang: str) -> str | None:
    """What TNO's COA layer is, when it is loaded: a dated, incomplete, unofficial snapshot. Its day and counts
    come from the warehouse; without the layer (a live-only build) nothing is said about it."""
    locations = cache.get(data.coa_locations).filter(pl.col("source_id") == TNO_LOCATIONS)
    source = cache.get(data.source_index).get(TNO_LOCATIONS)
    if locations.height == 0 or source is None:
        return None
    offices = locations.filter(pl.col("type_group") == "kantoor").height
    n = fmt_number(locations.height, lang, 0)
    key = {0: "op_tno_count", 1: "op_tno_count_office"}.get(offices, "op_tno_count_offices")
    count = t(key, lang, n=n, offices=offices)
    return t("op_tno_caveat", lang, day=fmt_date(source["reference_date"], lang), count=count)


def theme_coverage_text(theme: str, lang: str) -> str | None:
    """One theme's holdings on its own page: 'In het datapakhuis: per gemeente 2016 1e helft (390 gemeenten).'
    Computed, so an added half-year or a live fetch changes the sentence without touching any text. None when it
    holds neither figures per gemeente nor national ones."""
    pieces = _holdings(theme, lang, counted=True)
    return t("cov_page", lang, what=", ".join(pieces)) if pieces else None


# --- selectors ---------------------------------------------------------------------------------------------


def select_indicator(indicator_ids: Sequence[str], default: str | None = None, container=None) -> str | None:
    lang = widgets.lang()
    labels = {i: indicator_label(i, lang) for i in indicator_ids}
    fallback = default if default in labels else (indicator_ids[0] if indicator_ids else None)
    return widgets.select(
        "indicator",
        t("sel_indicator", lang),
        list(indicator_ids),
        labels.get,
        fallback,
        "msg_unknown_indicator",
        shown=labels,
        container=container,
    )


def select_period(
    periods: Sequence[tuple[date, str]],
    default: tuple[date, str] | str | None = None,
    container=None,
    extra: Sequence[tuple[str, str]] = (),
) -> str | None:
    """A period selector over CBS-style tokens; ``extra`` adds (token, label) options such as 'latest'."""
    lang = widgets.lang()
    tokens = [token for token, _ in extra] + [state.period_token(p, k) for p, k in periods]
    labels = {token: text for token, text in extra}
    labels.update({state.period_token(p, k): period_label(p, k, lang) for p, k in periods})
    if isinstance(default, str):
        fallback = default if default in tokens else None
    else:
        fallback = state.period_token(*default) if default else None
    fallback = fallback or (tokens[-1] if tokens else None)
    return widgets.select(
        "period",
        t("sel_period", lang),
        tokens,
        lambda x: labels.get(x, x),
        fallback,
        "msg_unknown_period",
        shown=labels,
        aliases=state.period_aliases(tokens),
        upper=True,
        container=container,
    )


def select_level(levels: Sequence[str], default: str = "gemeente", container=None) -> str:
    lang = widgets.lang()
    labels = {level: level_label(level, lang) for level in levels}
    return widgets.select(
        "level",
        t("sel_level", lang),
        list(levels),
        labels.get,
        default,
        "msg_unknown_level",
        shown=labels,
        kind="segmented",
        container=container,
    )


def select_measure(info: dict) -> str:
    """Per 1,000 inhabitants or absolute, for an indicator read per inhabitant; otherwise only absolute."""
    lang = widgets.lang()
    options = ["rate", "abs"] if info.get("per_1000") else ["abs"]
    return widgets.select(
        "measure",
        t("sel_measure", lang),
        options,
        {"rate": t("measure_rate", lang), "abs": t("measure_abs", lang)}.get,
        options[0],
        "msg_unknown_view",
        kind="segmented",
    )


def region_labels(level: str, lang: str) -> dict[str, str]:
    options = cache.get(data.region_options, level)
    labels = {}
    for code, name, last_year, former in options.select("code", "name", "last_year", "former").iter_rows():
        labels[code] = f"{name} ({t('former_suffix', lang, year=last_year)})" if former else name
    return labels


def name_aliases(level: str) -> dict[str, str]:
    """Lower-cased names -> code, so ``?gm=amsterdam`` works too (current names win over former ones)."""
    options = cache.get(data.region_options, level).sort("former", descending=True)
    return {name.lower(): code for code, name in options.select("code", "name").iter_rows()}


def select_gemeente(
    default: str | None, codes: Sequence[str] | None = None, container=None, year: int | None = None
) -> str | None:
    """A searchable gemeente selector over ``codes`` (default: every gemeente). With ``year`` (the options
    are that year's gemeenten), a link to a gemeente formed later opens its largest predecessor, and says so."""
    lang = widgets.lang()
    labels = region_labels("gemeente", lang)
    options = sorted(codes if codes is not None else labels, key=lambda c: (labels.get(c, c).lower(), c))
    fallback = default if default in options else (options[0] if options else None)
    aliases = dict(name_aliases("gemeente"))
    if year is not None:
        later = cache.get(data.formed_after, year)
        aliases.update({code.lower(): parts[0][0] for code, parts in later.items()})
        raw = (widgets.incoming("gm") or "").strip().upper()  # a link just opened, not the user's own choice
        if raw in later:
            names = ", ".join(name for _, name, _ in later[raw])
            st.info(
                t("msg_formed_later", lang, name=labels.get(raw, raw), year=year, parts=names), icon=":material/info:"
            )
    return widgets.select(
        "gm",
        t("sel_gemeente", lang),
        options,
        lambda c: f"{labels.get(c, c)} · {c}",
        fallback,
        "msg_unknown_gm",
        shown={c: labels.get(c, c) for c in options},
        aliases=aliases,
        upper=True,
        help=t("sel_gemeente_help", lang),
        container=container,
    )


def default_gemeente() -> str | None:
    return cache.get(data.largest_gemeente)


# --- map section -------------------------------------------------------------------------------------------


def map_section(
    indicator_id: str,
    level: str,
    period: date,
    period_type: str,
    *,
    key: str,
    measure: str = "rate",
    highlight: str | None = None,
    only_codes: Sequence[str] | None = None,
    add_layers: Callable[[go.Figure], None] | None = None,
    no_data_label: str | None = None,
    height: int = 520,
    title: str | None = None,
    show_table: bool = True,
) -> MapData | None:
    """A choropleth with its table alternative, notes, source line and CSV download. Returns the data."""
    lang = widgets.lang()
    info = indicator_info(indicator_id)
    unit = info.get("unit", "")
    md: MapData = cache.get(data.map_data, indicator_id, level, period, period_type)
    if md.table.height == 0:
        return md
    use_rate = measure == "rate" and md.has_rates
    colour = "rate" if use_rate else "value"
    if only_codes is not None:
        allowed = set(only_codes)
        md = replace(
            md,
            shapes=md.shapes.filter(pl.col("code").is_in(list(allowed))),
            table=md.table.filter(pl.col("code").is_in(list(allowed))),
        )
    table = md.table
    if md.geometry_year is not None:
        collection, boundary_ids = cache.geometry(level, md.geometry_year)
        if only_codes is not None:
            keep = set(only_codes)
            collection = {
                "type": "FeatureCollection",
                "features": [f for f in collection["features"] if f["id"] in keep],
            }
        fig = maps.indicator_map(
            md,
            collection,
            indicator_id,
            unit,
            lang,
            measure=measure,
            highlight=highlight,
            no_data_label=no_data_label,
            height=height,
            title=title,
        )
        if add_layers:
            add_layers(fig)
    else:
        fig, boundary_ids = None, ()
    if show_table and fig is not None:
        tab_map, tab_table = st.tabs([t("map", lang), t("table_alt", lang)])
    else:
        tab_map = tab_table = st.container()
    with tab_map:
        if fig is not None:
            widgets.figure(fig, key=f"{key}_map", alt=title)
        else:
            st.info(t("no_geometry", lang, level=level_label(level, lang), year=md.region_year))
    with tab_table:
        if show_table or fig is None:
            ranked = table.with_columns(
                pl.col(colour).rank(method="min", descending=True).cast(pl.Int64).alias("rank")
            ).sort("rank", "name", nulls_last=True)
            widgets.table(
                ranked,
                # The figures right after the name, the code last: a phone shows the first three columns.
                # The indicator is named in the section title, so the header is short.
                {
                    "rank": (t("rank", lang), "int"),
                    "name": (t("name", lang), "text"),
                    **({"rate": (t("rate", lang), "rate")} if md.has_rates else {}),
                    "value": (
                        t("value", lang) if unit == "procent" else f"{t('value', lang)} ({unit_label(unit, lang)})",
                        widgets.value_kind(unit),
                    ),
                    **({"population": (t("population", lang), "int")} if md.has_rates else {}),
                    "code": (t("code", lang), "text"),
                },
                key=f"{key}_table",
                height=360,
            )
    notes = []
    if md.mapped:
        notes.append(t("mapped_note", lang, from_year=md.region_year, to_year=md.geometry_year))
    if info.get("per_1000") and not md.has_rates:
        notes.append(t("no_rate_year", lang, year=period.year))
    elif use_rate:
        notes.append(t("rate_basis", lang, year=period.year))
    for note in notes:
        st.caption(note)
    render_sources(
        table["source_id"].to_list(),
        population_ids=table["population_source_id"].drop_nulls().to_list() if md.has_rates else (),
        boundary_ids=boundary_ids,
        derived=bool(table.height) and set(table["status"].to_list()) == {"derived"} and level != "gemeente",
    )
    download_frame(
        lambda: values_export(table, indicator_id, period, period_type, rates=md.has_rates),
        f"{indicator_id}_{level}_{state.period_token(period, period_type)}.csv",
        key=f"{key}_csv",
    )
    return md


def realisation_figure(months: pl.DataFrame, lang: str, *, height: int = 360, title: str | None = None) -> go.Figure:
    """One gemeente's housed permit holders per month and cumulative, against its pro-rata target
    (``data.housing_months``); used full-size on Huisvesting and small on the Gemeente page."""
    return figures.realisation(
        months["period"].to_list(),
        months["monthly"].to_list(),
        months["cumulative"].to_list(),
        months["target"].to_list(),
        labels={
            "monthly": t("hv_monthly", lang),
            "cumulative": t("hv_cumulative", lang),
            "target": t("hv_prorata", lang),
        },
        text={
            "monthly": [fmt_number(v, lang) for v in months["monthly"]],
            "cumulative": [fmt_number(v, lang) for v in months["cumulative"]],
            "target": [fmt_number(v, lang, 1) for v in months["target"]],
        },
        height=height,
        title=title,
        lang=lang,
    )


def render_sources(value_ids, *, population_ids=(), boundary_ids=(), derived: bool = False) -> None:
    widgets.source_line(
        source_line(
            value_ids,
            cache.get(data.source_index),
            widgets.lang(),
            population_ids=population_ids,
            boundary_ids=boundary_ids,
            derived=derived,
        )
    )


def download_frame(frame: pl.DataFrame | Callable[[], pl.DataFrame], file_name: str, key: str) -> None:
    """A CSV download of ``frame`` (or of what the callable returns) with the source columns of every value."""
    sources = cache.get(data.sources)

    def with_provenance() -> pl.DataFrame:
        out = with_sources(frame() if callable(frame) else frame, sources)
        if "population_source_id" in out.columns:
            out = with_sources(out, sources, "population_source_id", "population_source_")
        return out

    widgets.download(with_provenance, file_name, key)


def format_count(value: float | None) -> str:
    return fmt_number(value, widgets.lang())
