"""Control totals checked: stated system totals against their members' sum, and who has not accepted."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.measures.rows import is_value, latest_year, system_lookup
from analysis.measures.ytd import empty_summary, ytd_summary
from analysis.model import Dataset

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
    out["system_name"] = out["system_code"].map(system_lookup(dataset.systems, "system_name")).astype("str")
    out["region"] = out["system_code"].map(system_lookup(dataset.systems, "region")).astype("str")
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
    mask = is_value(frame, "financial_year", year)
    if system_code is not None:
        mask = mask & is_value(frame, "system_code", system_code)
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
