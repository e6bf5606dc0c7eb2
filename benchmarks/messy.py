"""A messy copy of a benchmark sample: the same rows written the way real extracts arrive.

Money as `£1,234.5` and `(1,234.5)` (thousands separators, pound signs, brackets for negatives), headers
with aliases and units (`Financial Year`, `ODS Code`, `Plan Income (£000)`), years as `2018-19`, months as
`M06`, organisation types in title case, Yes/No, Windows-1252, semicolons, CRLF line ends. Every row stays
valid, so the messy and clean folders must load to the same dataset.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.contract import CONTROL_TOTALS, MONEY_COLUMNS

MESSY_HEADER = {
    "financial_year": "Financial Year",
    "month": "Period",
    "system_code": "STP Code",
    "org_code": "ODS Code",
    "org_name": "Organisation Name",
    "org_type": "Organisation Type",
    "plan_income": "Plan Income (£000)",
    "actual_income": "Actual Income (£000)",
    "plan_expenditure": "Plan Expenditure (£000)",
    "actual_expenditure": "Actual Expenditure (£000)",
    "control_total": "Control Total (£000)",
    "forecast_outturn": "Forecast Outturn (£000)",
    "control_total_accepted": "CT Accepted",
}


def messy_money(text: str) -> str:
    """`-1234.5` → `(1,234.5)`, `1234.5` → `£1,234.5`, blank stays blank."""
    if not text:
        return text
    negative = text.startswith("-")
    whole, _, decimals = text.lstrip("-").partition(".")
    number = f"{int(whole):,}" + (f".{decimals}" if decimals else "")
    return f"({number})" if negative else f"£{number}"


def _per_value(values: pd.Series, fn) -> pd.Series:
    codes, uniques = pd.factorize(values)
    return pd.Series(np.asarray([fn(u) for u in uniques], dtype=object)[codes], index=values.index)


def write_messy(clean_dir: Path, messy_dir: Path) -> Path:
    """Copy a sample folder, rewriting control_totals.csv messily; returns the messy control totals path."""
    messy_dir.mkdir(parents=True, exist_ok=True)
    for path in clean_dir.glob("*.csv"):
        if path.name != CONTROL_TOTALS.file_name:
            shutil.copy(path, messy_dir / path.name)
    frame = pd.read_csv(clean_dir / CONTROL_TOTALS.file_name, dtype=str, keep_default_na=False)
    frame["financial_year"] = frame["financial_year"].str.replace("/", "-", regex=False)
    frame["month"] = "M" + frame["month"].str.zfill(2)
    frame["org_type"] = _per_value(frame["org_type"], lambda t: "CCG" if t == "ccg" else t.title())
    frame["control_total_accepted"] = frame["control_total_accepted"].map({"Y": "Yes", "N": "No", "": ""})
    for column in MONEY_COLUMNS:
        frame[column] = _per_value(frame[column], messy_money)
    out = messy_dir / CONTROL_TOTALS.file_name
    frame.rename(columns=MESSY_HEADER).to_csv(
        out, sep=";", index=False, encoding="cp1252", lineterminator="\r\n"
    )
    return out
