"""Month by month: one group's plan and actual through a year, and every system's in-month variance.

Series are indexed by (financial year, month of the year); month labels are made where they are shown
(:mod:`analysis.figures`), never here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.measures.rows import GRAINS, MONEY_INPUTS, Grain, is_value, money_measures, reported


def _key_mask(
    frame: pd.DataFrame, by: str, key: str | None, systems: pd.DataFrame | None
) -> np.ndarray | None:
    if by == "national":
        return None
    if key is None:
        raise ValueError(f"monthly_series by {by!r} needs a key")
    if by in ("system", "org", "org_type"):
        return is_value(frame, {"system": "system_code", "org": "org_code"}.get(by, by), key)
    if by == "region":
        if systems is None:
            raise ValueError("monthly_series by region needs the systems lookup")
        codes = systems.loc[systems["region"] == key, "system_code"]
        return frame["system_code"].isin(codes).to_numpy(dtype=bool, na_value=False)
    raise ValueError(f"by must be one of {', '.join(GRAINS)}, not {by!r}")


def monthly_series(
    frame: pd.DataFrame,
    by: Grain,
    key: str | None,
    year: str,
    systems: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Month-by-month plan and actual for one group: in month and cumulative.

    Plan columns (``plan_income``, ``plan_expenditure``, ``plan_surplus`` and their ``_cum``) cover every row
    (the whole year's plan, for the plan line). ``*_reported`` plan columns cover only rows with actuals,
    the like-for-like plan that ``variance`` and ``overspend`` are measured against; their cumulative values
    equal :func:`~analysis.measures.ytd_summary`'s YTD figures at that month. Actuals, like-for-like plan,
    variance and overspend are NaN in a month with no actuals; their cumulative values carry through a gap
    and are NaN after the last month with actuals.

    Args:
        frame: Control-totals rows.
        by: ``national``, ``system``, ``org``, ``org_type`` or ``region``.
        key: The system code, organisation code, organisation type or region (ignored for ``national``).
        year: Financial year.
        systems: The systems lookup (only needed for ``by="region"``).

    Returns:
        Twelve rows, months 1-12: ``month, rows, rows_with_actuals, rows_without_actuals``, then for income,
        expenditure and surplus ``plan_*``, ``plan_*_reported``, ``actual_*`` in month and ``*_cum``, then
        ``variance``, ``overspend``, ``variance_cum``, ``overspend_cum``.
    """
    year_mask = is_value(frame, "financial_year", year)
    key_mask = _key_mask(frame, by, key, systems)
    mask = year_mask if key_mask is None else year_mask & key_mask
    month = frame["month"].to_numpy(dtype=np.int64)[mask]
    has_actuals = reported(frame)[mask]

    def per_month(column: str | None = None, where: np.ndarray | None = None) -> np.ndarray:
        weights = np.ones(len(month)) if column is None else frame[column].to_numpy(dtype=float)[mask]
        if where is not None:
            weights = np.where(where, weights, 0.0)
        return np.bincount(month, weights=weights, minlength=13)[1:13]

    rows_with = per_month(where=has_actuals)
    has = rows_with > 0
    out = pd.DataFrame(
        {
            "month": np.arange(1, 13, dtype=np.int64),
            "rows": per_month().astype(np.int64),
            "rows_with_actuals": rows_with.astype(np.int64),
        }
    )
    out["rows_without_actuals"] = out["rows"] - out["rows_with_actuals"]
    for column in ("plan_income", "plan_expenditure"):
        out[column] = per_month(column)
        out[f"{column}_reported"] = np.where(has, per_month(column, has_actuals), np.nan)
    for column in ("actual_income", "actual_expenditure"):
        out[column] = np.where(has, per_month(column, has_actuals), np.nan)
    whole_plan = money_measures(*(out[c] for c in MONEY_INPUTS))
    like_for_like = money_measures(
        *(out[c if c.startswith("actual") else f"{c}_reported"] for c in MONEY_INPUTS)
    )
    out["plan_surplus"] = whole_plan["plan_surplus"]
    out["plan_surplus_reported"] = like_for_like["plan_surplus"]
    for name in ("actual_surplus", "variance", "overspend"):
        out[name] = like_for_like[name]

    last = int(np.flatnonzero(has).max()) + 1 if has.any() else 0
    after = out["month"].to_numpy() > last
    for c in ("plan_income", "plan_expenditure", "plan_surplus"):
        out[f"{c}_cum"] = out[c].cumsum()
    for c in (
        "plan_income_reported",
        "plan_expenditure_reported",
        "plan_surplus_reported",
        "actual_income",
        "actual_expenditure",
        "actual_surplus",
        "variance",
        "overspend",
    ):
        out[f"{c}_cum"] = np.where(after, np.nan, out[c].fillna(0.0).cumsum())
    order = ["month", "rows", "rows_with_actuals", "rows_without_actuals"]
    for measure in ("income", "expenditure", "surplus"):
        order += [f"plan_{measure}", f"plan_{measure}_reported", f"actual_{measure}"]
    for measure in ("income", "expenditure", "surplus"):
        order += [f"plan_{measure}_cum", f"plan_{measure}_reported_cum", f"actual_{measure}_cum"]
    order += ["variance", "overspend", "variance_cum", "overspend_cum"]
    return out[order]


PERIOD_LEVELS = ("financial_year", "month")
"""The index of every monthly series: (financial year, month of the year, April = 1)."""


def monthly_variance_by_system(
    frame: pd.DataFrame, year: str, month: int | None, codes: list[str] | None = None
) -> dict[str, pd.Series]:
    """In-month variance (actual − plan surplus of reported rows) per system, oldest month first.

    Every financial year up to ``year`` counts (so a trend can span a year end), stopping at ``month`` of
    ``year``. Each row's variance is :func:`~analysis.measures.money_measures`' ``variance``, summed per
    system and month as pandas sums a group.

    Args:
        frame: Control-totals rows, already filtered (any years).
        year: The chosen financial year.
        month: Its as-at month, or None for the whole year.
        codes: Only these systems (None: every system in the rows).

    Returns:
        ``{system_code: Series}`` in system-code order, each indexed by :data:`PERIOD_LEVELS`
        (``("2018/19", 1)``, ...).
    """
    if frame.empty or not year:
        return {}
    # Integer keys, not three string group keys: twice as fast at a million rows, and each group still sums
    # the same rows in the same order, so every total is the one a groupby by the three columns gives.
    system_of, systems = pd.factorize(frame["system_code"])
    year_of, years = pd.factorize(frame["financial_year"])
    month_of = frame["month"].to_numpy(dtype=np.int64)
    up_to, before = np.asarray(years <= year, dtype=bool), np.asarray(years < year, dtype=bool)
    wanted = np.ones(len(systems), dtype=bool) if codes is None else np.asarray(systems.isin(list(codes)))
    use = reported(frame) & (system_of >= 0) & (year_of >= 0)
    use &= wanted[system_of] & up_to[year_of] & (before[year_of] | (month_of <= month) if month else True)
    if not use.any():
        return {}
    variance = money_measures(*(frame[c].to_numpy(dtype=float)[use] for c in MONEY_INPUTS))["variance"]
    key = (system_of[use] * len(years) + year_of[use]) * 13 + month_of[use]
    sums = pd.Series(variance).groupby(key, sort=False).sum()
    key = sums.index.to_numpy(dtype=np.int64)
    table = pd.DataFrame(
        {
            "system_code": systems.take(key // (13 * len(years))),
            "financial_year": years.take(key // 13 % len(years)),
            "month": key % 13,
            "variance": sums.to_numpy(),
        }
    ).sort_values(["system_code", *PERIOD_LEVELS], ignore_index=True)
    index = pd.MultiIndex.from_frame(table[list(PERIOD_LEVELS)])
    code = table["system_code"].to_numpy()
    bounds = np.flatnonzero(code[1:] != code[:-1]) + 1
    return {
        str(code[start]): pd.Series(table["variance"].to_numpy()[start:end], index=index[start:end])
        for start, end in zip(np.r_[0, bounds], np.r_[bounds, len(code)], strict=True)
    }
