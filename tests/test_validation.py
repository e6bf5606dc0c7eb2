"""Every bad-input rule of the data contract: the exact (line, column, rule) reported, nothing lost.

Lines are physical (header = line 1). Every test also checks rows in = valid + quarantined, and that the
quarantined rows are exactly the lines with problems.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from conftest import (
    CT_HEADER,
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

from analysis.contract import CONTROL_TOTALS, KINDS
from analysis.dataset import load_paths

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


# --- malformed lines ----------------------------------------------------------------------------------


def test_line_with_too_many_fields():
    lines = ct_text().split("\n")
    lines[2] += ",extra"  # line 3
    dataset = load_texts({NAME: "\n".join(lines)})
    assert_accounted(dataset)
    assert problem_set(dataset, NAME) == {(3, "(whole line)", "field_count")}
    assert dataset.problems.iloc[0]["value"] == "14 fields"
    report = report_for(dataset, NAME)
    assert (report.rows, report.valid, report.quarantined) == (6, 5, 1)


def test_line_with_too_few_fields():
    lines = ct_text().split("\n")
    lines[3] = ",".join(lines[3].split(",")[:5])  # line 4 stops after org_name
    dataset = load_texts({NAME: "\n".join(lines)})
    assert_accounted(dataset)
    problems = problem_set(dataset, NAME)
    assert (4, "(whole line)", "field_count") in problems
    assert {line for line, _, _ in problems} == {4}
    report = report_for(dataset, NAME)
    assert (report.rows, report.valid, report.quarantined) == (6, 5, 1)


def test_stray_delimiter_in_quoted_file_is_caught():
    rows = [*default_ct_rows(), ct_row(org_code="ZZ1", org_name="Zeta, CCG", org_type="ccg")]  # line 8
    rows[0]["org_name"] = '"Alpha, Hospitals"'  # quotes switch the reader to its exact path
    dataset = load_texts({NAME: ct_text(rows)})
    assert_accounted(dataset)
    problems = problem_set(dataset, NAME)
    assert (8, "(whole line)", "field_count") in problems
    assert {line for line, _, _ in problems} == {8}
    assert ct_by_line(dataset).loc[2, "org_name"] == "Alpha, Hospitals"


def test_every_line_with_too_many_fields():
    lines = ct_text().split("\n")
    lines[1:-1] = [line + ",x" for line in lines[1:-1]]
    dataset = load_texts({NAME: "\n".join(lines)})
    assert_accounted(dataset)
    assert problem_set(dataset, NAME) == {(n, "(whole line)", "field_count") for n in range(2, 8)}
    assert report_for(dataset, NAME).quarantined == 6


@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
def test_text_beyond_the_last_column_is_not_a_blank_line(quoted):
    rows = default_ct_rows()
    if quoted:
        rows[0]["org_name"] = '"Alpha, Hospitals"'
    lines = ct_text(rows).split("\n")
    lines.insert(3, "," * 13 + "stray note")  # line 4: nothing in the header's columns, text after them
    lines.insert(4, "," * 15)  # line 5: only delimiters: blank
    dataset = load_texts({NAME: "\n".join(lines)})
    assert_accounted(dataset)
    problems = problem_set(dataset, NAME)
    assert (4, "(whole line)", "field_count") in problems
    assert {line for line, _, _ in problems} == {4}
    report = report_for(dataset, NAME)
    assert (report.rows, report.valid, report.quarantined) == (7, 6, 1)


def test_unclosed_quote_does_not_swallow_the_lines_after_it():
    rows = default_ct_rows()
    rows[1]["org_name"] = '"Alpha Hospitals'  # line 3: the quote is never closed
    dataset = load_texts({NAME: ct_text(rows)})
    assert_accounted(dataset)
    assert {line for line, _, _ in problem_set(dataset, NAME)} == {3}
    assert (3, "(whole line)", "field_count") in problem_set(dataset, NAME)
    report = report_for(dataset, NAME)
    assert (report.rows, report.valid, report.quarantined) == (6, 5, 1)
    assert list(ct_by_line(dataset).index) == [2, 4, 5, 6, 7]


# --- physical line numbers ----------------------------------------------------------------------------


def test_line_numbers_count_blank_lines_and_crlf():
    rows = [*default_ct_rows(), ct_row(org_code="ZZ1", month="13")]
    lines = ct_text(rows, newline="\r\n").split("\r\n")
    lines[2:2] = ["", "", "   "]  # three blank lines after line 2: the bad row moves from 8 to 11
    dataset = load_texts({NAME: "\r\n".join(lines)})
    assert_accounted(dataset)
    assert problem_set(dataset, NAME) == {(11, "month", "month_out_of_range")}
    assert report_for(dataset, NAME).rows == 7


def test_line_numbers_after_a_quoted_newline():
    rows = [*default_ct_rows(), ct_row(org_code="ZZ1", plan_expenditure="-1")]
    rows[0]["org_name"] = '"Alpha\nHospitals"'  # line 2's record spans two lines
    dataset = load_texts({NAME: ct_text(rows)})
    assert_accounted(dataset)
    assert problem_set(dataset, NAME) == {(9, "plan_expenditure", "negative")}


def test_line_numbers_in_windows_1252_semicolon_file():
    rows = [*default_ct_rows(), ct_row(org_code="ZZ1", plan_income="£x")]
    data = ct_text(rows, delimiter=";", newline="\r\n").encode("cp1252")
    dataset = load_texts({NAME: data})
    assert problem_set(dataset, NAME) == {(BAD_LINE, "plan_income", "not_a_number")}
    assert dataset.problems.iloc[0]["value"] == "£x"


# --- rules across rows: every row involved is quarantined ---------------------------------------------


def test_duplicate_key_quarantines_both_rows():
    rows = default_ct_rows()
    dataset = load_texts({NAME: ct_text([*rows, dict(rows[1])])})  # line 8 repeats line 3
    assert_accounted(dataset)
    assert problem_set(dataset, NAME) == {(3, "org_code", "duplicate_key"), (8, "org_code", "duplicate_key")}
    assert report_for(dataset, NAME).quarantined == 2
    assert len(dataset.control_totals) == 5


def test_duplicate_key_written_differently_is_still_a_duplicate():
    rows = default_ct_rows()
    copy = dict(rows[1], financial_year="FY2018-19", month="M02", org_code="rx1", system_code="QYG")
    dataset = load_texts({NAME: ct_text([*rows, copy])})
    assert problem_set(dataset, NAME) == {(3, "org_code", "duplicate_key"), (8, "org_code", "duplicate_key")}


def test_duplicate_key_across_two_files():
    rows = default_ct_rows()
    dataset = load_texts({"a.csv": ct_text(rows), "b.csv": ct_text([rows[4]])})
    assert_accounted(dataset)
    assert problem_set(dataset, "a.csv") == {(6, "org_code", "duplicate_key")}
    assert problem_set(dataset, "b.csv") == {(2, "org_code", "duplicate_key")}
    assert report_for(dataset, "a.csv").quarantined == 1
    assert report_for(dataset, "b.csv").quarantined == 1


def test_organisation_in_two_systems_in_one_year_quarantines_all_its_rows():
    rows = default_ct_rows()
    rows[1]["system_code"] = "E54000007"  # RX1 month 2 (line 3) in another system
    next_year = ct_row(financial_year="2019/20", system_code="E54000007", control_total="80")  # line 8
    dataset = load_texts({NAME: ct_text([*rows, next_year])})
    assert_accounted(dataset)
    assert problem_set(dataset, NAME) == {(n, "system_code", "org_in_two_systems") for n in (2, 3, 4)}
    # A move between years is fine; the other organisation is untouched.
    assert set(ct_by_line(dataset).index) == {5, 6, 7, 8}


def test_same_system_as_ods_and_ons_code_is_one_system():
    rows = default_ct_rows()
    rows[1]["system_code"] = "QYG"  # the ODS code of E54000008
    dataset = load_texts({NAME: ct_text(rows)})
    assert problem_set(dataset, NAME) == set()
    assert set(ct_by_line(dataset)["system_code"]) == {"E54000008", "E54000007"}


def test_control_total_differing_between_months_quarantines_the_org_year():
    rows = default_ct_rows()
    rows[4]["control_total"] = "-60"  # 15M month 2 (line 6)
    rows[3]["control_total"] = '"(50)"'  # same value written differently: not a difference
    other_year = ct_row(financial_year="2019/20", org_code="15M", system_code="E54000007", control_total="10")
    dataset = load_texts({NAME: ct_text([*rows, other_year])})
    assert_accounted(dataset)
    assert problem_set(dataset, NAME) == {(n, "control_total", "control_total_varies") for n in (5, 6, 7)}
    assert set(ct_by_line(dataset).index) == {2, 3, 4, 8}


def test_unknown_system_code():
    rows = default_ct_rows()
    for row in rows[3:]:
        row["system_code"] = UNKNOWN_SYSTEM
    dataset = load_texts({NAME: ct_text(rows)})
    assert_accounted(dataset)
    assert problem_set(dataset, NAME) == {(n, "system_code", "unknown_system") for n in (5, 6, 7)}
    assert dataset.problems["value"].tolist() == [UNKNOWN_SYSTEM] * 3


def test_cross_row_and_row_reasons_together():
    rows = default_ct_rows()
    rows.append(dict(rows[0], plan_income="x"))  # duplicate of line 2, and a bad amount
    dataset = load_texts({NAME: ct_text(rows)})
    assert problem_set(dataset, NAME) == {
        (2, "org_code", "duplicate_key"),
        (8, "org_code", "duplicate_key"),
        (8, "plan_income", "not_a_number"),
    }
    reasons = dataset.quarantine.set_index("line").loc[8, "reasons"]
    assert "duplicate_key" in reasons and "not_a_number" in reasons


def test_cross_checks_summary_counts_rows():
    rows = default_ct_rows()
    rows[4]["control_total"] = "-60"
    dataset = load_texts({NAME: ct_text([*rows, dict(rows[0])])})
    checks = {c["check"]: c for c in dataset.cross_checks}
    assert checks["duplicate_key"]["status"] == "failed" and checks["duplicate_key"]["rows"] == 2
    assert checks["control_total_varies"]["rows"] == 3
    assert checks["org_in_two_systems"]["status"] == "passed"
    assert checks["unknown_system"]["status"] == "passed"


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


# --- files that cannot be read ------------------------------------------------------------------------


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


EVERY_HEADER = [kind.expected_header() for kind in KINDS]

UNREADABLE = {
    "empty": (b"", ["empty"], EVERY_HEADER),
    "blank lines only": (b"\r\n\r\n  \n", ["empty"], EVERY_HEADER),
    "binary": (bytes(range(256)) * 8, ["binary"], EVERY_HEADER),
    "xlsx renamed": (_xlsx_bytes(), ["Excel"], EVERY_HEADER),
    "no header": (b"a,b,c\n1,2,3\n", ["No recognisable header"], EVERY_HEADER),
    "prose": (b"Dear colleague,\nplease find attached.\n", ["No recognisable header"], EVERY_HEADER),
    "missing required column": (
        csv_text([c for c in CT_HEADER if c != "plan_expenditure"], default_ct_rows()).encode(),
        ["plan_expenditure", "missing"],
        [CONTROL_TOTALS.expected_header()],
    ),
    "missing month": (
        csv_text([c for c in CT_HEADER if c != "month"], default_ct_rows()).encode(),
        ["month", "missing"],
        [CONTROL_TOTALS.expected_header()],
    ),
    "two headers mean one column": (
        ct_text(header=[*CT_HEADER[:6], "Plan Income (£000)", "plan_income_£k", *CT_HEADER[8:]]).encode(),
        ["Plan Income (£000)", "plan_income_£k", "plan_income"],
        [CONTROL_TOTALS.expected_header()],
    ),
    "same header twice": (
        ct_text(header=[*CT_HEADER[:12], "forecast_outturn"]).encode(),
        ["forecast_outturn", "column 12", "column 13"],
        [CONTROL_TOTALS.expected_header()],
    ),
}


@pytest.mark.parametrize(("data", "says", "headers"), UNREADABLE.values(), ids=UNREADABLE.keys())
def test_unreadable_file_says_what_is_wrong_and_the_expected_header(data, says, headers):
    dataset = load_texts({"bad.csv": data, "good.csv": ct_text()})
    bad = report_for(dataset, "bad.csv")
    assert bad.error is not None and bad.kind is None
    for phrase in says:
        assert phrase in bad.error
    for header in headers:
        assert header in bad.error
    # Nothing of the bad file reaches the data; the good file still loads in full.
    assert [f.path for f in dataset.file_errors] == ["bad.csv"]
    good = report_for(dataset, "good.csv")
    assert (good.rows, good.valid, good.quarantined) == (6, 6, 0)
    assert set(dataset.control_totals["source_file"]) == {"good.csv"}
    assert dataset.problems.empty


def test_duplicated_header_is_never_silently_renamed():
    header = [*CT_HEADER[:11], "control_total", *CT_HEADER[12:]]
    dataset = load_texts({NAME: ct_text(header=header)})
    report = report_for(dataset, NAME)
    assert report.error is not None
    assert "control_total" in report.error
    assert dataset.control_totals.empty


def test_header_only_file_is_readable_with_no_rows():
    dataset = load_texts({NAME: ",".join(CT_HEADER) + "\n"})
    report = report_for(dataset, NAME)
    assert report.error is None and (report.rows, report.valid, report.quarantined) == (0, 0, 0)


def test_missing_paths_and_empty_folders_are_file_errors(tmp_path, write):
    good = write("in/good.csv", ct_text())
    write("in/systems.csv", csv_text(SYSTEMS_HEADER, []))
    (tmp_path / "empty").mkdir()
    dataset = load_paths([good.parent, tmp_path / "nope.csv", tmp_path / "empty"])
    errors = {f.path: f.error for f in dataset.file_errors}
    assert set(errors) == {str(tmp_path / "nope.csv"), str(tmp_path / "empty")}
    assert all(errors.values())
    assert report_for(dataset, good).readable


def test_folder_load_with_one_unreadable_file(write, systems_file):
    write("control_totals.csv", ct_text())
    write("broken.csv", b"\x00\x01\x02garbage")
    dataset = load_paths([systems_file.parent])
    assert [f.name for f in dataset.file_errors] == ["broken.csv"]
    assert len(dataset.control_totals) == 6
    assert_accounted(dataset)


def test_an_unexpected_failure_on_one_file_is_a_file_error(monkeypatch):
    import analysis.dataset as dataset_module

    real = dataset_module.read_bytes

    def fragile(data: bytes, name: str):
        if name == "cursed.csv":
            raise RuntimeError("boom")
        return real(data, name)

    monkeypatch.setattr(dataset_module, "read_bytes", fragile)
    dataset = load_texts({"cursed.csv": ct_text(), NAME: ct_text()})
    cursed = report_for(dataset, "cursed.csv")
    assert "boom" in cursed.error and CONTROL_TOTALS.expected_header() in cursed.error
    assert report_for(dataset, NAME).valid == 6


def test_a_file_named_twice_is_read_once(write, systems_file):
    path = write("control_totals.csv", ct_text())
    dataset = load_paths([path, systems_file.parent, path])
    assert [f.path for f in dataset.files].count(str(path)) == 1
    assert report_for(dataset, path).valid == 6
