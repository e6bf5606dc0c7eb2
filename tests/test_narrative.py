"""Generated sentences: exact text for representative inputs and for the awkward cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.narrative import describe_ranked_variance, national_narrative, system_narrative

SUMMARY_COLUMNS = [
    "system_code",
    "system_name",
    "region",
    "orgs",
    "orgs_reporting",
    "plan_surplus_ytd",
    "actual_surplus_ytd",
    "variance_ytd",
    "overspend_ytd",
    "control_total",
    "forecast_outturn",
    "forecast_variance",
    "forecast_orgs",
    "forecast_carried",
    "forecast_control_total",
]


def summary(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (code, name, orgs, orgs_reporting, plan, actual, control_total, forecast), £000."""
    records = []
    for code, name, orgs, reporting, plan, actual, control_total, forecast in rows:
        records.append(
            {
                "system_code": code,
                "system_name": name,
                "region": "North West",
                "orgs": orgs,
                "orgs_reporting": reporting,
                "plan_surplus_ytd": plan,
                "actual_surplus_ytd": actual,
                "variance_ytd": actual - plan,
                "overspend_ytd": plan - actual,
                "control_total": control_total,
                "forecast_outturn": forecast,
                "forecast_variance": forecast - control_total,
                # Every organisation forecast at the month (none carried), so the like-for-like control
                # total of the forecasting organisations is the whole control total.
                "forecast_orgs": orgs,
                "forecast_carried": 0,
                "forecast_control_total": control_total,
            }
        )
    return pd.DataFrame(records, columns=SUMMARY_COLUMNS)


def totals(frame: pd.DataFrame) -> dict[str, float]:
    return {c: float(frame[c].sum(min_count=1)) for c in SUMMARY_COLUMNS[3:]}


@pytest.fixture
def five() -> pd.DataFrame:
    return summary(
        [
            ("E54000008", "Cheshire and Merseyside", 5, 5, -10000, -14100, -20000, -22000),
            ("E54000005", "Humber Coast and Vale", 4, 4, -5000, -5900, -10000, -10500),
            ("E54000006", "West Yorkshire", 3, 2, 2000, 1800, 4000, 4000),
            ("E54000007", "Greater Manchester", 6, 6, 0, 300, 0, 500),
            ("E54000009", "Lancashire and South Cumbria", 2, 2, 1000, 1000, 2000, 2000),
        ]
    )


class TestNationalNarrative:
    def test_board_paragraph(self, five):
        assert national_narrative(five, totals(five), "2018/19", 6) == (
            "At M06 (Sep 2018) of 2018/19, the 5 systems together are £4.9m adverse to plan year to date "
            "(planned deficit £12.0m, actual deficit £16.9m). 3 of 5 systems are adverse to plan: "
            "Cheshire and Merseyside (£4.1m), Humber Coast and Vale (£0.9m) and West Yorkshire (£0.2m). "
            "Reported forecasts put the year end £2.0m adverse to the combined control total "
            "(deficit £26.0m against deficit £24.0m; 20 of 20 forecasts in). "
            "1 of 20 organisations has not yet reported M06."
        )

    def test_more_adverse_than_named_says_largest(self):
        frame = summary([(f"Q{i:02d}", f"System {i}", 1, 1, 0, -100 * i, 0, 0) for i in range(1, 6)])
        text = national_narrative(frame, totals(frame), "2018/19", 10, unit="£000")
        assert text == (
            "At M10 (Jan 2019) of 2018/19, the 5 systems together are £1,500k adverse to plan year to date "
            "(planned breakeven, actual deficit £1,500k). All 5 systems are adverse to plan; the largest "
            "adverse variances are at System 5 (£500k), System 4 (£400k) and System 3 (£300k). "
            "Reported forecasts put the year end in line with the combined control total "
            "(breakeven against breakeven; 5 of 5 forecasts in)."
        )

    def test_all_favourable(self):
        frame = summary([("Q01", "North", 2, 2, 0, 400, 0, 100), ("Q02", "South", 3, 3, -100, 0, 0, 100)])
        assert national_narrative(frame, totals(frame), "2019/20", 12) == (
            "At M12 (Mar 2020) of 2019/20, the 2 systems together are £0.5m favourable to plan year to date "
            "(planned deficit £0.1m, actual surplus £0.4m). None of the 2 systems is adverse to plan. "
            "Reported forecasts put the year end £0.2m favourable to the combined control total "
            "(surplus £0.2m against breakeven; 5 of 5 forecasts in)."
        )

    def test_forecast_missing(self, five):
        frame = five.assign(forecast_outturn=np.nan, forecast_variance=np.nan)
        text = national_narrative(frame, totals(frame), "2018/19", 6)
        assert "Forecast outturns have not been reported for M06 (Sep 2018)." in text
        assert "combined control total" not in text

    def test_national_totals_filled_from_systems_when_not_given(self, five):
        assert national_narrative(five, {}, "2018/19", 6) == national_narrative(
            five, totals(five), "2018/19", 6
        )

    def test_forecast_variance_derived_when_only_outturn_given(self, five):
        given = {k: v for k, v in totals(five).items() if k != "forecast_variance"}
        frame = five.drop(columns="forecast_variance")
        assert "£2.0m adverse to the combined control total" in national_narrative(frame, given, "2018/19", 6)

    @pytest.mark.parametrize("frame", [pd.DataFrame(columns=SUMMARY_COLUMNS), pd.DataFrame(), None])
    def test_no_systems(self, frame):
        assert national_narrative(frame, {}, "2018/19", 6) == (
            "At M06 (Sep 2018) of 2018/19, there is no data for the selection."
        )

    def test_single_system_is_named_and_not_counted(self, five):
        one = five.iloc[[3]]
        assert national_narrative(one, totals(one), "2018/19", 6) == (
            "At M06 (Sep 2018) of 2018/19, Greater Manchester is £0.3m favourable to plan year to date "
            "(planned breakeven, actual surplus £0.3m). Reported forecasts put the year end £0.5m "
            "favourable to the combined control total (surplus £0.5m against breakeven; 6 of 6 forecasts in)."
        )

    def test_tiny_total_variance_is_on_plan(self):
        frame = summary([("Q01", "North", 1, 1, 1000, 1020, 0, 0), ("Q02", "South", 1, 1, 1000, 960, 0, 0)])
        text = national_narrative(frame, totals(frame), "2018/19", 6)
        assert text.startswith(
            "At M06 (Sep 2018) of 2018/19, the 2 systems together are on plan year to date"
        )
        # counting uses the sign of the unrounded variance; a tiny amount is not shown as £0.0m
        assert "1 of 2 systems is adverse to plan: South (less than £0.1m)." in text

    def test_systems_without_actuals(self, five):
        frame = five.copy()
        frame.loc[4, ["actual_surplus_ytd", "variance_ytd", "overspend_ytd"]] = np.nan
        frame.loc[4, "orgs_reporting"] = 0
        text = national_narrative(frame, totals(frame), "2018/19", 6)
        assert "3 of 4 systems are adverse to plan" in text
        assert "1 system has no actuals to M06 (Sep 2018)." in text
        assert text.endswith("3 of 20 organisations have not yet reported M06.")

    def test_no_actuals_at_all(self, five):
        frame = five.assign(actual_surplus_ytd=np.nan, variance_ytd=np.nan, overspend_ytd=np.nan)
        text = national_narrative(frame, {}, "2018/19", 1)
        assert text.startswith(
            "At M01 (Apr 2018) of 2018/19, no actuals have been reported for the 5 systems."
        )

    def test_words_never_up_or_down_and_no_markup(self, five):
        five = five.assign(system_name=five["system_name"].str.replace("West", "*West_"))
        text = national_narrative(five, totals(five), "2018/19", 6)
        for word in (" up ", " down ", " rose", " fell", "**", "`"):
            assert word not in text
        assert "*West_ Yorkshire (£0.2m)" in text  # names inserted as given


ATTRIBUTION = pd.DataFrame(
    {
        "org_code": ["RBL", "RBQ", "01V"],
        "org_name": ["Trust A", "Trust B", "CCG C"],
        "income_effect": [-500.0, 100.0, 50.0],
        "expenditure_effect": [-1600.0, -1000.0, 20.0],
    }
).assign(contribution=lambda f: f["income_effect"] + f["expenditure_effect"])


def row(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "system_code": "E54000008",
        "system_name": "Cheshire and Merseyside",
        "region": "North West",
        "orgs": 3,
        "orgs_reporting": 3,
        "plan_surplus_ytd": -1000.0,
        "actual_surplus_ytd": -3930.0,
        "variance_ytd": -2930.0,
        "overspend_ytd": 2580.0,
        "control_total": -10000.0,
        "forecast_outturn": -11000.0,
        "forecast_variance": -1000.0,
        "forecast_orgs": 3,
        "forecast_carried": 0,
        "forecast_control_total": -10000.0,
    }
    return base | overrides


class TestSystemNarrative:
    def test_driven_by_expenditure(self):
        assert system_narrative(row(), ATTRIBUTION, None, "2018/19", 6) == (
            "Cheshire and Merseyside is £2.9m adverse to plan year to date at M06 (Sep 2018) of 2018/19, "
            "driven mostly by expenditure: Trust A (£2.1m adverse) and Trust B (£0.9m adverse). "
            "Its forecast outturn is £1.0m adverse to its control total "
            "(deficit £11.0m against deficit £10.0m; 3 of 3 forecasts in)."
        )

    def test_offset_spc_and_coverage(self):
        attribution = ATTRIBUTION.assign(
            income_effect=[500.0, 300.0, 0.0], expenditure_effect=[-2600.0, -1300.0, -30.0]
        )
        attribution = attribution.assign(
            contribution=attribution["income_effect"] + attribution["expenditure_effect"]
        )
        text = system_narrative(
            pd.Series(
                row(variance_ytd=-3130.0, orgs_reporting=2, forecast_variance=np.nan, forecast_outturn=np.nan)
            ),
            attribution,
            "The latest month's variance is special cause of concern",
            "2018/19",
            11,
        )
        assert text == (
            "Cheshire and Merseyside is £3.1m adverse to plan year to date at M11 (Feb 2019) of 2018/19, "
            "driven by expenditure: Trust A (£2.1m adverse), Trust B (£1.0m adverse) and "
            "CCG C (less than £0.1m adverse). Income is £0.8m favourable, partly offsetting this. "
            "It has not reported a forecast outturn for M11 (Feb 2019). "
            "1 of its 3 organisations has not yet reported M11. "
            "The latest month's variance is special cause of concern."
        )

    def test_favourable_with_many_contributors(self):
        attribution = pd.DataFrame(
            {
                "org_code": [f"R{i}A" for i in range(5)],
                "org_name": [f"Trust {i}" for i in range(5)],
                "income_effect": [100.0 * i for i in range(5)],
                "expenditure_effect": [50.0] * 5,
            }
        ).assign(contribution=lambda f: f["income_effect"] + f["expenditure_effect"])
        text = system_narrative(
            row(variance_ytd=1250.0, forecast_variance=0.0, forecast_outturn=-10000.0),
            attribution,
            None,
            "2020/21",
            3,
        )
        assert text == (
            "Cheshire and Merseyside is £1.3m favourable to plan year to date at M03 (Jun 2020) of 2020/21, "
            "driven mostly by income; the largest contributions are from Trust 4 (£0.5m favourable), "
            "Trust 3 (£0.4m favourable) and Trust 2 (£0.3m favourable). Its forecast outturn is in line with "
            "its control total (deficit £10.0m against deficit £10.0m; 3 of 3 forecasts in)."
        )

    def test_on_plan_and_no_attribution(self):
        assert system_narrative(row(variance_ytd=-0.0), None, "", "2018/19", 6).startswith(
            "Cheshire and Merseyside is on plan year to date at M06 (Sep 2018) of 2018/19. Its forecast"
        )
        assert system_narrative(row(variance_ytd=40.0), ATTRIBUTION, None, "2018/19", 6).startswith(
            "Cheshire and Merseyside is on plan year to date"
        )
        assert system_narrative(row(), pd.DataFrame(), None, "2018/19", 6).startswith(
            "Cheshire and Merseyside is £2.9m adverse to plan year to date at M06 (Sep 2018) of 2018/19. Its"
        )

    def test_no_actuals_and_name_falls_back_to_code(self):
        text = system_narrative(
            {
                "system_code": "QYG",
                "variance_ytd": np.nan,
                "forecast_outturn": -500.0,
                "control_total": -500.0,
                "forecast_control_total": -500.0,
            },
            ATTRIBUTION,
            None,
            "2018/19",
            12,
            unit="£000",
        )
        assert text == (
            "QYG has no actuals reported year to date at M12 (Mar 2019) of 2018/19. "
            "Its forecast outturn is in line with its control total (deficit £500k against deficit £500k)."
        )

    def test_overspend_sign_is_not_used_as_variance(self):
        # a row's overspend is positive when adverse; the sentence reads the variance, not the overspend
        text = system_narrative(row(), None, None, "2018/19", 6)
        assert "£2.9m adverse to plan" in text and "favourable" not in text


class TestDescribeRankedVariance:
    def test_mixed(self, five):
        assert describe_ranked_variance(five) == (
            "Bar chart of year-to-date variance to plan by system in £m, ranked from most adverse to most "
            "favourable. 3 of 5 systems are adverse, 1 favourable and 1 on plan. The most adverse is "
            "Cheshire and Merseyside, £4.1m adverse; the most favourable is Greater Manchester, "
            "£0.3m favourable."
        )

    def test_all_adverse_in_thousands(self, five):
        assert describe_ranked_variance(five.iloc[:3], "£000") == (
            "Bar chart of year-to-date variance to plan by system in £000, ranked from most adverse to most "
            "favourable. All 3 systems are adverse. The most adverse is Cheshire and Merseyside, £4,100k "
            "adverse; the least adverse is West Yorkshire, £200k adverse."
        )

    def test_none_adverse(self, five):
        assert describe_ranked_variance(five.iloc[3:]) == (
            "Bar chart of year-to-date variance to plan by system in £m, ranked from most adverse to most "
            "favourable. None of the 2 systems is adverse: 1 is favourable and 1 on plan. "
            "The most favourable is Greater Manchester, £0.3m favourable."
        )

    def test_all_on_plan_and_hidden(self, five):
        frame = five.assign(variance_ytd=[0.0, 0.0, np.nan, 0.0, np.nan])
        assert describe_ranked_variance(frame) == (
            "Bar chart of year-to-date variance to plan by system in £m, ranked from most adverse to most "
            "favourable. All 3 systems are on plan. 2 systems with no actuals are not shown."
        )

    def test_one_and_none(self, five):
        assert describe_ranked_variance(five.iloc[[1]]) == (
            "Bar chart of year-to-date variance to plan by system in £m, one system: Humber Coast and Vale, "
            "£0.9m adverse."
        )
        assert describe_ranked_variance(five.iloc[:0]) == (
            "Bar chart of year-to-date variance to plan by system in £m: there is no data for the selection."
        )
        assert describe_ranked_variance(five.assign(variance_ytd=np.nan)) == (
            "Bar chart of year-to-date variance to plan by system in £m: no system has actuals reported. "
            "5 systems with no actuals are not shown."
        )
