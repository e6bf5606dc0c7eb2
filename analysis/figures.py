"""Chart builders: analysis results in, plotly Figures out. Pure functions; pages only place them.

Every figure has a title that states the finding, a subtitle with measure, period and unit, units on the
axes and in hover text, and a text alternative in `figure.layout.meta["alt"]` that a page shows under it.
Favourable and adverse are told apart by colour AND by sign, label and marker shape, never colour alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import formatting, rounding
from analysis.chart_style import (
    ADVERSE,
    FAVOURABLE,
    NHS_BLUE,
    NHS_DARK_GREY,
    NHS_MID_GREY,
    empty_figure,
    safe_text,
    wrapped,
)
from analysis.chart_style import alt_text as alt_text  # re-exported: pages read a figure's alternative here
from analysis.chart_style import plotly_config as plotly_config  # re-exported for the pages' chart widget
from analysis.chart_style import titled_layout as _layout
from analysis.chart_style import with_alt as _alt
from analysis.formatting import Unit
from analysis.measures import OTHER_ORGANISATIONS


def _words(value: float, unit: Unit, measure: formatting.Measure = "variance") -> str:
    return formatting.format_signed_variance(value, unit, measure=measure)


def _label(row: pd.Series, key: str, name: str) -> str:
    text = row.get(name)
    return str(text) if isinstance(text, str) and text else str(row[key])


def ranked_variance(
    summary: pd.DataFrame, unit: Unit, period: str, key: str = "system_code", name: str = "system_name"
) -> go.Figure:
    """Horizontal bars of year-to-date variance by group, most adverse at the top."""
    if summary.empty:
        return empty_figure("No systems match the filters.")
    frame = summary.sort_values("variance_ytd", kind="stable").reset_index(drop=True)
    labels = [_label(row, key, name) for _, row in frame.iterrows()]
    values = formatting.scale(frame["variance_ytd"].astype(float), unit)
    adverse = frame["variance_ytd"] < 0
    words = [_words(v, unit) for v in frame["variance_ytd"]]
    figure = go.Figure(
        go.Bar(
            x=values,
            y=[safe_text(label) for label in labels],
            orientation="h",
            marker={
                "color": np.where(adverse, ADVERSE, FAVOURABLE),
                "pattern": {"shape": np.where(adverse, "/", "")},
            },
            text=words,
            textposition="outside",
            cliponaxis=False,
            customdata=frame[[key]].to_numpy(),
            hovertemplate="<b>%{y}</b><br>Variance to plan: %{text}<extra></extra>",
        )
    )
    n_adverse = int(adverse.sum())
    total = formatting.format_signed_variance(frame["variance_ytd"].sum(), unit)
    noun = "systems" if key == "system_code" else "groups"
    title = (
        f"{n_adverse} of {len(frame)} {noun} are adverse to plan; together {total}"
        if n_adverse
        else f"All {len(frame)} {noun} are on or better than plan; together {total}"
    )
    _layout(
        figure,
        title,
        f"Year-to-date surplus variance to plan, {period}, {unit}; most adverse first",
        _tall(frame),
    )
    figure.update_yaxes(autorange="reversed", title=None, automargin=True)
    figure.update_xaxes(
        title=None,
        range=_padded_range(values),
        side="top",
        tickformat=",~f",
    )
    figure.update_layout(margin={"t": 130})
    return _alt(figure, _ranked_alt(frame, labels, words, period))


def _tall(frame: pd.DataFrame) -> int:
    """Height for one row per group; the value axis sits on top so it is in view without scrolling."""
    return 190 + 24 * len(frame)


def _padded_range(values: pd.Series) -> list[float]:
    """An axis range with room either side of the bars for their outside labels."""
    low, high = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
    span = (high - low) or 1.0
    pad = 0.55 * span
    return [low - (pad if low < 0 else 0.02 * span), high + (pad if high > 0 else 0.02 * span)]


def _ranked_alt(frame: pd.DataFrame, labels: list[str], words: list[str], period: str) -> str:
    adverse = frame["variance_ytd"] < 0
    sentence = f"Bar chart of year-to-date variance to plan at {period} for {len(frame)} groups; "
    sentence += f"{int(adverse.sum())} adverse and {int((~adverse).sum())} on or better than plan."
    if len(frame):
        sentence += f" Worst: {labels[0]}, {words[0]}. Best: {labels[-1]}, {words[-1]}."
    return sentence


def plan_vs_actual_dumbbell(
    summary: pd.DataFrame, unit: Unit, period: str, key: str = "system_code", name: str = "system_name"
) -> go.Figure:
    """Plan and actual year-to-date surplus per group, joined by a line, ordered by variance."""
    if summary.empty:
        return empty_figure("No systems match the filters.")
    frame = summary.sort_values("variance_ytd").reset_index(drop=True)
    labels = [_label(row, key, name) for _, row in frame.iterrows()]
    plan = formatting.scale(frame["plan_surplus_ytd"].astype(float), unit)
    actual = formatting.scale(frame["actual_surplus_ytd"].astype(float), unit)
    adverse = (frame["variance_ytd"] < 0).to_numpy()
    figure = go.Figure()
    xs: list[float | None] = []
    ys: list[str | None] = []
    for label, p, a in zip(labels, plan, actual, strict=True):
        xs += [p, a, None]
        ys += [safe_text(label), safe_text(label), None]
    figure.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": NHS_MID_GREY, "width": 2},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    money = [formatting.format_money(v, unit, brackets=False) for v in frame["plan_surplus_ytd"]]
    figure.add_trace(
        go.Scatter(
            x=plan,
            y=[safe_text(label) for label in labels],
            mode="markers",
            name="Plan",
            marker={"symbol": "line-ns-open", "size": 16, "line": {"width": 3}, "color": NHS_DARK_GREY},
            customdata=money,
            hovertemplate="<b>%{y}</b><br>Plan surplus YTD: %{customdata}<extra></extra>",
        )
    )
    actual_words = [
        f"{formatting.format_money(a, unit, brackets=False)} ({_words(v, unit)})"
        for a, v in zip(frame["actual_surplus_ytd"], frame["variance_ytd"], strict=True)
    ]
    figure.add_trace(
        go.Scatter(
            x=actual,
            y=[safe_text(label) for label in labels],
            mode="markers",
            name="Actual",
            marker={
                "symbol": np.where(adverse, "triangle-left", "circle"),
                "size": 12,
                "color": np.where(adverse, ADVERSE, FAVOURABLE),
            },
            customdata=actual_words,
            hovertemplate="<b>%{y}</b><br>Actual surplus YTD: %{customdata}<extra></extra>",
        )
    )
    n_adverse = int(adverse.sum())
    noun = "systems" if key == "system_code" else "groups"
    title = (
        f"Actual surplus is below plan in {n_adverse} of {len(frame)} {noun}"
        if n_adverse
        else f"Every one of the {len(frame)} {noun} meets or beats plan"
    )
    _layout(
        figure,
        title,
        f"Year-to-date surplus (+) or deficit (−), {period}, {unit}. Tick: plan; dot: actual (◀ red where "
        "below plan). Most adverse first.",
        _tall(frame),
    )
    figure.update_yaxes(title=None, automargin=True, autorange="reversed")
    figure.update_xaxes(title=None, side="top", tickformat=",~f")
    figure.update_layout(margin={"t": 130})
    alt = (
        f"Dot plot of planned and actual year-to-date surplus at {period} for {len(frame)} groups; "
        f"{n_adverse} below plan."
    )
    return _alt(figure, alt)


def monthly_plan_vs_actual(monthly: pd.DataFrame, unit: Unit, year: str, name: str) -> go.Figure:
    """Cumulative plan and actual surplus by month of one year, with the in-month variance as bars."""
    if monthly.empty:
        return empty_figure(f"No monthly figures for {name} in {year}.")
    labels = [formatting.month_short(year, int(m)) for m in monthly["month"]]
    reported = monthly["rows_with_actuals"] > 0
    plan_cum = formatting.scale(monthly["plan_surplus_cum"].astype(float), unit)
    actual_cum = formatting.scale(monthly["actual_surplus_cum"].where(reported).astype(float), unit)
    variance = monthly["variance"].where(reported).astype(float)
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=labels,
            y=formatting.scale(variance, unit),
            name="In-month variance",
            marker={
                "color": np.where(variance < 0, ADVERSE, FAVOURABLE),
                "pattern": {"shape": np.where(variance < 0, "/", "")},
                "opacity": 0.55,
            },
            customdata=[_words(v, unit) for v in variance],
            hovertemplate="%{x}<br>In-month variance: %{customdata}<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=labels,
            y=plan_cum,
            name="Plan (cumulative)",
            mode="lines+markers",
            line={"color": NHS_DARK_GREY, "dash": "dash", "width": 2},
            marker={"symbol": "line-ew-open", "size": 10},
            customdata=[
                formatting.format_money(v, unit, brackets=False) for v in monthly["plan_surplus_cum"]
            ],
            hovertemplate="%{x}<br>Plan surplus to date: %{customdata}<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=labels,
            y=actual_cum,
            name="Actual (cumulative)",
            mode="lines+markers",
            line={"color": NHS_BLUE, "width": 3},
            marker={"size": 8},
            customdata=[
                formatting.format_money(v, unit, brackets=False)
                for v in monthly["actual_surplus_cum"].where(reported)
            ],
            hovertemplate="%{x}<br>Actual surplus to date: %{customdata}<extra></extra>",
        )
    )
    last = monthly[reported].tail(1)
    if last.empty:
        title = f"{name} has not reported actuals for {year} yet"
        alt = title + "."
    else:
        gap = float(last["variance_cum"].iloc[0])
        when = formatting.month_short(year, int(last["month"].iloc[0]))
        title = f"{name}: {_words(gap, unit)} to plan by {when}"
        alt = (
            f"Line chart of cumulative planned and actual surplus for {name}, {year}, with in-month variance "
            f"bars; by {when} the actual is {_words(gap, unit)} to plan."
        )
    _layout(
        figure, title, f"Surplus (+) / deficit (−) by month, {year}, {unit}; bars: in-month variance", 420
    )
    figure.update_yaxes(title=f"Surplus / (deficit) ({unit})")
    figure.update_xaxes(title=None)
    return _alt(figure, alt)


def shown_waterfall(steps: pd.DataFrame, unit: Unit) -> pd.Series:
    """A waterfall's steps as shown in ``unit``: the plan and actual as rounded on their own, and the steps
    between adding up to their difference (the "Other organisations" step, a residual, takes any gap)."""
    if steps.empty:
        return pd.Series(dtype="float64")
    values = steps["value"].astype(float).reset_index(drop=True)
    last = len(values) - 1
    labels = steps["label"].reset_index(drop=True)
    codes = steps["org_code"] if "org_code" in steps.columns else pd.Series(pd.NA, index=steps.index)
    unnamed = codes.isna().to_numpy()
    other = [i for i in range(1, last) if labels[i] == OTHER_ORGANISATIONS and unnamed[i]]
    parts = rounding.shown_parts(
        values.iloc[:last], unit, values.iloc[last], keep=[0], absorb=other[0] if other else None
    )
    return pd.concat([parts, pd.Series([rounding.shown(values.iloc[last], unit)])], ignore_index=True)


def waterfall(steps: pd.DataFrame, unit: Unit, period: str, name: str) -> go.Figure:
    """Plan surplus to actual surplus, one step per member organisation's contribution."""
    if steps.empty:
        return empty_figure(f"No year-to-date figures for {name}.")
    values = shown_waterfall(steps, unit)
    in_thousands = [rounding.to_thousands(v, unit) for v in values]
    words = [
        formatting.format_money(v, unit, brackets=False) if measure != "relative" else _words(v, unit)
        for v, measure in zip(in_thousands, steps["measure"], strict=True)
    ]
    figure = go.Figure(
        go.Waterfall(
            x=[wrapped(_short(label, 200), 16) for label in steps["label"]],
            y=values,
            measure=steps["measure"].tolist(),
            text=words,
            textposition="outside",
            textfont={"size": 12},
            cliponaxis=False,
            connector={"line": {"color": NHS_MID_GREY, "width": 1}},
            increasing={"marker": {"color": FAVOURABLE}},
            decreasing={"marker": {"color": ADVERSE, "line": {"color": "#8A1538", "width": 1}}},
            totals={"marker": {"color": NHS_DARK_GREY}},
            customdata=[safe_text(label) for label in steps["label"]],
            hovertemplate="%{customdata}<br>%{text}<extra></extra>",
        )
    )
    relative = steps[steps["measure"] == "relative"]
    variance = rounding.to_thousands(float(values[steps["measure"].eq("relative").to_numpy()].sum()), unit)
    named = relative[relative["org_code"].notna()] if "org_code" in relative.columns else relative
    worst = named.sort_values("value").head(1)
    title = f"{name} is {_words(variance, unit)} to plan"
    if not worst.empty and float(worst["value"].iloc[0]) < 0:
        title += f"; largest adverse: {_short(worst['label'].iloc[0], 200)}"
    _layout(
        figure,
        title,
        f"From plan to actual surplus year to date, {period}, {unit}; contributions by organisation",
        460,
    )
    figure.update_yaxes(title=f"Surplus / (deficit) ({unit})")
    figure.update_xaxes(title=None, tickangle=-25)
    alt = (
        f"Waterfall from planned to actual year-to-date surplus for {name} at {period}: "
        + "; ".join(f"{label} {word}" for label, word in zip(steps["label"], words, strict=True))
        + "."
    )
    return _alt(figure, alt)


def _count(n: object, noun: str) -> str:
    number = int(n)  # type: ignore[call-overload]
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _short(label: object, limit: int = 28) -> str:
    text = str(label)
    for long, short in (
        (" NHS Foundation Trust", " NHS FT"),
        (" Foundation Trust", " FT"),
        (" NHS Trust", " NHS T"),
    ):
        text = text.replace(long, short)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def spc_chart(
    result, unit: Unit, title_subject: str, measure_label: str = "In-month variance to plan"
) -> go.Figure:
    """An XmR chart in the Making Data Count style: grey common cause, blue improvement, orange concern."""
    from analysis import spc, spc_icons

    points = result.points
    if points.empty or result.n_points < spc.MIN_POINTS:
        return empty_figure(result.message)
    # A monthly series is indexed by (financial year, month): its labels are made here, where they are shown.
    x = [
        spc_icons.short_month(formatting.month_short(*i)) if isinstance(i, tuple) else str(i)
        for i in points.index
    ]
    value = formatting.scale(points["value"].astype(float), unit)
    figure = go.Figure()
    for column, label, dash in (
        ("upper_limit", "Upper process limit", "dash"),
        ("mean", "Mean", "solid"),
        ("lower_limit", "Lower process limit", "dash"),
    ):
        figure.add_trace(
            go.Scatter(
                x=x,
                y=formatting.scale(points[column].astype(float), unit),
                name=label,
                mode="lines",
                line={
                    "color": NHS_DARK_GREY if column == "mean" else NHS_MID_GREY,
                    "dash": dash,
                    "width": 1.5,
                },
                hovertemplate=f"{label}: %{{y:,.1f}} {unit}<extra></extra>",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=value,
            name=measure_label,
            mode="lines",
            line={"color": NHS_MID_GREY, "width": 1},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    labels = {
        "common_cause": "Common cause",
        "special_cause_improvement": "Special cause: improvement",
        "special_cause_concern": "Special cause: concern",
        "special_cause_neither": "Special cause",
    }
    symbols = {
        "common_cause": "circle",
        "special_cause_improvement": "triangle-up",
        "special_cause_concern": "diamond",
        "special_cause_neither": "square",
    }
    for kind, group in points.groupby("point_type", sort=False):
        mask = points["point_type"] == kind
        figure.add_trace(
            go.Scatter(
                x=[xi for xi, m in zip(x, mask, strict=True) if m],
                y=formatting.scale(group["value"].astype(float), unit),
                name=labels.get(kind, kind),
                mode="markers",
                marker={
                    "color": spc.POINT_TYPE_COLOURS[kind],
                    "size": 10,
                    "symbol": symbols.get(kind, "circle"),
                },
                customdata=[_words(v, unit) for v in group["value"]],
                hovertemplate="%{x}<br>"
                + measure_label
                + ": %{customdata}<br>"
                + labels.get(kind, kind)
                + "<extra></extra>",
            )
        )
    if result.target is not None:
        figure.add_trace(
            go.Scatter(
                x=x,
                y=[float(formatting.scale(pd.Series([result.target]), unit).iloc[0])] * len(x),
                name=f"Target ({_words(result.target, unit)})" if result.target else "Target: on plan",
                mode="lines",
                line={"color": NHS_DARK_GREY, "dash": "dot", "width": 2},
                hoverinfo="skip",
            )
        )
    variation = spc.VARIATION_LABELS[result.variation]
    provisional = " (limits provisional: fewer than 12 points)" if result.provisional else ""
    rebased = sorted({x[i] for i in np.flatnonzero(np.diff(points["segment"].to_numpy())) + 1})
    new_limits = f"; new limits from {', '.join(rebased)}" if rebased else ""
    _layout(
        figure,
        f"{title_subject}: {variation.lower()}",
        f"{measure_label} by month, {unit}; mean ± 2.66 × mean moving range{new_limits}{provisional}",
        440,
    )
    spc_icons.add_icons(figure, result.variation, result.assurance)
    figure.update_yaxes(title=f"{measure_label} ({unit})")
    figure.update_xaxes(title=None, type="category", **spc_icons.month_ticks())
    return _alt(figure, f"SPC chart of {measure_label.lower()} for {title_subject}. {result.message}")


def ratings_strip(table: pd.DataFrame, unit: Unit, period: str) -> go.Figure:
    """Each system's variance as % of planned spend, grouped by its 2017 progress rating (box + points)."""
    rated = table.dropna(subset=["variance_pct"])
    if rated.empty:
        return empty_figure("No rated systems with actuals match the filters.")
    order = [
        r
        for r in (
            "Outstanding",
            "Advanced",
            "Making progress",
            "Needs most improvement",
            "Mixed",
            "Not rated",
        )
        if r in set(rated["rating_label"])
    ]
    figure = go.Figure()
    for label in order:
        group = rated[rated["rating_label"] == label]
        figure.add_trace(
            go.Box(
                x=[label] * len(group),
                y=group["variance_pct"],
                name=label,
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                marker={"color": NHS_BLUE, "size": 8, "opacity": 0.8},
                line={"color": NHS_DARK_GREY, "width": 1},
                fillcolor="rgba(0,94,184,0.08)",
                customdata=np.column_stack(
                    [
                        [safe_text(n) for n in group["system_name"].fillna(group["system_code"])],
                        [_words(v, unit) for v in group["variance_ytd"]],
                    ]
                ),
                hovertemplate="<b>%{customdata[0]}</b><br>Variance: %{y:.2f}% of planned spend<br>"
                "%{customdata[1]}<extra></extra>",
                showlegend=False,
            )
        )
    medians = rated.groupby("rating_label")["variance_pct"].median().reindex(order)
    best, worst = medians.idxmax(), medians.idxmin()
    best_pct = formatting.format_percent(medians[best], 2)
    worst_pct = formatting.format_percent(medians[worst], 2)
    title = (
        f"Best median variance: {best} ({best_pct}); worst: {worst} ({worst_pct})"
        if len(order) > 1
        else f"All shown systems are rated {order[0]}"
    )
    _layout(
        figure, title, f"Year-to-date variance as % of planned expenditure by July 2017 rating, {period}", 460
    )
    figure.add_hline(y=0, line={"color": NHS_DARK_GREY, "width": 1})
    figure.update_yaxes(title="Variance, % of plan spend", ticksuffix="%")
    figure.update_xaxes(title="STP progress rating, July 2017")
    alt = (
        "Box plot of variance as a percentage of planned spend by rating: "
        + "; ".join(
            f"{label} median {formatting.format_percent(medians[label], 2)} "
            f"over {_count((rated['rating_label'] == label).sum(), 'system')}"
            for label in order
        )
        + "."
    )
    return _alt(figure, alt)
