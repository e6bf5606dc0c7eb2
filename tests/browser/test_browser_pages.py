"""Every page opens in a real browser without an error, shows its title, and is photographed for review."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SYSTEM_TITLE = re.compile(r"^.+ \(E54\d{6}\)$")

# Systems comes first: on a fresh server the first request is then a deep link to a page other than the
# home page (Streamlit's legacy pages/ mode, which ui.context sends back through app.py).
PAGES = [
    pytest.param("systems", "systems", "Systems side by side", 1, id="systems"),
    pytest.param("", "overview", "Where the money stands against plan", 1, id="overview"),
    pytest.param("system", "system_detail", SYSTEM_TITLE, 3, id="system_detail"),
    pytest.param("ratings", "ratings", "Progress ratings and money", 1, id="ratings"),
    pytest.param("explore", "explore", "Explore the rows", 0, id="explore"),
    pytest.param("data", "data", "Data: sources and checks", 0, id="data"),
]


@pytest.mark.parametrize(("path", "name", "title", "charts"), PAGES)
def test_page_opens_with_its_title_and_no_error(app, path: str, name: str, title, charts: int) -> None:
    app.open(path)

    expect(app.title).to_have_text(title)
    app.assert_no_errors()
    expect(app.sidebar.get_by_test_id("stSidebarNav")).to_be_visible()
    # Each chart drawn, with a title (the design: every chart states its finding).
    expect(app.page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot .gtitle")).to_have_count(charts)
    shot = app.screenshot(name)
    assert shot.stat().st_size > 10_000, f"{shot} looks blank"
