"""System detail: who drives one system's variance, month by month, and whether it is noise."""

import streamlit as st

from analysis import views
from ui import cached, drill, rebase, widgets
from ui.context import context
from ui.text import plain

ctx = context()
title_slot = st.container()
picker, rebase_slot = st.columns(2)
with picker:
    state = drill.focus_picker(ctx)
if state is None:
    with title_slot:
        widgets.header("System detail", ctx)
    st.info("No systems match the filters. Widen the selection or press Reset filters.")
    st.stop()
with rebase_slot:
    state = rebase.rebase_picker(ctx, state)
view = cached.view(views.system_detail, ctx.dataset, state)

with title_slot:
    widgets.header(f"{view.name} ({view.code})", ctx)
if view.message:
    st.info(plain(view.message), icon=":material/filter_alt_off:")
    st.stop()

widgets.headlines(view.headlines)
st.markdown(plain(view.narrative))
widgets.chart(view.waterfall, f"{view.code}-plan-to-actual-{view.period}")
if note := views.others_note(view.attribution):
    st.caption(plain(note))
widgets.chart(view.monthly, f"{view.code}-monthly-{view.period}")
widgets.chart(view.spc_chart, f"{view.code}-spc-variance-{view.period}")

st.subheader("Member organisations' contributions")
widgets.money_table(view.attribution, state.unit)

st.subheader("Control totals")
st.write(view.reconciliation)
if view.not_accepted.empty:
    st.write("Every member organisation accepted its control total (or acceptance was not stated).")
else:
    st.write(f"{len(view.not_accepted)} member organisation(s) did not accept their control total:")
    widgets.money_table(view.not_accepted, state.unit)
