"""Sentences generated from the numbers: the board narrative, a system's story, and chart text alternatives.

Inputs are plain frames and mappings with the column names of the year-to-date summary (all money in
£000): ``system_code, system_name, region, orgs, orgs_reporting, plan_surplus_ytd, actual_surplus_ytd,
variance_ytd, overspend_ytd, control_total, forecast_outturn, forecast_variance``, and for the forecast's
coverage ``forecast_orgs, forecast_carried, forecast_carried_from, forecast_carried_to,
forecast_control_total``.

Wording rules: always favourable/adverse (never up/down); amounts formatted by ``analysis.formatting``;
names inserted as plain text, with no markup added around them. Counts of adverse systems use the sign of
the unrounded variance (the data contract's definition), so they agree with the headline metrics.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.formatting import (
    Measure,
    Unit,
    favourable_or_adverse,
    format_money,
    format_signed_variance,
    is_missing,
    month_label,
    rounds_to_zero,
)
from analysis.rounding import shown_difference

TOP_N = 3
"""How many systems or organisations a sentence names at most."""

_FORECAST_KEYS = ("orgs", "forecast_orgs", "forecast_carried", "forecast_outturn", "forecast_variance")
_FORECAST_KEYS += ("forecast_control_total",)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun if count == 1 else noun + 's'}"


def _join(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _get(mapping: Mapping[str, object] | pd.Series, key: str) -> object:
    try:
        return mapping[key]
    except KeyError:
        return None


def _number(value: object) -> float | None:
    return None if is_missing(value) else float(value)  # type: ignore[arg-type]


def _amount(value: float, unit: Unit) -> str:
    """Unsigned amount with symbol; a non-zero amount too small to show says so (``less than £0.1m``)."""
    if value != 0 and rounds_to_zero(value, unit):
        smallest = 1.0 if unit == "£000" else 100.0
        return f"less than {format_money(smallest, unit)}"
    return format_money(abs(value), unit)


def _signed_amount(value: float, unit: Unit, measure: Measure = "variance") -> str:
    """``£2.1m adverse``; a tiny non-zero value is ``less than £0.1m adverse`` rather than on plan."""
    direction = favourable_or_adverse(value, measure)
    if direction == "on plan":
        return "on plan"
    return f"{_amount(value, unit)} {direction}"


def _surplus_phrase(value: float | None, unit: Unit) -> str:
    """``surplus £1.2m``, ``deficit £1.2m``, ``breakeven`` or ``not available``."""
    if value is None:
        return "not available"
    if rounds_to_zero(value, unit):
        return "breakeven"
    return f"{'surplus' if value > 0 else 'deficit'} {format_money(abs(value), unit)}"


def _name(row: Mapping[str, object] | pd.Series, name_key: str, code_key: str) -> str:
    name = _get(row, name_key)
    if is_missing(name) or not str(name).strip():
        code = _get(row, code_key)
        return "" if is_missing(code) else str(code).strip()
    return str(name).strip()


def _total(national: Mapping[str, object], frame: pd.DataFrame, key: str) -> float | None:
    """A national figure: from ``national`` when given, else summed from the systems (None if none known)."""
    value = _get(national, key)
    if not is_missing(value):
        return float(value)  # type: ignore[arg-type]
    if key not in frame.columns:
        return None
    column = pd.to_numeric(frame[key], errors="coerce")
    return None if column.notna().sum() == 0 else float(column.sum())


def forecast_coverage(row: Mapping[str, object] | pd.Series) -> str | None:
    """How many of a group's organisations a forecast figure covers, said beside it.

    E.g. ``"16 of 17 forecasts in; 1 carried forward from M08"``; None when the row does not say. The
    contract's forecast carries an organisation's latest earlier forecast forward, so how many were carried
    (and from when) is part of what the figure means.
    """
    orgs, forecasting = _number(_get(row, "orgs")), _number(_get(row, "forecast_orgs"))
    if orgs is None or forecasting is None:
        return None
    text = f"{round(forecasting)} of {round(orgs)} forecasts in"
    carried = _number(_get(row, "forecast_carried")) or 0
    if carried:
        first = _number(_get(row, "forecast_carried_from"))
        last = _number(_get(row, "forecast_carried_to"))
        text += f"; {round(carried)} carried forward"
        if first is not None and last is not None:
            span = f"M{round(first):02d}" if first == last else f"M{round(first):02d}–M{round(last):02d}"
            text += f" from {span}"
    return text


def _forecast_sentence(
    row: Mapping[str, object],
    unit: Unit,
    *,
    subject: str,
    target: str,
    partial_target: str,
    missing: str,
) -> str:
    """The forecast against the control totals of the same organisations, with its coverage beside it."""
    forecast = _number(_get(row, "forecast_outturn"))
    forecast_variance = _number(_get(row, "forecast_variance"))
    control_total = _number(_get(row, "forecast_control_total"))
    orgs, forecasting = _number(_get(row, "orgs")), _number(_get(row, "forecast_orgs"))
    if forecast_variance is None and forecast is not None and control_total is not None:
        forecast_variance = forecast - control_total  # the contract's: against the same organisations
    if forecast is None or forecast_variance is None or forecasting == 0:
        return missing
    if orgs is not None and forecasting is not None and forecasting < orgs:
        target = partial_target
    parts = []
    if control_total is not None:
        parts.append(f"{_surplus_phrase(forecast, unit)} against {_surplus_phrase(control_total, unit)}")
        # The words give the difference of the two figures as shown, so a reader's subtraction agrees.
        forecast_variance = shown_difference(forecast, control_total, unit)
    coverage = forecast_coverage(row)
    if coverage:
        parts.append(coverage)
    detail = f" ({'; '.join(parts)})" if parts else ""
    if rounds_to_zero(forecast_variance, unit):
        return f"{subject} in line with {target}{detail}."
    words = format_signed_variance(forecast_variance, unit, "forecast_variance")
    return f"{subject} {words} to {target}{detail}."


def national_narrative(
    summary_by_system: pd.DataFrame,
    national: Mapping[str, object],
    year: str,
    month: int,
    unit: Unit = "£m",
) -> str:
    """One paragraph for the board on where the money stands across the selected systems.

    Example: "At M06 (Sep 2018) of 2018/19, the 44 systems together are £3.2m adverse to plan year to date
    (planned deficit £120.0m, actual deficit £123.2m). 17 of 44 systems are adverse to plan; the largest
    adverse variances are at A (£1.2m), B (£0.9m) and C (£0.4m). Reported forecasts put the year end £1.0m
    adverse to the combined control total (deficit £101.0m against deficit £100.0m)."

    Args:
        summary_by_system: One row per system (year-to-date summary columns, £000).
        national: Totals across the selection (same keys, £000); a missing key is summed from the systems.
        year: Financial year, ``"2018/19"``.
        month: As-at month of the financial year, 1-12.
        unit: Unit for the amounts.

    Returns:
        The paragraph, plain text.
    """
    period = month_label(year, month)
    opening = f"At {period} of {year}"
    frame = summary_by_system if summary_by_system is not None else pd.DataFrame()
    national = {} if national is None else national
    if frame.empty:
        return f"{opening}, there is no data for the selection."

    n_systems = len(frame)
    variance = (
        pd.to_numeric(frame["variance_ytd"], errors="coerce")
        if "variance_ytd" in frame.columns
        else pd.Series(float("nan"), index=frame.index)
    )
    plan = _total(national, frame, "plan_surplus_ytd")
    actual = _total(national, frame, "actual_surplus_ytd")
    total_variance = _total(national, frame, "variance_ytd")
    forecast_row = {key: _total(national, frame, key) for key in _FORECAST_KEYS}
    for key in ("forecast_carried_from", "forecast_carried_to"):
        forecast_row[key] = _number(_get(national, key))

    if n_systems == 1:
        noun = _name(frame.iloc[0], "system_name", "system_code") or "the selected system"
        subject = f"{noun} is"
    else:
        noun = f"the {n_systems} systems"
        subject = f"{noun} together are"

    sentences: list[str] = []
    if total_variance is None:
        sentences.append(f"{opening}, no actuals have been reported for {noun}.")
    else:
        words = format_signed_variance(total_variance, unit, "variance")
        relation = words if words == "on plan" else f"{words} to plan"
        sentences.append(
            f"{opening}, {subject} {relation} year to date "
            f"(planned {_surplus_phrase(plan, unit)}, actual {_surplus_phrase(actual, unit)})."
        )

        reported = frame.loc[variance.notna()].assign(_variance=variance[variance.notna()])
        n_reported = len(reported)
        adverse = reported.loc[reported["_variance"] < 0].sort_values("_variance", kind="stable")
        n_adverse = len(adverse)
        if n_systems > 1 and n_reported:
            of_systems = f"{n_adverse} of {n_reported} systems"
            verb = "is" if n_adverse == 1 else "are"
            if n_adverse == 0:
                sentences.append(f"None of the {n_reported} systems is adverse to plan.")
            else:
                named = [
                    f"{_name(row, 'system_name', 'system_code')} ({_amount(row['_variance'], unit)})"
                    for _, row in adverse.head(TOP_N).iterrows()
                ]
                if n_adverse == n_reported:
                    lead = f"All {n_reported} systems are adverse to plan"
                else:
                    lead = f"{of_systems} {verb} adverse to plan"
                if n_adverse > TOP_N:
                    sentences.append(f"{lead}; the largest adverse variances are at {_join(named)}.")
                else:
                    sentences.append(f"{lead}: {_join(named)}.")
        if n_reported < n_systems:
            missing = n_systems - n_reported
            sentences.append(
                f"{_plural(missing, 'system')} {'has' if missing == 1 else 'have'} no actuals to {period}."
            )

    sentences.append(
        _forecast_sentence(
            forecast_row,
            unit,
            subject="Reported forecasts put the year end",
            target="the combined control total",
            partial_target="the control totals of the organisations that forecast",
            missing=f"Forecast outturns have not been reported for {period}.",
        )
    )

    orgs = _total(national, frame, "orgs")
    orgs_reporting = _total(national, frame, "orgs_reporting")
    if orgs is not None and orgs_reporting is not None and orgs_reporting < orgs:
        not_reported = round(orgs - orgs_reporting)
        verb = "has" if not_reported == 1 else "have"
        sentences.append(
            f"{not_reported} of {round(orgs)} organisations {verb} not yet reported M{month:02d}."
        )
    return " ".join(sentences)


def _attribution(attribution: pd.DataFrame | None, variance: float, unit: Unit) -> tuple[str, str]:
    """The clause naming what drives a variance, and a sentence on what offsets it (each may be empty).

    Clause: ``, driven mostly by expenditure: Trust A (£2.1m adverse) and Trust B (£0.9m adverse)``.
    Sentence: ``Income is £0.5m favourable, partly offsetting this.``
    """
    if attribution is None or attribution.empty:
        return "", ""
    direction = 1.0 if variance > 0 else -1.0
    driver = offset = ""
    if {"income_effect", "expenditure_effect"} <= set(attribution.columns):
        effects = {
            kind: float(pd.to_numeric(attribution[f"{kind}_effect"], errors="coerce").sum())
            for kind in ("income", "expenditure")
        }
        same = [kind for kind, value in effects.items() if value * direction > 0]
        against = [kind for kind, value in effects.items() if value * direction < 0]
        if len(same) == 2:
            driver = f"driven mostly by {max(same, key=lambda kind: abs(effects[kind]))}"
        elif len(same) == 1:
            driver = f"driven by {same[0]}"
            if against and not rounds_to_zero(effects[against[0]], unit):
                kind = against[0]
                offset = (
                    f"{kind.capitalize()} is {_signed_amount(effects[kind], unit)}, partly offsetting this."
                )

    named: list[str] = []
    more = False
    if "contribution" in attribution.columns:
        contribution = pd.to_numeric(attribution["contribution"], errors="coerce")
        movers = attribution.assign(_c=contribution).loc[lambda f: f["_c"] * direction > 0]
        movers = movers.assign(_size=movers["_c"].abs()).sort_values("_size", ascending=False, kind="stable")
        named = [
            f"{_name(row, 'org_name', 'org_code')} ({_signed_amount(row['_c'], unit)})"
            for _, row in movers.head(TOP_N).iterrows()
        ]
        more = len(movers) > TOP_N

    if named and more:
        orgs = f"the largest contributions are from {_join(named)}"
        clause = f", {driver}; {orgs}" if driver else f"; {orgs}"
    elif named:
        clause = f", {driver}: {_join(named)}" if driver else f", from {_join(named)}"
    else:
        clause = f", {driver}" if driver else ""
    return clause, offset


def system_narrative(
    system_row: Mapping[str, object] | pd.Series,
    attribution: pd.DataFrame | None,
    spc_message: str | None,
    year: str,
    month: int,
    unit: Unit = "£m",
) -> str:
    """A short paragraph on one system: its variance, what drives it, its forecast and its SPC signal.

    Example: "Cheshire and Merseyside is £3.2m adverse to plan year to date at M06 (Sep 2018) of 2018/19,
    driven mostly by expenditure: Trust A (£2.1m adverse) and Trust B (£0.9m adverse). Its forecast outturn
    is £1.0m adverse to its control total (deficit £11.0m against deficit £10.0m)."

    Args:
        system_row: The system's summary row (year-to-date summary keys, £000).
        attribution: Member organisations' effects: org_code, org_name, income_effect, expenditure_effect,
            contribution (£000, positive = favourable); None or empty to leave out the drivers.
        spc_message: A sentence from the SPC analysis, appended as given; None to leave out.
        year: Financial year, ``"2018/19"``.
        month: As-at month, 1-12.
        unit: Unit for the amounts.

    Returns:
        The paragraph, plain text.
    """
    period = month_label(year, month)
    name = _name(system_row, "system_name", "system_code") or "This system"
    variance = _number(_get(system_row, "variance_ytd"))
    when = f"year to date at {period} of {year}"

    sentences: list[str] = []
    if variance is None:
        sentences.append(f"{name} has no actuals reported {when}.")
    elif rounds_to_zero(variance, unit):
        sentences.append(f"{name} is on plan {when}.")
    else:
        words = format_signed_variance(variance, unit, "variance")
        clause, offset = _attribution(attribution, variance, unit)
        sentences.append(f"{name} is {words} to plan {when}{clause}.")
        if offset:
            sentences.append(offset)

    sentences.append(
        _forecast_sentence(
            system_row,
            unit,
            subject="Its forecast outturn is",
            target="its control total",
            partial_target="the control totals of its organisations that forecast",
            missing=f"It has not reported a forecast outturn for {period}.",
        )
    )

    orgs = _number(_get(system_row, "orgs"))
    orgs_reporting = _number(_get(system_row, "orgs_reporting"))
    if orgs is not None and orgs_reporting is not None and orgs_reporting < orgs:
        not_reported = round(orgs - orgs_reporting)
        verb = "has" if not_reported == 1 else "have"
        sentences.append(
            f"{not_reported} of its {round(orgs)} organisations {verb} not yet reported M{month:02d}."
        )

    if spc_message and spc_message.strip():
        sentences.append(_sentence(spc_message))
    return " ".join(sentences)


def _counts(n: int, n_adverse: int, n_favourable: int, n_on_plan: int) -> str:
    """``3 of 5 systems are adverse, 1 favourable and 1 on plan.``, ``All 5 systems are favourable.``."""
    for count, word in ((n_adverse, "adverse"), (n_favourable, "favourable"), (n_on_plan, "on plan")):
        if count == n:
            return f"All {n} systems are {word}."
    if n_adverse == 0:
        verb = "is" if n_favourable == 1 else "are"
        return (
            f"None of the {n} systems is adverse: {n_favourable} {verb} favourable and {n_on_plan} on plan."
        )
    counts = [f"{n_adverse} of {n} systems {'is' if n_adverse == 1 else 'are'} adverse"]
    counts += [
        f"{count} {word}" for count, word in ((n_favourable, "favourable"), (n_on_plan, "on plan")) if count
    ]
    return f"{_join(counts)}."


def describe_ranked_variance(summary_by_system: pd.DataFrame, unit: Unit = "£m") -> str:
    """A text alternative for the ranked variance-by-system bar chart, for screen readers.

    Example: "Bar chart of year-to-date variance to plan by system in £m, ranked from most adverse to most
    favourable. 17 of 44 systems are adverse and 27 favourable. The most adverse is A, £4.1m adverse; the
    most favourable is B, £2.3m favourable."

    Args:
        summary_by_system: One row per system with system_name (or system_code) and variance_ytd (£000).
        unit: The chart's unit.

    Returns:
        The description, plain text.
    """
    lead = f"Bar chart of year-to-date variance to plan by system in {unit}"
    frame = summary_by_system if summary_by_system is not None else pd.DataFrame()
    if frame.empty or "variance_ytd" not in frame.columns:
        return f"{lead}: there is no data for the selection."
    variance = pd.to_numeric(frame["variance_ytd"], errors="coerce")
    shown = frame.loc[variance.notna()].assign(_v=variance[variance.notna()])
    hidden = len(frame) - len(shown)
    hidden_note = (
        f" {_plural(hidden, 'system')} with no actuals {'is' if hidden == 1 else 'are'} not shown."
        if hidden
        else ""
    )
    if shown.empty:
        return f"{lead}: no system has actuals reported.{hidden_note}"

    n = len(shown)
    n_adverse = int((shown["_v"] < 0).sum())
    n_favourable = int((shown["_v"] > 0).sum())
    n_on_plan = n - n_adverse - n_favourable
    ranked = shown.sort_values("_v", kind="stable")
    if n == 1:
        row = ranked.iloc[0]
        name, amount = _name(row, "system_name", "system_code"), _signed_amount(row["_v"], unit)
        return f"{lead}, one system: {name}, {amount}.{hidden_note}"

    counts = _counts(n, n_adverse, n_favourable, n_on_plan)
    text = f"{lead}, ranked from most adverse to most favourable. {counts}"

    def describe(row: pd.Series) -> str:
        return f"{_name(row, 'system_name', 'system_code')}, {_signed_amount(row['_v'], unit)}"

    worst, best = ranked.iloc[0], ranked.iloc[-1]
    extremes: list[str] = []
    if worst["_v"] < 0:
        extremes.append(f"the most adverse is {describe(worst)}")
    if best["_v"] > 0:
        extremes.append(f"the most favourable is {describe(best)}")
    if n_favourable == 0 and n_adverse > 1 and best["_v"] < 0:
        extremes.append(f"the least adverse is {describe(best)}")
    if n_adverse == 0 and n_favourable > 1 and worst["_v"] > 0:
        extremes.append(f"the least favourable is {describe(worst)}")
    if not extremes:
        return f"{text}{hidden_note}"
    sentence = "; ".join(extremes)
    return f"{text} {sentence[0].upper()}{sentence[1:]}.{hidden_note}"
