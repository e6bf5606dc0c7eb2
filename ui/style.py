"""Page-wide style the theme settings cannot express: text colours that meet WCAG 2.2 AA contrast.

Streamlit draws captions in the theme's text colour at 60% opacity: #7a8084 on white, a contrast of 4:1 where
AA asks 4.5:1 for body-size text. Captions take the design's NHS Dark Grey (#425563, 7.6:1 on white, 7:1 on
the sidebar's #F0F4F5) instead. Static text only: nothing from the data goes into this markup.
"""

from __future__ import annotations

import streamlit as st

SECONDARY_TEXT = "#425563"
"""NHS Dark Grey: the design's colour for secondary text."""

_CSS = f"""
<style>
[data-testid="stApp"] [data-testid="stCaptionContainer"] {{ opacity: 1; color: {SECONDARY_TEXT}; }}
</style>
"""


def apply() -> None:
    """Add the page-wide style (a style block takes no space on the page)."""
    st.html(_CSS)
