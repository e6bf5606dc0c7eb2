"""Exports people can trust: the exact CSV text, Excel read back cell by cell, injection kept inert, the
About sheet, the link that reopens a view, and `python -m analysis export`.

Files are always read back (csv module, openpyxl), never only inspected as the frames that made them.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from analysis_frames import S1, S2, YEAR, ct_frame, make_dataset, org_rows, systems_frame
from conftest import ct_text, default_ct_rows, load_texts, systems_text

import analysis
from analysis import exports, figures, tables, views
from analysis.cli import main
from analysis.filters import Filters, available_options, resolve
from analysis.formatting import excel_number_format
from analysis.model import FileReport
from analysis.state import ViewState

ROOT = Path(__file__).resolve().parent.parent

PAYLOADS = (
    "=1+2",
    "+cmd",
    "-2+3",
    "@SUM(A1)",
    '=HYPERLINK("http://x","y")',
    "\t=1+2",
    "\r=1+2",
    "\uff1d1+2",  # full-width ＝: Excel reads ＝ ＋ － ＠ at the start of a cell as their ASCII forms
    "\uff0bcmd",
    "\uff0d2+3",
    "\uff20SUM(A1)",
)
"""Cells a spreadsheet would run as a formula (OWASP CSV injection)."""

ALL_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""Written out here rather than read from ``exports``, so a trigger dropped there fails these tests."""

NOT_FORMULAS = ("-", "-5", "+5", "-1234.5", "-0.25", "-.5", "-1,234.5", "+1,234,567.89")
"""Cells that start like a formula but cannot be one: the lone ``-`` placeholder, plain numbers as text."""

NUMBER_LOOKALIKES = (
    "-2+3",
    "-5+cmd|' /C calc'!A0",
    "--5",
    "-5\n",
    "-5 ",
    "- 5",
    "-\n",
    "-1,23",
    "-5%",
    "\uff0d5",  # full-width minus
    "-\uff15",  # full-width digit: not a plain number either
    "\uff0d",
)
"""Cells that look nearly like a number or a placeholder and are still neutralised."""


# --- builders -------------------------------------------------------------------------------------------


def payload_dataset(names=PAYLOADS, *, is_sample: bool = False):
    """Two systems; one organisation per payload (as its name) in S1, one plain organisation in S2."""
    rows = []
    for i, name in enumerate(names):
        rows += org_rows(
            f"R{i:02d}",
            S1,
            org_name=name,
            actuals={m: (110.0, 100.0 + 5 * i) for m in range(1, 4)},
            months=range(1, 4),
            control_total=-50.0,
        )
    rows += org_rows("RZZ", S2, org_name="Plain NHS Trust", actuals={1: (90.0, 95.0)}, months=range(1, 4))
    dataset = make_dataset(ct_frame(rows))
    files = [
        FileReport("in/control_totals.csv", "control_totals.csv", "control_totals", "a" * 64, 40, 37, 3),
        FileReport("in/=1+2.csv", "=1+2.csv", "systems", "b" * 64, 3, 3, 0),
        FileReport("in/broken.csv", "broken.csv", None, "c" * 64, error="The file is empty."),
    ]
    return dataclasses.replace(dataset, files=files, is_sample=is_sample)


def scope_of(dataset, unit="£m", **filters):
    return views.scope(dataset, ViewState(resolve(Filters(**filters), dataset), unit))


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def info_for(dataset, filters: Filters, unit="£m", **kw) -> exports.ExtractInfo:
    state = ViewState(filters, unit)
    link = exports.view_link(state, page="explore", base="http://example.org/dash")
    return exports.extract_info(dataset, state, link, title="Rows", **kw)


def assert_no_formula(workbook: openpyxl.Workbook) -> None:
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(ALL_TRIGGERS) or cell.value in NOT_FORMULAS, (
                        sheet.title,
                        cell.coordinate,
                        cell.value,
                    )


def load_xlsx(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


# --- CSV ------------------------------------------------------------------------------------------------


def test_csv_text_is_exactly_bom_header_values_crlf():
    frame = pd.DataFrame(
        {
            "Organisation": ["Alpha NHS Trust", 'Beta, "the" Trust', "=1+2", None],
            "Variance (£m)": [-1234.5, 0.1 + 0.2, float("nan"), 2.0],
            "Month": [6, 7, 8, 9],
            "CT accepted": pd.array([True, False, None, True], dtype="boolean"),
        }
    )
    expected = (
        "\ufeffOrganisation,Variance (£m),Month,CT accepted\r\n"
        "Alpha NHS Trust,-1234.5,6,True\r\n"
        '"Beta, ""the"" Trust",0.3,7,False\r\n'
        "'=1+2,,8,\r\n"
        ",2.0,9,True\r\n"
    )
    assert exports.csv_bytes(frame) == expected.encode("utf-8")


def test_csv_keeps_negative_numbers_and_numeric_text_as_written_and_neutralises_formulas():
    frame = pd.DataFrame({"Code": ["-5", "-2+3", "X1"], "Variance YTD (£000)": [-2455.0, 12.0, 1.0]})
    rows = read_csv(exports.csv_bytes(frame))
    assert rows == [
        ["Code", "Variance YTD (£000)"],
        ["-5", "-2455.0"],
        ["'-2+3", "12.0"],
        ["X1", "1.0"],
    ]


@pytest.mark.parametrize("text", NOT_FORMULAS)
def test_placeholders_and_plain_numbers_as_text_are_left_as_written(text):
    """A lone ``-`` or a plain number cannot run anything; a ``'`` in front would show in Excel as a
    wrong value (``'-``, ``'-5``)."""
    assert exports.neutralise_text(text) == text
    assert read_csv(exports.csv_bytes(pd.DataFrame({"Cell": [text]})))[1] == [text]


@pytest.mark.parametrize("text", NUMBER_LOOKALIKES)
def test_text_that_only_looks_like_a_number_or_a_placeholder_is_neutralised(text):
    assert exports.neutralise_text(text) == "'" + text


def test_held_back_rows_csv_keeps_placeholders_and_neutralises_formulas():
    """Issue 14: a ``-`` written for "no figure" came out of the held-back rows file as ``'-``."""
    rows = default_ct_rows()
    rows[0] = {**rows[0], "plan_income": "-", "actual_income": "-5", "org_name": "=1+2"}
    rows[1] = {**rows[1], "plan_income": "x", "actual_income": "\uff1dcmd"}
    dataset = load_texts({"control_totals.csv": ct_text(rows)})
    assert len(dataset.quarantine) == 2

    table = read_csv(exports.csv_bytes(dataset.quarantine))
    header, body = table[0], table[1:]
    by_line = {row[header.index("line")]: row for row in body}
    first, second = by_line["2"], by_line["3"]
    assert first[header.index("plan_income")] == "-"
    assert first[header.index("actual_income")] == "-5"
    assert first[header.index("org_name")] == "'=1+2"
    assert second[header.index("actual_income")] == "'\uff1dcmd"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_neutralise_text_prefixes_every_trigger(payload):
    assert exports.neutralise_text(payload) == "'" + payload
    assert exports.neutralise_text("Alpha NHS Trust") == "Alpha NHS Trust"
    assert exports.neutralise_text(-5) == -5


def test_payload_org_names_come_out_inert_in_csv():
    rows = views.explore_rows(scope_of(payload_dataset()))
    table = read_csv(exports.csv_bytes(rows))
    header, body = table[0], table[1:]
    names = [r[header.index("Organisation")] for r in body]
    for payload in PAYLOADS:
        assert "'" + payload in names
    for row in body:
        for cell in row:
            assert is_number(cell) or not cell.startswith(ALL_TRIGGERS) or cell in NOT_FORMULAS, cell
    variances = [float(r[header.index("Variance (£m)")]) for r in body if r[header.index("Variance (£m)")]]
    assert min(variances) < 0  # negative amounts are still plain numbers


def test_payload_column_headers_are_neutralised():
    frame = pd.DataFrame({"=cmd": ["a"], "Value (£m)": [-1.0]})
    assert read_csv(exports.csv_bytes(frame))[0] == ["'=cmd", "Value (£m)"]
    sheet = load_xlsx(exports.xlsx_bytes(frame, info_for(payload_dataset(), Filters()), "£m"))["Data"]
    assert sheet["A1"].value == "'=cmd"


# --- Excel ----------------------------------------------------------------------------------------------


def test_payload_org_names_come_out_inert_in_xlsx():
    dataset = payload_dataset()
    s = scope_of(dataset)
    rows = views.explore_rows(s)
    workbook = load_xlsx(exports.xlsx_bytes(rows, info_for(dataset, s.filters), "£m", sheet_name="Rows"))
    assert_no_formula(workbook)
    sheet = workbook["Rows"]
    header = [c.value for c in sheet[1]]
    names = {
        row[header.index("Organisation")].replace("_x000D_", "\r")  # OOXML's escape of a carriage return
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert {"'" + p for p in PAYLOADS} <= names
    about = workbook[exports.ABOUT_SHEET]
    file_names = {row[0] for row in about.iter_rows(values_only=True)}
    assert "'=1+2.csv" in file_names  # a file name from an upload is data too


def test_xlsx_text_keeps_placeholders_and_neutralises_full_width_formulas():
    frame = pd.DataFrame({"Cell": ["-", "-5", "\uff1d1+2", "\uff0d2+3"], "Value (£m)": [1.0, 2.0, 3.0, 4.0]})
    sheet = load_xlsx(exports.xlsx_bytes(frame, info_for(payload_dataset(), Filters()), "£m"))["Data"]
    cells = [(sheet[f"A{r}"].value, sheet[f"A{r}"].data_type) for r in range(2, 6)]
    assert cells == [("-", "s"), ("-5", "s"), ("'\uff1d1+2", "s"), ("'\uff0d2+3", "s")]


def test_xlsx_money_cells_are_numbers_with_the_pound_format():
    frame = pd.DataFrame(
        {
            "System": ["A", "B", "C"],
            "Variance YTD (£m)": [-1234.5, 0.25, float("nan")],
            "Variance %": [-0.61, 1.5, 0.0],
            "Organisations": [3, 4, 5],
            "Accepted": [True, False, True],
        }
    )
    frame = tables.mark(frame, money=["Variance YTD (£m)"], percent=["Variance %"], count=["Organisations"])
    workbook = load_xlsx(exports.xlsx_bytes(frame, info_for(payload_dataset(), Filters()), "£m"))
    sheet = workbook["Data"]
    money = sheet["B2"]
    assert (money.value, money.data_type, money.number_format) == (-1234.5, "n", excel_number_format("£m"))
    assert sheet["B3"].value == 0.25
    assert sheet["B4"].value is None  # missing stays empty, never "nan"
    assert sheet["B4"].number_format == excel_number_format("£m")
    assert (sheet["C2"].value, sheet["C2"].data_type) == (-0.61, "n")
    assert "%" in sheet["C2"].number_format
    assert (sheet["D2"].value, sheet["D2"].data_type) == (3, "n")
    assert (sheet["E2"].value, sheet["E2"].data_type) == (True, "b")
    assert_no_formula(workbook)


def test_xlsx_in_thousands_uses_the_thousands_format():
    frame = tables.mark(pd.DataFrame({"Variance YTD (£000)": [-2455.0]}), money=["Variance YTD (£000)"])
    sheet = load_xlsx(exports.xlsx_bytes(frame, info_for(payload_dataset(), Filters(), "£000"), "£000"))[
        "Data"
    ]
    assert sheet["A2"].number_format == excel_number_format("£000")
    assert sheet["A2"].value == -2455.0


def test_xlsx_number_formats_come_from_the_column_kinds_not_the_headers():
    frame = pd.DataFrame(
        {
            "Net position": [-1234.5],  # money, though no unit in its header
            "Note (£m)": ["was (£m) in the source"],  # text, though its header ends in the unit
            "Share": [12.5],  # a percentage without a % in its header
            "Count %": [7],  # a count whose header ends in %
        }
    )
    frame = tables.mark(
        frame, money=["Net position"], text=["Note (£m)"], percent=["Share"], count=["Count %"]
    )
    sheet = load_xlsx(exports.xlsx_bytes(frame, info_for(payload_dataset(), Filters()), "£m"))["Data"]
    assert sheet["A2"].number_format == excel_number_format("£m")
    assert (sheet["B2"].value, sheet["B2"].number_format) == ("was (£m) in the source", "General")
    assert sheet["C2"].number_format == '0.00"%";-0.00"%"'
    assert (sheet["D2"].value, sheet["D2"].number_format) == (7, "General")


def test_xlsx_of_an_unmarked_table_formats_no_money():
    frame = pd.DataFrame({"Variance YTD (£m)": [-1.5], "Variance %": [2.0]})
    sheet = load_xlsx(exports.xlsx_bytes(frame, info_for(payload_dataset(), Filters()), "£m"))["Data"]
    assert [sheet["A2"].number_format, sheet["B2"].number_format] == ["General", "General"]


def test_xlsx_of_a_view_table_formats_its_money_and_percent_columns():
    dataset = payload_dataset()
    table = views.systems(scope_of(dataset)).table
    sheet = load_xlsx(exports.xlsx_bytes(table, info_for(dataset, Filters()), "£m", "Systems"))["Systems"]
    formats = {
        sheet.cell(1, i + 1).value: sheet.cell(2, i + 1).number_format for i in range(len(table.columns))
    }
    assert formats["Variance YTD (£m)"] == formats["Control total (£m)"] == excel_number_format("£m")
    assert "%" in formats["Variance %"]
    assert formats["System"] == formats["Organisations"] == "General"


def test_xlsx_header_is_frozen_filtered_and_columns_are_sized():
    dataset = payload_dataset()
    view = views.systems(scope_of(dataset))
    workbook = load_xlsx(exports.xlsx_bytes(view.table, info_for(dataset, Filters()), "£m", "Systems"))
    sheet = workbook["Systems"]
    assert workbook.sheetnames == ["Systems", exports.ABOUT_SHEET]
    assert sheet.freeze_panes == "A2"
    last = openpyxl.utils.get_column_letter(len(view.table.columns))
    assert sheet.auto_filter.ref == f"A1:{last}{len(view.table) + 1}"
    assert [c.value for c in sheet[1]] == list(view.table.columns)
    assert sheet.max_row == len(view.table) + 1
    widths = [sheet.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width for i in range(5)]
    assert all(6 <= w <= 62 for w in widths), widths
    assert sheet.column_dimensions["A"].width >= len("System One")


def test_about_sheet_says_where_the_rows_came_from():
    dataset = payload_dataset(is_sample=True)
    state = ViewState(resolve(Filters(systems=(S1,)), dataset), "£m")
    names = available_options(dataset).systems
    link = exports.view_link(state, page="explore", system_names=names, base="http://example.org")
    info = exports.extract_info(dataset, state, link, title="Rows", system_names=names)
    frame = views.explore_rows(views.scope(dataset, state))
    about = load_xlsx(exports.xlsx_bytes(frame, info, "£m"))[exports.ABOUT_SHEET]
    values = {row[0]: row[1] for row in about.iter_rows(values_only=True) if row[0]}
    assert values["Filters"] == "2018/19, year to date at M03 (Jun 2018); systems System One; figures in £m"
    assert values["Link to this view"] == link
    link_cell = next(r[1] for r in about.iter_rows() if r[0].value == "Link to this view")
    assert link_cell.hyperlink is not None and link_cell.hyperlink.target == link
    assert values["Data as at"] == "M03 (Jun 2018), 2018/19 (latest month with actuals)"
    assert values["Period"] == "year to date at M03 (Jun 2018), 2018/19"
    # The sample is illustrative, so the data sheet carries one more column than the view, the label saying
    # so on every row; the About sheet counts the columns the reader gets: 21 + 1.
    workbook = load_xlsx(exports.xlsx_bytes(frame, info, "£m"))
    data_sheet = next(ws for ws in workbook.worksheets if ws.title != exports.ABOUT_SHEET)
    header = [cell.value for cell in next(data_sheet.iter_rows(max_row=1))]
    assert header[-1] == exports.ILLUSTRATIVE_COLUMN and len(header) == len(frame.columns) + 1
    assert values["Rows"] == f"{len(frame):,} rows, {len(frame.columns) + 1} columns"
    assert values["Rows quarantined"] == 3
    assert values["Files unreadable"] == 1
    assert "3 quarantined" in values["Validation"] and "1 file could not be read" in values["Validation"]
    assert values["Product version"] == f"ICS financial control totals dashboard {analysis.__version__}"
    assert analysis.__version__ == "0.1.0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", values["Generated (UTC)"])
    assert values["Illustrative data"] == exports.SAMPLE_NOTE
    sources = [r for r in about.iter_rows(values_only=True) if r[5] and len(str(r[5])) == 64]
    assert [(r[0], r[5]) for r in sources] == [
        ("control_totals.csv", "a" * 64),
        ("'=1+2.csv", "b" * 64),
        ("broken.csv", "c" * 64),
    ]
    assert sources[2][6] == "could not be read: The file is empty."


def test_about_sheet_has_no_sample_note_for_real_data():
    dataset = payload_dataset(is_sample=False)
    about = load_xlsx(exports.xlsx_bytes(pd.DataFrame({"a": [1]}), info_for(dataset, Filters()), "£m"))
    assert "Illustrative data" not in {
        row[0] for row in about[exports.ABOUT_SHEET].iter_rows(values_only=True)
    }


def test_empty_table_still_makes_a_valid_workbook():
    dataset = payload_dataset()
    frame = views.explore_rows(scope_of(dataset, regions=("North",), systems=(S2,)))  # S2 is in the South
    assert frame.empty
    workbook = load_xlsx(exports.xlsx_bytes(frame, info_for(dataset, Filters()), "£m"))
    assert workbook["Data"].max_row == 1
    assert exports.csv_bytes(frame).decode("utf-8-sig").count("\r\n") == 1


def test_xlsx_refuses_more_rows_than_a_sheet_holds(monkeypatch):
    monkeypatch.setattr(exports, "EXCEL_MAX_ROWS", 3)
    frame = pd.DataFrame({"a": [1, 2, 3]})
    assert not exports.fits_in_excel(frame)
    with pytest.raises(exports.ExtractTooLarge, match="download CSV"):
        exports.xlsx_bytes(frame, info_for(payload_dataset(), Filters()), "£m")


def test_exported_numbers_carry_no_float_noise():
    frame = pd.DataFrame({"Variance (£m)": [0.1 + 0.2, -0.0]})
    assert read_csv(exports.csv_bytes(frame))[1:] == [["0.3"], ["0.0"]]


# --- what an extract says about itself ------------------------------------------------------------------


def test_view_link_spells_filters_as_the_dashboard_url_does():
    filters = Filters(financial_year=YEAR, month=3, regions=("North",), systems=(S1,), org_types=("acute",))
    link = exports.view_link(
        ViewState(filters, "£000", True),
        page="systems",
        system_names={S1: "System One"},
        base="https://example.org/dash/",
    )
    assert link == (
        "https://example.org/dash/systems?year=2018%2F19&month=M03+%28Jun+2018%29&region=North"
        "&system=System+One+%28E54000001%29&org_type=acute&unit=%C2%A3000&restate=true"
    )


def test_view_link_base_comes_from_app_base_url(monkeypatch):
    monkeypatch.delenv("APP_BASE_URL", raising=False)
    assert exports.view_link(ViewState()) == "http://localhost:8501/?unit=%C2%A3m"
    monkeypatch.setenv("APP_BASE_URL", "https://dash.example.nhs.uk/finance/")
    assert exports.view_link(ViewState(), page="explore").startswith(
        "https://dash.example.nhs.uk/finance/explore?"
    )


# The state's own spelling, words and file stem are tested in test_state.py.


def test_data_as_at_is_the_latest_month_with_actuals():
    rows = org_rows("RA1", S1, actuals={1: (1.0, 1.0), 2: (1.0, 1.0)}) + org_rows(
        "RA1", S1, year="2017/18", actuals={m: (1.0, 1.0) for m in range(1, 13)}
    )
    dataset = make_dataset(ct_frame(rows), systems_frame([{"system_code": S1, "system_name": "One"}]))
    assert exports.data_as_at(dataset) == "M02 (May 2018), 2018/19"
    assert exports.data_as_at(make_dataset(ct_frame([]))) == "no actuals loaded"


# --- chart images ---------------------------------------------------------------------------------------


def test_plotly_config_names_the_png_and_makes_it_slide_sized():
    config = figures.plotly_config("variance-by-system-M09 (Dec 2018), 2018/19")
    image = config["toImageButtonOptions"]
    assert image["filename"] == "variance-by-system-M09_Dec_2018_2018_19"
    assert (image["format"], image["width"] * image["scale"], image["height"] * image["scale"]) == (
        "png",
        3200,
        1800,
    )
    assert config["displaylogo"] is False
    assert figures.plotly_config("<>/\\")["toImageButtonOptions"]["filename"] == "chart"
    assert len(figures.plotly_config("x" * 300)["toImageButtonOptions"]["filename"]) <= 80


def test_every_chart_is_drawn_through_widgets_chart_with_the_plotly_config():
    pages = [p for p in (ROOT / "pages").glob("*.py")] + [ROOT / "app.py"]
    for page in pages:
        assert "plotly_chart" not in page.read_text(encoding="utf-8"), page
    ui = {path.name: path.read_text(encoding="utf-8") for path in (ROOT / "ui").glob("*.py")}
    assert sum(text.count("st.plotly_chart(") for text in ui.values()) == 1
    assert ui["widgets.py"].count("st.plotly_chart(") == 1
    assert "config=figures.plotly_config(name)" in ui["widgets.py"]


# --- the command line -----------------------------------------------------------------------------------


@pytest.fixture
def extracts(write, tmp_path) -> Path:
    """A folder of valid extracts (outputs go beside it, never into it)."""
    write("in/ct.csv", ct_text())
    write("in/systems.csv", systems_text())
    return tmp_path / "in"


def test_cli_exports_systems_xlsx(extracts, tmp_path, capsys):
    out = tmp_path / "out" / "systems.xlsx"
    out.parent.mkdir()
    status = main(["export", str(extracts), "--what", "systems", "--format", "xlsx", "--out", str(out)])
    assert status == 0, capsys.readouterr().err
    workbook = load_xlsx(out.read_bytes())
    assert workbook.sheetnames == ["Systems", exports.ABOUT_SHEET]
    assert [c.value for c in workbook["Systems"][1]][:2] == ["System", "Code"]
    assert workbook["Systems"].max_row == 3  # two systems
    assert_no_formula(workbook)
    about = {r[0]: r[1] for r in workbook[exports.ABOUT_SHEET].iter_rows(values_only=True) if r[0]}
    assert about["Filters"] == "2018/19, year to date at M02 (May 2018); figures in £m"
    assert about["Link to this view"].startswith("http://localhost:8501/systems?year=2018%2F19")


def test_cli_exports_rows_csv_with_filters(extracts, tmp_path, capsys):
    out = tmp_path / "rows.csv"
    status = main(
        [
            "export",
            str(extracts),
            "--what",
            "rows",
            "--format",
            "csv",
            "--out",
            str(out),
            "--month",
            "1",
            "--system",
            "E54000008",
            "--unit",
            "£000",
        ]
    )
    assert status == 0, capsys.readouterr().err
    table = read_csv(out.read_bytes())
    assert "Plan income (£000)" in table[0]
    assert len(table) == 2  # one organisation, month 1
    assert table[1][table[0].index("System code")] == "E54000008"


def test_cli_exports_the_board_pack_html(extracts, tmp_path, capsys):
    out = tmp_path / "pack.html"
    args = ["export", str(extracts), "--what", "pack", "--format", "html", "--out", str(out)]
    status = main([*args, "--detail", "e54000007"])
    assert status == 0, capsys.readouterr().err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert text.count('class="plotly-graph-div"') == 5
    assert ">Greater Manchester (E54000007)</h2>" in text  # the system asked for, both systems compared
    assert "Cheshire and Merseyside" in text
    assert not re.search(r"(?i)https?://", text)


def test_cli_pdf_without_a_browser_says_so_and_exits_2(extracts, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-such-browser"))
    out = tmp_path / "pack.pdf"
    assert main(["export", str(extracts), "--what", "pack", "--format", "pdf", "--out", str(out)]) == 2
    assert "No Chromium or Chrome browser was found" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--what", "pack", "--format", "csv"],
        ["--what", "systems", "--format", "html"],
        ["--what", "rows", "--format", "pdf"],
        ["--what", "systems", "--format", "xlsx", "--year", "2030/31"],
        ["--what", "systems", "--format", "xlsx", "--month", "12"],
        ["--what", "systems", "--format", "xlsx", "--system", "E54999999"],
        ["--what", "systems", "--format", "xlsx", "--region", "Atlantis"],
        ["--what", "systems", "--format", "xlsx", "--unit", "$"],
        ["--what", "everything", "--format", "csv"],
        ["--what", "pack", "--format", "html", "--detail", "E54999999"],
    ],
)
def test_cli_export_misuse_exits_2_and_writes_nothing(extracts, tmp_path, capsys, args):
    out = tmp_path / "out.file"
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(main(["export", str(extracts), *args, "--out", str(out)]))
    assert exited.value.code == 2
    assert not out.exists()
    assert capsys.readouterr().err.strip()


def test_cli_export_of_an_unreadable_file_exits_2(write, systems_file, tmp_path, capsys):
    bad = write("broken.csv", b"")
    good = write("good.csv", ct_text())
    out = tmp_path / "exported.csv"
    status = main(["export", str(bad), str(good), str(systems_file), "--what", "systems", "--out", str(out)])
    assert status == 2
    assert not out.exists()
    assert "broken.csv" in capsys.readouterr().err


def test_cli_export_into_a_missing_folder_exits_2(extracts, tmp_path, capsys):
    out = tmp_path / "no" / "such" / "folder" / "x.csv"
    assert main(["export", str(extracts), "--what", "systems", "--format", "csv", "--out", str(out)]) == 2
    assert "folder" in capsys.readouterr().err


def test_cli_export_runs_as_a_command(write, tmp_path):
    """The real command in a subprocess: exit 0 and the file; misuse exits 2 without a traceback."""
    write("in/ct.csv", ct_text())
    write("in/systems.csv", systems_text())
    out = tmp_path / "systems.csv"
    run = [sys.executable, "-m", "analysis", "export", str(tmp_path / "in"), "--what", "systems"]
    ok = subprocess.run(
        [*run, "--format", "csv", "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert ok.returncode == 0, ok.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbfSystem,Code,")
    bad = subprocess.run(
        [*run, "--format", "docx", "--out", str(out)], cwd=ROOT, capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr


@pytest.mark.parametrize(
    ("origin", "host", "base_path", "expected"),
    [
        ("https://ics.example.nhs.uk", "internal:8501", "", "https://ics.example.nhs.uk"),
        ("http://127.0.0.1:8765", None, "dash/", "http://127.0.0.1:8765/dash"),
        (None, "10.0.0.5:8501", "", "http://10.0.0.5:8501"),
        ("null", None, "", None),
        (None, "evil.example/x", "", None),
        ("javascript:alert(1)", None, "", None),
    ],
)
def test_links_use_the_address_the_browser_used(origin, host, base_path, expected) -> None:
    base = exports.browser_base_url(origin, host, base_path)
    assert base == expected
    if expected:
        assert exports.view_link(ViewState(), page="systems", base=base) == f"{expected}/systems?unit=%C2%A3m"
