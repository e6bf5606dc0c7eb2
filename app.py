"""ICS financial control totals: where the money stands in England's NHS systems, against plan.

Run with `make run` (or `streamlit run app.py`). Set DATA_DIR to a folder of CSV extracts to use your own.
"""

from pathlib import Path

import streamlit as st

from ui import context, run, server_guard, style

server_guard.keep_shared_caches_from_browsers()

st.set_page_config(
    page_title="ICS finances against plan",
    page_icon=Path(__file__).parent / "assets" / "favicon.png",  # served by the app, not a font host
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/systems.py", title="Systems", icon=":material/table_chart:", url_path="systems"),
    st.Page(
        "pages/system_detail.py", title="System detail", icon=":material/query_stats:", url_path="system"
    ),
    st.Page("pages/ratings.py", title="Ratings and money", icon=":material/star_half:", url_path="ratings"),
    st.Page("pages/explore.py", title="Explore", icon=":material/filter_alt:", url_path="explore"),
    st.Page("pages/data.py", title="Data", icon=":material/database:", url_path="data"),
]

style.apply()
navigation = st.navigation(PAGES)
with run.timed_run(navigation.url_path):
    context.render()
    run.guarded(navigation.run)
