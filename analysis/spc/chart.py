"""One measure's SPC chart: segments, limits, rules, point types, icons and the sentence that sums them up."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Final, cast

import numpy as np
import pandas as pd

from analysis.spc.classes import (
    ASSURANCE_ICON_TEXT,
    ASSURANCE_LABELS,
    VARIATION_ICON_TEXT,
    VARIATION_LABELS,
    Assurance,
    Direction,
    PointType,
    Rule,
    Side,
    Variation,
    assurance_class,
    check_direction,
    point_types,
    variation_class,
)
from analysis.spc.rules import RUN_LENGTH, TREND_LENGTH, XmrLimits, apply_rules, segment_limits

MIN_POINTS: Final = 2
"""Fewer points than this give no moving range, so no limits."""
MIN_POINTS_FIXED: Final = 12
"""A segment with fewer points than this has provisional limits (NHSRplotthedots' short-group warning)."""
MIN_FIX_AFTER: Final = 12
"""NHSRplotthedots refuses to fix limits on fewer points than this."""


@dataclass(frozen=True, eq=False)
class SpcResult:
    """Everything an SPC chart, its icons and its sentence need (compare by field: eq is identity).

    Attributes:
        points: One row per point kept, indexed like the input: value, segment (0 for the first, +1 at each
            rebase), moving_range (within the segment), moving_range_used (it entered the mean moving
            range: inside the fixed points and not screened out), mean, lower_limit, upper_limit,
            lower_two_sigma, upper_two_sigma (the segment's), relative_to_mean (+1/−1/0),
            close_to_limits, rule_outside_limits, rule_run, rule_trend, rule_two_of_three (bool),
            point_type, special_cause_rule (the rule that decided the side, NaN for common cause),
            special_cause_side ("high"/"low", NaN for common cause), special_cause_type
            (NHSRplotthedots' wording) and provisional (the segment has fewer than 12 points).
        direction: The improvement direction used.
        target: The target, or None.
        mean: Mean of the latest segment.
        mean_moving_range: Mean moving range of the latest segment, after screening.
        lower_limit: Lower process limit of the latest segment.
        upper_limit: Upper process limit of the latest segment.
        provisional: True if some segment has fewer than 12 points (its limits may move as points come).
        n_points: Number of points used, after leaving out missing values.
        n_missing: Number of NaN or infinite values left out.
        n_segments: Number of segments (1 + rebases that start a new one; 0 without points).
        variation: The variation icon class, from the latest point.
        assurance: The assurance icon class, from the latest limits and the target.
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
    n_segments: int
    variation: Variation
    assurance: Assurance
    message: str

    @property
    def limits(self) -> XmrLimits:
        """The latest segment's limits as an XmrLimits, for the sigma lines."""
        return XmrLimits(self.mean, self.mean_moving_range)

    @property
    def variation_label(self) -> str:
        """The variation icon's short label."""
        return VARIATION_LABELS[self.variation]

    @property
    def variation_text(self) -> str:
        """The variation icon's text alternative (a sentence)."""
        return VARIATION_ICON_TEXT[self.variation]

    @property
    def assurance_label(self) -> str:
        """The assurance icon's short label."""
        return ASSURANCE_LABELS[self.assurance]

    @property
    def assurance_text(self) -> str:
        """The assurance icon's text alternative (a sentence)."""
        return ASSURANCE_ICON_TEXT[self.assurance]


def moving_ranges(values: pd.Series) -> pd.Series:
    """Absolute differences between consecutive points, NaN for the first.

    Args:
        values: The points in time order, without missing values.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return values.astype("float64").diff().abs()


def xmr_limits(
    values: pd.Series, screen_outliers: bool = True, fix_after_n_points: int | None = None
) -> XmrLimits:
    """Mean and (screened) mean moving range of the points, as one segment.

    Args:
        values: The points in time order, without missing values.
        screen_outliers: Leave out moving ranges of 3.267 × their mean or more.
        fix_after_n_points: Use only the first n points.
    """
    x = values.to_numpy(dtype="float64")
    return segment_limits(x, screen_outliers, _check_fix(fix_after_n_points))[0]


def _check_fix(fix_after_n_points: int | None) -> int | None:
    if fix_after_n_points is None:
        return None
    if isinstance(fix_after_n_points, bool) or int(fix_after_n_points) != fix_after_n_points:
        raise ValueError(f"fix_after_n_points must be a whole number; got {fix_after_n_points!r}")
    if fix_after_n_points < MIN_FIX_AFTER:
        raise ValueError(f"fix_after_n_points must be at least {MIN_FIX_AFTER}; got {fix_after_n_points}")
    return int(fix_after_n_points)


def _prepare(
    values: pd.Series, rebase_at: Iterable[Hashable]
) -> tuple[np.ndarray, pd.Index, np.ndarray, int]:
    """Finite values as float64 in the order given, their index labels, their segment numbers, and how
    many values were left out. A rebase label that falls on a left-out value starts the segment at the
    next point kept; a label not in the index is ignored (as NHSRplotthedots ignores a date not charted)."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    raw = series.to_numpy(dtype="float64", na_value=np.nan)
    keep = np.isfinite(raw)
    starts = series.index.isin(list(rebase_at))
    segment = np.cumsum(starts)[keep]
    segment = segment - segment[0] if len(segment) else segment
    return raw[keep], series.index[keep], segment, int((~keep).sum())


def _bounds(segment: np.ndarray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(segment)) + 1
    starts = [0, *edges.tolist()]
    ends = [*edges.tolist(), len(segment)]
    return [(a, b) for a, b in zip(starts, ends, strict=True) if b > a]


def spc_analysis(
    values: pd.Series,
    direction: str,
    target: float | None = None,
    *,
    rebase_at: Iterable[Hashable] = (),
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
) -> SpcResult:
    """XmR chart, special causes, point types, variation and assurance of one measure, as NHSRplotthedots.

    Args:
        values: The measure in time order, indexed by period (e.g. month labels or dates). NaN and ±inf
            are left out; the other points keep their index.
        direction: "increase" if higher is better, "decrease" if lower is better, or "neutral".
        target: Optional target for the assurance icon (NaN counts as no target).
        rebase_at: Index labels where new limits start; each segment gets its own limits and rules.
        fix_after_n_points: Base each segment's limits on its first n points (at least 12).
        screen_outliers: Leave out moving ranges of 3.267 × their mean or more (default, as in R).

    Returns:
        An SpcResult. A segment with fewer than two points has NaN limits and no flagged point; one with
        fewer than 12 has provisional limits.

    Raises:
        ValueError: If direction is not one of DIRECTIONS, fix_after_n_points is below 12, or a value is
            not numeric.
    """
    checked = check_direction(direction)
    fix = _check_fix(fix_after_n_points)
    if target is not None and np.isnan(target):
        target = None
    x, index, segment, n_missing = _prepare(values, rebase_at)
    columns = _columns(x, segment, screen_outliers, fix)
    columns["point_type"] = point_types(columns["special_cause_side"], checked)
    text = ("point_type", "special_cause_rule", "special_cause_side", "special_cause_type")
    ordered = {n: pd.array(columns[n], dtype="str") if n in text else columns[n] for n in _ORDER}
    # Positional, so a repeated index label cannot make the columns realign.
    points = pd.DataFrame(ordered, index=index)
    last = XmrLimits(
        float(points["mean"].iloc[-1]) if len(x) else float("nan"),
        float(columns["mean_moving_range"][-1]) if len(x) else float("nan"),
    )
    sides = columns["special_cause_side"]
    variation = _latest_variation(sides, checked)
    assurance = assurance_class(last.lower_limit, last.upper_limit, checked, target) if len(x) else "none"
    n_segments = len(_bounds(segment))
    provisional = bool(points["provisional"].any())
    message = _message(points, n_missing, provisional, n_segments, last, assurance, target)
    return SpcResult(
        points=points,
        direction=checked,
        target=target,
        mean=last.mean,
        mean_moving_range=last.mean_moving_range,
        lower_limit=last.lower_limit,
        upper_limit=last.upper_limit,
        provisional=provisional,
        n_points=len(x),
        n_missing=n_missing,
        n_segments=n_segments,
        variation=variation,
        assurance=assurance,
        message=message,
    )


_ORDER: Final = [
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
    "rule_outside_limits",
    "rule_run",
    "rule_trend",
    "rule_two_of_three",
    "point_type",
    "special_cause_rule",
    "special_cause_side",
    "special_cause_type",
    "provisional",
]


def _columns(x: np.ndarray, segment: np.ndarray, screen: bool, fix: int | None) -> dict[str, np.ndarray]:
    """Every per-point column, segment by segment (plus mean_moving_range, for the latest limits)."""
    n = len(x)
    nan = np.full(n, np.nan)
    out: dict[str, np.ndarray] = {
        "value": x,
        "segment": segment.astype(np.int64),
        "moving_range": nan.copy(),
        "moving_range_used": np.zeros(n, dtype=bool),
        **{k: nan.copy() for k in ("mean", "mean_moving_range", "lower_limit", "upper_limit")},
        **{k: nan.copy() for k in ("lower_two_sigma", "upper_two_sigma")},
        "relative_to_mean": np.zeros(n),
        "close_to_limits": np.zeros(n, dtype=bool),
        **{f"rule_{r}": np.zeros(n, dtype=bool) for r in ("outside_limits", "run", "trend", "two_of_three")},
        "special_cause_rule": np.full(n, None, dtype=object),
        "special_cause_side": np.full(n, None, dtype=object),
        "special_cause_type": np.full(n, None, dtype=object),
        "provisional": np.zeros(n, dtype=bool),
    }
    for a, b in _bounds(segment):
        part = x[a:b]
        limits, used = segment_limits(part, screen, fix)
        rules = apply_rules(part, limits)
        with np.errstate(over="ignore", invalid="ignore"):
            out["moving_range"][a + 1 : b] = np.abs(np.diff(part))
        out["moving_range_used"][a:b] = used
        for name in ("mean", "mean_moving_range", "lower_limit", "upper_limit"):
            out[name][a:b] = getattr(limits, name)
        out["lower_two_sigma"][a:b] = limits.lower_two_sigma
        out["upper_two_sigma"][a:b] = limits.upper_two_sigma
        out["relative_to_mean"][a:b] = rules.relative_to_mean
        out["close_to_limits"][a:b] = rules.close_to_limits
        for name, flagged in rules.flags.items():
            out[f"rule_{name}"][a:b] = flagged
        out["special_cause_rule"][a:b] = rules.rule
        out["special_cause_side"][a:b] = rules.side
        out["special_cause_type"][a:b] = rules.special_cause_type
        out["provisional"][a:b] = b - a < MIN_POINTS_FIXED
    return out


def latest_variation(
    values: pd.Series,
    direction: str,
    *,
    rebase_at: Iterable[Hashable] = (),
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
) -> Variation:
    """The variation icon class of ``spc_analysis(values, direction, ...)``, without its table of points.

    For a table of many series (every system's trend) where only the icon is shown: the rules of the latest
    segment alone decide it.

    Raises:
        ValueError: As :func:`spc_analysis`.
    """
    checked = check_direction(direction)
    fix = _check_fix(fix_after_n_points)
    x, _, segment, _ = _prepare(values, rebase_at)
    if not len(x):
        return "common_cause"
    start = _bounds(segment)[-1][0]
    part = x[start:]
    limits, _ = segment_limits(part, screen_outliers, fix)
    return _latest_variation(apply_rules(part, limits).side, checked)


def _latest_variation(sides: np.ndarray, direction: Direction) -> Variation:
    """The variation icon class from the latest point's special-cause side (common cause with no points)."""
    last = sides[-1] if len(sides) else None
    return variation_class(cast(Side, last) if last in ("high", "low") else None, direction)


_RULE_PHRASES: Final[dict[tuple[Rule, Side], str]] = {
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

_VARIATION_PHRASES: Final[dict[PointType, str]] = {
    "special_cause_improvement": "Special cause of improvement",
    "special_cause_concern": "Special cause of concern",
    "special_cause_neutral_high": "Special cause variation",
    "special_cause_neutral_low": "Special cause variation",
}


def _number(x: float) -> str:
    """A number for a sentence: thousands separators, at most two decimals, no trailing zeros."""
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _variation_sentence(points: pd.DataFrame, provisional: bool, n_segments: int, last: XmrLimits) -> str:
    final = points.iloc[-1]
    if final["point_type"] == "common_cause":
        earlier = int((points["point_type"] != "common_cause").sum())
        text = (
            "Common cause variation only"
            if earlier == 0
            else f"Common cause variation at the latest point; {_plural(earlier, 'earlier point')} "
            "showed special cause variation"
        )
    else:
        phrase = _RULE_PHRASES[(final["special_cause_rule"], final["special_cause_side"])]
        text = f"{_VARIATION_PHRASES[final['point_type']]}: {phrase}"
    if n_segments > 1:
        text += f"; limits recalculated {_plural(n_segments - 1, 'time')}"
    if np.isnan(last.mean_moving_range) and int((points["segment"] == final["segment"]).sum()) >= MIN_POINTS:
        text += "; all values are equal, so there is no variation to set limits from"
    if provisional:
        sizes = points.groupby("segment").size()
        if n_segments == 1:
            text += f"; limits are provisional ({len(points)} points, fewer than {MIN_POINTS_FIXED})"
        else:
            short = int((sizes < MIN_POINTS_FIXED).sum())
            segments = _plural(short, "segment")
            text += f"; limits are provisional for {segments} of fewer than {MIN_POINTS_FIXED} points"
    return text + "."


def _assurance_sentence(assurance: Assurance, target: float | None, last: XmrLimits) -> str:
    if assurance == "none" or target is None:
        return ""
    if np.isnan(last.mean_moving_range):
        return f" The target of {_number(target)} cannot be assured either way: there are no process limits."
    where = {
        "pass": "consistently met: the process limits lie on the good side of it",
        "fail": "consistently missed: the process limits lie on the bad side of it",
        "inconsistent": "met in some periods and missed in others: it lies within the process limits",
    }[assurance]
    return f" The target of {_number(target)} is {where}."


def _message(
    points: pd.DataFrame,
    n_missing: int,
    provisional: bool,
    n_segments: int,
    last: XmrLimits,
    assurance: Assurance,
    target: float | None,
) -> str:
    n_points = len(points)
    if n_points < MIN_POINTS:
        have = "No points" if n_points == 0 else "Only 1 point"
        text = f"{have} to chart: at least {MIN_POINTS} are needed to calculate process limits."
    else:
        text = _variation_sentence(points, provisional, n_segments, last)
        text += _assurance_sentence(assurance, target, last)
    if n_missing:
        text += f" {_plural(n_missing, 'missing value')} left out."
    return text
