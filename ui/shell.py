"""The frame around every page: data loading, the shared filter bar bound to the URL, banners, guards.

`app.py` calls `render()` once per run before the chosen page; pages call `context()` for the dataset and
the resolved filters, so no page builds its own filter widgets or loads data itself.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from analysis import figures, formatting
from analysis.filters import Filters, Options, available_options, resolve
from analysis.model import Dataset
from ui import content, data

LOG = logging.getLogger("ics_dashboard")
MAX_UPLOAD_MB = int(st.get_option("server.maxUploadSize"))
CONTEXT_KEY = "_page_context"
FILTER_KEYS = ("year", "month", "region", "system", "org_type", "rating", "unit", "restate")
UNITS: tuple[formatting.Unit, ...] = ("£m", "£000")


@dataclass(frozen=True)
class PageContext:
    """What a page needs: the dataset, where it came from, the resolved filters and the unit."""

    dataset: Dataset
    origin: str
    filters: Filters
    unit: formatting.Unit
    restate: bool
    options: Options


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def plain(text: object) -> str:
    """A data value made safe to put inside Markdown: every formatting character escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def context() -> PageContext:
    """The context `render()` prepared for this run."""
    ctx = st.session_state.get(CONTEXT_KEY)
    if ctx is None:
        _run_through_app()
    return ctx


def _run_through_app() -> None:
    """A page script ran without app.py: Streamlit's legacy pages/ mode on a fresh server's first deep link.

    Until some session has called st.navigation, Streamlit runs a script from pages/ directly when the URL
    names it. Switching that legacy mode off and rerunning sends the session through app.py, which draws
    the real navigation and the filter bar, and opens the page the link asked for.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    st.error("This page could not be opened directly. Open the dashboard's home page and choose it there.")
    st.stop()


def _reset_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)


def _filter_bar(dataset: Dataset) -> tuple[Filters, formatting.Unit, bool, Options]:
    """Sidebar widgets, each bound to a query parameter so a copied link reproduces the view."""
    options = available_options(dataset)
    sidebar = st.sidebar
    sidebar.header("Filters")
    years = list(reversed(options.years))
    year = sidebar.selectbox("Financial year", years, key="year", bind="query-params") if years else None
    months = options.months.get(year, ()) if year else ()
    month = None
    if months:
        month = sidebar.selectbox(
            "As at month",
            list(reversed(months)),
            format_func=lambda m: formatting.month_label(year, m),
            key="month",
            bind="query-params",
            help="Year to date runs from April (M01) to this month; default: the latest month with actuals.",
        )
    systems = options.systems
    regions = sidebar.multiselect("Region", options.regions, key="region", bind="query-params")
    chosen_systems = sidebar.multiselect(
        "Systems",
        list(systems),
        format_func=lambda code: f"{systems.get(code, code)} ({code})",
        key="system",
        bind="query-params",
    )
    org_types = sidebar.multiselect(
        "Organisation type", options.org_types, key="org_type", bind="query-params"
    )
    ratings = sidebar.multiselect("2017 progress rating", options.ratings, key="rating", bind="query-params")
    unit = sidebar.radio("Units", UNITS, horizontal=True, key="unit", bind="query-params")
    restate = sidebar.toggle(
        "Restate on today's footprints",
        key="restate",
        bind="query-params",
        help=content.MERGED_FOOTPRINTS,
    )
    sidebar.button("Reset filters", on_click=_reset_filters, icon=":material/restart_alt:")
    chosen = Filters(
        financial_year=year,
        month=month,
        regions=tuple(regions),
        systems=tuple(chosen_systems),
        org_types=tuple(org_types),
        ratings=tuple(ratings),
    )
    return resolve(chosen, dataset, options), unit, bool(restate), options


def active_filters_sentence(ctx: PageContext) -> str:
    """The filters in force, in words, for the top of each page and for exports."""
    f = ctx.filters
    parts = []
    if f.financial_year and f.month:
        parts.append(
            f"{f.financial_year}, year to date at {formatting.month_label(f.financial_year, f.month)}"
        )
    if f.regions:
        parts.append("region " + ", ".join(f.regions))
    if f.systems:
        names = ctx.options.systems
        parts.append("systems " + ", ".join(names.get(c, c) for c in f.systems))
    if f.org_types:
        parts.append("organisation types " + ", ".join(f.org_types))
    if f.ratings:
        parts.append("rated " + ", ".join(f.ratings))
    if ctx.restate:
        parts.append("restated on today's footprints")
    parts.append(f"figures in {ctx.unit}")
    return "; ".join(parts)


def render() -> None:
    """Load the data and draw the filter bar; store the context for the page about to run."""
    try:
        loaded = data.current_data()
    except data.DataUnavailable as exc:
        st.error(str(exc), icon=":material/folder_off:")
        st.stop()
    dataset = loaded.dataset
    filters, unit, restate, options = _filter_bar(dataset)
    st.session_state[CONTEXT_KEY] = PageContext(dataset, loaded.origin, filters, unit, restate, options)
    if loaded.warning:
        st.warning(loaded.warning, icon=":material/warning:")
    if dataset.is_sample:
        st.info(content.SAMPLE_BANNER, icon=":material/science:")
    if dataset.rows_quarantined or dataset.file_errors:
        st.warning(
            f"{dataset.rows_quarantined:,} rows were held back by the checks"
            + (f" and {len(dataset.file_errors)} file(s) could not be read" if dataset.file_errors else "")
            + ": see the Data page.",
            icon=":material/rule:",
        )


def header(title: str, ctx: PageContext) -> None:
    """Page title with the active filters and data source underneath."""
    st.title(title)
    st.caption(f"{active_filters_sentence(ctx)}. Source: {ctx.origin}.")


def guarded(run: Callable[[], None]) -> None:
    """Run a page; any unexpected error becomes a plain message (details go to the server log)."""
    try:
        run()
    except Exception:
        LOG.exception("page failed")
        st.error(
            "This view could not be drawn for the current selection. Your data and filters are unchanged: "
            "try another selection, press Reset filters, or check the Data page.",
            icon=":material/error:",
        )


def headlines(items) -> None:
    """Headline figures in one row; deltas carry a sign and words, not only a colour."""
    columns = st.columns(len(items))
    for column, item in zip(columns, items, strict=True):
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
    """A plotly figure with its PNG download named after the view, and its text alternative beneath."""
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


def money_table(
    table, unit: formatting.Unit, key: str | None = None, on_select: str = "ignore", height="auto"
):
    """A table whose money columns (headers ending in the unit) use the board's number format."""
    config = {}
    for column in table.columns:
        if str(column).endswith(f"({unit})"):
            config[column] = st.column_config.NumberColumn(column, **formatting.number_column_config(unit))
        elif str(column).endswith("%"):
            config[column] = st.column_config.NumberColumn(column, format="%.2f%%")
    return st.dataframe(
        table,
        hide_index=True,
        column_config=config,
        key=key,
        on_select=on_select,
        selection_mode="single-row",
        height=height,
        width="stretch",
    )


DETAIL_PAGE = "pages/system_detail.py"


def open_system(code: str) -> None:
    """Drill through to one system's detail page, keeping every filter (they live in the URL)."""
    st.session_state["focus"] = code
    st.switch_page(DETAIL_PAGE)


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
    label = points[0].get("y")
    by_name = {name: code for code, name in context().options.systems.items()}
    code = by_name.get(label, label)
    if code in context().options.systems:
        open_system(code)


def system_picker(ctx: PageContext) -> str | None:
    """The system shown on the detail page, bound to the URL; defaults to the most adverse one."""
    from ui import cached

    summary = cached.view("system_summary", ctx)
    if summary.empty:
        return None
    names = dict(
        zip(summary["system_code"], summary["system_name"].fillna(summary["system_code"]), strict=True)
    )
    codes = sorted(names, key=lambda c: str(names[c]))
    most_adverse = str(summary.sort_values("variance_ytd").iloc[0]["system_code"])
    if st.session_state.get("focus") not in names:
        st.session_state.pop("focus", None)
    # A value already in session state (a drill-through) wins; a non-default index beside it would warn.
    index = 0 if "focus" in st.session_state else codes.index(most_adverse)
    return st.selectbox(
        "System",
        codes,
        index=index,
        format_func=lambda c: f"{names[c]} ({c})",
        key="focus",
        bind="query-params",
    )
