"""Lineage: successor chains, cycles, restating money without double counting, ratings carried forward."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_frames import YEAR, ct_frame, org_rows, ratings_frame, systems_frame
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.lineage import (
    MIXED,
    current_footprint_map,
    map_codes,
    restate_to_current_footprint,
    successor_cycles,
    successor_map,
    successor_ratings,
)

NORTH = systems_frame(
    [
        {
            "system_code": "E54000045",
            "system_name": "Durham",
            "region": "North",
            "successor_code": "E54000049",
        },
        {"system_code": "E54000046", "system_name": "Tyne", "region": "North", "successor_code": "E54000049"},
        {
            "system_code": "E54000047",
            "system_name": "Cumbria",
            "region": "North",
            "successor_code": "E54000049",
        },
        {
            "system_code": "E54000049",
            "system_name": "Cumbria and NE",
            "region": "NEY",
            "successor_code": None,
        },
        {"system_code": "E54000048", "system_name": "Lancashire", "region": "NW", "successor_code": None},
    ]
)


def with_successor(systems: pd.DataFrame, code: str, successor: str | None) -> pd.DataFrame:
    out = systems.copy()
    out.loc[out["system_code"] == code, "successor_code"] = successor
    return out


def add_system(systems: pd.DataFrame, code: str, successor: str | None = None) -> pd.DataFrame:
    extra = systems_frame(
        [{"system_code": code, "system_name": code, "region": "X", "successor_code": successor}]
    )
    return pd.concat([systems, extra], ignore_index=True)


def test_merged_footprints_map_to_their_successor():
    mapping = current_footprint_map(NORTH)
    assert {mapping[c] for c in ("E54000045", "E54000046", "E54000047", "E54000049")} == {"E54000049"}
    assert mapping["E54000048"] == "E54000048"


def test_chains_are_followed_to_the_latest_known_successor():
    chained = add_system(with_successor(NORTH, "E54000049", "E54000050"), "E54000050")
    mapping = current_footprint_map(chained)
    assert mapping["E54000045"] == "E54000050"
    assert mapping["E54000049"] == "E54000050"
    # A successor the lookup does not know ends the chain at the last code it does know.
    unknown_next = with_successor(NORTH, "E54000049", "E54000099")
    assert current_footprint_map(unknown_next)["E54000045"] == "E54000049"


def test_blank_and_self_successors_mean_none():
    tidy = with_successor(NORTH, "E54000048", "e54000048 ")
    assert successor_map(tidy).get("E54000048") is None
    assert current_footprint_map(tidy)["E54000048"] == "E54000048"


def test_cycles_are_guarded_and_reported():
    looped = with_successor(NORTH, "E54000049", "E54000045")  # 045 -> 049 -> 045
    mapping = current_footprint_map(looped)
    assert mapping["E54000045"] == "E54000045" and mapping["E54000049"] == "E54000049"
    assert mapping["E54000046"] == "E54000049"  # leads into the cycle: stops where it meets it
    assert successor_cycles(looped) == [("E54000045", "E54000049")]
    assert successor_cycles(NORTH) == []


def test_restating_2017_rows_puts_them_under_the_merged_system_and_keeps_totals():
    rows = []
    for i, code in enumerate(("E54000045", "E54000046", "E54000047", "E54000048")):
        rows += org_rows(f"R{i}A", code, year="2017/18", actuals={1: (10 + i, 9)}, control_total=i)
    rows += org_rows("R0A", "E54000049", year=YEAR, actuals={1: (10, 9)}, control_total=5)
    frame = ct_frame(rows)
    restated = restate_to_current_footprint(frame, NORTH)
    assert len(restated) == len(frame)
    old = restated[restated["financial_year"] == "2017/18"]
    assert set(old.loc[old["org_code"] != "R3A", "system_code"]) == {"E54000049"}
    assert set(old.loc[old["org_code"] == "R3A", "system_code"]) == {"E54000048"}
    assert (restated["original_system_code"] == frame["system_code"]).all()
    money = ["plan_income", "actual_income", "plan_expenditure", "actual_expenditure"]
    pd.testing.assert_series_equal(restated[money].sum(), frame[money].sum())
    # Restating twice changes nothing and keeps the first original code.
    again = restate_to_current_footprint(restated, NORTH)
    pd.testing.assert_frame_equal(again, restated)


def test_map_codes_keeps_index_dtype_and_unmapped_values():
    codes = pd.Series(["A", "B", None, "A"], index=[10, 11, 12, 13], dtype="str")
    mapped = map_codes(codes, {"A": "Z"})
    assert mapped.tolist()[:2] == ["Z", "B"] and pd.isna(mapped.iloc[2]) and mapped.iloc[3] == "Z"
    assert mapped.index.tolist() == [10, 11, 12, 13]
    assert mapped.dtype == codes.dtype


CODES = [f"E5400010{i}" for i in range(6)]


@st.composite
def lookups_and_rows(draw):
    successors = draw(st.lists(st.one_of(st.none(), st.sampled_from(CODES)), min_size=6, max_size=6))
    systems = systems_frame(
        [
            {"system_code": c, "system_name": c, "region": "R", "successor_code": s}
            for c, s in zip(CODES, successors, strict=True)
        ]
    )
    picks = draw(st.lists(st.tuples(st.sampled_from(CODES), st.integers(0, 1000)), min_size=1, max_size=30))
    rows = []
    for i, (code, money) in enumerate(picks):
        rows += org_rows(f"R{i:02d}", code, months=[1], plan_income=money, actuals={1: (money, i)})
    return systems, ct_frame(rows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lookups_and_rows())
def test_restating_never_double_counts_whatever_the_lookup(case):
    systems, frame = case
    restated = restate_to_current_footprint(frame, systems)
    assert len(restated) == len(frame)
    assert restated["plan_income"].sum() == frame["plan_income"].sum()
    assert restated["actual_expenditure"].sum() == frame["actual_expenditure"].sum()
    # Every row lands on a code that does not move again.
    mapping = current_footprint_map(systems)
    assert all(mapping[c] == c for c in restated["system_code"].unique())
    # Each original code goes to exactly one current code.
    assert restated.groupby("original_system_code")["system_code"].nunique().max() == 1


def test_successor_ratings_own_inherited_and_mixed():
    ratings = ratings_frame(
        [
            ("E54000045", "2017-07-21", "Making progress"),
            ("E54000046", "2017-07-21", "Making progress"),
            ("E54000047", "2017-07-21", "Advanced"),
            ("E54000048", "2017-07-21", "Advanced"),
        ]
    )
    table = successor_ratings(ratings, NORTH).set_index("system_code")
    assert table.loc["E54000045", "overall_rating"] == "Making progress"
    assert table.loc["E54000045", "rating_basis"] == "own"
    merged = table.loc["E54000049"]
    assert (merged.overall_rating, merged.rating_basis) == (MIXED, "mixed")
    assert pd.isna(merged.rating_category)
    assert merged.rated_codes == "E54000045; E54000046; E54000047"
    assert merged.assessment_date == pd.Timestamp("2017-07-21")


def test_successor_ratings_inherit_when_predecessors_agree_through_a_chain():
    ratings = ratings_frame([(c, "2017-07-21", "Advanced") for c in ("E54000045", "E54000046", "E54000047")])
    chained = add_system(with_successor(NORTH, "E54000049", "E54000050"), "E54000050")
    table = successor_ratings(ratings, chained).set_index("system_code")
    for code in ("E54000049", "E54000050"):
        assert table.loc[code, "overall_rating"] == "Advanced"
        assert table.loc[code, "rating_basis"] == "inherited"
        assert table.loc[code, "rating_category"] == 2
    assert table.loc["E54000048", "rating_basis"] == "none"
    assert pd.isna(table.loc["E54000048", "overall_rating"])


def test_own_latest_rating_wins_over_predecessors_and_earlier_assessments():
    ratings = ratings_frame(
        [
            ("E54000045", "2017-07-21", "Advanced"),
            ("E54000049", "2018-01-01", "Outstanding"),
            ("E54000049", "2019-01-01", "Needs most improvement"),
        ]
    )
    table = successor_ratings(ratings, NORTH).set_index("system_code")
    assert table.loc["E54000049", "overall_rating"] == "Needs most improvement"
    assert table.loc["E54000049", "rating_basis"] == "own"


@pytest.mark.parametrize("systems", [NORTH.iloc[0:0], None])
def test_no_lookup_means_own_ratings_only(systems):
    ratings = ratings_frame([("E54000045", "2017-07-21", "Advanced")])
    table = successor_ratings(ratings, systems)
    assert table["system_code"].tolist() == ["E54000045"]
    assert current_footprint_map(systems) == {}
