"""Every bad-input row rule of the data contract: the exact (line, column, rule) reported, nothing lost.

Lines are physical (header = line 1). Every test also checks rows in = valid + quarantined, and that the
quarantined rows are exactly the lines with problems.
"""

from __future__ import annotations

from conftest import (
    RATINGS_HEADER,
    SYSTEM_CT_HEADER,
    SYSTEMS_HEADER,
    UNKNOWN_SYSTEM,
    assert_accounted,
    csv_text,
    ct_by_line,
    ct_row,
    ct_text,
    default_ct_rows,
    load_texts,
    problem_set,
    report_for,
)

from analysis.contract import CONTROL_TOTALS

NAME = "control_totals.csv"
BAD_LINE = 8
"""The default file has six valid rows (lines 2-7); a bad row appended to it is line 8."""


def load_with_bad_row(**cells: str):
    """The default valid rows plus one row (a new organisation, ZZ1) with `cells` overridden."""
    return load_with_bad_rows([cells])


def load_with_bad_rows(bad: list[dict[str, str]]):
    """The default valid rows plus one row per dict (lines 8, 9, ...), each a new organisation Znn."""
    rows = [
        *default_ct_rows(),
        *(ct_row(**{"org_code": f"Z{i:02d}", **cells}) for i, cells in enumerate(bad)),
    ]
    dataset = load_texts({NAME: ct_text(rows)})
    assert_accounted(dataset)
    return dataset


def assert_bad_rows(dataset, expected: list[set[tuple[str, str]]]):
    """Problems are exactly expected[i] (column, rule) on line 8 + i; the six default rows stay valid.

    Compared as {line: {(column, rule)}} so a failure shows which case went wrong.
    """
    reported: dict[int, set[tuple[str, str]]] = {}
    for line, column, rule in problem_set(dataset, NAME):
        reported.setdefault(line, set()).add((column, rule))
    assert reported == {BAD_LINE + i: cases for i, cases in enumerate(expected)}
    report = report_for(dataset, NAME)
    rows = 6 + len(expected)
    assert (report.rows, report.valid, report.quarantined) == (rows, 6, len(expected))
    assert set(ct_by_line(dataset).index) == set(range(2, 8))


def assert_only_bad_row(dataset, expected: set[tuple[str, str]]):
    assert_bad_rows(dataset, [expected])


def values_reported(dataset) -> dict[int, list[str]]:
    problems = dataset.problems[dataset.problems["file"] == NAME]
    return problems.groupby("line")["value"].agg(list).to_dict()


# --- row rules, control totals ------------------------------------------------------------------------

REQUIRED = [c.name for c in CONTROL_TOTALS.columns if c.required]


def test_required_value_missing():
    dataset = load_with_bad_rows([{column: ""} for column in REQUIRED])
    assert_bad_rows(dataset, [{(column, "required")} for column in REQUIRED])


def test_not_given_token_in_required_money_is_missing_not_zero():
    texts = ["-", "n/a", "NA", " "]
    dataset = load_with_bad_rows([{"plan_income": t, "control_total": t} for t in texts])
    assert_bad_rows(dataset, [{("plan_income", "required"), ("control_total", "required")}] * len(texts))


TEXT_IN_MONEY = [
    ("plan_income", "lots"),
    ("actual_income", "abc"),
    ("plan_expenditure", "12a"),
    ("actual_expenditure", "1.2.3"),
    ("control_total", "£"),
    ("control_total", "(120"),
    ("forecast_outturn", "twelve"),
    ("control_total", "inf"),
    ("forecast_outturn", "NaN0"),
    ("plan_income", '"1,23"'),
    ("plan_income", "1O0"),
]


def test_text_in_a_money_column():
    dataset = load_with_bad_rows([{column: text} for column, text in TEXT_IN_MONEY])
    assert_bad_rows(dataset, [{(column, "not_a_number")} for column, _ in TEXT_IN_MONEY])
    # The value is quoted as written (without the CSV quotes), with the file it came from.
    assert values_reported(dataset) == {
        BAD_LINE + i: [t.strip('"')] for i, (_, t) in enumerate(TEXT_IN_MONEY)
    }
    assert set(dataset.problems["file"]) == {NAME}


def test_month_out_of_range_or_not_a_month():
    cases = [
        ("13", "month_out_of_range"),
        ("0", "month_out_of_range"),
        ("M13", "month_out_of_range"),
        ("June", "bad_month"),
        ("6.5", "bad_month"),
    ]
    dataset = load_with_bad_rows([{"month": text} for text, _ in cases])
    assert_bad_rows(dataset, [{("month", rule)} for _, rule in cases])


def test_negative_income_or_expenditure():
    cases = [
        ("plan_expenditure", "-5"),
        ("actual_expenditure", "(5)"),
        ("plan_income", "-1"),
        ("actual_income", "−1"),
    ]
    dataset = load_with_bad_rows([{column: text} for column, text in cases])
    assert_bad_rows(dataset, [{(column, "negative")} for column, _ in cases])


def test_negative_control_total_and_forecast_are_fine():
    dataset = load_with_bad_row(control_total="(5)", forecast_outturn="-7")
    assert problem_set(dataset) == set()
    assert ct_by_line(dataset).loc[BAD_LINE, "control_total"] == -5.0


def test_bad_system_code():
    # A malformed code is also unknown to the lookup: both reasons are given.
    texts = ["E5400008", "E540000081", "X12", "QY", "E54-000008"]
    dataset = load_with_bad_rows([{"system_code": text} for text in texts])
    both = {("system_code", "bad_system_code"), ("system_code", "unknown_system")}
    assert_bad_rows(dataset, [both] * len(texts))


def test_bad_org_code():
    texts = ["RX12", "R-1", "RX", "ABCDEF", "R.X1"]
    dataset = load_with_bad_rows([{"org_code": text} for text in texts])
    assert_bad_rows(dataset, [{("org_code", "bad_org_code")}] * len(texts))


def test_unknown_org_type():
    texts = ["hospital", "acute-ish", "GP practice"]
    dataset = load_with_bad_rows([{"org_type": text} for text in texts])
    assert_bad_rows(dataset, [{("org_type", "unknown_org_type")}] * len(texts))


def test_bad_yes_no():
    dataset = load_with_bad_row(control_total_accepted="perhaps")
    assert_only_bad_row(dataset, {("control_total_accepted", "not_yes_no")})


def test_bad_financial_year():
    cases = [
        ("2018/20", "year_sequence"),
        ("2018/2020", "year_sequence"),
        ("2019/18", "year_sequence"),
        ("2018", "bad_year"),
        ("last year", "bad_year"),
        ("18/19", "bad_year"),
    ]
    dataset = load_with_bad_rows([{"financial_year": text} for text, _ in cases])
    assert_bad_rows(dataset, [{("financial_year", rule)} for _, rule in cases])


def test_actual_income_without_actual_expenditure():
    dataset = load_with_bad_row(actual_expenditure="")
    assert_only_bad_row(dataset, {("actual_expenditure", "actuals_incomplete")})


def test_actual_expenditure_without_actual_income():
    dataset = load_with_bad_row(actual_income="n/a")
    assert_only_bad_row(dataset, {("actual_income", "actuals_incomplete")})


def test_total_row_with_blank_org_code():
    # A total row is reported once as what it is, not as a string of missing values.
    names = ["Total", "TOTAL", "Grand Total", "Sub-total", "Subtotal North", "Cheshire total"]
    dataset = load_with_bad_rows(
        [{"org_code": "", "org_name": name, "org_type": "", "control_total": ""} for name in names]
    )
    assert_bad_rows(dataset, [{("org_code", "total_row")}] * len(names))


def test_organisation_with_total_in_its_name_is_not_a_total_row():
    dataset = load_with_bad_row(org_name="Totally Healthy Trust")
    assert problem_set(dataset) == set()


def test_blank_org_code_without_total_name_is_required():
    assert_only_bad_row(load_with_bad_row(org_code=""), {("org_code", "required")})


def test_a_row_with_two_faults_carries_both_reasons():
    dataset = load_with_bad_row(month="13", plan_income="x", org_type="hospital")
    expected = {
        ("month", "month_out_of_range"),
        ("plan_income", "not_a_number"),
        ("org_type", "unknown_org_type"),
    }
    assert_only_bad_row(dataset, expected)
    quarantine = dataset.quarantine.set_index("line")
    reasons = quarantine.loc[BAD_LINE, "reasons"]
    for column, rule in expected:
        assert f"{column}: {rule}" in reasons
    # The quarantined row keeps the values as written, and where they came from.
    assert quarantine.loc[BAD_LINE, "file"] == NAME
    assert quarantine.loc[BAD_LINE, "plan_income"] == "x"
    assert quarantine.loc[BAD_LINE, "month"] == "13"


# --- other kinds --------------------------------------------------------------------------------------


def test_progress_rating_rules():
    rows = [
        ["E54000008", "2017-07-21", "Good", "", ""],  # 2 unknown rating
        ["E54000008", "2018-02-30", "2", "", ""],  # 3 not a real date
        ["E54000007", "July 2017", "5", "", ""],  # 4 bad date, rating out of 1-4
        [UNKNOWN_SYSTEM, "2017-07-21", "Advanced", "", ""],  # 5 unknown system
        ["E54000007", "", "", "", ""],  # 6 required
        ["E54000007", "2017-07-21", "Advanced", "", ""],  # 7 duplicate of 8 (same date, UK form)
        ["E54000007", "21/07/2017", "3", "", ""],  # 8
        ["E54000008", "31/12/2017", "Outstanding", "Established", "illustrative"],  # 9 valid
    ]
    dataset = load_texts({"ratings.csv": csv_text(RATINGS_HEADER, rows)})
    assert_accounted(dataset)
    assert problem_set(dataset, "ratings.csv") == {
        (2, "overall_rating", "unknown_rating"),
        (3, "assessment_date", "bad_date"),
        (4, "assessment_date", "bad_date"),
        (4, "overall_rating", "unknown_rating"),
        (5, "system_code", "unknown_system"),
        (6, "assessment_date", "required"),
        (6, "overall_rating", "required"),
        (7, "assessment_date", "duplicate_key"),
        (8, "assessment_date", "duplicate_key"),
    }
    report = report_for(dataset, "ratings.csv")
    assert (report.rows, report.valid, report.quarantined) == (8, 1, 7)


def test_system_control_total_rules():
    rows = [
        ["2018/19", "E54000008", "x", "maybe"],  # 2
        ["2018-19", "E54000007", "5", ""],  # 3 duplicate of 4
        ["2018/19", "QOP", "6", "Y"],  # 4 (ODS code of E54000007)
        ["2018/20", "E54000008", "", ""],  # 5
    ]
    dataset = load_texts({"sct.csv": csv_text(SYSTEM_CT_HEADER, rows)})
    assert_accounted(dataset)
    assert problem_set(dataset, "sct.csv") == {
        (2, "control_total", "not_a_number"),
        (2, "accepted", "not_yes_no"),
        (3, "system_code", "duplicate_key"),
        (4, "system_code", "duplicate_key"),
        (5, "control_total", "required"),
        (5, "financial_year", "year_sequence"),
    }


def test_systems_file_rules():
    rows = [
        ["E5400", "Q1", "", "", "", "", ""],  # 2
        ["E54000099", "QZ9", "New System", "London", "ICS", "", "E5400"],  # 3
        ["E54000098", "", "Other System", "London", "", "", ""],  # 4 duplicate of 5
        ["E54000098", "", "Other System again", "London", "", "", ""],  # 5
    ]
    dataset = load_texts({"my_systems.csv": csv_text(SYSTEMS_HEADER, rows)})
    assert_accounted(dataset)
    assert problem_set(dataset, "my_systems.csv") == {
        (2, "system_code", "bad_system_code"),
        (2, "ods_code", "bad_system_code"),
        (2, "system_name", "required"),
        (2, "region", "required"),
        (3, "successor_code", "bad_system_code"),
        (4, "system_code", "duplicate_key"),
        (5, "system_code", "duplicate_key"),
    }


def test_user_systems_file_extends_and_overrides_the_lookup():
    systems = csv_text(
        SYSTEMS_HEADER,
        [
            ["E54000099", "QZ9", "New System", "London", "ICS", "", ""],
            ["E54000008", "QYG", "Renamed Cheshire", "North West", "ICS", "", ""],
        ],
    )
    rows = [ct_row(system_code="E54000099"), ct_row(org_code="RX2", system_code="qz9")]
    dataset = load_texts({NAME: ct_text(rows), "extra_systems.csv": systems}, with_systems=False)
    assert_accounted(dataset)
    assert problem_set(dataset) == set()
    assert set(dataset.control_totals["system_code"]) == {"E54000099"}
    lookup = dataset.systems.set_index("system_code")
    assert lookup.loc["E54000008", "system_name"] == "Renamed Cheshire"
    assert lookup.loc["E54000099", "region"] == "London"
    assert lookup.index.is_unique


def test_without_the_systems_file_the_added_code_is_unknown():
    dataset = load_texts({NAME: ct_text([ct_row(system_code="E54000099")])}, with_systems=False)
    assert problem_set(dataset, NAME) == {(2, "system_code", "unknown_system")}


def test_an_invalid_systems_row_does_not_make_its_code_known():
    systems = csv_text(SYSTEMS_HEADER, [["E54000099", "", "", "London", "", "", ""]])  # name missing
    dataset = load_texts({NAME: ct_text([ct_row(system_code="E54000099")]), "s.csv": systems})
    assert problem_set(dataset, NAME) == {(2, "system_code", "unknown_system")}


def test_system_defined_twice_is_held_back_from_the_lookup():
    systems = csv_text(
        SYSTEMS_HEADER,
        [
            ["E54000099", "QZ9", "New System A", "London", "", "", ""],
            ["E54000099", "QZ9", "New System B", "Midlands", "", "", ""],
        ],
    )
    dataset = load_texts({"s.csv": systems, NAME: ct_text([ct_row(system_code="E54000099")])})
    assert_accounted(dataset)
    assert problem_set(dataset, "s.csv") == {
        (2, "system_code", "duplicate_key"),
        (3, "system_code", "duplicate_key"),
    }
    # Neither definition wins silently: the code stays unknown and rows using it are held back.
    assert "E54000099" not in set(dataset.systems["system_code"])
    assert problem_set(dataset, NAME) == {(2, "system_code", "unknown_system")}
