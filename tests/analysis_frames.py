"""Builders of small validated frames (the dtypes of analysis.model) for the analysis-layer tests.

Plain functions, so hypothesis tests can use them. Import as ``from analysis_frames import ...`` (pytest puts
the tests folder on the path).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from analysis.model import Dataset

YEAR = "2018/19"
S1, S2, S3 = "E54000001", "E54000002", "E54000003"

CT_COLUMNS = (
    "financial_year",
    "month",
    "system_code",
    "org_code",
    "org_name",
    "org_type",
    "plan_income",
    "actual_income",
    "plan_expenditure",
    "actual_expenditure",
    "control_total",
    "forecast_outturn",
    "control_total_accepted",
    "source_file",
    "line",
)
_STR = ("financial_year", "system_code", "org_code", "org_name", "org_type", "source_file")
_FLOAT = (
    "plan_income",
    "actual_income",
    "plan_expenditure",
    "actual_expenditure",
    "control_total",
    "forecast_outturn",
)


def ct_frame(rows: Iterable[Mapping[str, object]]) -> pd.DataFrame:
    """A validated control-totals frame from row dicts (missing cells: NA; source_file/line filled in)."""
    records = [dict(r) for r in rows]
    frame = pd.DataFrame.from_records(records, columns=list(CT_COLUMNS))
    frame["source_file"] = "control_totals.csv"
    frame["line"] = range(2, len(frame) + 2)
    for c in _STR:
        frame[c] = frame[c].astype("str")
    for c in _FLOAT:
        frame[c] = pd.to_numeric(frame[c], errors="raise").astype("float64")
    frame["month"] = frame["month"].astype("int64")
    frame["line"] = frame["line"].astype("int64")
    frame["control_total_accepted"] = frame["control_total_accepted"].astype("boolean")
    return frame


def org_rows(
    org_code: str,
    system_code: str,
    *,
    year: str = YEAR,
    org_type: str = "acute",
    org_name: str | None = None,
    plan_income: float = 100.0,
    plan_expenditure: float = 90.0,
    actuals: Mapping[int, tuple[float, float]] | None = None,
    control_total: float = 0.0,
    forecasts: Mapping[int, float] | None = None,
    accepted: Mapping[int, bool] | None = None,
    months: Sequence[int] = range(1, 13),
) -> list[dict[str, object]]:
    """An organisation-year: the same plan every month, actuals and forecasts for the months given."""
    actuals = actuals or {}
    forecasts = forecasts or {}
    accepted = accepted or {}
    rows = []
    for month in months:
        income, spend = actuals.get(month, (None, None))
        rows.append(
            {
                "financial_year": year,
                "month": month,
                "system_code": system_code,
                "org_code": org_code,
                "org_name": org_name or f"Org {org_code}",
                "org_type": org_type,
                "plan_income": plan_income,
                "actual_income": income,
                "plan_expenditure": plan_expenditure,
                "actual_expenditure": spend,
                "control_total": control_total,
                "forecast_outturn": forecasts.get(month),
                "control_total_accepted": accepted.get(month),
            }
        )
    return rows


def systems_frame(rows: Iterable[Mapping[str, object]]) -> pd.DataFrame:
    """A systems lookup from dicts with at least system_code, system_name, region."""
    columns = [
        "system_code",
        "ods_code",
        "system_name",
        "region",
        "system_type",
        "ics_since",
        "successor_code",
    ]
    frame = pd.DataFrame.from_records([dict(r) for r in rows], columns=columns)
    return frame.astype("str")


def ratings_frame(rows: Iterable[tuple[str, str, str]]) -> pd.DataFrame:
    """Progress ratings from (system_code, ISO date, overall rating) triples."""
    categories = {"Outstanding": 1, "Advanced": 2, "Making progress": 3, "Needs most improvement": 4}
    records = [
        {
            "system_code": code,
            "assessment_date": pd.Timestamp(when),
            "overall_rating": rating,
            "rating_category": categories[rating],
            "leadership_rating": None,
            "source": "test",
        }
        for code, when, rating in rows
    ]
    frame = pd.DataFrame.from_records(
        records,
        columns=[
            "system_code",
            "assessment_date",
            "overall_rating",
            "rating_category",
            "leadership_rating",
            "source",
        ],
    )
    frame["assessment_date"] = pd.to_datetime(frame["assessment_date"])
    frame["rating_category"] = frame["rating_category"].astype("int64")
    for c in ("system_code", "overall_rating", "leadership_rating", "source"):
        frame[c] = frame[c].astype("str")
    return frame


def system_ct_frame(rows: Iterable[tuple[str, str, float, bool | None]]) -> pd.DataFrame:
    """System control totals from (financial_year, system_code, control_total, accepted) tuples."""
    frame = pd.DataFrame.from_records(
        list(rows), columns=["financial_year", "system_code", "control_total", "accepted"]
    )
    frame["financial_year"] = frame["financial_year"].astype("str")
    frame["system_code"] = frame["system_code"].astype("str")
    frame["control_total"] = frame["control_total"].astype("float64")
    frame["accepted"] = frame["accepted"].astype("boolean")
    return frame


DEFAULT_SYSTEMS = (
    {"system_code": S1, "system_name": "System One", "region": "North"},
    {"system_code": S2, "system_name": "System Two", "region": "South"},
    {"system_code": S3, "system_name": "System Three", "region": "South"},
)


def make_dataset(
    control_totals: pd.DataFrame,
    systems: pd.DataFrame | None = None,
    ratings: pd.DataFrame | None = None,
    system_control_totals: pd.DataFrame | None = None,
) -> Dataset:
    """A Dataset of the given frames (the default three-system lookup; no ratings; no system totals)."""
    return Dataset(
        control_totals=control_totals,
        systems=systems if systems is not None else systems_frame(DEFAULT_SYSTEMS),
        progress_ratings=ratings if ratings is not None else ratings_frame([]),
        system_control_totals=system_control_totals
        if system_control_totals is not None
        else system_ct_frame([]),
        quarantine=pd.DataFrame(),
        files=[],
    )


def small_year() -> pd.DataFrame:
    """The hand-computed example of test_measures (as at month 3 of 2018/19).

    - RA1 (acute, S1): plan 100 income / 90 spend a month; actuals months 1-3 of 105 / 100; control total
      120; forecasts 110, 110, 100 in months 1-3; accepted N in months 1-2, then Y in month 3.
    - RB1 (ccg, S1): plan 50 / 50; actuals months 1-2 only, 50 / 55; control total 0; forecasts in months
      1-2 only; not accepted.
    - RC1 (acute, S2): plan 200 / 190; actuals months 1-3 of 200 / 180; control total 120; forecast 150 in
      month 3; acceptance never stated.
    Plus RA1 in 2017/18 (an older year that must be ignored).
    """
    rows = org_rows(
        "RA1",
        S1,
        plan_income=100,
        plan_expenditure=90,
        actuals={1: (105, 100), 2: (105, 100), 3: (105, 100)},
        control_total=120,
        forecasts={1: 110, 2: 110, 3: 100},
        accepted={1: False, 2: False, 3: True},
    )
    rows += org_rows(
        "RB1",
        S1,
        org_type="ccg",
        plan_income=50,
        plan_expenditure=50,
        actuals={1: (50, 55), 2: (50, 55)},
        control_total=0,
        forecasts={1: -10, 2: -10},
        accepted={1: False, 2: False},
    )
    rows += org_rows(
        "RC1",
        S2,
        plan_income=200,
        plan_expenditure=190,
        actuals={1: (200, 180), 2: (200, 180), 3: (200, 180)},
        control_total=120,
        forecasts={3: 150},
    )
    rows += org_rows(
        "RA1",
        S1,
        year="2017/18",
        plan_income=1000,
        plan_expenditure=1000,
        actuals={m: (999, 1001) for m in range(1, 13)},
        control_total=-999,
    )
    return ct_frame(rows)
