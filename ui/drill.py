"""Drill-through to one system: a click on a chart or a table row, and the detail page's system picker.

The system in focus travels in the address as ``?focus=Name (code)`` (:data:`analysis.state.PARAMS`,
:func:`analysis.state.system_param`), so a detail page can be sent as a link.
"""

from __future__ import annotations

import dataclasses
import html

import pandas as pd
import streamlit as st

from analysis import views
from analysis.state import PARAMS, ViewState, system_param
from ui import cached
from ui.context import PageContext, context

DETAIL_PAGE = "pages/system_detail.py"
FOCUS = PARAMS["focus"]


def open_system(code: str) -> None:
    """Drill through to one system's detail page, keeping every filter (they live in the URL)."""
    # Name the system in the URL as the detail page's bound picker spells it (so the link reopens it), and
    # drop any earlier pick held in session state, which would win over the URL. Bound filters travel in
    # the URL by themselves.
    st.session_state.pop(FOCUS, None)
    st.switch_page(DETAIL_PAGE, query_params={FOCUS: system_param(code, context().options.systems)})


def drill_through_from_chart(event) -> None:
    """Open the system whose bar or point was clicked (charts label systems by name)."""
    selection = getattr(event, "selection", None)
    points = (
        (selection or {}).get("points", [])
        if isinstance(selection, dict)
        else getattr(selection, "points", [])
    )
    if not points:
        return
    label = html.unescape(str(points[0].get("y", "")))  # charts show names made inert by safe_text
    by_name = {name: code for code, name in context().options.systems.items()}
    code = by_name.get(label, label)
    if code in context().options.systems:
        open_system(code)


def drill_through_from_table(event, table: pd.DataFrame) -> None:
    """Open the system of the table row selected (the table has a ``Code`` column)."""
    rows = event.selection.rows if event else []
    if rows:
        open_system(table.iloc[rows[0]]["Code"])


def focus_picker(ctx: PageContext) -> ViewState | None:
    """The detail page's system picker, bound to the URL; the view with the picked system in focus.

    Defaults to the most adverse system; None when the filters leave no system.
    """
    summary = cached.view(views.system_summary, ctx.dataset, ctx.state)
    if summary.empty:
        return None
    names = dict(
        zip(summary["system_code"], summary["system_name"].fillna(summary["system_code"]), strict=True)
    )
    codes = sorted(names, key=lambda c: str(names[c]))
    most_adverse = str(summary.sort_values("variance_ytd").iloc[0]["system_code"])
    if st.session_state.get(FOCUS) not in names:
        st.session_state.pop(FOCUS, None)
    # A value already in session state (a drill-through) wins; a non-default index beside it would warn.
    index = 0 if FOCUS in st.session_state else codes.index(most_adverse)
    code = st.selectbox(
        "System",
        codes,
        index=index,
        format_func=lambda c: system_param(c, names),
        key=FOCUS,
        bind="query-params",
    )
    return dataclasses.replace(ctx.state, focus=code)
