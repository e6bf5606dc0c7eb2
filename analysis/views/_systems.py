"""Systems: every system side by side, with rating, cohort, acceptance and SPC trend."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from analysis import figures, formatting, measures, narrative, spc, spc_icons, tables
from analysis.ratings import system_ratings
from analysis.views._scope import (
    NO_DATA,
    Scope,
    has_actuals,
    no_actuals_message,
    selected_rows,
    system_trend_points,
    with_units,
)


def _cohorts(systems: pd.DataFrame, year: str | None) -> pd.Series:
    """Each system's type as it was in ``year``: an ICS only from its ``ics_since`` month, an STP before.

    A system that became an ICS within the year reads ``"ICS from 2018-05"``; one that became an ICS later
    was an STP that year, so later dates never show on an earlier year's view.
    """
    first, last = _year_bounds(year)
    out = []
    for kind, since in zip(
        systems["system_type"].fillna("STP"), systems["ics_since"].fillna(""), strict=True
    ):
        since = str(since)
        if kind != "ICS" or not since or last is None:
            out.append(kind if kind != "ICS" or not since else f"ICS since {since}")
        elif since > last:
            out.append("STP")
        else:
            out.append(f"ICS from {since}" if since > first else "ICS")
    return pd.Series(out, index=systems["system_code"])


def _year_bounds(year: str | None) -> tuple[str, str | None]:
    """A financial year's first and last months, ``YYYY-MM`` (April to March); ("", None) without one."""
    if not year:
        return "", None
    start = int(year[:4])
    return f"{start}-04", f"{start + 1}-03"


@dataclass(frozen=True)
class SystemsView:
    period: str
    table: pd.DataFrame
    dumbbell: go.Figure
    message: str | None
    variation_icons: tuple[str | None, ...] = ()
    """The SPC variation icon of each row of ``table`` as a ``data:`` address (None without one); its
    words are the table's ``Trend (SPC)``."""


SYSTEM_TABLE_MONEY = (
    "Plan surplus YTD",
    "Actual surplus YTD",
    "Variance YTD",
    "Overspend YTD",
    "Control total",
    "Forecast outturn",
    "Forecast vs control total",
    "Forecast movement",
    "Run-rate outturn",
    "Run rate vs control total",
)


@dataclass(frozen=True)
class SystemsMeasures:
    """The Systems page's numbers before any unit is applied: a unit toggle only re-formats them.

    Attributes:
        summary: :func:`system_summary` (£000).
        table: The page's table in the page's column order, money still in £000 and unsorted.
        message: Why there is nothing to show, or None.
    """

    summary: pd.DataFrame
    table: pd.DataFrame
    message: str | None
    variations: dict[str, spc.Variation] = field(default_factory=dict)
    """System code -> SPC variation class of its latest in-month variance (systems with points)."""


def systems_measures(s: Scope) -> SystemsMeasures:
    """Every system's year to date, rating, cohort, acceptance and SPC trend, in £000."""
    if not s.year:
        return SystemsMeasures(measures.empty_summary("system"), pd.DataFrame(), NO_DATA)
    rows = selected_rows(s)
    summary = measures.ytd_summary(rows, s.dataset.systems, "system", s.year, s.month)
    if summary.empty:
        return SystemsMeasures(summary, pd.DataFrame(), NO_DATA)
    reporting = set(rows.loc[has_actuals(rows, s.month), "system_code"].unique())
    if not reporting:
        return SystemsMeasures(summary, pd.DataFrame(), no_actuals_message(s.year, s.month))
    lookup = s.dataset.systems
    rated = system_ratings(s.dataset.progress_ratings, lookup).set_index("system_code")
    ratings, rating_sources = rated["rating_label"], rated["rating_source"]
    cohorts = _cohorts(lookup, s.year)
    accepted = _system_accepted(s)
    trends = system_trend_points(s, summary["system_code"].tolist())
    money = lambda column: summary[column].astype(float)  # noqa: E731
    table = pd.DataFrame(
        {
            "System": summary["system_name"].fillna(summary["system_code"]),
            "Code": summary["system_code"],
            "Region": summary["region"],
            "Type": summary["system_code"].map(cohorts),
            "Rating 2017": summary["system_code"].map(ratings).fillna("Not rated"),
            "Rating source": summary["system_code"].map(rating_sources).fillna(""),
            "Organisations": summary["orgs"],
            "Reporting": summary["orgs_reporting"],
            "Plan surplus YTD": money("plan_surplus_ytd"),
            "Actual surplus YTD": money("actual_surplus_ytd"),
            "Variance YTD": money("variance_ytd"),
            "Variance %": summary["variance_pct"],
            "Overspend YTD": money("overspend_ytd"),
            "Control total": money("control_total"),
            "Forecast outturn": money("forecast_outturn"),
            "Forecast vs control total": money("forecast_variance"),
            "Forecasts in": [narrative.forecast_coverage(row) for row in summary.to_dict("records")],
            "Forecast movement": money("forecast_movement"),
            "Run-rate outturn": money("run_rate_outturn"),
            "Run rate vs control total": money("run_rate_variance"),
            "Accepted": [accepted.get(code, "not stated") for code in summary["system_code"]],
            "Trend (SPC)": [_trend_words(trends.get(c)) for c in summary["system_code"]],
        }
    )
    table["Position"] = [
        (formatting.favourable_or_adverse(v) if c in reporting else None) or "no actuals"
        for c, v in zip(summary["system_code"], summary["variance_ytd"], strict=True)
    ]
    variations = {code: variation for code, (variation, _) in trends.items()}
    return SystemsMeasures(summary, table, None, variations)


def _trend_words(trend: tuple[spc.Variation, int] | None) -> str:
    """The variation class in words, saying so when its limits are provisional (under 12 points)."""
    if trend is None:
        return spc_icons.variation_words(None, 0, False)
    variation, n_points = trend
    return spc_icons.variation_words(variation, n_points, n_points < spc.MIN_POINTS_FIXED)


def systems(s: Scope, measured: SystemsMeasures | None = None) -> SystemsView:
    """Every system side by side, in the display unit, with rating, cohort and SPC variation.

    Args:
        s: The scope.
        measured: :func:`systems_measures` of the same data and filters (any unit), when already known.
    """
    m = systems_measures(s) if measured is None else measured
    if m.message is not None:
        return SystemsView(s.period, pd.DataFrame(), figures.empty_figure(m.message), m.message)
    table = m.table.copy()
    for column in SYSTEM_TABLE_MONEY:
        table[column] = formatting.scale(table[column], s.unit)
    table = table.sort_values("Variance YTD", kind="stable").reset_index(drop=True)
    table = tables.mark(table, percent=["Variance %"], count=["Organisations", "Reporting"])
    table = with_units(table, SYSTEM_TABLE_MONEY, s.unit)
    icons = tuple(
        spc_icons.variation_icon(m.variations[c]) if c in m.variations else None for c in table["Code"]
    )
    dumbbell = figures.plan_vs_actual_dumbbell(m.summary, s.unit, s.period)
    return SystemsView(s.period, table, dumbbell, None, icons)


def _system_accepted(s: Scope) -> dict[str, str]:
    """Whether each system accepted a shared control total (stated file) or how many members did not."""
    out: dict[str, str] = {}
    stated = s.dataset.system_control_totals
    if not stated.empty and s.year:
        rows = stated[stated["financial_year"] == s.year]
        for code, value in zip(rows["system_code"], rows["accepted"], strict=True):
            out[str(code)] = "not stated" if pd.isna(value) else ("yes" if bool(value) else "no")
    return out
