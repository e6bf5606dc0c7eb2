# ruff: noqa: E501, SIM114, SIM905  (kept as the plain reading it was written as)
"""An independent reading of data-contract.md's Definitions, for holding `summary` to it.

Plain Python over the raw CSV cells (no pandas, nothing imported from `analysis`), so a shared mistake
cannot hide in both sides. Only for clean, valid extracts in the canonical header, as `ragged_extract`
writes them: the point is the arithmetic of late, early and missing returns, not the reading.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from pathlib import Path

SYSTEMS = (
    ("E54000008", "Cheshire and Merseyside", "North West"),
    ("E54000007", "Greater Manchester", "North West"),
    ("E54000037", "Devon", "South West"),
)
CT_HEADER = (
    "financial_year,month,system_code,org_code,org_name,org_type,plan_income,actual_income,"
    "plan_expenditure,actual_expenditure,control_total,forecast_outturn,control_total_accepted"
).split(",")
ORG_TYPES = ("acute", "mental health", "community", "ccg")


def _blank(cell: str) -> bool:
    return cell.strip() == ""


def ragged_extract(folder: Path, seed: int, year: str = "2018/19") -> None:
    """Write a valid extract set with late, early and missing returns and forecasts into `folder`."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "systems.csv", "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["system_code", "system_name", "region"])
        for code, name, region in SYSTEMS:
            w.writerow([code, name, region])
    main_month = rng.randint(2, 10)
    rows = []
    for i in range(rng.randint(3, 9)):
        org = f"R{chr(65 + i)}{i % 10}"
        system = rng.choice(SYSTEMS)[0]
        kind = rng.choice(("on_time", "on_time", "late", "early", "silent"))
        last = {
            "on_time": main_month,
            "late": max(0, main_month - rng.randint(1, 2)),
            "early": min(12, main_month + 1),
            "silent": 0,
        }[kind]
        skipped = {rng.randint(1, 12)} if rng.random() < 0.3 else set()
        forecast_style = rng.choice(("every", "every", "sparse", "never", "early_only"))
        control_total = round(rng.uniform(-5000, 3000), 1)
        for month in range(1, 13):
            plan_income = round(rng.uniform(800, 1200), 1)
            plan_exp = round(plan_income - rng.uniform(-40, 40), 1)
            reported = month <= last and month not in skipped
            actual_income = round(plan_income + rng.uniform(-30, 30), 1) if reported else ""
            actual_exp = round(plan_exp + rng.uniform(-30, 40), 1) if reported else ""
            forecast = ""
            if reported and forecast_style == "every":
                forecast = round(control_total + rng.uniform(-900, 600), 1)
            elif reported and forecast_style == "sparse" and rng.random() < 0.4:
                forecast = round(control_total + rng.uniform(-900, 600), 1)
            elif forecast_style == "early_only" and month == 1:
                forecast = round(control_total + rng.uniform(-900, 600), 1)
            rows.append(
                [
                    year,
                    month,
                    system,
                    org,
                    f"Org {org}",
                    rng.choice(ORG_TYPES) if month == 1 else None,
                    plan_income,
                    actual_income,
                    plan_exp,
                    actual_exp,
                    control_total,
                    forecast,
                    "Y",
                ]
            )
    # one org type per organisation
    types: dict[str, str] = {}
    for r in rows:
        if r[5] is not None:
            types[r[3]] = r[5]
    for r in rows:
        r[5] = types[r[3]]
    with open(folder / "control_totals.csv", "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(CT_HEADER)
        w.writerows(rows)


def _num(cell: str) -> float:
    return float(cell)


def oracle_summary(
    folder: Path, by: str = "system", year: str | None = None, month: int | None = None
) -> dict:
    """The contract's summary for a `ragged_extract` folder: {group key: {column: value or None}}, and the month."""
    with open(folder / "control_totals.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    year = year or max(r["financial_year"] for r in rows)
    rows = [r for r in rows if r["financial_year"] == year]
    region_of = {code: region for code, _, region in SYSTEMS}
    orgs = sorted({r["org_code"] for r in rows})
    by_org: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_org[r["org_code"]].append(r)

    def reported(r: dict) -> bool:
        return not _blank(r["actual_income"])

    if month is None:
        months_reporting = defaultdict(set)
        for r in rows:
            if reported(r):
                months_reporting[int(r["month"])].add(r["org_code"])
        half = [m for m, who in months_reporting.items() if 2 * len(who) >= len(orgs)]
        month = max(half) if half else (max(months_reporting) if months_reporting else None)

    def forecast_at(org: str, m: int) -> tuple[float | None, bool]:
        given = [
            (int(r["month"]), _num(r["forecast_outturn"]))
            for r in by_org[org]
            if not _blank(r["forecast_outturn"]) and int(r["month"]) <= m
        ]
        if not given:
            return None, False
        latest_month, value = max(given)
        return value, latest_month != m

    def group_of(org: str) -> str:
        first = by_org[org][0]
        return {
            "system": first["system_code"],
            "region": region_of[first["system_code"]],
            "org": org,
            "org_type": first["org_type"],
        }[by]

    out: dict[str, dict] = {}
    for org in orgs:
        g = out.setdefault(
            group_of(org),
            defaultdict(
                float,
                orgs=0,
                orgs_reporting=0,
                forecast_orgs=0,
                forecast_carried=0,
                _fc_ct=0.0,
                _moved=0,
                _rr_orgs=0,
                _rr_ct=0.0,
            ),
        )
        g["orgs"] += 1
        ct = _num(by_org[org][0]["control_total"])
        g["control_total"] += ct
        ytd = [r for r in by_org[org] if month is not None and int(r["month"]) <= month and reported(r)]
        if any(int(r["month"]) == month and reported(r) for r in by_org[org]):
            g["orgs_reporting"] += 1
        for name in ("plan_income", "actual_income", "plan_expenditure", "actual_expenditure"):
            g[f"{name}_ytd"] += sum(_num(r[name]) for r in ytd)
        if month is None:
            continue
        forecast, carried = forecast_at(org, month)
        if forecast is not None:
            g["forecast_orgs"] += 1
            g["forecast_carried"] += int(carried)
            g["forecast_outturn"] += forecast
            g["_fc_ct"] += ct
            if month > 1:
                before, _ = forecast_at(org, month - 1)
                if before is not None:
                    g["forecast_movement"] += forecast - before
                    g["_moved"] += 1
        if ytd:
            plan_full = sum(_num(r["plan_income"]) - _num(r["plan_expenditure"]) for r in by_org[org])
            variance = sum(
                (_num(r["actual_income"]) - _num(r["actual_expenditure"]))
                - (_num(r["plan_income"]) - _num(r["plan_expenditure"]))
                for r in ytd
            )
            g["run_rate_outturn"] += plan_full + variance * 12 / len(ytd)
            g["_rr_orgs"] += 1
            g["_rr_ct"] += ct
    for g in out.values():
        g["plan_surplus_ytd"] = g["plan_income_ytd"] - g["plan_expenditure_ytd"]
        g["actual_surplus_ytd"] = g["actual_income_ytd"] - g["actual_expenditure_ytd"]
        g["variance_ytd"] = g["actual_surplus_ytd"] - g["plan_surplus_ytd"]
        g["overspend_ytd"] = g["actual_expenditure_ytd"] - g["plan_expenditure_ytd"]
        if g["forecast_orgs"]:
            g["forecast_variance"] = g["forecast_outturn"] - g["_fc_ct"]
        else:
            g["forecast_outturn"] = g["forecast_variance"] = None
        if not g["_moved"]:
            g["forecast_movement"] = None
        if g["_rr_orgs"]:
            g["run_rate_variance"] = g["run_rate_outturn"] - g["_rr_ct"]
        else:
            g["run_rate_outturn"] = g["run_rate_variance"] = None
    return {"month": month, "groups": {k: dict(v) for k, v in out.items()}}
