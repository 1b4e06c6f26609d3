"""Small trends for the static profiles: an inline SVG line per indicator with three or more periods, drawn on
the server (no JavaScript, so it prints in the factsheet too) and described in words for a screen reader."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 110, 26, 2


def sparkline(points: list[tuple[date, float]], label: str) -> Markup:
    """``points`` (period start, value), oldest first, as a polyline scaled to its own range from zero and placed
    in time (2015 then 2019: four years apart, not one step); the label is the SVG's accessible name and tooltip."""
    values = [v for _, v in points]
    top = max(max(values), 0.0) or 1.0
    bottom = min(min(values), 0.0)
    span = (top - bottom) or 1.0
    first, last = points[0][0], points[-1][0]
    days = (last - first).days or 1
    coords = " ".join(
        f"{PAD + (day - first).days / days * (WIDTH - 2 * PAD):.1f},"
        f"{HEIGHT - PAD - (v - bottom) / span * (HEIGHT - 2 * PAD):.1f}"
        for day, v in points
    )
    text = escape(label)
    return Markup(
        f'<svg class="spark" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{text}"><title>{text}</title>'
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{coords}"/></svg>'
    )
