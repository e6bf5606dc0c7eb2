"""Rules across rows and files: every row involved is quarantined, the tool never picks a winner."""

from __future__ import annotations

from conftest import (
    UNKNOWN_SYSTEM,
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
