"""Shown money is rounded once, at the end, and shown parts add up to their shown total (issue 12)."""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import figures, measures, rounding, views
from analysis.dataset import load_bundled
from analysis.filters import Filters, available_options, resolve
from analysis.model import Dataset
from analysis.state import ViewState

UNITS = ("£m", "£000")
LAST_DIGIT = {"£m": Decimal("0.1"), "£000": Decimal(1)}

amounts = st.floats(min_value=-5e6, max_value=5e6, allow_nan=False, allow_infinity=False)


def _digits(value: float) -> Decimal:
    """The shown value as a decimal, read from its text (so float noise cannot pass for a sum)."""
    return Decimal(format(value, ".12g"))


@settings(max_examples=200, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=30), st.sampled_from(UNITS))
def test_parts_add_up_to_the_shown_total_of_a_random_frame(parts: list[float], unit: str) -> None:
    total_row = len(parts)
    frame = pd.DataFrame(
        {"name": [f"p{i}" for i in range(len(parts))] + ["Total"], "money": [*parts, sum(parts)]}
    )
    shown = rounding.shown_table(frame, ["money"], unit, total_row=total_row)  # type: ignore[arg-type]
    values = [_digits(v) for v in shown["money"]]
    assert sum(values[:-1], Decimal(0)) == values[-1]
    assert values[-1] == _digits(rounding.shown(sum(parts), unit))  # type: ignore[arg-type]
    for exact, got in zip(parts, values[:-1], strict=True):
        own = _digits(rounding.shown(exact, unit))  # type: ignore[arg-type]
        assert abs(got - own) <= LAST_DIGIT[unit] * len(parts)
    assert list(shown["name"]) == list(frame["name"])


@settings(max_examples=200, deadline=None)
@given(st.lists(amounts, min_size=2, max_size=12), amounts, st.sampled_from(UNITS))
def test_a_waterfall_keeps_plan_and_actual_and_its_steps_add_up(
    steps: list[float], plan: float, unit: str
) -> None:
    actual = plan + sum(steps)
    shown = rounding.shown_parts([plan, *steps], unit, actual, keep=[0])  # type: ignore[arg-type]
    values = [_digits(v) for v in shown]
    assert values[0] == _digits(rounding.shown(plan, unit))  # type: ignore[arg-type]
    assert sum(values, Decimal(0)) == _digits(rounding.shown(actual, unit))  # type: ignore[arg-type]


@given(amounts, amounts, st.sampled_from(UNITS))
def test_a_shown_difference_is_the_difference_of_the_shown_figures(a: float, b: float, unit: str) -> None:
    difference = rounding.shown_difference(a, b, unit)  # type: ignore[arg-type]
    expected = _digits(rounding.shown(a, unit)) - _digits(rounding.shown(b, unit))  # type: ignore[arg-type]
    assert _digits(rounding.shown(difference, unit)) == expected  # type: ignore[arg-type]


def test_rounding_is_half_away_from_zero_on_the_value_as_written() -> None:
    assert rounding.shown(-14_450.0, "£m") == -14.5
    assert rounding.shown(950.0, "£m") == 1.0
    assert rounding.shown(-0.4, "£000") == 0.0
    assert str(rounding.shown(-0.04, "£m")) == "0.0"


# --- the defects, on the bundled data -------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> Dataset:
    return load_bundled()


def _amount(text: str) -> Decimal:
    """A shown amount back as a signed decimal: "−£1.2m", "(£3.0m)", "£0.4m adverse", "on plan"."""
    if text == "on plan":
        return Decimal(0)
    number = Decimal(re.search(r"[\d,]+(?:\.\d+)?", text).group(0).replace(",", ""))  # type: ignore[union-attr]
    negative = text.startswith(("−", "(")) or text.endswith("adverse")
    return -number if negative else number


def test_every_waterfalls_labels_add_up_to_its_total(bundled: Dataset) -> None:
    rows = bundled.control_totals
    checked = 0
    for year in available_options(bundled).years:
        month = resolve(Filters(financial_year=year), bundled).month
        in_year = rows[rows["financial_year"] == year]
        for code in sorted(in_year["system_code"].dropna().unique()):
            steps = measures.waterfall_steps(in_year[in_year["system_code"] == code], code, year, month)
            for unit in UNITS:
                labels = [_amount(t) for t in figures.waterfall(steps, unit, "p", code).data[0].text]
                assert sum(labels[:-1], Decimal(0)) == labels[-1], (year, code, unit, labels)
                checked += 1
    assert checked > 100


def test_the_overview_forecast_difference_is_the_difference_of_the_shown_figures(bundled: Dataset) -> None:
    s = views.scope(bundled, ViewState(resolve(Filters(), bundled), "£m"))
    forecast = next(h for h in views.overview(s).headlines if h.label == "Forecast outturn")
    assert forecast.value == "−£1,225.4m"
    assert "control totals of those same organisations (−£686.0m)" in (forecast.help or "")
    assert forecast.delta == "£539.4m adverse; 363 of 363 forecasts in"


def test_the_contributions_table_shows_what_the_board_pack_shows(bundled: Dataset) -> None:
    # RE9's contribution at 2017/18 M11 is exactly −£14,450k: shown as (14.5) in £m (half away from zero),
    # which a float −14.45 (−14.4499…) would display as (14.4).
    filters = resolve(Filters(financial_year="2017/18", month=11), bundled)
    system = str(bundled.control_totals.set_index("org_code").loc["RE9", "system_code"].iloc[0])
    detail = views.system_detail(views.scope(bundled, ViewState(filters, "£m", focus=system)))
    table = detail.attribution.set_index("Code")
    contribution = next(c for c in table.columns if str(c).startswith("Contribution"))
    assert table.loc["RE9", contribution] == -14.5
