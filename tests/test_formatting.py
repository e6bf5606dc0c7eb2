"""Money, percent and month formatting, and totals that still add up after rounding."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.formatting import (
    MINUS,
    MISSING,
    cell_text,
    excel_number_format,
    favourable_or_adverse,
    format_money,
    format_percent,
    format_signed_variance,
    is_missing,
    month_label,
    month_short,
    number_column_config,
    round_preserving_total,
    rounds_to_zero,
    scale,
    table_number_format,
    table_number_step,
)


class TestScale:
    def test_thousands_unchanged_and_millions_divided(self):
        assert scale(2455, "£000") == 2455
        assert scale(2455, "£m") == pytest.approx(2.455)

    def test_series_keeps_index_and_nan(self):
        out = scale(pd.Series([1500.0, np.nan], index=["a", "b"]), "£m")
        assert out.index.tolist() == ["a", "b"]
        assert out["a"] == 1.5 and math.isnan(out["b"])

    def test_unknown_unit_is_refused(self):
        with pytest.raises(ValueError, match="unknown unit"):
            scale(1, "£bn")  # type: ignore[arg-type]


class TestFormatMoney:
    @pytest.mark.parametrize(
        ("kwargs", "expected"),
        [
            ({"with_symbol": False}, "(2,455)"),  # £000 table cell
            ({"with_symbol": False, "brackets": False}, f"{MINUS}2,455"),
            ({}, "(£2,455k)"),
            ({"brackets": False}, f"{MINUS}£2,455k"),
            ({"unit": "£m", "brackets": False}, f"{MINUS}£2.5m"),  # headline
            ({"unit": "£m"}, "(£2.5m)"),
            ({"unit": "£m", "with_symbol": False}, "(2.5)"),
            ({"unit": "£m", "decimals": 2}, "(£2.46m)"),
            ({"unit": "£000", "decimals": 1, "with_symbol": False}, "(2,455.0)"),
        ],
    )
    def test_negative(self, kwargs, expected):
        assert format_money(-2455, **kwargs) == expected

    @pytest.mark.parametrize(
        ("value", "unit", "expected"),
        [
            (2455, "£000", "£2,455k"),
            (2455, "£m", "£2.5m"),
            (1234567.8, "£000", "£1,234,568k"),
            (1234567.8, "£m", "£1,234.6m"),
            (999.95, "£m", "£1.0m"),
        ],
    )
    def test_positive(self, value, unit, expected):
        assert format_money(value, unit) == expected

    @pytest.mark.parametrize(
        ("value", "unit", "expected"),
        [
            (2450, "£m", "£2.5m"),  # half away from zero, on the decimal as written
            (-2450, "£m", "(£2.5m)"),
            (2449.99, "£m", "£2.4m"),
            (0.5, "£000", "£1k"),
            (-0.5, "£000", "(£1k)"),
            (2.5, "£000", "£3k"),  # not banker's rounding
        ],
    )
    def test_rounds_half_away_from_zero(self, value, unit, expected):
        assert format_money(value, unit) == expected

    @pytest.mark.parametrize("value", [0, 0.0, -0.0, -0.4, 0.4, np.float64(-0.0)])
    def test_zero_and_values_that_round_to_zero_are_unsigned(self, value):
        assert format_money(value, with_symbol=False) == "0"
        assert format_money(value, brackets=False, with_symbol=False) == "0"

    def test_small_negative_in_millions_is_zero_not_bracketed(self):
        assert format_money(-40, "£m") == "£0.0m"
        assert format_money(-50, "£m") == "(£0.1m)"

    @pytest.mark.parametrize("value", [None, np.nan, float("nan"), pd.NA, float("inf"), -np.inf, pd.NaT])
    def test_missing_is_an_en_dash(self, value):
        assert format_money(value) == MISSING == "\u2013"
        assert format_money(value, "£m", missing="n/a") == "n/a"

    def test_numpy_and_integer_types(self):
        assert format_money(np.int64(-2455), with_symbol=False) == "(2,455)"
        assert format_money(np.float32(1500), "£m") == "£1.5m"


class TestDirection:
    @pytest.mark.parametrize(
        ("value", "measure", "expected"),
        [
            (5, "variance", "favourable"),
            (-5, "variance", "adverse"),
            (5, "forecast_variance", "favourable"),
            (-5, "forecast_variance", "adverse"),
            (5, "overspend", "adverse"),  # more spend than plan is adverse
            (-5, "overspend", "favourable"),
            (0, "variance", "on plan"),
            (-0.0, "overspend", "on plan"),
            (np.nan, "variance", None),
            (None, "overspend", None),
        ],
    )
    def test_sign_meaning_depends_on_measure(self, value, measure, expected):
        assert favourable_or_adverse(value, measure) == expected

    def test_unknown_measure_is_refused(self):
        with pytest.raises(ValueError, match="unknown measure"):
            favourable_or_adverse(1, "surplus")  # type: ignore[arg-type]


class TestSignedVariance:
    @pytest.mark.parametrize(
        ("value", "unit", "measure", "expected"),
        [
            (-3249, "£m", "variance", "£3.2m adverse"),
            (1100, "£m", "variance", "£1.1m favourable"),
            (-1000, "£m", "forecast_variance", "£1.0m adverse"),
            (3200, "£m", "overspend", "£3.2m adverse"),
            (-3200, "£m", "overspend", "£3.2m favourable"),
            (-2455, "£000", "variance", "£2,455k adverse"),
            (0, "£m", "variance", "on plan"),
            (-0.0, "£m", "variance", "on plan"),
            (49.99, "£m", "variance", "on plan"),  # within half a unit of the last digit shown
            (-49.99, "£m", "overspend", "on plan"),
            (50, "£m", "variance", "£0.1m favourable"),
            (0.4, "£000", "variance", "on plan"),
            (-0.5, "£000", "variance", "£1k adverse"),
            (np.nan, "£m", "variance", "not available"),
        ],
    )
    def test_words(self, value, unit, measure, expected):
        assert format_signed_variance(value, unit, measure) == expected

    def test_decimals_change_what_is_on_plan(self):
        assert format_signed_variance(-40, "£m") == "on plan"
        assert format_signed_variance(-40, "£m", decimals=2) == "£0.04m adverse"

    def test_rounds_to_zero(self):
        assert rounds_to_zero(49.9, "£m") and not rounds_to_zero(50, "£m")
        assert rounds_to_zero(-0.49, "£000") and not rounds_to_zero(-0.5, "£000")


class TestPercent:
    @pytest.mark.parametrize(
        ("value", "kwargs", "expected"),
        [
            (12.345, {}, "12.3%"),
            (12.35, {}, "12.4%"),
            (-4, {}, f"{MINUS}4.0%"),
            (-0.04, {}, "0.0%"),
            (-0.0, {}, "0.0%"),
            (7, {"decimals": 0}, "7%"),
            (1234.5, {"decimals": 0}, "1,235%"),
            (-0.123, {"from_fraction": True}, f"{MINUS}12.3%"),
            (np.nan, {}, MISSING),
        ],
    )
    def test_format(self, value, kwargs, expected):
        assert format_percent(value, **kwargs) == expected


class TestMonths:
    @pytest.mark.parametrize(
        ("year", "month", "label", "short"),
        [
            ("2018/19", 1, "M01 (Apr 2018)", "Apr 2018"),
            ("2018/19", 6, "M06 (Sep 2018)", "Sep 2018"),
            ("2018/19", 9, "M09 (Dec 2018)", "Dec 2018"),
            ("2018/19", 10, "M10 (Jan 2019)", "Jan 2019"),  # months 10-12 are in the second calendar year
            ("2018/19", 11, "M11 (Feb 2019)", "Feb 2019"),
            ("2018/19", 12, "M12 (Mar 2019)", "Mar 2019"),
            ("1999/00", 12, "M12 (Mar 2000)", "Mar 2000"),
        ],
    )
    def test_labels(self, year, month, label, short):
        assert month_label(year, month) == label
        assert month_short(year, month) == short

    def test_numpy_month(self):
        assert month_label("2019/20", np.int64(3)) == "M03 (Jun 2019)"

    @pytest.mark.parametrize(
        ("year", "month"),
        [("2018/19", 0), ("2018/19", 13), ("2018/19", True), ("2018-19", 6), ("2018/20", 6), ("FY18/19", 6)],
    )
    def test_bad_input_is_refused(self, year, month):
        with pytest.raises(ValueError):
            month_label(year, month)


class TestRoundPreservingTotal:
    def test_largest_remainder_goes_up(self):
        out = round_preserving_total(pd.Series([1.4, 1.4, 1.2]), 0)
        assert out.tolist() == [2.0, 1.0, 1.0]  # 4.0 in total; the first of the tied largest remainders

    def test_table_in_millions(self):
        parts = pd.Series([2.455, 1.335, 0.21], index=["A", "B", "C"], name="variance")
        out = round_preserving_total(parts, 1)
        assert out.tolist() == [2.5, 1.3, 0.2]
        assert out.index.tolist() == ["A", "B", "C"] and out.name == "variance"
        assert round(out.sum(), 1) == 4.0

    def test_negatives(self):
        out = round_preserving_total(pd.Series([-0.6, -0.6, 1.2]), 0)
        assert out.tolist() == [0.0, -1.0, 1.0]
        assert out.sum() == 0

    def test_negative_total(self):
        out = round_preserving_total(pd.Series([-1.4, -1.4, -1.2]), 0)
        assert out.tolist() == [-1.0, -2.0, -1.0]
        assert out.sum() == -4

    def test_nan_stays_nan_and_is_left_out(self):
        out = round_preserving_total(pd.Series([1.5, np.nan, 1.5]), 0)
        assert out.iloc[0] + out.iloc[2] == 3 and math.isnan(out.iloc[1])

    def test_nullable_dtype_and_empty(self):
        out = round_preserving_total(pd.Series([1.26, pd.NA], dtype="Float64"), 1)
        assert out.iloc[0] == 1.3 and math.isnan(out.iloc[1]) and out.dtype == "float64"
        assert round_preserving_total(pd.Series([], dtype="float64"), 0).empty
        assert round_preserving_total(pd.Series([np.nan, np.nan]), 0).isna().all()

    def test_no_negative_zero(self):
        out = round_preserving_total(pd.Series([-0.2, 0.2]), 0)
        assert [math.copysign(1, v) for v in out] == [1.0, 1.0]

    def test_negative_decimals_round_to_tens(self):
        assert round_preserving_total(pd.Series([14.0, 14.0, 12.0]), -1).tolist() == [20.0, 10.0, 10.0]

    @settings(max_examples=300, deadline=None)
    @given(
        values=st.lists(
            st.one_of(
                st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False),
                st.just(float("nan")),
            ),
            max_size=30,
        ),
        decimals=st.integers(min_value=0, max_value=3),
    )
    def test_parts_add_up_and_stay_close(self, values, decimals):
        series = pd.Series(values, dtype="float64")
        out = round_preserving_total(series, decimals)
        unit = 10.0**-decimals
        present = series.notna()
        assert out.isna().tolist() == (~present).tolist()
        assert out.index.equals(series.index)
        if not present.any():
            return
        true, rounded = series[present], out[present]
        tolerance = 1e-9 * max(1.0, float(true.abs().sum()))
        # each part is its value rounded down or up: within one unit of the last digit
        assert ((rounded - true).abs() <= unit + tolerance).all()
        # each part is a whole number of units
        units = rounded / unit
        assert ((units - units.round()).abs() <= 1e-6 * np.maximum(1.0, units.abs())).all()
        # the parts add up to the rounded total (the nearest whole number of units to the true total)
        total, rounded_total = math.fsum(true), math.fsum(rounded)
        assert abs(rounded_total - total) <= unit / 2 + tolerance
        assert abs(rounded_total / unit - round(rounded_total / unit)) <= 1e-6 * max(1.0, abs(total / unit))


class TestNumberFormats:
    def test_streamlit_table_formats(self):
        assert table_number_format("£000") == "accounting"  # (2,455) in Streamlit's accounting preset
        assert table_number_format("£m", brackets=False) == "%,.1f"
        assert table_number_format("£000", brackets=False) == "%,.0f"
        assert table_number_step("£000") == 1 and table_number_step("£m") == 0.1
        assert number_column_config("£m") == {"format": "accounting", "step": 0.1}

    def test_presets_are_ones_streamlit_knows(self):
        pytest.importorskip("streamlit")
        from typing import get_args

        from streamlit.elements.lib.column_types import NumberFormat

        assert table_number_format("£000") in get_args(NumberFormat)

    def test_excel_formats(self):
        assert excel_number_format("£000") == '"£"#,##0"k";("£"#,##0"k")'
        assert excel_number_format("£m") == '"£"#,##0.0"m";("£"#,##0.0"m")'
        assert excel_number_format("£000", with_symbol=False) == "#,##0;(#,##0)"
        assert excel_number_format("£m", with_symbol=False) == "#,##0.0;(#,##0.0)"


def test_is_missing():
    assert all(is_missing(v) for v in (None, np.nan, pd.NA, pd.NaT, float("inf")))
    assert not any(is_missing(v) for v in (0, -0.0, 1e300, np.float64(2), "text"))


@pytest.mark.parametrize(
    ("value", "kind", "unit", "expected"),
    [
        (-2.455, "money", "£m", ("(2.5)", True)),
        (-2455.0, "money", "£000", ("(2,455)", True)),
        (-0.614, "percent", "£m", (f"{MINUS}0.61%", True)),
        (1234, "count", "£m", ("1,234", True)),
        (1234.0, "count", "£m", ("1,234", True)),
        (1234, "number", "£m", ("1,234", True)),
        (0.5, "number", "£m", ("0.50", True)),
        (-2.455, "text", "£m", ("-2.455", False)),  # a code or label that happens to be a number
        ("(£m) words", "money", "£m", ("(£m) words", False)),
        (True, "money", "£m", ("yes", False)),
        (float("nan"), "money", "£m", (MISSING, True)),
        (None, "text", "£m", (MISSING, True)),
    ],
)
def test_cell_text_follows_the_columns_kind(value, kind, unit, expected):
    assert cell_text(value, kind, unit) == expected
