"""SPC invariants, checked on generated sequences, and the rebase and fixed-limit options."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis.spc import ASSURANCES, POINT_TYPES, VARIATIONS, latest_variation, spc_analysis
from analysis.spc.rules import two_of_three_windows

DIRECTIONS = st.sampled_from(["increase", "decrease", "neutral"])
# Small integers make runs, trends, ties and points on the mean or a limit common.
SMALL = st.lists(st.integers(-4, 4).map(float), max_size=40)
FINITE = st.lists(st.floats(-1e6, 1e6, allow_nan=False), max_size=40)

SWAP = {
    "special_cause_improvement": "special_cause_concern",
    "special_cause_concern": "special_cause_improvement",
    "common_cause": "common_cause",
}
SWAP_VARIATION = {
    "common_cause": "common_cause",
    "improvement_high": "concern_high",
    "improvement_low": "concern_low",
    "concern_high": "improvement_high",
    "concern_low": "improvement_low",
}


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=30),
    direction=DIRECTIONS,
    target=st.none() | st.floats(allow_nan=False, allow_infinity=False),
)
def test_any_finite_sequence_is_analysed(values, direction, target):
    result = spc_analysis(pd.Series(values, dtype=float), direction, target)
    assert result.n_points == len(values)
    assert set(result.points["point_type"]) <= set(POINT_TYPES)
    assert result.variation in VARIATIONS
    assert result.assurance in ASSURANCES
    assert result.message


@settings(max_examples=200, deadline=None)
@given(value=st.floats(-1e9, 1e9, allow_nan=False), n=st.integers(0, 40), direction=DIRECTIONS)
def test_a_constant_series_has_no_special_cause(value, n, direction):
    result = spc_analysis(pd.Series([value] * n, dtype=float), direction)
    assert set(result.points["point_type"]) <= {"common_cause"}
    assert result.variation == "common_cause"


@settings(max_examples=150, deadline=None)
@given(values=SMALL | FINITE)
def test_flipping_the_direction_swaps_improvement_and_concern(values):
    series = pd.Series(values, dtype=float)
    up = spc_analysis(series, "increase")
    down = spc_analysis(series, "decrease")
    neutral = spc_analysis(series, "neutral")
    assert down.points["point_type"].tolist() == [SWAP[k] for k in up.points["point_type"]]
    assert down.variation == SWAP_VARIATION[up.variation]
    sides = up.points["special_cause_side"].tolist()
    expected = ["common_cause" if s not in ("high", "low") else f"special_cause_neutral_{s}" for s in sides]
    assert neutral.points["point_type"].tolist() == expected


@settings(max_examples=150, deadline=None)
@given(values=SMALL | FINITE)
def test_a_point_is_special_cause_exactly_when_a_rule_flags_it(values):
    points = spc_analysis(pd.Series(values, dtype=float), "increase").points
    flagged = points[["rule_outside_limits", "rule_run", "rule_trend", "rule_two_of_three"]].any(axis=1)
    assert ((points["point_type"] != "common_cause") == flagged).all()
    assert (points["close_to_limits"] & points["rule_outside_limits"]).sum() == 0


@settings(max_examples=150, deadline=None)
@given(values=SMALL | FINITE, data=st.data())
def test_rebasing_splits_the_series_into_independent_charts(values, data):
    assume(len(values) >= 2)
    at = data.draw(st.integers(1, len(values) - 1))
    series = pd.Series(values, dtype=float)
    rebased = spc_analysis(series, "increase", rebase_at=[at]).points.drop(columns="segment")
    before = spc_analysis(series.iloc[:at], "increase").points.drop(columns="segment")
    after = spc_analysis(series.iloc[at:], "increase").points.drop(columns="segment")
    pd.testing.assert_frame_equal(rebased, pd.concat([before, after]))


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.integers(-4, 4).map(float), min_size=13, max_size=40), data=st.data())
def test_with_fixed_limits_rebasing_only_changes_limits_from_that_point_on(values, data):
    at = data.draw(st.integers(12, len(values) - 1))
    series = pd.Series(values, dtype=float)
    limits = ["mean", "lower_limit", "upper_limit", "lower_two_sigma", "upper_two_sigma"]
    plain = spc_analysis(series, "increase", fix_after_n_points=12).points[limits]
    rebased = spc_analysis(series, "increase", fix_after_n_points=12, rebase_at=[at]).points[limits]
    pd.testing.assert_frame_equal(plain.iloc[:at], rebased.iloc[:at])


@settings(max_examples=150, deadline=None)
@given(values=SMALL | FINITE | st.lists(st.floats(-1e3, 1e3, allow_nan=False), max_size=40))
def test_outlier_screening_never_widens_the_limits(values):
    series = pd.Series(values, dtype=float)
    screened = spc_analysis(series, "increase")
    unscreened = spc_analysis(series, "increase", screen_outliers=False)
    assert screened.mean == unscreened.mean or (math.isnan(screened.mean) and math.isnan(unscreened.mean))
    if math.isnan(screened.mean_moving_range):  # nothing left: every moving range was 0, or none existed
        assert not unscreened.mean_moving_range > 0
    else:
        assert screened.mean_moving_range <= unscreened.mean_moving_range
        assert screened.upper_limit - screened.lower_limit <= unscreened.upper_limit - unscreened.lower_limit


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(
        st.integers(-4, 4).map(float) | st.sampled_from([math.nan, math.inf, 0.5, 1e300, -1e300]), max_size=40
    ),
    direction=DIRECTIONS,
    data=st.data(),
)
def test_latest_variation_is_the_variation_of_the_full_analysis(values, direction, data):
    series = pd.Series(values, dtype=float)
    rebase = data.draw(st.lists(st.integers(0, max(len(values) - 1, 0)), max_size=2)) if values else []
    options = {"rebase_at": rebase, "screen_outliers": data.draw(st.booleans())}
    assert (
        latest_variation(series, direction, **options) == spc_analysis(series, direction, **options).variation
    )


@settings(max_examples=150, deadline=None)
@given(close=st.lists(st.booleans(), max_size=20), data=st.data())
def test_two_in_three_marks_every_window_of_two_close_points_on_one_side(close, data):
    side = data.draw(st.lists(st.sampled_from([-1.0, 0.0, 1.0]), min_size=len(close), max_size=len(close)))
    expected = np.zeros(len(close), dtype=bool)
    for start in range(len(close) - 2):  # the definition, window by window
        window = slice(start, start + 3)
        if sum(close[window]) >= 2 and abs(sum(side[window])) == 3:
            expected[window] = True
    got = two_of_three_windows(np.array(close, dtype=bool), np.array(side))
    assert got.tolist() == expected.tolist()


# --- the options --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fix", [0, 11, 11.5, True])
def test_fix_after_n_points_below_twelve_or_fractional_is_refused(fix):
    with pytest.raises(ValueError, match="fix_after_n_points"):
        spc_analysis(pd.Series([1.0, 2.0]), "increase", fix_after_n_points=fix)


def test_fixed_limits_apply_to_later_points():
    values = [1.0, -1.0] * 6 + [10.0, 10.0]
    fixed = spc_analysis(pd.Series(values), "increase", fix_after_n_points=12)
    assert (fixed.mean, fixed.mean_moving_range) == (0, 2)
    assert fixed.points["moving_range_used"].tolist() == [False] + [True] * 11 + [False, False]
    assert fixed.points["rule_outside_limits"].tolist()[-2:] == [True, True]


def test_a_rebase_on_a_missing_value_starts_the_segment_at_the_next_point():
    values = pd.Series([1.0, 2.0, np.nan, 3.0, 4.0], index=list("abcde"))
    result = spc_analysis(values, "increase", rebase_at=["c", "zz"])
    assert result.points["segment"].tolist() == [0, 0, 1, 1]
    assert result.n_segments == 2
    assert "limits recalculated 1 time" in result.message


def test_icon_texts_of_a_result():
    result = spc_analysis(pd.Series([1.0, -1.0] * 6 + [10.0]), "increase", target=-6)
    assert result.variation_label == "Special cause – improving (high)"
    assert result.variation_text.startswith("Variation icon, blue: special cause of an improving nature")
    assert result.assurance_label == "Target consistently met"
    assert result.assurance_text == "Assurance icon, blue: the process will consistently meet the target."
