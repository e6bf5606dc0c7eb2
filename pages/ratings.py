"""Ratings and money: the July 2017 STP progress ratings beside financial performance."""

import streamlit as st

from ui import cached, content, shell

ctx = shell.context()
view = cached.view("ratings", ctx)

shell.header("Progress ratings and money", ctx)
st.warning(content.RATINGS_CAUTION_SHORT, icon=":material/info:")
if view.message:
    st.info(shell.plain(view.message), icon=":material/filter_alt_off:")
    st.stop()

shell.chart(view.figure, f"ratings-vs-variance-{view.period}")
shell.money_table(view.table, ctx.unit)
with st.expander("About the ratings, and how merged footprints are handled"):
    st.write(content.RATINGS_CAUTION)
    st.write(content.MERGED_FOOTPRINTS)
