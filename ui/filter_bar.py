"""The shared filter bar: sidebar widgets bound to the page address, read into one view state.

Each widget's key is its parameter in the link (:data:`analysis.state.PARAMS`) and each shown label is the
link's spelling of its value (:func:`analysis.state.month_param`, :func:`analysis.state.system_param`):
Streamlit writes a bound widget's shown label into the address and reads it back, so the address the
widgets keep is the link :meth:`analysis.state.ViewState.to_query_params` writes.
"""

from __future__ import annotations

import streamlit as st

from analysis.filters import Filters, Options, resolve
from analysis.model import Dataset
from analysis.state import FILTER_PARAMS, PARAMS, UNITS, ViewState, month_param, system_param
from ui import cached, content


def _reset_filters(defaults: dict[str, object]) -> None:
    """Back to the defaults by setting each filter widget to its default value.

    A widget bound to the address takes its value from the address when it has none in session state
    (and its parameter may not be deleted directly), so forgetting the widget values alone would read the
    old filters straight back from the link: each is set to its default, which also clears the address.
    """
    for key in FILTER_PARAMS:
        if key in defaults:
            st.session_state[key] = defaults[key]
        else:
            st.session_state.pop(key, None)


def _defaults(options: Options) -> dict[str, object]:
    """Each filter widget's value in the default view: the latest year at its latest month, £m, nothing
    narrowed, the footprints of the time."""
    out: dict[str, object] = {PARAMS[name]: [] for name in ("regions", "systems", "org_types", "ratings")}
    out[PARAMS["unit"]] = UNITS[0]
    out[PARAMS["restate"]] = False
    if options.years:
        year = options.years[-1]
        out[PARAMS["financial_year"]] = year
        months = options.months.get(year, ())
        if months:
            out[PARAMS["month"]] = months[-1]
    return out


def _year_changed() -> None:
    """A new year starts at its own default as-at month, not the old year's."""
    st.session_state.pop(PARAMS["month"], None)


def filter_bar(dataset: Dataset) -> tuple[ViewState, Options]:
    """Draw the sidebar's filters; the resolved view they choose (no system in focus) and their options."""
    options = cached.options(dataset)
    sidebar = st.sidebar
    sidebar.header("Filters")
    years = list(reversed(options.years))
    year = (
        sidebar.selectbox(
            "Financial year",
            years,
            key=PARAMS["financial_year"],
            bind="query-params",
            on_change=_year_changed,
        )
        if years
        else None
    )
    months = options.months.get(year, ()) if year else ()
    month = None
    if months:
        shown = list(reversed(months))
        month = sidebar.selectbox(
            "As at month",
            shown,
            index=shown.index(options.default_month(year)),
            format_func=lambda m: month_param(year, m),
            key=PARAMS["month"],
            bind="query-params",
            help="Year to date runs from April (M01) to this month; default: the latest month in which at "
            "least half the organisations have reported.",
        )
    unit = sidebar.radio("Units", UNITS, horizontal=True, key=PARAMS["unit"], bind="query-params")
    systems = options.systems
    regions = sidebar.multiselect("Region", options.regions, key=PARAMS["regions"], bind="query-params")
    chosen_systems = sidebar.multiselect(
        "Systems",
        list(systems),
        format_func=lambda code: system_param(code, systems),
        key=PARAMS["systems"],
        bind="query-params",
    )
    org_types = sidebar.multiselect(
        "Organisation type", options.org_types, key=PARAMS["org_types"], bind="query-params"
    )
    ratings = sidebar.multiselect(
        "2017 progress rating", options.ratings, key=PARAMS["ratings"], bind="query-params"
    )
    restate = sidebar.toggle(
        "Restate on today's footprints",
        key=PARAMS["restate"],
        bind="query-params",
        help=content.MERGED_FOOTPRINTS,
    )
    sidebar.button(
        "Reset filters", on_click=_reset_filters, args=(_defaults(options),), icon=":material/restart_alt:"
    )
    sidebar.caption("Filters live in the page address: copy it to share this view.")
    chosen = Filters(
        financial_year=year,
        month=month,
        regions=tuple(regions),
        systems=tuple(chosen_systems),
        org_types=tuple(org_types),
        ratings=tuple(ratings),
    )
    return ViewState(resolve(chosen, dataset, options), unit, bool(restate)), options
