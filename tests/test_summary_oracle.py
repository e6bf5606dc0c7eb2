"""`python -m analysis summary` held to tests/summary_oracle.py, an independent plain-Python reading of
data-contract.md's definitions, over extracts with late, early and missing returns and forecasts.

The oracle reads the CSV cells itself and imports nothing from `analysis`, so a mistake shared by the
measures and the pages cannot hide in both sides of the comparison.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
from pathlib import Path

import pandas as pd
import pytest
from summary_oracle import CT_HEADER, oracle_summary, ragged_extract

from analysis.cli import main

KEYS = {"system": "system_code", "region": "region", "org": "org_code", "org_type": "org_type"}
COLUMNS = (
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
DERIVED = {"overspend_ytd", "plan_surplus_ytd", "actual_surplus_ytd", "variance_ytd", "forecast_variance"}
DERIVED |= {"forecast_movement", "run_rate_outturn", "run_rate_variance"}


def cli_summary(folder: Path, *args: str) -> pd.DataFrame:
    """The CLI's summary table, run in-process (many seeds: a subprocess each would take minutes)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["summary", str(folder), *args])
    assert status == 0, err.getvalue()
    return pd.read_csv(io.StringIO(out.getvalue()), dtype=str, keep_default_na=False)


def as_number(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def assert_like_oracle(folder: Path, by: str, month: int | None = None) -> None:
    args = ["--by", by] + (["--month", str(month)] if month is not None else [])
    table = cli_summary(folder, *args)
    assert list(table.columns)[-len(COLUMNS) :] == list(COLUMNS)
    expected = oracle_summary(folder, by=by, month=month)["groups"]
    produced = {row[KEYS[by]]: row for row in table.to_dict("records")}
    assert sorted(produced) == sorted(expected)
    for group, want in expected.items():
        for column in COLUMNS:
            got, value = as_number(produced[group][column]), want.get(column)
            where = f"{by}={group} {column} (month {month or 'default'})"
            if value is None:
                assert got is None, where
                continue
            assert got is not None, where
            tolerance = (0.1 if column in DERIVED else 0.05) + 1e-6 * abs(value)
            assert math.isclose(got, value, abs_tol=tolerance), f"{where}: {got} != {value}"


@pytest.mark.parametrize("seed", range(12))
def test_summary_matches_the_oracle_at_every_grain(tmp_path: Path, seed: int) -> None:
    ragged_extract(tmp_path, seed)
    month = oracle_summary(tmp_path)["month"]
    for by in KEYS:
        assert_like_oracle(tmp_path, by)
        if month is not None:
            for other in {1, max(1, month - 1), month}:
                if has_actuals(tmp_path, other):
                    assert_like_oracle(tmp_path, by, other)


def has_actuals(folder: Path, month: int) -> bool:
    with open(folder / "control_totals.csv", newline="", encoding="utf-8") as handle:
        return any(int(r["month"]) == month and r["actual_income"] for r in csv.DictReader(handle))


# ---------------------------------------------------------------------------------------------------------
# Hand-written cases: the numbers worked out on paper.

SYSTEM = "E54000037"


def write_extract(folder: Path, orgs: dict[str, list[tuple[int, bool, float | None]]]) -> Path:
    """One system; per organisation a list of (month, actuals reported, forecast or None).

    Every month plans income 100 and expenditure 100 (plan surplus 0); a reported month's actual surplus
    is +1 (income 101). Control totals: 10 for every organisation.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "systems.csv").write_text(f"system_code,system_name,region\n{SYSTEM},Devon,South West\n")
    rows = []
    for code, months in orgs.items():
        given = {m: (r, f) for m, r, f in months}
        for m in range(1, 13):
            reported, forecast = given.get(m, (False, None))
            rows.append(
                ["2018/19", m, SYSTEM, code, f"Org {code}", "acute", 100.0, 101.0 if reported else "",
                 100.0, 100.0 if reported else "", 10.0, "" if forecast is None else forecast, "Y"]
            )  # fmt: skip
    with open(folder / "control_totals.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CT_HEADER)
        writer.writerows(rows)
    return folder


def system_row(folder: Path, *args: str) -> dict[str, float | None]:
    row = cli_summary(folder, "--by", "system", *args).iloc[0].to_dict()
    return {c: as_number(row[c]) for c in COLUMNS}


def on_time(last: int, forecasts: dict[int, float]) -> list[tuple[int, bool, float | None]]:
    return [(m, True, forecasts.get(m)) for m in range(1, last + 1)]


def test_an_early_return_does_not_move_the_default_month(tmp_path: Path) -> None:
    folder = write_extract(
        tmp_path,
        {
            "RA1": on_time(3, {3: 5.0}),
            "RA2": on_time(3, {3: 7.0}),
            "RA3": on_time(4, {3: 20.0, 4: -30.0}),  # one early M04 return
        },
    )
    row = system_row(folder)
    assert row["orgs_reporting"] == 3  # as at M03, where all three reported
    assert row["forecast_outturn"] == 32.0 and row["forecast_orgs"] == 3
    assert row["forecast_variance"] == 32.0 - 30.0


def test_a_late_return_keeps_the_default_month_and_carries_its_forecast(tmp_path: Path) -> None:
    folder = write_extract(
        tmp_path,
        {
            "RA1": on_time(3, {2: 4.0, 3: 5.0}),
            "RA2": on_time(3, {2: 6.0, 3: 8.0}),
            "RA3": on_time(2, {2: 1.0}),
        },
    )
    row = system_row(folder)
    assert row["orgs_reporting"] == 2  # two of three at M03: at least half
    assert (row["forecast_orgs"], row["forecast_carried"]) == (3, 1)
    assert row["forecast_outturn"] == 5.0 + 8.0 + 1.0
    assert row["forecast_movement"] == (5.0 - 4.0) + (8.0 - 6.0)  # RA3 unchanged since M02
    # Run rate: plan surplus 0 for the year; +1 a month reported, x 12 / months reported = 12 each.
    assert row["run_rate_outturn"] == 36.0 and row["run_rate_variance"] == 36.0 - 30.0


def test_a_missing_forecast_is_left_out_of_both_sides(tmp_path: Path) -> None:
    folder = write_extract(
        tmp_path, {"RA1": on_time(3, {3: 15.0}), "RA2": on_time(3, {3: 12.0}), "RA3": on_time(3, {})}
    )
    row = system_row(folder)
    assert row["control_total"] == 30.0
    assert (row["forecast_outturn"], row["forecast_orgs"]) == (27.0, 2)
    assert row["forecast_variance"] == 27.0 - 20.0  # not 27 - 30: RA3's control total is left out too
    assert row["forecast_movement"] is None  # nobody forecast at M02


def test_month_one_movement_is_blank(tmp_path: Path) -> None:
    folder = write_extract(tmp_path, {"RA1": on_time(2, {1: 3.0, 2: 4.0}), "RA2": on_time(2, {1: 1.0})})
    row = system_row(folder, "--month", "1")
    assert row["forecast_movement"] is None and row["forecast_outturn"] == 4.0
    later = system_row(folder, "--month", "2")
    assert later["forecast_movement"] == 1.0 and later["forecast_carried"] == 1
