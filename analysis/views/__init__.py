"""View models: everything a page shows, computed from a dataset and a :class:`~analysis.state.ViewState`.

Each page has one function here returning a frozen dataclass of figures, tables (already in the display
unit) and sentences; the page only lays them out. The same functions feed exports and the board pack, so
what is downloaded is what was on screen. One module per page; what pages share (the scope, the selected
rows, the summaries and SPC trends, headline figures) lives in ``_scope`` and ``_headlines``, once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from analysis.views._explore import EXPLORE_COLUMNS, EXPLORE_MONEY, explore_headers, explore_rows
from analysis.views._headlines import Headline, signed_headline
from analysis.views._overview import OverviewMeasures, OverviewView, overview, overview_measures
from analysis.views._ratings import RatingsMeasures, RatingsView, ratings, ratings_measures
from analysis.views._scope import (
    MONTHLY_VARIANCE_COLUMNS,
    NO_DATA,
    Scope,
    has_actuals,
    money_label,
    monthly_variance_by_system,
    national_summary,
    no_actuals_message,
    rebase_labels,
    rebase_years,
    restated,
    scope,
    selected_rows,
    system_summary,
    system_trend_points,
    system_trends,
    system_variation,
    with_units,
)
from analysis.views._system_detail import (
    SystemDetailMeasures,
    SystemDetailView,
    attribution_table,
    others_note,
    system_detail,
    system_detail_measures,
)
from analysis.views._systems import (
    SYSTEM_TABLE_MONEY,
    SystemsMeasures,
    SystemsView,
    systems,
    systems_measures,
)

MEASURES: dict[Callable[..., Any], Callable[[Scope], Any]] = {
    overview: overview_measures,
    systems: systems_measures,
    system_detail: system_detail_measures,
    ratings: ratings_measures,
}
"""Views built in two steps: view -> its measuring step. The measuring step computes the numbers (no unit
is read), and the view takes them as ``measured`` and only applies the unit. Cached apart, keyed without the
unit, they make a unit toggle a re-formatting: nothing is measured again."""

__all__ = [
    "EXPLORE_COLUMNS",
    "EXPLORE_MONEY",
    "MEASURES",
    "MONTHLY_VARIANCE_COLUMNS",
    "NO_DATA",
    "SYSTEM_TABLE_MONEY",
    "Headline",
    "OverviewMeasures",
    "OverviewView",
    "RatingsMeasures",
    "RatingsView",
    "Scope",
    "SystemDetailMeasures",
    "SystemDetailView",
    "SystemsMeasures",
    "SystemsView",
    "attribution_table",
    "explore_headers",
    "explore_rows",
    "has_actuals",
    "money_label",
    "monthly_variance_by_system",
    "national_summary",
    "no_actuals_message",
    "others_note",
    "overview",
    "overview_measures",
    "ratings",
    "ratings_measures",
    "rebase_labels",
    "rebase_years",
    "restated",
    "scope",
    "selected_rows",
    "signed_headline",
    "system_detail",
    "system_detail_measures",
    "system_summary",
    "system_trend_points",
    "system_trends",
    "system_variation",
    "systems",
    "systems_measures",
    "with_units",
]
