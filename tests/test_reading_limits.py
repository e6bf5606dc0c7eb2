"""The reader's limits: how wide a header may be, how long a cell, and what a file over them is told.

A header wider than `MAX_HEADER_FIELDS` is refused with a FileError that says how wide it is, the limit,
what to do and the expected header; up to the limit (Excel's trailing empty columns included) it is read.
A cell of any length is a cell, on both readers. Whatever the csv module still stops on is a FileError that
says what is wrong and what to do, never a `_csv.Error` (test_fuzz_hostile checks the same at scale).
"""

from __future__ import annotations

import csv

import pytest
from conftest import CT_HEADER, ct_row, ct_text, load_texts, report_for

from analysis.contract import CONTROL_TOTALS
from analysis.reading import MAX_HEADER_FIELDS, FileError, read_bytes

HEADER, BODY = ct_text().split("\n", 1)


def wide(extra: int, *, filler: str = "") -> str:
    """The control-totals file with `extra` more header cells (empty, as Excel writes them, or `filler`)."""
    return HEADER + f",{filler}" * extra + "\n" + BODY


def test_a_header_over_the_limit_is_refused_saying_how_wide_it_is_and_what_to_do():
    extra = MAX_HEADER_FIELDS - len(CT_HEADER) + 1
    dataset = load_texts({"wide.csv": wide(extra), "good.csv": ct_text()})
    report = report_for(dataset, "wide.csv")
    assert report.kind is None and report.rows == 0
    assert report.error == (
        f"The header row (line 1) has {MAX_HEADER_FIELDS + 1:,} columns ({extra:,} of them empty), more "
        f"than the {MAX_HEADER_FIELDS:,} an extract may have. Delete the unused columns to the right of the "
        "data (in Excel: select them, right-click > Delete), save as CSV UTF-8 and load the file again. "
        f"Expected header: {CONTROL_TOTALS.expected_header()}"
    )
    # The other file still loads in full.
    good = report_for(dataset, "good.csv")
    assert (good.rows, good.valid, good.quarantined) == (6, 6, 0)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"], ids=["fast reader", "exact reader"])
def test_a_header_at_the_limit_is_read(encoding: str):
    text = wide(MAX_HEADER_FIELDS - len(CT_HEADER), filler="note")
    table = read_bytes(text.encode(encoding), "wide.csv")  # UTF-16 is read by the exact reader only
    assert table.kind.name == "control_totals" and table.rows == 6
    assert table.ignored_columns == ["note"] * (MAX_HEADER_FIELDS - len(CT_HEADER))


def test_a_wide_title_row_above_the_header_is_not_the_header():
    text = "Control totals M06 2018/19" + "," * (3 * MAX_HEADER_FIELDS) + "\n" + ct_text()
    table = read_bytes(text.encode(), "titled.csv")
    assert (table.header_line, table.rows) == (2, 6)
    assert list(table.frame.index) == [3, 4, 5, 6, 7, 8]


LONG = 200_000  # over the csv module's default field limit of 131,072 characters


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(ct_text([ct_row(org_name="n" * LONG), ct_row(org_code="RX2")]), id="unquoted"),
        pytest.param(
            ct_text([ct_row(org_name='"' + "q, " * (LONG // 3) + '"'), ct_row(org_code="RX2")]), id="quoted"
        ),
        pytest.param(
            ct_text(
                [ct_row(org_name='"' + "q" * LONG + '"'), ct_row(org_code="RX2", org_name='"Beta\nCCG"')]
            ),
            id="exact reader",
        ),
        pytest.param(
            ct_text([ct_row(org_name='"' + "u" * LONG), ct_row(org_code="RX2")]), id="unclosed quote"
        ),
        pytest.param("x" * LONG + "\n" + ct_text(), id="title row"),
    ],
)
def test_a_cell_over_the_csv_modules_default_limit_is_read_as_a_cell(text: str):
    table = read_bytes(text.encode(), "long.csv")
    assert table.kind.name == "control_totals"
    assert table.rows == (6 if text.startswith("x") else 2)


def test_an_error_of_the_csv_module_is_a_file_error_saying_what_to_do():
    """Should anything stop the csv module (here another library in the process lowered its field limit),
    the file is refused with a message, not a `_csv.Error`."""
    text = ct_text([ct_row(org_name='"' + "q" * 5_000 + '"'), ct_row(org_code="RX2", org_name='"Beta\nCCG"')])
    previous = csv.field_size_limit(1_000)
    try:
        with pytest.raises(FileError) as raised:
            read_bytes(text.encode(), "stopped.csv")
    finally:
        csv.field_size_limit(previous)
    message = str(raised.value)
    assert message.startswith(
        "The file could not be split into cells (the CSV reader stopped: field larger than field limit "
        '(1000)). Check that every quote (") opening a cell is closed, save the file again as CSV UTF-8 '
        "and load it again."
    ), message
    assert CONTROL_TOTALS.expected_header() in message
