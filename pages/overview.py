"""Overview: the board's page. Where the money stands, in one screen."""

import streamlit as st

from analysis import views
from ui import cached, downloads, drill, widgets
from ui.context import context
from ui.text import plain

ctx = context()
view = cached.view(views.overview, ctx.dataset, ctx.state)

widgets.header("Where the money stands against plan", ctx)
if view.message:
    st.info(plain(view.message), icon=":material/filter_alt_off:")
    st.stop()

widgets.headlines(view.headlines)
st.markdown(plain(view.narrative))
event = widgets.chart(view.ranked, f"variance-by-system-{view.period}", key="ranked_chart", on_select="rerun")
drill.drill_through_from_chart(event)
st.caption("Click a bar to open that system's detail.")
downloads.board_pack_buttons(ctx)
