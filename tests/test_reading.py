"""The messy-but-valid forms of the data contract load with every row valid, and with the right values.

Each test asserts what was parsed (the value in the validated dataset), not only that nothing was rejected.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import (
    CT_HEADER,
    RATINGS_HEADER,
    SYSTEM_CT_HEADER,
    SYSTEMS_HEADER,
    assert_accounted,
    csv_text,
    ct_by_line,
    ct_row,
    ct_text,
    default_ct_rows,
    load_texts,
    report_for,
)

from analysis.reading import read_bytes

NAME = "control_totals.csv"


def load_valid(data: str | bytes, name: str = NAME):
    """Load one file (plus the test systems lookup); assert it was read and every row is valid."""
    dataset = load_texts({name: data})
    report = report_for(dataset, name)
    assert report.error is None, report.error
    problems = dataset.problems[dataset.problems["file"] == name]
    assert problems.empty, problems[["line", "column", "rule", "value"]].to_string()
    assert report.rows == report.valid and report.quarantined == 0
    assert_accounted(dataset)
    return dataset, report


def one_row(**cells: str) -> pd.Series:
    """The single validated control-totals row of a one-row file with `cells` overridden."""
    dataset, _ = load_valid(ct_text([ct_row(**cells)]))
    assert len(dataset.control_totals) == 1
    return dataset.control_totals.iloc[0]


# --- encodings, delimiters, line endings, quoting -------------------------------------------------------


def test_plain_file_values_and_dtypes():
    dataset, report = load_valid(ct_text())
    assert report.kind == "control_totals" and report.rows == 6
    frame = ct_by_line(dataset)
    assert list(frame.index) == [2, 3, 4, 5, 6, 7]
    first = frame.loc[2]
    assert first["financial_year"] == "2018/19"
    assert first["month"] == 1
    assert first["system_code"] == "E54000008"
    assert first["org_code"] == "RX1"
    assert first["org_type"] == "acute"
    assert first["plan_income"] == 1000.0 and first["actual_income"] == 1010.0
    assert first["plan_expenditure"] == 990.0 and first["actual_expenditure"] == 995.0
    assert first["control_total"] == 120.0 and first["forecast_outturn"] == 125.0
    assert bool(first["control_total_accepted"]) is True
    assert frame.loc[7, "control_total"] == -50.0
    assert pd.isna(frame.loc[4, "actual_income"]) and pd.isna(frame.loc[4, "actual_expenditure"])
    assert frame["month"].dtype == "int64"
    assert frame["plan_income"].dtype == "float64"


def _pound_rows() -> list[dict[str, str]]:
    rows = default_ct_rows()
    rows[0]["plan_income"] = '"£1,000"'
    rows[0]["org_name"] = '"Alpha £ Hospitals, NHS Trust"'
    rows[1]["plan_income"] = "£1000"
    return rows


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")],
    ids=["utf-8", "utf-8-bom", "windows-1252"],
)
def test_encodings(encoding, prefix):
    data = prefix + ct_text(_pound_rows()).encode(encoding)
    if encoding == "cp1252":
        assert b"\xa3" in data  # the Windows-1252 pound sign
    dataset, report = load_valid(data)
    frame = ct_by_line(dataset)
    assert frame.loc[2, "org_name"] == "Alpha £ Hospitals, NHS Trust"
    assert frame.loc[2, "plan_income"] == 1000.0
    assert frame.loc[3, "plan_income"] == 1000.0
    assert report.rows == 6


def test_bom_does_not_spoil_first_header_cell():
    table = read_bytes(b"\xef\xbb\xbf" + ct_text().encode(), NAME)
    assert table.kind.name == "control_totals"
    assert list(table.frame.columns) == list(CT_HEADER)
    assert table.frame.loc[2, "financial_year"] == "2018/19"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_delimiters_line_endings_and_quoted_delimiters(delimiter, newline):
    rows = default_ct_rows()
    rows[0]["org_name"] = f'"Alpha{delimiter} Hospitals"'
    rows[3]["org_name"] = f'"Beta{delimiter}{delimiter} CCG"'
    rows[3]["plan_income"] = '"1,234"'
    # A decimal point elsewhere tells that this file's commas are thousands separators: without it, a
    # semicolon or tab file's `1,234` could be 1.234 (decimal comma) and is quarantined as ambiguous.
    rows[0]["forecast_outturn"] = "125.5"
    dataset, report = load_valid(ct_text(rows, delimiter=delimiter, newline=newline))
    assert report.delimiter == delimiter
    frame = ct_by_line(dataset)
    assert list(frame.index) == [2, 3, 4, 5, 6, 7]
    assert frame.loc[2, "org_name"] == " ".join(f"Alpha{delimiter} Hospitals".split())
    assert frame.loc[5, "plan_income"] == 1234.0
    assert frame.loc[7, "control_total"] == -50.0


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_quoted_newline_keeps_later_line_numbers_physical(newline):
    rows = default_ct_rows()
    rows[1]["org_name"] = f'"Alpha Hospitals{newline}NHS Trust"'  # record of line 3 spans lines 3-4
    dataset, report = load_valid(ct_text(rows, newline=newline))
    assert report.rows == 6
    frame = ct_by_line(dataset)
    assert list(frame.index) == [2, 3, 5, 6, 7, 8]
    assert frame.loc[5, "month"] == 3 and frame.loc[5, "org_code"] == "RX1"
    assert frame.loc[8, "org_code"] == "15M" and frame.loc[8, "month"] == 3


def test_blank_lines_are_not_rows_and_lines_stay_physical():
    lines = ct_text().split("\n")
    lines.insert(2, "")  # between line 2 and the next row
    lines.insert(4, "   ")
    lines.insert(5, ",,,,,,,,,,,,")  # an Excel row of empty cells
    dataset, report = load_valid("\n".join(lines))
    assert report.rows == 6
    assert list(ct_by_line(dataset).index) == [2, 4, 7, 8, 9, 10]


def test_cells_with_surrounding_spaces_and_nbsp():
    row = one_row(
        financial_year=" 2018/19 ",
        month=" 6 ",
        system_code=" E54000008 ",
        org_code=" rx1 ",
        org_name="\u00a0 Alpha\u00a0\u00a0Hospitals  ",
        org_type=" Acute ",
        plan_income=" 1000 ",
        control_total="  120  ",
        control_total_accepted=" Y ",
    )
    assert row["financial_year"] == "2018/19"
    assert row["month"] == 6
    assert row["system_code"] == "E54000008"
    assert row["org_code"] == "RX1"
    assert row["org_name"] == "Alpha Hospitals"
    assert row["org_type"] == "acute"
    assert row["plan_income"] == 1000.0 and row["control_total"] == 120.0
    assert bool(row["control_total_accepted"]) is True


# --- headers --------------------------------------------------------------------------------------------

HEADER_VARIANTS = {
    "upper case, spaces around": [f"  {c.upper()} " for c in CT_HEADER],
    "title case with spaces and nbsp": [c.replace("_", "\u00a0").title() for c in CT_HEADER],
    "aliases 1": [
        "FY",
        "Period",
        "STP Code",
        "Organisation Code",
        "Organisation Name",
        "Organisation Type",
        "Income Plan",
        "Actual Income",
        "Planned Expenditure",
        "Actual Expenditure",
        "Control Total",
        "Forecast Outturn",
        "Control Total Accepted",
    ],
    "aliases 2": [
        "Financial Year",
        "Month Number",
        "ICS Code",
        "ODS Code",
        "Org Name",
        "Org Type",
        "Plan Income (£000)",
        "actual_income_£k",
        "Plan Expenditure (£000)",
        "Actual Expenditure (£k)",
        "Control Total (£000)",
        "FOT £000",
        "CT accepted",
    ],
    "aliases 3": [
        "\u00a0FY\u00a0",
        "MONTH",
        "system_code",
        "Trust Code",
        "org_name",
        "organisation type",
        "plan_income_£k",
        "actual_income",
        "plan_expenditure",
        "actual_expenditure",
        "control_total",
        "forecast_outturn",
        "control_total_accepted",
    ],
}


@pytest.mark.parametrize("header", HEADER_VARIANTS.values(), ids=HEADER_VARIANTS.keys())
def test_header_variants_map_to_canonical_columns(header):
    data = ct_text(header=header)
    table = read_bytes(data.encode("utf-8"), NAME)
    assert table.kind.name == "control_totals"
    assert table.ignored_columns == []
    dataset, _ = load_valid(data)
    frame = ct_by_line(dataset)
    assert frame.loc[2, "plan_income"] == 1000.0
    assert frame.loc[2, "actual_income"] == 1010.0
    assert frame.loc[2, "plan_expenditure"] == 990.0
    assert frame.loc[2, "org_code"] == "RX1" and frame.loc[2, "system_code"] == "E54000008"
    assert frame.loc[7, "control_total"] == -50.0 and frame.loc[7, "month"] == 3


def test_header_variants_in_windows_1252():
    header = list(HEADER_VARIANTS["aliases 2"])
    dataset, _ = load_valid(ct_text(header=header).encode("cp1252"))
    assert ct_by_line(dataset).loc[2, "plan_income"] == 1000.0


def test_columns_in_any_order_and_extra_columns_are_ignored():
    header = ["Notes", *reversed(CT_HEADER)]
    rows = [["a note", *(row[c] for c in reversed(CT_HEADER))] for row in default_ct_rows()]
    data = csv_text(header, rows)
    table = read_bytes(data.encode(), NAME)
    assert table.ignored_columns == ["Notes"]
    dataset, _ = load_valid(data)
    assert ct_by_line(dataset).loc[2, "org_code"] == "RX1"


def test_optional_columns_may_be_absent():
    header = [c for c in CT_HEADER if c not in {"forecast_outturn", "control_total_accepted"}]
    dataset, _ = load_valid(csv_text(header, default_ct_rows()))
    frame = ct_by_line(dataset)
    assert frame["forecast_outturn"].isna().all()
    assert frame["control_total_accepted"].isna().all()


# --- values ---------------------------------------------------------------------------------------------


def parse_cases(column: str, texts: list[str], **other: str) -> dict[str, object]:
    """Load one file with a row per text (each its own organisation) and map text -> parsed value.

    One load for many cases keeps the suite fast; comparing whole dicts shows every case that failed.
    """
    rows = [ct_row(org_code=f"A{i:02d}", **{column: text, **other}) for i, text in enumerate(texts)]
    dataset, report = load_valid(ct_text(rows))
    assert report.rows == len(texts)
    frame = ct_by_line(dataset)
    return {text: frame.loc[line, column] for line, text in zip(range(2, 2 + len(texts)), texts, strict=True)}


def test_financial_year_forms_are_stored_as_2018_19():
    texts = [
        "2018/19",
        "2018-19",
        "2018/2019",
        "FY2018/19",
        "fy2018-19",
        "FY 2018/2019",
        "2018 / 19",
        "2018–19",
    ]
    assert parse_cases("financial_year", texts) == dict.fromkeys(texts, "2018/19")


def test_financial_year_across_the_century():
    assert parse_cases("financial_year", ["1999/00", "1999/2000"]) == dict.fromkeys(
        ["1999/00", "1999/2000"], "1999/00"
    )


def test_month_forms():
    texts = ["M06", "M6", "Month 6", "06", "6", "m06", "month 06", "6.0", " M 6 "]
    assert parse_cases("month", texts) == dict.fromkeys(texts, 6)


def test_month_bounds():
    assert parse_cases("month", ["1", "M01", "M12", "12", "Month 12"]) == {
        "1": 1,
        "M01": 1,
        "M12": 12,
        "12": 12,
        "Month 12": 12,
    }


MONEY = {
    "1234": 1234.0,
    "1234.5": 1234.5,
    '"1,234"': 1234.0,
    '"£1,234"': 1234.0,
    "£1234": 1234.0,
    '"(1,234)"': -1234.0,
    "(1234)": -1234.0,
    '"-1,234"': -1234.0,
    "-1234": -1234.0,
    "−1234": -1234.0,  # U+2212 minus sign
    '"−1,234.5"': -1234.5,
    "  1234  ": 1234.0,
    '" £1,234 "': 1234.0,
    '"1,234,567.25"': 1234567.25,
    "0": 0.0,
}


@pytest.mark.parametrize("column", ["control_total", "forecast_outturn"])
def test_money_forms_in_signed_columns(column):
    parsed = parse_cases(column, list(MONEY))
    assert parsed == MONEY


@pytest.mark.parametrize("column", ["plan_income", "actual_income", "plan_expenditure", "actual_expenditure"])
def test_money_forms_in_non_negative_columns(column):
    positive = {text: value for text, value in MONEY.items() if value >= 0}
    assert parse_cases(column, list(positive)) == positive


def test_not_given_in_optional_money_columns():
    texts = ["", "-", "n/a", "NA", "N/A", "na", " - ", "  "]
    rows = [
        ct_row(org_code=f"A{i:02d}", actual_income=t, actual_expenditure=t, forecast_outturn=t)
        for i, t in enumerate(texts)
    ]
    dataset, _ = load_valid(ct_text(rows))
    frame = dataset.control_totals
    assert len(frame) == len(texts)
    assert frame["actual_income"].isna().all()
    assert frame["actual_expenditure"].isna().all()
    assert frame["forecast_outturn"].isna().all()
    assert (frame["plan_income"] == 1000.0).all()  # "not given" never spreads, never becomes zero


def test_org_type_forms():
    expected = {
        "acute": "acute",
        "Acute Trust": "acute",
        "ACUTE": "acute",
        "CCG": "ccg",
        "ccg": "ccg",
        "Mental Health": "mental health",
        "mental_health": "mental health",
        "Community": "community",
        "Ambulance": "ambulance",
        "Specialist": "specialist",
        "Other": "other",
    }
    assert parse_cases("org_type", list(expected)) == expected


def test_booleans():
    expected = {
        "Y": True,
        "N": False,
        "y": True,
        "Yes": True,
        "No": False,
        "YES": True,
        "True": True,
        "False": False,
        "TRUE": True,
        "1": True,
        "0": False,
    }
    parsed = parse_cases("control_total_accepted", list(expected))
    assert {text: bool(value) for text, value in parsed.items()} == expected


def test_boolean_not_given_is_na():
    parsed = parse_cases("control_total_accepted", ["", "-", "n/a", "NA"])
    assert all(pd.isna(value) for value in parsed.values())


def test_org_codes_are_upper_cased():
    rows = [ct_row(org_code=code) for code in ("RX1", "rx2", "15M", "d4u1y")]
    frame = ct_by_line(load_valid(ct_text(rows))[0])
    assert list(frame["org_code"]) == ["RX1", "RX2", "15M", "D4U1Y"]


def test_system_code_may_be_an_ods_q_code():
    row = one_row(system_code="qyg")
    # Resolved to the lookup's ONS code, so one system is never counted twice.
    assert row["system_code"] == "E54000008"


# --- file kinds come from the header, never the name -----------------------------------------------------


def test_control_totals_recognised_whatever_the_file_name(load):
    dataset = load("M06 finance extract FINAL (2).csv", ct_text())
    (report,) = [f for f in dataset.files if f.name == "M06 finance extract FINAL (2).csv"]
    assert report.kind == "control_totals" and (report.rows, report.valid) == (6, 6)
    assert set(dataset.control_totals["source_file"]) == {report.path}


RATINGS_TEXT = csv_text(
    RATINGS_HEADER,
    [
        ["E54000008", "2017-07-21", "Making progress", "Established", "illustrative"],
        ["E54000007", "21/07/2017", "1", "", ""],
        ["QYG", "2018-07-20", "needs MOST improvement", "", ""],
    ],
)


def test_ratings_file_named_control_totals_is_read_as_ratings():
    dataset, report = load_valid(RATINGS_TEXT, name="control_totals.csv")
    assert report.kind == "progress_ratings"
    assert dataset.control_totals.empty
    ratings = dataset.progress_ratings.sort_values("assessment_date").reset_index(drop=True)
    assert list(ratings["assessment_date"]) == [pd.Timestamp("2017-07-21")] * 2 + [pd.Timestamp("2018-07-20")]
    by_system = ratings.set_index(["system_code", "assessment_date"])
    assert by_system.loc[("E54000008", pd.Timestamp("2017-07-21")), "overall_rating"] == "Making progress"
    assert by_system.loc[("E54000008", pd.Timestamp("2017-07-21")), "rating_category"] == 3
    assert by_system.loc[("E54000007", pd.Timestamp("2017-07-21")), "overall_rating"] == "Outstanding"
    assert (
        by_system.loc[("E54000008", pd.Timestamp("2018-07-20")), "overall_rating"] == "Needs most improvement"
    )


SYSTEM_CT_TEXT = csv_text(
    SYSTEM_CT_HEADER,
    [["2018/19", "E54000008", '"(1,500)"', "Yes"], ["2018-19", "E54000007", "200", "N"]],
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (ct_text(), "control_totals"),
        (RATINGS_TEXT, "progress_ratings"),
        (csv_text(SYSTEMS_HEADER, [["E54000099", "QZ9", "Test System", "London", "ICS", "", ""]]), "systems"),
        (SYSTEM_CT_TEXT, "system_control_totals"),
        (
            csv_text(
                ["FY", "STP Code", "Control Total (£000)", "Accepted"], [["2018/19", "E54000008", "5", "Y"]]
            ),
            "system_control_totals",
        ),
        (csv_text(["Code", "Name", "NHS Region"], [["E54000099", "Test System", "London"]]), "systems"),
    ],
    ids=["control_totals", "ratings", "systems", "system_control_totals", "sct_aliases", "systems_aliases"],
)
def test_each_kind_recognised_from_header(text, kind):
    table = read_bytes(text.encode(), "data.csv")
    assert table.kind.name == kind
    _, report = load_valid(text, name="data.csv")
    assert report.kind == kind


def test_system_control_totals_values():
    dataset, _ = load_valid(SYSTEM_CT_TEXT, name="totals.csv")
    frame = dataset.system_control_totals.set_index("system_code")
    assert frame.loc["E54000008", "financial_year"] == "2018/19"
    assert frame.loc["E54000008", "control_total"] == -1500.0
    assert bool(frame.loc["E54000008", "accepted"]) is True
    assert frame.loc["E54000007", "financial_year"] == "2018/19"
    assert bool(frame.loc["E54000007", "accepted"]) is False


def test_header_below_a_title_row_keeps_physical_lines():
    data = "Control totals M06 2018/19,,,\n" + ct_text()
    dataset, report = load_valid(data)
    assert report.rows == 6
    assert list(ct_by_line(dataset).index) == [3, 4, 5, 6, 7, 8]


@pytest.mark.parametrize("line", ["\ufeff", "\ufeff2018/19"], ids=["a lone mark", "a mark before a year"])
def test_a_byte_order_mark_opening_the_first_data_line_is_kept_as_text(line: str) -> None:
    """Found by fuzzing: pandas' parser dropped it as an encoding mark, so the line read as blank and was
    lost. It is a character of the line: the row is read (and its wrong field count reported)."""
    data = (",".join(CT_HEADER) + "\n" + line + "\n").encode("utf-8")
    table = read_bytes(data, "bom.csv")
    assert table.rows == 1
    assert table.frame.loc[2, "financial_year"] == line
    assert table.field_count_lines == {2: 1}
