"""Overview: the board's page. Where the money stands, in one screen."""

import streamlit as st

from ui import cached, shell

ctx = shell.context()
view = cached.view("overview", ctx)

shell.header("Where the money stands against plan", ctx)
if view.message:
    st.info(shell.plain(view.message), icon=":material/filter_alt_off:")
    st.stop()

shell.headlines(view.headlines)
st.markdown(shell.plain(view.narrative))
event = shell.chart(view.ranked, f"variance-by-system-{view.period}", key="ranked_chart", on_select="rerun")
shell.drill_through_from_chart(event)
st.caption("Click a bar to open that system's detail.")
shell.board_pack_buttons(ctx)
