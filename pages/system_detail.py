"""System detail: who drives one system's variance, month by month, and whether it is noise."""

import streamlit as st

from ui import cached, shell

ctx = shell.context()
title_slot = st.container()
code = shell.system_picker(ctx)
if code is None:
    with title_slot:
        shell.header("System detail", ctx)
    st.info("No systems match the filters. Widen the selection or press Reset filters.")
    st.stop()
view = cached.view("system_detail", ctx, code)

with title_slot:
    shell.header(f"{view.name} ({view.code})", ctx)
if view.message:
    st.info(shell.plain(view.message), icon=":material/filter_alt_off:")
    st.stop()

shell.headlines(view.headlines)
st.markdown(shell.plain(view.narrative))
shell.chart(view.waterfall, f"{view.code}-plan-to-actual-{view.period}")
shell.chart(view.monthly, f"{view.code}-monthly-{view.period}")
shell.chart(view.spc_chart, f"{view.code}-spc-variance-{view.period}")

st.subheader("Member organisations' contributions")
shell.money_table(view.attribution, ctx.unit)

st.subheader("Control totals")
st.write(view.reconciliation)
if view.not_accepted.empty:
    st.write("Every member organisation accepted its control total (or acceptance was not stated).")
else:
    st.write(f"{len(view.not_accepted)} member organisation(s) did not accept their control total:")
    st.dataframe(view.not_accepted, hide_index=True)
