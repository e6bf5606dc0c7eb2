"""`python -m analysis summary` against an independent computation of the contract's definitions.

The expected tables are computed here from the CSV with plain pandas, following data-contract.md line by
line, not with analysis.measures: if the two readings of the contract disagree, this fails.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
MONEY = ["plan_income", "actual_income", "plan_expenditure", "actual_expenditure"]


def run_summary(*args: str) -> tuple[int, str, str]:
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "summary", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stdout, result.stderr


def independent_summary(
    rows: pd.DataFrame, systems: pd.DataFrame, by: str, year: str, month: int
) -> pd.DataFrame:
    """The contract's definitions, written out plainly."""
    rows = rows[rows["financial_year"] == year].copy()
    rows["region"] = rows["system_code"].map(systems.set_index("system_code")["region"])
    key = {"system": "system_code", "region": "region", "org": "org_code", "org_type": "org_type"}[by]
    reported = rows["actual_income"].notna()
    ytd = rows[(rows["month"] <= month) & reported]
    sums = ytd.groupby(key)[MONEY].sum()
    out = pd.DataFrame(index=sorted(rows[key].unique()))
    out["orgs"] = rows.groupby(key)["org_code"].nunique()
    at_month = rows[(rows["month"] == month) & reported]
    out["orgs_reporting"] = at_month.groupby(key)["org_code"].nunique()
    out = out.fillna({"orgs_reporting": 0})
    for column in MONEY:
        out[f"{column}_ytd"] = sums[column]
    out = out.fillna(0.0)
    out["overspend_ytd"] = out["actual_expenditure_ytd"] - out["plan_expenditure_ytd"]
    out["plan_surplus_ytd"] = out["plan_income_ytd"] - out["plan_expenditure_ytd"]
    out["actual_surplus_ytd"] = out["actual_income_ytd"] - out["actual_expenditure_ytd"]
    out["variance_ytd"] = out["actual_surplus_ytd"] - out["plan_surplus_ytd"]
    org_years = rows.drop_duplicates(["org_code"])
    out["control_total"] = org_years.groupby(key)["control_total"].sum()
    # Each organisation's latest forecast up to the month (carried forward), against the control totals of
    # those same organisations.
    given = rows[(rows["month"] <= month) & rows["forecast_outturn"].notna()]
    latest = given.sort_values("month", kind="stable").drop_duplicates("org_code", keep="last")
    out["forecast_outturn"] = latest.groupby(key)["forecast_outturn"].sum()
    forecasting = org_years[org_years["org_code"].isin(latest["org_code"])]
    out["forecast_variance"] = out["forecast_outturn"] - forecasting.groupby(key)["control_total"].sum()
    return out


def read_table(text: str, key: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype={key: str}).set_index(key)


def assert_matches(produced: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert sorted(produced.index) == sorted(expected.index)
    for column in expected.columns:
        got = produced[column].reindex(expected.index).astype(float).to_numpy()
        want = expected[column].astype(float).to_numpy()
        # Money is printed to one decimal place; sums of many rounded parts may differ by a few tenths.
        np.testing.assert_allclose(got, want, atol=0.3, rtol=0, equal_nan=True, err_msg=column)


CONTRACT_COLUMNS = {
    "system": ["system_code", "system_name", "region"],
    "region": ["region"],
    "org": ["org_code", "org_name", "system_code"],
    "org_type": ["org_type"],
}
MEASURES = [
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
]
"""The contract's columns; the forecast's coverage, movement and run rate are held to the contract in
test_summary_oracle.py."""


@pytest.mark.parametrize("by", ["system", "region", "org", "org_type"])
def test_summary_defaults_match_the_contract_on_bundled_data(by: str) -> None:
    code, out, err = run_summary(str(DATA), "--by", by)
    assert code == 0, err
    header = out.splitlines()[0].split(",")
    assert header == CONTRACT_COLUMNS[by] + MEASURES
    rows = pd.read_csv(DATA / "control_totals.csv", dtype={"org_code": str})
    systems = pd.read_csv(DATA / "systems.csv")
    # Defaults: the latest year, and its latest month with any actuals.
    year = sorted(rows["financial_year"].unique())[-1]
    month = int(rows[(rows["financial_year"] == year) & rows["actual_income"].notna()]["month"].max())
    assert (year, month) == ("2018/19", 9)
    key = CONTRACT_COLUMNS[by][0]
    assert_matches(read_table(out, key), independent_summary(rows, systems, by, year, month))


def test_summary_with_year_and_month_and_json() -> None:
    code, out, err = run_summary(
        str(DATA), "--by", "region", "--year", "2017/18", "--month", "6", "--format", "json"
    )
    assert code == 0, err
    produced = pd.read_json(io.StringIO(out), orient="records").set_index("region")
    rows = pd.read_csv(DATA / "control_totals.csv", dtype={"org_code": str})
    systems = pd.read_csv(DATA / "systems.csv")
    assert_matches(produced, independent_summary(rows, systems, "region", "2017/18", 6))


def test_quarantined_rows_never_reach_the_summary(tmp_path: Path) -> None:
    shutil.copy(DATA / "systems.csv", tmp_path / "systems.csv")
    text = (DATA / "control_totals.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    header, body = lines[0], lines[1:]
    rows = pd.read_csv(io.StringIO(text), dtype={"org_code": str})
    # Spoil a month-9 row of 2018/19 (text in a money column) and duplicate another row's key.
    target = rows.index[(rows["financial_year"] == "2018/19") & (rows["month"] == 9)][0]
    cells = body[target].split(",")
    cells[6] = "lots"
    body[target] = ",".join(cells)
    duplicated = rows.index[(rows["financial_year"] == "2018/19") & (rows["month"] == 3)][5]
    body.append(body[duplicated])
    (tmp_path / "control_totals.csv").write_text("\n".join([header, *body]) + "\n", encoding="utf-8")

    code, out, err = run_summary(str(tmp_path), "--by", "system")
    assert code == 1, err  # rows were left out: exit 1, as validate
    assert "3 quarantined rows were left out" in err
    valid = rows.drop(index=[target, duplicated])
    systems = pd.read_csv(tmp_path / "systems.csv")
    assert_matches(
        read_table(out, "system_code"), independent_summary(valid, systems, "system", "2018/19", 9)
    )


def test_summary_misuse_exits_2_without_a_traceback(tmp_path: Path) -> None:
    code, _, err = run_summary(str(DATA), "--by", "planet")
    assert code == 2 and "Traceback" not in err
    code, _, err = run_summary(str(tmp_path / "missing"))
    assert code == 2 and "Traceback" not in err


# ---------------------------------------------------------------------------------------------------------
# --year and --month: the one grammar files use, and a period the data lacks is an error, not an empty table


def summary_in_process(capsys, *args: str) -> tuple[int, str, str]:
    from analysis.cli import main

    try:
        code = main(["summary", str(DATA), *args])
    except SystemExit as exited:
        code = int(exited.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("year", ["2018-19", "2018–19", "2018/2019", "FY2018/19", " fy 2018 / 19 "])
def test_summary_reads_every_spelling_of_a_year(capsys, year: str) -> None:
    expected = summary_in_process(capsys, "--year", "2018/19", "--month", "6")
    assert expected[0] == 0 and len(expected[1].splitlines()) > 2, expected[2]
    assert summary_in_process(capsys, "--year", year, "--month", "6") == expected


@pytest.mark.parametrize("month", ["M06", "M6", "Month 6", "06"])
def test_summary_reads_every_spelling_of_a_month(capsys, month: str) -> None:
    expected = summary_in_process(capsys, "--year", "2017/18", "--month", "6")
    assert expected[0] == 0 and len(expected[1].splitlines()) > 2, expected[2]
    assert summary_in_process(capsys, "--year", "2017/18", "--month", month) == expected


@pytest.mark.parametrize("year", ["2030/31", "2030-31", "next year", "2018/20"])
def test_summary_of_a_year_not_in_the_data_exits_2_naming_the_years(capsys, year: str) -> None:
    code, out, err = summary_in_process(capsys, "--year", year)
    assert code == 2 and out == ""
    assert f"--year {year}" in err and "2017/18, 2018/19" in err and "Traceback" not in err


@pytest.mark.parametrize("month", ["12", "M12", "13", "M00", "June"])
def test_summary_of_a_month_without_actuals_exits_2_naming_the_months(capsys, month: str) -> None:
    code, out, err = summary_in_process(capsys, "--year", "2018/19", "--month", month)
    assert code == 2 and out == ""
    assert f"--month {month}" in err and "1, 2, 3, 4, 5, 6, 7, 8, 9" in err and "Traceback" not in err


def test_export_reads_the_same_spellings(capsys, tmp_path: Path) -> None:
    from analysis.cli import main

    outputs = []
    for year, month in (("2018/19", "6"), ("2018–19", "M06"), ("FY2018/19", "Month 6")):
        out = tmp_path / f"rows-{len(outputs)}.csv"
        args = ["export", str(DATA), "--what", "rows", "--out", str(out), "--year", year, "--month", month]
        assert main(args) == 0, capsys.readouterr().err
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    capsys.readouterr()
    status = main(["export", str(DATA), "--what", "rows", "--out", str(tmp_path / "x.csv"), "--year", "2030"])
    assert status == 2 and "2017/18, 2018/19" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
