"""Systems: every system side by side, sortable, with drill-through to one system's detail."""

import streamlit as st

from analysis import views
from ui import cached, downloads, drill, widgets
from ui.context import context
from ui.text import plain

# The money first after the name, so the table fits a laptop's width without scrolling sideways.
SYSTEMS_FIRST = (
    "System",
    "Variance YTD",
    "Variance %",
    "SPC icon",
    "Trend (SPC)",
    "Plan surplus YTD",
    "Actual surplus YTD",
    "Forecast outturn",
    "Forecast vs control total",
    "Control total",
    "Overspend YTD",
    "Position",
)

ctx = context()
view = cached.view(views.systems, ctx.dataset, ctx.state)

widgets.header("Systems side by side", ctx)
if view.message:
    st.info(plain(view.message), icon=":material/filter_alt_off:")
    st.stop()

chart_tab, table_tab = st.tabs(["Plan vs actual", "Table"])
with chart_tab:
    event = widgets.chart(view.dumbbell, f"plan-vs-actual-{view.period}", key="dumbbell", on_select="rerun")
    drill.drill_through_from_chart(event)
    st.caption("Click a system's actual (●/◀) to open its detail.")
with table_tab:
    st.caption(
        "Sorted from most adverse. Click a column header to sort; select a row to open that system. "
        "Variance % is the variance as a share of planned expenditure year to date. "
        "SPC icon and Trend (SPC): the Making Data Count variation of each system's in-month variance."
    )
    shown = widgets.with_spc_icons(view.table, view.variation_icons)
    selection = widgets.money_table(
        shown, ctx.state.unit, key="systems_table", on_select="rerun", lead=SYSTEMS_FIRST
    )
    downloads.download_buttons(view.table, "systems", ctx, title="Systems side by side", page="systems")
    drill.drill_through_from_table(selection, view.table)
