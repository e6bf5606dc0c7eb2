"""How pages draw what the views return: the page header, headline figures, charts and money tables."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from analysis import figures, formatting
from analysis.views import Headline
from ui.context import PageContext
from ui.text import plain


def header(title: str, ctx: PageContext) -> None:
    """Page title with the view in words and the data source underneath."""
    st.title(plain(title))
    st.caption(plain(f"{ctx.words()}. Source: {ctx.origin}."))


def headlines(items: tuple[Headline, ...]) -> None:
    """Headline figures, two to a row so values and their words are never cut short."""
    for start in range(0, len(items), 2):
        row = items[start : start + 2]
        for column, item in zip(st.columns(2), row, strict=False):
            column.metric(
                item.label,
                item.value,
                delta=item.delta,
                delta_color=item.delta_color,
                help=item.help or None,
                border=True,
                delta_arrow=item.arrow,
            )


def chart(figure, name: str, key: str | None = None, on_select: str = "ignore"):
    """A plotly figure with its PNG download named after the view, and its text alternative beneath.

    The figure must come from ``ui.cached.view``, which hands out every figure in the form a cached copy
    has, so the chart's widget id is the same on the run that computed it and on the click's rerun.
    """
    event = st.plotly_chart(
        figure,
        config=figures.plotly_config(name),
        key=key,
        on_select=on_select,
        selection_mode=("points",),
        theme=None,
    )
    alt = figures.alt_text(figure)
    if alt:
        st.caption(f"Chart description: {plain(alt)}")
    return event


SPC_ICON_COLUMN = "SPC icon"
"""The Systems table's column of variation icons; the ``Trend (SPC)`` column beside it says them in words."""


def with_spc_icons(table, icons: tuple[str | None, ...], words: str = "Trend (SPC)", after: str = "Code"):
    """The table with a column of SPC icons (``data:`` addresses, one a row) and their words beside it,
    moved up after ``after`` so both are in view without scrolling across."""
    if len(icons) != len(table) or words not in table.columns or after not in table.columns:
        return table
    shown = table.copy()
    text = shown.pop(words)
    at = list(shown.columns).index(after) + 1
    shown.insert(at, SPC_ICON_COLUMN, list(icons))
    shown.insert(at + 1, words, text)
    return shown


def leading_order(columns, lead: Sequence[str], unit: formatting.Unit) -> list[str]:
    """``columns`` with those ``lead`` names (``"Variance YTD"`` matches ``"Variance YTD (£m)"``) first."""
    columns = [str(c) for c in columns]
    first = [c for name in lead for c in (name, f"{name} ({unit})") if c in columns]
    return first + [c for c in columns if c not in first]


def money_table(
    table,
    unit: formatting.Unit,
    key: str | None = None,
    on_select: str = "ignore",
    height="auto",
    lead: Sequence[str] = (),
):
    """A table whose money and percentage columns (as its view marked them) use the board's number format.

    ``lead`` names columns (money ones without their unit) to show first, in that order, so the figures a
    reader came for fit a laptop's width; every other column follows in the table's own order. A column of
    SPC icons (:func:`with_spc_icons`) is shown as images.
    """
    config = {
        column: st.column_config.NumberColumn(column, **options)
        for column, options in formatting.table_column_formats(table, unit).items()
    }
    if SPC_ICON_COLUMN in table.columns:
        config[SPC_ICON_COLUMN] = st.column_config.ImageColumn(
            SPC_ICON_COLUMN,
            help="Making Data Count variation icon of the latest month's in-month variance; "
            "Trend (SPC) beside it says it in words.",
            width="small",
        )
    return st.dataframe(
        table,
        hide_index=True,
        column_config=config,
        key=key,
        on_select=on_select,
        selection_mode="single-row",
        column_order=leading_order(table.columns, lead, unit) if lead else None,
        height=height,
        width="stretch",
    )
