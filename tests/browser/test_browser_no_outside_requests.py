"""A page load asks nothing of any host but the app's own: a private deployment makes no outside request.

The favicon once came from an outside font host (Streamlit fetches a `:material/...` page icon from
fonts.gstatic.com); it is now an image in the repository, served by the app.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Request

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PAGES = ["", "systems", "system", "ratings", "explore", "data"]


@pytest.mark.parametrize("path", PAGES, ids=[p or "overview" for p in PAGES])
def test_every_request_of_a_page_load_stays_on_loopback(app, path: str) -> None:
    requested: list[str] = []

    def record(request: Request) -> None:
        requested.append(request.url)

    app.page.on("request", record)
    app.open(path)
    app.wait_for_charts()
    app.assert_no_errors()
    app.page.wait_for_load_state("networkidle")

    outside = sorted(
        {
            url
            for url in requested
            if urlsplit(url).scheme not in {"data", "blob"} and urlsplit(url).hostname not in LOOPBACK
        }
    )
    assert requested, "requests were recorded"
    assert outside == [], f"requests that left the machine: {outside}"
    href = app.page.locator("link[rel~='icon']").first.get_attribute("href")
    favicon = urljoin(app.page.url, href or "")
    assert urlsplit(favicon).hostname in LOOPBACK, favicon
    response = app.page.request.get(favicon)
    assert response.ok and response.headers["content-type"] == "image/png", favicon
