"""Plotly chart builders (bars, lines, the realisation chart) and the layout every figure shares; maps are in
``dashboard.maps``. Hover texts are formatted by the caller, so the figure shows numbers the same way as the
tables."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard import palette

FONT = dict(family="sans-serif", size=13)

# Horizontal legend at the bottom of the figure (not of the plot area), so the axis labels keep their room.
_LEGEND_BELOW = dict(orientation="h", x=0, xref="container", y=0, yref="container", yanchor="bottom")


def separators(lang: str) -> str:
    """Plotly's decimal and thousands separators: '12.345,6' in Dutch, '12,345.6' in English."""
    return ".," if lang == "en" else ",."


def layout(fig: go.Figure, height: int, title: str | None = None, lang: str = "nl") -> go.Figure:
    fig.update_layout(
        separators=separators(lang),
        height=height,
        margin=dict(l=4, r=4, t=36 if title else 8, b=8),
        title=dict(text=title, font=dict(size=14), x=0, xanchor="left") if title else None,
        font=FONT,
        hoverlabel=dict(font_size=13),
    )
    return fig


def _date_format(values: list) -> str:
    """Numeric date ticks ('2016-03', '2016'): Plotly's month names would be English in a Dutch page."""
    months = {(v.year, v.month) for v in values if hasattr(v, "month")}
    return "%Y" if all(m == 1 for _, m in months) else "%Y-%m"


def bars(
    frame: pl.DataFrame,
    *,
    value: str,
    label: str,
    text: str,
    axis_title: str,
    highlight: str | None = None,
    height: int | None = None,
    title: str | None = None,
    lang: str = "nl",
) -> go.Figure:
    """Horizontal bars, largest on top; horizontal reads well on a narrow phone screen."""
    data = frame.filter(pl.col(value).is_not_null()).sort(value)
    colours = [
        palette.CATEGORICAL[1] if code == highlight else palette.CATEGORICAL[0] for code in data["code"].to_list()
    ]
    fig = go.Figure(
        go.Bar(
            x=data[value].to_list(),
            y=data[label].to_list(),
            orientation="h",
            marker_color=colours,
            text=data[text].to_list(),
            textposition="auto",
            hovertemplate="<b>%{y}</b><br>%{text}<extra></extra>",
            name="",
        )
    )
    # Whole numbers with the language's separators (100.000), not Plotly's SI default (100k).
    fig.update_xaxes(title_text=axis_title, zeroline=True, zerolinecolor="#666666", tickformat=",~f")
    fig.update_yaxes(automargin=True)
    return layout(fig, height or max(220, 32 * data.height + 80), title, lang)


def _headroom(fig: go.Figure, values: list) -> None:
    """Start the y-axis at zero and leave room above the highest point, so a line near its maximum is not
    drawn on the plot's top edge (Plotly pads lines-only traces by nothing)."""
    present = [v for v in values if v is not None]
    if present and min(present) >= 0 and max(present) > 0:
        fig.update_yaxes(range=[0, max(present) * 1.1])


def lines(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    group: str,
    text: str,
    axis_title: str,
    height: int = 380,
    title: str | None = None,
    markers: bool = True,
    lang: str = "nl",
) -> go.Figure:
    """One line per ``group`` (a region), colours from the categorical palette."""
    fig = go.Figure()
    for index, (key, part) in enumerate(frame.sort(x).group_by(group, maintain_order=True)):
        fig.add_trace(
            go.Scatter(
                x=part[x].to_list(),
                y=part[y].to_list(),
                mode="lines+markers" if markers else "lines",
                name=str(key[0]),
                line=dict(color=palette.CATEGORICAL[index % len(palette.CATEGORICAL)], width=2),
                text=part[text].to_list(),
                hovertemplate="<b>%{fullData.name}</b><br>%{x|%Y-%m}: %{text}<extra></extra>",
            )
        )
    fig.update_yaxes(title_text=axis_title, rangemode="tozero", tickformat=",~f")
    _headroom(fig, frame[y].to_list())
    fig.update_xaxes(tickformat=_date_format(frame[x].to_list()))
    fig.update_layout(legend=_LEGEND_BELOW)
    return layout(fig, height, title, lang)


def series(
    x: list,
    y: list,
    text: list[str],
    *,
    axis_title: str,
    height: int = 320,
    title: str | None = None,
    fill: bool = True,
    lang: str = "nl",
) -> go.Figure:
    """A single time series (e.g. national asylum requests per year)."""
    fig = go.Figure(
        go.Scatter(
            x=x,
            y=y,
            mode="lines",
            fill="tozeroy" if fill else None,
            line=dict(color=palette.CATEGORICAL[0], width=2),
            text=text,
            hovertemplate="%{x|%Y}: %{text}<extra></extra>",
            name="",
        )
    )
    fig.update_yaxes(title_text=axis_title, rangemode="tozero", tickformat=",~r")
    _headroom(fig, y)
    fig.update_xaxes(tickformat=_date_format(x))
    return layout(fig, height, title, lang)


def realisation(
    months: list,
    monthly: list[float],
    cumulative: list[float],
    target: list[float],
    *,
    labels: dict[str, str],
    text: dict[str, list[str]],
    height: int = 360,
    title: str | None = None,
    lang: str = "nl",
) -> go.Figure:
    """Monthly housing bars with the cumulative line and the pro-rata target line."""
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=months,
            y=monthly,
            name=labels["monthly"],
            marker_color=palette.CATEGORICAL[4],
            text=text["monthly"],
            # No labels on the bars: the cumulative line starts on top of the first bar and its markers covered
            # them. The numbers are in the hover and in the table next to the chart.
            textposition="none",
            hovertemplate="%{x|%Y-%m}: %{text}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=months,
            y=cumulative,
            name=labels["cumulative"],
            mode="lines+markers",
            line=dict(color=palette.CATEGORICAL[0], width=3),
            text=text["cumulative"],
            hovertemplate="%{x|%Y-%m}: %{text}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=months,
            y=target,
            name=labels["target"],
            mode="lines+markers",
            line=dict(color=palette.CATEGORICAL[5], width=2, dash="dash"),
            marker=dict(symbol="diamond"),
            text=text["target"],
            hovertemplate="%{x|%Y-%m}: %{text}<extra></extra>",
        )
    )
    # The legend at the foot of the whole figure: placed just under the plot, a phone's month labels ran into it.
    fig.update_layout(legend=_LEGEND_BELOW, barmode="overlay")
    fig.update_xaxes(tickformat=_date_format(months), dtick="M1")
    fig.update_yaxes(rangemode="tozero", tickformat=",~f")
    return layout(fig, height, title, lang)
