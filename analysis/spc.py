"""Statistical process control in the NHS England "Making Data Count" (MDC) style.

An XmR chart of one measure in time order: the mean, process limits at mean ± 2.66 × mean moving range,
the four MDC special-cause rules, the colour of each point, and the variation and assurance icons.
Pure pandas/numpy, so pages, exports and the CLI all read the same numbers.

Choices, where MDC or NHSRplotthedots leave room (see the rule functions for detail):

- The mean moving range is the plain mean (no screening of moving ranges above 3.267 × mean).
- A point exactly on the mean (within a relative 1e-12, to absorb rounding) is on neither side: it breaks
  a run. A point exactly on a limit or on a two-sigma line is not beyond it.
- Equal consecutive values break a trend (as NHSRplotthedots does; the 2017 NHS Improvement guide lets a
  repeat neither add to nor break a trend).
- "Two of three" counts points beyond the two-sigma line including those beyond the process limit, in any
  window of three consecutive points (the third point may lie anywhere). NHSRplotthedots counts only the
  points between the two-sigma line and the limit, and needs all three on the same side of the mean.
- A point flagged by several rules takes the side of the first rule in RULE_PRECEDENCE (NHSRplotthedots'
  order: outside the limits, trend, two of three, run). So a falling trend above the mean is "low". A point
  shared by a rising and a falling trend (a peak or a trough) takes the side of the trend that starts there.
- Values are taken in the order given; NaN and ±inf are left out, keeping the index of the other points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, cast, get_args

import numpy as np
import pandas as pd

Direction = Literal["increase", "decrease", "neither"]
Side = Literal["high", "low"]
Rule = Literal["outside_limits", "trend", "two_of_three", "run"]
PointType = Literal[
    "common_cause", "special_cause_improvement", "special_cause_concern", "special_cause_neither"
]
Variation = Literal[
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neither_high",
    "neither_low",
]
Assurance = Literal["pass", "fail", "inconsistent", "none"]

DIRECTIONS: Final[tuple[Direction, ...]] = get_args(Direction)
POINT_TYPES: Final[tuple[PointType, ...]] = get_args(PointType)
VARIATIONS: Final[tuple[Variation, ...]] = get_args(Variation)
ASSURANCES: Final[tuple[Assurance, ...]] = get_args(Assurance)
RULE_PRECEDENCE: Final[tuple[Rule, ...]] = ("outside_limits", "trend", "two_of_three", "run")
"""Which rule decides a point's side when several flag it, first wins (NHSRplotthedots' order)."""

LIMIT_SCALE: Final = 2.66
"""Process limits are mean ± 2.66 × mean moving range (3 sigma, sigma = mean moving range / 1.128)."""
SIGMA_SCALE: Final = LIMIT_SCALE / 3
RUN_LENGTH: Final = 7
TREND_LENGTH: Final = 7
MIN_POINTS: Final = 2
"""Fewer points than this give no moving range, so no limits."""
MIN_POINTS_FIXED: Final = 12
"""Fewer points than this give provisional limits."""
_SIDE_TOLERANCE: Final = 1e-12

COMMON_CAUSE_GREY: Final = "#a6a6a6"
IMPROVEMENT_BLUE: Final = "#00b0f0"
CONCERN_ORANGE: Final = "#e46c0a"
NEITHER_PURPLE: Final = "#490092"
"""NHSRplotthedots' colour for special cause when improvement has no direction."""

POINT_TYPE_COLOURS: Final[Mapping[PointType, str]] = {
    "common_cause": COMMON_CAUSE_GREY,
    "special_cause_improvement": IMPROVEMENT_BLUE,
    "special_cause_concern": CONCERN_ORANGE,
    "special_cause_neither": NEITHER_PURPLE,
}

VARIATION_LABELS: Final[Mapping[Variation, str]] = {
    "common_cause": "Common cause – no significant change",
    "improvement_high": "Special cause – improving (high)",
    "improvement_low": "Special cause – improving (low)",
    "concern_high": "Special cause – concerning (high)",
    "concern_low": "Special cause – concerning (low)",
    "neither_high": "Special cause – neither improving nor concerning (high)",
    "neither_low": "Special cause – neither improving nor concerning (low)",
}

ASSURANCE_LABELS: Final[Mapping[Assurance, str]] = {
    "pass": "Target consistently met",
    "fail": "Target consistently missed",
    "inconsistent": "Target inconsistently met – hit and miss",
    "none": "No target assurance",
}


@dataclass(frozen=True)
class XmrLimits:
    """The centre line and spread of an XmR chart; the limits and sigma lines derive from them.

    Attributes:
        mean: Mean of the points (NaN with fewer than two points).
        mean_moving_range: Mean of |x_i − x_{i−1}| (NaN with fewer than two points).
    """

    mean: float
    mean_moving_range: float

    @property
    def sigma(self) -> float:
        """One sigma: 2.66 / 3 × mean moving range."""
        return SIGMA_SCALE * self.mean_moving_range

    @property
    def lower_limit(self) -> float:
        """Lower process limit, mean − 2.66 × mean moving range."""
        return self.mean - LIMIT_SCALE * self.mean_moving_range

    @property
    def upper_limit(self) -> float:
        """Upper process limit, mean + 2.66 × mean moving range."""
        return self.mean + LIMIT_SCALE * self.mean_moving_range

    @property
    def lower_two_sigma(self) -> float:
        """Two thirds of the way from the mean to the lower limit."""
        return self.mean - 2 * self.sigma

    @property
    def upper_two_sigma(self) -> float:
        """Two thirds of the way from the mean to the upper limit."""
        return self.mean + 2 * self.sigma

    @property
    def lower_one_sigma(self) -> float:
        """One third of the way from the mean to the lower limit."""
        return self.mean - self.sigma

    @property
    def upper_one_sigma(self) -> float:
        """One third of the way from the mean to the upper limit."""
        return self.mean + self.sigma


@dataclass(frozen=True, eq=False)
class RuleSignal:
    """The points one special-cause rule flags, by side.

    A point can be flagged on both sides only by the trend rule, at the turning point shared by a rising
    and a falling trend.

    Attributes:
        high: True where the point is part of a signal above the mean, or of a rising trend.
        low: True where the point is part of a signal below the mean, or of a falling trend.
    """

    high: pd.Series
    low: pd.Series

    @property
    def flag(self) -> pd.Series:
        """True where the point is part of a signal on either side."""
        return self.high | self.low


@dataclass(frozen=True, eq=False)
class SpcResult:
    """Everything an SPC chart, its icons and its sentence need (compare by field: eq is identity).

    Attributes:
        points: One row per point kept, indexed like the input: value, moving_range, mean, lower_limit,
            upper_limit, lower_two_sigma, upper_two_sigma, rule_outside_limits, rule_run, rule_trend,
            rule_two_of_three (bool), point_type, special_cause_rule (the rule that decided the side,
            NaN for common cause) and special_cause_side ("high"/"low", NaN for common cause).
        direction: The improvement direction used.
        target: The target, or None.
        mean: Mean of the points.
        mean_moving_range: Mean moving range.
        lower_limit: Lower process limit.
        upper_limit: Upper process limit.
        provisional: True with fewer than 12 points (the limits may move as points are added).
        n_points: Number of points used, after leaving out missing values.
        n_missing: Number of NaN or infinite values left out.
        variation: The variation icon class, from the latest point.
        assurance: The assurance icon class, from the limits and the target.
        message: Plain-English summary of the above.
    """

    points: pd.DataFrame
    direction: Direction
    target: float | None
    mean: float
    mean_moving_range: float
    lower_limit: float
    upper_limit: float
    provisional: bool
    n_points: int
    n_missing: int
    variation: Variation
    assurance: Assurance
    message: str

    @property
    def limits(self) -> XmrLimits:
        """The limits as an XmrLimits, for the sigma lines."""
        return XmrLimits(self.mean, self.mean_moving_range)


def check_direction(direction: str) -> Direction:
    """Return the direction if it is one of DIRECTIONS.

    Raises:
        ValueError: If it is not.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}; got {direction!r}")
    return cast(Direction, direction)


def moving_ranges(values: pd.Series) -> pd.Series:
    """Absolute differences between consecutive points, NaN for the first.

    Args:
        values: The points in time order, without missing values.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return values.astype("float64").diff().abs()


def xmr_limits(values: pd.Series) -> XmrLimits:
    """Mean and mean moving range of the points (both NaN with fewer than two points).

    Args:
        values: The points in time order, without missing values.
    """
    return _limits(values.to_numpy(dtype="float64"))


def _limits(x: np.ndarray) -> XmrLimits:
    if len(x) < MIN_POINTS:
        return XmrLimits(float("nan"), float("nan"))
    with np.errstate(over="ignore", invalid="ignore"):
        mean = float(np.mean(x))
        if not np.isfinite(mean):  # the sum overflowed; the mean itself is representable
            mean = float(np.sum(x / len(x)))
        mean_mr = float(np.mean(np.abs(np.diff(x))))
    if mean_mr == 0:  # all values equal: use one, not a mean that rounding may have nudged off it
        mean = float(x[0])
    return XmrLimits(mean, mean_mr)


# The rules work on plain arrays of the points (float64, in time order, no missing values), each returning
# (high, low) boolean arrays; the public rule_* functions wrap them in Series. spc_analysis and
# latest_variation call the array versions directly, so neither pays for a Series per rule and both read
# the same definitions.

Flags = tuple[np.ndarray, np.ndarray]


def _tolerance(x: np.ndarray) -> float:
    """How close to the mean or a line counts as on it: a rounding margin relative to the data."""
    return _SIDE_TOLERANCE * float(np.max(np.abs(x))) if len(x) else 0.0


def _beyond(x: np.ndarray, lower: float, upper: float) -> Flags:
    """Boolean arrays: points strictly above `upper`, strictly below `lower` (beyond rounding)."""
    tol = _tolerance(x)
    with np.errstate(invalid="ignore", over="ignore"):
        return x > upper + tol, x < lower - tol


def _in_runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Mark the elements of `mask` that belong to a run of at least `length` consecutive Trues."""
    out = np.zeros(len(mask), dtype=bool)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        if end - start >= length:
            out[start:end] = True
    return out


def _signal(values: pd.Series, flags: Flags) -> RuleSignal:
    high, low = flags
    return RuleSignal(
        high=pd.Series(high, index=values.index, dtype=bool),
        low=pd.Series(low, index=values.index, dtype=bool),
    )


def _outside_limits(x: np.ndarray, limits: XmrLimits) -> Flags:
    return _beyond(x, limits.lower_limit, limits.upper_limit)


def rule_outside_limits(values: pd.Series, limits: XmrLimits) -> RuleSignal:
    """Rule 1: a point above the upper or below the lower process limit (a point on a limit is inside).

    Args:
        values: The points in time order, without missing values.
        limits: The chart's limits.
    """
    return _signal(values, _outside_limits(values.to_numpy(dtype="float64"), limits))


def _run(x: np.ndarray, limits: XmrLimits, length: int = RUN_LENGTH) -> Flags:
    above, below = _beyond(x, limits.mean, limits.mean)
    return _in_runs(above, length), _in_runs(below, length)


def rule_run(values: pd.Series, limits: XmrLimits, length: int = RUN_LENGTH) -> RuleSignal:
    """Rule 2: a run of `length` or more consecutive points on one side of the mean; every point flagged.

    A point on the mean belongs to neither side, so it ends a run.

    Args:
        values: The points in time order, without missing values.
        limits: The chart's limits (only the mean is used).
        length: Shortest run that signals.
    """
    return _signal(values, _run(values.to_numpy(dtype="float64"), limits, length))


def _trend(x: np.ndarray, length: int = TREND_LENGTH) -> Flags:
    with np.errstate(over="ignore", invalid="ignore"):
        steps = np.diff(x)
    sides = []
    for step_mask in (steps > 0, steps < 0):
        in_trend = _in_runs(step_mask, length - 1)
        points = np.zeros(len(x), dtype=bool)
        points[:-1] |= in_trend  # the point a step starts from
        points[1:] |= in_trend  # the point a step reaches
        sides.append(points)
    return sides[0], sides[1]


def rule_trend(values: pd.Series, length: int = TREND_LENGTH) -> RuleSignal:
    """Rule 3: `length` or more consecutive points each higher (or each lower) than the one before.

    Every point of the trend is flagged: rising trends high, falling trends low. An equal consecutive
    value breaks the trend (as in NHSRplotthedots). A point where a rising trend turns into a falling one
    (or the reverse) belongs to both and is flagged on both sides.

    Args:
        values: The points in time order, without missing values.
        length: Fewest points in a trend that signals.
    """
    return _signal(values, _trend(values.to_numpy(dtype="float64"), length))


def _two_in_window_of_three(beyond: np.ndarray) -> np.ndarray:
    """Points of `beyond` that share a window of three consecutive points with another point of it."""
    beyond = beyond.astype(bool, copy=False)
    out = np.zeros(len(beyond), dtype=bool)
    if len(beyond) < 3:
        return out
    # hit[i]: the window of points i, i+1, i+2 holds two or more; a point is flagged when it is beyond
    # and lies in some window that is hit.
    hit = (beyond[:-2].astype(np.int8) + beyond[1:-1] + beyond[2:]) >= 2
    out[:-2] |= hit
    out[1:-1] |= hit
    out[2:] |= hit
    return out & beyond


def _two_of_three(x: np.ndarray, limits: XmrLimits) -> Flags:
    above, below = _beyond(x, limits.lower_two_sigma, limits.upper_two_sigma)
    return _two_in_window_of_three(above), _two_in_window_of_three(below)


def rule_two_of_three(values: pd.Series, limits: XmrLimits) -> RuleSignal:
    """Rule 4: two of three consecutive points beyond the same two-sigma line; the points beyond are flagged.

    The two-sigma line is two thirds of the way from the mean to the process limit. Points beyond the
    limit count as beyond the line too; the third point of the window may lie anywhere.

    Args:
        values: The points in time order, without missing values.
        limits: The chart's limits.
    """
    return _signal(values, _two_of_three(values.to_numpy(dtype="float64"), limits))


def _rule_flags(x: np.ndarray, limits: XmrLimits) -> dict[Rule, Flags]:
    """Every rule's (high, low) flags of the points, keyed in RULE_PRECEDENCE order."""
    return {
        "outside_limits": _outside_limits(x, limits),
        "trend": _trend(x),
        "two_of_three": _two_of_three(x, limits),
        "run": _run(x, limits),
    }


def _decide(x: np.ndarray, flags: Mapping[Rule, Flags]) -> tuple[np.ndarray, np.ndarray]:
    """Per point, the rule that decides its side and that side (object arrays, None for common cause)."""
    n = len(x)
    rule = np.full(n, None, dtype=object)
    side = np.full(n, None, dtype=object)
    decided = np.zeros(n, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        next_step = np.append(np.diff(x), 0.0)
    for name in RULE_PRECEDENCE:
        high, low = flags[name]
        take = (high | low) & ~decided
        rule_side = np.where(
            high & low, np.where(next_step < 0, "low", "high"), np.where(high, "high", "low")
        )
        rule[take] = name
        side[take] = rule_side[take]
        decided |= take
    return rule, side


def special_causes(values: pd.Series, signals: Mapping[Rule, RuleSignal]) -> pd.DataFrame:
    """The rule that decides each point's side, and that side, taking rules in RULE_PRECEDENCE.

    A point flagged on both sides by one rule (a trend's turning point) takes the side of the trend that
    starts there, as NHSRplotthedots does: a peak is low, a trough high.

    Args:
        values: The points in time order, without missing values.
        signals: The RuleSignal of each rule in RULE_PRECEDENCE.

    Returns:
        Columns special_cause_rule and special_cause_side, NaN where no rule flags the point.
    """
    flags = {
        name: (signals[name].high.to_numpy(dtype=bool), signals[name].low.to_numpy(dtype=bool))
        for name in RULE_PRECEDENCE
    }
    rule, side = _decide(values.to_numpy(dtype="float64"), flags)
    return pd.DataFrame(
        {"special_cause_rule": rule, "special_cause_side": side}, index=values.index, dtype="str"
    )


def point_type(side: Side | None, direction: Direction) -> PointType:
    """Classify one point from the side of its special cause (None for common cause) and the direction."""
    if side is None:
        return "common_cause"
    if direction == "neither":
        return "special_cause_neither"
    improving = (side == "high") == (direction == "increase")
    return "special_cause_improvement" if improving else "special_cause_concern"


def _point_types(sides: np.ndarray, direction: Direction) -> np.ndarray:
    """point_type of every point, from an object array of sides (a string, or anything else for none)."""
    common = point_type(None, direction)
    kinds = [point_type(cast(Side, side), direction) if isinstance(side, str) else common for side in sides]
    return np.array(kinds, dtype=object)


def point_types(sides: pd.Series, direction: Direction) -> pd.Series:
    """Classify every point from its special-cause side (NaN for common cause) and the direction."""
    return pd.Series(_point_types(sides.to_numpy(dtype=object), direction), index=sides.index, dtype="str")


def variation_class(side: Side | None, direction: Direction) -> Variation:
    """The variation icon class from the latest point's special-cause side (None for common cause)."""
    kind = point_type(side, direction)
    if side is None or kind == "common_cause":
        return "common_cause"
    prefix = {
        "special_cause_improvement": "improvement",
        "special_cause_concern": "concern",
        "special_cause_neither": "neither",
    }[kind]
    return cast(Variation, f"{prefix}_{side}")


def assurance_class(limits: XmrLimits, direction: Direction, target: float | None) -> Assurance:
    """Whether the process will consistently meet the target, as the MDC assurance icon shows.

    "pass": the target lies outside the limits on the bad side, so every point is expected to meet it (for
    "increase", target below the lower limit). "fail": outside on the good side. "inconsistent": on or
    between the limits (within rounding). "none": no target, no limits, or direction "neither".
    """
    if target is None or np.isnan(target) or direction == "neither" or np.isnan(limits.mean_moving_range):
        return "none"
    tol = _SIDE_TOLERANCE * max(abs(limits.lower_limit), abs(limits.upper_limit))
    if target < limits.lower_limit - tol:
        return "pass" if direction == "increase" else "fail"
    if target > limits.upper_limit + tol:
        return "fail" if direction == "increase" else "pass"
    return "inconsistent"


_RULE_PHRASES: Final[Mapping[tuple[Rule, Side], str]] = {
    ("outside_limits", "high"): "the latest point is above the upper process limit",
    ("outside_limits", "low"): "the latest point is below the lower process limit",
    ("trend", "high"): f"the latest point is part of a rising trend of {TREND_LENGTH} or more points",
    ("trend", "low"): f"the latest point is part of a falling trend of {TREND_LENGTH} or more points",
    ("two_of_three", "high"): (
        "the latest point is one of two out of three points close to the upper process limit"
    ),
    ("two_of_three", "low"): (
        "the latest point is one of two out of three points close to the lower process limit"
    ),
    ("run", "high"): f"the latest point is part of a run of {RUN_LENGTH} or more points above the mean",
    ("run", "low"): f"the latest point is part of a run of {RUN_LENGTH} or more points below the mean",
}

_VARIATION_PHRASES: Final[Mapping[PointType, str]] = {
    "special_cause_improvement": "Special cause of improvement",
    "special_cause_concern": "Special cause of concern",
    "special_cause_neither": "Special cause variation",
}


def _number(x: float) -> str:
    """A number for a sentence: thousands separators, at most two decimals, no trailing zeros."""
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _variation_sentence(points: pd.DataFrame, n_points: int, provisional: bool, all_equal: bool) -> str:
    last = points.iloc[-1]
    if last["point_type"] == "common_cause":
        earlier = int((points["point_type"] != "common_cause").sum())
        text = (
            "Common cause variation only"
            if earlier == 0
            else f"Common cause variation at the latest point; {_plural(earlier, 'earlier point')} "
            "showed special cause variation"
        )
    else:
        phrase = _RULE_PHRASES[(last["special_cause_rule"], last["special_cause_side"])]
        text = f"{_VARIATION_PHRASES[last['point_type']]}: {phrase}"
    if all_equal:
        text += "; all values are equal, so the limits equal the mean"
    if provisional:
        text += f"; limits are provisional ({n_points} points, fewer than {MIN_POINTS_FIXED})"
    return text + "."


def _assurance_sentence(assurance: Assurance, target: float | None) -> str:
    if assurance == "none" or target is None:
        return ""
    where = {
        "pass": "consistently met: the process limits lie on the good side of it",
        "fail": "consistently missed: the process limits lie on the bad side of it",
        "inconsistent": "met in some periods and missed in others: it lies within the process limits",
    }[assurance]
    return f" The target of {_number(target)} is {where}."


def _message(
    points: pd.DataFrame,
    n_points: int,
    n_missing: int,
    provisional: bool,
    assurance: Assurance,
    target: float | None,
    all_equal: bool,
) -> str:
    if n_points < MIN_POINTS:
        have = "No points" if n_points == 0 else "Only 1 point"
        text = f"{have} to chart: at least {MIN_POINTS} are needed to calculate process limits."
    else:
        text = _variation_sentence(points, n_points, provisional, all_equal)
        text += _assurance_sentence(assurance, target)
    if n_missing:
        text += f" {_plural(n_missing, 'missing value')} left out."
    return text


def spc_analysis(values: pd.Series, direction: str, target: float | None = None) -> SpcResult:
    """XmR chart, special causes, point types, variation and assurance of one measure, in MDC style.

    Args:
        values: The measure in time order, indexed by period (e.g. month labels or dates). NaN and ±inf
            are left out; the other points keep their index.
        direction: "increase" if higher is better, "decrease" if higher is worse, or "neither".
        target: Optional target for the assurance icon (NaN counts as no target).

    Returns:
        An SpcResult. With fewer than two points the limits are NaN, no point is flagged and the message
        says why; with fewer than 12 the limits are marked provisional.

    Raises:
        ValueError: If direction is not one of DIRECTIONS, or a value is not numeric.
    """
    checked_direction = check_direction(direction)
    if target is not None and np.isnan(target):
        target = None
    x, index, n_missing = _finite_points(values)
    clean = pd.Series(x, index=index, dtype="float64")
    n_points = len(x)

    limits = _limits(x)
    flags = _rule_flags(x, limits)
    rule, side = _decide(x, flags)
    columns = {
        "value": x,
        "moving_range": moving_ranges(clean).to_numpy(),
        "mean": limits.mean,
        "lower_limit": limits.lower_limit,
        "upper_limit": limits.upper_limit,
        "lower_two_sigma": limits.lower_two_sigma,
        "upper_two_sigma": limits.upper_two_sigma,
        "rule_outside_limits": _flag(flags["outside_limits"]),
        "rule_run": _flag(flags["run"]),
        "rule_trend": _flag(flags["trend"]),
        "rule_two_of_three": _flag(flags["two_of_three"]),
        "point_type": _point_types(side, checked_direction),
        "special_cause_rule": rule,
        "special_cause_side": side,
    }
    # Positional, so a repeated index label cannot make the columns realign.
    points = pd.DataFrame(columns, index=index).astype(
        {"point_type": "str", "special_cause_rule": "str", "special_cause_side": "str"}
    )

    provisional = n_points < MIN_POINTS_FIXED
    variation = _latest_variation(side, checked_direction)
    assurance = assurance_class(limits, checked_direction, target)
    all_equal = n_points >= MIN_POINTS and limits.mean_moving_range == 0
    return SpcResult(
        points=points,
        direction=checked_direction,
        target=target,
        mean=limits.mean,
        mean_moving_range=limits.mean_moving_range,
        lower_limit=limits.lower_limit,
        upper_limit=limits.upper_limit,
        provisional=provisional,
        n_points=n_points,
        n_missing=n_missing,
        variation=variation,
        assurance=assurance,
        message=_message(points, n_points, n_missing, provisional, assurance, target, all_equal),
    )


def latest_variation(values: pd.Series, direction: str) -> Variation:
    """The variation icon class of ``spc_analysis(values, direction)``, without its table of points.

    For a table of many series (every system's trend) where only the icon is shown: the same limits,
    rules and precedence as :func:`spc_analysis`, on plain arrays.

    Raises:
        ValueError: If direction is not one of DIRECTIONS, or a value is not numeric.
    """
    checked_direction = check_direction(direction)
    x, _, _ = _finite_points(values)
    _, side = _decide(x, _rule_flags(x, _limits(x)))
    return _latest_variation(side, checked_direction)


def _finite_points(values: pd.Series) -> tuple[np.ndarray, pd.Index, int]:
    """The finite values as float64 in the order given, their index labels, and how many were left out."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    raw = series.to_numpy(dtype="float64", na_value=np.nan)
    keep = np.isfinite(raw)
    return raw[keep], series.index[keep], int((~keep).sum())


def _flag(flags: Flags) -> np.ndarray:
    high, low = flags
    return high | low


def _latest_variation(sides: np.ndarray, direction: Direction) -> Variation:
    """The variation icon class from the latest point's special-cause side (common cause with no points)."""
    last = sides[-1] if len(sides) else None
    return variation_class(cast(Side, last) if isinstance(last, str) else None, direction)
