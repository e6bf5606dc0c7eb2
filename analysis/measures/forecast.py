"""Forecast outturn against the control total and against a run-rate projection, per group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.measures.rows import GRAIN_COLUMNS, Grain, check_month
from analysis.measures.ytd import OPTIMISM_THRESHOLD_PCT, ytd_summary


def forecast_view(
    frame: pd.DataFrame,
    systems: pd.DataFrame | None,
    by: Grain,
    year: str,
    month: int | None,
    threshold_pct: float = OPTIMISM_THRESHOLD_PCT,
) -> pd.DataFrame:
    """Reported forecast outturn against the control total and against a run-rate projection, per group.

    Run-rate projection: ``projected_outturn = plan_surplus_full_year + variance_ytd * 12 / m``. The year-end
    surplus is the full-year plan surplus (the sum of the twelve monthly plans) moved by the year-to-date
    variance continuing at its year-to-date monthly rate for the rest of the year. It is a mechanical
    "if nothing changes" line, not a forecast: it knows nothing of one-off items, seasonality or recovery
    plans, and where some organisations have not reported every month its variance covers fewer
    organisation-months than 12/m assumes.

    Optimism flag: ``optimistic`` is True where the reported forecast is better than the projection by more
    than ``threshold_pct`` % of the group's full-year planned expenditure (``optimism_threshold``, £000): a
    forecast that assumes the year-to-date trend will turn. It is NA where it cannot be judged: no as-at
    month, or no complete forecast (``forecast_outturn`` is NaN unless every member forecast; see the module
    docstring), since a partial forecast covers fewer organisations than the projection does.

    Args:
        frame: Control-totals rows.
        systems: The systems lookup (names and regions).
        by: The grain, as for :func:`ytd_summary`.
        year: Financial year.
        month: As-at month (None: no actuals, nothing to project).
        threshold_pct: Materiality of the flag, % of full-year planned expenditure.

    Returns:
        Per group: key columns, ``orgs``, ``orgs_forecasting``, ``forecast_complete``, ``control_total``,
        ``forecast_outturn``, ``forecast_variance``, ``plan_surplus_full_year``,
        ``plan_expenditure_full_year``, ``variance_ytd``, ``months_elapsed``, ``projected_outturn``,
        ``projected_variance`` (projection - control total), ``forecast_minus_projection``,
        ``optimism_threshold`` and ``optimistic`` (nullable boolean).
    """
    summary = ytd_summary(frame, systems, by, year, month)
    m = check_month(month)
    if m:
        projected = summary["plan_surplus_full_year"] + summary["variance_ytd"] * 12.0 / m
    else:
        projected = pd.Series(np.nan, index=summary.index)
    gap = summary["forecast_outturn"] - projected
    threshold = threshold_pct / 100.0 * summary["plan_expenditure_full_year"]
    complete = summary["orgs_forecasting"] == summary["orgs"]
    flag = pd.Series(pd.NA, index=summary.index, dtype="boolean")
    judged = complete & gap.notna()
    flag[judged] = (gap > threshold)[judged]
    columns = {c: summary[c] for c in GRAIN_COLUMNS[by]}
    columns |= {
        "orgs": summary["orgs"],
        "orgs_forecasting": summary["orgs_forecasting"],
        "forecast_complete": complete,
        "control_total": summary["control_total"],
        "forecast_outturn": summary["forecast_outturn"],
        "forecast_variance": summary["forecast_variance"],
        "plan_surplus_full_year": summary["plan_surplus_full_year"],
        "plan_expenditure_full_year": summary["plan_expenditure_full_year"],
        "variance_ytd": summary["variance_ytd"],
        "months_elapsed": pd.Series(m, index=summary.index, dtype="int64"),
        "projected_outturn": projected,
        "projected_variance": projected - summary["control_total"],
        "forecast_minus_projection": gap,
        "optimism_threshold": threshold,
        "optimistic": flag,
    }
    return pd.DataFrame(columns)
