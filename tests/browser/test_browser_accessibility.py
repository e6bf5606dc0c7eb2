"""Every page passes axe-core (WCAG 2.2 A and AA rules) with no serious or critical violation.

axe-core is the engine accessibility auditors use; axe-playwright-python bundles it and runs it in the page.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGES = ["", "systems", "system", "ratings", "explore", "data"]
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    """Each serious or critical violation: its rule, impact and the first offending elements."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [node["target"] for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return found


@pytest.mark.parametrize("path", PAGES, ids=[p or "overview" for p in PAGES])
def test_page_has_no_serious_accessibility_violation(app, path: str) -> None:
    app.open(path)
    app.wait_for_charts()
    app.assert_no_errors()

    assert serious_violations(app.page) == []
