"""Ratings and money: the July 2017 STP progress ratings beside financial performance."""

import streamlit as st

from analysis import views
from ui import cached, content, widgets
from ui.context import context
from ui.text import plain

ctx = context()
view = cached.view(views.ratings, ctx.dataset, ctx.state)

widgets.header("Progress ratings and money", ctx)
st.warning(content.RATINGS_CAUTION_SHORT, icon=":material/info:")
if view.message:
    st.info(plain(view.message), icon=":material/filter_alt_off:")
    st.stop()

widgets.chart(view.figure, f"ratings-vs-variance-{view.period}")
widgets.money_table(
    view.table, ctx.state.unit, lead=("System", "Variance YTD", "Variance %", "Overspend YTD", "Rating 2017")
)
with st.expander("About the ratings, and how merged footprints are handled"):
    st.write(content.RATINGS_CAUTION)
    st.write(content.MERGED_FOOTPRINTS)
