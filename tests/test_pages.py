"""Every page of the app, run headless with Streamlit's AppTest, on the bundled data and on small folders.

The numbers on screen are checked against year-to-date figures computed here, directly with pandas from
the CSV files and the contract's definitions ("Definitions used everywhere" in data-contract.md), not
through `analysis.measures`: surplus = income − expenditure; year to date at month m sums months 1..m of
the rows with actuals (plan and actual alike); variance = actual − plan surplus; the control total of a
group counts each organisation-year once; its forecast outturn is the sum of its members' forecasts at m.
"""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from conftest import as_read, ct_row, ct_text, default_ct_rows, systems_text
from streamlit.testing.v1 import AppTest

from analysis import formatting
from analysis.filters import Filters
from analysis.state import ViewState

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
BUNDLED = ROOT / "data"
PAGES = ("overview", "systems", "system_detail", "ratings", "explore", "data")
TITLES = {
    "overview": "Where the money stands against plan",
    "systems": "Systems side by side",
    "ratings": "Progress ratings and money",
    "explore": "Explore the rows",
    "data": "Data: sources and checks",
}
NO_DATA = "No rows match the filters. Widen the selection or press Reset filters."
NO_SYSTEMS = "No systems match the filters. Widen the selection or press Reset filters."
NO_ACTUALS_2018 = (
    "No organisation has reported actuals for 2018/19 yet, so there is no year to date to compare with "
    "plan. The planned figures are on the Explore page."
)


# ---------------------------------------------------------------------------------------------------------
# Running the app


pytestmark = pytest.mark.usefixtures("served_like_a_session")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """data_dir({"name.csv": text or bytes}) -> folder, with DATA_DIR set to it (a systems.csv added)."""

    def _make(files: dict[str, str | bytes]) -> Path:
        folder = tmp_path / "extracts"
        folder.mkdir()
        for name, content in {"systems.csv": systems_text(), **files}.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (folder / name).write_bytes(data)
        monkeypatch.setenv("DATA_DIR", str(folder))
        st.cache_data.clear()
        return folder

    return _make


def open_page(page: str = "overview", **state: object) -> AppTest:
    """A new session on `page`; `state` is put in session state first (e.g. focus="E54000007")."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    """No exception element, no error message; the shared filter bar is there."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.sidebar.radio(key="unit") is not None


def metrics(at: AppTest) -> dict[str, object]:
    return {m.label: m for m in at.metric}


def texts(elements) -> list[str]:
    return [as_read(e) for e in elements]


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The (first) dataframe on the page that has `column`."""
    for frame in at.dataframe:
        value = frame.value
        if column in value.columns:
            return value
    raise AssertionError(
        f"no table with a {column!r} column; tables: {[list(f.value.columns) for f in at.dataframe]}"
    )


# ---------------------------------------------------------------------------------------------------------
# The numbers, computed independently from the bundled CSV files


@functools.cache
def bundled() -> pd.DataFrame:
    rows = pd.read_csv(
        BUNDLED / "control_totals.csv", dtype={"financial_year": str, "org_code": str, "system_code": str}
    )
    systems = pd.read_csv(BUNDLED / "systems.csv", dtype=str)
    regions = dict(zip(systems["system_code"], systems["region"], strict=True))
    return rows.assign(region=rows["system_code"].map(regions))


@functools.cache
def system_names() -> dict[str, str]:
    systems = pd.read_csv(BUNDLED / "systems.csv", dtype=str)
    return dict(zip(systems.system_code, systems.system_name, strict=True))


def reported(rows: pd.DataFrame) -> pd.Series:
    return rows["actual_income"].notna() & rows["actual_expenditure"].notna()


def default_month(year: str) -> int:
    """The contract's default as-at month: the latest month of the year with any actuals (all the data)."""
    rows = bundled()[bundled()["financial_year"] == year]
    return int(rows.loc[reported(rows), "month"].max())


def ytd(rows: pd.DataFrame, month: int) -> dict[str, float]:
    """The contract's year-to-date measures of one group's rows of one year."""
    to_date = rows[reported(rows) & (rows["month"] <= month)]
    plan = (to_date["plan_income"] - to_date["plan_expenditure"]).sum()
    actual = (to_date["actual_income"] - to_date["actual_expenditure"]).sum()
    at_month = rows[rows["month"] == month]
    forecasts = at_month.dropna(subset=["forecast_outturn"])
    complete = set(forecasts["org_code"]) == set(rows["org_code"])
    forecast = forecasts["forecast_outturn"].sum() if complete else math.nan
    control_total = rows.drop_duplicates("org_code")["control_total"].sum()
    return {
        "plan_surplus": plan,
        "actual_surplus": actual,
        "variance": actual - plan,
        "overspend": (to_date["actual_expenditure"] - to_date["plan_expenditure"]).sum(),
        "control_total": control_total,
        "forecast": forecast,
        "forecast_variance": forecast - control_total,
        "orgs": rows["org_code"].nunique(),
        "orgs_reporting": at_month.loc[reported(at_month), "org_code"].nunique(),
    }


def selection(year: str, regions: tuple[str, ...] = (), systems: tuple[str, ...] = ()) -> pd.DataFrame:
    rows = bundled()[bundled()["financial_year"] == year]
    if regions:
        rows = rows[rows["region"].isin(regions)]
    if systems:
        rows = rows[rows["system_code"].isin(systems)]
    return rows


def by_system(rows: pd.DataFrame, month: int) -> dict[str, dict[str, float]]:
    return {code: ytd(part, month) for code, part in rows.groupby("system_code")}


def money(value: float, unit: str) -> str:
    return formatting.format_money(value, unit, brackets=False)


def shown_difference(a: float, b: float, unit: str) -> float:
    """£000 between two figures as the page shows them (half away from zero), as a reader subtracts."""
    if math.isnan(a) or math.isnan(b):
        return math.nan
    scale, places = (1000, Decimal("0.1")) if unit == "£m" else (1, Decimal("1"))

    def shown(x: float) -> Decimal:
        return Decimal(repr(float(x) / scale)).quantize(places, rounding=ROUND_HALF_UP)

    return float(shown(a) - shown(b)) * scale


def delta(value: float, unit: str, measure: str) -> str:
    """The headline's delta: the variance in words (the arrow and colour carry the sign separately)."""
    return formatting.format_signed_variance(value, unit, measure=measure)


# ---------------------------------------------------------------------------------------------------------
# Every page runs


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_bundled_data(page: str) -> None:
    at = open_page(page)
    if page in TITLES:
        assert as_read(at.title[0]) == TITLES[page]
    assert any("Illustrative data" in text for text in texts(at.info)), "the sample banner is missing"
    assert not any("held back" in text for text in texts(at.warning)), "the bundled data should be valid"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_a_small_data_folder(page: str, data_dir) -> None:
    data_dir({"control_totals.csv": ct_text()})
    at = open_page(page)
    if page in TITLES:
        assert as_read(at.title[0]) == TITLES[page]
    assert "Source: files in" in as_read(at.caption[0]) or page == "data"
    assert not any("Illustrative data" in text for text in texts(at.info) if page != "data")
    assert not at.warning or page == "ratings"  # the ratings page always carries its caution


# ---------------------------------------------------------------------------------------------------------
# Filters change the numbers to the contract's


OVERVIEW_CASES = {
    "defaults": dict(year="2018/19", month=None, regions=(), unit="£m"),
    "year 2017/18": dict(year="2017/18", month=None, regions=(), unit="£m"),
    "month M06": dict(year="2018/19", month=6, regions=(), unit="£m"),
    "one region": dict(year="2018/19", month=None, regions=("London",), unit="£m"),
    "£000": dict(year="2018/19", month=None, regions=(), unit="£000"),
    "2017/18 M03 one region £000": dict(year="2017/18", month=3, regions=("Midlands",), unit="£000"),
    # Overspend here is exactly 63,831.5 but sums to 63831.49999999814 in floats: shown £63,832k.
    "2017/18 M03 two regions £000": dict(
        year="2017/18", month=3, regions=("Midlands", "South West"), unit="£000"
    ),
}


def set_filters(at: AppTest, year: str, month: int | None, regions: tuple[str, ...], unit: str) -> AppTest:
    """Change one widget per run, as a person does (a new year starts at its own default month)."""
    if year != at.selectbox(key="year").value:
        at.selectbox(key="year").set_value(year).run()
    if month is not None:
        at.selectbox(key="month").set_value(month).run()
    if regions:
        at.multiselect(key="region").set_value(list(regions)).run()
    if unit != "£m":
        at.radio(key="unit").set_value(unit).run()
    assert_clean(at)
    return at


@pytest.mark.parametrize("case", OVERVIEW_CASES.values(), ids=list(OVERVIEW_CASES))
def test_overview_headlines_are_the_contracts_numbers(case: dict) -> None:
    at = set_filters(open_page(), **case)
    month = case["month"] or default_month(case["year"])
    rows = selection(case["year"], case["regions"])
    want = ytd(rows, month)
    systems = by_system(rows, month)
    unit = case["unit"]
    shown = metrics(at)

    assert at.selectbox(key="month").value == month
    assert formatting.month_label(case["year"], month) in as_read(at.caption[0])
    assert shown["Surplus YTD"].value == money(want["actual_surplus"], unit)
    surplus_gap = shown_difference(want["actual_surplus"], want["plan_surplus"], unit)
    assert shown["Surplus YTD"].delta == delta(surplus_gap, unit, "variance")
    assert shown["Overspend YTD"].value == money(want["overspend"], unit)
    adverse = sum(s["variance"] < 0 for s in systems.values())
    assert shown["Systems adverse"].value == f"{adverse} of {len(systems)}"
    assert shown["Systems adverse"].delta == f"{want['orgs_reporting']} of {want['orgs']} orgs reported"
    assert shown["Forecast outturn"].value == money(want["forecast"], unit)
    forecast_gap = shown_difference(want["forecast"], want["control_total"], unit)  # every org forecasts
    forecast_words = delta(forecast_gap, unit, "forecast_variance")
    assert (
        shown["Forecast outturn"].delta == f"{forecast_words}; {want['orgs']} of {want['orgs']} forecasts in"
    )


def test_a_deep_link_reproduces_the_view() -> None:
    """A link as the app writes it (a bound selectbox puts its shown label in the URL) opens the same view."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"year": "2017/18", "month": "M06 (Sep 2017)", "region": "London", "unit": "£000"})
    at.run()
    assert_clean(at)
    want = ytd(selection("2017/18", ("London",)), 6)
    assert at.metric[0].value == money(want["actual_surplus"], "£000")
    assert as_read(at.caption[0]).startswith("2017/18, year to date at M06 (Sep 2017); region London")


def test_a_link_the_dashboard_writes_opens_that_view() -> None:
    """The link spelling of `analysis.state` is the widgets' own: every part of a view survives the trip."""
    state = ViewState(
        Filters("2017/18", 6, ("London",), ("E54000027", "E54000028"), ("acute", "ccg")), "£000", True
    )
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(state.to_query_params(system_names()))
    at.run()
    assert_clean(at)
    assert as_read(at.caption[0]).startswith(state.words(system_names()) + ". Source:")
    want = ytd(
        selection("2017/18", systems=("E54000027", "E54000028")).query("org_type in ['acute', 'ccg']"), 6
    )
    assert at.metric[0].value == money(want["actual_surplus"], "£000")


def test_a_link_to_one_system_opens_it() -> None:
    state = ViewState(Filters("2017/18", 12), focus="E54000008")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(state.to_query_params(system_names()))
    at.run()
    at.switch_page("pages/system_detail.py").run()
    assert_clean(at)
    assert as_read(at.title[0]) == "Cheshire and Merseyside (E54000008)"
    assert as_read(at.caption[0]).startswith(state.words() + ". Source:")


@pytest.mark.parametrize(
    "year,regions",
    [("2018/19", ()), ("2017/18", ("North East and Yorkshire",))],
    ids=["defaults", "filtered"],
)
def test_systems_table_variances_are_the_contracts(year: str, regions: tuple[str, ...]) -> None:
    at = set_filters(open_page("systems"), year, None, regions, "£m")
    table = at.dataframe[0].value
    want = by_system(selection(year, regions), default_month(year))

    assert set(table["Code"]) == set(want)
    for code, shown in zip(table["Code"], table["Variance YTD (£m)"], strict=True):
        assert shown == pytest.approx(want[code]["variance"] / 1000, abs=1e-9), code
    for code, shown in zip(table["Code"], table["Plan surplus YTD (£m)"], strict=True):
        assert shown == pytest.approx(want[code]["plan_surplus"] / 1000, abs=1e-9), code
    assert list(table["Variance YTD (£m)"]) == sorted(table["Variance YTD (£m)"]), "most adverse first"
    positions = {"favourable": 1, "adverse": -1}
    for position, variance in zip(table["Position"], table["Variance YTD (£m)"], strict=True):
        assert math.copysign(1, variance) == positions[position]


def test_system_detail_headlines_for_a_chosen_system() -> None:
    at = open_page("system_detail")
    at.selectbox(key="focus").set_value("E54000007").run()
    assert_clean(at)
    assert as_read(at.title[0]) == "Greater Manchester (E54000007)"
    want = ytd(selection("2018/19", systems=("E54000007",)), default_month("2018/19"))
    shown = metrics(at)
    assert shown["Actual surplus YTD"].value == money(want["actual_surplus"], "£m")
    assert shown["Actual surplus YTD"].delta == delta(want["variance"], "£m", "variance")
    assert shown["Overspend YTD"].value == money(want["overspend"], "£m")
    assert shown["Forecast outturn"].value == money(want["forecast"], "£m")
    assert shown["Organisations reporting"].value == f"{want['orgs_reporting']} of {want['orgs']}"


def test_system_detail_defaults_to_the_most_adverse_system() -> None:
    at = open_page("system_detail")
    want = by_system(selection("2018/19"), default_month("2018/19"))
    worst = min(want, key=lambda code: want[code]["variance"])
    assert as_read(at.title[0]) == f"{system_names()[worst]} ({worst})"


def test_explore_shows_the_filtered_rows_through_the_as_at_month() -> None:
    at = set_filters(open_page("explore"), "2017/18", 6, ("London",), "£m")
    rows = selection("2017/18", ("London",))
    expected = int((rows["month"] <= 6).sum())
    assert expected > 0
    assert any(text.startswith(f"{expected:,} rows:") for text in texts(at.caption))
    shown = at.dataframe[0].value
    assert len(shown) == expected
    assert set(shown["Month"]) == set(range(1, 7))


# ---------------------------------------------------------------------------------------------------------
# Nothing to show is said plainly


@pytest.mark.parametrize("page", ["overview", "systems", "system_detail", "ratings", "explore"])
def test_an_empty_selection_says_so(page: str) -> None:
    at = open_page(page)
    at.multiselect(key="region").set_value(["London"]).run()
    at.multiselect(key="system").set_value(["E54000005"]).run()  # West Yorkshire: not in London
    assert_clean(at)
    expected = NO_SYSTEMS if page == "system_detail" else NO_DATA
    assert expected in texts(at.info)
    assert not at.metric


@pytest.mark.parametrize("page", ["overview", "systems", "system_detail", "ratings"])
def test_no_actuals_at_all_says_so(page: str, data_dir) -> None:
    rows = [dict(row, actual_income="", actual_expenditure="") for row in default_ct_rows()]
    data_dir({"control_totals.csv": ct_text(rows)})
    at = open_page(page)
    if page == "system_detail":
        title = as_read(at.title[0])
        name = title.rsplit(" (", 1)[0]
        assert f"{name} has not reported actuals for 2018/19 yet" in texts(at.info)[0]
    else:
        assert NO_ACTUALS_2018 in texts(at.info)
    assert not at.metric


def test_no_actuals_at_all_still_lists_the_plans_on_explore(data_dir) -> None:
    rows = [dict(row, actual_income="", actual_expenditure="") for row in default_ct_rows()]
    data_dir({"control_totals.csv": ct_text(rows)})
    at = open_page("explore")
    assert len(at.dataframe[0].value) == len(rows)


def test_a_system_without_actuals_says_so(data_dir) -> None:
    rows = [
        dict(row, actual_income="", actual_expenditure="") if row["system_code"] == "E54000007" else row
        for row in default_ct_rows()
    ]
    data_dir({"control_totals.csv": ct_text(rows)})
    at = open_page("system_detail", focus="E54000007")
    assert as_read(at.title[0]) == "Greater Manchester (E54000007)"
    assert texts(at.info) == [
        "Greater Manchester has not reported actuals for 2018/19 up to M02 (May 2018) yet, so there is no "
        "year to date to compare with plan. The planned figures are on the Explore page."
    ]
    assert not at.metric

    at.switch_page("pages/systems.py").run()
    assert_clean(at)
    table = at.dataframe[0].value.set_index("Code")
    assert table.loc["E54000007", "Position"] == "no actuals"
    assert table.loc["E54000008", "Position"] == "favourable"


# ---------------------------------------------------------------------------------------------------------
# The Data page's validation report


def test_data_page_lists_a_bad_row_and_counts_it(data_dir) -> None:
    bad = ct_row(org_code="RX2", org_name="Gamma NHS Trust", month="13")
    folder = data_dir({"control_totals.csv": ct_text([*default_ct_rows(), bad])})
    at = open_page("data")
    problems = table_with(at, "rule")
    assert len(problems) == 1
    problem = problems.iloc[0]
    assert Path(problem["file"]).name == "control_totals.csv"
    assert (int(problem["line"]), problem["column"], problem["rule"]) == (8, "month", "month_out_of_range")
    assert str(problem["value"]) == "13"

    files = table_with(at, "quarantined").set_index("file")
    assert files.loc["control_totals.csv", ["rows", "valid", "quarantined"]].tolist() == [7, 6, 1]
    assert "1 problem on 1 row." in " ".join(texts(at.markdown))
    assert "1 row was held back by the checks: see the Data page." in texts(at.warning)
    assert str(folder) in as_read(at.caption[0])

    at.switch_page("pages/overview.py").run()  # the other pages carry on without the row
    assert_clean(at)
    assert "1 row was held back by the checks: see the Data page." in texts(at.warning)


def test_data_page_names_a_file_it_cannot_read(data_dir) -> None:
    data_dir({"control_totals.csv": ct_text(), "broken.csv": b""})
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.metric, "the readable files still load"
    at.switch_page("pages/data.py").run()
    assert not at.exception
    errors = texts(at.error)
    assert len(errors) == 1
    assert errors[0].startswith("**broken.csv** could not be read.")
    assert "empty" in errors[0]
    files = table_with(at, "kind").set_index("file")
    assert files.loc["broken.csv", "kind"] == "unreadable"
    assert "1 file could not be read: see the Data page." in texts(at.warning)


# ---------------------------------------------------------------------------------------------------------
# Drill-through and units


def test_drill_through_opens_the_focused_system() -> None:
    at = open_page("systems")
    at.session_state["focus"] = "E54000008"
    at.switch_page("pages/system_detail.py").run()
    assert_clean(at)
    assert as_read(at.title[0]) == "Cheshire and Merseyside (E54000008)"
    assert at.selectbox(key="focus").value == "E54000008"


def test_selecting_a_systems_table_row_opens_that_system() -> None:
    at = open_page("systems")
    first = at.dataframe[0].value.iloc[2]
    at.session_state["systems_table"] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    assert_clean(at)
    assert as_read(at.title[0]) == f"{first['System']} ({first['Code']})"


def test_the_unit_toggle_changes_every_figure_at_once() -> None:
    at = open_page()
    want = ytd(selection("2018/19"), default_month("2018/19"))
    before = metrics(at)
    assert before["Surplus YTD"].value == money(want["actual_surplus"], "£m")
    assert before["Surplus YTD"].value.endswith("m")

    at.radio(key="unit").set_value("£000").run()
    assert_clean(at)
    after = metrics(at)
    assert after["Surplus YTD"].value == money(want["actual_surplus"], "£000")
    assert after["Overspend YTD"].value == money(want["overspend"], "£000")
    assert after["Forecast outturn"].value == money(want["forecast"], "£000")
    for label in ("Surplus YTD", "Overspend YTD", "Forecast outturn"):
        assert after[label].value.endswith("k"), label
    gap = shown_difference(want["actual_surplus"], want["plan_surplus"], "£000")  # of the figures shown
    assert after["Surplus YTD"].delta == delta(gap, "£000", "variance")
    assert "figures in £000" in as_read(at.caption[0])

    at.switch_page("pages/systems.py").run()  # the unit stays chosen on the next page
    assert_clean(at)
    table = at.dataframe[0].value
    assert "Variance YTD (£000)" in table.columns and "Variance YTD (£m)" not in table.columns
    worst = table.iloc[0]
    expected = by_system(selection("2018/19"), default_month("2018/19"))[worst["Code"]]["variance"]
    assert worst["Variance YTD (£000)"] == pytest.approx(expected)


def test_restating_on_todays_footprints_moves_rows_but_keeps_the_total() -> None:
    at = open_page()
    before = {label: m.value for label, m in metrics(at).items() if label != "Systems adverse"}
    at.toggle(key="restate").set_value(True).run()
    assert_clean(at)
    after = {label: m.value for label, m in metrics(at).items() if label != "Systems adverse"}
    assert after == before
    assert "restated on today's footprints" in as_read(at.caption[0])


@pytest.mark.parametrize("page", ["overview", "systems", "ratings"])
def test_the_unit_toggle_reformats_without_measuring_again(
    page: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis import views

    name = page
    view = getattr(views, name)
    calls: list[str] = []
    measure = views.MEASURES[view]

    def counted(*args, **kwargs):
        calls.append(name)
        return measure(*args, **kwargs)

    monkeypatch.setitem(views.MEASURES, view, counted)
    st.cache_data.clear()
    at = open_page(page)
    assert calls == [name]
    before = on_screen(at)

    at.radio(key="unit").set_value("£000").run()
    assert_clean(at)
    assert calls == [name], "the unit toggle measured again"
    assert on_screen(at) != before
    at.radio(key="unit").set_value("£m").run()
    assert on_screen(at) == before
    assert calls == [name]


def on_screen(at: AppTest) -> list[str]:
    """Every headline figure and table, as text."""
    return [f"{e.value} {e.delta}" for e in at.metric] + [e.value.to_csv() for e in at.dataframe]
