"""Files that cannot be read get a file-level error saying what is wrong and the expected header; the
other files still load."""

from __future__ import annotations

import io
import zipfile

import pytest
from conftest import (
    CT_HEADER,
    SYSTEMS_HEADER,
    assert_accounted,
    csv_text,
    ct_text,
    default_ct_rows,
    load_texts,
    report_for,
)

from analysis.contract import CONTROL_TOTALS, KINDS
from analysis.dataset import load_paths

NAME = "control_totals.csv"


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
