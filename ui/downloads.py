"""Download buttons: a table as CSV and Excel, and the board pack as HTML (and PDF where it can be printed).

Every file is built only when its button is pressed, from the view state the page shows: its name from
:meth:`analysis.state.ViewState.file_stem`, its link from the same state.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from analysis import boardpack, exports, views
from analysis.state import system_param
from ui import cached
from ui.context import PageContext


def download_buttons(frame, what: str, ctx: PageContext, *, title: str, page: str) -> None:
    """CSV and Excel downloads of exactly this table (rows and columns as shown), built only when clicked.

    Args:
        frame: The table as shown (money in the display unit, unit in the headers).
        what: Short name for the file, e.g. ``"systems"`` -> ``ics-systems-2018-19-M09.xlsx``.
        ctx: The page context (view state, dataset for the About sheet).
        title: What the rows are, for the About sheet and the Excel sheet's name.
        page: The page's URL path, for the link that reopens the view.
    """
    state = ctx.state
    stem = state.file_stem(what)
    link = ctx.link(page)

    def xlsx() -> bytes:
        names = ctx.options.systems
        info = exports.extract_info(ctx.dataset, state, link, title=title, system_names=names)
        return exports.xlsx_bytes(frame, info, state.unit, sheet_name=what.capitalize())

    too_big = not exports.fits_in_excel(frame)
    with st.container(horizontal=True):
        st.download_button(
            "Download CSV",
            data=lambda: exports.csv_bytes(frame, illustrative=bool(ctx.dataset.is_sample)),
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
    summary = cached.view(views.system_summary, ctx.dataset, ctx.state)
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
            format_func=lambda c: system_param(c, names),
            key="pack_system",
            help="Default: the system most adverse to plan.",
        )
        stem = ctx.state.file_stem("board-pack")
        link = ctx.link()
        pack_state = dataclasses.replace(ctx.state, focus=code)

        def pack() -> str:
            return boardpack.build_board_pack(
                ctx.dataset, pack_state, system_names=ctx.options.systems, origin=ctx.origin, link=link
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
