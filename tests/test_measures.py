"""Measures: year to date per the contract, monthly series, forecast, attribution, reconciliation.

The hand-computed example is `small_year()` in analysis_frames (as at month 3 of 2018/19):

    RA1 (S1)  plan inc 3 x 100 = 300, act 3 x 105 = 315; plan exp 3 x 90 = 270, act 3 x 100 = 300
              plan surplus 30, actual 15, variance -15, overspend 30; forecast at M3 100; CT 120
    RB1 (S1)  month 3 has no actuals -> left out of plan and actual alike, counted:
              plan inc 2 x 50 = 100, act 100; plan exp 100, act 2 x 55 = 110
              plan surplus 0, actual -10, variance -10, overspend 10; no forecast at M3; CT 0
    RC1 (S2)  plan inc 600, act 600; plan exp 3 x 190 = 570, act 3 x 180 = 540
              plan surplus 30, actual 60, variance 30, overspend -30; forecast 150; CT 120

    S1        orgs 2, reporting 1 (RB1 missed M3); plan inc 400, act 415; plan exp 370, act 410;
              plan surplus 30, actual 5, variance -25, overspend 40; CT 120 + 0 = 120 (not 12 x 120);
              forecast unknown (RB1 gave none at M3) -> NaN, forecast variance NaN;
              like for like: forecast available 100 (RA1), its variance 100 - 120 = -20; variance % -25/370
    National  orgs 3, reporting 2; plan inc 1000, act 1015; plan exp 940, act 950; variance 5;
              CT 240; forecast NaN; available 100 + 150 = 250, variance available -20 + 30 = 10
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from analysis_frames import (
    S1,
    S2,
    S3,
    YEAR,
    ct_frame,
    make_dataset,
    org_rows,
    small_year,
    system_ct_frame,
    systems_frame,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import measures
from analysis.measures import (
    ADDITIVE_COLUMNS,
    GRAIN_COLUMNS,
    MEASURE_COLUMNS,
    PERIOD_LEVELS,
    add_row_measures,
    forecast_view,
    latest_actual_month,
    latest_year,
    money_measures,
    monthly_series,
    monthly_variance_by_system,
    months_with_actuals,
    not_accepted,
    reconcile_system_control_totals,
    reported,
    summary_table,
    system_lookup,
    variance_attribution,
    waterfall_steps,
    ytd_summary,
)

SYSTEMS = systems_frame(
    [
        {"system_code": S1, "system_name": "System One", "region": "North"},
        {"system_code": S2, "system_name": "System Two", "region": "South"},
        {"system_code": S3, "system_name": "System Three", "region": "South"},
    ]
)


def row(table: pd.DataFrame, column: str, key: str) -> pd.Series:
    match = table.loc[table[column] == key]
    assert len(match) == 1, table
    return match.iloc[0]


# ---------------------------------------------------------------------------------------------------------
# The rules every measure is built from


def test_row_measures_follow_the_contract():
    rows = pd.DataFrame(
        {
            "plan_income": [100.0],
            "actual_income": [105.0],
            "plan_expenditure": [90.0],
            "actual_expenditure": [100.0],
        }
    )
    out = add_row_measures(rows).iloc[0]
    assert (out.plan_surplus, out.actual_surplus, out.variance, out.overspend) == (10, 5, -5, 10)
    assert money_measures(1.0, 2.0, 3.0, 5.0) == {
        "plan_surplus": -2.0,
        "actual_surplus": -3.0,
        "variance": -1.0,
        "overspend": 2.0,
    }
    sums = rows.add_suffix("_ytd")
    assert add_row_measures(sums, "_ytd")["variance_ytd"].tolist() == [-5.0]


def test_actuals_are_reported_only_when_income_and_expenditure_both_are():
    rows = pd.DataFrame(
        {"actual_income": [1.0, np.nan, 1.0, np.nan], "actual_expenditure": [1.0, 1.0, np.nan, np.nan]}
    )
    assert reported(rows).tolist() == [True, False, False, False]


def test_system_lookup_is_empty_without_a_lookup_or_column():
    assert system_lookup(SYSTEMS, "region")[S1] == "North"
    assert system_lookup(None, "region") == {} and system_lookup(SYSTEMS, "nope") == {}


# ---------------------------------------------------------------------------------------------------------
# Year to date, by hand


def test_system_ytd_matches_hand_computed_figures():
    table = ytd_summary(small_year(), SYSTEMS, "system", YEAR, 3)
    assert list(table.columns[:3]) == ["system_code", "system_name", "region"]
    s1 = row(table, "system_code", S1)
    assert (s1.system_name, s1.region) == ("System One", "North")
    expected = {
        "orgs": 2,
        "orgs_reporting": 1,
        "plan_income_ytd": 400,
        "actual_income_ytd": 415,
        "plan_expenditure_ytd": 370,
        "actual_expenditure_ytd": 410,
        "overspend_ytd": 40,
        "plan_surplus_ytd": 30,
        "actual_surplus_ytd": 5,
        "variance_ytd": -25,
        "control_total": 120,
        "rows_without_actuals": 1,
        # Forecasts as at M3 (issue 12): RA1 reports 100 at M3; RB1 reported none at M3, so its M2 forecast
        # -10 is carried forward -> 100 + (-10) = 90, both members forecast, one carried.
        "forecast_orgs": 2,
        "forecast_carried": 1,
        "forecast_outturn": 100 - 10,
        "forecast_variance": 90 - (120 + 0),
        # Both had a forecast at M2 (110 and -10): 90 - 100.
        "forecast_movement": 90 - 100,
        # RA1: 120 + (-15) x 12 / 3 = 60; RB1 (reported 2 months): 0 + (-10) x 12 / 2 = -60 -> 0.
        "run_rate_outturn": 60 - 60,
        "run_rate_variance": 0 - 120,
        "plan_surplus_full_year": 12 * 10 + 12 * 0,
        "plan_expenditure_full_year": 12 * 90 + 12 * 50,
    }
    for column, value in expected.items():
        assert s1[column] == pytest.approx(value), column
    assert s1.variance_pct == pytest.approx(-25 / 370 * 100)
    s2 = row(table, "system_code", S2)
    assert (s2.orgs, s2.orgs_reporting, s2.variance_ytd, s2.overspend_ytd) == (1, 1, 30, -30)
    assert (s2.control_total, s2.forecast_outturn, s2.forecast_variance) == (120, 150, 30)


def test_national_ytd_matches_hand_computed_figures():
    table = ytd_summary(small_year(), SYSTEMS, "national", YEAR, 3)
    assert len(table) == 1
    n = table.iloc[0]
    assert n.national == "National"
    assert (n.orgs, n.orgs_reporting) == (3, 2)
    assert (n.plan_income_ytd, n.actual_income_ytd) == (1000, 1015)
    assert (n.plan_expenditure_ytd, n.actual_expenditure_ytd) == (940, 950)
    assert (n.variance_ytd, n.control_total) == (5, 240)
    # Forecasts as at M3: RA1 100, RB1 -10 (carried from M2), RC1 150 -> 240 against the control totals of
    # those same three organisations, 120 + 0 + 120 = 240.
    assert (n.forecast_outturn, n.forecast_variance) == (240, 0)
    assert (n.forecast_orgs, n.forecast_carried) == (3, 1)


def test_like_for_like_row_without_actuals_is_left_out_of_plan_and_actual_and_counted():
    table = ytd_summary(small_year(), SYSTEMS, "org", YEAR, 3)
    rb1 = row(table, "org_code", "RB1")
    # month 3's plan (50 / 50) is not in the plan either: 2 x 50, not 3 x 50
    assert (rb1.plan_income_ytd, rb1.plan_expenditure_ytd) == (100, 100)
    assert (rb1.actual_income_ytd, rb1.actual_expenditure_ytd) == (100, 110)
    assert rb1.rows_without_actuals == 1
    assert (rb1.orgs, rb1.orgs_reporting) == (1, 0)
    # At month 2 it has reported everything: nothing left out.
    at_2 = row(ytd_summary(small_year(), SYSTEMS, "org", YEAR, 2), "org_code", "RB1")
    assert (at_2.rows_without_actuals, at_2.orgs_reporting) == (0, 1)


def test_orgs_counts_every_member_and_orgs_reporting_only_those_with_actuals_at_the_month():
    table = ytd_summary(small_year(), SYSTEMS, "org_type", YEAR, 3)
    acute, ccg = row(table, "org_type", "acute"), row(table, "org_type", "ccg")
    assert (acute.orgs, acute.orgs_reporting) == (2, 2)
    assert (ccg.orgs, ccg.orgs_reporting) == (1, 0)


def test_control_total_is_counted_once_per_organisation_year():
    table = ytd_summary(small_year(), SYSTEMS, "org", YEAR, 3)
    assert row(table, "org_code", "RA1").control_total == 120  # 12 monthly rows, counted once
    # The 2017/18 rows of RA1 (control total -999) belong to another year.
    assert ytd_summary(small_year(), SYSTEMS, "national", YEAR, 3).control_total.iloc[0] == 240
    older = ytd_summary(small_year(), SYSTEMS, "national", "2017/18", 12)
    assert older.control_total.iloc[0] == -999


def test_forecast_sums_the_members_that_forecast_and_reports_coverage():
    frame = small_year()
    # S1 at month 3: RA1 forecast 100, RB1 none at M3 but -10 at M2, carried forward -> 100 - 10 = 90,
    # set against the control totals of both (120 + 0); coverage: 2 of 2 forecast, 1 carried.
    s1 = row(ytd_summary(frame, SYSTEMS, "system", YEAR, 3), "system_code", S1)
    assert (s1.forecast_outturn, s1.forecast_variance) == (90, 90 - 120)
    assert (s1.forecast_orgs, s1.forecast_carried, s1.orgs) == (2, 1, 2)
    # S1 at month 2: both forecast at M2 (110 and -10), none carried -> 100 against 120.
    s1_m2 = row(ytd_summary(frame, SYSTEMS, "system", YEAR, 2), "system_code", S1)
    assert (s1_m2.forecast_outturn, s1_m2.forecast_variance) == (100, 100 - 120)
    assert (s1_m2.forecast_orgs, s1_m2.forecast_carried) == (2, 0)
    # National at month 2: RC1 (control total 120) has no forecast yet, so it is left out of both sides:
    # 110 - 10 = 100 against RA1 + RB1's 120 + 0, not against all three (240).
    n_m2 = ytd_summary(frame, SYSTEMS, "national", YEAR, 2).iloc[0]
    assert (n_m2.forecast_outturn, n_m2.forecast_variance, n_m2.forecast_orgs) == (100, 100 - 120, 2)
    # S2 at month 2: its only member forecast nothing -> NaN everywhere, never 0.
    s2 = row(ytd_summary(frame, SYSTEMS, "system", YEAR, 2), "system_code", S2)
    assert math.isnan(s2.forecast_outturn) and math.isnan(s2.forecast_variance)
    assert s2.forecast_orgs == 0


def test_region_grain_uses_the_systems_lookup():
    table = ytd_summary(small_year(), SYSTEMS, "region", YEAR, 3)
    assert table["region"].tolist() == ["North", "South"]
    assert table.set_index("region")["variance_ytd"].to_dict() == {"North": -25, "South": 30}
    with pytest.raises(ValueError, match="systems lookup"):
        ytd_summary(small_year(), None, "region", YEAR, 3)


def test_no_as_at_month_means_nothing_to_date():
    table = ytd_summary(small_year(), SYSTEMS, "system", YEAR, None)
    assert (table[["plan_income_ytd", "actual_income_ytd", "variance_ytd"]] == 0).all().all()
    assert (table["orgs_reporting"] == 0).all()
    assert table["forecast_outturn"].isna().all()
    assert table["orgs"].tolist() == [2, 1]


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="month"):
        ytd_summary(small_year(), SYSTEMS, "system", YEAR, 13)
    with pytest.raises(ValueError, match="by must be"):
        ytd_summary(small_year(), SYSTEMS, "trust", YEAR, 3)  # type: ignore[arg-type]


def test_year_not_in_frame_gives_empty_table_with_the_grain_columns():
    table = ytd_summary(small_year(), SYSTEMS, "org", "2030/31", 3)
    assert table.empty
    assert list(table.columns[:3]) == list(GRAIN_COLUMNS["org"])


def test_org_grain_names_and_system():
    table = ytd_summary(small_year(), SYSTEMS, "org", YEAR, 3)
    assert table["org_code"].tolist() == ["RA1", "RB1", "RC1"]
    assert table["system_code"].tolist() == [S1, S1, S2]
    assert table["org_name"].tolist() == ["Org RA1", "Org RB1", "Org RC1"]


def test_organisation_in_two_systems_is_counted_once_nationally():
    # Validation quarantines this; the measure still never double counts an organisation's control total.
    rows = org_rows("RX1", S1, control_total=50, months=[1, 2]) + org_rows(
        "RX1", S2, control_total=50, months=[3]
    )
    table = ytd_summary(ct_frame(rows), SYSTEMS, "national", YEAR, None)
    assert (table.orgs.iloc[0], table.control_total.iloc[0]) == (1, 50)
    by_system = ytd_summary(ct_frame(rows), SYSTEMS, "system", YEAR, None)
    assert by_system["orgs"].tolist() == [1, 1]


# ---------------------------------------------------------------------------------------------------------
# Defaults and the CLI table


def test_defaults_latest_year_and_latest_month_with_actuals():
    frame = small_year()
    assert latest_year(frame) == YEAR
    assert latest_actual_month(frame, YEAR) == 3
    assert latest_actual_month(frame, "2017/18") == 12
    assert latest_actual_month(frame, "2030/31") is None
    assert months_with_actuals(frame) == {YEAR: (1, 2, 3), "2017/18": tuple(range(1, 13))}
    assert latest_year(frame.iloc[0:0]) is None


CONTRACT_COLUMNS = {
    "system": ["system_code", "system_name", "region"],
    "region": ["region"],
    "org": ["org_code", "org_name", "system_code"],
    "org_type": ["org_type"],
}


@pytest.mark.parametrize("by", sorted(CONTRACT_COLUMNS))
def test_summary_table_has_exactly_the_contract_columns(by):
    table = summary_table(make_dataset(small_year(), SYSTEMS), by)
    assert list(table.columns) == CONTRACT_COLUMNS[by] + [
        "orgs",
        "orgs_reporting",
        "plan_income_ytd",
        "actual_income_ytd",
        "plan_expenditure_ytd",
        "actual_expenditure_ytd",
        "overspend_ytd",
        "plan_surplus_ytd",
        "actual_surplus_ytd",
        "variance_ytd",
        "control_total",
        "forecast_outturn",
        "forecast_variance",
        "forecast_orgs",
        "forecast_carried",
        "forecast_movement",
        "run_rate_outturn",
        "run_rate_variance",
    ]
    key = CONTRACT_COLUMNS[by][0]
    assert table[key].tolist() == sorted(table[key].tolist())


def test_summary_table_resolves_defaults_and_accepts_explicit_ones():
    dataset = make_dataset(small_year(), SYSTEMS)
    default = summary_table(dataset, "system")
    explicit = summary_table(dataset, "system", YEAR, 3)
    pd.testing.assert_frame_equal(default, explicit)
    at_2 = summary_table(dataset, "system", month=2)
    assert row(at_2, "system_code", S1).orgs_reporting == 2
    older = summary_table(dataset, "system", "2017/18")
    assert older["orgs"].tolist() == [1]
    assert summary_table(dataset, "system", "2030/31").empty


def test_summary_table_rounds_to_one_decimal_and_rows_still_add_up():
    rows = org_rows(
        "RA1",
        S1,
        plan_income=100.04,
        plan_expenditure=90.03,
        actuals={1: (100.06, 90.02)},
        control_total=10.26,
        forecasts={1: 10.04},
    )
    table = summary_table(make_dataset(ct_frame(rows), SYSTEMS), "system")
    r = table.iloc[0]
    assert (r.plan_income_ytd, r.actual_income_ytd) == (100.0, 100.1)
    assert (r.plan_expenditure_ytd, r.actual_expenditure_ytd) == (90.0, 90.0)
    assert r.control_total == 10.3 and r.forecast_outturn == 10.0
    # Differences come from the rounded figures, so the printed row adds up exactly.
    assert r.plan_surplus_ytd == 10.0 and r.actual_surplus_ytd == 10.1
    assert r.variance_ytd == 0.1 and r.overspend_ytd == 0.0
    # forecast_variance sums over the members with a forecast only, so no shown figure beside it gives it:
    # it is rounded once, from 10.04 - 10.26 = -0.22 -> -0.2 (not 10.0 - 10.3 from the shown figures).
    assert r.forecast_variance == -0.2
    assert not np.signbit(r.overspend_ytd)  # no "-0.0" in a CSV
    assert np.isnan(r.forecast_movement)  # as at M01: no month before to move from (blank, the contract)
    money = table.select_dtypes("float").drop(columns="forecast_movement")
    assert ((money * 10).round(6) % 1 == 0).all().all()


# ---------------------------------------------------------------------------------------------------------
# Additivity (hypothesis)


_MONEY = st.integers(0, 1000)
_ROW = st.tuples(_MONEY, _MONEY, st.booleans(), _MONEY, _MONEY, st.one_of(st.none(), st.integers(-500, 500)))


@st.composite
def years_of_data(draw) -> pd.DataFrame:
    """A random year: 1-6 organisations in 1-3 systems, any months, any actuals and forecasts."""
    n_orgs = draw(st.integers(1, 6))
    rows = []
    for i in range(n_orgs):
        system = draw(st.sampled_from([S1, S2, S3]))
        org_type = draw(st.sampled_from(["acute", "ccg", "community"]))
        months = sorted(draw(st.sets(st.integers(1, 12), min_size=1, max_size=12)))
        control_total = draw(st.integers(-500, 500))
        cells = draw(st.lists(_ROW, min_size=len(months), max_size=len(months)))
        for month, (plan_inc, plan_exp, has_actuals, act_inc, act_exp, forecast) in zip(
            months, cells, strict=True
        ):
            rows.append(
                {
                    "financial_year": YEAR,
                    "month": month,
                    "system_code": system,
                    "org_code": f"R{i:02d}",
                    "org_name": f"Org {i}",
                    "org_type": org_type,
                    "plan_income": plan_inc,
                    "plan_expenditure": plan_exp,
                    "actual_income": act_inc if has_actuals else None,
                    "actual_expenditure": act_exp if has_actuals else None,
                    "control_total": control_total,
                    "forecast_outturn": forecast,
                }
            )
    return ct_frame(rows)


def _totals(table: pd.DataFrame) -> pd.Series:
    """Sum of each additive measure over groups, skipping unknowns (NaN only when every part is).

    forecast_variance compares each forecast with the control totals of the members that have one (the
    contract, issue 12), so it is a sum over members and adds up over groups like the other measures."""
    return table[list(ADDITIVE_COLUMNS)].sum(min_count=1)


def _assert_same(parts: pd.Series, whole: pd.Series) -> None:
    for column in ADDITIVE_COLUMNS:
        a, b = parts[column], whole[column]
        if pd.isna(b):
            assert pd.isna(a), column
        else:
            assert a == pytest.approx(b, abs=1e-6), column


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=years_of_data(), month=st.one_of(st.none(), st.integers(1, 12)))
def test_systems_and_regions_add_up_to_national(frame, month):
    national = ytd_summary(frame, SYSTEMS, "national", YEAR, month).iloc[0]
    _assert_same(_totals(ytd_summary(frame, SYSTEMS, "system", YEAR, month)), national)
    _assert_same(_totals(ytd_summary(frame, SYSTEMS, "region", YEAR, month)), national)
    _assert_same(_totals(ytd_summary(frame, SYSTEMS, "org_type", YEAR, month)), national)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=years_of_data(), month=st.one_of(st.none(), st.integers(1, 12)))
def test_organisations_add_up_to_their_system(frame, month):
    systems = ytd_summary(frame, SYSTEMS, "system", YEAR, month).set_index("system_code")
    orgs = ytd_summary(frame, SYSTEMS, "org", YEAR, month)
    for code, members in orgs.groupby("system_code"):
        _assert_same(_totals(members), systems.loc[code])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=years_of_data(), month=st.integers(1, 12))
def test_ytd_is_the_sum_of_reported_rows_to_date(frame, month):
    """The contract's definition, computed the slow obvious way, agrees with the fast one."""
    to_date = frame[(frame.month <= month) & frame.actual_income.notna()]
    national = ytd_summary(frame, SYSTEMS, "national", YEAR, month).iloc[0]
    assert national.plan_income_ytd == to_date.plan_income.sum()
    assert national.actual_expenditure_ytd == to_date.actual_expenditure.sum()
    assert national.rows_without_actuals == ((frame.month <= month) & frame.actual_income.isna()).sum()
    at_m = frame[frame.month == month]
    assert national.orgs_reporting == at_m.loc[at_m.actual_income.notna(), "org_code"].nunique()
    assert national.orgs == frame.org_code.nunique()
    assert national.control_total == frame.drop_duplicates("org_code").control_total.sum()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=years_of_data(), month=st.integers(1, 12))
def test_attribution_sums_to_the_system_variance(frame, month):
    systems = ytd_summary(frame, SYSTEMS, "system", YEAR, month).set_index("system_code")
    code = systems.index[0]
    system = systems.loc[code]
    parts = variance_attribution(frame, code, YEAR, month)
    assert math.fsum(parts["contribution"]) == pytest.approx(system.variance_ytd, abs=1e-6)
    assert (parts["contribution"] == parts["income_effect"] + parts["expenditure_effect"]).all()
    assert parts["contribution"].abs().is_monotonic_decreasing
    steps = waterfall_steps(frame, code, YEAR, month, top_n=2)
    assert steps["value"].iloc[0] == pytest.approx(system.plan_surplus_ytd)
    assert steps["value"].iloc[-1] == pytest.approx(system.actual_surplus_ytd)
    assert steps["value"].iloc[1:-1].sum() == pytest.approx(system.variance_ytd, abs=1e-6)
    assert steps["running_total"].iloc[-2] == pytest.approx(system.actual_surplus_ytd, abs=1e-6)


# ---------------------------------------------------------------------------------------------------------
# Monthly series


def test_monthly_series_of_a_system():
    series = monthly_series(small_year(), "system", S1, YEAR)
    assert series["month"].tolist() == list(range(1, 13))
    m3 = series.iloc[2]
    # Month 3: RA1 reported, RB1 did not. Full plan 100 + 50 income; like-for-like plan only RA1's.
    assert (m3.rows, m3.rows_with_actuals, m3.rows_without_actuals) == (2, 1, 1)
    assert (m3.plan_income, m3.plan_income_reported, m3.actual_income) == (150, 100, 105)
    assert m3.variance == (105 - 100) - (100 - 90)
    assert m3.overspend == 100 - 90
    # Cumulative at month m = the YTD figures at m.
    ytd = row(ytd_summary(small_year(), SYSTEMS, "system", YEAR, 3), "system_code", S1)
    assert m3.variance_cum == ytd.variance_ytd
    assert m3.plan_surplus_reported_cum == ytd.plan_surplus_ytd
    assert m3.actual_surplus_cum == ytd.actual_surplus_ytd
    assert m3.overspend_cum == ytd.overspend_ytd
    # After the last month with actuals: no actual, no cumulative actual; the plan line goes on.
    assert series.loc[3:, "actual_income"].isna().all()
    assert series.loc[3:, "variance_cum"].isna().all()
    assert series["plan_surplus_cum"].iloc[-1] == 12 * 10 + 12 * 0


def test_monthly_series_carries_cumulative_through_a_gap():
    rows = org_rows("RA1", S1, actuals={1: (100, 80), 3: (100, 70)})
    series = monthly_series(ct_frame(rows), "org", "RA1", YEAR)
    variance = series["variance"]
    assert variance.iloc[0] == 10 and math.isnan(variance.iloc[1]) and variance.iloc[2] == 20
    assert series["variance_cum"].tolist()[:3] == [10.0, 10.0, 30.0]
    assert series["variance_cum"].iloc[3:].isna().all()


def test_monthly_series_national_and_region_agree():
    frame = small_year()
    national = monthly_series(frame, "national", None, YEAR)
    north = monthly_series(frame, "region", "North", YEAR, systems=SYSTEMS)
    south = monthly_series(frame, "system", S2, YEAR)
    total = north["plan_income"] + south["plan_income"]
    assert (total == national["plan_income"]).all()
    assert national.iloc[2].variance_cum == 5
    with pytest.raises(ValueError):
        monthly_series(frame, "system", None, YEAR)


def test_monthly_variance_by_system_is_indexed_by_year_and_month_across_a_year_end():
    rows = org_rows("RA1", S1, year="2017/18", actuals={12: (100, 85)}) + org_rows(
        "RA1", S1, actuals={1: (100, 80), 2: (100, 95), 3: (100, 90)}
    )
    rows += org_rows("RC1", S2, actuals={1: (100, 90)})
    series = monthly_variance_by_system(ct_frame(rows), YEAR, 2)
    assert list(series) == [S1, S2]
    s1 = series[S1]
    assert s1.index.names == list(PERIOD_LEVELS)
    assert s1.index.tolist() == [("2017/18", 12), (YEAR, 1), (YEAR, 2)]  # month 3 is after the as-at month
    assert s1.tolist() == [5.0, 10.0, -5.0]
    assert list(monthly_variance_by_system(ct_frame(rows), YEAR, 2, codes=[S2])) == [S2]
    assert monthly_variance_by_system(ct_frame(rows), "2016/17", None) == {}


def test_monthly_variance_labels_are_made_where_shown():
    from analysis import figures, spc

    rows = org_rows("RA1", S1, actuals={m: (100, 90 + m) for m in range(1, 13)})
    series = monthly_variance_by_system(ct_frame(rows), YEAR, None)[S1]
    figure = figures.spc_chart(spc.spc_analysis(series, "increase"), "£000", "System One")
    # Short labels since 5122b7e (thinned by plotly at narrow widths): M01 and M02 of 2018/19.
    assert list(figure.data[0].x)[:2] == ["Apr 18", "May 18"]


# ---------------------------------------------------------------------------------------------------------
# Forecast


def test_forecast_view_run_rate_projection_and_optimism_flag():
    view = forecast_view(small_year(), SYSTEMS, "org", YEAR, 3).set_index("org_code")
    ra1 = view.loc["RA1"]
    # Full-year plan surplus 12 x 10 = 120; YTD variance -15 over 3 months -> -60 over 12.
    assert ra1.projected_outturn == pytest.approx(120 - 15 * 12 / 3)
    assert ra1.projected_variance == pytest.approx(60 - 120)
    assert ra1.forecast_minus_projection == pytest.approx(100 - 60)
    # Threshold 0.25% of full-year planned spend 12 x 90 = 1080 -> 2.7; the forecast is 40 better.
    assert ra1.optimism_threshold == pytest.approx(2.7)
    assert ra1.optimistic  # (pd.NA would raise here)
    rc1 = view.loc["RC1"]
    # 12 x 10 + 30 x 4 = 240 projected; forecast 150 is more cautious -> not optimistic.
    assert rc1.projected_outturn == pytest.approx(240)
    assert not rc1.optimistic
    # RB1's M2 forecast -10 is carried to M3 (issue 12). Projection: 0 + (-10) x 12 / 2 months reported
    # = -60; the forecast is 50 better; threshold 0.25% of 12 x 50 = 600 -> 1.5, so optimistic.
    rb1 = view.loc["RB1"]
    assert rb1.projected_outturn == pytest.approx(-60)
    assert rb1.forecast_minus_projection == pytest.approx(-10 - -60)
    assert rb1.optimism_threshold == pytest.approx(1.5)
    assert rb1.optimistic


def test_forecast_view_does_not_judge_a_partial_forecast():
    # At M2 RC1 has not forecast yet: nationally 2 of 3 members forecast, so the forecast is not judged.
    national = forecast_view(small_year(), SYSTEMS, "national", YEAR, 2).iloc[0]
    assert (national.forecast_orgs, national.orgs) == (2, 3)
    assert not national.forecast_complete
    assert pd.isna(national.optimistic)
    # At M3 RB1's forecast is carried forward, so S1 is complete (2 of 2) and S2 too.
    view = forecast_view(small_year(), SYSTEMS, "system", YEAR, 3).set_index("system_code")
    assert view.loc[S1, "forecast_complete"] and view.loc[S2, "forecast_complete"]
    assert view["optimistic"].dtype == "boolean"


def test_forecast_view_threshold_is_a_parameter_and_no_month_means_no_projection():
    loose = forecast_view(small_year(), SYSTEMS, "org", YEAR, 3, threshold_pct=10).set_index("org_code")
    assert not loose.loc["RA1", "optimistic"]  # 40 is less than 10% of 1080
    none = forecast_view(small_year(), SYSTEMS, "org", YEAR, None)
    assert none["projected_outturn"].isna().all() and none["optimistic"].isna().all()


# ---------------------------------------------------------------------------------------------------------
# Attribution and waterfall


def test_variance_attribution_splits_income_and_expenditure():
    parts = variance_attribution(small_year(), S1, YEAR, 3)
    assert parts["org_code"].tolist() == ["RA1", "RB1"]  # |-15| before |-10|
    ra1 = parts.iloc[0]
    assert (ra1.income_effect, ra1.expenditure_effect, ra1.contribution) == (15, -30, -15)
    rb1 = parts.iloc[1]
    assert (rb1.income_effect, rb1.expenditure_effect, rb1.contribution) == (0, -10, -10)
    assert parts["contribution"].sum() == -25


def test_waterfall_steps_from_plan_to_actual():
    steps = waterfall_steps(small_year(), S1, YEAR, 3, top_n=1)
    assert steps["label"].tolist() == [
        "Plan surplus YTD",
        "Org RA1",
        "1 other organisation",
        "Actual surplus YTD",
    ]
    assert steps["measure"].tolist() == ["absolute", "relative", "relative", "total"]
    assert steps["value"].tolist() == [30, -15, -10, 5]
    assert steps["running_total"].tolist() == [30, 15, 5, 5]
    assert steps["org_code"].isna().tolist() == [True, False, True, True]
    everyone = waterfall_steps(small_year(), S1, YEAR, 3, top_n=5)
    assert not [label for label in everyone["label"] if "other organisation" in label.lower()]
    assert len(everyone) == 4


# ---------------------------------------------------------------------------------------------------------
# Reconciliation and acceptance


def test_reconcile_stated_against_members():
    stated = system_ct_frame(
        [
            (YEAR, S1, 120.3, True),
            (YEAR, S2, 100.0, False),
            (YEAR, S3, 50.0, None),
            ("2017/18", S1, 1.0, True),
        ]
    )
    table = reconcile_system_control_totals(make_dataset(small_year(), SYSTEMS, system_control_totals=stated))
    by_code = table.set_index("system_code")
    assert by_code.loc[S1, "status"] == "agrees"  # 0.3 within the 0.5 tolerance
    assert by_code.loc[S1, "difference"] == pytest.approx(0.3)
    assert by_code.loc[S2, "status"] == "differs"
    assert by_code.loc[S2, "difference"] == pytest.approx(100 - 120)
    assert by_code.loc[S3, "status"] == "no member data"
    assert by_code.loc[S1, "members_control_total"] == 120
    assert bool(by_code.loc[S1, "stated_accepted"]) is True
    strict = reconcile_system_control_totals(
        make_dataset(small_year(), SYSTEMS, system_control_totals=stated), tolerance=0.1
    )
    assert strict.set_index("system_code").loc[S1, "status"] == "differs"


def test_reconcile_without_stated_totals():
    table = reconcile_system_control_totals(make_dataset(small_year(), SYSTEMS), YEAR)
    assert table["status"].tolist() == ["no stated total", "no stated total"]
    assert table["members_control_total"].tolist() == [120, 120]


def test_not_accepted_uses_each_organisations_latest_answer():
    frame = small_year()
    # RA1 said N in months 1-2 then Y; RB1 said N; RC1 never said.
    table = not_accepted(frame, YEAR)
    assert table["org_code"].tolist() == ["RB1"]
    assert table.iloc[0].stated_in_month == 2
    assert not_accepted(frame, YEAR, system_code=S2).empty
    assert not_accepted(frame, "2030/31").empty


def test_measure_columns_are_the_contract_order():
    assert MEASURE_COLUMNS[0] == "orgs" and MEASURE_COLUMNS[-1] == "run_rate_variance"
    assert measures.NATIONAL_LABEL == "National"
