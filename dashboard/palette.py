"""Colour-blind-safe colours. The same lists are set in ``.streamlit/config.toml`` (a test keeps them equal),
so Streamlit's own charts and the Plotly figures built here look alike."""

from __future__ import annotations

# Okabe & Ito (2008), safe for the common colour-vision deficiencies; black and grey last.
CATEGORICAL = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#999999",
    "#332288",
)
# One hue (blue), light to dark: readable in greyscale and for every colour-vision deficiency.
SEQUENTIAL = (
    "#f7fbff",
    "#e3eef9",
    "#cfe1f2",
    "#b5d4e9",
    "#93c3df",
    "#6daed5",
    "#4b97c9",
    "#2f7ebc",
    "#1864aa",
    "#08306b",
)
# Blue (lead, below zero) to orange (backlog, above zero), centred on zero.
DIVERGING = (
    "#08306b",
    "#2171b5",
    "#4292c6",
    "#9ecae1",
    "#deebf7",
    "#fee6ce",
    "#fdae6b",
    "#f16913",
    "#d94801",
    "#7f2704",
)
NO_DATA = "#d9d9d9"
OUTLINE = "#ffffff"
HIGHLIGHT = "#000000"


def scale(colours: tuple[str, ...]) -> list[list[float | str]]:
    """A Plotly colourscale with the colours evenly spaced."""
    last = len(colours) - 1
    return [[i / last, colour] for i, colour in enumerate(colours)]
