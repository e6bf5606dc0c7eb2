"""Malformed lines and physical line numbers: a line with the wrong field count is held back whole, and
every problem names the line as a spreadsheet shows it (header = line 1, blank lines counted)."""

from __future__ import annotations

import pytest
from conftest import (
    assert_accounted,
    ct_by_line,
    ct_row,
    ct_text,
    default_ct_rows,
    load_texts,
    problem_set,
    report_for,
)

NAME = "control_totals.csv"
BAD_LINE = 8


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
