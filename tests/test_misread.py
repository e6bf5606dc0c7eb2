"""Never a wrong number in silence: files that used to be read wrongly and counted valid.

Each case was once read without a word (infinity, digits lost, `5 5` as 55, pounds as £000, a decimal
comma as thousands, a trailing header comma quarantining everything). `validate` and `summary` must now
exit 1 with the rows quarantined, or 2 with a file error naming the problem; never 0.
"""

from __future__ import annotations

import json

import pytest
from conftest import CT_HEADER, ct_row, ct_text, default_ct_rows

from analysis.cli import main


def validate(capsys, *paths) -> tuple[int, dict]:
    status = main(["validate", "--json", *map(str, paths)])
    return status, json.loads(capsys.readouterr().out)


def summary_status(capsys, *paths) -> tuple[int, str]:
    status = main(["summary", *map(str, paths), "--by", "org"])
    return status, capsys.readouterr().out


def errors_of(report: dict) -> set[tuple[int, str, str]]:
    return {(e["line"], e["column"], e["rule"]) for f in report["files"] for e in f["errors"]}


# --- implausible amounts and digits never lost ---------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    ["9" * 309, "1e308", "12345678901234567890", "1e9", "-100000001", "inf"],
    ids=["309-digits", "1e308", "20-digits", "1e9", "beyond-bound-negative", "inf-text"],
)
def test_money_beyond_plausible_bound_is_quarantined(capsys, write, systems_file, cell):
    rows = default_ct_rows()
    rows[0]["plan_income"] = cell
    rows[1]["plan_income"] = cell
    path = write("ct.csv", ct_text(rows))
    status, report = validate(capsys, path, systems_file)
    assert status == 1
    [file] = [f for f in report["files"] if f["kind"] == "control_totals"]
    assert (file["valid"], file["quarantined"]) == (4, 2)
    assert {(2, "plan_income"), (3, "plan_income")} <= {(line, col) for line, col, _ in errors_of(report)}
    status, out = summary_status(capsys, path, systems_file)
    assert "inf" not in out
    assert status in (0, 1)


def test_bound_is_inclusive_at_one_hundred_billion_pounds(load):
    rows = default_ct_rows()
    rows[0]["plan_income"] = "100,000,000"
    rows[1]["plan_income"] = "-100000000"
    dataset = load("ct.csv", ct_text(rows))
    report = dataset.reports[0] if hasattr(dataset, "reports") else None
    assert report is None or report.quarantined == 0


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1 234 567", 1234567.0),
        ("£ 1 234", 1234.0),
        ("£1 234 567", 1234567.0),
        (" 12 ", 12.0),
        ("1 234.5", 1234.5),
    ],
)
def test_spaces_as_thousands_groups_are_read(load_valid_cell, cell, expected):
    assert load_valid_cell(cell) == expected


@pytest.mark.parametrize("cell", ["5 5", "12 34", "1 23 456", "1234 567", "1 2345"])
def test_spaces_other_than_thousands_groups_are_not_numbers(capsys, write, systems_file, cell):
    rows = default_ct_rows()
    rows[0]["plan_income"] = cell
    status, report = validate(capsys, write("ct.csv", ct_text(rows)), systems_file)
    assert status == 1
    assert (2, "plan_income", "not_a_number") in errors_of(report)


@pytest.fixture
def load_valid_cell(write, systems_file):
    """load_valid_cell(cell) -> plan_income of line 2 read from a file where that cell is `cell`."""
    from analysis.dataset import load_paths

    def run(cell: str, delimiter: str = ",") -> float:
        rows = default_ct_rows()
        rows[0]["plan_income"] = f'"{cell}"' if delimiter in cell else cell
        dataset = load_paths([write("ct.csv", ct_text(rows, delimiter=delimiter)), systems_file])
        frame = dataset.control_totals.reset_index()
        hit = frame[(frame["org_code"] == "RX1") & (frame["month"] == 1)]
        assert len(hit) == 1, "the row was quarantined"
        return float(hit["plan_income"].iloc[0])

    return run


# --- units in the header -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("Plan Income (£)", "£"),
        ("Plan Income £", "£"),
        ("plan_income_£", "£"),
        ("Plan Income (£m)", "£m"),
        ("Plan Income £m", "£m"),
        ("Plan Income (£ million)", "£m"),
    ],
)
def test_money_header_in_another_unit_is_a_file_error_naming_it(capsys, write, systems_file, header, unit):
    names = [header if name == "plan_income" else name for name in CT_HEADER]
    path = write("ct.csv", ct_text(header=names))
    status, report = validate(capsys, path, systems_file)
    assert status == 2
    [error] = report["file_errors"]
    assert f"({unit})" in error["message"]
    assert "required column" not in error["message"]
    assert "£000" in error["message"]
    assert summary_status(capsys, path, systems_file)[0] == 2


@pytest.mark.parametrize(
    "header", ["Plan Income (£000)", "plan_income_£k", "Plan Income £k", "Plan Income (£'000)", "Plan Income"]
)
def test_money_header_in_thousands_is_read_as_thousands(capsys, write, systems_file, header):
    names = [header if name == "plan_income" else name for name in CT_HEADER]
    status, report = validate(capsys, write("ct.csv", ct_text(header=names)), systems_file)
    assert status == 0, report


# --- decimal convention --------------------------------------------------------------------------------


def test_semicolon_file_with_decimal_commas_reads_them_as_decimals(load_valid_cell, write, systems_file):
    rows = default_ct_rows()
    rows[0]["plan_income"] = "594,623"
    rows[1]["forecast_outturn"] = "-5,5"
    from analysis.dataset import load_paths

    dataset = load_paths([write("ct.csv", ct_text(rows, delimiter=";")), systems_file])
    frame = dataset.control_totals.reset_index()
    rx1 = frame[frame["org_code"] == "RX1"].set_index("month")
    assert len(rx1) == 3
    assert rx1.loc[1, "plan_income"] == pytest.approx(594.623)
    assert rx1.loc[2, "forecast_outturn"] == pytest.approx(-5.5)


def test_semicolon_file_with_decimal_points_reads_commas_as_thousands(write, systems_file):
    rows = default_ct_rows()
    rows[0]["plan_income"] = "594,623"
    rows[1]["plan_income"] = "12.5"
    from analysis.dataset import load_paths

    dataset = load_paths([write("ct.csv", ct_text(rows, delimiter=";")), systems_file])
    rx1 = dataset.control_totals.reset_index()
    rx1 = rx1[rx1["org_code"] == "RX1"].set_index("month")["plan_income"]
    assert rx1[1] == 594623.0
    assert rx1[2] == 12.5


@pytest.mark.parametrize("cell", ["594,623", "1.234"])
def test_semicolon_file_without_evidence_quarantines_ambiguous_values(capsys, write, systems_file, cell):
    rows = default_ct_rows()
    rows[0]["plan_income"] = cell
    status, report = validate(capsys, write("ct.csv", ct_text(rows, delimiter=";")), systems_file)
    assert status == 1
    assert (2, "plan_income", "ambiguous_number") in errors_of(report)


def test_comma_file_keeps_commas_as_thousands(load_valid_cell):
    assert load_valid_cell("594,623") == 594623.0


# --- a trailing comma on the header --------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_trailing_delimiter_on_header_alone_is_read_as_absent(capsys, write, systems_file, delimiter):
    text = ct_text(delimiter=delimiter)
    header, rest = text.split("\n", 1)
    status, report = validate(capsys, write("ct.csv", header + delimiter + "\n" + rest), systems_file)
    assert status == 0, report
    assert [f["valid"] for f in report["files"] if f["kind"] == "control_totals"] == [6]


def test_trailing_delimiter_on_every_line_still_reads(capsys, write, systems_file):
    text = ct_text()
    lines = [line + "," for line in text.splitlines()]
    status, report = validate(capsys, write("ct.csv", "\n".join(lines) + "\n"), systems_file)
    assert status == 0, report


def test_misread_file_from_the_issue_is_never_valid(capsys, write, systems_file):
    """The file of the report: 7 rows, every one once counted valid and summed to `inf`."""
    rows = [ct_row(month=str(m)) for m in range(1, 8)]
    rows[0]["plan_income"] = "9" * 309
    rows[1]["plan_income"] = "1e308"
    rows[2]["plan_income"] = "1e308"
    rows[3]["plan_income"] = "12345678901234567890"
    rows[4]["plan_income"] = "5 5"
    path = write("ct.csv", ct_text(rows))
    status, report = validate(capsys, path, systems_file)
    assert status == 1
    [file] = [f for f in report["files"] if f["kind"] == "control_totals"]
    assert (file["valid"], file["quarantined"]) == (2, 5)
    status, out = summary_status(capsys, path, systems_file)
    assert status == 1 and "inf" not in out


# --- a file of nothing but problems: a bounded report ---------------------------------------------------


def test_validate_lists_the_first_problems_of_each_rule_and_counts_the_rest(capsys, monkeypatch, write):
    import analysis.cli as cli

    monkeypatch.setattr(cli, "ERRORS_PER_RULE", 3)
    rows = [ct_row(org_code=f"R{i:02d}", month="13", plan_income="abc") for i in range(10)]
    path = write("ct.csv", ct_text(rows))
    status, report = validate(capsys, path)
    assert status == 1
    [file] = report["files"]
    assert file["quarantined"] == 10
    by_rule: dict[str, list[int]] = {}
    for error in file["errors"]:
        by_rule.setdefault(error["rule"], []).append(error["line"])
    assert by_rule["month_out_of_range"] == [2, 3, 4]
    assert by_rule["not_a_number"] == [2, 3, 4]
    assert file["truncated"]["month_out_of_range"] == 7 and file["truncated"]["not_a_number"] == 7
    status, everything = validate(capsys, path, "--all")
    [file] = everything["files"]
    assert file["truncated"] == {}
    assert {e["line"] for e in file["errors"] if e["rule"] == "not_a_number"} == set(range(2, 12))
    assert main(["validate", str(path)]) == 1
    assert "... and 7 more not_a_number problem(s)" in capsys.readouterr().out


def test_streamed_json_is_the_report_as_json_dumps_writes_it(write, systems_file):
    import io

    import analysis.cli as cli
    from analysis.dataset import load_paths

    rows = [ct_row(org_code=f"R{i:02d}", month="13", org_name="Ünïcode \u202e") for i in range(5)]
    dataset = load_paths([write("ct.csv", ct_text(rows)), systems_file])
    for limit in (None, 2):
        out = io.StringIO()
        cli._write_report_json(dataset, limit, out)
        expected = json.dumps(cli.validation_report(dataset, limit), indent=2, ensure_ascii=False)
        assert out.getvalue() == cli._visible_json(expected) + "\n"
