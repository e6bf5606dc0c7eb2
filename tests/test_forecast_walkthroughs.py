"""The issue's two walkthroughs, on the bundled data changed in one place each, through the app itself.

1. One trust sends actuals and a forecast for M10 early: the default month stays M09 (fewer than half the
   organisations are in at M10) and the Overview's forecast headline sets all the M09 forecasts against
   the same organisations' control totals, with its coverage beside it.
2. One of Devon's organisations leaves out its M09 forecast: its M08 forecast is carried forward, Devon's
   figure stays like for like, and the Systems table says so.

Expected figures are worked out here from the CSV with the csv module, not with `analysis.measures`.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analysis import formatting

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
YEAR = "2018/19"
DEVON = "E54000037"

pytestmark = pytest.mark.usefixtures("served_like_a_session")


def changed_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change) -> list[dict[str, str]]:
    """The bundled data in a DATA_DIR, its control totals' 2018/19 rows passed through `change` first."""
    folder = tmp_path / "extracts"
    shutil.copytree(ROOT / "data", folder)
    path = folder / "control_totals.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    change(rows)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setenv("DATA_DIR", str(folder))
    st.cache_data.clear()
    return [r for r in rows if r["financial_year"] == YEAR]


def forecasts_at(rows: list[dict[str, str]], month: int) -> dict[str, tuple[float, int]]:
    """Each organisation's latest forecast up to `month` and the month it came from."""
    out: dict[str, tuple[float, int]] = {}
    for r in sorted(rows, key=lambda r: int(r["month"])):
        if int(r["month"]) <= month and r["forecast_outturn"].strip():
            out[r["org_code"]] = (float(r["forecast_outturn"]), int(r["month"]))
    return out


def control_totals(rows: list[dict[str, str]]) -> dict[str, float]:
    return {r["org_code"]: float(r["control_total"]) for r in rows}


def signed(value: float) -> str:
    return formatting.format_signed_variance(value, "£m", measure="forecast_variance")


def test_one_early_m10_return_leaves_the_default_at_m09_and_the_headline_like_for_like(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def early_return(rows: list[dict[str, str]]) -> None:
        first = next(r["org_code"] for r in rows if r["financial_year"] == YEAR)
        for r in rows:
            if r["financial_year"] == YEAR and r["org_code"] == first and r["month"] == "10":
                r["actual_income"], r["actual_expenditure"] = r["plan_income"], r["plan_expenditure"]
                r["forecast_outturn"] = r["control_total"]

    rows = changed_copy(tmp_path, monkeypatch, early_return)
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    forecasts, totals = forecasts_at(rows, 9), control_totals(rows)
    assert len(forecasts) == len(totals)  # every organisation forecast at M09
    forecast = sum(v for v, _ in forecasts.values())
    variance = forecast - sum(totals.values())
    assert signed(variance) == "£539.3m adverse"
    # Shown, the figures are −£1,225.4m against −£686.0m: the words give their difference, 539.4.
    shown = round(forecast / 1000, 1) - round(sum(totals.values()) / 1000, 1)
    assert signed(1000 * shown) == "£539.4m adverse"
    headline = {m.label: m for m in at.metric}["Forecast outturn"]
    assert headline.value == formatting.format_money(forecast, "£m", brackets=False)
    assert headline.delta == f"£539.4m adverse; {len(totals)} of {len(totals)} forecasts in"
    text = " ".join(str(m.value) for m in at.markdown)
    assert "M09 (Dec 2018)" in text and "£539.4m adverse" in text, text
    assert "favourable to the combined control total" not in text


def test_a_missing_devon_forecast_is_carried_forward_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def drop_one(rows: list[dict[str, str]]) -> None:
        devon = [r for r in rows if r["financial_year"] == YEAR and r["system_code"] == DEVON]
        last = sorted({r["org_code"] for r in devon})[-1]
        for r in devon:
            if r["org_code"] == last and r["month"] == "9":
                r["forecast_outturn"] = ""

    rows = [r for r in changed_copy(tmp_path, monkeypatch, drop_one) if r["system_code"] == DEVON]
    forecasts, totals = forecasts_at(rows, 9), control_totals(rows)
    assert len(totals) == 6 and sorted(m for _, m in forecasts.values()) == [8, 9, 9, 9, 9, 9]
    variance = sum(v for v, _ in forecasts.values()) - sum(totals.values())
    assert signed(variance) == "£5.7m adverse"

    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/systems.py").run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(f.value for f in at.dataframe if "Forecasts in" in f.value.columns)
    devon = table[table["Code"] == DEVON].iloc[0]
    shown = next(c for c in table.columns if c.startswith("Forecast vs control total"))
    assert devon[shown] == pytest.approx(variance / 1000, abs=0.05)
    assert devon["Forecasts in"] == "6 of 6 forecasts in; 1 carried forward from M08"
