"""The words of SPC in the Making Data Count style: directions, point types, icon classes, labels, colours.

Point types and icons follow NHSRplotthedots: a special-cause point is "high" or "low", and the improvement
direction turns that side into improvement or concern ("neutral" keeps the side). The variation icon is the
latest point's class; the assurance icon compares the target with the latest process limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal, cast, get_args

import numpy as np

Direction = Literal["increase", "decrease", "neutral"]
Side = Literal["high", "low"]
Rule = Literal["outside_limits", "trend", "two_of_three", "run"]
PointType = Literal[
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
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
DIRECTION_ALIASES: Final[Mapping[str, Direction]] = {"neither": "neutral"}
"""Older names still accepted: "neither" was this module's word for NHSRplotthedots' "neutral"."""
POINT_TYPES: Final[tuple[PointType, ...]] = get_args(PointType)
VARIATIONS: Final[tuple[Variation, ...]] = get_args(Variation)
ASSURANCES: Final[tuple[Assurance, ...]] = get_args(Assurance)
RULE_PRECEDENCE: Final[tuple[Rule, ...]] = ("outside_limits", "trend", "two_of_three", "run")
"""Which rule decides a point's side when several flag it, first wins (NHSRplotthedots' order)."""

COMMON_CAUSE_GREY: Final = "#a6a6a6"
IMPROVEMENT_BLUE: Final = "#00b0f0"
CONCERN_ORANGE: Final = "#e46c0a"
NEUTRAL_PURPLE: Final = "#490092"
"""Special cause when improvement has no direction."""

POINT_TYPE_COLOURS: Final[Mapping[PointType, str]] = {
    "common_cause": COMMON_CAUSE_GREY,
    "special_cause_improvement": IMPROVEMENT_BLUE,
    "special_cause_concern": CONCERN_ORANGE,
    "special_cause_neutral_high": NEUTRAL_PURPLE,
    "special_cause_neutral_low": NEUTRAL_PURPLE,
}

POINT_TYPE_LABELS: Final[Mapping[PointType, str]] = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: high",
    "special_cause_neutral_low": "Special cause: low",
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

VARIATION_ICON_TEXT: Final[Mapping[Variation, str]] = {
    "common_cause": "Variation icon, grey: common cause variation only, no significant change.",
    "improvement_high": "Variation icon, blue: special cause of an improving nature, the measure is high.",
    "improvement_low": "Variation icon, blue: special cause of an improving nature, the measure is low.",
    "concern_high": "Variation icon, orange: special cause of a concerning nature, the measure is high.",
    "concern_low": "Variation icon, orange: special cause of a concerning nature, the measure is low.",
    "neither_high": "Variation icon, purple: special cause variation, the measure is high; "
    "neither direction is better.",
    "neither_low": "Variation icon, purple: special cause variation, the measure is low; "
    "neither direction is better.",
}
"""A sentence for each variation icon, for screen readers and wherever the icon cannot be seen."""

ASSURANCE_LABELS: Final[Mapping[Assurance, str]] = {
    "pass": "Target consistently met",
    "fail": "Target consistently missed",
    "inconsistent": "Target inconsistently met – hit and miss",
    "none": "No target assurance",
}

ASSURANCE_ICON_TEXT: Final[Mapping[Assurance, str]] = {
    "pass": "Assurance icon, blue: the process will consistently meet the target.",
    "fail": "Assurance icon, orange: the process will consistently miss the target.",
    "inconsistent": "Assurance icon, grey: the process will hit and miss the target at random.",
    "none": "No assurance icon: there is no target, or neither direction is better.",
}
"""A sentence for each assurance icon, for screen readers and wherever the icon cannot be seen."""


def check_direction(direction: str) -> Direction:
    """Return the direction if it is one of DIRECTIONS (or an alias of one).

    Raises:
        ValueError: If it is not.
    """
    direction = DIRECTION_ALIASES.get(direction, direction)
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}; got {direction!r}")
    return cast(Direction, direction)


def point_type(side: Side | None, direction: Direction) -> PointType:
    """Classify one point from the side of its special cause (None for common cause) and the direction."""
    if side is None:
        return "common_cause"
    if direction == "neutral":
        return "special_cause_neutral_high" if side == "high" else "special_cause_neutral_low"
    improving = (side == "high") == (direction == "increase")
    return "special_cause_improvement" if improving else "special_cause_concern"


def point_types(sides: np.ndarray, direction: Direction) -> np.ndarray:
    """point_type of every point, from an object array of sides ("high"/"low", anything else for none)."""
    kinds = [point_type(cast(Side, s) if s in ("high", "low") else None, direction) for s in sides]
    return np.array(kinds, dtype=object)


def variation_class(side: Side | None, direction: Direction) -> Variation:
    """The variation icon class from the latest point's special-cause side (None for common cause)."""
    kind = point_type(side, direction)
    if side is None:
        return "common_cause"
    prefix = {
        "special_cause_improvement": "improvement",
        "special_cause_concern": "concern",
    }.get(kind, "neither")
    return cast(Variation, f"{prefix}_{side}")


def assurance_class(
    lower_limit: float, upper_limit: float, direction: Direction, target: float | None
) -> Assurance:
    """Whether the process will consistently meet the target, as NHSRplotthedots decides it.

    Compares the target with the latest process limits: above the upper limit, "fail" when higher is
    better and "pass" when lower is; below the lower limit the reverse; otherwise "inconsistent" (hit and
    miss), including a target on a limit and limits that could not be calculated. "none" without a target
    (NaN counts as none) or with direction "neutral".
    """
    if target is None or np.isnan(target) or direction == "neutral":
        return "none"
    if target > upper_limit:
        return "fail" if direction == "increase" else "pass"
    if target < lower_limit:
        return "pass" if direction == "increase" else "fail"
    return "inconsistent"
