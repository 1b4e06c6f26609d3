"""Plotly map builders. Maps are SVG outline maps (no tile server): one choropleth location per region,
``fitbounds="locations"`` and the base map switched off; COA locations are points on top."""

from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl

from dashboard import geo, palette
from dashboard.figures import layout
from dashboard.i18n import fmt_number

# Indicators read against a reference point get a diverging scale: (midpoint, orange below the midpoint).
# Backlog (+) / lead (-): zero in the middle, orange above it. Percentage realised: 100 in the middle, orange
# (behind schedule) below it.
DIVERGING_SCALES: dict[str, tuple[float, bool]] = {
    "huisvesting_saldo": (0.0, False),
    "realisatie_pct": (100.0, True),
}


def choropleth(
    geojson: dict,
    frame: pl.DataFrame,
    *,
    color: str,
    hover: list[tuple[str, str]],
    colorbar_title: str,
    diverging: bool = False,
    midpoint: float = 0.0,
    reverse: bool = False,
    highlight: str | None = None,
    no_data_label: str = "",
    height: int = 480,
    title: str | None = None,
    lang: str = "nl",
) -> go.Figure:
    """A choropleth of ``frame[color]`` over every feature of ``geojson``.

    The colour scale stops at the 95th percentile (a few outliers would otherwise wash out every other
    region; hover still shows the exact value). ``diverging`` centres the scale on ``midpoint``; ``reverse``
    puts orange below it (for a percentage realised, below 100 is a backlog).

    ``frame`` has ``code`` and ``name``; ``hover`` lists (label, column) pairs of pre-formatted text.
    Regions in the geometry without a value get one grey no-data trace, so each region is drawn once.
    """
    all_codes = geo.codes(geojson)
    names = geo.names(geojson)
    present = frame.filter(pl.col("code").is_in(all_codes) & pl.col(color).is_not_null())
    codes = present["code"].to_list()
    values = present[color].to_list()
    customdata = present.select("name", *[column for _, column in hover]).rows()
    template = (
        "<b>%{customdata[0]}</b>"
        + "".join(f"<br>{label}: %{{customdata[{i + 1}]}}" for i, (label, _) in enumerate(hover))
        + "<extra></extra>"
    )
    zmin, zmax = _colour_range(values, diverging, midpoint)
    high = zmax is not None and max(values) > zmax
    low = diverging and zmin is not None and min(values) < zmin  # a sequential scale starts at 0 or the lowest
    tickvals, ticktext = _capped_ticks(zmin, zmax, lang, low=low, high=high) if high or low else (None, None)
    colours = palette.DIVERGING if diverging else palette.SEQUENTIAL
    if reverse:
        colours = tuple(reversed(colours))
    fig = go.Figure()
    fig.add_trace(
        go.Choropleth(
            geojson=geo.for_trace(geojson, codes),
            locations=codes,
            z=values,
            featureidkey="id",
            colorscale=palette.scale(colours),
            zmid=midpoint if diverging else None,
            zmin=zmin,
            zmax=zmax,
            marker=dict(line=_OUTLINE),
            customdata=customdata,
            hovertemplate=template,
            colorbar=dict(
                title=dict(text=colorbar_title, side="top"),
                orientation="h",
                x=0,
                xanchor="left",
                y=-0.02,
                yanchor="top",
                thickness=12,
                len=0.9,
                tickvals=tickvals,
                ticktext=ticktext,
                ticklabeloverflow="allow",  # the end labels sit on the bar's edges; Plotly hid the left one
            ),
            name="",
        )
    )
    missing = [code for code in all_codes if code not in set(codes)]
    if missing:
        fig.add_trace(
            go.Choropleth(
                geojson=geo.for_trace(geojson, missing),
                locations=missing,
                z=[0] * len(missing),
                featureidkey="id",
                colorscale=[[0, palette.NO_DATA], [1, palette.NO_DATA]],
                showscale=False,
                marker=dict(line=_OUTLINE),
                customdata=[[names[code]] for code in missing],
                hovertemplate=f"<b>%{{customdata[0]}}</b><br>{no_data_label}<extra></extra>",
                # A legend entry says what the grey means (not 0), also on a phone where nobody hovers.
                name=no_data_label,
                showlegend=bool(no_data_label),
            )
        )
        fig.update_layout(legend=_LEGEND_ABOVE)
    if highlight in names:
        _highlight_outline(fig, geojson, highlight)
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    return layout(fig, height, title, lang)


_OUTLINE = dict(width=0.4, color=palette.OUTLINE)
# A map's legend (the grey of 'no data', the point categories) runs along its top edge.
_LEGEND_ABOVE = dict(orientation="h", x=0, y=1.0, yanchor="bottom", font=dict(size=12))


def _highlight_outline(fig: go.Figure, geojson: dict, code: str) -> None:
    """A thick outline around one region, as its own one-shape trace on top: per-shape width and colour
    arrays on a national map would cost ~5 KB per map. Transparent, and skipped for hover, so the region's
    own trace below still answers the mouse."""
    fig.add_trace(
        go.Choropleth(
            geojson=geo.for_trace(geojson, [code]),
            locations=[code],
            z=[0],
            featureidkey="id",
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
            showscale=False,
            marker=dict(line=dict(width=2.5, color=palette.HIGHLIGHT)),
            hoverinfo="skip",
            name="",
        )
    )


def _capped_ticks(
    zmin: float, zmax: float, lang: str, *, low: bool = False, high: bool = True
) -> tuple[list[float], list[str]]:
    """Colour bar ticks for a scale that stops short of the values: round steps, the top one labelled '≥ zmax'
    (``high``) and the bottom one '≤ zmin' (``low``), so a reader sees that the darkest regions may lie far
    beyond (a backlog of 1,015 and one of 53 share a colour; hover gives the exact value)."""
    raw = (zmax - zmin) / 4 or 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    # The ends of the scale, and round steps between them (0 in the middle of a diverging scale).
    first = math.ceil(zmin / step) * step
    inner = [round(first + i * step, 10) for i in range(int((zmax - first) / step) + 1)]
    inner = [v for v in inner if zmin + step / 2 < v < zmax - step / 2]  # room for the end labels on a phone
    decimals = 0 if zmax >= 10 else (1 if zmax >= 1 else 2)

    def label(v: float) -> str:
        return fmt_number(v, lang, 0 if v == int(v) else decimals)

    bottom, top = label(zmin), label(zmax)
    return [zmin, *inner, zmax], [f"≤ {bottom}" if low else bottom, *map(label, inner), f"≥ {top}" if high else top]


def _colour_range(values: list[float], diverging: bool, midpoint: float) -> tuple[float | None, float | None]:
    """zmin, zmax: up to the 95th percentile; symmetric around ``midpoint`` when diverging."""
    if not values:
        return None, None
    ordered = sorted(values)
    high = ordered[min(len(ordered) - 1, int(0.95 * (len(ordered) - 1) + 0.5))]
    low = ordered[max(0, int(0.05 * (len(ordered) - 1)))]
    if diverging:
        extent = max(abs(high - midpoint), abs(low - midpoint)) or 1.0
        return midpoint - extent, midpoint + extent
    return min(0.0, ordered[0]), (high if high > min(0.0, ordered[0]) else None)


def add_points(
    fig: go.Figure,
    points: pl.DataFrame,
    *,
    category: str,
    size: str,
    hover: list[tuple[str, str]],
    name_column: str = "name",
    order: list[str] | None = None,
) -> go.Figure:
    """Scaled circles (area ~ ``size``), one trace per category so the legend explains the colours. A category's
    colour is its place in ``order`` (default: the order in ``points``), so a filtered view keeps the colours."""
    biggest = max((v for v in points[size].to_list() if v is not None), default=1) or 1
    groups = list(points.group_by(category, maintain_order=True))
    order = list(order) if order is not None else [group[0] for group, _ in groups]
    for group, part in groups:
        label = group[0]
        index = order.index(label) if label in order else len(order)
        sizes = [6 + 26 * math.sqrt((v or 0) / biggest) for v in part[size].to_list()]
        customdata = part.select(name_column, *[column for _, column in hover]).rows()
        template = (
            "<b>%{customdata[0]}</b>"
            + "".join(f"<br>{text}: %{{customdata[{i + 1}]}}" for i, (text, _) in enumerate(hover))
            + "<extra></extra>"
        )
        fig.add_trace(
            go.Scattergeo(
                lat=part["lat"].to_list(),
                lon=part["lon"].to_list(),
                mode="markers",
                marker=dict(
                    size=sizes,
                    color=palette.CATEGORICAL[index % len(palette.CATEGORICAL)],
                    line=dict(width=1, color="#ffffff"),
                    opacity=0.85,
                    symbol="diamond" if "nood" in str(label).lower() or "emergency" in str(label).lower() else "circle",
                ),
                customdata=customdata,
                hovertemplate=template,
                name=str(label),
            )
        )
    fig.update_layout(legend=_LEGEND_ABOVE)
    return fig


def indicator_map(
    md,
    collection: dict,
    indicator_id: str,
    unit: str,
    lang: str,
    *,
    measure: str = "rate",
    highlight: str | None = None,
    no_data_label: str | None = None,
    height: int = 520,
    title: str | None = None,
) -> go.Figure:
    """The choropleth of one indicator at one level and period (``MapData``) on ``collection``: per 1,000
    inhabitants where the build made rates and ``measure`` asks for them, else the value; hover texts in the
    reader's language; the diverging scale for indicators read against a reference point. The live pages and the
    static edition draw their maps with this one function."""
    from dashboard.frames import with_text
    from dashboard.i18n import fmt_rate, fmt_value, t, unit_label

    use_rate = measure == "rate" and md.has_rates
    shapes = with_text(md.shapes, "value", lambda v: None if v is None else fmt_value(v, unit, lang), "_abs")
    # "Absolute" only means something next to a rate; a percentage or a count alone is just the value.
    hover = [(t("hover_abs" if md.has_rates else "value", lang), "_abs")]
    if md.has_rates:
        shapes = with_text(shapes, "rate", lambda v: fmt_rate(v, lang), "_rate")
        hover.append((t("hover_rate", lang), "_rate"))
    if md.mapped:
        hover.append((str(md.region_year), "from_names"))
    colour = "rate" if use_rate else "value"
    midpoint, reverse = DIVERGING_SCALES.get(indicator_id, (0.0, False))
    return choropleth(
        collection,
        shapes,
        color=colour,
        hover=hover,
        colorbar_title=t("rate", lang) if use_rate else unit_label(unit, lang),
        diverging=indicator_id in DIVERGING_SCALES and colour == "value",
        midpoint=midpoint,
        reverse=reverse,
        highlight=highlight,
        no_data_label=no_data_label or t("no_data", lang),
        height=height,
        title=title,
        lang=lang,
    )
