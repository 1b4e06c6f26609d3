"""Static embeds: every view the live Embed page offers (indicator x level x period: map, chart, table; the
country's series for national-only indicators) as a standalone page for an ``<iframe>``, with its source line, the
data as CSV and a link back. The figure is a separate JSON file; Plotly's JavaScript is served once from the site.
Maps and charts come from the same builders as the live pages."""

from __future__ import annotations

import plotly.io
import polars as pl
from jinja2 import Environment

from dashboard import data, figures, geo, maps
from dashboard.db import Warehouse
from dashboard.downloads import csv_bytes, values_export
from dashboard.frames import with_text
from dashboard.i18n import fmt_number, fmt_rate, fmt_value, period_label, t
from dashboard.sources import source_line
from dashboard.state import period_token

LANG = "nl"
LEVELS = ("gemeente", "provincie")


def path(indicator_id: str, level: str, view: str, period=None, period_type: str = "") -> str:
    """Where the static edition keeps one embed view (the live Embed page links it when a site is published)."""
    if level == "land" or period is None:
        return f"embed/{indicator_id}/land/{view}.html"
    return f"embed/{indicator_id}/{level}/{period_token(period, period_type)}/{view}.html"


def views(wh: Warehouse) -> list[tuple[str, str, object, str]]:
    """(indicator, level, period start, type) of every map the Embed page offers, and (indicator, 'land',
    None, '') for each indicator held only for the country."""
    avail = data.availability(wh)
    mapped = (
        avail.filter(pl.col("level").is_in(LEVELS))
        .select("indicator_id", "level", "period", "period_type")
        .unique()
        .sort("indicator_id", "level", "period", "period_type")
    )
    out = [tuple(row) for row in mapped.iter_rows()]
    national = set(avail.filter(pl.col("level") == "land")["indicator_id"].to_list()) - set(mapped["indicator_id"])
    out += [(indicator_id, "land", None, "") for indicator_id in sorted(national)]
    return out


def render(wh: Warehouse, env: Environment, live_url: str | None, built: str) -> dict[str, bytes]:
    """Every embed page, figure JSON and CSV, keyed by path under the site."""
    files: dict[str, bytes] = {}
    listed: list[dict] = []
    sources = data.source_index(wh)
    for indicator_id, level, period, period_type in views(wh):
        info = data.indicator_info(wh, indicator_id)
        label = info.get("label_nl", indicator_id)
        if level == "land":
            frame = data.national_series(wh, indicator_id)
            folder = f"embed/{indicator_id}/land"
            text = [fmt_number(v, LANG) for v in frame["value"].to_list()]
            fig = figures.series(frame["period"].to_list(), frame["value"].to_list(), text, axis_title=label)
            span = f"{period_label(frame['period'][0], frame['period_type'][0])}–"
            span += period_label(frame["period"][-1], frame["period_type"][-1])
            title, query = f"{label} · {span}", f"view=chart&level=land&indicator={indicator_id}"
            # The series' rows are periods: named as a reader says them ("2018", "2024 maart"), not as ISO dates.
            names = [period_label(p, k, LANG) for p, k in frame.select("period", "period_type").iter_rows()]
            table = frame.with_columns(pl.Series("name", names, dtype=pl.String))
            kinds = {"chart": fig}
        else:
            folder = path(indicator_id, level, "map", period, period_type).rsplit("/", 1)[0]
            title = f"{label} · {period_label(period, period_type, LANG)}"
            query = f"level={level}&indicator={indicator_id}&period={period_token(period, period_type)}"
            md = data.map_data(wh, indicator_id, level, period, period_type)
            table = md.table.sort("value", descending=True)
            kinds = {"chart": _bars(table, label, info.get("unit", ""))}
            if md.geometry_year is not None:
                collection = geo.feature_collection(data.geometry_rows(wh, level, md.geometry_year))
                kinds["map"] = maps.indicator_map(md, collection, indicator_id, info.get("unit", ""), LANG, height=600)
        line = source_line(table["source_id"].drop_nulls().to_list(), sources, LANG)
        csv = f"{folder}/data.csv"
        files[csv] = csv_bytes(
            values_export(table, indicator_id, period, period_type, rates="rate" in table.columns)
            if level != "land"
            else table.select("period", "period_type", "value", "source_id")
        )
        rows = _table_rows(table, info.get("unit", ""))
        with_rates = any(rate for _, _, rate in rows)  # no empty column for a count or a share
        # The bar chart shows the highest 15; the map and the table show every region.
        chart_note = t("pub_top15", LANG, n=table.height) if level != "land" and table.height > 15 else ""
        where = t("fresh_at_" + level, LANG)  # per gemeente | per provincie | heel Nederland
        listed.append({"title": f"{title} ({where})", "folder": folder, "views": [*kinds, "table"]})
        depth = "../" * folder.count("/") + "../"
        for view in (*kinds, "table"):
            page = env.get_template("embed.html").render(
                title=title,
                view=view,
                figure=f"{view}.json" if view in kinds else None,
                rows=rows,
                with_rates=with_rates,
                name_heading=t("period" if level == "land" else "pub_name", LANG),
                note=chart_note if view == "chart" else "",
                source=line,
                csv="data.csv",
                live=f"{live_url.rstrip('/')}/embed?view={view}&{query}" if live_url else None,
                root=depth,
                built=built,
            )
            files[f"{folder}/{view}.html"] = page.encode()
            if view in kinds:
                # An explicit template: Streamlit, once imported in the same process, changes Plotly's default,
                # and the same site must come out byte for byte the same wherever it is published from.
                figure = kinds[view].update_layout(template="plotly_white")
                files[f"{folder}/{view}.json"] = plotly.io.to_json(figure, validate=False).encode()
    files["embed/index.html"] = env.get_template("embeds.html").render(embeds=listed, built=built).encode()
    return files


def _bars(table: pl.DataFrame, label: str, unit: str):
    top = with_text(table.head(15), "value", lambda v: fmt_value(v, unit, LANG), "_text")
    return figures.bars(top, value="value", label="name", text="_text", axis_title=label)


def _table_rows(table: pl.DataFrame, unit: str) -> list[tuple[str, str, str]]:
    """(name, value, rate) as the reader reads them: the table every map and chart has beside it."""
    rates = table["rate"].to_list() if "rate" in table.columns else [None] * table.height
    return [
        (name, fmt_value(value, unit, LANG), fmt_rate(rate, LANG) if rate is not None else "")
        for name, value, rate in zip(table["name"].to_list(), table["value"].to_list(), rates, strict=True)
    ]


def heading(key: str) -> str:
    return t(key, LANG)
