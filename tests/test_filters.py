"""Filters: reading typed-in values, defaults, options and the rows each filter selects."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_frames import S1, S2, S3, YEAR, ct_frame, make_dataset, org_rows, ratings_frame, systems_frame

from analysis.contract import RATINGS
from analysis.filters import (
    RATING_LABELS,
    Filters,
    Options,
    apply_filters,
    available_options,
    normalise_month,
    normalise_year,
    resolve,
)

S4 = "E54000004"
SYSTEMS = systems_frame(
    [
        {"system_code": S1, "system_name": "One", "region": "North", "successor_code": S4},
        {"system_code": S2, "system_name": "Two", "region": "South", "successor_code": S4},
        {"system_code": S3, "system_name": "Three", "region": "South"},
        {"system_code": S4, "system_name": "Merged", "region": "North"},
    ]
)
RATINGS_FRAME = ratings_frame(
    [(S1, "2017-07-21", "Advanced"), (S2, "2017-07-21", "Making progress"), (S3, "2017-07-21", "Advanced")]
)


def dataset():
    rows = org_rows("RA1", S1, year="2017/18", actuals={m: (1, 1) for m in range(1, 13)})
    rows += org_rows("RB1", S2, year="2017/18", org_type="ccg", actuals={m: (1, 1) for m in range(1, 13)})
    rows += org_rows("RA1", S4, actuals={1: (1, 1), 2: (1, 1)})
    rows += org_rows("RB1", S4, org_type="ccg", actuals={1: (1, 1)})
    rows += org_rows("RC1", S3, org_type="community", actuals={1: (1, 1), 2: (1, 1), 3: (1, 1)})
    return make_dataset(ct_frame(rows), SYSTEMS, RATINGS_FRAME)


# ---------------------------------------------------------------------------------------------------------
# Reading typed-in values (links are tested in test_state.py)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018/19", "2018/19"),
        ("2018-19", "2018/19"),
        ("2018/2019", "2018/19"),
        ("FY2018/19", "2018/19"),
        ("fy 2099/00", "2099/00"),
        ("2018/20", None),
        ("2018", None),
        ("", None),
    ],
)
def test_normalise_year(text, expected):
    assert normalise_year(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("6", 6), ("06", 6), ("M06", 6), ("m6", 6), ("Month 12", 12), ("0", None), ("13", None)],
)
def test_normalise_month(text, expected):
    assert normalise_month(text) == expected


def test_filters_accept_lists_and_are_hashable():
    filters = Filters(regions=["North", "North", "South"])  # type: ignore[arg-type]
    assert filters.regions == ("North", "South")
    assert hash(filters) == hash(Filters(regions=("North", "South")))
    assert RATINGS[0] in RATING_LABELS


# ---------------------------------------------------------------------------------------------------------
# Options and defaults


def test_available_options():
    options = available_options(dataset())
    assert options.years == ("2017/18", YEAR)
    assert options.months == {"2017/18": tuple(range(1, 13)), YEAR: (1, 2, 3)}
    assert options.systems == {S1: "One", S2: "Two", S3: "Three", S4: "Merged"}
    assert options.regions == ("North", "South")
    assert options.org_types == ("acute", "community", "ccg")
    # S4 merged S1 (Advanced) and S2 (Making progress): Mixed.
    assert options.ratings == ("Advanced", "Making progress", "Mixed")
    this_year = available_options(dataset(), YEAR)
    assert this_year.systems == {S3: "Three", S4: "Merged"}
    assert this_year.ratings == ("Advanced", "Mixed")


def test_resolve_fills_the_contracts_defaults():
    resolved = resolve(Filters(), dataset())
    # 2018/19 has 3 organisations; actuals at M1: 3, M2: 2 (RA1, RC1), M3: 1 (RC1). The default as-at month
    # is the latest with at least half (1.5, so 2) reporting: M2, not M3 where only RC1 has reported.
    assert (resolved.financial_year, resolved.month) == (YEAR, 2)
    assert resolve(Filters(month=3), dataset()).month == 3  # chosen, and it has actuals: kept
    older = resolve(Filters(financial_year="2017/18"), dataset())
    assert (older.financial_year, older.month) == ("2017/18", 12)
    assert resolve(Filters(month=2), dataset()).month == 2


def test_resolve_drops_what_the_data_does_not_offer():
    stale = Filters(
        "2030/31", 11, ("Narnia", "North"), ("E54999999", S3), ("ambulance", "acute"), ("Outstanding",)
    )
    resolved = resolve(stale, dataset())
    # The year 2030/31 is not offered -> the latest year, and its default month M2 (see above).
    assert resolved == Filters(YEAR, 2, ("North",), (S3,), ("acute",), ())
    # A month without actuals in the chosen year falls back to the contract's default month (M2).
    assert resolve(Filters(YEAR, 9), dataset()).month == 2


def test_resolve_on_empty_data():
    empty = make_dataset(ct_frame([]), SYSTEMS, RATINGS_FRAME)
    assert resolve(Filters(YEAR, 3), empty) == Filters()
    assert available_options(empty) == Options()


# ---------------------------------------------------------------------------------------------------------
# Applying filters


def orgs(frame: pd.DataFrame) -> set[str]:
    return set(frame["org_code"])


def test_no_filters_returns_every_row():
    data = dataset()
    assert apply_filters(data, Filters()) is data.control_totals


def test_year_region_system_and_org_type_filters():
    data = dataset()
    this_year = apply_filters(data, Filters(financial_year=YEAR))
    assert set(this_year["financial_year"]) == {YEAR} and len(this_year) == 36
    south = apply_filters(data, Filters(financial_year=YEAR, regions=("South",)))
    assert orgs(south) == {"RC1"}
    north_old = apply_filters(data, Filters(financial_year="2017/18", regions=("North",)))
    assert orgs(north_old) == {"RA1"}  # S1 is North; S2 (South) held RB1 that year
    assert orgs(apply_filters(data, Filters(systems=(S4,)))) == {"RA1", "RB1"}
    assert orgs(apply_filters(data, Filters(systems=(S4,), regions=("South",)))) == set()
    assert orgs(apply_filters(data, Filters(financial_year=YEAR, org_types=("ccg", "community")))) == {
        "RB1",
        "RC1",
    }


def test_rating_filter_uses_the_latest_rating_carried_to_merged_systems():
    data = dataset()
    advanced = apply_filters(data, Filters(financial_year=YEAR, ratings=("Advanced",)))
    assert orgs(advanced) == {"RC1"}
    mixed = apply_filters(data, Filters(financial_year=YEAR, ratings=("Mixed",)))
    assert orgs(mixed) == {"RA1", "RB1"} and set(mixed["system_code"]) == {S4}
    old_progress = apply_filters(data, Filters(financial_year="2017/18", ratings=("Making progress",)))
    assert orgs(old_progress) == {"RB1"}
    assert apply_filters(data, Filters(ratings=("Not rated",))).empty


def test_through_month_and_attributes():
    data = dataset()
    rows = apply_filters(data, Filters(financial_year=YEAR, month=2), through_month=True, attributes=True)
    assert rows["month"].max() == 2
    assert set(rows["region"]) == {"North", "South"}
    assert set(rows["system_name"]) == {"Merged", "Three"}
    assert dict(zip(rows["system_code"], rows["rating"], strict=True)) == {S4: "Mixed", S3: "Advanced"}
    assert len(data.control_totals.columns) == 15  # the dataset's own frame is untouched


def test_frame_input_needs_the_lookups_for_region_and_rating():
    frame = dataset().control_totals
    assert orgs(apply_filters(frame, Filters(systems=(S3,)))) == {"RC1"}
    with pytest.raises(ValueError, match="region"):
        apply_filters(frame, Filters(regions=("North",)))
    with pytest.raises(ValueError, match="rating"):
        apply_filters(frame, Filters(ratings=("Advanced",)), systems=SYSTEMS)
    by_region = apply_filters(frame, Filters(regions=("South",)), systems=SYSTEMS)
    assert orgs(by_region) == {"RB1", "RC1"}
