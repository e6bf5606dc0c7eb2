"""The data a view works on (:class:`Scope`), and the selections and summaries every page shares."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import formatting, lineage, measures, spc, tables
from analysis.filters import Filters, apply_filters
from analysis.formatting import Unit
from analysis.model import Dataset
from analysis.state import ViewState

NO_DATA = "No rows match the filters. Widen the selection or press Reset filters."


def no_actuals_message(year: str | None, month: int | None = None, who: str | None = None) -> str:
    """Why there is no year to date to show: nothing reported yet (said plainly, not as a filter problem)."""
    when = f"{year} up to {formatting.month_label(year, month)}" if year and month else (year or "any year")
    if who:
        subject = f"{who} has not reported"
    elif month:
        subject = "No organisation in the selection has reported"
    else:
        subject = "No organisation has reported"
    return (
        f"{subject} actuals for {when} yet, so there is no year to date to compare with plan. "
        "The planned figures are on the Explore page."
    )


def has_actuals(rows: pd.DataFrame, month: int | None) -> pd.Series:
    """Per row: actuals reported and within months 1..month (the rows a year to date is built from)."""
    reported = pd.Series(measures.reported(rows), index=rows.index)
    return reported & (rows["month"] <= month) if month else reported & False


def money_label(name: str, unit: Unit) -> str:
    """A money column's header carries its unit, on screen and in every export."""
    return f"{name} ({unit})"


def with_units(table: pd.DataFrame, money: tuple[str, ...], unit: Unit) -> pd.DataFrame:
    """The table with its money columns marked as money and their headers carrying the unit."""
    present = [c for c in money if c in table.columns]
    return tables.rename(tables.mark(table, money=present), {c: money_label(c, unit) for c in present})


@dataclass(frozen=True)
class Scope:
    """The data a view works on: the dataset on the chosen footprint, and the view's state.

    Attributes:
        dataset: The dataset, already restated on today's footprints when ``state.restate`` (see
            :func:`scope`, which does that).
        state: Resolved filters, unit, footprint and the system in focus.
    """

    dataset: Dataset
    state: ViewState

    @property
    def filters(self) -> Filters:
        return self.state.filters

    @property
    def unit(self) -> Unit:
        return self.state.unit

    @property
    def restate(self) -> bool:
        return self.state.restate

    @property
    def focus(self) -> str | None:
        return self.state.focus

    @property
    def year(self) -> str | None:
        return self.filters.financial_year

    @property
    def month(self) -> int | None:
        return self.filters.month

    @property
    def period(self) -> str:
        if self.year and self.month:
            return f"{formatting.month_label(self.year, self.month)}, {self.year}"
        return self.year or "no period"

    def focused(self, code: str | None) -> Scope:
        """The same scope with ``code`` the system in focus."""
        return dataclasses.replace(self, state=dataclasses.replace(self.state, focus=code))


def scope(dataset: Dataset, state: ViewState) -> Scope:
    """A scope whose dataset is restated on today's footprints when asked (each row moved, never split)."""
    return Scope(restated(dataset) if state.restate else dataset, state)


def restated(dataset: Dataset) -> Dataset:
    """The dataset with every row moved to its system's current footprint (see :mod:`analysis.lineage`)."""
    if dataset.control_totals.empty:
        return dataset
    moved = lineage.restate_to_current_footprint(dataset.control_totals, dataset.systems)
    return dataclasses.replace(dataset, control_totals=moved)


def selected_rows(s: Scope, through_month: bool = False, attributes: bool = False) -> pd.DataFrame:
    """The control-total rows the filters select (all months of the year unless `through_month`)."""
    return apply_filters(s.dataset, s.filters, through_month=through_month, attributes=attributes)


def system_summary(s: Scope) -> pd.DataFrame:
    """Year-to-date measures per system for the filtered rows (£000)."""
    if not s.year:
        return measures.empty_summary("system")
    return measures.ytd_summary(selected_rows(s), s.dataset.systems, "system", s.year, s.month)


def national_summary(s: Scope) -> pd.Series:
    """Year-to-date measures of all the filtered rows together (£000)."""
    if not s.year:
        return measures.empty_summary("national").iloc[0:1].squeeze()
    table = measures.ytd_summary(selected_rows(s), s.dataset.systems, "national", s.year, s.month)
    return table.iloc[0] if len(table) else pd.Series(dtype=object)


def system_variation(s: Scope, codes: list[str]) -> dict[str, spc.SpcResult]:
    """SPC of each system's in-month variance over every reported month up to the as-at month, with new
    limits from the first month of each financial year in ``s.state.rebase``; the target is zero."""
    series = monthly_variance_by_system(s, codes)
    return {
        code: spc.spc_analysis(
            series[code], "increase", target=0.0, rebase_at=rebase_labels(series[code], s.state.rebase)
        )
        for code in codes
        if code in series
    }


def rebase_labels(series: pd.Series, years: tuple[str, ...]) -> list[tuple[str, int]]:
    """The first point of each chosen financial year in a series indexed by (year, month); a year with no
    point, or the series' first year (its limits start there anyway), starts nothing."""
    labels = [label for label in series.index if isinstance(label, tuple)]
    first = {}
    for label in labels:
        first.setdefault(label[0], label)
    starts = [first[y] for y in years if y in first]
    return [label for label in starts if labels and label != labels[0]]


def rebase_years(series: pd.Series) -> list[str]:
    """The financial years a series indexed by (year, month) could be rebased at: all but its first."""
    years = list(dict.fromkeys(label[0] for label in series.index if isinstance(label, tuple)))
    return years[1:]


def system_trend_points(s: Scope, codes: list[str]) -> dict[str, tuple[spc.Variation, int]]:
    """Each system's SPC variation class of its in-month variance and how many points it rests on (fewer
    than :data:`analysis.spc.MIN_POINTS_FIXED` means provisional limits)."""
    series = monthly_variance_by_system(s, codes)
    out = {}
    for code in codes:
        if code in series:
            values = series[code].astype(float)
            out[code] = (spc.latest_variation(values, "increase"), int(np.isfinite(values).sum()))
    return out


def system_trends(s: Scope, codes: list[str]) -> dict[str, spc.Variation]:
    """The SPC variation class of each system's in-month variance: :func:`system_variation`'s, icon only."""
    series = monthly_variance_by_system(s, codes)
    return {code: spc.latest_variation(series[code], "increase") for code in codes if code in series}


MONTHLY_VARIANCE_COLUMNS = [
    "financial_year",
    "month",
    "system_code",
    "org_type",
    "plan_income",
    "actual_income",
    "plan_expenditure",
    "actual_expenditure",
]
"""The columns the monthly variance needs: its own and those the filters read."""


def monthly_variance_by_system(s: Scope, codes: list[str] | None = None) -> dict[str, pd.Series]:
    """In-month variance (actual − plan surplus of reported rows) per system, oldest month first.

    Uses every financial year up to the chosen one (so a trend can span a year end), stopping at the as-at
    month of the chosen year; the other filters (region, systems, types, ratings) apply. With ``codes``,
    only those systems (each system's series is the same either way).
    """
    year_free = dataclasses.replace(s.filters, financial_year=None)
    frame = apply_filters(
        s.dataset.control_totals[MONTHLY_VARIANCE_COLUMNS],  # filtering copies only these columns
        year_free,
        systems=s.dataset.systems,
        ratings=s.dataset.progress_ratings,
    )
    return measures.monthly_variance_by_system(frame, s.year, s.month, codes)
