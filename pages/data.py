"""Data: where the numbers came from, uploads, the validation report, dictionary, glossary and about."""

import streamlit as st

from analysis.exports import csv_bytes
from analysis.report import data_dictionary, file_table, status_sentence
from ui import content, data
from ui.context import context
from ui.text import plain
from ui.uploads import upload_form

ctx = context()
dataset = ctx.dataset

st.title("Data: sources and checks")
st.caption(plain(f"Showing {ctx.origin}. {status_sentence(dataset)}"))

sources, problems, dictionary, glossary, about = st.tabs(
    ["Sources and upload", "Validation report", "Data dictionary", "Glossary", "About"]
)

with sources:
    st.subheader("Files in use")
    st.dataframe(
        file_table(dataset),
        hide_index=True,
        column_config={
            "sha256": st.column_config.TextColumn("sha256", help="Fingerprint of the file's exact bytes"),
            "rows": st.column_config.NumberColumn("rows", help="Data rows read (blank lines are not rows)"),
        },
    )
    for report in dataset.file_errors:
        st.error(
            f"**{plain(report.name)}** could not be read. {plain(report.error)}",
            icon=":material/error:",
        )
    for report in ctx.unread:
        st.error(
            f"**{plain(report.name)}** could not be read just now, so the last good data is shown "
            f"until it is fixed. {plain(report.error)}",
            icon=":material/error:",
        )
    data.offer_to_accept_folder_changes()

    st.subheader("Upload your own extracts")
    upload_form(using_uploads=ctx.origin == data.UPLOADS_ORIGIN)

with problems:
    st.subheader("Problems found")
    if dataset.problems.empty:
        st.success("Every row of every readable file passed every check.", icon=":material/check_circle:")
    else:
        count, held = len(dataset.problems), dataset.rows_quarantined
        st.write(
            f"{count:,} problem{'' if count == 1 else 's'} on {held:,} row{'' if held == 1 else 's'}. "
            "Those rows are held "
            "back from every figure, table and export until the file is corrected. Line numbers are as a "
            "spreadsheet shows them (the header is line 1)."
        )
        st.dataframe(dataset.problems, hide_index=True, width="stretch")
        st.download_button(
            "Download the quarantined rows (CSV)",
            data=lambda: csv_bytes(dataset.quarantine),  # built when pressed, not on every rerun
            file_name="quarantined_rows.csv",
            mime="text/csv",
            on_click="ignore",
        )
    st.subheader("Checks across rows and files")
    st.dataframe(dataset.cross_checks, hide_index=True)

with dictionary:
    st.write("Money is in £000 (thousands of pounds); surplus positive, deficit negative.")
    st.dataframe(data_dictionary(), hide_index=True, width="stretch")

with glossary:
    for term, meaning in content.GLOSSARY.items():
        st.markdown(f"**{term}**: {meaning}")

with about:
    st.markdown(content.ABOUT)
    st.info(content.SAMPLE_BANNER, icon=":material/info:")
