"""System detail: one system's member contributions, months, SPC, reconciliation and acceptance."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from analysis import figures, formatting, measures, narrative, rounding, spc
from analysis.formatting import Unit
from analysis.views._headlines import Headline, overspend_words, signed_headline
from analysis.views._scope import (
    NO_DATA,
    Scope,
    has_actuals,
    no_actuals_message,
    selected_rows,
    system_variation,
    with_units,
)


@dataclass(frozen=True)
class SystemDetailView:
    code: str
    name: str
    period: str
    narrative: str
    headlines: tuple[Headline, ...]
    waterfall: go.Figure
    monthly: go.Figure
    spc_chart: go.Figure
    spc_message: str
    attribution: pd.DataFrame
    reconciliation: str
    not_accepted: pd.DataFrame
    message: str | None


@dataclass(frozen=True)
class SystemDetailMeasures:
    """One system's numbers before any unit is applied (£000): a unit toggle only re-formats them."""

    code: str
    name: str
    row: pd.Series | None
    """The system's :func:`analysis.measures.ytd_summary` row."""
    attribution: pd.DataFrame
    steps: pd.DataFrame
    monthly: pd.DataFrame
    variation: spc.SpcResult | None
    reconciliation: pd.Series | None
    """The system's row of the control-total reconciliation, or None when there is none."""
    not_accepted: pd.DataFrame
    message: str | None


def system_detail_measures(s: Scope) -> SystemDetailMeasures:
    """The system in focus: its year to date, member contributions, months, SPC, reconciliation and
    acceptance (no system in focus: nothing to show)."""
    code = s.focus or ""
    lookup = s.dataset.systems.set_index("system_code")
    name = str(lookup["system_name"].get(code, code)) if code in lookup.index else code
    rows = selected_rows(s)
    rows = rows[rows["system_code"] == code]
    empty = pd.DataFrame()
    if rows.empty or not s.year:
        return SystemDetailMeasures(code, name, None, empty, empty, empty, None, None, empty, NO_DATA)
    if not has_actuals(rows, s.month).any():
        message = no_actuals_message(s.year, s.month, who=name)
        return SystemDetailMeasures(code, name, None, empty, empty, empty, None, None, empty, message)
    summary = measures.ytd_summary(rows, s.dataset.systems, "system", s.year, s.month)
    return SystemDetailMeasures(
        code=code,
        name=name,
        row=summary.iloc[0],
        attribution=measures.variance_attribution(rows, code, s.year, s.month),
        steps=measures.waterfall_steps(rows, code, s.year, s.month),
        monthly=measures.monthly_series(rows, "system", code, s.year, s.dataset.systems),
        variation=system_variation(s, [code]).get(code),
        reconciliation=_reconciliation_row(s, code),
        not_accepted=measures.not_accepted(rows, s.year, code),
        message=None,
    )


def system_detail(s: Scope, measured: SystemDetailMeasures | None = None) -> SystemDetailView:
    """The system in focus (``s.focus``): member contributions, the months, SPC, reconciliation and
    acceptance.

    Args:
        s: The scope, with the system in focus.
        measured: :func:`system_detail_measures` of the same data, filters and system (any unit), when
            already known.
    """
    m = system_detail_measures(s) if measured is None else measured
    code = m.code
    name = m.name
    if m.message is not None or m.row is None:
        return _empty_detail(code, name, s.period, m.message or NO_DATA)
    row, attribution, variation = m.row, m.attribution, m.variation
    spc_message = variation.message if variation else "No reported months to chart."
    text = narrative.system_narrative(row.to_dict(), attribution, spc_message, s.year, s.month or 12, s.unit)
    unit = s.unit
    money = lambda v: formatting.format_money(v, unit, brackets=False)  # noqa: E731
    missing = int(row["orgs"]) - int(row["orgs_reporting"])
    headlines = (
        signed_headline(
            "Actual surplus YTD",
            money(row["actual_surplus_ytd"]),
            rounding.shown_difference(row["actual_surplus_ytd"], row["plan_surplus_ytd"], unit),
            unit,
            "variance",
            help=f"Plan: {money(row['plan_surplus_ytd'])}. Beneath: the variance to plan.",
        ),
        signed_headline(
            "Overspend YTD",
            money(row["overspend_ytd"]),
            row["overspend_ytd"],
            unit,
            "overspend",
            words=overspend_words(row["overspend_ytd"], row["plan_expenditure_ytd"]),
        ),
        signed_headline(
            "Forecast outturn",
            money(row["forecast_outturn"]),
            rounding.shown_difference(row["forecast_outturn"], row["control_total"], unit),
            unit,
            "forecast_variance",
            help=f"Control total: {money(row['control_total'])}. Beneath: forecast − control total.",
        ),
        Headline(
            "Organisations reporting",
            f"{int(row['orgs_reporting'])} of {int(row['orgs'])}",
            "all reported" if missing == 0 else f"{missing} not yet reported",
            delta_color="off",
            arrow="off",
        ),
    )
    table = attribution_table(attribution, unit)
    spc_fig = (
        figures.spc_chart(variation, unit, name)
        if variation is not None
        else figures.empty_figure("No reported months to chart.")
    )
    return SystemDetailView(
        code=code,
        name=name,
        period=s.period,
        narrative=text,
        headlines=headlines,
        waterfall=figures.waterfall(m.steps, unit, s.period, name),
        monthly=figures.monthly_plan_vs_actual(m.monthly, unit, s.year, name),
        spc_chart=spc_fig,
        spc_message=spc_message,
        attribution=table,
        reconciliation=_reconciliation_sentence(m.reconciliation, unit),
        not_accepted=not_accepted_table(m.not_accepted, unit, s.year),
        message=None,
    )


def _empty_detail(code: str, name: str, period: str, message: str) -> SystemDetailView:
    empty = figures.empty_figure(message)
    frame = pd.DataFrame()
    return SystemDetailView(
        code, name, period, message, (), empty, empty, empty, "", frame, "", frame, message
    )


def attribution_table(attribution: pd.DataFrame, unit: Unit) -> pd.DataFrame:
    """Member organisations' contributions to the system's variance, as shown in the display unit (rounded
    once, here, the same way as the waterfall and the board pack)."""
    scale = lambda column: rounding.shown_series(attribution[column].astype(float), unit)  # noqa: E731
    table = pd.DataFrame(
        {
            "Organisation": attribution["org_name"],
            "Code": attribution["org_code"],
            "Income effect": scale("income_effect"),
            "Expenditure effect": scale("expenditure_effect"),
            "Contribution to variance": scale("contribution"),
            "Position": [
                formatting.favourable_or_adverse(v) or "no actuals" for v in attribution["contribution"]
            ],
        }
    )
    return with_units(table, ("Income effect", "Expenditure effect", "Contribution to variance"), unit)


def not_accepted_table(refused: pd.DataFrame, unit: Unit, year: str | None) -> pd.DataFrame:
    """Members that did not accept their control total, in the display unit with headers a reader knows."""
    months = refused["stated_in_month"]
    table = pd.DataFrame(
        {
            "Organisation": refused["org_name"],
            "Code": refused["org_code"],
            "Type": refused["org_type"],
            "Control total": formatting.scale(refused["control_total"].astype(float), unit),
            "Said so at": [
                formatting.month_label(year, int(m)) if year and pd.notna(m) else "" for m in months
            ],
        }
    ).reset_index(drop=True)
    return with_units(table, ("Control total",), unit)


def others_note(attribution: pd.DataFrame, shown: int = 5) -> str:
    """Where to find the organisations the waterfall sums into one "Other N organisations" bar ("" if none).

    ``shown`` is how many organisations get their own bar (:func:`analysis.measures.waterfall_steps`).
    """
    hidden = len(attribution) - shown
    if hidden <= 0:
        return ""
    return (
        f'"{measures.others_label(hidden)}" sums the organisations without a bar of their own; '
        "every member organisation is listed under Member organisations' contributions below."
    )


def _reconciliation_row(s: Scope, code: str) -> pd.Series | None:
    table = measures.reconcile_system_control_totals(s.dataset, s.year)
    row = table[table["system_code"] == code]
    if row.empty or row["status"].iloc[0] == "no stated total":
        return None
    return row.iloc[0]


def _reconciliation_sentence(r: pd.Series | None, unit: Unit) -> str:
    if r is None:
        return "No stated system control total was loaded for this system and year: nothing to reconcile."
    stated = formatting.format_money(r["stated_control_total"], unit, brackets=False)
    members = formatting.format_money(r["members_control_total"], unit, brackets=False)
    if r["status"] == "agrees":
        return (
            f"The stated system control total ({stated}) agrees with the sum of its members' control totals."
        )
    diff = formatting.format_money(r["difference"], unit, brackets=False)
    return (
        f"The stated system control total ({stated}) differs from the sum of its members' control totals "
        f"({members}) by {diff}: check which is right before relying on either."
    )
