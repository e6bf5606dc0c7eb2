"""Issue 14, "Filters and tables": what a new user met on the pages, each checked on the bundled data."""

from __future__ import annotations

import html
import json

import pytest
from conftest import as_read
from streamlit.testing.v1 import AppTest
from test_pages import APP, ROOT, assert_clean, bundled, system_names, table_with

from analysis.filters import Filters
from analysis.state import ViewState

pytestmark = pytest.mark.usefixtures("served_like_a_session")


def _linked(query: dict[str, str], page: str = "overview") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    assert_clean(at)
    return at


def _reset_button(at: AppTest):
    return next(b for b in at.sidebar.button if b.label == "Reset filters")


def test_reset_filters_returns_a_linked_view_to_the_defaults() -> None:
    at = _linked({"region": "London", "unit": "£000"})
    assert "region London" in as_read(at.caption[0])
    for _ in range(2):
        _reset_button(at).click().run()
        assert_clean(at)
        caption = as_read(at.caption[0])
        assert "region London" not in caption and "figures in £m." in caption, caption
        assert at.sidebar.radio(key="unit").value == "£m"
        assert at.sidebar.multiselect(key="region").value == []
        assert "region" not in at.query_params and at.query_params.get("unit") in (None, ["£m"], "£m")


def test_explore_keeps_the_money_columns_when_the_unit_changes() -> None:
    at = _linked({}, page="explore")
    assert "Variance (£m)" in at.dataframe[0].value.columns
    at.sidebar.radio(key="unit").set_value("£000").run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert {"Plan income (£000)", "Actual surplus (£000)", "Variance (£000)"} <= set(table.columns)
    at.sidebar.radio(key="unit").set_value("£m").run()
    assert {"Variance (£m)", "Forecast outturn (£m)"} <= set(at.dataframe[0].value.columns)


def test_did_not_accept_table_is_in_the_page_unit_with_plain_headers() -> None:
    state = ViewState(Filters("2017/18", 12), focus="E54000009")
    at = _linked(state.to_query_params(system_names()), page="system_detail")
    assert as_read(at.caption[0]).startswith("2017/18"), as_read(at.caption[0])
    table = table_with(at, "Control total (£m)")
    assert not {"org_code", "control_total", "stated_in_month"} & set(table.columns)
    rows = bundled()
    rows = rows[(rows.financial_year == "2017/18") & (rows.system_code == "E54000009")]
    latest = rows.dropna(subset=["control_total_accepted"]).sort_values("month").groupby("org_code").last()
    refused = latest[latest.control_total_accepted == "N"].reset_index()
    want = dict(zip(refused.org_code, refused.control_total / 1000, strict=True))
    got = dict(zip(table["Code"], table["Control total (£m)"], strict=True))
    assert got == pytest.approx(want)


@pytest.mark.parametrize(
    "query,words",
    [
        ({"year": "2030/31"}, ('year "2030/31"', "2018/19")),
        ({"year": "2018/19", "month": "M13"}, ('month "M13"', "M09 (Dec 2018)")),
        ({"system": "Nowhere (E54000999)"}, ('system "Nowhere (E54000999)"', "all systems")),
    ],
)
def test_a_link_value_not_in_the_data_is_named_on_the_page(query: dict[str, str], words) -> None:
    at = _linked(query)
    notices = " ".join(as_read(w) for w in at.warning)
    for word in words:
        assert word in notices, notices
    assert as_read(at.caption[0]).startswith("2018/19, year to date at M09 (Dec 2018); figures in £m")


def test_an_unknown_system_in_focus_is_named_on_system_detail() -> None:
    at = _linked({"focus": "E54000999"}, page="system_detail")
    notices = " ".join(as_read(w) for w in at.warning)
    assert 'system in focus "E54000999"' in notices, notices


def _shown_order(frame) -> list[str]:
    """The columns as the table shows them, left to right."""
    return list(frame.proto.column_order) or list(frame.value.columns)


def test_systems_table_shows_the_money_first_after_the_name() -> None:
    at = _linked({}, page="systems")
    shown = _shown_order(at.dataframe[0])
    assert shown[0] == "System"
    leading = set(shown[1:7])
    for column in ("Variance YTD (£m)", "Plan surplus YTD (£m)", "Actual surplus YTD (£m)"):
        assert column in leading, shown
    assert "Forecast outturn (£m)" in shown[:9], shown
    assert set(at.dataframe[0].value.columns) <= set(shown)  # nothing hidden, only moved


def test_ratings_table_shows_overspend_beside_the_variance() -> None:
    at = _linked({}, page="ratings")
    shown = _shown_order(at.dataframe[0])
    assert shown[:4] == ["System", "Variance YTD (£m)", "Variance %", "Overspend YTD (£m)"], shown


@pytest.mark.parametrize("year", ["2017/18", "2018/19"])
def test_the_type_column_is_the_systems_type_in_the_chosen_year(year: str) -> None:
    import csv

    with (ROOT / "data" / "systems.csv").open(encoding="utf-8") as handle:
        systems = {row["system_code"]: row for row in csv.DictReader(handle)}
    year_end = f"{int(year[:4]) + 1}-03"
    at = _linked({"year": year}, page="systems")
    table = at.dataframe[0].value
    for code, shown in zip(table["Code"], table["Type"], strict=True):
        since = systems[code]["ics_since"]
        is_ics = systems[code]["system_type"] == "ICS" and (not since or since <= year_end)
        assert shown.startswith("ICS") == is_ics, (code, shown, since)
        assert "2021" not in shown and "2020" not in shown, (code, shown)


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _lines(text: str) -> list[str]:
    return html.unescape(text).split("<br>")


TITLE_WIDTH, SUBTITLE_WIDTH = 44, 60
"""Characters a chart title's (subtitle's) line may hold and still fit a 390 px phone."""


@pytest.mark.parametrize("page", ["overview", "systems", "system_detail", "ratings"])
def test_chart_titles_wrap_to_fit_a_phone(page: str) -> None:
    at = _linked({}, page=page)
    for spec in _charts(at):
        title = spec["layout"].get("title", {})
        for line in _lines(title.get("text", "")):
            assert len(line) <= TITLE_WIDTH, line
        for line in _lines(title.get("subtitle", {}).get("text", "")):
            assert len(line) <= SUBTITLE_WIDTH, line


def test_the_waterfall_says_how_many_organisations_other_holds_and_truncates_no_name() -> None:
    state = ViewState(Filters("2018/19", 9), focus="E54000008")
    at = _linked(state.to_query_params(system_names()), page="system_detail")
    rows = bundled()
    members = rows[(rows.financial_year == "2018/19") & (rows.system_code == "E54000008")].org_code.nunique()
    waterfall = next(s for s in _charts(at) if s["data"][0]["type"] == "waterfall")
    labels = [" ".join(_lines(x)) for x in waterfall["data"][0]["x"]]
    assert f"Other {members - 5} organisations" in labels, labels
    assert not [label for label in labels if "…" in label], labels
    named = set(table_with(at, "Contribution to variance (£m)")["Code"])
    assert len(named) == members  # the organisations "Other" holds are listed below the chart
    assert any(f"Other {members - 5} organisations" in as_read(c) for c in at.caption)
