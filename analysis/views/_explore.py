"""Explore: the filtered rows at organisation-month grain, in the display unit."""

from __future__ import annotations

import pandas as pd

from analysis import formatting, measures, tables
from analysis.views._scope import Scope, money_label, selected_rows, with_units

EXPLORE_COLUMNS = {
    "financial_year": "Year",
    "month": "Month",
    "region": "Region",
    "system_code": "System code",
    "system_name": "System",
    "org_code": "Org code",
    "org_name": "Organisation",
    "org_type": "Type",
    "plan_income": "Plan income",
    "actual_income": "Actual income",
    "plan_expenditure": "Plan expenditure",
    "actual_expenditure": "Actual expenditure",
    "plan_surplus": "Plan surplus",
    "actual_surplus": "Actual surplus",
    "variance": "Variance",
    "overspend": "Overspend",
    "control_total": "Control total",
    "forecast_outturn": "Forecast outturn",
    "control_total_accepted": "CT accepted",
    "source_file": "Source file",
    "line": "Line",
}
EXPLORE_MONEY = (
    "Plan income",
    "Actual income",
    "Plan expenditure",
    "Actual expenditure",
    "Plan surplus",
    "Actual surplus",
    "Variance",
    "Overspend",
    "Control total",
    "Forecast outturn",
)


def explore_rows(s: Scope) -> pd.DataFrame:
    """The filtered rows at organisation-month grain, months 1 to the as-at month, in the display unit."""
    rows = selected_rows(s, through_month=True, attributes=True)
    if rows.empty:
        return tables.mark(pd.DataFrame(columns=list(EXPLORE_COLUMNS.values())), money=EXPLORE_MONEY)
    out = measures.add_row_measures(rows)[list(EXPLORE_COLUMNS)].rename(columns=EXPLORE_COLUMNS)
    for column in EXPLORE_MONEY:
        out[column] = formatting.scale(out[column].astype(float), s.unit)
    return with_units(out, EXPLORE_MONEY, s.unit).reset_index(drop=True)


def explore_headers(unit: formatting.Unit) -> dict[str, str]:
    """Each Explore column's plain name -> its header in ``unit`` (money headers carry the unit).

    A column chooser keeps the plain names, so a choice survives a change of unit.
    """
    return {
        name: money_label(name, unit) if name in EXPLORE_MONEY else name for name in EXPLORE_COLUMNS.values()
    }
