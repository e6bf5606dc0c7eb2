"""Forecast outturn per organisation and per group, against the control total and a run-rate projection.

:func:`org_forecasts` is the contract's per-organisation forecast (latest reported in the year up to the
as-at month, carried forward); :func:`~analysis.measures.ytd.ytd_summary` sums the same per-member figures
over groups, like for like; :func:`forecast_view` sets them beside the run-rate projection.
"""

from __future__ import annotations

import pandas as pd

from analysis.measures.rows import GRAIN_COLUMNS, Grain, check_month
from analysis.measures.ytd import OPTIMISM_THRESHOLD_PCT, member_totals, ytd_summary

ORG_FORECAST_COLUMNS: tuple[str, ...] = (
    "org_code",
    "org_name",
    "system_code",
    "org_type",
    "control_total",
    "forecast_outturn",
    "forecast_month",
    "forecast_carried",
    "forecast_variance",
    "forecast_before",
    "forecast_movement",
    "months_reported",
    "run_rate_outturn",
    "run_rate_variance",
)
"""The columns of :func:`org_forecasts`."""


def org_forecasts(frame: pd.DataFrame, year: str, month: int | None) -> pd.DataFrame:
    """Each organisation's forecast and run rate at as-at month ``month`` of ``year`` (data-contract.md).

    The one per-organisation reading every group figure is summed from (an outlook chart, a table of
    members): the forecast is the latest ``forecast_outturn`` the organisation reported in the year in a
    month <= ``month``, carried forward when it reported none at ``month``.

    Args:
        frame: Control-totals rows (validated, possibly filtered); rows of other years are ignored.
        year: Financial year.
        month: As-at month 1-12 (None: nothing reported yet, so no forecast and no run rate).

    Returns:
        One row per organisation with any row in the year, sorted by code: :data:`ORG_FORECAST_COLUMNS`.
        ``forecast_outturn`` NaN where it has none up to ``month``; ``forecast_month`` the month it came
        from (0 when none); ``forecast_carried`` True when that month is before ``month``;
        ``forecast_variance`` = forecast - control total (positive = better); ``forecast_before`` its
        forecast at ``month`` - 1 and ``forecast_movement`` the change since (NaN at month 1 or where
        either is missing); ``months_reported`` months with actuals up to ``month``; ``run_rate_outturn`` =
        full-year plan surplus + YTD variance x 12 / months_reported (NaN with no actuals to date) and
        ``run_rate_variance`` = run rate - control total. Money in £000, unrounded.
    """
    members = member_totals(frame, year, month)
    out = pd.DataFrame(
        {
            "org_code": members["org_code"],
            "org_name": members["org_name"],
            "system_code": members["system_code"],
            "org_type": members["org_type"],
            "control_total": members["control_total"],
            "forecast_outturn": members["forecast_outturn"],
            "forecast_month": members["forecast_month"].astype("int64"),
            "forecast_carried": members["carried"].astype(bool),
            "forecast_variance": members["forecast_gap"],
            "forecast_before": members["forecast_before"],
            "forecast_movement": members["movement"],
            "months_reported": members["months_reported"].astype("int64"),
            "run_rate_outturn": members["run_rate"],
            "run_rate_variance": members["run_rate_gap"],
        }
    )
    return out.sort_values("org_code", kind="stable").reset_index(drop=True)


def forecast_view(
    frame: pd.DataFrame,
    systems: pd.DataFrame | None,
    by: Grain,
    year: str,
    month: int | None,
    threshold_pct: float = OPTIMISM_THRESHOLD_PCT,
) -> pd.DataFrame:
    """Reported forecast outturn against the control total and against a run-rate projection, per group.

    Run-rate projection: ``projected_outturn`` is the contract's ``run_rate_outturn``: per member with
    actuals to date, its full-year plan surplus (the sum of the twelve monthly plans) moved by its
    year-to-date variance continuing at its own monthly rate (variance x 12 / the months it reported),
    summed. It is a mechanical "if nothing changes" line, not a forecast: it knows nothing of one-off
    items, seasonality or recovery plans.

    Optimism flag: ``optimistic`` is True where the reported forecast is better than the projection by more
    than ``threshold_pct`` % of the group's full-year planned expenditure (``optimism_threshold``, £000): a
    forecast that assumes the year-to-date trend will turn. It is NA where it cannot be judged: no as-at
    month, or a forecast or projection that does not cover every member, since the two would then cover
    different organisations.

    Args:
        frame: Control-totals rows.
        systems: The systems lookup (names and regions).
        by: The grain, as for :func:`ytd_summary`.
        year: Financial year.
        month: As-at month (None: no actuals, nothing to project).
        threshold_pct: Materiality of the flag, % of full-year planned expenditure.

    Returns:
        Per group: key columns, ``orgs``, ``forecast_orgs``, ``forecast_carried``, ``forecast_complete``,
        ``control_total``,
        ``forecast_outturn``, ``forecast_variance``, ``plan_surplus_full_year``,
        ``plan_expenditure_full_year``, ``variance_ytd``, ``months_elapsed``, ``projected_outturn``,
        ``projected_variance`` (projection - those members' control totals), ``forecast_minus_projection``,
        ``optimism_threshold`` and ``optimistic`` (nullable boolean).
    """
    summary = ytd_summary(frame, systems, by, year, month)
    m = check_month(month)
    projected = summary["run_rate_outturn"]
    gap = summary["forecast_outturn"] - projected
    threshold = threshold_pct / 100.0 * summary["plan_expenditure_full_year"]
    complete = (summary["forecast_orgs"] == summary["orgs"]) & (summary["run_rate_orgs"] == summary["orgs"])
    flag = pd.Series(pd.NA, index=summary.index, dtype="boolean")
    judged = complete & gap.notna()
    flag[judged] = (gap > threshold)[judged]
    columns = {c: summary[c] for c in GRAIN_COLUMNS[by]}
    columns |= {
        "orgs": summary["orgs"],
        "forecast_orgs": summary["forecast_orgs"],
        "forecast_carried": summary["forecast_carried"],
        "forecast_complete": complete,
        "control_total": summary["control_total"],
        "forecast_outturn": summary["forecast_outturn"],
        "forecast_variance": summary["forecast_variance"],
        "plan_surplus_full_year": summary["plan_surplus_full_year"],
        "plan_expenditure_full_year": summary["plan_expenditure_full_year"],
        "variance_ytd": summary["variance_ytd"],
        "months_elapsed": pd.Series(m, index=summary.index, dtype="int64"),
        "projected_outturn": projected,
        "projected_variance": summary["run_rate_variance"],
        "forecast_minus_projection": gap,
        "optimism_threshold": threshold,
        "optimistic": flag,
    }
    return pd.DataFrame(columns)
