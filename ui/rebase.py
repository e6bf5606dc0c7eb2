"""System detail's choice of where the SPC chart starts new limits, bound to the link's ``rebase``."""

from __future__ import annotations

import dataclasses

import streamlit as st

from analysis.state import PARAMS, ViewState
from ui.context import PageContext

REBASE = PARAMS["rebase"]


def rebase_years(ctx: PageContext, state: ViewState) -> tuple[str, ...]:
    """The financial years the SPC chart could start new limits at: every year charted but the first.

    The chart runs over every year up to the chosen one, so those are the years up to it.
    """
    chosen = state.filters.financial_year
    years = [y for y in ctx.options.years if chosen is None or y <= chosen]
    return tuple(years[1:])


def rebase_picker(ctx: PageContext, state: ViewState) -> ViewState:
    """A choice of financial years at whose first month the SPC chart starts new limits; the view with it.

    Bound to the link (``?rebase=2018/19``), so a rebased chart can be shared; a year no longer offered
    (the filters changed) is dropped.
    """
    options = rebase_years(ctx, state)
    kept = [y for y in st.session_state.get(REBASE, []) or [] if y in options]
    if REBASE in st.session_state and kept != st.session_state[REBASE]:
        st.session_state[REBASE] = kept
    chosen = st.multiselect(
        "New SPC limits from the start of",
        options,
        key=REBASE,
        bind="query-params",  # the address holds the years as shown, as ViewState reads them
        help="Start new process limits at the first month of a financial year, for example when the "
        "regime changed; each part of the chart then has its own mean and limits.",
        placeholder="One set of limits",
        disabled=not options,
    )
    return dataclasses.replace(state, rebase=tuple(sorted(chosen)))
