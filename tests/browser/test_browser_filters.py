"""The sidebar filters change what the charts show and the URL; the copied URL reopens the same view."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_financial_year_changes_chart_and_url_and_the_link_reopens_that_view(app, fresh_app) -> None:
    app.open()
    app.wait_for_charts()
    before = app.chart_layout()
    before_metrics = app.metrics()
    assert "2017/18" not in before["subtitle"]

    app.choose_in_selectbox("Financial year", "2017/18")

    assert "year=2017%2F18" in app.page.url
    after = app.wait_for_chart_change(before)
    assert "2017/18" in after["subtitle"], after
    assert app.caption().startswith("2017/18, year to date at"), app.caption()
    metrics = app.metrics()
    assert len(metrics) == 4
    assert metrics != before_metrics
    app.assert_no_errors()

    link = app.page.url
    fresh_app.page.goto(link)
    fresh_app.wait_for_idle()
    fresh_app.wait_for_charts()
    assert fresh_app.chart_layout() == after
    assert fresh_app.metrics() == metrics
    assert fresh_app.caption() == app.caption()
    fresh_app.assert_no_errors()


def test_filters_stay_when_moving_to_another_page(app) -> None:
    app.open("", "year=2017%2F18")
    expect(app.title).to_have_text("Where the money stands against plan")

    app.sidebar.get_by_test_id("stSidebarNav").get_by_text("Ratings and money", exact=True).click()

    expect(app.title).to_have_text("Progress ratings and money")
    app.wait_for_idle()
    assert app.caption().startswith("2017/18, year to date at"), app.caption()
    app.assert_no_errors()
    if "year=2017%2F18" not in app.page.url:
        # Seen in about 1 navigation in 3 when the link is clicked within a second or so of the page
        # finishing its run (never after a pause of 2.5 s): the frontend pushes the new page's URL without
        # the bound filters and the server does not put them back. The view keeps them (asserted above);
        # a link copied from this page would not. Remove this once fixed.
        pytest.xfail(f"known bug: sidebar navigation dropped the bound filters from the URL: {app.page.url}")


def test_units_switch_to_thousands_everywhere_on_the_page_and_the_link_keeps_them(app, fresh_app) -> None:
    app.open("systems")
    app.wait_for_charts()
    before = app.chart_layout()
    assert before["subtitle"].startswith("Year-to-date surplus") and "£m" in before["subtitle"], before

    app.choose_radio("Units", "£000")

    assert "unit=%C2%A3000" in app.page.url
    after = app.wait_for_chart_change(before)
    assert "£000" in after["subtitle"] and "£m" not in after["subtitle"], after
    assert "figures in £000" in app.caption()
    app.assert_no_errors()

    fresh_app.page.goto(app.page.url)
    fresh_app.wait_for_idle()
    fresh_app.wait_for_charts()
    assert fresh_app.chart_layout() == after
    expect(fresh_app.sidebar.get_by_test_id("stRadio").get_by_role("radio", name="£000")).to_be_checked()
