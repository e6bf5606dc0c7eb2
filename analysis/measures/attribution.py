"""Who made a system's variance: each member's contribution, and the plan-to-actual waterfall."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.measures.rows import is_value
from analysis.measures.ytd import ytd_summary


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
    orgs = ytd_summary(frame.loc[is_value(frame, "system_code", system_code)], None, "org", year, month)
    income_effect = orgs["actual_income_ytd"] - orgs["plan_income_ytd"]
    expenditure_effect = -orgs["overspend_ytd"]
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
"""What the summed step was once called; :func:`others_label` now says how many it holds."""


def others_label(count: int) -> str:
    """The summed step's label, saying how many organisations it holds: ``"Other 11 organisations"``."""
    return "1 other organisation" if count == 1 else f"Other {count} organisations"


def waterfall_steps(
    frame: pd.DataFrame,
    system_code: str,
    year: str,
    month: int | None,
    top_n: int = 5,
) -> pd.DataFrame:
    """Ordered steps of a plan-to-actual waterfall of a system's year-to-date surplus.

    The first step is the YTD plan surplus, then the ``top_n`` largest contributions (by absolute value, as
    :func:`variance_attribution` orders them), then the rest summed as "Other N organisations" (when any are
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
        labels.append(others_label(len(rest)))
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
