"""`python -m analysis validate`: human output, the --json shape of the data contract, and exit codes.

Most tests call `analysis.cli.main` in-process (fast); a few run the real command in a subprocess to prove
the exit status and that misuse never prints a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CT_HEADER, ct_row, ct_text, default_ct_rows

from analysis.cli import main
from analysis.dataset import load_paths

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def validate_json(capsys, *paths: Path) -> tuple[int, dict]:
    status = main(["validate", "--json", *map(str, paths)])
    out = capsys.readouterr().out
    return status, json.loads(out)


@pytest.fixture
def mixed_folder(write, systems_file) -> Path:
    """A folder with a valid file, a file with quarantined rows (and blank lines), and nothing unreadable."""
    write("good.csv", ct_text())
    rows = [
        ct_row(org_code="RX7", month="13"),  # line 2: out of range
        ct_row(org_code="RX8", plan_income="x", org_type="hospital"),  # line 3: two reasons
        ct_row(org_code="RX9"),  # line 4: valid
        ct_row(org_code="RX9"),  # line 5: duplicate of line 4
        ct_row(org_code="RY1"),  # line 7 after a blank line: valid
    ]
    lines = ct_text(rows).split("\n")
    lines.insert(5, "")
    write("messy.csv", "\n".join(lines))
    return systems_file.parent


# --- exit codes and misuse (subprocess) ---------------------------------------------------------------


def test_exit_0_when_everything_is_valid(write, systems_file):
    path = write("M06 finance extract FINAL (2).csv", ct_text())
    result = run_cli("validate", str(path), str(systems_file))
    assert result.returncode == 0, result.stderr
    assert f"{path}: control_totals, 6 rows, 6 valid, 0 quarantined" in result.stdout
    assert "All rows valid." in result.stdout
    assert result.stderr == ""


def test_exit_1_when_rows_are_quarantined(capsys, mixed_folder):
    status, report = validate_json(capsys, mixed_folder)
    assert status == 1
    messy = next(f for f in report["files"] if f["path"].endswith("messy.csv"))
    assert (messy["rows"], messy["valid"], messy["quarantined"]) == (5, 1, 4)


def test_exit_2_when_a_file_cannot_be_read(write, systems_file):
    bad = write("broken.csv", b"")
    good = write("good.csv", ct_text([ct_row(month="13")]))  # quarantined too: 2 wins
    result = run_cli("validate", str(bad), str(good), str(systems_file))
    assert result.returncode == 2
    assert f"{bad}: cannot be read: The file is empty" in result.stdout
    assert f"{good}: control_totals, 1 rows, 0 valid, 1 quarantined" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [[], ["frobnicate"], ["validate"], ["validate", "--json"], ["validate", "--bogus", "x.csv"]],
    ids=["no command", "unknown command", "no paths", "json no paths", "unknown option"],
)
def test_misuse_exits_2_without_traceback(args):
    result = run_cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "usage:" in result.stderr


def test_missing_path_exits_2_with_message(capsys, tmp_path):
    status, report = validate_json(capsys, tmp_path / "nope.csv")
    assert status == 2
    assert report["files"] == []
    assert report["file_errors"] == [
        {"path": str(tmp_path / "nope.csv"), "message": "No such file or folder."}
    ]


def test_closed_stdout_is_not_a_traceback(mixed_folder):
    process = subprocess.Popen(
        [sys.executable, "-m", "analysis", "validate", "--json", str(mixed_folder)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # like `| head -1` exiting before the report is written
    _, stderr = process.communicate(timeout=60)
    assert b"Traceback" not in stderr


# --- the JSON report (in-process) ---------------------------------------------------------------------


def test_json_shape_per_contract(capsys, mixed_folder, write):
    bad = write("elsewhere/notes.csv", "Just some notes\nnot a table\n")
    status, report = validate_json(capsys, mixed_folder, bad)
    assert status == 2
    assert set(report) == {"files", "file_errors", "cross_checks"}
    for file in report["files"]:
        assert {"path", "kind", "rows", "valid", "quarantined", "errors"} <= set(file)
        assert isinstance(file["path"], str)
        assert file["kind"] in {"control_totals", "progress_ratings", "systems", "system_control_totals"}
        for key in ("rows", "valid", "quarantined"):
            assert type(file[key]) is int
        assert file["rows"] == file["valid"] + file["quarantined"]
        for error in file["errors"]:
            assert {"line", "column", "rule", "value"} <= set(error)
            assert type(error["line"]) is int and error["line"] >= 2
            assert all(isinstance(error[k], str) for k in ("column", "rule", "value"))
    assert report["file_errors"] == [
        {"path": str(bad), "message": report["file_errors"][0]["message"]},
    ]
    message = report["file_errors"][0]["message"]
    assert "No recognisable header" in message and ",".join(CT_HEADER) in message
    assert isinstance(report["cross_checks"], list) and report["cross_checks"]
    assert {c["check"] for c in report["cross_checks"]} >= {
        "duplicate_key",
        "org_in_two_systems",
        "control_total_varies",
        "unknown_system",
    }


def test_json_errors_exact(capsys, mixed_folder):
    status, report = validate_json(capsys, mixed_folder)
    assert status == 1
    files = {Path(f["path"]).name: f for f in report["files"]}
    assert set(files) == {"good.csv", "messy.csv", "systems.csv"}
    assert files["good.csv"]["errors"] == []
    assert files["good.csv"]["kind"] == "control_totals"
    assert files["systems.csv"]["kind"] == "systems"
    errors = {(e["line"], e["column"], e["rule"], e["value"]) for e in files["messy.csv"]["errors"]}
    assert errors == {
        (2, "month", "month_out_of_range", "13"),
        (3, "plan_income", "not_a_number", "x"),
        (3, "org_type", "unknown_org_type", "hospital"),
        (4, "org_code", "duplicate_key", "RX9"),
        (5, "org_code", "duplicate_key", "RX9"),
    }


def test_rows_exclude_blank_lines(capsys, write, systems_file):
    lines = ct_text().split("\n")
    lines[3:3] = ["", "  ", ""]
    path = write("gaps.csv", "\r\n".join(lines) + "\r\n\r\n")
    _, report = validate_json(capsys, path, systems_file)
    file = next(f for f in report["files"] if f["path"] == str(path))
    assert (file["rows"], file["valid"], file["quarantined"]) == (6, 6, 0)


def test_every_quarantined_row_is_in_errors_and_no_valid_row_is(capsys, mixed_folder, write):
    # Rules across rows and files included: a duplicate in another file, a control total that varies.
    rows = default_ct_rows()
    rows[5]["control_total"] = "99"
    write("other.csv", ct_text([rows[0], *rows[3:]]))
    status, report = validate_json(capsys, mixed_folder)
    assert status == 1
    dataset = load_paths([mixed_folder])
    for file in report["files"]:
        error_lines = {e["line"] for e in file["errors"]}
        assert len(error_lines) == file["quarantined"], file["path"]
        mine = dataset.quarantine[dataset.quarantine["file"] == file["path"]] if file["quarantined"] else None
        if mine is not None:
            assert set(mine["line"]) == error_lines
        valid_lines = set(
            dataset.control_totals.loc[dataset.control_totals["source_file"] == file["path"], "line"]
        )
        assert not valid_lines & error_lines
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    assert {(e["line"], e["rule"]) for e in by_name["other.csv"]["errors"]} == {
        (2, "duplicate_key"),
        (3, "duplicate_key"),
        (3, "control_total_varies"),
        (4, "duplicate_key"),
        (4, "control_total_varies"),
        (5, "duplicate_key"),
        (5, "control_total_varies"),
    }
    assert {e["line"] for e in by_name["good.csv"]["errors"]} == {2, 5, 6, 7}


# --- human output -------------------------------------------------------------------------------------


def test_human_output_lists_every_problem_then_the_cross_checks(capsys, mixed_folder):
    status = main(["validate", str(mixed_folder)])
    out = capsys.readouterr().out
    assert status == 1
    messy = mixed_folder / "messy.csv"
    assert f"{messy}: control_totals, 5 rows, 1 valid, 4 quarantined" in out
    assert f"{mixed_folder / 'good.csv'}: control_totals, 6 rows, 6 valid, 0 quarantined" in out
    for line, column, rule, value in [
        (2, "month", "month_out_of_range", "13"),
        (3, "plan_income", "not_a_number", "x"),
        (3, "org_type", "unknown_org_type", "hospital"),
        (4, "org_code", "duplicate_key", "RX9"),
        (5, "org_code", "duplicate_key", "RX9"),
    ]:
        assert f"{messy}:{line}: {column}: {rule}: '{value}'" in out
    # Problems come before the checks across files, which end the report with the verdict.
    assert out.index(f"{messy}:5:") < out.index("Checks across rows and files:")
    assert "[failed] Keys are unique across all files" in out
    assert "[passed] Every system code is known" in out
    assert out.rstrip().endswith("Some rows were quarantined.")


def test_human_output_for_an_unreadable_file(capsys, write, systems_file):
    bad = write("workbook.csv", b"PK\x03\x04" + b"\x00" * 64)
    status = main(["validate", str(bad), str(systems_file)])
    out = capsys.readouterr().out
    assert status == 2
    assert f"{bad}: cannot be read: This is an Excel workbook" in out
    assert ",".join(CT_HEADER) in out
    assert out.rstrip().endswith("Some files could not be read.")
