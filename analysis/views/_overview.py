"""The Overview: the board's page, headline figures, ranked variance and the national paragraph."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from analysis import figures, formatting, measures, narrative, rounding
from analysis.views._headlines import Headline, overspend_words, signed_headline
from analysis.views._scope import NO_DATA, Scope, has_actuals, no_actuals_message, selected_rows


@dataclass(frozen=True)
class OverviewView:
    period: str
    headlines: tuple[Headline, ...]
    narrative: str
    ranked: go.Figure
    summary: pd.DataFrame
    message: str | None


@dataclass(frozen=True)
class OverviewMeasures:
    """The Overview's numbers before any unit is applied (£000): a unit toggle only re-formats them."""

    summary: pd.DataFrame
    national: pd.Series | None
    message: str | None


def overview_measures(s: Scope) -> OverviewMeasures:
    """Year to date per system and nationally for the Overview, or why there is nothing to show."""
    if not s.year:
        return OverviewMeasures(measures.empty_summary("system"), None, NO_DATA)
    rows = selected_rows(s)
    summary = measures.ytd_summary(rows, s.dataset.systems, "system", s.year, s.month)
    if summary.empty:
        return OverviewMeasures(summary, None, NO_DATA)
    if not has_actuals(rows, s.month).any():
        return OverviewMeasures(summary, None, no_actuals_message(s.year, s.month))
    national = measures.ytd_summary(rows, s.dataset.systems, "national", s.year, s.month)
    return OverviewMeasures(summary, national.iloc[0] if len(national) else pd.Series(dtype=object), None)


def forecast_headline(national: pd.Series, unit: formatting.Unit, money) -> Headline:
    """The forecast outturn, its variance to the control totals of the same organisations, and its coverage.

    Only organisations with a forecast count on either side (data-contract.md), and how many that is sits
    beside the figure, so a missing or carried-forward forecast can never read as an improvement.
    """
    coverage = narrative.forecast_coverage(national) or ""
    # The difference of the two figures as shown, so the reader's own subtraction agrees with it.
    variance = rounding.shown_difference(
        national["forecast_outturn"], national["forecast_control_total"], unit
    )
    help_text = (
        f"Sum of the latest forecasts reported up to the as-at month ({coverage}), against the control "
        f"totals of those same organisations ({money(national['forecast_control_total'])}); the control "
        f"total of all {int(national['orgs'])} is {money(national['control_total'])}. Beneath: forecast − "
        "control total, like for like."
    )
    if formatting.is_missing(variance):
        return Headline("Forecast outturn", "—", coverage, "off", help_text, "off")
    words = formatting.format_signed_variance(variance, unit, measure="forecast_variance")
    return signed_headline(
        "Forecast outturn",
        money(national["forecast_outturn"]),
        variance,
        unit,
        "forecast_variance",
        words=f"{words}; {coverage}" if coverage else None,
        help=help_text,
    )


def overview(s: Scope, measured: OverviewMeasures | None = None) -> OverviewView:
    """The board's page: headline figures, ranked variance and the national paragraph.

    Args:
        s: The scope.
        measured: :func:`overview_measures` of the same data and filters (any unit), when already known.
    """
    m = overview_measures(s) if measured is None else measured
    summary = m.summary
    if m.message is not None:
        return OverviewView(s.period, (), m.message, figures.empty_figure(m.message), summary, m.message)
    national = m.national
    unit = s.unit
    adverse = int((summary["variance_ytd"] < 0).sum())
    money = lambda v: formatting.format_money(v, unit, brackets=False)  # noqa: E731
    headlines = (
        signed_headline(
            "Surplus YTD",
            money(national["actual_surplus_ytd"]),
            rounding.shown_difference(national["actual_surplus_ytd"], national["plan_surplus_ytd"], unit),
            unit,
            "variance",
            help=f"Plan: {money(national['plan_surplus_ytd'])}. Beneath: the variance to plan "
            "(actual − plan surplus).",
        ),
        signed_headline(
            "Overspend YTD",
            money(national["overspend_ytd"]),
            national["overspend_ytd"],
            unit,
            "overspend",
            words=overspend_words(national["overspend_ytd"], national["plan_expenditure_ytd"]),
            help="Actual − planned expenditure; positive means more spent than planned (adverse).",
        ),
        Headline(
            "Systems adverse",
            f"{adverse} of {len(summary)}",
            f"{int(national['orgs_reporting'])} of {int(national['orgs'])} orgs reported",
            delta_color="off",
            arrow="off",
            help="Systems whose actual year-to-date surplus is below plan; organisations with actuals for "
            f"{formatting.month_label(s.year, s.month)}.",
        ),
        forecast_headline(national, unit, money),
    )
    text = narrative.national_narrative(summary, national.to_dict(), s.year, s.month, unit)
    ranked = figures.ranked_variance(summary, unit, s.period)
    return OverviewView(s.period, headlines, text, ranked, summary, None)
