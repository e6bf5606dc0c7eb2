"""The frame around every page: data loading, the shared filter bar bound to the URL, banners, guards.

`app.py` calls `render()` once per run before the chosen page; pages call `context()` for the dataset and
the resolved filters, so no page builds its own filter widgets or loads data itself.
"""

from __future__ import annotations

import html
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from analysis import boardpack, exports, figures, formatting
from analysis.filters import Filters, Options, resolve
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
    unread: tuple = ()
    """Data folder files that could not be read just now (the last good data is shown meanwhile)."""


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$:])")


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


def _year_changed() -> None:
    """A new year starts at its own default as-at month (its latest with actuals), not the old year's."""
    st.session_state.pop("month", None)


def _filter_bar(dataset: Dataset) -> tuple[Filters, formatting.Unit, bool, Options]:
    """Sidebar widgets, each bound to a query parameter so a copied link reproduces the view."""
    from ui import cached

    options = cached.options(dataset)
    sidebar = st.sidebar
    sidebar.header("Filters")
    years = list(reversed(options.years))
    year = (
        sidebar.selectbox("Financial year", years, key="year", bind="query-params", on_change=_year_changed)
        if years
        else None
    )
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
    unit = sidebar.radio("Units", UNITS, horizontal=True, key="unit", bind="query-params")
    systems = options.systems
    regions = sidebar.multiselect("Region", options.regions, key="region", bind="query-params")
    chosen_systems = sidebar.multiselect(
        "Systems",
        list(systems),
        format_func=lambda code: exports.system_label(code, systems),  # the URL spells it so: keep in step
        key="system",
        bind="query-params",
    )
    org_types = sidebar.multiselect(
        "Organisation type", options.org_types, key="org_type", bind="query-params"
    )
    ratings = sidebar.multiselect("2017 progress rating", options.ratings, key="rating", bind="query-params")
    restate = sidebar.toggle(
        "Restate on today's footprints",
        key="restate",
        bind="query-params",
        help=content.MERGED_FOOTPRINTS,
    )
    sidebar.button("Reset filters", on_click=_reset_filters, icon=":material/restart_alt:")
    sidebar.caption("Filters live in the page address: copy it to share this view.")
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
    return exports.describe_filters(ctx.filters, ctx.unit, ctx.restate, ctx.options.systems)


def view_link(ctx: PageContext, page: str = "") -> str:
    """The address that reopens this view: ``APP_BASE_URL``, the page, the filters as the URL holds them."""
    return exports.view_link(ctx.filters, ctx.unit, ctx.restate, page=page, system_names=ctx.options.systems)


def render() -> None:
    """Load the data and draw the filter bar; store the context for the page about to run."""
    try:
        loaded = data.current_data()
    except data.DataUnavailable as exc:
        st.error(plain(exc), icon=":material/folder_off:")
        st.subheader("Or upload extracts for this session")
        upload_form(using_uploads=False)
        st.stop()
    dataset = loaded.dataset
    filters, unit, restate, options = _filter_bar(dataset)
    st.session_state[CONTEXT_KEY] = PageContext(
        dataset, loaded.origin, filters, unit, restate, options, loaded.unread
    )
    if loaded.warning:
        st.warning(plain(loaded.warning), icon=":material/warning:")
    if dataset.is_sample:
        st.info(content.SAMPLE_BANNER, icon=":material/science:")
    held, unreadable = dataset.rows_quarantined, len(dataset.file_errors)
    problems = [f"{held:,} row{' was' if held == 1 else 's were'} held back by the checks"] if held else []
    if unreadable:
        problems.append(f"{unreadable} file{'' if unreadable == 1 else 's'} could not be read")
    if problems:
        st.warning(" and ".join(problems) + ": see the Data page.", icon=":material/rule:")


def upload_form(*, using_uploads: bool) -> None:
    """Pick CSV extracts, check them and use them in this session; or go back to the default data.

    On the Data page, and wherever the data folder cannot be read, so a user is never left without a way
    to see their own files."""
    st.write(
        "Control totals, progress ratings, a systems lookup or system control totals, as CSV; several at "
        "once. The kind of each file is recognised from its header row. Uploaded files are checked and "
        f"held **in this browser session only**; nothing is saved on the server. Up to {MAX_UPLOAD_MB} MB "
        "per file."
    )
    uploads = st.file_uploader(
        "CSV extracts", type=["csv", "txt", "tsv"], accept_multiple_files=True, key="uploader"
    )
    use, reset = st.columns(2)
    if use.button("Check and use these files", type="primary", disabled=not uploads):
        data.load_uploads([(f.name, f.getvalue()) for f in uploads])
        st.rerun()
    if reset.button("Go back to the default data", disabled=not using_uploads):
        data.clear_uploads()
        st.rerun()


def header(title: str, ctx: PageContext) -> None:
    """Page title with the active filters and data source underneath."""
    st.title(plain(title))
    st.caption(plain(f"{active_filters_sentence(ctx)}. Source: {ctx.origin}."))


RUN_TIMES = os.environ.get("ICS_RUN_TIMES")
"""A file to which each script run appends its page, wall and CPU seconds (tab-separated), for the load
test to report what the server itself spent; unset (the default), nothing is timed or written."""


@contextmanager
def timed_run(page: str) -> Iterator[None]:
    """Time one script run for ``ICS_RUN_TIMES``: wall seconds, and this thread's CPU seconds (the work
    done, without the time spent waiting for a core)."""
    if not RUN_TIMES:
        yield
        return
    wall, cpu, outcome = time.perf_counter(), time.thread_time(), "done"
    try:
        yield
    except BaseException as exc:  # st.stop, st.rerun and st.switch_page end a run by raising
        outcome = type(exc).__name__
        raise
    finally:
        line = f"{time.time():.3f}\t{page or 'overview'}\t{time.perf_counter() - wall:.4f}"
        line += f"\t{time.thread_time() - cpu:.4f}\t{outcome}\n"
        with open(RUN_TIMES, "a", encoding="utf-8") as log:
            log.write(line)


def guarded(run: Callable[[], None]) -> None:
    """Run a page; any unexpected error becomes a plain message (details go to the server log).

    The context is dropped after the page, so a page script run without app.py (Streamlit's legacy
    pages/ mode) never finds last run's context and is sent through app.py instead.
    """
    try:
        run()
    except Exception:
        LOG.exception("page failed")
        st.error(
            "This view could not be drawn for the current selection. Your data and filters are unchanged: "
            "try another selection, press Reset filters, or check the Data page.",
            icon=":material/error:",
        )
    finally:
        st.session_state.pop(CONTEXT_KEY, None)


def headlines(items) -> None:
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


def money_table(
    table, unit: formatting.Unit, key: str | None = None, on_select: str = "ignore", height="auto"
):
    """A table whose money and percentage columns (as its view marked them) use the board's number format."""
    config = {
        column: st.column_config.NumberColumn(column, **options)
        for column, options in formatting.table_column_formats(table, unit).items()
    }
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
    # Name the system in the URL as the detail page's bound picker spells it (so the link reopens it), and
    # drop any earlier pick held in session state, which would win over the URL. Bound filters travel in
    # the URL by themselves.
    st.session_state.pop("focus", None)
    st.switch_page(DETAIL_PAGE, query_params={"focus": exports.system_label(code, context().options.systems)})


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


def download_buttons(frame, what: str, ctx: PageContext, *, title: str, page: str) -> None:
    """CSV and Excel downloads of exactly this table (rows and columns as shown), built only when clicked.

    Args:
        frame: The table as shown (money in the display unit, unit in the headers).
        what: Short name for the file, e.g. ``"systems"`` -> ``ics-systems-2018-19-M09.xlsx``.
        ctx: The page context (filters, unit, dataset for the About sheet).
        title: What the rows are, for the About sheet and the Excel sheet's name.
        page: The page's URL path, for the link that reopens the view.
    """
    stem = exports.file_stem(what, ctx.filters)
    link = view_link(ctx, page)

    def xlsx() -> bytes:
        names = ctx.options.systems
        info = exports.extract_info(
            ctx.dataset, ctx.filters, ctx.unit, ctx.restate, link, title=title, system_names=names
        )
        return exports.xlsx_bytes(frame, info, ctx.unit, sheet_name=what.capitalize())

    too_big = not exports.fits_in_excel(frame)
    with st.container(horizontal=True):
        st.download_button(
            "Download CSV",
            data=lambda: exports.csv_bytes(frame),
            file_name=f"{stem}.csv",
            mime=exports.CSV_MIME,
            on_click="ignore",
            icon=":material/download:",
            key=f"{what}_csv",
            help=f"{len(frame):,} rows as shown; UTF-8, opens in Excel with £ intact.",
        )
        st.download_button(
            "Download Excel",
            data=xlsx,
            file_name=f"{stem}.xlsx",
            mime=exports.XLSX_MIME,
            on_click="ignore",
            icon=":material/table_view:",
            key=f"{what}_xlsx",
            disabled=too_big,
            help="Too many rows for one Excel sheet: narrow the filters or download CSV."
            if too_big
            else "The rows as shown, plus a sheet saying which filters, data and files they come from.",
        )


def board_pack_buttons(ctx: PageContext) -> None:
    """The board pack (one HTML file that works offline; a PDF where a Chromium is installed)."""
    from ui import cached

    summary = cached.view("system_summary", ctx)
    if summary.empty:
        return
    names = dict(
        zip(summary["system_code"], summary["system_name"].fillna(summary["system_code"]), strict=True)
    )
    ordered = summary.sort_values("variance_ytd", kind="stable")["system_code"].astype(str).tolist()
    with st.expander("Board pack: download for printing or sending", icon=":material/picture_as_pdf:"):
        code = st.selectbox(
            "System shown in detail",
            ordered,
            format_func=lambda c: f"{names[c]} ({c})",
            key="pack_system",
            help="Default: the system most adverse to plan.",
        )
        stem = exports.file_stem("board-pack", ctx.filters)
        link = view_link(ctx)

        def pack() -> str:
            return boardpack.build_board_pack(
                ctx.dataset,
                ctx.filters,
                ctx.unit,
                ctx.restate,
                system_code=code,
                system_names=ctx.options.systems,
                origin=ctx.origin,
                link=link,
            )

        with st.container(horizontal=True):
            st.download_button(
                "Board pack (HTML)",
                data=lambda: pack().encode("utf-8"),
                file_name=f"{stem}.html",
                mime=boardpack.HTML_MIME,
                on_click="ignore",
                icon=":material/download:",
                key="pack_html",
                help="One file with every chart, that opens without a network and prints to A4.",
            )
            if boardpack.pdf_available():
                st.download_button(
                    "Board pack (PDF)",
                    data=lambda: boardpack.board_pack_pdf(pack()),
                    file_name=f"{stem}.pdf",
                    mime=boardpack.PDF_MIME,
                    on_click="ignore",
                    icon=":material/picture_as_pdf:",
                    key="pack_pdf",
                    help="Printed by this server's Chromium; takes a few seconds.",
                )
        if not boardpack.pdf_available():
            st.caption(boardpack.NO_BROWSER)
