"""What every measure is built from: the grains, the "actuals reported" rule, the row measures, lookups.

Each rule lives here once; the year-to-date summary, the monthly series, the attribution and the pages
(:mod:`analysis.views`) all call these rather than restating them.
"""

from __future__ import annotations

from typing import Literal, TypeVar, get_args

import numpy as np
import pandas as pd

Grain = Literal["national", "region", "system", "org", "org_type"]
GRAINS: tuple[str, ...] = get_args(Grain)

NATIONAL_LABEL = "National"

GRAIN_COLUMNS: dict[str, tuple[str, ...]] = {
    "national": ("national",),
    "region": ("region",),
    "system": ("system_code", "system_name", "region"),
    "org": ("org_code", "org_name", "system_code"),
    "org_type": ("org_type",),
}
"""The key column(s) of each grain: the grain key first, then its names."""

MONEY_INPUTS: tuple[str, ...] = ("plan_income", "actual_income", "plan_expenditure", "actual_expenditure")
"""The four money figures the row measures are derived from, in :func:`money_measures`' argument order."""

Money = TypeVar("Money", pd.Series, np.ndarray, float)


def reported(frame: pd.DataFrame) -> np.ndarray:
    """The contract's "actuals reported": per row, actual income and actual expenditure both given."""
    return ~(
        np.isnan(frame["actual_income"].to_numpy(dtype=float))
        | np.isnan(frame["actual_expenditure"].to_numpy(dtype=float))
    )


def money_measures(
    plan_income: Money, actual_income: Money, plan_expenditure: Money, actual_expenditure: Money
) -> dict[str, Money]:
    """Surplus, variance and overspend from income and expenditure, for rows and for sums alike.

    surplus = income - expenditure; ``variance`` = actual surplus - plan surplus (positive = favourable);
    ``overspend`` = actual expenditure - plan expenditure (positive = overspent).

    Returns:
        ``plan_surplus``, ``actual_surplus``, ``variance`` and ``overspend``.
    """
    plan_surplus = plan_income - plan_expenditure
    actual_surplus = actual_income - actual_expenditure
    return {
        "plan_surplus": plan_surplus,
        "actual_surplus": actual_surplus,
        "variance": actual_surplus - plan_surplus,
        "overspend": actual_expenditure - plan_expenditure,
    }


def add_row_measures(frame: pd.DataFrame, suffix: str = "") -> pd.DataFrame:
    """``frame`` with :func:`money_measures` added as columns (``plan_surplus{suffix}``, ...).

    Args:
        frame: Rows (or sums) with ``plan_income{suffix}``, ``actual_income{suffix}``,
            ``plan_expenditure{suffix}`` and ``actual_expenditure{suffix}``.
        suffix: The columns' common ending, e.g. ``"_ytd"``.
    """
    measures = money_measures(*(frame[f"{c}{suffix}"] for c in MONEY_INPUTS))
    return frame.assign(**{f"{name}{suffix}": values for name, values in measures.items()})


def system_lookup(systems: pd.DataFrame | None, column: str) -> dict[str, object]:
    """System code -> one column of the systems lookup (empty when there is no lookup or no such column)."""
    if systems is None or systems.empty or column not in systems.columns:
        return {}
    return dict(zip(systems["system_code"], systems[column], strict=True))


def check_month(month: int | None) -> int:
    """The as-at month as an int, 0 for None (nothing to date); raises ValueError outside 1-12."""
    if month is None:
        return 0
    if isinstance(month, bool) or not 1 <= int(month) <= 12:
        raise ValueError(f"month must be 1-12 (April = 1), not {month!r}")
    return int(month)


def check_grain(by: str) -> None:
    """Raise ValueError for a grain the summaries do not know."""
    if by not in GRAINS:
        raise ValueError(f"by must be one of {', '.join(GRAINS)}, not {by!r}")


def is_value(frame: pd.DataFrame, column: str, value: object) -> np.ndarray:
    """Per row, whether ``column`` equals ``value`` (missing values never do)."""
    return (frame[column] == value).to_numpy(dtype=bool, na_value=False)


def year_rows(frame: pd.DataFrame, year: str | None, columns: list[str]) -> pd.DataFrame:
    """The rows of one year (all rows when year is None), only the columns needed."""
    columns = [c for c in columns if c in frame.columns]
    if year is None:
        return frame[columns]
    mask = is_value(frame, "financial_year", year)
    return frame[columns] if mask.all() else frame.loc[mask, columns]


# ---------------------------------------------------------------------------------------------------------
# Defaults


def latest_year(frame: pd.DataFrame) -> str | None:
    """The latest financial year in a control-totals frame (None when it is empty).

    Years written ``YYYY/YY`` sort as text in time order, e.g. ``"2018/19"``.
    """
    if frame.empty:
        return None
    years = frame["financial_year"].dropna().unique()
    return str(max(years)) if len(years) else None


def latest_actual_month(frame: pd.DataFrame, year: str | None) -> int | None:
    """The latest month (1-12) of ``year`` with any actuals reported (None when there are none)."""
    if year is None or frame.empty:
        return None
    mask = is_value(frame, "financial_year", year) & reported(frame)
    if not mask.any():
        return None
    return int(frame["month"].to_numpy()[mask].max())


def default_months(frame: pd.DataFrame) -> dict[str, int | None]:
    """The contract's default as-at month per financial year: ``{year: month or None}``.

    The latest month in which at least half of that year's organisations (those with any row in the year)
    have actuals, so one early return does not move everyone's view; when no month reaches half, the latest
    month with any actuals; None for a year with no actuals.
    """
    if frame.empty:
        return {}
    year_codes, years = pd.factorize(frame["financial_year"], use_na_sentinel=True)
    org_codes, orgs = pd.factorize(frame["org_code"], use_na_sentinel=True)
    month = frame["month"].to_numpy(dtype=np.int64)
    known = (year_codes >= 0) & (org_codes >= 0)
    ok = known & reported(frame) & (month >= 1) & (month <= 12)
    n_orgs = max(len(orgs), 1)
    in_year = np.unique(year_codes[known].astype(np.int64) * n_orgs + org_codes[known])
    orgs_per_year = np.bincount(in_year // n_orgs, minlength=len(years))
    pairs = np.unique((year_codes[ok].astype(np.int64) * 13 + month[ok]) * n_orgs + org_codes[ok])
    reporting = np.bincount(pairs // n_orgs, minlength=len(years) * 13).reshape(len(years), 13)
    out: dict[str, int | None] = {}
    for i, year in enumerate(years):
        with_any = np.flatnonzero(reporting[i] > 0)
        half = np.flatnonzero(2 * reporting[i] >= orgs_per_year[i]) if with_any.size else with_any
        half = half[half >= 1]
        out[str(year)] = int(half.max()) if half.size else (int(with_any.max()) if with_any.size else None)
    return out


def default_month(frame: pd.DataFrame, year: str | None) -> int | None:
    """The contract's default as-at month of ``year`` (see :func:`default_months`); None without actuals."""
    if year is None:
        return None
    return default_months(frame).get(year)


def months_with_actuals(frame: pd.DataFrame) -> dict[str, tuple[int, ...]]:
    """The months with any actuals, per financial year: ``{year: (1, 2, ...)}``.

    Every year of the frame is present, with ``()`` when it has no actuals.
    """
    if frame.empty:
        return {}
    year_codes, years = pd.factorize(frame["financial_year"], use_na_sentinel=True)
    month = frame["month"].to_numpy(dtype=np.int64)
    ok = (year_codes >= 0) & reported(frame) & (month >= 1) & (month <= 12)
    seen = np.zeros((len(years), 13), dtype=bool)
    seen[year_codes[ok], month[ok]] = True
    return {str(y): tuple(int(m) for m in np.flatnonzero(seen[i])) for i, y in enumerate(years)}
