"""The look every chart shares: NHS colours, fonts, wrapped titles, text alternatives, the PNG toolbar.

One place for it, so the chart builders (:mod:`analysis.figures`) only say what each chart shows.
"""

from __future__ import annotations

import re
import textwrap

import plotly.graph_objects as go

NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
NHS_DARK_GREY = "#425563"
NHS_MID_GREY = "#768692"
NHS_PALE_GREY = "#E8EDEE"
ADVERSE = "#D5281B"
"""NHS red for adverse values; always paired with the word "adverse" and a marker shape."""
FAVOURABLE = NHS_BLUE
FONT = dict(family="Arial, Helvetica, sans-serif", color=NHS_DARK_GREY, size=13)
PNG_EXPORT = {"format": "png", "width": 1600, "height": 900, "scale": 2}
"""Modebar PNG download: 3200×1800 px, sharp enough for a slide."""


def safe_text(text: object) -> str:
    """Text from the data made inert for plotly, which reads a subset of HTML (<b>, <a href>) in labels.

    Entities are shown as the characters they stand for, so a name reads as typed and never as markup.
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def with_alt(figure: go.Figure, text: str) -> go.Figure:
    """The figure with its text alternative stored where :func:`alt_text` and the pages find it."""
    figure.update_layout(meta={"alt": text})
    return figure


def alt_text(figure: go.Figure) -> str:
    """The text alternative stored on a figure by its builder."""
    meta = figure.layout.meta
    return meta.get("alt", "") if isinstance(meta, dict) else ""


def plotly_config(file_name: str) -> dict:
    """The plotly toolbar setup: a PNG download with a meaningful file name at slide resolution."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in file_name)
    safe = re.sub(r"_{2,}", "_", safe).strip("_") or "chart"  # "M09 (Dec 2018)" -> "M09_Dec_2018"
    return {
        "displaylogo": False,
        "toImageButtonOptions": {**PNG_EXPORT, "filename": safe[:80]},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


TITLE_WIDTH, SUBTITLE_WIDTH = 44, 60
"""Characters per line of a chart's title (subtitle): longer ones wrap, so a 390 px phone shows all."""


def wrapped(text: object, width: int) -> str:
    """Text made inert for plotly and broken into lines of at most ``width`` characters at spaces."""
    lines = textwrap.wrap(str(text), width, break_long_words=False, break_on_hyphens=False) or [""]
    return "<br>".join(safe_text(line) for line in lines)


def titled_layout(figure: go.Figure, title: str, subtitle: str, height: int) -> go.Figure:
    """Titles wrapped to fit a phone; the top margin grows by a line's height for each extra line."""
    title_text, subtitle_text = wrapped(title, TITLE_WIDTH), wrapped(subtitle, SUBTITLE_WIDTH)
    extra_title, extra_subtitle = title_text.count("<br>"), subtitle_text.count("<br>")
    top = 96 + 26 * extra_title + 20 * extra_subtitle
    figure.update_layout(
        title={
            "text": title_text,
            "subtitle": {"text": subtitle_text},
            "x": 0,
            "xanchor": "left",
        },
        font=FONT,
        height=height + top - 96,
        margin={"l": 10, "r": 30, "t": top, "b": 40},
        plot_bgcolor="white",
        paper_bgcolor="white",
        hoverlabel={"font": {"family": FONT["family"]}},
        legend={"orientation": "h", "yanchor": "top", "y": -0.16, "xanchor": "left", "x": 0},
    )
    axes = {
        "gridcolor": NHS_PALE_GREY,
        "zerolinecolor": NHS_MID_GREY,
        "zerolinewidth": 1.5,
        "automargin": True,
    }
    figure.update_xaxes(**axes)
    figure.update_yaxes(**axes)
    return figure


def empty_figure(message: str) -> go.Figure:
    """A blank chart that says why there is nothing to show."""
    figure = go.Figure()
    figure.add_annotation(text=safe_text(message), showarrow=False, font={"size": 16, "color": NHS_DARK_GREY})
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    titled_layout(figure, "Nothing to show", message, 300)
    return with_alt(figure, message)
