"""STP progress ratings: the latest rating of each system, and ratings set against the money.

Merged footprints. Money is reported on the footprint of its own year (a 2018/19 row of an organisation
in the merged Cumbria and North East system carries E54000049), while the progress ratings of July 2017 were
given to the footprints of 2017 (E54000045, E54000046, E54000047). Money is never split back onto old
footprints (there is no basis for splitting it); instead ratings are carried *forward* along the successor
chain of the systems lookup (:func:`analysis.lineage.successor_ratings`): a system rated in its own right
keeps its own rating; a merged or recoded one takes its predecessors' rating when they agree, and is marked
"Mixed" (with no category) when they differ. A "Mixed" system is shown, but belongs to no rating group when
ratings are compared.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from analysis import measures
from analysis.lineage import MIXED, successor_ratings
from analysis.model import Dataset

NOT_RATED = "Not rated"
"""Label of systems with no rating of their own or inherited (for filters and tables)."""

RATING_COLUMNS = [
    "system_code",
    "assessment_date",
    "overall_rating",
    "rating_category",
    "leadership_rating",
    "source",
]


def latest_ratings(ratings: pd.DataFrame, as_at: date | datetime | None = None) -> pd.DataFrame:
    """Each system's latest progress rating assessed on or before a date.

    Args:
        ratings: Validated progress ratings.
        as_at: Only assessments on or before this date count; None means every assessment.

    Returns:
        One row per rated system, sorted by code, with the rating's columns (those the frame has of
        ``system_code, assessment_date, overall_rating, rating_category, leadership_rating, source``).
    """
    if ratings is None or "system_code" not in ratings.columns or "assessment_date" not in ratings.columns:
        return pd.DataFrame(columns=RATING_COLUMNS)
    columns = [c for c in RATING_COLUMNS if c in ratings.columns]
    rows = ratings[columns]
    if as_at is not None:
        rows = rows.loc[rows["assessment_date"] <= pd.Timestamp(as_at)]
    latest = rows.sort_values(["system_code", "assessment_date"], kind="stable").drop_duplicates(
        "system_code", keep="last"
    )
    return latest.reset_index(drop=True)


def system_ratings(
    ratings: pd.DataFrame,
    systems: pd.DataFrame,
    as_at: date | datetime | None = None,
) -> pd.DataFrame:
    """The rating that applies to every system of the lookup, predecessors' ratings carried to successors.

    Args:
        ratings: Validated progress ratings.
        systems: The systems lookup.
        as_at: Only assessments on or before this date count (None: all).

    Returns:
        :func:`analysis.lineage.successor_ratings` of the latest ratings, plus ``rating_label``: the rating,
        "Mixed", or "Not rated" (what a filter or a table shows).
    """
    latest = latest_ratings(ratings, as_at)
    out = successor_ratings(latest, systems)
    out["rating_label"] = out["overall_rating"].fillna(NOT_RATED).astype("str")
    out["rating_source"] = _rating_sources(latest, out)
    return out


ILLUSTRATIVE_SOURCE = "illustrative"
"""The ``source`` of a rating that was never published (filled in for the sample)."""
ILLUSTRATIVE_RATING = "Illustrative (not published)"
PUBLISHED_RATING = "Published"


def _rating_sources(latest: pd.DataFrame, resolved: pd.DataFrame) -> pd.Series:
    """Where each system's shown rating came from: "Illustrative (not published)" when any rating used is
    illustrative, else "Published: <source>" (the file's ``source``), "" when not rated."""
    has_source = latest is not None and not latest.empty and "source" in latest.columns
    sources = (
        dict(zip(latest["system_code"].astype(str), latest["source"], strict=True)) if has_source else {}
    )
    out = []
    for codes, label in zip(resolved["rated_codes"], resolved["overall_rating"], strict=True):
        used = [c for c in str(codes or "").split("; ") if c] if not pd.isna(codes) else []
        if pd.isna(label) or not used:
            out.append("")
            continue
        texts = [sources.get(c) for c in used]
        texts = [str(t).strip() for t in texts if isinstance(t, str) and t.strip()]
        if any(t.lower() == ILLUSTRATIVE_SOURCE for t in texts):
            out.append(ILLUSTRATIVE_RATING)
        else:
            out.append(f"{PUBLISHED_RATING}: {' | '.join(texts)}" if texts else PUBLISHED_RATING)
    return pd.Series(out, index=resolved.index, dtype="str")


def ratings_vs_money(
    dataset: Dataset,
    year: str | None = None,
    month: int | None = None,
    as_at: date | datetime | None = None,
) -> pd.DataFrame:
    """Each system's latest progress rating beside its year-to-date money.

    The money is on the footprint of the chosen year; ratings reach merged and recoded footprints through the
    successor chain (module docstring). The latest rating known is used by default (ratings are few and
    infrequent); pass ``as_at`` to use only ratings published by a date.

    Args:
        dataset: The validated dataset.
        year: Financial year (default: the latest).
        month: As-at month (default: the contract's, :func:`measures.default_month`).
        as_at: Only ratings assessed on or before this date.

    Returns:
        One row per system with money in the year: ``system_code, system_name, region, overall_rating,
        rating_category, rating_basis, rated_codes, rating_label, orgs, plan_expenditure_ytd, overspend_ytd,
        variance_ytd, variance_pct``, sorted by rating category (best first; mixed and unrated last), then
        code.
    """
    frame = dataset.control_totals
    year = year if year is not None else measures.latest_year(frame)
    if month is None:
        month = measures.default_month(frame, year)
    money_columns = ["orgs", "plan_expenditure_ytd", "overspend_ytd", "variance_ytd", "variance_pct"]
    if year is None:
        money = measures.empty_summary("system")
    else:
        money = measures.ytd_summary(frame, dataset.systems, "system", year, month)
    money = money[["system_code", "system_name", "region", *money_columns]]
    rated = system_ratings(dataset.progress_ratings, dataset.systems, as_at)
    rated = rated[
        [
            "system_code",
            "overall_rating",
            "rating_category",
            "rating_basis",
            "rated_codes",
            "rating_label",
            "rating_source",
        ]
    ]
    out = money.merge(rated, on="system_code", how="left")
    out["rating_label"] = out["rating_label"].fillna(NOT_RATED)
    out["rating_source"] = out["rating_source"].fillna("")
    out["rating_basis"] = out["rating_basis"].fillna("none")
    order = [
        "system_code",
        "system_name",
        "region",
        "overall_rating",
        "rating_category",
        "rating_basis",
        "rated_codes",
        "rating_label",
        "rating_source",
        *money_columns,
    ]
    out = out[order].sort_values(["rating_category", "system_code"], kind="stable", na_position="last")
    return out.reset_index(drop=True)


__all__ = ["MIXED", "NOT_RATED", "latest_ratings", "ratings_vs_money", "system_ratings"]
