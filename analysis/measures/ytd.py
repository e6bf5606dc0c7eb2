"""Year to date per group: the contract's summary, the CLI's rounded table and the forecast view."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.measures.rows import (
    GRAIN_COLUMNS,
    MONEY_INPUTS,
    NATIONAL_LABEL,
    Grain,
    check_grain,
    check_month,
    default_month,
    latest_year,
    money_measures,
    reported,
    system_lookup,
    year_rows,
)
from analysis.model import Dataset

MEASURE_COLUMNS: tuple[str, ...] = (
    "orgs",
    "orgs_reporting",
    "plan_income_ytd",
    "actual_income_ytd",
    "plan_expenditure_ytd",
    "actual_expenditure_ytd",
    "overspend_ytd",
    "plan_surplus_ytd",
    "actual_surplus_ytd",
    "variance_ytd",
    "control_total",
    "forecast_outturn",
    "forecast_variance",
    "forecast_orgs",
    "forecast_carried",
    "forecast_movement",
    "run_rate_outturn",
    "run_rate_variance",
)
"""The contract's summary measures, in the contract's order."""

EXTRA_COLUMNS: tuple[str, ...] = (
    "variance_pct",
    "rows_without_actuals",
    "forecast_control_total",
    "forecast_carried_from",
    "forecast_carried_to",
    "run_rate_orgs",
    "plan_surplus_full_year",
    "plan_expenditure_full_year",
)
"""Measures :func:`ytd_summary` adds after the contract's, for the pages."""

ADDITIVE_COLUMNS: tuple[str, ...] = tuple(
    c
    for c in (*MEASURE_COLUMNS, *EXTRA_COLUMNS)
    if c not in {"variance_pct", "forecast_carried_from", "forecast_carried_to"}
)
"""Measures whose groups add up to the total (organisation counts: over systems and regions), skipping
unknown values (a total is NaN only when every part is)."""

_SUM_COLUMNS = (
    "plan_income_ytd",
    "actual_income_ytd",
    "plan_expenditure_ytd",
    "actual_expenditure_ytd",
    "rows_without_actuals",
    "plan_surplus_full_year",
    "plan_expenditure_full_year",
)

_PARTIAL_SUMS = ("forecast_outturn", "forecast_gap", "forecast_ct", "movement", "run_rate", "run_rate_gap")
"""Sums over some members only (those with a forecast, with one at m and m-1, with actuals to date): NaN
when no member counts, never 0."""

_ORG_COLUMNS = [
    "month",
    "org_code",
    "org_name",
    "org_type",
    "system_code",
    "plan_income",
    "actual_income",
    "plan_expenditure",
    "actual_expenditure",
    "control_total",
    "forecast_outturn",
]

OPTIMISM_THRESHOLD_PCT = 0.25
"""Default materiality of the optimism flag: 0.25% of the group's full-year planned expenditure (£1.25m for
an organisation spending £500m a year; year-to-date variances in the NHS are typically a fraction of 1%)."""


def _atoms(rows: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, dict[str, object]]:
    """Each row's group number over ``keys`` (groups in order of first appearance, missing values a group of
    their own), and the groups' key values. ``pd.factorize`` per key: a third faster than a groupby's."""
    codes, uniques = pd.factorize(rows[keys[0]], use_na_sentinel=False)
    values = {keys[0]: pd.Index(uniques)}
    for key in keys[1:]:
        more, more_uniques = pd.factorize(rows[key], use_na_sentinel=False)
        codes, pairs = pd.factorize(codes.astype(np.int64) * len(more_uniques) + more)
        values = {k: v.take(pairs // len(more_uniques)) for k, v in values.items()}
        values[key] = pd.Index(more_uniques).take(pairs % len(more_uniques))
    return codes, {k: v.array for k, v in values.items()}


def _org_totals(frame: pd.DataFrame, year: str | None, month: int | None, attr: str | None) -> pd.DataFrame:
    """One row per organisation (x ``attr``) of the year, with the sums every grain is built from.

    Sums are ``np.bincount``'s, in row order, as :func:`~analysis.measures.monthly_series` sums a month, so
    a cumulative monthly figure equals the year-to-date one to the last bit.
    """
    m = check_month(month)
    rows = year_rows(frame, year, _ORG_COLUMNS)
    n = len(rows)
    atom, key_values = _atoms(rows, ["org_code"] if attr is None else ["org_code", attr])
    k = len(key_values["org_code"])

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(atom, weights=values, minlength=k)

    month_arr = rows["month"].to_numpy(dtype=np.int64)
    pi = rows["plan_income"].to_numpy(dtype=float)
    pe = rows["plan_expenditure"].to_numpy(dtype=float)
    fc = rows["forecast_outturn"].to_numpy(dtype=float)
    has_actuals = reported(rows)
    to_date = month_arr <= m
    use = to_date & has_actuals
    at_m = month_arr == m
    now = latest_forecast(atom, k, month_arr, fc, m)
    before = latest_forecast(atom, k, month_arr, fc, m - 1)
    # The atom's latest row (highest month, then last in the file) stands for its control total and name.
    latest = np.full(k, -1, dtype=np.int64)
    np.maximum.at(latest, atom, month_arr * n + np.arange(n))
    latest_row = latest % max(n, 1)
    columns = {  # one frame built at once: inserting columns one by one costs 40 ms at a million rows
        **key_values,
        **{f"{c}_ytd": total(np.where(use, rows[c].to_numpy(dtype=float), 0.0)) for c in MONEY_INPUTS},
        "rows_without_actuals": total(to_date & ~has_actuals).astype(np.int64),
        "plan_surplus_full_year": total(pi - pe),
        "plan_expenditure_full_year": total(pe),
        "reporting": total(at_m & has_actuals) > 0,
        "months_reported": total(use).astype(np.int64),
        "forecast_outturn": now.value,
        "forecast_month": now.month,
        "forecast_before": before.value,
        "last_month": latest // max(n, 1),
        "control_total": rows["control_total"].to_numpy(dtype=float)[latest_row],
        "org_name": rows["org_name"].array.take(latest_row),
    }
    return pd.DataFrame(columns)


class LatestForecast(NamedTuple):
    """Per atom, its latest forecast in a month up to the as-at month, and that month (0: none)."""

    value: np.ndarray
    month: np.ndarray


def latest_forecast(
    atom: np.ndarray, k: int, month: np.ndarray, forecast: np.ndarray, m: int
) -> LatestForecast:
    """Each of ``k`` atoms' latest forecast given in a month <= ``m`` (NaN where none: never 0).

    The contract carries a forecast forward: an organisation that gave none at *m* still has its latest
    earlier one. Ties within a month go to the row last in the file, as the control total does.
    """
    n = len(month)
    given = (month <= m) & ~np.isnan(forecast)
    latest = np.full(k, -1, dtype=np.int64)
    np.maximum.at(latest, atom[given], month[given] * n + np.flatnonzero(given))
    found = latest >= 0
    value = np.full(k, np.nan)
    value[found] = forecast[latest[found] % n]
    return LatestForecast(value, np.where(found, latest // max(n, 1), 0))


def _members(atoms: pd.DataFrame, key: str, m: int) -> pd.DataFrame:
    """One row per (group, organisation).

    An organisation in two systems (or of two types) in a year, which validation quarantines, is one member
    of each group but one organisation nationally. Otherwise the atoms are the members already, and skipping
    the regrouping saves about 80 ms at a million rows.
    """
    if atoms["org_code"].is_unique:
        members = atoms
    else:
        grouped = atoms.groupby(list(dict.fromkeys([key, "org_code"])), sort=False, dropna=False)
        members = grouped[list(_SUM_COLUMNS)].sum()
        members["control_total"] = grouped["control_total"].first()
        members["reporting"] = grouped["reporting"].any()
        members["months_reported"] = grouped["months_reported"].sum()
        members["forecast_month"] = grouped["forecast_month"].max()
        for column in ("forecast_outturn", "forecast_before"):
            members[column] = grouped[column].sum(min_count=1)
        members = members.reset_index()
    return with_forecast_measures(members, m)


def with_forecast_measures(members: pd.DataFrame, m: int) -> pd.DataFrame:
    """Per member: forecast and run-rate measures that sum like for like over a group.

    ``forecasting`` / ``carried`` flags and ``carried_month`` (the month a carried forecast came from);
    ``forecast_ct`` and ``forecast_gap`` (control total and forecast - control total, of forecasting members
    only); ``movement`` (members with a forecast at m and m-1); ``run_rate`` (full-year plan surplus + YTD
    variance x 12 / months reported), ``run_rate_ct`` and ``run_rate_gap`` (members with actuals to date).
    NaN where a member is left out, so a group's sum skips it.
    """
    forecasting = members["forecast_outturn"].notna()
    months = members["months_reported"].where(members["months_reported"] > 0)
    variance = (members["actual_income_ytd"] - members["actual_expenditure_ytd"]) - (
        members["plan_income_ytd"] - members["plan_expenditure_ytd"]
    )
    run_rate = members["plan_surplus_full_year"] + variance * 12.0 / months
    return members.assign(
        forecasting=forecasting,
        carried=forecasting & (members["forecast_month"] != m),
        carried_month=members["forecast_month"].where(forecasting & (members["forecast_month"] != m)),
        forecast_ct=members["control_total"].where(forecasting),
        forecast_gap=members["forecast_outturn"] - members["control_total"],
        movement=members["forecast_outturn"] - members["forecast_before"],
        run_rate=run_rate,
        run_rate_orgs=run_rate.notna(),
        run_rate_ct=members["control_total"].where(run_rate.notna()),
        run_rate_gap=run_rate - members["control_total"],
    )


def empty_summary(by: str) -> pd.DataFrame:
    """A :func:`ytd_summary` frame with no rows: the grain's columns and dtypes."""
    columns = list(GRAIN_COLUMNS[by]) + list(MEASURE_COLUMNS) + list(EXTRA_COLUMNS)
    out = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    for c in GRAIN_COLUMNS[by]:
        out[c] = out[c].astype("str")
    for c in (
        "orgs",
        "orgs_reporting",
        "rows_without_actuals",
        "forecast_orgs",
        "forecast_carried",
        "run_rate_orgs",
    ):
        out[c] = out[c].astype("int64")
    return out


def member_totals(frame: pd.DataFrame, year: str, month: int | None) -> pd.DataFrame:
    """One row per organisation of the year (its code, name, system, type and control total from its latest
    row) with its year-to-date sums and the per-member forecast and run-rate measures of
    :func:`with_forecast_measures`. :func:`~analysis.measures.forecast.org_forecasts` is its public face."""
    atoms = _org_totals(frame, year, month, None)
    if not atoms.empty:
        rows = year_rows(frame, year, ["month", "org_code", "system_code", "org_type"])
        # the latest row per organisation stands for its system and type, as it does for the name
        last = rows.sort_values("month", kind="stable").drop_duplicates("org_code", keep="last")
        last = last.set_index("org_code")
        atoms["system_code"] = last["system_code"].reindex(atoms["org_code"]).to_numpy()
        atoms["org_type"] = last["org_type"].reindex(atoms["org_code"]).to_numpy()
    else:
        atoms = atoms.assign(system_code=pd.Series(dtype=str), org_type=pd.Series(dtype=str))
    return _members(atoms, "org_code", check_month(month))


def ytd_summary(
    frame: pd.DataFrame,
    systems: pd.DataFrame | None,
    by: Grain,
    year: str,
    month: int | None,
) -> pd.DataFrame:
    """Year-to-date plan, actual, variance, control total and forecast per group, as the contract says.

    Args:
        frame: Control-totals rows (validated, possibly filtered); rows of other years are ignored.
        systems: The systems lookup, for system names and regions (needed for ``by="region"``).
        by: The grain: ``national`` (one row), ``region``, ``system``, ``org`` or ``org_type``.
        year: Financial year, e.g. ``"2018/19"``.
        month: As-at month 1-12; None when the year has no actuals (YTD sums are then 0).

    Returns:
        One row per group with any row in the year, sorted by the grain key: the key columns of
        :data:`GRAIN_COLUMNS`, then :data:`MEASURE_COLUMNS` (the contract's order), then
        :data:`EXTRA_COLUMNS`. Money is in £000, unrounded.

    Raises:
        ValueError: An unknown grain, a month outside 1-12, or ``by="region"`` without a systems lookup.
    """
    check_grain(by)
    if by == "region" and (systems is None or "region" not in systems.columns):
        raise ValueError("by='region' needs the systems lookup, which gives each system's region")
    attr = None if by == "national" else ("org_type" if by == "org_type" else "system_code")
    atoms = _org_totals(frame, year, month, attr)
    if atoms.empty:
        return empty_summary(by)

    key = GRAIN_COLUMNS[by][0]
    if by == "national":
        atoms["national"] = NATIONAL_LABEL
    elif by == "region":
        atoms["region"] = atoms["system_code"].map(system_lookup(systems, "region")).astype("str")

    counts = ["control_total", "reporting", "forecasting", "carried", "run_rate_orgs"]
    grouped = _members(atoms, key, check_month(month)).groupby(key, sort=True, dropna=False)
    sums = grouped[[*_SUM_COLUMNS, *counts]].sum()
    partial = grouped[list(_PARTIAL_SUMS)].sum(min_count=1)
    carried_from = grouped["carried_month"].agg(["min", "max"])
    keys = sums.index
    col: dict[str, object] = {key: keys}
    if by == "system":
        col["system_name"] = keys.map(system_lookup(systems, "system_name")).astype("str")
        col["region"] = keys.map(system_lookup(systems, "region")).astype("str")
    elif by == "org":
        latest = atoms.sort_values("last_month", kind="stable").drop_duplicates("org_code", keep="last")
        latest = latest.set_index("org_code")
        col["org_name"] = latest["org_name"].reindex(keys).astype("str").to_numpy()
        col["system_code"] = latest["system_code"].reindex(keys).astype("str").to_numpy()
    money = money_measures(*(sums[f"{c}_ytd"] for c in MONEY_INPUTS))
    col.update(
        {
            "orgs": grouped.size().astype(np.int64),
            "orgs_reporting": sums["reporting"].astype(np.int64),
            **{c: sums[c] for c in _SUM_COLUMNS[:4]},
            "overspend_ytd": money["overspend"],
            "plan_surplus_ytd": money["plan_surplus"],
            "actual_surplus_ytd": money["actual_surplus"],
            "variance_ytd": money["variance"],
            "control_total": sums["control_total"],
            "forecast_outturn": partial["forecast_outturn"],
            "forecast_variance": partial["forecast_gap"],
            "forecast_orgs": sums["forecasting"].astype(np.int64),
            "forecast_carried": sums["carried"].astype(np.int64),
            "forecast_movement": partial["movement"],
            "run_rate_outturn": partial["run_rate"],
            "run_rate_variance": partial["run_rate_gap"],
            "variance_pct": variance_pct(money["variance"], sums["plan_expenditure_ytd"]),
            "rows_without_actuals": sums["rows_without_actuals"].astype(np.int64),
            "forecast_control_total": partial["forecast_ct"],
            "forecast_carried_from": carried_from["min"],
            "forecast_carried_to": carried_from["max"],
            "run_rate_orgs": sums["run_rate_orgs"].astype(np.int64),
            "plan_surplus_full_year": sums["plan_surplus_full_year"],
            "plan_expenditure_full_year": sums["plan_expenditure_full_year"],
        }
    )
    out = pd.DataFrame({c: _values(v) for c, v in col.items()})
    return out.sort_values(key, kind="stable", na_position="last").reset_index(drop=True)


def _values(values: object) -> object:
    """The plain values of a Series or Index (so frames are built by position, not by label)."""
    if isinstance(values, pd.Series | pd.Index):
        return values.array
    return values


def variance_pct(variance: pd.Series, plan_expenditure: pd.Series) -> pd.Series:
    """Variance as a percentage of planned expenditure (NaN where planned expenditure is 0).

    Planned expenditure is the organisation's scale; plan surplus is not a usable denominator, since it is
    often near zero or negative (a planned deficit), which makes a percentage of it explode or flip sign.

    Args:
        variance: Variance, £000 (positive = favourable).
        plan_expenditure: Planned expenditure over the same period, £000.

    Returns:
        Percentage, e.g. -1.5 for a variance of -15 on a planned spend of 1,000.
    """
    denominator = plan_expenditure.where(plan_expenditure != 0)
    return 100.0 * variance / denominator


_BASE_MONEY = (
    "plan_income_ytd",
    "actual_income_ytd",
    "plan_expenditure_ytd",
    "actual_expenditure_ytd",
    "control_total",
    "forecast_outturn",
)


_PARTIAL_MONEY = (
    "forecast_variance",
    "forecast_movement",
    "run_rate_outturn",
    "run_rate_variance",
    "forecast_control_total",
)


def round_money(table: pd.DataFrame, decimals: int = 1) -> pd.DataFrame:
    """Round a summary's money, deriving the differences from the rounded figures so each row still adds up.

    Plan and actual income and expenditure, control total and forecast are rounded; surplus, overspend and
    the YTD variance are then derived from the rounded figures (and rounded again to clear float noise), so
    ``variance_ytd == actual_surplus_ytd - plan_surplus_ytd`` holds exactly in the printed table. The
    forecast variance, movement and run-rate figures are sums over some members only (like for like), so
    no shown total gives them: each is rounded on its own. Negative zeros are cleared.

    Args:
        table: A :func:`ytd_summary` frame.
        decimals: Decimal places (the contract's one).

    Returns:
        A rounded copy.
    """
    out = table.copy()

    def clean(values: pd.Series) -> pd.Series:
        return values.round(decimals) + 0.0

    for c in _BASE_MONEY:
        if c in out.columns:
            out[c] = clean(out[c])
    money = money_measures(*(out[f"{c}_ytd"] for c in MONEY_INPUTS))
    for name, values in money.items():
        out[f"{name}_ytd"] = clean(values)
    for c in _PARTIAL_MONEY:  # sums over some members only: no other shown figure they derive from
        if c in out.columns:
            out[c] = clean(out[c])
    return out


def summary_table(
    dataset: Dataset,
    by: Grain = "system",
    year: str | None = None,
    month: int | None = None,
) -> pd.DataFrame:
    """The CLI's ``summary`` table: the contract's columns, money to 1 dp, defaults resolved, sorted by key.

    Args:
        dataset: The validated dataset (quarantined rows never reach it).
        by: ``system``, ``region``, ``org`` or ``org_type`` (``national`` also works).
        year: Financial year; defaults to the latest year in the data.
        month: As-at month; defaults to the contract's (:func:`~analysis.measures.rows.default_month`).

    Returns:
        One row per group; columns ``<grain key>, <names>, orgs, orgs_reporting, plan_income_ytd, ...,
        run_rate_variance`` exactly as data-contract.md lists them. Empty (with those columns) when the year
        is not in the data.
    """
    frame = dataset.control_totals
    year = year if year is not None else latest_year(frame)
    if month is None:
        month = default_month(frame, year)
    columns = list(GRAIN_COLUMNS[by]) + list(MEASURE_COLUMNS) if by in GRAIN_COLUMNS else []
    if year is None:
        check_grain(by)
        return empty_summary(by)[columns]
    table = ytd_summary(frame, dataset.systems, by, year, month)
    return round_money(table)[columns]
