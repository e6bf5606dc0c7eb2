"""Explore: the filtered rows at organisation-month grain, with column choice and downloads."""

import streamlit as st

from analysis import views
from ui import cached, downloads, widgets
from ui.context import context

ctx = context()
rows = cached.view(views.explore_rows, ctx.dataset, ctx.state)

widgets.header("Explore the rows", ctx)
if rows.empty:
    st.info(views.NO_DATA, icon=":material/filter_alt_off:")
    st.stop()

headers = views.explore_headers(ctx.state.unit)  # chosen by plain name, so a choice outlives the unit
default_columns = [name for name in headers if name not in {"Source file", "Line", "Region"}]
with st.expander("Choose columns"):
    columns = st.multiselect("Columns", list(headers), default=default_columns, key="columns")
shown = rows[[headers[name] for name in columns]] if columns else rows
st.caption(
    f"{len(shown):,} rows: months 1 to the as-at month, organisation by month. Blank actuals are months "
    "not yet reported."
)
widgets.money_table(shown, ctx.state.unit, height=560)
downloads.download_buttons(shown, "rows", ctx, title="Explore: filtered rows", page="explore")
