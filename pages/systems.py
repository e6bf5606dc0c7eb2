"""Systems: every system side by side, sortable, with drill-through to one system's detail."""

import streamlit as st

from ui import cached, shell

ctx = shell.context()
view = cached.view("systems", ctx)

shell.header("Systems side by side", ctx)
if view.message:
    st.info(shell.plain(view.message), icon=":material/filter_alt_off:")
    st.stop()

chart_tab, table_tab = st.tabs(["Plan vs actual", "Table"])
with chart_tab:
    event = shell.chart(view.dumbbell, f"plan-vs-actual-{view.period}", key="dumbbell", on_select="rerun")
    shell.drill_through_from_chart(event)
    st.caption("Click a system's actual (●/◀) to open its detail.")
with table_tab:
    st.caption(
        "Sorted from most adverse. Click a column header to sort; select a row to open that system. "
        "Variance % is the variance as a share of planned expenditure year to date."
    )
    selection = shell.money_table(view.table, ctx.unit, key="systems_table", on_select="rerun")
    shell.download_buttons(view.table, "systems", ctx, title="Systems side by side", page="systems")
    rows = selection.selection.rows if selection else []
    if rows:
        shell.open_system(view.table.iloc[rows[0]]["Code"])
