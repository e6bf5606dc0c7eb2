"""Measures: year to date, monthly series, forecast, variance attribution and reconciliation.

One definition of every measure, used by the pages, the exports and the CLI alike (data-contract.md,
"Definitions used everywhere"). Everything here is pure pandas/numpy on the validated frames of
:mod:`analysis.model`; nothing loops over rows, so a measure over a million rows stays well inside a filter
change's time budget.

Definitions and the choices made where the contract leaves room:

- surplus = income - expenditure; ``variance`` = actual surplus - plan surplus (positive = favourable);
  ``overspend`` = actual expenditure - plan expenditure (positive = overspent).
- Year to date (YTD) at as-at month *m* sums months 1..*m* of the rows whose actuals are reported. A row
  without actuals is left out of plan and actual alike (like for like) and counted in
  ``rows_without_actuals``. With no as-at month (a year with no actuals yet) every YTD sum is 0.
- ``orgs``: organisations with any row in the group for the year; ``orgs_reporting``: those of them with
  actuals for month *m*.
- ``control_total`` of a group: the sum of its members' control totals, each organisation-year once.
- ``forecast_outturn`` of a group: the sum of its members' forecasts for month *m*, as the contract defines
  it: members without a forecast that month add nothing, and a group where no member forecast is NaN
  (unknown, never 0). ``forecast_variance`` = forecast_outturn - control_total (the whole group's).
  Because a partial sum set against a whole control total can flatter a group (a member with a £50m
  deficit control total and no forecast looks like a £50m improvement), coverage travels with it:
  ``orgs_forecasting`` (how many members forecast) and ``forecast_variance_available`` (the forecasting
  members' forecasts less *their own* control totals, like for like). Pages show coverage beside the
  forecast, and the run-rate optimism flag judges complete forecasts only.
- ``variance_pct``: YTD variance as a percentage of YTD planned expenditure. Planned expenditure is the
  organisation's scale; plan surplus is not a usable denominator, since it is often near zero or negative
  (a planned deficit), which makes a percentage of it explode or flip sign. NaN when planned expenditure is 0.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis import formatting
from analysis.model import Dataset

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
)
"""The contract's summary measures, in the contract's order."""

EXTRA_COLUMNS: tuple[str, ...] = (
    "variance_pct",
    "rows_without_actuals",
    "orgs_forecasting",
    "forecast_variance_available",
    "plan_surplus_full_year",
    "plan_expenditure_full_year",
)
"""Measures :func:`ytd_summary` adds after the contract's, for the pages."""

ADDITIVE_COLUMNS: tuple[str, ...] = (
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
    "rows_without_actuals",
    "orgs_forecasting",
    "forecast_variance_available",
    "plan_surplus_full_year",
    "plan_expenditure_full_year",
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

OPTIMISM_THRESHOLD_PCT = 0.25
"""Default materiality of the optimism flag: 0.25% of the group's full-year planned expenditure (£1.25m for
an organisation spending £500m a year; year-to-date variances in the NHS are typically a fraction of 1%)."""


# ---------------------------------------------------------------------------------------------------------
# Defaults


def latest_year(frame: pd.DataFrame) -> str | None:
    """The latest financial year in a control-totals frame (None when it is empty).

    Args:
        frame: Control-totals rows.

    Returns:
        E.g. ``"2018/19"``; years written ``YYYY/YY`` sort as text in time order.
    """
    if frame.empty:
        return None
    years = frame["financial_year"].dropna().unique()
    return str(max(years)) if len(years) else None


def latest_actual_month(frame: pd.DataFrame, year: str | None) -> int | None:
    """The latest month of ``year`` with any actuals reported (None when there are none).

    Args:
        frame: Control-totals rows.
        year: Financial year, e.g. ``"2018/19"``.

    Returns:
        The month, 1-12, or None.
    """
    if year is None or frame.empty:
        return None
    mask = (frame["financial_year"] == year).to_numpy(dtype=bool, na_value=False)
    mask = mask & _reported(frame)
    if not mask.any():
        return None
    return int(frame["month"].to_numpy()[mask].max())


def months_with_actuals(frame: pd.DataFrame) -> dict[str, tuple[int, ...]]:
    """The months with any actuals, per financial year.

    Args:
        frame: Control-totals rows.

    Returns:
        ``{year: (1, 2, ...)}``, every year of the frame present (with ``()`` when it has no actuals).
    """
    if frame.empty:
        return {}
    year_codes, years = pd.factorize(frame["financial_year"], use_na_sentinel=True)
    month = frame["month"].to_numpy(dtype=np.int64)
    ok = (year_codes >= 0) & _reported(frame) & (month >= 1) & (month <= 12)
    seen = np.zeros((len(years), 13), dtype=bool)
    seen[year_codes[ok], month[ok]] = True
    return {str(y): tuple(int(m) for m in np.flatnonzero(seen[i])) for i, y in enumerate(years)}


# ---------------------------------------------------------------------------------------------------------
# Year to date


def _reported(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose actuals are reported (income and expenditure both given)."""
    return ~(
        np.isnan(frame["actual_income"].to_numpy(dtype=float))
        | np.isnan(frame["actual_expenditure"].to_numpy(dtype=float))
    )


def _check_month(month: int | None) -> int:
    if month is None:
        return 0
    if isinstance(month, bool) or not 1 <= int(month) <= 12:
        raise ValueError(f"month must be 1-12 (April = 1), not {month!r}")
    return int(month)


def _check_grain(by: str) -> None:
    if by not in GRAINS:
        raise ValueError(f"by must be one of {', '.join(GRAINS)}, not {by!r}")


def _factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes and uniques of a column; missing values get a code of their own.

    Uses pyarrow's dictionary encoding for arrow-backed strings (pandas 3's default), about twice as fast as
    ``pd.factorize`` on a million rows.
    """
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        chunked = values.array.__arrow_array__()
        array = chunked.combine_chunks() if isinstance(chunked, pa.ChunkedArray) else chunked
        encoded = pc.dictionary_encode(array, null_encoding="encode")
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
        return codes, pd.Index(pd.array(encoded.dictionary.to_pylist(), dtype=values.dtype))
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), pd.Index(uniques)


def _year_rows(frame: pd.DataFrame, year: str | None, columns: list[str]) -> pd.DataFrame:
    """The rows of one year (all rows when year is None), only the columns needed."""
    columns = [c for c in columns if c in frame.columns]
    if year is None:
        return frame[columns]
    mask = (frame["financial_year"] == year).to_numpy(dtype=bool, na_value=False)
    if mask.all():
        return frame[columns]
    return frame.loc[mask, columns]


def _org_atoms(frame: pd.DataFrame, year: str | None, month: int | None, attr: str | None) -> pd.DataFrame:
    """One row per organisation (x ``attr``) of the year, with the sums every grain is built from.

    Works on factorised codes with ``np.bincount``, so a million rows take tens of milliseconds.
    """
    m = _check_month(month)
    needed = [
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
    rows = _year_rows(frame, year, needed)
    n = len(rows)
    org_codes, org_uniques = _factorize(rows["org_code"])
    if attr is None:
        atom = org_codes
        atom_org = np.arange(len(org_uniques))
        atom_attr = None
    else:
        attr_codes, attr_uniques = _factorize(rows[attr])
        n_org = len(org_uniques)
        # Fast path: validated data puts each organisation in one system (and of one type) per year.
        low = np.full(n_org, np.iinfo(np.int64).max, dtype=np.int64)
        high = np.full(n_org, -1, dtype=np.int64)
        np.minimum.at(low, org_codes, attr_codes)
        np.maximum.at(high, org_codes, attr_codes)
        if np.array_equal(low, high):
            atom = org_codes
            atom_org = np.arange(n_org)
            atom_attr_codes = low
        else:
            pair = org_codes.astype(np.int64) * len(attr_uniques) + attr_codes
            atom, pair_uniques = pd.factorize(pair)
            atom_org = pair_uniques // len(attr_uniques)
            atom_attr_codes = pair_uniques % len(attr_uniques)
        atom_attr = pd.Index(attr_uniques).take(atom_attr_codes)
    k = len(atom_org)

    month_arr = rows["month"].to_numpy(dtype=np.int64)
    pi = rows["plan_income"].to_numpy(dtype=float)
    ai = rows["actual_income"].to_numpy(dtype=float)
    pe = rows["plan_expenditure"].to_numpy(dtype=float)
    ae = rows["actual_expenditure"].to_numpy(dtype=float)
    fc = rows["forecast_outturn"].to_numpy(dtype=float)
    reported = ~(np.isnan(ai) | np.isnan(ae))
    to_date = month_arr <= m
    use = to_date & reported
    at_m = month_arr == m
    has_fc = at_m & ~np.isnan(fc)

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(atom, weights=values, minlength=k)

    forecasting = total(has_fc) > 0
    # The atom's latest row (highest month, then last in the file) stands for its control total and name.
    latest = np.full(k, -1, dtype=np.int64)
    if n:
        np.maximum.at(latest, atom, month_arr * n + np.arange(n))
    latest_row = latest % max(n, 1)
    columns: dict[str, object] = {
        "org_code": pd.Index(org_uniques).take(atom_org),
        "plan_income_ytd": total(np.where(use, pi, 0.0)),
        "actual_income_ytd": total(np.where(use, ai, 0.0)),
        "plan_expenditure_ytd": total(np.where(use, pe, 0.0)),
        "actual_expenditure_ytd": total(np.where(use, ae, 0.0)),
        "rows_without_actuals": total(to_date & ~reported).astype(np.int64),
        "plan_surplus_full_year": total(pi - pe),
        "plan_expenditure_full_year": total(pe),
        "reporting": (total(at_m & reported) > 0).astype(np.int64),
        "forecasting": forecasting.astype(np.int64),
        "forecast_outturn": np.where(forecasting, total(np.where(has_fc, fc, 0.0)), np.nan),
        "last_month": latest // max(n, 1),
        "control_total": rows["control_total"].to_numpy(dtype=float)[latest_row] if n else np.zeros(0),
        "org_name": rows["org_name"].take(latest_row).to_numpy() if n else np.zeros(0, dtype=object),
    }
    if attr is not None:
        columns[attr] = atom_attr
    out = pd.DataFrame(columns)
    out.attrs["one_per_org"] = k == len(org_uniques)
    return out


def _members(atoms: pd.DataFrame, key: str) -> pd.DataFrame:
    """One row per (group, organisation): the atoms themselves when each organisation is one atom."""
    if atoms.attrs.get("one_per_org"):
        members = atoms
    else:  # an organisation in two systems (or of two types) in a year: validation quarantines this
        keys = list(dict.fromkeys([key, "org_code"]))
        grouped = atoms.groupby(keys, sort=False, dropna=False)
        members = grouped[list(_SUM_COLUMNS)].sum()
        members["control_total"] = grouped["control_total"].first()
        members["reporting"] = grouped["reporting"].any()
        members["forecasting"] = grouped["forecasting"].any()
        members["forecast_outturn"] = grouped["forecast_outturn"].sum(min_count=1)
        members = members.reset_index()
    members = members.assign(forecast_gap=members["forecast_outturn"] - members["control_total"])
    return members


def empty_summary(by: str) -> pd.DataFrame:
    """A :func:`ytd_summary` frame with no rows: the grain's columns and dtypes."""
    columns = list(GRAIN_COLUMNS[by]) + list(MEASURE_COLUMNS) + list(EXTRA_COLUMNS)
    out = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    for c in GRAIN_COLUMNS[by]:
        out[c] = out[c].astype("str")
    for c in ("orgs", "orgs_reporting", "rows_without_actuals", "orgs_forecasting"):
        out[c] = out[c].astype("int64")
    return out


def _lookup(systems: pd.DataFrame | None, column: str) -> dict[str, object]:
    if systems is None or systems.empty or column not in systems.columns:
        return {}
    return dict(zip(systems["system_code"], systems[column], strict=True))


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
    _check_grain(by)
    if by == "region" and (systems is None or "region" not in systems.columns):
        raise ValueError("by='region' needs the systems lookup, which gives each system's region")
    attr = {"national": None, "region": "system_code", "system": "system_code", "org": "system_code"}.get(
        by, "org_type"
    )
    atoms = _org_atoms(frame, year, month, attr)
    if atoms.empty:
        return empty_summary(by)

    key = GRAIN_COLUMNS[by][0]
    if by == "national":
        atoms["national"] = NATIONAL_LABEL
    elif by == "region":
        atoms["region"] = atoms["system_code"].map(_lookup(systems, "region")).astype("str")

    members = _members(atoms, key)
    grouped = members.groupby(key, sort=True, dropna=False)
    sums = grouped[[*_SUM_COLUMNS, "control_total", "reporting", "forecasting"]].sum()
    available = grouped[["forecast_outturn", "forecast_gap"]].sum(min_count=1)
    orgs = grouped.size()
    keys = sums.index
    col: dict[str, object] = {key: keys}
    if by == "system":
        col["system_name"] = keys.map(_lookup(systems, "system_name")).astype("str")
        col["region"] = keys.map(_lookup(systems, "region")).astype("str")
    elif by == "org":
        latest = atoms.sort_values("last_month", kind="stable").drop_duplicates("org_code", keep="last")
        latest = latest.set_index("org_code")
        col["org_name"] = latest["org_name"].reindex(keys).astype("str").to_numpy()
        col["system_code"] = latest["system_code"].reindex(keys).astype("str").to_numpy()
    plan_surplus = sums["plan_income_ytd"] - sums["plan_expenditure_ytd"]
    actual_surplus = sums["actual_income_ytd"] - sums["actual_expenditure_ytd"]
    variance = actual_surplus - plan_surplus
    forecast = available["forecast_outturn"]
    col.update(
        {
            "orgs": orgs.astype(np.int64),
            "orgs_reporting": sums["reporting"].astype(np.int64),
            "plan_income_ytd": sums["plan_income_ytd"],
            "actual_income_ytd": sums["actual_income_ytd"],
            "plan_expenditure_ytd": sums["plan_expenditure_ytd"],
            "actual_expenditure_ytd": sums["actual_expenditure_ytd"],
            "overspend_ytd": sums["actual_expenditure_ytd"] - sums["plan_expenditure_ytd"],
            "plan_surplus_ytd": plan_surplus,
            "actual_surplus_ytd": actual_surplus,
            "variance_ytd": variance,
            "control_total": sums["control_total"],
            "forecast_outturn": forecast,
            "forecast_variance": forecast - sums["control_total"],
            "variance_pct": variance_pct(variance, sums["plan_expenditure_ytd"]),
            "rows_without_actuals": sums["rows_without_actuals"].astype(np.int64),
            "orgs_forecasting": sums["forecasting"].astype(np.int64),
            "forecast_variance_available": available["forecast_gap"],
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


def round_money(table: pd.DataFrame, decimals: int = 1) -> pd.DataFrame:
    """Round a summary's money, deriving the differences from the rounded figures so each row still adds up.

    Plan and actual income and expenditure, control total and forecast are rounded; surplus, overspend and
    both variances are then recomputed from the rounded figures (and rounded again to clear float noise), so
    ``variance_ytd == actual_surplus_ytd - plan_surplus_ytd`` holds exactly in the printed table. Negative
    zeros are cleared.

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
    out["plan_surplus_ytd"] = clean(out["plan_income_ytd"] - out["plan_expenditure_ytd"])
    out["actual_surplus_ytd"] = clean(out["actual_income_ytd"] - out["actual_expenditure_ytd"])
    out["overspend_ytd"] = clean(out["actual_expenditure_ytd"] - out["plan_expenditure_ytd"])
    out["variance_ytd"] = clean(out["actual_surplus_ytd"] - out["plan_surplus_ytd"])
    out["forecast_variance"] = clean(out["forecast_outturn"] - out["control_total"])
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
        month: As-at month; defaults to the latest month of the year with any actuals.

    Returns:
        One row per group; columns ``<grain key>, <names>, orgs, orgs_reporting, plan_income_ytd, ...,
        forecast_variance`` exactly as data-contract.md lists them. Empty (with those columns) when the year
        is not in the data.
    """
    frame = dataset.control_totals
    year = year if year is not None else latest_year(frame)
    if month is None:
        month = latest_actual_month(frame, year)
    columns = list(GRAIN_COLUMNS[by]) + list(MEASURE_COLUMNS) if by in GRAIN_COLUMNS else []
    if year is None:
        _check_grain(by)
        return empty_summary(by)[columns]
    table = ytd_summary(frame, dataset.systems, by, year, month)
    return round_money(table)[columns]


# ---------------------------------------------------------------------------------------------------------
# Monthly series


def _key_mask(
    frame: pd.DataFrame, by: str, key: str | None, systems: pd.DataFrame | None
) -> np.ndarray | None:
    if by == "national":
        return None
    if key is None:
        raise ValueError(f"monthly_series by {by!r} needs a key")
    if by == "system":
        return (frame["system_code"] == key).to_numpy(dtype=bool, na_value=False)
    if by == "org":
        return (frame["org_code"] == key).to_numpy(dtype=bool, na_value=False)
    if by == "org_type":
        return (frame["org_type"] == key).to_numpy(dtype=bool, na_value=False)
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
    equal :func:`ytd_summary`'s YTD figures at that month. Actuals, like-for-like plan, variance and
    overspend are NaN in a month with no actuals; their cumulative values carry through a gap and are NaN
    after the last month with actuals.

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
    year_mask = (frame["financial_year"] == year).to_numpy(dtype=bool, na_value=False)
    key_mask = _key_mask(frame, by, key, systems)
    mask = year_mask if key_mask is None else year_mask & key_mask
    month = frame["month"].to_numpy(dtype=np.int64)[mask]
    reported = _reported(frame)[mask]

    def per_month(values: np.ndarray | None = None, where: np.ndarray | None = None) -> np.ndarray:
        weights = np.ones(len(month)) if values is None else values
        if where is not None:
            weights = np.where(where, weights, 0.0)
        return np.bincount(month, weights=weights, minlength=13)[1:13]

    pi = frame["plan_income"].to_numpy(dtype=float)[mask]
    pe = frame["plan_expenditure"].to_numpy(dtype=float)[mask]
    ai = frame["actual_income"].to_numpy(dtype=float)[mask]
    ae = frame["actual_expenditure"].to_numpy(dtype=float)[mask]
    rows_with = per_month(where=reported)
    has = rows_with > 0
    nan = np.nan
    out = pd.DataFrame(
        {
            "month": np.arange(1, 13, dtype=np.int64),
            "rows": per_month().astype(np.int64),
            "rows_with_actuals": rows_with.astype(np.int64),
        }
    )
    out["rows_without_actuals"] = out["rows"] - out["rows_with_actuals"]
    out["plan_income"] = per_month(pi)
    out["plan_expenditure"] = per_month(pe)
    out["plan_income_reported"] = np.where(has, per_month(pi, reported), nan)
    out["plan_expenditure_reported"] = np.where(has, per_month(pe, reported), nan)
    out["actual_income"] = np.where(has, per_month(ai, reported), nan)
    out["actual_expenditure"] = np.where(has, per_month(ae, reported), nan)
    out["plan_surplus"] = out["plan_income"] - out["plan_expenditure"]
    out["plan_surplus_reported"] = out["plan_income_reported"] - out["plan_expenditure_reported"]
    out["actual_surplus"] = out["actual_income"] - out["actual_expenditure"]
    out["variance"] = out["actual_surplus"] - out["plan_surplus_reported"]
    out["overspend"] = out["actual_expenditure"] - out["plan_expenditure_reported"]

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
        out[f"{c}_cum"] = np.where(after, nan, out[c].fillna(0.0).cumsum())
    order = ["month", "rows", "rows_with_actuals", "rows_without_actuals"]
    for measure in ("income", "expenditure", "surplus"):
        order += [f"plan_{measure}", f"plan_{measure}_reported", f"actual_{measure}"]
    for measure in ("income", "expenditure", "surplus"):
        order += [f"plan_{measure}_cum", f"plan_{measure}_reported_cum", f"actual_{measure}_cum"]
    order += ["variance", "overspend", "variance_cum", "overspend_cum"]
    return out[order]


def monthly_variance_by_system(
    frame: pd.DataFrame, year: str, month: int | None, codes: list[str] | None = None
) -> dict[str, pd.Series]:
    """In-month variance (actual − plan surplus of reported rows) per system, oldest month first.

    Every financial year up to ``year`` counts (so a trend can span a year end), stopping at ``month`` of
    ``year``. Each row's variance is ``(actual_income − actual_expenditure) − (plan_income −
    plan_expenditure)``, summed per system and month as pandas sums a group (compensated, in row order).

    Args:
        frame: Control-totals rows, already filtered (any years).
        year: The chosen financial year.
        month: Its as-at month, or None for the whole year.
        codes: Only these systems (None: every system in the rows).

    Returns:
        ``{system_code: Series}`` in system-code order, each indexed by month label (``"Apr 2018"``).
    """
    if frame.empty or not year:
        return {}
    # Integer codes, not three string group keys: a million rows group in milliseconds, and each group
    # still sums the same rows in the same order, so every total is the one pandas gives.
    year_codes, years = _factorize(frame["financial_year"])
    system_codes, systems = _factorize(frame["system_code"])
    year_known = np.array([isinstance(y, str) for y in years], dtype=bool)
    up_to = np.array([isinstance(y, str) and y <= year for y in years], dtype=bool)
    before = np.array([isinstance(y, str) and y < year for y in years], dtype=bool)
    month_arr = frame["month"].to_numpy(dtype=np.int64)
    pi = frame["plan_income"].to_numpy(dtype=float)
    ai = frame["actual_income"].to_numpy(dtype=float)
    pe = frame["plan_expenditure"].to_numpy(dtype=float)
    ae = frame["actual_expenditure"].to_numpy(dtype=float)
    use = ~(np.isnan(ai) | np.isnan(ae)) & up_to[year_codes]
    if month:
        use &= before[year_codes] | (month_arr <= month)
    known = np.array([isinstance(c, str) for c in systems], dtype=bool)
    if codes is not None:
        known &= np.asarray(pd.Index(systems).isin(list(codes)), dtype=bool)
    use &= known[system_codes]
    if not use.any():
        return {}
    # Ranks in sorted order, so the integer key sorts as (system_code, financial_year, month) would.
    system_rank, ordered_systems = _ranks(systems, known)
    year_rank, ordered_years = _ranks(years, year_known)
    n_years = len(years)
    key = (system_rank[system_codes[use]] * n_years + year_rank[year_codes[use]]) * 13 + month_arr[use]
    with np.errstate(invalid="ignore", over="ignore"):
        variance = (ai[use] - ae[use]) - (pi[use] - pe[use])
    sums = pd.Series(variance).groupby(key, sort=True).sum()
    keys = sums.index.to_numpy(dtype=np.int64)
    values = sums.to_numpy(dtype=float)
    system_of = keys // (13 * n_years)
    labels: dict[int, str] = {}

    def label(k: int) -> str:
        period = k % (13 * n_years)  # the (year, month) part of the key: each labelled once
        if period not in labels:
            y, m = divmod(period, 13)
            labels[period] = formatting.month_short(ordered_years[y], m)
        return labels[period]

    result: dict[str, pd.Series] = {}
    bounds = np.flatnonzero(np.diff(system_of)) + 1
    for start, end in zip(np.r_[0, bounds], np.r_[bounds, len(keys)], strict=True):
        code = ordered_systems[system_of[start]]
        index = [label(int(k)) for k in keys[start:end]]
        result[code] = pd.Series(values[start:end], index=index)
    return result


def _ranks(uniques: pd.Index, known: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Each known unique's position in sorted order, and the known uniques in that order.

    Unknown (missing) values get a rank past the end; the rows holding them are never used.
    """
    order = sorted(np.flatnonzero(known).tolist(), key=lambda i: str(uniques[i]))
    ranks = np.full(len(uniques), len(uniques), dtype=np.int64)
    ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
    return ranks, [str(uniques[i]) for i in order]


# ---------------------------------------------------------------------------------------------------------
# Forecast


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
    m = _check_month(month)
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


# ---------------------------------------------------------------------------------------------------------
# Variance attribution


def variance_attribution(frame: pd.DataFrame, system_code: str, year: str, month: int | None) -> pd.DataFrame:
    """Each member organisation's contribution to a system's YTD variance, split into income and spend.

    ``income_effect = actual_income_ytd - plan_income_ytd`` (more income than plan is favourable);
    ``expenditure_effect = -(actual_expenditure_ytd - plan_expenditure_ytd)`` (spending less is favourable);
    ``contribution = income_effect + expenditure_effect``, which is the organisation's ``variance_ytd``. The
    members' contributions add up to the system's variance (to float precision), because the system's YTD
    figures are the sums of its members'.

    Args:
        frame: Control-totals rows.
        system_code: The system.
        year: Financial year.
        month: As-at month.

    Returns:
        One row per member organisation, largest absolute contribution first (ties by code): ``org_code,
        org_name, plan_income_ytd, actual_income_ytd, income_effect, plan_expenditure_ytd,
        actual_expenditure_ytd, expenditure_effect, plan_surplus_ytd, actual_surplus_ytd, contribution,
        rows_without_actuals``.
    """
    mask = (frame["system_code"] == system_code).to_numpy(dtype=bool, na_value=False)
    orgs = ytd_summary(frame.loc[mask], None, "org", year, month)
    income_effect = orgs["actual_income_ytd"] - orgs["plan_income_ytd"]
    expenditure_effect = -(orgs["actual_expenditure_ytd"] - orgs["plan_expenditure_ytd"])
    contribution = income_effect + expenditure_effect
    out = pd.DataFrame(
        {
            "org_code": orgs["org_code"],
            "org_name": orgs["org_name"],
            "plan_income_ytd": orgs["plan_income_ytd"],
            "actual_income_ytd": orgs["actual_income_ytd"],
            "income_effect": income_effect,
            "plan_expenditure_ytd": orgs["plan_expenditure_ytd"],
            "actual_expenditure_ytd": orgs["actual_expenditure_ytd"],
            "expenditure_effect": expenditure_effect,
            "plan_surplus_ytd": orgs["plan_surplus_ytd"],
            "actual_surplus_ytd": orgs["actual_surplus_ytd"],
            "contribution": contribution,
            "rows_without_actuals": orgs["rows_without_actuals"],
        }
    )
    # ytd_summary sorts by org_code, so a stable sort on size keeps ties in code order.
    order = np.argsort(-contribution.abs().to_numpy(), kind="stable")
    return out.take(order).reset_index(drop=True)


OTHER_ORGANISATIONS = "Other organisations"


def waterfall_steps(
    frame: pd.DataFrame,
    system_code: str,
    year: str,
    month: int | None,
    top_n: int = 5,
) -> pd.DataFrame:
    """Ordered steps of a plan-to-actual waterfall of a system's year-to-date surplus.

    The first step is the YTD plan surplus, then the ``top_n`` largest contributions (by absolute value, as
    :func:`variance_attribution` orders them), then the rest summed as "Other organisations" (when any are
    left), then the YTD actual surplus. ``measure`` is plotly's Waterfall ``measure``.

    Args:
        frame: Control-totals rows.
        system_code: The system.
        year: Financial year.
        month: As-at month.
        top_n: How many organisations get their own step.

    Returns:
        ``step`` (0, 1, ...), ``label``, ``org_code`` (NA for the plan, other and actual steps), ``measure``
        ("absolute", "relative" or "total"), ``value`` (£000) and ``running_total`` (£000 after the step).
    """
    parts = variance_attribution(frame, system_code, year, month)
    plan = float(parts["plan_surplus_ytd"].sum())
    actual = float(parts["actual_surplus_ytd"].sum())
    top = parts.head(max(top_n, 0))
    rest = parts.iloc[len(top) :]
    labels = ["Plan surplus YTD", *top["org_name"].fillna(top["org_code"]).tolist()]
    codes: list[object] = [pd.NA, *top["org_code"].tolist()]
    measures = ["absolute", *(["relative"] * len(top))]
    values = [plan, *top["contribution"].tolist()]
    if len(rest):
        labels.append(OTHER_ORGANISATIONS)
        codes.append(pd.NA)
        measures.append("relative")
        values.append(float(rest["contribution"].sum()))
    labels.append("Actual surplus YTD")
    codes.append(pd.NA)
    measures.append("total")
    values.append(actual)
    out = pd.DataFrame(
        {
            "step": np.arange(len(labels), dtype=np.int64),
            "label": pd.array(labels, dtype="str"),
            "org_code": pd.array(codes, dtype="str"),
            "measure": pd.array(measures, dtype="str"),
            "value": np.asarray(values, dtype=float),
        }
    )
    running = np.cumsum(out["value"].to_numpy()[:-1])
    out["running_total"] = np.append(running, actual)
    return out


# ---------------------------------------------------------------------------------------------------------
# Reconciliation and acceptance


RECONCILE_TOLERANCE = 0.5
"""£000 within which a stated system total "agrees" with its members' sum (whole-£000 rounding of stated
totals against members' figures given to one decimal place)."""


def reconcile_system_control_totals(
    dataset: Dataset,
    year: str | None = None,
    tolerance: float = RECONCILE_TOLERANCE,
) -> pd.DataFrame:
    """Stated system control totals against the sum of their members' organisation control totals.

    Args:
        dataset: The validated dataset.
        year: Financial year; defaults to the latest year in the control totals.
        tolerance: £000 within which the two agree.

    Returns:
        One row per system with members or a stated total in the year, sorted by code: ``system_code,
        system_name, region, orgs, stated_control_total, members_control_total, difference, status,
        stated_accepted``; ``difference`` = stated - members. ``status`` is "agrees", "differs", "no stated
        total" (members but no stated figure) or "no member data" (a stated figure, no member rows).
    """
    frame = dataset.control_totals
    year = year if year is not None else latest_year(frame)
    members = ytd_summary(frame, dataset.systems, "system", year, None) if year else empty_summary("system")
    members = members[["system_code", "orgs", "control_total"]].rename(
        columns={"control_total": "members_control_total"}
    )
    stated_frame = dataset.system_control_totals
    if stated_frame is None or stated_frame.empty:
        stated = pd.DataFrame(
            {
                "system_code": pd.Series(dtype="str"),
                "stated_control_total": pd.Series(dtype="float64"),
                "stated_accepted": pd.Series(dtype="boolean"),
            }
        )
    else:
        stated = stated_frame.loc[stated_frame["financial_year"] == year].rename(
            columns={"control_total": "stated_control_total", "accepted": "stated_accepted"}
        )
        if "stated_accepted" not in stated.columns:
            stated["stated_accepted"] = pd.array([pd.NA] * len(stated), dtype="boolean")
        stated = stated[["system_code", "stated_control_total", "stated_accepted"]]
    out = members.merge(stated, on="system_code", how="outer")
    out["orgs"] = out["orgs"].fillna(0).astype(np.int64)
    out["system_name"] = out["system_code"].map(_lookup(dataset.systems, "system_name")).astype("str")
    out["region"] = out["system_code"].map(_lookup(dataset.systems, "region")).astype("str")
    out["difference"] = out["stated_control_total"] - out["members_control_total"]
    status = np.where(out["difference"].abs() <= tolerance, "agrees", "differs")
    status = np.where(out["stated_control_total"].isna(), "no stated total", status)
    status = np.where(out["orgs"] == 0, "no member data", status)
    out["status"] = pd.array(status, dtype="str")
    out["stated_accepted"] = out["stated_accepted"].astype("boolean")
    columns = [
        "system_code",
        "system_name",
        "region",
        "orgs",
        "stated_control_total",
        "members_control_total",
        "difference",
        "status",
        "stated_accepted",
    ]
    return out[columns].sort_values("system_code", kind="stable").reset_index(drop=True)


def not_accepted(frame: pd.DataFrame, year: str, system_code: str | None = None) -> pd.DataFrame:
    """Organisations that have not accepted their control total in a year.

    An organisation's acceptance is its latest stated ``control_total_accepted`` in the year (a later month's
    answer replaces an earlier one); organisations that never state it are not listed (unknown is not "no").

    Args:
        frame: Control-totals rows.
        year: Financial year.
        system_code: Only this system's members, when given.

    Returns:
        ``org_code, org_name, org_type, system_code, control_total, stated_in_month`` (the month of the latest
        answer), sorted by system and organisation.
    """
    mask = (frame["financial_year"] == year).to_numpy(dtype=bool, na_value=False)
    if system_code is not None:
        mask = mask & (frame["system_code"] == system_code).to_numpy(dtype=bool, na_value=False)
    if "control_total_accepted" in frame.columns:
        mask = mask & frame["control_total_accepted"].notna().to_numpy(dtype=bool)
    else:
        mask = np.zeros(len(frame), dtype=bool)
    columns = [
        "org_code",
        "org_name",
        "org_type",
        "system_code",
        "control_total",
        "month",
        "control_total_accepted",
    ]
    rows = frame.loc[mask, columns].sort_values(["org_code", "month"], kind="stable")
    latest = rows.drop_duplicates("org_code", keep="last")
    out = latest.loc[~latest["control_total_accepted"].astype(bool)].rename(
        columns={"month": "stated_in_month"}
    )
    out = out.drop(columns="control_total_accepted")
    return out.sort_values(["system_code", "org_code"], kind="stable").reset_index(drop=True)
