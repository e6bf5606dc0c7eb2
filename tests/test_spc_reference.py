"""SPC against NHSRplotthedots: the sequences of its testthat tests, with the results they expect.

Each test names the file of nhs-r-community/NHSRplotthedots (tests/testthat/...) its data and expected
values come from. Where R draws the data with ``set.seed(123); rnorm(...)``, `r_random.RRandom` draws the
same numbers. R's tests call internal helpers, sometimes with mocked inputs; ours call the helper of
analysis.spc.rules that does the same job, or the whole analysis where R's helper has no counterpart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from r_random import RRandom

from analysis.spc import spc_analysis
from analysis.spc.classes import assurance_class
from analysis.spc.rules import decide, run_points, trend_points, two_of_three_points, two_of_three_windows

# set.seed(123); rnorm(20), to the eight decimals R prints (tests/testthat/_snaps/ptd_spc_standard.md).
RNORM_123_PRINTED = [-0.56047565, -0.23017749, 1.55870831, 0.07050839]


def dated(values: list[float], start: str = "2020-01-02") -> pd.Series:
    """Values on consecutive days, as R's tests date them (`as.Date("2020-01-01") + 1:n`)."""
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D"), dtype=float)


def rnorm_123(n: int) -> list[float]:
    return RRandom(123).rnorm(n)


def test_the_r_random_numbers_are_rs():
    assert rnorm_123(4) == pytest.approx(RNORM_123_PRINTED, abs=5e-9)


# --- tests/testthat/test-ptd_spc_standard.R and its snapshot _snaps/ptd_spc_standard.md --------------


def test_limits_of_twenty_normals_as_r_prints_them():
    result = spc_analysis(dated(rnorm_123(20)), "increase")
    assert result.mean == pytest.approx(0.1416238, abs=5e-8)
    assert result.lower_limit == pytest.approx(-3.01138, abs=5e-6)
    assert result.upper_limit == pytest.approx(3.294627, abs=5e-7)
    assert not result.points["rule_outside_limits"].any()
    assert not result.points["close_to_limits"].iloc[:7].any()  # all R's snapshot prints of it
    assert result.points["relative_to_mean"].tolist()[:15] == [
        -1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1,
    ]  # fmt: skip


def test_outlier_screening_as_r_prints_it():
    values = rnorm_123(20)
    values[14] = 10  # data$y[15] <- 10
    screened = spc_analysis(dated(values), "increase")
    unscreened = spc_analysis(dated(values), "increase", screen_outliers=False)
    assert screened.mean == unscreened.mean == pytest.approx(0.6694159, abs=5e-8)
    assert (screened.lower_limit, screened.upper_limit) == (
        pytest.approx(-2.383666, abs=5e-7),
        pytest.approx(3.722497, abs=5e-7),
    )
    assert (unscreened.lower_limit, unscreened.upper_limit) == (
        pytest.approx(-4.596625, abs=5e-7),
        pytest.approx(5.935457, abs=5e-7),
    )
    assert screened.points["relative_to_mean"].tolist()[:14] == [
        -1, -1, 1, -1, -1, 1, -1, -1, -1, -1, 1, -1, -1, -1,
    ]  # fmt: skip
    assert not screened.points["rule_outside_limits"].iloc[:7].any()
    # the two moving ranges either side of the 10 are the ones screened out
    used = screened.points["moving_range_used"].tolist()
    assert [i for i in range(1, 20) if not used[i]] == [14, 15]


def test_fix_after_n_points_changes_the_limits():
    values = dated(rnorm_123(20))
    free = spc_analysis(values, "increase")
    fixed = spc_analysis(values, "increase", fix_after_n_points=12)
    assert fixed.lower_limit != free.lower_limit
    assert fixed.upper_limit != free.upper_limit
    first_twelve = spc_analysis(values.iloc[:12], "increase")
    assert (fixed.mean, fixed.mean_moving_range) == (first_twelve.mean, first_twelve.mean_moving_range)


def test_rebase_sets_the_segments():
    values = dated(rnorm_123(20))
    result = spc_analysis(values, "increase", rebase_at=[values.index[10]])  # rebase = 1 at row 11
    assert result.points["segment"].tolist() == [0] * 10 + [1] * 10


def test_two_of_three_needs_the_points_on_one_side_of_the_mean():
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    kinds = spc_analysis(dated(values), "increase").points["point_type"].tolist()
    assert kinds[-2:] == ["common_cause", "common_cause"]


# --- tests/testthat/test-ptd_calculate_point_type.R ---------------------------------------------------
# R tests each helper on its own (the last of a run or trend, then "part of"); ours return the points
# that are part of a run or trend directly, so the expectations below are R's two steps composed.


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        ([], []),
        ([1] * 6, [0] * 6),
        ([1] * 6 + [-1], [0] * 7),
        ([1] * 8 + [-1], [1] * 8 + [0]),
        ([-1] * 8 + [1], [1] * 8 + [0]),
    ],
)
def test_seven_points_one_side_of_the_mean(side, expected):
    assert run_points(np.array(side, dtype=float)).astype(int).tolist() == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], []),
        (list(range(1, 7)), [0] * 6),
        ([1, 2, 3, 3, 4, 5, 6], [0] * 7),
        (list(range(1, 8)), [1] * 7),
        ([2, *range(1, 8), 3], [0] + [1] * 7 + [0]),
        (list(range(7, 0, -1)), [1] * 7),
        ([2, *range(7, 0, -1), 3], [0] + [1] * 7 + [0]),
    ],
)
def test_seven_point_trend(values, expected):
    assert trend_points(np.array(values, dtype=float)).astype(int).tolist() == expected


@pytest.mark.parametrize(
    ("close", "side", "expected"),
    [
        ([], [], []),
        ([1, 0, 1], [1, 1, 1], [1, 1, 1]),
        ([0, 1, 1], [1, 1, 1], [1, 1, 1]),
        ([1, 1, 0], [1, 1, 1], [1, 1, 1]),
        ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 1, 1, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 1, 1, 1, 1, 0, 0]),
        ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
        ([0, 1, 1], [1, -1, 1], [0, 0, 0]),
        ([1, 1, 0], [1, -1, 1], [0, 0, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], [0] * 7),
        ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
    ],
)
def test_two_in_three(close, side, expected):
    got = two_of_three_windows(np.array(close, dtype=bool), np.array(side, dtype=float))
    assert got.astype(int).tolist() == expected


@pytest.mark.parametrize(
    ("close", "expected"),
    [
        ([1, 0, 1], [1, 0, 1]),
        ([0, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0]),
        ([1, 0, 0, 1], [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [0, 0, 0, 1, 1]),
    ],
)
def test_part_of_two_in_three(close, expected):
    side = np.ones(len(close))
    got = two_of_three_points(np.array(close, dtype=bool), side)
    assert got.astype(int).tolist() == expected


def test_special_cause_type_precedence_with_rs_mocked_flags():
    # R mocks each rule's result for y = 1:8; outside_limits is c(0, 0, 0, 0, 0, 1, -1, 0)
    flags = {
        "trend": np.array([1, 1, 0, 0, 0, 0, 0, 0], dtype=bool),
        "run": np.array([0, 0, 1, 1, 0, 0, 0, 0], dtype=bool),
        "two_of_three": np.array([0, 0, 0, 0, 1, 0, 0, 0], dtype=bool),
        "outside_limits": np.array([0, 0, 0, 0, 0, 1, 1, 0], dtype=bool),
    }
    side = np.array([1] * 4 + [-1] * 4, dtype=float)
    _, _, kind = decide(np.arange(1, 9, dtype=float), side, flags)
    assert kind.tolist() == [
        "7 Point Trend (Increasing)",
        "7 Point Trend (Increasing)",
        "7 Points Above CL",
        "7 Points Above CL",
        "2 in 3 Below CL",
        "Below LCL",
        "Below LCL",
        "Common Cause",
    ]


# --- tests/testthat/test-ptd_calculate_assurance_type.R -----------------------------------------------


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        ("increase", ["fail", "pass", "inconsistent"]),
        ("decrease", ["pass", "fail", "inconsistent"]),
        ("neutral", ["none", "none", "none"]),
    ],
)
def test_assurance_against_a_target_of_four(direction, expected):
    limits = [(1, 3), (5, 7), (1, 5)]  # lpl, upl of facets a, b, c
    assert [assurance_class(lpl, upl, direction, 4) for lpl, upl in limits] == expected
    assert assurance_class(1, 3, direction, None) == "none"


# --- tests/testthat/test-geom_ptd_icon.R (ptd_get_icons) ----------------------------------------------


def icon_data() -> tuple[list[float], list[float], list[float]]:
    """set.seed(123); y = rnorm(24); then the second dozen replaced by rnorm(12, 5), then rnorm(12, -5)."""
    stream = RRandom(123)
    first = stream.rnorm(24)
    high = first[:12] + stream.rnorm(12, 5)
    low = first[:12] + stream.rnorm(12, -5)
    return first, high, low


def test_icons_of_normal_noise():
    first, _, _ = icon_data()
    whole = spc_analysis(dated(first), "increase", target=0.5)
    assert (whole.variation, whole.assurance) == ("common_cause", "inconsistent")
    assert spc_analysis(dated(first), "increase").assurance == "none"
    for facet in (first[:12], first[12:]):  # facet = "f"
        result = spc_analysis(dated(facet), "increase", target=0.5)
        assert (result.variation, result.assurance) == ("common_cause", "inconsistent")


@pytest.mark.parametrize(
    ("which", "target", "direction", "variation", "assurance"),
    [
        ("high", -3, "increase", "improvement_high", "pass"),
        ("high", -3, "decrease", "concern_high", "fail"),
        ("low", 3, "increase", "concern_low", "fail"),
        ("low", 3, "decrease", "improvement_low", "pass"),
        ("low", 3, "neutral", "neither_low", "none"),
    ],
)
def test_icons_after_a_shift(which, target, direction, variation, assurance):
    _, high, low = icon_data()
    result = spc_analysis(dated(high if which == "high" else low), direction, target=target)
    assert (result.variation, result.assurance) == (variation, assurance)


# --- tests/testthat/test-ptd_spc.R summary() and its snapshot _snaps/ptd_spc.md -----------------------


def test_summary_with_and_without_facets():
    values = dated(rnorm_123(20))
    whole = spc_analysis(values, "increase", target=0.5)
    assert (round(whole.mean, 3), round(whole.lower_limit, 2), round(whole.upper_limit, 2)) == (
        0.142,
        -3.01,
        3.29,
    )
    assert set(whole.points["point_type"]) == {"common_cause"}
    # a rebase date before the first point (2020-01-01) changes nothing
    rebased = spc_analysis(values, "increase", rebase_at=[pd.Timestamp("2020-01-01")])
    assert rebased.points["segment"].eq(0).all()
    assert rebased.upper_limit == whole.upper_limit
    for facet, (mean, lpl, upl) in (
        (values.iloc[:10], (0.0746, -2.60, 2.75)),
        (values.iloc[10:], (0.209, -3.28, 3.70)),
    ):
        result = spc_analysis(facet, "increase")
        assert result.mean == pytest.approx(mean, abs=5e-4 if mean < 0.1 else 5e-3)
        assert (result.lower_limit, result.upper_limit) == (
            pytest.approx(lpl, abs=5e-3),
            pytest.approx(upl, abs=5e-3),
        )
        assert set(result.points["point_type"]) == {"common_cause"}


# --- tests/testthat/test-ptd_add_short_group_warnings.R, test-ptd_add_rebase_column.R ------------------


@pytest.mark.parametrize(("n", "provisional"), [(11, True), (12, False), (20, False)])
def test_short_group_warning(n, provisional):
    result = spc_analysis(dated(rnorm_123(n)), "increase")
    assert result.provisional is provisional
    assert result.points["provisional"].tolist() == [provisional] * n


def test_short_group_warning_per_rebase_group():
    values = dated(RRandom(1).rnorm(40))
    result = spc_analysis(values, "increase", rebase_at=[values.index[35]])  # groups of 35 and 5
    assert result.points["provisional"].tolist() == [False] * 35 + [True] * 5
    assert result.provisional


def test_rebase_column_from_dates():
    values = dated(rnorm_123(10))  # 2020-01-02 .. 2020-01-11
    result = spc_analysis(values, "increase", rebase_at=pd.to_datetime(["2020-01-03", "2020-01-08"]))
    assert result.points["segment"].tolist() == [0, 1, 1, 1, 1, 1, 2, 2, 2, 2]
    assert result.n_segments == 3
