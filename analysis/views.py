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
    reported = pd.Series(measures.reported(rows), index=rows.index)
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
    return Scope(restated(dataset) if restate else dataset, filters, unit, restate)


def restated(dataset: Dataset) -> Dataset:
    """The dataset with every row moved to its system's current footprint (see :mod:`analysis.lineage`)."""
    if dataset.control_totals.empty:
        return dataset
    moved = lineage.restate_to_current_footprint(dataset.control_totals, dataset.systems)
    return dataclasses.replace(dataset, control_totals=moved)


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
    series = monthly_variance_by_system(s, codes)
    return {code: spc.spc_analysis(series[code], "increase", target=0.0) for code in codes if code in series}


def system_trends(s: Scope, codes: list[str]) -> dict[str, spc.Variation]:
    """The SPC variation class of each system's in-month variance: :func:`system_variation`'s, icon only."""
    series = monthly_variance_by_system(s, codes)
    return {code: spc.latest_variation(series[code], "increase") for code in codes if code in series}


MONTHLY_VARIANCE_COLUMNS = [
    "financial_year",
    "month",
    "system_code",
    "org_type",
    "plan_income",
    "actual_income",
    "plan_expenditure",
    "actual_expenditure",
]
"""The columns the monthly variance needs: its own and those the filters read."""


def monthly_variance_by_system(s: Scope, codes: list[str] | None = None) -> dict[str, pd.Series]:
    """In-month variance (actual − plan surplus of reported rows) per system, oldest month first.

    Uses every financial year up to the chosen one (so a trend can span a year end), stopping at the as-at
    month of the chosen year; the other filters (region, systems, types, ratings) apply. With ``codes``,
    only those systems (each system's series is the same either way).
    """
    year_free = dataclasses.replace(s.filters, financial_year=None)
    frame = apply_filters(
        s.dataset.control_totals[MONTHLY_VARIANCE_COLUMNS],  # filtering copies only these columns
        year_free,
        systems=s.dataset.systems,
        ratings=s.dataset.progress_ratings,
    )
    return measures.monthly_variance_by_system(frame, s.year, s.month, codes)


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
    ratings = system_ratings(s.dataset.progress_ratings, lookup).set_index("system_code")["rating_label"]
    cohorts = _cohorts(lookup)
    accepted = _system_accepted(s)
    trends = system_trends(s, summary["system_code"].tolist())
    money = lambda column: summary[column].astype(float)  # noqa: E731
    table = pd.DataFrame(
        {
            "System": summary["system_name"].fillna(summary["system_code"]),
            "Code": summary["system_code"],
            "Region": summary["region"],
            "Type": summary["system_code"].map(cohorts),
            "Rating 2017": summary["system_code"].map(ratings).fillna("Not rated"),
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
            "Forecasts in": [
                f"{int(f)} of {int(o)}"
                for f, o in zip(summary["orgs_forecasting"], summary["orgs"], strict=True)
            ],
            "Accepted": [accepted.get(code, "not stated") for code in summary["system_code"]],
            "Trend (SPC)": [
                spc.VARIATION_LABELS[trends[c]] if c in trends else "too few points"
                for c in summary["system_code"]
            ],
        }
    )
    table["Position"] = [
        (formatting.favourable_or_adverse(v) if c in reporting else None) or "no actuals"
        for c, v in zip(summary["system_code"], summary["variance_ytd"], strict=True)
    ]
    return SystemsMeasures(summary, table, None)


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
    table = with_units(table, SYSTEM_TABLE_MONEY, s.unit)
    return SystemsView(s.period, table, figures.plan_vs_actual_dumbbell(m.summary, s.unit, s.period), None)


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


def system_detail_measures(s: Scope, code: str) -> SystemDetailMeasures:
    """One system's year to date, member contributions, months, SPC, reconciliation and acceptance."""
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


def system_detail(s: Scope, code: str, measured: SystemDetailMeasures | None = None) -> SystemDetailView:
    """One system: member contributions, the months, SPC, reconciliation and acceptance.

    Args:
        s: The scope.
        code: The system's code.
        measured: :func:`system_detail_measures` of the same data, filters and system (any unit), when
            already known.
    """
    m = system_detail_measures(s, code) if measured is None else measured
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
        waterfall=figures.waterfall(m.steps, unit, s.period, name),
        monthly=figures.monthly_plan_vs_actual(m.monthly, unit, s.year, name),
        spc_chart=spc_fig,
        spc_message=spc_message,
        attribution=table,
        reconciliation=_reconciliation_sentence(m.reconciliation, unit),
        not_accepted=m.not_accepted,
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


@dataclass(frozen=True)
class RatingsView:
    period: str
    table: pd.DataFrame
    figure: go.Figure
    message: str | None


@dataclass(frozen=True)
class RatingsMeasures:
    """Ratings beside year-to-date money (£000) before any unit is applied, or why there is nothing."""

    table: pd.DataFrame
    message: str | None


def ratings_measures(s: Scope) -> RatingsMeasures:
    """:func:`analysis.ratings.ratings_vs_money` of the filtered systems with any organisation."""
    if not s.year:
        return RatingsMeasures(pd.DataFrame(), NO_DATA)
    rows = selected_rows(s)
    if not rows.empty and not has_actuals(rows, s.month).any():
        return RatingsMeasures(pd.DataFrame(), no_actuals_message(s.year, s.month))
    table = ratings_vs_money(dataclasses.replace(s.dataset, control_totals=rows), s.year, s.month)
    table = table[table["orgs"] > 0] if "orgs" in table.columns else table
    if table.empty:
        return RatingsMeasures(pd.DataFrame(), NO_DATA)
    return RatingsMeasures(table, None)


def ratings(s: Scope, measured: RatingsMeasures | None = None) -> RatingsView:
    """Progress rating beside year-to-date money for the filtered systems.

    Args:
        s: The scope.
        measured: :func:`ratings_measures` of the same data and filters (any unit), when already known.
    """
    m = ratings_measures(s) if measured is None else measured
    if m.message is not None:
        return RatingsView(s.period, pd.DataFrame(), figures.empty_figure(m.message), m.message)
    table = m.table
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
    out = measures.add_row_measures(rows)[list(EXPLORE_COLUMNS)].rename(columns=EXPLORE_COLUMNS)
    for column in EXPLORE_MONEY:
        out[column] = formatting.scale(out[column].astype(float), s.unit)
    return with_units(out, EXPLORE_MONEY, s.unit).reset_index(drop=True)


MEASURES = {
    "overview": overview_measures,
    "systems": systems_measures,
    "system_detail": system_detail_measures,
    "ratings": ratings_measures,
}
"""Views built in two steps: these functions compute the numbers (no unit is read), and the view of the same
name takes them as ``measured`` and only applies the unit. Cached apart, keyed without the unit, they make a
unit toggle a re-formatting: nothing is measured again."""
