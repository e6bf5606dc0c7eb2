"""Ratings and money: the 2017 progress ratings beside year-to-date money."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from analysis import figures, formatting, tables
from analysis.ratings import ratings_vs_money
from analysis.views._scope import NO_DATA, Scope, has_actuals, no_actuals_message, selected_rows, with_units


@dataclass(frozen=True)
class RatingsView:
    period: str
    table: pd.DataFrame
    figure: go.Figure
    message: str | None


@dataclass(frozen=True)
class RatingsMeasures:
    """Ratings beside year-to-date money (£000) before any unit is applied, or why there is nothing."""

    table: pd.DataFrame
    message: str | None


def ratings_measures(s: Scope) -> RatingsMeasures:
    """:func:`analysis.ratings.ratings_vs_money` of the filtered systems with any organisation."""
    if not s.year:
        return RatingsMeasures(pd.DataFrame(), NO_DATA)
    rows = selected_rows(s)
    if not rows.empty and not has_actuals(rows, s.month).any():
        return RatingsMeasures(pd.DataFrame(), no_actuals_message(s.year, s.month))
    table = ratings_vs_money(dataclasses.replace(s.dataset, control_totals=rows), s.year, s.month)
    table = table[table["orgs"] > 0] if "orgs" in table.columns else table
    if table.empty:
        return RatingsMeasures(pd.DataFrame(), NO_DATA)
    return RatingsMeasures(table, None)


def ratings(s: Scope, measured: RatingsMeasures | None = None) -> RatingsView:
    """Progress rating beside year-to-date money for the filtered systems.

    Args:
        s: The scope.
        measured: :func:`ratings_measures` of the same data and filters (any unit), when already known.
    """
    m = ratings_measures(s) if measured is None else measured
    if m.message is not None:
        return RatingsView(s.period, pd.DataFrame(), figures.empty_figure(m.message), m.message)
    table = m.table
    shown = pd.DataFrame(
        {
            "System": table["system_name"].fillna(table["system_code"]),
            "Code": table["system_code"],
            "Region": table["region"],
            "Rating 2017": table["rating_label"],
            "Rating basis": table["rating_basis"],
            "Rating source": table["rating_source"],
            "Variance YTD": formatting.scale(table["variance_ytd"].astype(float), s.unit),
            "Variance %": table["variance_pct"],
            "Overspend YTD": formatting.scale(table["overspend_ytd"].astype(float), s.unit),
        }
    )
    shown = with_units(tables.mark(shown, percent=["Variance %"]), ("Variance YTD", "Overspend YTD"), s.unit)
    return RatingsView(s.period, shown, figures.ratings_strip(table, s.unit, s.period), None)
