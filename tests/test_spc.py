"""SPC in the Making Data Count style: limits, the four rules, point types, icons, rebasing and edge cases.

The sequences NHSRplotthedots' own tests use are in test_spc_reference.py; the rules' invariants are in
test_spc_properties.py.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import sample, views
from analysis.dataset import load_paths
from analysis.filters import Filters, resolve
from analysis.spc import (
    ASSURANCE_ICON_TEXT,
    ASSURANCE_LABELS,
    ASSURANCES,
    COMMON_CAUSE_GREY,
    CONCERN_ORANGE,
    IMPROVEMENT_BLUE,
    POINT_TYPE_COLOURS,
    POINT_TYPE_LABELS,
    POINT_TYPES,
    VARIATION_ICON_TEXT,
    VARIATION_LABELS,
    VARIATIONS,
    XmrLimits,
    assurance_class,
    moving_ranges,
    point_type,
    spc_analysis,
    variation_class,
    xmr_limits,
)
from analysis.spc.rules import (
    close_to_limits,
    decide,
    outside_limits,
    relative_to_mean,
    run_points,
    trend_points,
    two_of_three_points,
)
from analysis.state import ViewState

RULE_COLUMNS = ["rule_outside_limits", "rule_run", "rule_trend", "rule_two_of_three"]

# Alternating noise around 0: mean 0, every moving range 2, so limits ±5.32 and two-sigma lines ±3.5467.
NOISE = [1.0, -1.0] * 6


def series(values: list[float]) -> pd.Series:
    """A monthly series, indexed by month like the dashboard's data."""
    return pd.Series(values, index=pd.period_range("2018-04", periods=len(values), freq="M"), dtype=float)


def flags(values: list[float], rule: str) -> list[int]:
    """Positions of the points a rule flags, through the entry point."""
    points = spc_analysis(series(values), "increase").points
    return [i for i, flagged in enumerate(points[rule]) if flagged]


def only_rule_fired(values: list[float], rule: str) -> bool:
    """True if `rule` flags some point and no other rule flags any."""
    points = spc_analysis(series(values), "increase").points
    others = [c for c in RULE_COLUMNS if c != rule]
    return bool(points[rule].any()) and not points[others].any().any()


def no_rule_fired(values: list[float]) -> bool:
    points = spc_analysis(series(values), "increase").points
    return not points[RULE_COLUMNS].any().any() and set(points["point_type"]) == {"common_cause"}


# --- limits -------------------------------------------------------------------------------------------


def test_limits_on_a_hand_computed_sequence():
    # values 10, 14, 12, 16, 13: mean = 65 / 5 = 13
    # moving ranges |14-10|=4, |12-14|=2, |16-12|=4, |13-16|=3: mean MR = 13 / 4 = 3.25
    # limits 13 ± 2.66 × 3.25 = 13 ± 8.645 -> 4.355 and 21.645
    # one sigma 2.66 / 3 × 3.25 = 2.881667; two-sigma lines 13 ± 5.763333 -> 7.236667 and 18.763333
    values = series([10, 14, 12, 16, 13])
    assert moving_ranges(values).tolist()[1:] == [4, 2, 4, 3]
    assert math.isnan(moving_ranges(values).iloc[0])

    limits = xmr_limits(values)
    assert limits.mean == pytest.approx(13)
    assert limits.mean_moving_range == pytest.approx(3.25)
    assert limits.lower_limit == pytest.approx(4.355)
    assert limits.upper_limit == pytest.approx(21.645)
    assert limits.lower_two_sigma == pytest.approx(7.236667, abs=1e-6)
    assert limits.upper_two_sigma == pytest.approx(18.763333, abs=1e-6)
    assert limits.lower_one_sigma == pytest.approx(10.118333, abs=1e-6)
    assert limits.upper_one_sigma == pytest.approx(15.881667, abs=1e-6)

    result = spc_analysis(values, "increase")
    assert (result.mean, result.mean_moving_range) == (pytest.approx(13), pytest.approx(3.25))
    assert (result.lower_limit, result.upper_limit) == (pytest.approx(4.355), pytest.approx(21.645))
    assert result.points["upper_two_sigma"].tolist() == pytest.approx([18.763333] * 5, abs=1e-6)
    assert result.points["value"].tolist() == [10, 14, 12, 16, 13]
    assert result.points.index.equals(values.index)


def test_points_frame_has_the_documented_columns():
    points = spc_analysis(series(NOISE), "increase").points
    assert list(points.columns) == [
        "value",
        "segment",
        "moving_range",
        "moving_range_used",
        "mean",
        "lower_limit",
        "upper_limit",
        "lower_two_sigma",
        "upper_two_sigma",
        "relative_to_mean",
        "close_to_limits",
        *RULE_COLUMNS,
        "point_type",
        "special_cause_rule",
        "special_cause_side",
        "special_cause_type",
        "provisional",
    ]
    assert all(points[c].dtype == bool for c in RULE_COLUMNS)
    empty = spc_analysis(series([]), "increase").points
    assert list(empty.columns) == list(points.columns)
    assert empty["point_type"].dtype == points["point_type"].dtype


# --- rule 1: outside the limits -----------------------------------------------------------------------


def test_outside_limits_fires_alone_on_a_spike():
    # mean 10/13 = 0.769, mean MR 33/12 = 2.75, upper limit 8.08: 10 is above it
    assert only_rule_fired([*NOISE, 10], "rule_outside_limits")
    assert flags([*NOISE, 10], "rule_outside_limits") == [12]
    assert flags([*NOISE, -10], "rule_outside_limits") == [12]


def test_outside_limits_does_not_fire_just_inside():
    # mean 7/13 = 0.538, mean MR 30/12 = 2.5, upper limit 7.19: 7 is inside
    assert no_rule_fired([*NOISE, 7])


def test_outside_limits_sides_and_a_point_on_the_limit():
    limits = XmrLimits(mean=0, mean_moving_range=1)  # limits ±2.66
    x = np.array([2.66, 2.67, -2.67, 0])
    assert outside_limits(x, limits).tolist() == [False, True, True, False]
    assert relative_to_mean(x, limits).tolist() == [1, 1, -1, 0]


# --- rule 2: run on one side of the mean --------------------------------------------------------------


def test_run_of_seven_above_the_mean_fires_alone():
    # mean 4/12 = 0.333; the last seven (1, 3, 1, 3, 1, 3, 1) are above it; mean MR 2, two-sigma 3.88
    values = [-1, -3, -1, -3, -1, 1, 3, 1, 3, 1, 3, 1]
    assert only_rule_fired(values, "rule_run")
    assert flags(values, "rule_run") == list(range(5, 12))


def test_run_of_six_does_not_fire():
    # six below, six above, mean 0
    assert no_rule_fired([-1, -3, -1, -3, -1, -3, 1, 3, 1, 3, 1, 3])


def test_point_on_the_mean_breaks_a_run():
    limits = XmrLimits(mean=0, mean_moving_range=10)
    side = relative_to_mean(np.array([1, 1, 1, 0, 1, 1, 1], dtype=float), limits)
    assert not run_points(side).any()
    side = relative_to_mean(np.array([-1] * 7 + [0, 1], dtype=float), limits)
    assert run_points(side).tolist() == [True] * 7 + [False, False]


# --- rule 3: trend -----------------------------------------------------------------------------------


def test_rising_trend_of_seven_fires_alone():
    # -3, -2, -1, 0, 1, 2, 3 at positions 6..12; it crosses the mean (0.1875), so no run
    values = [0, 3, -1, 2, -2, 1, -3, -2, -1, 0, 1, 2, 3, 0, -1, 1]
    assert only_rule_fired(values, "rule_trend")
    assert flags(values, "rule_trend") == list(range(6, 13))


def test_trend_of_six_does_not_fire():
    assert no_rule_fired([0, 3, -1, 2, -2, 1, -3, -2, -1, 0, 1, 2, 0, -1, 1])


def test_equal_consecutive_values_break_a_trend():
    assert trend_points(np.arange(1.0, 8.0)).all()
    assert not trend_points(np.array([1, 2, 3, 3, 4, 5, 6], dtype=float)).any()


def test_falling_trend_is_low_and_a_peak_belongs_to_both_trends():
    x = np.array([0, 1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1, 0], dtype=float)
    trend = trend_points(x)
    assert trend.all()
    no = np.zeros(len(x), dtype=bool)
    _, side, kind = decide(
        x, np.zeros(len(x)), {"outside_limits": no, "trend": trend, "two_of_three": no, "run": no}
    )
    assert side.tolist() == ["high"] * 6 + ["low"] * 7  # the peak takes the falling trend it starts
    assert kind[6] == "7 Point Trend (Decreasing)"


def test_an_equal_step_between_two_trends_counts_as_falling():
    # NHSRplotthedots gives a trend point whose next point is in a trend too the side of the step after
    # it; between two rising trends joined by a repeat that step is flat, and anything but a rise is
    # "Decreasing". So the last point of the first rising trend is low.
    x = np.array([-3, -2, -1, 0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9], dtype=float)
    trend = trend_points(x)
    assert trend.all()
    no = np.zeros(len(x), dtype=bool)
    _, side, kind = decide(
        x, np.zeros(len(x)), {"outside_limits": no, "trend": trend, "two_of_three": no, "run": no}
    )
    assert kind[6] == "7 Point Trend (Decreasing)"
    assert side.tolist() == ["high"] * 6 + ["low"] + ["high"] * 7


# --- rule 4: two of three beyond the two-sigma line ---------------------------------------------------


def test_two_of_three_fires_alone():
    # 1.5, 5, 5: mean 11.5/15 = 0.767, mean MR 28/14 = 2: two-sigma line 4.31, upper limit 6.09; both 5s
    # between, and 1.5 above the mean too, so the window lies on one side
    assert only_rule_fired([*NOISE, 1.5, 5, 5], "rule_two_of_three")
    assert flags([*NOISE, 1.5, 5, 5], "rule_two_of_three") == [13, 14]
    assert flags([*NOISE, -1.5, -5, -5], "rule_two_of_three") == [13, 14]


def test_two_of_three_needs_the_third_point_on_the_same_side():
    # 5, 5 after a -1 (below the mean 0.714): the only window holding both also holds the -1
    assert no_rule_fired([*NOISE, 5, 5])


def test_two_of_three_does_not_fire_with_one_point_beyond():
    # mean 9/14 = 0.643, mean MR 29/13 = 2.231: two-sigma line 4.60; 5 beyond, 4 not
    assert no_rule_fired([*NOISE, 5, 4])


def test_two_of_three_windows_and_sides():
    limits = XmrLimits(mean=0, mean_moving_range=3)  # two-sigma lines ±5.32, limits ±7.98

    def rule(values: list[float]) -> list[bool]:
        x = np.array(values, dtype=float)
        return two_of_three_points(close_to_limits(x, limits), relative_to_mean(x, limits)).tolist()

    assert rule([1, 6, 1, 6]) == [False, True, False, True]
    assert rule([0, 6, 0, 6]) == [False] * 4  # a point on the mean is on neither side
    assert rule([6, 1, 1, 6]) == [False] * 4  # never two in one window
    assert rule([6, -6, 1]) == [False] * 3  # opposite sides
    assert rule([9, 6, 1]) == [False] * 3  # a point beyond the limit is not "close" to it
    assert rule([-6, -1, -6]) == [True, False, True]


# --- point types and which rule wins ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "high_spike", "low_spike"),
    [
        ("increase", "special_cause_improvement", "special_cause_concern"),
        ("decrease", "special_cause_concern", "special_cause_improvement"),
        ("neutral", "special_cause_neutral_high", "special_cause_neutral_low"),
    ],
)
def test_point_types_for_each_direction(direction, high_spike, low_spike):
    for spike, expected in ((10, high_spike), (-10, low_spike)):
        kinds = spc_analysis(series([*NOISE, spike]), direction).points["point_type"].tolist()
        assert kinds == ["common_cause"] * 12 + [expected]


def test_point_type_from_side_and_direction():
    assert point_type(None, "increase") == "common_cause"
    assert point_type("high", "increase") == "special_cause_improvement"
    assert point_type("low", "increase") == "special_cause_concern"
    assert point_type("high", "decrease") == "special_cause_concern"
    assert point_type("low", "decrease") == "special_cause_improvement"
    assert point_type("low", "neutral") == "special_cause_neutral_low"
    assert point_type("high", "neutral") == "special_cause_neutral_high"


def test_trend_side_wins_over_run_side():
    # -5, 3 alternate (mean 1.58); then 3 starts a run of eight above the mean, and 6 .. 3.2 fall.
    # The falling points are both "run, high" and "trend, low": the trend decides, as in NHSRplotthedots.
    values = [-5, 3, -5, 3, -5, 3, -5, 3, 6, 5.5, 5, 4.5, 4, 3.5, 3.2]
    points = spc_analysis(series(values), "increase").points
    assert points["rule_run"].tolist() == [False] * 7 + [True] * 8
    assert points["special_cause_rule"].iloc[7:].tolist() == ["run"] + ["trend"] * 7
    assert points["special_cause_side"].iloc[7:].tolist() == ["high"] + ["low"] * 7
    assert (
        points["point_type"].iloc[7:].tolist()
        == ["special_cause_improvement"] + ["special_cause_concern"] * 7
    )


def test_peak_of_two_trends_takes_the_side_of_the_trend_that_starts_there():
    values = [-3, 3, -3, 3, -3, 3, 0, 1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1, 0]
    points = spc_analysis(series(values), "increase").points
    assert points["special_cause_rule"].iloc[12] == "trend"
    assert points["special_cause_side"].iloc[12] == "low"  # 6, the peak, starts the falling trend


def test_common_cause_points_have_no_rule_or_side():
    points = spc_analysis(series(NOISE), "increase").points
    assert points["special_cause_rule"].isna().all()
    assert points["special_cause_side"].isna().all()


# --- variation icon -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "direction", "expected"),
    [
        (1.5, "increase", "common_cause"),
        (10, "increase", "improvement_high"),
        (-10, "decrease", "improvement_low"),
        (10, "decrease", "concern_high"),
        (-10, "increase", "concern_low"),
        (10, "neutral", "neither_high"),
        (-10, "neutral", "neither_low"),
        (10, "neither", "neither_high"),  # the old name of "neutral" is still accepted
    ],
)
def test_each_variation_class(last, direction, expected):
    assert spc_analysis(series([*NOISE, last]), direction).variation == expected


def test_variation_follows_the_latest_point_only():
    result = spc_analysis(series([*NOISE, 10, 1, -1]), "increase")
    assert result.points["point_type"].iloc[12] == "special_cause_improvement"
    assert result.variation == "common_cause"
    assert result.message.startswith("Common cause variation at the latest point; 1 earlier point showed")


def test_variation_class_function():
    assert variation_class(None, "neutral") == "common_cause"
    assert variation_class("high", "decrease") == "concern_high"
    assert variation_class("low", "decrease") == "improvement_low"


# --- assurance icon -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "target", "expected"),
    [
        ("increase", -6, "pass"),  # limits ±5.32: every point above the target
        ("increase", 6, "fail"),
        ("increase", 0, "inconsistent"),
        ("increase", 5.32, "inconsistent"),  # on the limit
        ("decrease", 6, "pass"),
        ("decrease", -6, "fail"),
        ("decrease", 0, "inconsistent"),
        ("neutral", 6, "none"),
        ("increase", None, "none"),
        ("increase", float("nan"), "none"),
    ],
)
def test_each_assurance_outcome(direction, target, expected):
    assert spc_analysis(series(NOISE), direction, target).assurance == expected


def test_assurance_of_a_variance_against_a_zero_target():
    # surplus variance alternating 10, 12: mean 11, mean MR 2, lower limit 5.68 > 0 -> always favourable
    assert spc_analysis(series([10, 12] * 6), "increase", 0).assurance == "pass"
    assert spc_analysis(series([-10, -12] * 6), "increase", 0).assurance == "fail"
    # no limits: NHSRplotthedots' comparisons fail and it falls through to hit and miss
    assert assurance_class(float("nan"), float("nan"), "increase", 0) == "inconsistent"


def test_assurance_is_in_the_message():
    message = spc_analysis(series([10, 12] * 6), "increase", 0).message
    assert message == (
        "Common cause variation only. The target of 0 is consistently met: "
        "the process limits lie on the good side of it."
    )


# --- short series, constant series, missing values ----------------------------------------------------


def test_provisional_below_twelve_points():
    eleven = spc_analysis(series(NOISE[:11]), "increase")
    assert eleven.provisional
    assert eleven.message == "Common cause variation only; limits are provisional (11 points, fewer than 12)."
    twelve = spc_analysis(series(NOISE), "increase")
    assert not twelve.provisional
    assert twelve.message == "Common cause variation only."


@pytest.mark.parametrize(("values", "assurance"), [([], "none"), ([5.0], "inconsistent")])
def test_fewer_than_two_points_give_no_limits(values, assurance):
    result = spc_analysis(series(values), "increase", target=0)
    assert result.n_points == len(values)
    for limit in (result.mean_moving_range, result.lower_limit, result.upper_limit):
        assert math.isnan(limit)
    assert math.isnan(result.mean) if not values else result.mean == values[0]
    assert not result.points[RULE_COLUMNS].any().any()
    assert result.variation == "common_cause"
    assert result.assurance == assurance
    assert "at least 2 are needed" in result.message


def test_two_points():
    # mean 2, mean MR 2, limits 2 ± 5.32
    result = spc_analysis(series([1, 3]), "decrease")
    assert (result.lower_limit, result.upper_limit) == (pytest.approx(-3.32), pytest.approx(7.32))
    assert result.provisional
    assert result.points["point_type"].tolist() == ["common_cause"] * 2


def test_all_equal_values():
    # every moving range is 0, and screening keeps only those below 3.267 × 0: none, so no limits (as R)
    result = spc_analysis(series([0.1] * 15), "increase", target=0.1)
    assert result.mean == 0.1
    assert math.isnan(result.mean_moving_range)
    assert math.isnan(result.lower_limit)
    assert not result.points[RULE_COLUMNS].any().any()
    assert result.variation == "common_cause"
    assert result.assurance == "inconsistent"
    assert "all values are equal" in result.message
    assert "cannot be assured either way" in result.message
    unscreened = spc_analysis(series([0.1] * 15), "increase", screen_outliers=False)
    assert (unscreened.mean_moving_range, unscreened.upper_limit) == (0, 0.1)


def test_nans_are_dropped_and_the_index_kept():
    values = series([1, np.nan, -1, 1, np.inf, -1])
    result = spc_analysis(values, "increase")
    assert result.n_points == 4
    assert result.n_missing == 2
    assert result.points.index.equals(values.index[[0, 2, 3, 5]])
    assert result.points["value"].tolist() == [1, -1, 1, -1]
    assert result.mean_moving_range == 2  # consecutive kept points, gaps closed
    assert result.message.endswith(" 2 missing values left out.")


def test_repeated_index_labels_keep_their_positions():
    values = pd.Series([*NOISE, 10], index=["M01"] * 13)
    kinds = spc_analysis(values, "increase").points["point_type"].tolist()
    assert kinds == ["common_cause"] * 12 + ["special_cause_improvement"]


def test_nullable_and_integer_input():
    result = spc_analysis(pd.Series([1, None, 3], dtype="Int64"), "increase")
    assert result.points["value"].tolist() == [1.0, 3.0]


def test_unknown_direction_is_refused():
    with pytest.raises(ValueError, match="increase, decrease, neutral"):
        spc_analysis(series(NOISE), "up")


# --- messages -----------------------------------------------------------------------------------------


def test_special_cause_message():
    assert spc_analysis(series([*NOISE, -10]), "increase").message == (
        "Special cause of concern: the latest point is below the lower process limit."
    )
    assert spc_analysis(series([*NOISE, 1.5, 5, 5]), "decrease").message == (
        "Special cause of concern: the latest point is one of two out of three points close to the upper "
        "process limit."
    )


# --- colours and labels -------------------------------------------------------------------------------


def test_colours_and_labels_cover_every_class():
    assert set(POINT_TYPE_COLOURS) == set(POINT_TYPES)
    assert POINT_TYPE_COLOURS["common_cause"] == COMMON_CAUSE_GREY == "#a6a6a6"
    assert POINT_TYPE_COLOURS["special_cause_improvement"] == IMPROVEMENT_BLUE == "#00b0f0"
    assert POINT_TYPE_COLOURS["special_cause_concern"] == CONCERN_ORANGE == "#e46c0a"
    assert set(POINT_TYPE_LABELS) == set(POINT_TYPES)
    assert set(VARIATION_LABELS) == set(VARIATION_ICON_TEXT) == set(VARIATIONS)
    assert set(ASSURANCE_LABELS) == set(ASSURANCE_ICON_TEXT) == set(ASSURANCES)
    assert all(text.endswith(".") for text in [*VARIATION_ICON_TEXT.values(), *ASSURANCE_ICON_TEXT.values()])
    assert VARIATION_LABELS["improvement_high"] == "Special cause – improving (high)"


# --- the bundled data ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled_scope(tmp_path_factory: pytest.TempPathFactory) -> views.Scope:
    """The bundled data set as the generator writes it (data/ is byte for byte the same: test_sample)."""
    folder = tmp_path_factory.mktemp("bundled")
    sample.write_bundled(folder)
    dataset = load_paths([folder])
    return views.scope(dataset, ViewState(resolve(Filters(), dataset), "£m"))


def test_bundled_systems_take_nhsrplotthedots_classes(bundled_scope: views.Scope) -> None:
    # In-month variance up to the as-at month, higher better, as the Systems table's "Trend (SPC)".
    trends = views.system_trends(bundled_scope, ["E54000033", "E54000027"])
    # E54000033: one big month-on-month jump inflated the mean moving range; screened out, the limits
    # narrow, the last point (-136.8) is inside them and only one point of its window is close to them.
    assert trends["E54000033"] == "common_cause"
    # E54000027: with the jump screened out, the last point (478.9) is above the upper limit (47.3).
    assert trends["E54000027"] == "improvement_high"
    series = views.monthly_variance_by_system(bundled_scope, ["E54000033", "E54000027"])
    unscreened = {
        code: spc_analysis(x, "increase", screen_outliers=False).variation for code, x in series.items()
    }
    assert unscreened == {"E54000033": "improvement_high", "E54000027": "common_cause"}
