"""The Making Data Count icons, drawn here as small SVGs: variation (latest point) and assurance (target).

Each icon is a coloured ring in the MDC colours (grey common cause, blue improvement, orange concern,
purple when neither direction is better; assurance blue pass, orange fail, grey hit and miss) around a
little run of points, and says what it means in a second way so colour never carries it alone: a letter
(H or L for the side of a special cause, P, F or ? for assurance), the chart's marker shape for the
nature of a special cause (triangle improvement, diamond concern, square neither) and the run of points
rising or falling. Every SVG has a ``<title>`` holding the icon's text alternative
(:data:`analysis.spc.VARIATION_ICON_TEXT`, :data:`analysis.spc.ASSURANCE_ICON_TEXT`), and every place that
shows an icon shows its words too.
"""

from __future__ import annotations

import base64
import functools
from html import escape
from typing import Final

import plotly.graph_objects as go

from analysis import spc
from analysis.spc import Assurance, Variation

ICON_SIZE: Final = 48
"""Width and height in CSS pixels of the drawn icon (it scales: the SVG has a viewBox)."""

_RING: Final[dict[Variation, str]] = {
    "common_cause": spc.COMMON_CAUSE_GREY,
    "improvement_high": spc.IMPROVEMENT_BLUE,
    "improvement_low": spc.IMPROVEMENT_BLUE,
    "concern_high": spc.CONCERN_ORANGE,
    "concern_low": spc.CONCERN_ORANGE,
    "neither_high": spc.NEUTRAL_PURPLE,
    "neither_low": spc.NEUTRAL_PURPLE,
}

_ASSURANCE_COLOUR: Final[dict[Assurance, str]] = {
    "pass": spc.IMPROVEMENT_BLUE,
    "fail": spc.CONCERN_ORANGE,
    "inconsistent": spc.COMMON_CAUSE_GREY,
}
_ASSURANCE_LETTER: Final[dict[Assurance, str]] = {"pass": "P", "fail": "F", "inconsistent": "?"}

_DARK: Final = "#425563"
"""Points of common cause and text on a light ground (NHS dark grey)."""


def _open(title: str) -> str:
    size = ICON_SIZE
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 100 100" '
        f'role="img"><title>{escape(title)}</title>'
        '<circle cx="50" cy="50" r="45" fill="#ffffff" stroke-width="7" '
    )


def _points(heights: list[float], colours: list[str]) -> str:
    """A little run of points across the icon's middle; heights in SVG units from the top."""
    xs = [24 + 13 * i for i in range(len(heights))]
    line = " ".join(f"{x},{y:g}" for x, y in zip(xs, heights, strict=True))
    dots = "".join(
        f'<circle cx="{x}" cy="{y:g}" r="5" fill="{c}"/>'
        for x, y, c in zip(xs, heights, colours, strict=True)
    )
    return f'<polyline points="{line}" fill="none" stroke="{_DARK}" stroke-width="2"/>{dots}'


def _badge(kind: str, colour: str) -> str:
    """The chart's marker shape for the nature of the special cause, bottom right."""
    paint = f'fill="{colour}" stroke="{_DARK}" stroke-width="1.5"'
    if kind == "improvement":
        return f'<polygon points="78,66 88,84 68,84" {paint}/>'
    if kind == "concern":
        return f'<polygon points="78,64 89,75 78,86 67,75" {paint}/>'
    return f'<rect x="69" y="66" width="18" height="18" {paint}/>'


def _letter(text: str, colour: str, x: int = 50, y: int = 36, size: int = 26) -> str:
    return (
        f'<text x="{x}" y="{y}" font-family="Arial, Helvetica, sans-serif" font-size="{size}" '
        f'font-weight="bold" text-anchor="middle" fill="{colour}">{escape(text)}</text>'
    )


@functools.cache
def variation_svg(variation: Variation) -> str:
    """The variation icon of one class as an SVG document, its text alternative in ``<title>``."""
    colour = _RING[variation]
    body = _open(spc.VARIATION_ICON_TEXT[variation]) + f'stroke="{colour}"/>'
    if variation == "common_cause":
        heights = [66.0, 58.0, 68.0, 60.0, 64.0]
        return body + _points(heights, [_DARK] * 5) + "</svg>"
    kind, side = variation.rsplit("_", 1)
    heights = [74.0, 72.0, 66.0, 58.0, 50.0] if side == "high" else [46.0, 50.0, 56.0, 64.0, 72.0]
    colours = [_DARK, _DARK, colour, colour, colour]
    letter = "H" if side == "high" else "L"
    return body + _points(heights, colours) + _letter(letter, colour) + _badge(kind, colour) + "</svg>"


@functools.cache
def assurance_svg(assurance: Assurance) -> str | None:
    """The assurance icon of one class as an SVG document; None for "none" (MDC draws no icon then)."""
    if assurance not in _ASSURANCE_COLOUR:
        return None
    colour = _ASSURANCE_COLOUR[assurance]
    body = _open(spc.ASSURANCE_ICON_TEXT[assurance]) + f'stroke="{colour}"/>'
    # The process limits as a band, the target as a dashed line: inside the band for hit and miss,
    # clear of it for pass and fail (the letter says which).
    band = '<rect x="20" y="56" width="60" height="20" fill="#e8edee"/>'
    target_y = 66 if assurance == "inconsistent" else 46 if assurance == "pass" else 86
    target = (
        f'<line x1="16" y1="{target_y}" x2="84" y2="{target_y}" stroke="{_DARK}" stroke-width="4" '
        'stroke-dasharray="8 5"/>'
    )
    return body + band + target + _letter(_ASSURANCE_LETTER[assurance], colour, y=44, size=34) + "</svg>"


def data_uri(svg: str) -> str:
    """An SVG as a ``data:`` address, for an image column, a chart's layout image or an ``<img>``."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def variation_icon(variation: Variation) -> str:
    """The variation icon of one class as a ``data:`` address."""
    return data_uri(variation_svg(variation))


def assurance_icon(assurance: Assurance) -> str | None:
    """The assurance icon of one class as a ``data:`` address; None for "none"."""
    svg = assurance_svg(assurance)
    return data_uri(svg) if svg else None


def variation_words(variation: Variation | None, n_points: int, provisional: bool) -> str:
    """A variation class in words as tables show it, saying when the limits are provisional.

    ``"Special cause – improving (high); provisional limits (9 points)"``; ``"too few points"`` when
    there is no class.
    """
    if variation is None:
        return "too few points"
    text = spc.VARIATION_LABELS[variation]
    if provisional:
        text += f"; provisional limits ({n_points} point{'' if n_points == 1 else 's'})"
    return text


def add_icons(figure: go.Figure, variation: Variation, assurance: Assurance) -> go.Figure:
    """Put the variation icon (and the assurance icon, when there is one, to its left) above the plot's
    top-right corner, where Making Data Count charts carry them, clear of the left-aligned title.

    The chart's title and text alternative say the same in words.
    """
    icons = [i for i in (variation_icon(variation), assurance_icon(assurance)) if i]
    for position, source in enumerate(icons):
        figure.add_layout_image(
            source=source,
            xref="paper",
            yref="paper",
            x=1 - 0.08 * position,
            y=1.02,
            sizex=0.075,
            sizey=0.3,
            xanchor="right",
            yanchor="bottom",
            layer="above",
        )
    return figure


def month_ticks(most: int = 12) -> dict:
    """Category-axis ticks for short month labels (:func:`short_month`): plotly thins them to fit the
    chart's width, at most ``most`` of them, angled, so a run across several years never overlaps."""
    return {"tickmode": "auto", "nticks": most, "tickangle": -45}


def short_month(label: str) -> str:
    """``"Sep 2018"`` → ``"Sep 18"`` (anything else unchanged)."""
    parts = label.split(" ")
    if len(parts) == 2 and parts[1].isdigit() and len(parts[1]) == 4:
        return f"{parts[0]} {parts[1][2:]}"
    return label


__all__ = [
    "ICON_SIZE",
    "add_icons",
    "assurance_icon",
    "assurance_svg",
    "data_uri",
    "month_ticks",
    "short_month",
    "variation_icon",
    "variation_svg",
    "variation_words",
]
