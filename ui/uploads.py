"""The upload form: a person's own extracts for this session, or back to the default data."""

from __future__ import annotations

import streamlit as st

from ui import data
from ui.text import plain

MAX_UPLOAD_MB = int(st.get_option("server.maxUploadSize"))
MAX_SESSION_UPLOAD_MB = 2 * MAX_UPLOAD_MB
"""Most a session may upload in all: `server.maxUploadSize` bounds each file, not how many are picked, and
every byte held is read and validated in this server's memory (a few times its size while it is)."""


def over_session_limit(sizes: list[int], limit_mb: int | None = None) -> bool:
    """True when files of these sizes (bytes) together exceed what one session may upload."""
    limit = MAX_SESSION_UPLOAD_MB if limit_mb is None else limit_mb
    return sum(sizes) > limit * 1024 * 1024


def upload_form(*, using_uploads: bool) -> None:
    """Pick CSV extracts, check them and use them in this session; or go back to the default data.

    On the Data page, and wherever the data folder cannot be read, so a user is never left without a way
    to see their own files."""
    st.write(
        "Control totals, progress ratings, a systems lookup or system control totals, as CSV; several at "
        "once. The kind of each file is recognised from its header row. Uploaded files are checked and "
        f"held **in this browser session only**; nothing is saved on the server. Up to {MAX_UPLOAD_MB} MB "
        f"per file and {MAX_SESSION_UPLOAD_MB} MB in all. Uploads add to the bundled lookups: a systems "
        "file adds to or corrects the bundled systems, and without a ratings file the bundled progress "
        "ratings are used."
    )
    st.caption(
        "Uploaded data lasts until this browser tab is refreshed or closed: a refresh, or opening a link "
        "to the dashboard, goes back to the default data. Download what you need first."
    )
    if using_uploads and data.bundled_in_use():
        st.caption(plain("Bundled files still in use: " + "; ".join(data.bundled_in_use()) + "."))
    uploads = st.file_uploader(
        "CSV extracts", type=["csv", "txt", "tsv"], accept_multiple_files=True, key="uploader"
    )
    too_much = bool(uploads) and over_session_limit([f.size for f in uploads])
    if too_much:
        total_mb = sum(f.size for f in uploads) / (1024 * 1024)
        st.error(
            f"These files come to {total_mb:,.0f} MB, more than the {MAX_SESSION_UPLOAD_MB} MB one session "
            "may upload in all: remove some of them, or load them in parts."
        )
    use, reset = st.columns(2)
    checked = use.button("Check and use these files", type="primary", disabled=not uploads or too_much)
    if checked and data.load_uploads([(f.name, f.getvalue()) for f in uploads]) is not None:
        st.rerun()
    if reset.button("Go back to the default data", disabled=not using_uploads):
        data.clear_uploads()
        st.rerun()
    if data.rejected():
        st.error(plain(data.rejected()), icon=":material/error:")
