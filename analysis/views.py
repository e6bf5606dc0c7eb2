"""View models: everything a page shows, computed from (dataset, filters, unit) without Streamlit.

Each page has one function here returning a frozen dataclass of figures, tables (already in the display
unit) and sentences; the page only lays them out. The same functions feed exports and the board pack, so
what is downloaded is what was on screen.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from analysis import figures, formatting, lineage, measures, narrative, spc
from analysis.filters import Filters, apply_filters
from analysis.formatting import Unit
from analysis.model import Dataset
from analysis.ratings import ratings_vs_money, system_ratings

NO_DATA = "No rows match the filters. Widen the selection or press Reset filters."


def no_actuals_message(year: str | None, month: int | None = None, who: str | None = None) -> str:
    """Why there is no year to date to show: nothing reported yet (said plainly, not as a filter problem)."""
    when = f"{year} up to {formatting.month_label(year, month)}" if year and month else (year or "any year")
    if who:
        subject = f"{who} has not reported"
    elif month:
        subject = "No organisation in the selection has reported"
    else:
        subject = "No organisation has reported"
    return (
        f"{subject} actuals for {when} yet, so there is no year to date to compare with plan. "
        "The planned figures are on the Explore page."
    )


def has_actuals(rows: pd.DataFrame, month: int | None) -> pd.Series:
    """Per row: actuals reported and within months 1..month (the rows a year to date is built from)."""
    reported = rows["actual_income"].notna() & rows["actual_expenditure"].notna()
    return reported & (rows["month"] <= month) if month else reported & False


def money_label(name: str, unit: Unit) -> str:
    """A money column's header carries its unit, on screen and in every export."""
    return f"{name} ({unit})"


def with_units(table: pd.DataFrame, money: tuple[str, ...], unit: Unit) -> pd.DataFrame:
    return table.rename(columns={c: money_label(c, unit) for c in money if c in table.columns})


@dataclass(frozen=True)
class Scope:
    """The data a view works on: the chosen footprint, the filters and the unit."""

    dataset: Dataset
    filters: Filters
    unit: Unit
    restate: bool

    @property
    def year(self) -> str | None:
        return self.filters.financial_year

    @property
    def month(self) -> int | None:
        return self.filters.month

    @property
    def period(self) -> str:
        if self.year and self.month:
            return f"{formatting.month_label(self.year, self.month)}, {self.year}"
        return self.year or "no period"


def scope(dataset: Dataset, filters: Filters, unit: Unit, restate: bool = False) -> Scope:
    """A scope whose dataset is restated on today's footprints when asked (each row moved, never split)."""
    if restate and not dataset.control_totals.empty:
        restated = lineage.restate_to_current_footprint(dataset.control_totals, dataset.systems)
        dataset = dataclasses.replace(dataset, control_totals=restated)
    return Scope(dataset, filters, unit, restate)


def selected_rows(s: Scope, through_month: bool = False, attributes: bool = False) -> pd.DataFrame:
    """The control-total rows the filters select (all months of the year unless `through_month`)."""
    return apply_filters(s.dataset, s.filters, through_month=through_month, attributes=attributes)


def system_summary(s: Scope) -> pd.DataFrame:
    """Year-to-date measures per system for the filtered rows (£000)."""
    if not s.year:
        return measures.empty_summary("system")
    return measures.ytd_summary(selected_rows(s), s.dataset.systems, "system", s.year, s.month)


def national_summary(s: Scope) -> pd.Series:
    """Year-to-date measures of all the filtered rows together (£000)."""
    if not s.year:
        return measures.empty_summary("national").iloc[0:1].squeeze()
    table = measures.ytd_summary(selected_rows(s), s.dataset.systems, "national", s.year, s.month)
    return table.iloc[0] if len(table) else pd.Series(dtype=object)


@dataclass(frozen=True)
class Headline:
    """One headline figure: label, value, and a signed delta in words (colour is never the only cue)."""

    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"
    help: str = ""
    arrow: str = "auto"


@dataclass(frozen=True)
class OverviewView:
    period: str
    headlines: tuple[Headline, ...]
    narrative: str
    ranked: go.Figure
    summary: pd.DataFrame
    message: str | None


_DIRECTION_COLOURS = {"favourable": "blue", "adverse": "red"}
"""Headline deltas: NHS blue for favourable, red for adverse, always with the word and an arrow too."""


def signed_headline(
    label: str,
    value: str,
    change: float,
    unit: Unit,
    measure: formatting.Measure,
    words: str | None = None,
    help: str = "",
) -> Headline:
    """A headline whose change is said in words, with an arrow for its sign and a colour for its meaning.

    The arrow follows the number (up = larger), the colour and the word follow what it means for the money
    (more overspend is up but adverse), so neither colour nor arrow is the only cue.
    """
    if formatting.is_missing(change):
        return Headline(label, value, None, "off", help, "off")
    direction = formatting.favourable_or_adverse(change, measure)
    text = words or formatting.format_signed_variance(change, unit, measure=measure)
    if text == "on plan" or direction == "on plan":
        return Headline(label, value, "on plan", "off", help, "off")
    arrow = "up" if float(change) > 0 else "down"
    return Headline(label, value, text, _DIRECTION_COLOURS.get(direction or "", "off"), help, arrow)


def _overspend_words(overspend: float, plan: float) -> str | None:
    if formatting.is_missing(overspend) or formatting.is_missing(plan) or not plan:
        return None
    direction = formatting.favourable_or_adverse(overspend, "overspend")
    return f"{formatting.format_percent(100 * abs(overspend) / plan, 2)} of plan, {direction}"


def overview(s: Scope) -> OverviewView:
    """The board's page: headline figures, ranked variance and the national paragraph."""
    summary = system_summary(s)
    if summary.empty:
        return OverviewView(s.period, (), NO_DATA, figures.empty_figure(NO_DATA), summary, NO_DATA)
    if not has_actuals(selected_rows(s), s.month).any():
        message = no_actuals_message(s.year, s.month)
        return OverviewView(s.period, (), message, figures.empty_figure(message), summary, message)
    national = national_summary(s)
    unit = s.unit
    adverse = int((summary["variance_ytd"] < 0).sum())
    money = lambda v: formatting.format_money(v, unit, brackets=False)  # noqa: E731
    headlines = (
        signed_headline(
            "Surplus YTD",
            money(national["actual_surplus_ytd"]),
            national["variance_ytd"],
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
            words=_overspend_words(national["overspend_ytd"], national["plan_expenditure_ytd"]),
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
        signed_headline(
            "Forecast outturn",
            money(national["forecast_outturn"]),
            national["forecast_variance"],
            unit,
            "forecast_variance",
            help=f"Control total: {money(national['control_total'])}. Sum of members' forecasts at the as-at "
            f"month ({int(national['orgs_forecasting'])} of {int(national['orgs'])} organisations forecast); "
            "beneath: forecast − control total.",
        ),
    )
    text = narrative.national_narrative(summary, national.to_dict(), s.year, s.month, unit)
    ranked = figures.ranked_variance(summary, unit, s.period)
    return OverviewView(s.period, headlines, text, ranked, summary, None)


def _cohorts(systems: pd.DataFrame) -> pd.Series:
    kind = systems["system_type"].fillna("STP")
    since = systems["ics_since"].fillna("")
    return pd.Series(
        [f"{k} since {d}" if d else k for k, d in zip(kind, since, strict=True)], index=systems["system_code"]
    )


def system_variation(s: Scope, codes: list[str]) -> dict[str, spc.SpcResult]:
    """SPC of each system's in-month variance over every reported month up to the as-at month."""
    series = monthly_variance_by_system(s)
    out: dict[str, spc.SpcResult] = {}
    for code in codes:
        values = series.get(code)
        if values is not None:
            out[code] = spc.spc_analysis(values, "increase", target=0.0)
    return out


def monthly_variance_by_system(s: Scope) -> dict[str, pd.Series]:
    """In-month variance (actual − plan surplus of reported rows) per system, oldest month first.

    Uses every financial year up to the chosen one (so a trend can span a year end), stopping at the as-at
    month of the chosen year; the other filters (region, systems, types, ratings) apply.
    """
    year_free = dataclasses.replace(s.filters, financial_year=None)
    frame = apply_filters(s.dataset, year_free)
    if frame.empty or not s.year:
        return {}
    reported = frame["actual_income"].notna() & frame["actual_expenditure"].notna()
    frame = frame[reported & (frame["financial_year"] <= s.year)]
    if s.month:
        frame = frame[(frame["financial_year"] < s.year) | (frame["month"] <= s.month)]
    variance = (frame["actual_income"] - frame["actual_expenditure"]) - (
        frame["plan_income"] - frame["plan_expenditure"]
    )
    grouped = variance.groupby([frame["system_code"], frame["financial_year"], frame["month"]]).sum()
    result: dict[str, pd.Series] = {}
    for code, part in grouped.groupby(level=0):
        part = part.droplevel(0).sort_index()
        part.index = [formatting.month_short(y, int(m)) for y, m in part.index]
        result[str(code)] = part
    return result


@dataclass(frozen=True)
class SystemsView:
    period: str
    table: pd.DataFrame
    dumbbell: go.Figure
    message: str | None


SYSTEM_TABLE_MONEY = (
    "Plan surplus YTD",
    "Actual surplus YTD",
    "Variance YTD",
    "Overspend YTD",
    "Control total",
    "Forecast outturn",
    "Forecast vs control total",
)


def systems(s: Scope) -> SystemsView:
    """Every system side by side, in the display unit, with rating, cohort and SPC variation."""
    summary = system_summary(s)
    if summary.empty:
        return SystemsView(s.period, pd.DataFrame(), figures.empty_figure(NO_DATA), NO_DATA)
    rows = selected_rows(s)
    reporting = set(rows.loc[has_actuals(rows, s.month), "system_code"])
    if not reporting:
        message = no_actuals_message(s.year, s.month)
        return SystemsView(s.period, pd.DataFrame(), figures.empty_figure(message), message)
    lookup = s.dataset.systems
    ratings = system_ratings(s.dataset.progress_ratings, lookup).set_index("system_code")["rating_label"]
    cohorts = _cohorts(lookup)
    accepted = _system_accepted(s)
    variation = system_variation(s, summary["system_code"].tolist())
    scale = lambda column: formatting.scale(summary[column].astype(float), s.unit)  # noqa: E731
    table = pd.DataFrame(
        {
            "System": summary["system_name"].fillna(summary["system_code"]),
            "Code": summary["system_code"],
            "Region": summary["region"],
            "Type": summary["system_code"].map(cohorts),
            "Rating 2017": summary["system_code"].map(ratings).fillna("Not rated"),
            "Organisations": summary["orgs"],
            "Reporting": summary["orgs_reporting"],
            "Plan surplus YTD": scale("plan_surplus_ytd"),
            "Actual surplus YTD": scale("actual_surplus_ytd"),
            "Variance YTD": scale("variance_ytd"),
            "Variance %": summary["variance_pct"],
            "Overspend YTD": scale("overspend_ytd"),
            "Control total": scale("control_total"),
            "Forecast outturn": scale("forecast_outturn"),
            "Forecast vs control total": scale("forecast_variance"),
            "Forecasts in": [
                f"{int(f)} of {int(o)}"
                for f, o in zip(summary["orgs_forecasting"], summary["orgs"], strict=True)
            ],
            "Accepted": [accepted.get(code, "not stated") for code in summary["system_code"]],
            "Trend (SPC)": [
                spc.VARIATION_LABELS[variation[c].variation] if c in variation else "too few points"
                for c in summary["system_code"]
            ],
        }
    )
    table["Position"] = [
        (formatting.favourable_or_adverse(v) if c in reporting else None) or "no actuals"
        for c, v in zip(summary["system_code"], summary["variance_ytd"], strict=True)
    ]
    table = table.sort_values("Variance YTD", kind="stable").reset_index(drop=True)
    table = with_units(table, SYSTEM_TABLE_MONEY, s.unit)
    return SystemsView(s.period, table, figures.plan_vs_actual_dumbbell(summary, s.unit, s.period), None)


def _system_accepted(s: Scope) -> dict[str, str]:
    """Whether each system accepted a shared control total (stated file) or how many members did not."""
    out: dict[str, str] = {}
    stated = s.dataset.system_control_totals
    if not stated.empty and s.year:
        rows = stated[stated["financial_year"] == s.year]
        for code, value in zip(rows["system_code"], rows["accepted"], strict=True):
            out[str(code)] = "not stated" if pd.isna(value) else ("yes" if bool(value) else "no")
    return out


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


def system_detail(s: Scope, code: str) -> SystemDetailView:
    """One system: member contributions, the months, SPC, reconciliation and acceptance."""
    lookup = s.dataset.systems.set_index("system_code")
    name = str(lookup["system_name"].get(code, code)) if code in lookup.index else code
    rows = selected_rows(s)
    rows = rows[rows["system_code"] == code]
    if rows.empty or not s.year:
        return _empty_detail(code, name, s.period, NO_DATA)
    if not has_actuals(rows, s.month).any():
        return _empty_detail(code, name, s.period, no_actuals_message(s.year, s.month, who=name))
    summary = measures.ytd_summary(rows, s.dataset.systems, "system", s.year, s.month)
    row = summary.iloc[0]
    attribution = measures.variance_attribution(rows, code, s.year, s.month)
    steps = measures.waterfall_steps(rows, code, s.year, s.month)
    monthly = measures.monthly_series(rows, "system", code, s.year, s.dataset.systems)
    variation = system_variation(s, [code]).get(code)
    spc_message = variation.message if variation else "No reported months to chart."
    text = narrative.system_narrative(row.to_dict(), attribution, spc_message, s.year, s.month or 12, s.unit)
    unit = s.unit
    money = lambda v: formatting.format_money(v, unit, brackets=False)  # noqa: E731
    missing = int(row["orgs"]) - int(row["orgs_reporting"])
    headlines = (
        signed_headline(
            "Actual surplus YTD",
            money(row["actual_surplus_ytd"]),
            row["variance_ytd"],
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
            words=_overspend_words(row["overspend_ytd"], row["plan_expenditure_ytd"]),
        ),
        signed_headline(
            "Forecast outturn",
            money(row["forecast_outturn"]),
            row["forecast_variance"],
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
        waterfall=figures.waterfall(steps, unit, s.period, name),
        monthly=figures.monthly_plan_vs_actual(monthly, unit, s.year, name),
        spc_chart=spc_fig,
        spc_message=spc_message,
        attribution=table,
        reconciliation=_reconciliation_sentence(s, code, unit),
        not_accepted=measures.not_accepted(rows, s.year, code),
        message=None,
    )


def _empty_detail(code: str, name: str, period: str, message: str) -> SystemDetailView:
    empty = figures.empty_figure(message)
    frame = pd.DataFrame()
    return SystemDetailView(
        code, name, period, message, (), empty, empty, empty, "", frame, "", frame, message
    )


def attribution_table(attribution: pd.DataFrame, unit: Unit) -> pd.DataFrame:
    """Member organisations' contributions to the system's variance, in the display unit."""
    scale = lambda column: formatting.scale(attribution[column].astype(float), unit)  # noqa: E731
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


def _reconciliation_sentence(s: Scope, code: str, unit: Unit) -> str:
    table = measures.reconcile_system_control_totals(s.dataset, s.year)
    row = table[table["system_code"] == code]
    if row.empty or row["status"].iloc[0] == "no stated total":
        return "No stated system control total was loaded for this system and year: nothing to reconcile."
    r = row.iloc[0]
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


@dataclass(frozen=True)
class RatingsView:
    period: str
    table: pd.DataFrame
    figure: go.Figure
    message: str | None


def ratings(s: Scope) -> RatingsView:
    """Progress rating beside year-to-date money for the filtered systems."""
    if not s.year:
        return RatingsView(s.period, pd.DataFrame(), figures.empty_figure(NO_DATA), NO_DATA)
    rows = selected_rows(s)
    if not rows.empty and not has_actuals(rows, s.month).any():
        message = no_actuals_message(s.year, s.month)
        return RatingsView(s.period, pd.DataFrame(), figures.empty_figure(message), message)
    table = ratings_vs_money(dataclasses.replace(s.dataset, control_totals=rows), s.year, s.month)
    table = table[table["orgs"] > 0] if "orgs" in table.columns else table
    if table.empty:
        return RatingsView(s.period, pd.DataFrame(), figures.empty_figure(NO_DATA), NO_DATA)
    shown = pd.DataFrame(
        {
            "System": table["system_name"].fillna(table["system_code"]),
            "Code": table["system_code"],
            "Region": table["region"],
            "Rating 2017": table["rating_label"],
            "Rating basis": table["rating_basis"],
            "Variance YTD": formatting.scale(table["variance_ytd"].astype(float), s.unit),
            "Variance %": table["variance_pct"],
            "Overspend YTD": formatting.scale(table["overspend_ytd"].astype(float), s.unit),
        }
    )
    shown = with_units(shown, ("Variance YTD", "Overspend YTD"), s.unit)
    return RatingsView(s.period, shown, figures.ratings_strip(table, s.unit, s.period), None)


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
        return pd.DataFrame(columns=list(EXPLORE_COLUMNS.values()))
    out = rows.assign(
        plan_surplus=rows["plan_income"] - rows["plan_expenditure"],
        actual_surplus=rows["actual_income"] - rows["actual_expenditure"],
    )
    out = out.assign(
        variance=out["actual_surplus"] - out["plan_surplus"],
        overspend=out["actual_expenditure"] - out["plan_expenditure"],
    )
    out = out[list(EXPLORE_COLUMNS)].rename(columns=EXPLORE_COLUMNS)
    for column in EXPLORE_MONEY:
        out[column] = formatting.scale(out[column].astype(float), s.unit)
    return with_units(out, EXPLORE_MONEY, s.unit).reset_index(drop=True)
