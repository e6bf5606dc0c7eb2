"""Measures: year to date, monthly series, forecast, variance attribution and reconciliation.

One definition of every measure, used by the pages, the exports and the CLI alike (data-contract.md,
"Definitions used everywhere"). Everything here is pure pandas/numpy on the validated frames of
:mod:`analysis.model`; nothing loops over rows, so a measure over a million rows stays well inside a filter
change's time budget.

The work is split by job: :mod:`~analysis.measures.rows` (grains, the "actuals reported" rule, the row
measures surplus / variance / overspend, the systems lookup, default year and month),
:mod:`~analysis.measures.ytd` (year-to-date summary and the CLI table), :mod:`~analysis.measures.forecast`,
:mod:`~analysis.measures.monthly` (series indexed by financial year and month),
:mod:`~analysis.measures.attribution` (contributions and waterfall) and
:mod:`~analysis.measures.reconciliation`. Import the names from here.

Definitions and the choices made where the contract leaves room:

- surplus = income - expenditure; ``variance`` = actual surplus - plan surplus (positive = favourable);
  ``overspend`` = actual expenditure - plan expenditure (positive = overspent).
- Year to date (YTD) at as-at month *m* sums months 1..*m* of the rows whose actuals are reported. A row
  without actuals is left out of plan and actual alike (like for like) and counted in
  ``rows_without_actuals``. With no as-at month (a year with no actuals yet) every YTD sum is 0.
- ``orgs``: organisations with any row in the group for the year; ``orgs_reporting``: those of them with
  actuals for month *m*.
- ``control_total`` of a group: the sum of its members' control totals, each organisation-year once.
- Forecasts (:mod:`~analysis.measures.forecast`): an organisation's forecast at *m* is its latest
  ``forecast_outturn`` reported in the year in a month <= *m*, carried forward
  (:func:`org_forecasts`). A group's ``forecast_outturn`` sums its members' forecasts;
  ``forecast_orgs`` / ``forecast_carried`` count them; ``forecast_variance`` sets them against the control
  totals of those same members only (members with no forecast are left out of both sides), so a missing
  forecast can never pass for an improvement. ``forecast_movement``: the change since *m*-1 over members with
  a forecast at both. ``run_rate_outturn`` / ``run_rate_variance``: per member with actuals to date,
  full-year plan surplus + YTD variance x 12 / months reported, against those members' control totals.
  Each of these is NaN (never 0) where no member counts. ``forecast_control_total`` and ``run_rate_orgs``
  give the other side and the count of the run rate.
- As-at month default (:func:`default_month`): the latest month in which at least half of the year's
  organisations have actuals (else the latest with any), so one early return does not move everyone.
- ``variance_pct``: YTD variance as a percentage of YTD planned expenditure (see :func:`variance_pct`);
  NaN when planned expenditure is 0.
"""

from __future__ import annotations

from analysis.measures.attribution import (
    OTHER_ORGANISATIONS,
    others_label,
    variance_attribution,
    waterfall_steps,
)
from analysis.measures.forecast import ORG_FORECAST_COLUMNS, forecast_view, org_forecasts
from analysis.measures.monthly import PERIOD_LEVELS, monthly_series, monthly_variance_by_system
from analysis.measures.reconciliation import (
    RECONCILE_TOLERANCE,
    not_accepted,
    reconcile_system_control_totals,
)
from analysis.measures.rows import (
    GRAIN_COLUMNS,
    GRAINS,
    MONEY_INPUTS,
    NATIONAL_LABEL,
    Grain,
    add_row_measures,
    default_month,
    default_months,
    latest_actual_month,
    latest_year,
    money_measures,
    months_with_actuals,
    reported,
    system_lookup,
)
from analysis.measures.ytd import (
    ADDITIVE_COLUMNS,
    EXTRA_COLUMNS,
    MEASURE_COLUMNS,
    OPTIMISM_THRESHOLD_PCT,
    empty_summary,
    round_money,
    summary_table,
    variance_pct,
    ytd_summary,
)

__all__ = [
    "ADDITIVE_COLUMNS",
    "EXTRA_COLUMNS",
    "GRAINS",
    "GRAIN_COLUMNS",
    "MEASURE_COLUMNS",
    "MONEY_INPUTS",
    "NATIONAL_LABEL",
    "OPTIMISM_THRESHOLD_PCT",
    "ORG_FORECAST_COLUMNS",
    "OTHER_ORGANISATIONS",
    "PERIOD_LEVELS",
    "RECONCILE_TOLERANCE",
    "Grain",
    "add_row_measures",
    "default_month",
    "default_months",
    "empty_summary",
    "forecast_view",
    "latest_actual_month",
    "latest_year",
    "money_measures",
    "monthly_series",
    "monthly_variance_by_system",
    "months_with_actuals",
    "not_accepted",
    "org_forecasts",
    "others_label",
    "reconcile_system_control_totals",
    "reported",
    "round_money",
    "summary_table",
    "system_lookup",
    "variance_attribution",
    "variance_pct",
    "waterfall_steps",
    "ytd_summary",
]
