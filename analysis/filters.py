"""The filters every page shares: what they are, how a typed-in value is read, and how rows are filtered.

``Filters`` is an immutable value (hashable, so it can key a cache). An empty tuple means "all". How filters
travel in a link is :mod:`analysis.state`'s business; the ``normalise_*`` functions here read one typed-in
value (a link's, a command line's) and return None for anything unknown or ill-formed.

:func:`resolve` turns what the user asked for into what is shown: it fills the contract's defaults (the latest
year; the latest month of it in which at least half its organisations have actuals) and drops selections
the data does not offer (a stale link's system, a month with no actuals), because a widget cannot show a
value it does not offer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import measures
from analysis.contract import ORG_TYPES, RATINGS, SYSTEM_CODE_PATTERN
from analysis.lineage import MIXED
from analysis.model import Dataset
from analysis.periods import normalise_month, normalise_year  # one grammar: files, links, CLI
from analysis.ratings import NOT_RATED, system_ratings

RATING_LABELS: tuple[str, ...] = (*RATINGS, MIXED, NOT_RATED)
"""Values the rating filter understands: the four ratings, "Mixed" (merged footprints whose predecessors were
rated differently) and "Not rated"."""

_MULTI = ("regions", "systems", "org_types", "ratings")
_SYSTEM_RE = re.compile(rf"^(?:{SYSTEM_CODE_PATTERN})$")
_MAX_TEXT = 200


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(dict.fromkeys(str(v) for v in value))
    return (str(value),)


@dataclass(frozen=True)
class Filters:
    """The shared filters: financial year, as-at month, and selections (empty = all).

    Attributes:
        financial_year: E.g. ``"2018/19"``; None = the default (latest year).
        month: As-at month 1-12 (April = 1); None = the default (latest month with actuals).
        regions: NHS region names.
        systems: System codes.
        org_types: Organisation types (``contract.ORG_TYPES``).
        ratings: Overall progress ratings (:data:`RATING_LABELS`), matched on each system's latest rating.
    """

    financial_year: str | None = None
    month: int | None = None
    regions: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    org_types: tuple[str, ...] = ()
    ratings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in _MULTI:
            object.__setattr__(self, name, _as_tuple(getattr(self, name)))


def normalise_region(text: str) -> str | None:
    """A region name trimmed; None when empty, over-long or holding control characters."""
    text = text.strip()
    if not text or len(text) > _MAX_TEXT or not text.isprintable():
        return None
    return text


def normalise_system(text: str) -> str | None:
    """A system code upper-cased (``E54`` + six digits, or an ODS ``Q`` code); None otherwise."""
    code = text.strip().upper()
    return code if _SYSTEM_RE.match(code) else None


def normalise_org_type(text: str) -> str | None:
    """An organisation type of the contract, whatever its case and spacing; None otherwise."""
    value = " ".join(text.split()).lower()
    return value if value in ORG_TYPES else None


def normalise_rating(text: str) -> str | None:
    """A rating label (:data:`RATING_LABELS`) whatever its case, or from its category number 1-4."""
    value = " ".join(text.split()).lower()
    if value in {"1", "2", "3", "4"}:
        return RATINGS[int(value) - 1]
    for label in RATING_LABELS:
        if value == label.lower():
            return label
    return None


# ---------------------------------------------------------------------------------------------------------
# Options and defaults


@dataclass(frozen=True)
class Options:
    """What the filter widgets offer.

    Attributes:
        years: Financial years in the data, oldest first.
        months: Per year, the months with any actuals.
        regions: Regions of the systems in the data, sorted.
        systems: System code -> name, for the systems in the data, sorted by code.
        org_types: Organisation types in the data, in the contract's order.
        ratings: Rating labels of the systems in the data, best first, then "Mixed" and "Not rated".
        default_months: Per year, the contract's default as-at month (:func:`measures.default_month`: one
            early return does not move it); None for a year without actuals.
    """

    years: tuple[str, ...] = ()
    months: dict[str, tuple[int, ...]] = field(default_factory=dict)
    regions: tuple[str, ...] = ()
    systems: dict[str, str] = field(default_factory=dict)
    org_types: tuple[str, ...] = ()
    ratings: tuple[str, ...] = ()
    default_months: dict[str, int | None] = field(default_factory=dict)

    def default_month(self, year: str | None) -> int | None:
        """The default as-at month of ``year``: the contract's, else the latest with actuals."""
        months = self.months.get(year, ()) if year else ()
        chosen = self.default_months.get(year) if year else None
        return chosen if chosen in months else (months[-1] if months else None)


def available_options(dataset: Dataset, year: str | None = None) -> Options:
    """The values each filter widget can offer, from the data.

    Args:
        dataset: The validated dataset.
        year: When given, regions, systems, organisation types and ratings are those of this year's rows;
            otherwise of every year (years and months are always of every year).

    Returns:
        The options.
    """
    frame = dataset.control_totals
    months = measures.months_with_actuals(frame)
    years = tuple(sorted(months))
    rows = (
        frame
        if year is None
        else frame.loc[(frame["financial_year"] == year).to_numpy(dtype=bool, na_value=False)]
    )
    codes = sorted(str(c) for c in rows["system_code"].dropna().unique())
    lookup = dataset.systems
    names = _lookup(lookup, "system_name")
    regions_of = _lookup(lookup, "region")
    systems = {c: str(names[c]) if isinstance(names.get(c), str) else c for c in codes}
    regions = tuple(sorted({str(regions_of[c]) for c in codes if isinstance(regions_of.get(c), str)}))
    present_types = set(rows["org_type"].dropna().unique())
    org_types = tuple(t for t in ORG_TYPES if t in present_types)
    labels = _rating_labels(dataset.progress_ratings, lookup)
    present_ratings = {labels.get(c, NOT_RATED) for c in codes}
    ratings = tuple(r for r in RATING_LABELS if r in present_ratings)
    defaults = measures.default_months(frame)
    return Options(years, months, regions, systems, org_types, ratings, defaults)


def resolve(filters: Filters, dataset: Dataset, options: Options | None = None) -> Filters:
    """The filters as they will be applied: defaults filled, selections the data doesn't offer dropped.

    Year: kept when it is in the data, else the latest year. Month: kept when the year has actuals in it,
    else the contract's default (:meth:`Options.default_month`; None when the year has no actuals).
    Regions, systems, organisation types and ratings: those the data offers (:func:`available_options` over
    all years), in the order given.

    Args:
        filters: What was asked for (e.g. from the URL).
        dataset: The validated dataset.
        options: :func:`available_options` of the dataset, when already computed.

    Returns:
        Resolved filters.
    """
    options = options if options is not None else available_options(dataset)
    year = filters.financial_year if filters.financial_year in options.years else None
    if year is None:
        year = options.years[-1] if options.years else None
    months = options.months.get(year, ()) if year else ()
    month = filters.month if filters.month in months else options.default_month(year)
    return Filters(
        financial_year=year,
        month=month,
        regions=tuple(r for r in filters.regions if r in options.regions),
        systems=tuple(s for s in filters.systems if s in options.systems),
        org_types=tuple(t for t in filters.org_types if t in options.org_types),
        ratings=tuple(r for r in filters.ratings if r in options.ratings),
    )


# ---------------------------------------------------------------------------------------------------------
# Filtering rows


_lookup = measures.system_lookup


def _rating_labels(ratings: pd.DataFrame | None, systems: pd.DataFrame | None) -> dict[str, str]:
    """System code -> rating label (own, inherited, "Mixed" or "Not rated")."""
    if systems is None:
        return {}
    if ratings is None:
        ratings = pd.DataFrame(
            columns=["system_code", "assessment_date", "overall_rating", "rating_category"]
        )
    table = system_ratings(ratings, systems)
    return dict(zip(table["system_code"], table["rating_label"], strict=True))


def allowed_systems(
    filters: Filters,
    systems: pd.DataFrame | None,
    ratings: pd.DataFrame | None,
) -> set[str] | None:
    """The system codes the system-level filters (systems, regions, ratings) let through; None = all.

    Args:
        filters: The filters.
        systems: The systems lookup (needed for the region and rating filters).
        ratings: Progress ratings (needed for the rating filter).

    Returns:
        A set of codes, or None when no system-level filter is set.

    Raises:
        ValueError: A region or rating filter without the lookup (or ratings) it needs.
    """
    allowed: set[str] | None = set(filters.systems) if filters.systems else None
    if filters.regions:
        if systems is None or "region" not in systems.columns:
            raise ValueError("the region filter needs the systems lookup")
        in_regions = set(systems.loc[systems["region"].isin(filters.regions), "system_code"])
        allowed = in_regions if allowed is None else allowed & in_regions
    if filters.ratings:
        if systems is None or ratings is None:
            raise ValueError("the rating filter needs the systems lookup and the progress ratings")
        labels = _rating_labels(ratings, systems)
        rated = {code for code, label in labels.items() if label in filters.ratings}
        allowed = rated if allowed is None else allowed & rated
    return allowed


def _map_column(codes: pd.Series, mapping: dict[str, object]) -> pd.Series:
    """Map a long column of codes to strings through a small dict, once per distinct code."""
    positions, uniques = pd.factorize(codes, use_na_sentinel=False)
    mapped = pd.array([mapping.get(u) if isinstance(u, str) else None for u in uniques], dtype="str")
    return pd.Series(mapped.take(positions), index=codes.index)


def apply_filters(
    data: Dataset | pd.DataFrame,
    filters: Filters,
    *,
    systems: pd.DataFrame | None = None,
    ratings: pd.DataFrame | None = None,
    through_month: bool = False,
    attributes: bool = False,
) -> pd.DataFrame:
    """The control-totals rows the filters select.

    Year, systems, regions (of each row's system in the lookup), organisation types and ratings (the latest
    overall rating of each row's system, carried forward to merged footprints; see :mod:`analysis.ratings`)
    are applied. The as-at month is not, unless ``through_month``: year-to-date measures need months 1..m and
    the monthly series needs the whole year. Region and rating are looked up per system, not joined per row,
    so filtering a million rows is a few vectorised ``isin`` calls.

    Args:
        data: The dataset, or a control-totals frame (then pass ``systems`` and ``ratings`` for the region
            and rating filters).
        filters: The filters (resolve them first for the contract's defaults).
        systems: The systems lookup, when ``data`` is a frame.
        ratings: Progress ratings, when ``data`` is a frame.
        through_month: Also drop months after ``filters.month`` (for "the rows on screen").
        attributes: Add ``system_name``, ``region`` and ``rating`` (the rating label) columns.

    Returns:
        The selected rows, with the frame's columns (the frame itself when nothing is filtered out).
    """
    if isinstance(data, Dataset):
        frame = data.control_totals
        systems = data.systems if systems is None else systems
        ratings = data.progress_ratings if ratings is None else ratings
    else:
        frame = data
    mask = np.ones(len(frame), dtype=bool)
    if filters.financial_year is not None:
        mask &= (frame["financial_year"] == filters.financial_year).to_numpy(dtype=bool, na_value=False)
    if through_month and filters.month is not None:
        mask &= frame["month"].to_numpy() <= filters.month
    allowed = allowed_systems(filters, systems, ratings)
    if allowed is not None:
        mask &= frame["system_code"].isin(sorted(allowed)).to_numpy(dtype=bool, na_value=False)
    if filters.org_types:
        mask &= frame["org_type"].isin(list(filters.org_types)).to_numpy(dtype=bool, na_value=False)
    out = frame if mask.all() else frame.loc[mask]
    if attributes:
        codes = out["system_code"]
        out = out.assign(
            system_name=_map_column(codes, _lookup(systems, "system_name")),
            region=_map_column(codes, _lookup(systems, "region")),
            rating=_map_column(codes, _rating_labels(ratings, systems)).fillna(NOT_RATED),
        )
    return out


__all__ = [
    "RATING_LABELS",
    "Filters",
    "Options",
    "allowed_systems",
    "apply_filters",
    "available_options",
    "normalise_month",
    "normalise_org_type",
    "normalise_rating",
    "normalise_region",
    "normalise_system",
    "normalise_year",
    "resolve",
]
