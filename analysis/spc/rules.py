"""XmR limits and the four special-cause rules on one segment of points, as NHSRplotthedots computes them.

Everything here works on a plain float64 array of finite values in time order: one segment, that is the
points between two rebase points. Comparisons are exact (no rounding margin), as in R; the means are
correctly rounded, as R's ``mean`` is in practice, so a point that sits on the mean is on neither side.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Final

import numpy as np

from analysis.spc.classes import RULE_PRECEDENCE

LIMIT_SCALE: Final = 2.66
"""Process limits are mean ± 2.66 × mean moving range (3 sigma, sigma = mean moving range / 1.128)."""
CLOSE_SCALE: Final = 2 * (LIMIT_SCALE / 3)
"""The two-sigma lines ("close to the limits") are mean ± 2 × (2.66 / 3) × mean moving range."""
SIGMA_SCALE: Final = LIMIT_SCALE / 3
OUTLIER_SCALE: Final = 3.267
"""Outlier screening leaves out moving ranges of 3.267 × the mean moving range or more."""
RUN_LENGTH: Final = 7
TREND_LENGTH: Final = 7
TWO_OF_THREE_WINDOW: Final = 3


@dataclass(frozen=True)
class XmrLimits:
    """The centre line and spread of an XmR chart; the limits and sigma lines derive from them.

    Attributes:
        mean: Mean of the points (of the first ``fix_after_n_points`` when fixed); NaN without points.
        mean_moving_range: Mean of |x_i − x_{i−1}| after screening; NaN with fewer than two points, or
            when screening leaves none (every moving range zero: all values equal).
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
        return self.mean - CLOSE_SCALE * self.mean_moving_range

    @property
    def upper_two_sigma(self) -> float:
        """Two thirds of the way from the mean to the upper limit."""
        return self.mean + CLOSE_SCALE * self.mean_moving_range

    @property
    def lower_one_sigma(self) -> float:
        """One third of the way from the mean to the lower limit."""
        return self.mean - self.sigma

    @property
    def upper_one_sigma(self) -> float:
        """One third of the way from the mean to the upper limit."""
        return self.mean + self.sigma


def exact_mean(x: np.ndarray) -> float:
    """The mean, correctly rounded (a sum of many floats would drift; R's ``mean`` corrects for it)."""
    if len(x) == 0:
        return float("nan")
    if not np.all(np.isfinite(x)):  # an overflowed moving range: nothing exact to compute
        with np.errstate(invalid="ignore", over="ignore"):
            return float(np.mean(x))
    return float(sum(map(Fraction, x.tolist()), Fraction(0)) / len(x))


def screened(moving: np.ndarray, screen_outliers: bool = True) -> np.ndarray:
    """True for each moving range that enters the mean moving range.

    With screening, those below 3.267 × the mean of all of them; a moving range on that line is left out,
    so when every moving range is zero none is left (as in NHSRplotthedots).
    """
    if not screen_outliers or len(moving) == 0:
        return np.ones(len(moving), dtype=bool)
    with np.errstate(invalid="ignore", over="ignore"):
        return moving < OUTLIER_SCALE * exact_mean(moving)


def segment_limits(
    x: np.ndarray, screen_outliers: bool = True, fix_after_n_points: int | None = None
) -> tuple[XmrLimits, np.ndarray]:
    """Limits of one segment, and which of its moving ranges they use (NaN-padded at the first point).

    Args:
        x: The segment's points in time order.
        screen_outliers: Leave out moving ranges of 3.267 × their mean or more (NHSRplotthedots' default).
        fix_after_n_points: Base the mean and moving ranges on the first n points only.
    """
    base = x if fix_after_n_points is None else x[:fix_after_n_points]
    with np.errstate(invalid="ignore", over="ignore"):
        moving = np.abs(np.diff(base))
    used = screened(moving, screen_outliers)
    limits = XmrLimits(exact_mean(base), exact_mean(moving[used]))
    in_limits = np.zeros(len(x), dtype=bool)
    in_limits[1 : len(base)] = used
    return limits, in_limits


def in_runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Mark the elements of `mask` that belong to a run of at least `length` consecutive Trues."""
    out = np.zeros(len(mask), dtype=bool)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        if end - start >= length:
            out[start:end] = True
    return out


def relative_to_mean(x: np.ndarray, limits: XmrLimits) -> np.ndarray:
    """+1 above the mean, −1 below, 0 on it (or without a mean)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return np.nan_to_num(np.sign(x - limits.mean), nan=0.0)


def outside_limits(x: np.ndarray, limits: XmrLimits) -> np.ndarray:
    """Rule 1: strictly above the upper or below the lower process limit."""
    with np.errstate(invalid="ignore"):
        return (x > limits.upper_limit) | (x < limits.lower_limit)


def close_to_limits(x: np.ndarray, limits: XmrLimits) -> np.ndarray:
    """Strictly beyond a two-sigma line but not outside the limits (what two-of-three counts)."""
    with np.errstate(invalid="ignore"):
        beyond = (x < limits.lower_two_sigma) | (x > limits.upper_two_sigma)
    return beyond & ~outside_limits(x, limits)


def run_points(side: np.ndarray, length: int = RUN_LENGTH) -> np.ndarray:
    """Rule 2: points in a run of `length` or more on the same side of the mean (a point on it breaks it)."""
    return in_runs(side > 0, length) | in_runs(side < 0, length)


def trend_points(x: np.ndarray, length: int = TREND_LENGTH) -> np.ndarray:
    """Rule 3: points in `length` or more consecutive points each above (or each below) the one before.

    An equal consecutive value breaks a trend.
    """
    out = np.zeros(len(x), dtype=bool)
    with np.errstate(invalid="ignore", over="ignore"):
        steps = np.sign(np.diff(x))
    for direction in (1, -1):
        in_trend = in_runs(steps == direction, length - 1)
        out[:-1] |= in_trend  # the point a step starts from
        out[1:] |= in_trend  # the point a step reaches
    return out


def two_of_three_windows(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Points in some window of three consecutive points that holds two or more points close to the limits
    and lies wholly on one side of the mean (no point on the mean)."""
    out = np.zeros(len(close), dtype=bool)
    if len(close) < TWO_OF_THREE_WINDOW:
        return out
    count = close[:-2].astype(np.int8) + close[1:-1] + close[2:]
    total = side[:-2] + side[1:-1] + side[2:]
    hit = (count >= 2) & (np.abs(total) == TWO_OF_THREE_WINDOW)
    out[:-2] |= hit
    out[1:-1] |= hit
    out[2:] |= hit
    return out


def two_of_three_points(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Rule 4: the points close to the limits in a window that :func:`two_of_three_windows` marks."""
    return two_of_three_windows(close, side) & close


def trend_step(x: np.ndarray, trend: np.ndarray) -> np.ndarray:
    """The step that gives a trend point its side: the one after it when the next point is in a trend
    too (so a peak or trough shared by two trends takes the trend that starts there), else the one before.

    +1 for a rise; anything else (a fall, or an equal value between two trends) counts as falling.
    """
    if len(x) < 2:
        return np.zeros(len(x))
    with np.errstate(invalid="ignore", over="ignore"):
        steps = np.sign(np.diff(x))
    after = np.append(steps, steps[-1])
    before = np.insert(steps, 0, 0.0)
    next_in_trend = np.append(trend[1:], False)
    return np.where(trend & next_in_trend, after, before)


@dataclass(frozen=True, eq=False)
class SegmentRules:
    """Each rule's flags on one segment, and the rule and side that decide each point.

    Attributes:
        relative_to_mean: +1 / −1 / 0 per point.
        close_to_limits: Beyond a two-sigma line, inside the limits.
        flags: Each rule's flags, keyed in RULE_PRECEDENCE order.
        rule: The first rule in RULE_PRECEDENCE that flags the point (None for common cause).
        side: "high" or "low" from that rule (None for common cause).
        special_cause_type: NHSRplotthedots' wording of the same, e.g. "Above UCL", "Common Cause".
    """

    relative_to_mean: np.ndarray
    close_to_limits: np.ndarray
    flags: dict[str, np.ndarray]
    rule: np.ndarray
    side: np.ndarray
    special_cause_type: np.ndarray


def apply_rules(x: np.ndarray, limits: XmrLimits) -> SegmentRules:
    """Apply the four rules to one segment and decide each point's rule and side by precedence."""
    side = relative_to_mean(x, limits)
    close = close_to_limits(x, limits)
    flags = {
        "outside_limits": outside_limits(x, limits),
        "trend": trend_points(x),
        "two_of_three": two_of_three_points(close, side),
        "run": run_points(side),
    }
    rule, high, kind = decide(x, side, flags)
    return SegmentRules(side, close, flags, rule, high, kind)


def decide(
    x: np.ndarray, side: np.ndarray, flags: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per point, the first rule in RULE_PRECEDENCE that flags it, the side it gives, and the same in
    NHSRplotthedots' words (object arrays; None, None and "Common Cause" where no rule flags the point).

    Outside the limits, two of three and runs take the side of the mean the point is on; a trend point
    takes the side of its trend (see :func:`trend_step`).
    """
    rising = trend_step(x, flags["trend"].astype(bool)) == 1
    above = side > 0
    high_by_rule = {"outside_limits": side == 1, "trend": rising, "two_of_three": above, "run": above}
    wording = {
        "outside_limits": np.where(side == 1, "Above UCL", "Below LCL"),
        "trend": np.where(rising, "7 Point Trend (Increasing)", "7 Point Trend (Decreasing)"),
        "two_of_three": np.where(above, "2 in 3 Above CL", "2 in 3 Below CL"),
        "run": np.where(above, "7 Points Above CL", "7 Points Below CL"),
    }
    n = len(x)
    rule = np.full(n, None, dtype=object)
    high = np.full(n, None, dtype=object)
    kind = np.full(n, "Common Cause", dtype=object)
    decided = np.zeros(n, dtype=bool)
    for name in RULE_PRECEDENCE:
        take = flags[name].astype(bool) & ~decided
        rule[take] = name
        high[take] = np.where(high_by_rule[name], "high", "low")[take]
        kind[take] = wording[name][take]
        decided |= take
    return rule, high, kind
