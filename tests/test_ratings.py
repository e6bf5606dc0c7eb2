"""Ratings: the latest rating as at a date, and ratings set against each system's money."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from analysis_frames import YEAR, ct_frame, make_dataset, org_rows, ratings_frame, systems_frame

from analysis.ratings import NOT_RATED, latest_ratings, ratings_vs_money, system_ratings

SYSTEMS = systems_frame(
    [
        {
            "system_code": "E54000045",
            "system_name": "Durham",
            "region": "North",
            "successor_code": "E54000049",
        },
        {"system_code": "E54000046", "system_name": "Tyne", "region": "North", "successor_code": "E54000049"},
        {"system_code": "E54000049", "system_name": "Cumbria and NE", "region": "North"},
        {"system_code": "E54000048", "system_name": "Lancashire", "region": "North West"},
        {"system_code": "E54000007", "system_name": "Manchester", "region": "North West"},
    ]
)
RATINGS = ratings_frame(
    [
        ("E54000045", "2017-07-21", "Making progress"),
        ("E54000046", "2017-07-21", "Advanced"),
        ("E54000048", "2017-07-21", "Needs most improvement"),
        ("E54000048", "2018-07-01", "Advanced"),
    ]
)


def test_latest_rating_as_at_a_date():
    all_time = latest_ratings(RATINGS).set_index("system_code")
    assert all_time.loc["E54000048", "overall_rating"] == "Advanced"
    assert len(all_time) == 3
    in_2017 = latest_ratings(RATINGS, date(2017, 12, 31)).set_index("system_code")
    assert in_2017.loc["E54000048", "overall_rating"] == "Needs most improvement"
    # The assessment date itself counts.
    assert len(latest_ratings(RATINGS, date(2017, 7, 21))) == 3
    assert latest_ratings(RATINGS, date(2017, 7, 20)).empty


def test_system_ratings_label_every_system():
    labels = system_ratings(RATINGS, SYSTEMS).set_index("system_code")["rating_label"].to_dict()
    assert labels == {
        "E54000007": NOT_RATED,
        "E54000045": "Making progress",
        "E54000046": "Advanced",
        "E54000048": "Advanced",
        "E54000049": "Mixed",
    }
    before = system_ratings(RATINGS, SYSTEMS, as_at=date(2017, 1, 1))
    assert set(before["rating_label"]) == {NOT_RATED}


def _money() -> pd.DataFrame:
    rows = org_rows("RA1", "E54000049", actuals={1: (100, 110), 2: (100, 110)}, plan_expenditure=100)
    rows += org_rows("RB1", "E54000048", actuals={1: (100, 95), 2: (100, 95)}, plan_expenditure=100)
    rows += org_rows("RC1", "E54000007", actuals={1: (100, 100), 2: (100, 100)}, plan_expenditure=100)
    return ct_frame(rows)


def test_ratings_vs_money_on_the_years_footprint_with_ratings_carried_forward():
    table = ratings_vs_money(make_dataset(_money(), SYSTEMS, RATINGS)).set_index("system_code")
    assert list(table.index) == ["E54000048", "E54000007", "E54000049"]  # best first, unrated last
    # As at month 2: RA1 spent 2 x 10 more than planned.
    merged = table.loc["E54000049"]
    assert (merged.variance_ytd, merged.overspend_ytd) == (-20, 20)
    assert merged.variance_pct == pytest.approx(-20 / 200 * 100)
    assert (merged.overall_rating, merged.rating_basis, merged.rating_label) == ("Mixed", "mixed", "Mixed")
    assert merged.rated_codes == "E54000045; E54000046"
    lancs = table.loc["E54000048"]
    assert (lancs.overall_rating, lancs.rating_category, lancs.rating_basis) == ("Advanced", 2, "own")
    assert lancs.variance_ytd == 10
    manchester = table.loc["E54000007"]
    assert manchester.rating_label == NOT_RATED and pd.isna(manchester.overall_rating)


def test_ratings_vs_money_sorted_best_first_and_as_at():
    table = ratings_vs_money(make_dataset(_money(), SYSTEMS, RATINGS), YEAR, 1)
    assert table["system_code"].tolist()[0] == "E54000048"
    assert table["variance_ytd"].tolist()[0] == 5
    early = ratings_vs_money(make_dataset(_money(), SYSTEMS, RATINGS), as_at=date(2017, 12, 31))
    assert early.set_index("system_code").loc["E54000048", "overall_rating"] == "Needs most improvement"


def test_ratings_vs_money_without_data():
    empty = make_dataset(ct_frame([]), SYSTEMS, RATINGS)
    table = ratings_vs_money(empty)
    assert table.empty
    assert "variance_pct" in table.columns
