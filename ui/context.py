"""The page context: the data in use and the view the filter bar chose, prepared once per run for the page.

``app.py`` calls :func:`render` once per run before the chosen page: it loads the data, draws the filter
bar and says what is wrong with the data, if anything. Pages call :func:`context` for what it prepared, so
no page loads data or builds filter widgets itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st

from analysis import exports
from analysis.filters import Options
from analysis.model import Dataset, FileReport
from analysis.state import ViewState, ignored_in_link
from ui import cached, content, data
from ui.filter_bar import filter_bar
from ui.text import plain
from ui.uploads import upload_form

CONTEXT_KEY = "_page_context"


@dataclass(frozen=True)
class PageContext:
    """What a page needs: the dataset, where it came from, the view the filters chose, and their options."""

    dataset: Dataset
    origin: str
    state: ViewState
    options: Options
    unread: tuple[FileReport, ...] = ()
    """Data folder files that could not be read just now (the last good data is shown meanwhile)."""

    def words(self) -> str:
        """The view in words, for the top of each page."""
        return self.state.words(self.options.systems)

    def link(self, page: str = "") -> str:
        """The address that reopens this view on ``page``: ``APP_BASE_URL`` if set, else the address the
        browser used; the page; the view's query."""
        return exports.view_link(self.state, page=page, system_names=self.options.systems, base=_base())


def _base() -> str | None:
    """The browser's address for the dashboard, unless ``APP_BASE_URL`` is configured (None: use that)."""
    if os.environ.get("APP_BASE_URL"):
        return None
    try:
        headers = st.context.headers
        origin, host = headers.get("Origin"), headers.get("Host")
    except Exception:  # no request (a bare script run): the configured default
        return None
    return exports.browser_base_url(origin, host, str(st.get_option("server.baseUrlPath") or ""))


def context() -> PageContext:
    """The context :func:`render` prepared for this run."""
    ctx = st.session_state.get(CONTEXT_KEY)
    if ctx is None:
        _run_through_app()
    return ctx


def forget() -> None:
    """Drop this run's context once the page has run, so a page run without app.py never finds it."""
    st.session_state.pop(CONTEXT_KEY, None)


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
    link = {key: st.query_params.get_all(key) for key in st.query_params}  # before widgets rewrite it
    ignored = ignored_in_link(link, cached.options(dataset))
    state, options = filter_bar(dataset)
    st.session_state[CONTEXT_KEY] = PageContext(dataset, loaded.origin, state, options, loaded.unread)
    if ignored:
        st.warning(
            plain("The link asked for something the data does not have: " + "; ".join(ignored) + "."),
            icon=":material/link_off:",
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
