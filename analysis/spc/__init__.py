"""Statistical process control in the NHS England "Making Data Count" style, as NHSRplotthedots does it.

An XmR chart of one measure in time order: mean and process limits at mean ± 2.66 × mean moving range, with
moving ranges of 3.267 × their mean or more screened out first; the four special-cause rules (a point
outside the limits; a trend of 7 rising or falling; 2 of 3 consecutive points on one side of the mean
beyond a two-sigma line but inside the limits; a run of 7 on one side of the mean), which decide a point's
side in that order; point types for each improvement direction; the variation and assurance icons with a
text alternative each; provisional limits under 12 points; rebasing (new limits from chosen points) and
limits fixed on the first n points. Pure pandas/numpy, so pages, exports and the CLI read the same numbers.

Where this differs from NHSRplotthedots, on purpose:

- Values are taken in the order given, not sorted by date; NaN and ±inf are left out (the moving range
  then spans the gap), keeping the index of the other points.
- Rebase points are index labels; one not in the index is ignored, as R ignores a date not charted.

Modules: :mod:`~analysis.spc.classes` (names, labels, point types, icons), :mod:`~analysis.spc.rules`
(limits and rules on one segment), :mod:`~analysis.spc.chart` (the whole chart and its sentence).
"""

from analysis.spc.chart import (
    MIN_FIX_AFTER,
    MIN_POINTS,
    MIN_POINTS_FIXED,
    SpcResult,
    latest_variation,
    moving_ranges,
    spc_analysis,
    xmr_limits,
)
from analysis.spc.classes import (
    ASSURANCE_ICON_TEXT,
    ASSURANCE_LABELS,
    ASSURANCES,
    COMMON_CAUSE_GREY,
    CONCERN_ORANGE,
    DIRECTIONS,
    IMPROVEMENT_BLUE,
    NEUTRAL_PURPLE,
    POINT_TYPE_COLOURS,
    POINT_TYPE_LABELS,
    POINT_TYPES,
    RULE_PRECEDENCE,
    VARIATION_ICON_TEXT,
    VARIATION_LABELS,
    VARIATIONS,
    Assurance,
    Direction,
    PointType,
    Rule,
    Side,
    Variation,
    assurance_class,
    check_direction,
    point_type,
    variation_class,
)
from analysis.spc.rules import (
    CLOSE_SCALE,
    LIMIT_SCALE,
    OUTLIER_SCALE,
    RUN_LENGTH,
    SIGMA_SCALE,
    TREND_LENGTH,
    XmrLimits,
)

__all__ = [
    "ASSURANCES",
    "ASSURANCE_ICON_TEXT",
    "ASSURANCE_LABELS",
    "CLOSE_SCALE",
    "COMMON_CAUSE_GREY",
    "CONCERN_ORANGE",
    "DIRECTIONS",
    "IMPROVEMENT_BLUE",
    "LIMIT_SCALE",
    "MIN_FIX_AFTER",
    "MIN_POINTS",
    "MIN_POINTS_FIXED",
    "NEUTRAL_PURPLE",
    "OUTLIER_SCALE",
    "POINT_TYPES",
    "POINT_TYPE_COLOURS",
    "POINT_TYPE_LABELS",
    "RULE_PRECEDENCE",
    "RUN_LENGTH",
    "SIGMA_SCALE",
    "TREND_LENGTH",
    "VARIATIONS",
    "VARIATION_ICON_TEXT",
    "VARIATION_LABELS",
    "Assurance",
    "Direction",
    "PointType",
    "Rule",
    "Side",
    "SpcResult",
    "Variation",
    "XmrLimits",
    "assurance_class",
    "check_direction",
    "latest_variation",
    "moving_ranges",
    "point_type",
    "spc_analysis",
    "variation_class",
    "xmr_limits",
]
