"""The command line under hostile input: odd output paths, odd folder entries, odd file names and text.

Each case here once lost a file, crashed with a traceback (exit 1, which means "rows quarantined"), or
printed a wrong verdict. Now: outputs are written only as regular files, every failure is one line and
exit 2, every entry skipped is said, and text meant for a terminal shows control characters as escapes.

These tests run as root in CI, where permissions stop nothing: an unwritable place is a path under /proc
(no account can create a file there), a folder that cannot be listed and a file too large for memory are
simulated by mocking the call that fails.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pathlib
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ct_row, ct_text, default_ct_rows

from analysis.cli import main, visible

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def extracts(write, systems_file) -> Path:
    """A folder of valid extracts (the default control totals and the test systems lookup)."""
    write("control_totals.csv", ct_text())
    return systems_file.parent


def export(extracts: Path, out: str | Path) -> int:
    return main(["export", str(extracts), "--what", "systems", "--out", str(out)])


def one_line_error(capsys) -> str:
    """What the command said on standard error: one line, no traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# --- export --out: only regular files are written ------------------------------------------------------


def test_export_refuses_a_fifo_and_leaves_it(capsys, extracts, tmp_path):
    fifo = tmp_path / "out" / "pipe.csv"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    assert export(extracts, fifo) == 2
    assert "named pipe" in one_line_error(capsys)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_export_refuses_a_symlink_and_leaves_it_and_its_target(capsys, extracts, tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "out.csv"
    link.symlink_to(target)
    assert export(extracts, link) == 2
    assert "symbolic link" in one_line_error(capsys)
    assert link.is_symlink() and target.read_text() == "keep me"


def test_export_refuses_a_device_node(capsys, extracts, tmp_path):
    """`--out /dev/null` as root once replaced the system's /dev/null. A copy of its node stands in here:
    never aim a test at the real one, which a regression would destroy for the whole machine."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    assert export(extracts, node) == 2
    assert "device" in one_line_error(capsys)
    assert stat.S_ISCHR(node.lstat().st_mode)


def test_export_refuses_an_existing_folder(capsys, extracts, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    assert export(extracts, folder) == 2
    assert "is a folder" in one_line_error(capsys)
    assert folder.is_dir()


def test_export_refuses_an_empty_out(capsys, extracts):
    assert export(extracts, "") == 2
    assert "--out is empty" in one_line_error(capsys)


def test_export_writes_a_250_character_file_name(capsys, extracts, tmp_path):
    """Legal (the limit is 255 bytes): the partial file beside it must not need a longer name."""
    out = tmp_path / ("a" * 246 + ".csv")
    assert export(extracts, out) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [], "no partial left"


def test_export_to_a_name_too_long_says_so(capsys, extracts, tmp_path):
    assert export(extracts, tmp_path / ("a" * 300 + ".csv")) == 2
    assert "File name too long" in one_line_error(capsys)


def test_export_to_an_unwritable_place_says_so(capsys, extracts):
    """/proc accepts no new files, even from root."""
    assert export(extracts, "/proc/systems.csv") == 2
    assert one_line_error(capsys).startswith("error: cannot write /proc/systems.csv")


def test_export_still_replaces_a_regular_file(capsys, extracts, tmp_path):
    out = tmp_path / "out" / "systems.csv"
    out.parent.mkdir()
    out.write_text("old")
    assert export(extracts, out) == 0
    assert out.read_bytes() != b"old" and not out.is_symlink()


# --- sample --out: a real data folder is not overwritten ------------------------------------------------


def sample(*args: str) -> int:
    return main(["sample", "--rows", "120", *args])


def test_sample_refuses_a_folder_of_extracts(capsys, extracts):
    before = {p.name: p.read_bytes() for p in extracts.iterdir()}
    assert sample("--out", str(extracts)) == 2
    message = one_line_error(capsys)
    assert "already holds extracts" in message and "--replace" in message
    assert {p.name: p.read_bytes() for p in extracts.iterdir()} == before


def test_sample_replaces_extracts_when_told(capsys, extracts):
    before = (extracts / "control_totals.csv").read_bytes()
    assert sample("--out", str(extracts), "--replace") == 0
    assert (extracts / "control_totals.csv").read_bytes() != before
    assert sorted(p.name for p in extracts.iterdir()) == [
        "control_totals.csv",
        "progress_ratings.csv",
        "system_control_totals.csv",
        "systems.csv",
    ], "nothing left over from writing"


def test_make_sample_passes_replace():
    """`make sample` rewrites data/, which holds the bundled extracts: it must say so."""
    (line,) = [x for x in (ROOT / "Makefile").read_text().splitlines() if "analysis sample" in x]
    assert "--replace" in line and "--out data" in line


def test_sample_into_a_new_folder(capsys, tmp_path):
    assert sample("--out", str(tmp_path / "new" / "deeper")) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4


def test_sample_refuses_an_existing_file(capsys, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    assert sample("--out", str(a_file)) == 2
    assert "is a file, not a folder" in one_line_error(capsys)
    assert a_file.read_text() == "mine"


@pytest.mark.parametrize("rows", ["1000000000000", "0", "-5"])
def test_sample_rows_out_of_range(capsys, tmp_path, rows):
    assert main(["sample", "--rows", rows, "--out", str(tmp_path / "s")]) == 2
    assert "--rows must be between 1 and" in one_line_error(capsys)


def test_sample_to_an_unwritable_place(capsys):
    assert sample("--out", "/proc/sample") == 2
    assert one_line_error(capsys).startswith("error: cannot write /proc/sample")


def test_sample_out_of_memory_is_one_line(capsys, tmp_path, monkeypatch):
    from analysis import sample as sample_module

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(sample_module, "write_sample", exhausted)
    assert sample("--out", str(tmp_path / "s")) == 2
    assert "not enough memory" in one_line_error(capsys)
    assert list((tmp_path / "s").iterdir()) == [], "nothing half-written left"


# --- reading folders: every failure said, no traceback --------------------------------------------------


def test_a_folder_that_cannot_be_listed(capsys, extracts, monkeypatch):
    """Root can list any folder, so the refusal is mocked where the listing happens."""
    listing = pathlib.Path.iterdir

    def refuse(self):
        if self == extracts:
            raise PermissionError(13, "Permission denied", str(self))
        return listing(self)

    monkeypatch.setattr(pathlib.Path, "iterdir", refuse)
    status = main(["validate", "--json", str(extracts)])
    assert status == 2
    (error,) = json.loads(capsys.readouterr().out)["file_errors"]
    assert error["path"] == str(extracts)
    assert "could not be listed: Permission denied" in error["message"]


def test_a_file_larger_than_memory(capsys, extracts, monkeypatch):
    """Reading a file bigger than the memory available raises MemoryError (simulated here): the file is
    reported as too large, the others are read, and the exit status is 2 with no traceback."""
    big = extracts / "control_totals.csv"
    read = pathlib.Path.read_bytes

    def too_large(self):
        if self == big:
            raise MemoryError
        return read(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", too_large)
    assert main(["validate", str(extracts)]) == 2
    out = capsys.readouterr().out
    assert f"{big}: cannot be read: The file is too large to read in the memory available" in out
    assert "systems.csv: systems, 2 rows, 2 valid" in out


def test_out_of_memory_anywhere_is_exit_2_not_a_traceback(capsys, extracts, monkeypatch):
    import analysis.dataset

    def exhausted(paths):
        raise MemoryError

    monkeypatch.setattr(analysis.dataset, "load_paths", exhausted)
    assert main(["summary", str(extracts)]) == 2
    assert "ran out of memory" in one_line_error(capsys)


@pytest.fixture
def odd_entries(extracts: Path) -> Path:
    """The extracts plus a broken symlink, a FIFO and a symlink loop, all named like extracts."""
    (extracts / "broken.csv").symlink_to(extracts / "gone.csv")
    os.mkfifo(extracts / "pipe.csv")
    (extracts / "loop.csv").symlink_to(extracts / "loop.csv")
    return extracts


def test_unusable_entries_are_said_in_validate_text(capsys, odd_entries):
    status = main(["validate", str(odd_entries)])
    out = capsys.readouterr().out
    assert status == 2
    assert "All rows valid." not in out
    assert f"{odd_entries / 'broken.csv'}: cannot be read: Skipped: it is a symbolic link to " in out
    assert f"{odd_entries / 'pipe.csv'}: cannot be read: Skipped: it is a named pipe (FIFO)" in out
    assert f"{odd_entries / 'loop.csv'}: cannot be read: Skipped: it is a symbolic link that loops" in out
    assert out.strip().endswith("Some files could not be read.")


def test_unusable_entries_are_file_errors_in_json(capsys, odd_entries):
    assert main(["validate", "--json", str(odd_entries)]) == 2
    errors = {Path(e["path"]).name: e["message"] for e in json.loads(capsys.readouterr().out)["file_errors"]}
    assert set(errors) == {"broken.csv", "pipe.csv", "loop.csv"}
    assert all(message.startswith("Skipped: it is ") for message in errors.values())


def test_a_fifo_named_on_the_command_line_is_said_to_be_one(capsys, tmp_path):
    os.mkfifo(tmp_path / "pipe.csv")
    assert main(["validate", str(tmp_path / "pipe.csv")]) == 2
    assert "named pipe (FIFO)" in capsys.readouterr().out


# --- file names that are not UTF-8 -----------------------------------------------------------------------


def run_cli(*args: str | bytes) -> subprocess.CompletedProcess:
    """The real command (arguments may be bytes, as a shell passes them), output as bytes."""
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args], cwd=ROOT, capture_output=True, timeout=120, check=False
    )


@pytest.fixture
def undecodable(extracts: Path) -> Path:
    """The control totals under a name with a byte that is not UTF-8 (Latin-1 'é' as some zips write)."""
    (extracts / "control_totals.csv").rename(os.fsdecode(bytes(extracts) + b"/caf\xe9.csv"))
    return extracts


def test_an_undecodable_file_name_in_validate(undecodable):
    done = run_cli("validate", str(undecodable))
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert b"Traceback" not in done.stderr
    assert f"{undecodable}/caf\\xe9.csv: control_totals, 6 rows, 6 valid".encode() in done.stdout
    done = run_cli("validate", "--json", str(undecodable))
    paths = [f["path"] for f in json.loads(done.stdout)["files"]]
    assert f"{undecodable}/caf\\xe9.csv" in paths


def test_an_undecodable_file_name_in_summary_and_export(undecodable, tmp_path):
    done = run_cli("summary", str(undecodable))
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    assert done.stdout.startswith(b"system_code,")
    out = os.fsencode(tmp_path) + b"/r\xe9sum\xe9.csv"
    done = run_cli("export", str(undecodable), "--what", "systems", "--out", out)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == os.fsencode(tmp_path) + b"/r\\xe9sum\\xe9.csv"
    assert Path(os.fsdecode(out)).is_file()


# --- control characters in what the terminal shows -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain £ text, accents é", "plain £ text, accents é"),
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("nul\x00", "nul\\x00"),
        ("two\nlines\r\tx", "two\\nlines\\r\\tx"),
        ("del\x7f c1\x9b", "del\\x7f c1\\x9b"),
        ("right\u202eleft", "right\\u202eleft"),
        ("byte\udce9", "byte\\xe9"),
    ],
)
def test_visible(raw, shown):
    assert visible(raw) == shown


def test_a_file_name_with_newlines_cannot_fake_the_verdict(capsys, extracts):
    (extracts / "x\nAll rows valid.\ny.csv").write_text("not an extract")
    assert main(["validate", str(extracts)]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert "All rows valid." not in lines
    assert any("x\\nAll rows valid.\\ny.csv: cannot be read" in line for line in lines)
    assert lines[-1] == "Some files could not be read."


@pytest.fixture
def controls_in_names(extracts: Path) -> Path:
    """An organisation whose name carries ESC (clear screen), NUL, DEL and a C1 control. (In UTF-16, as
    the reader calls a UTF-8 file with NUL bytes near its start binary; a NUL further on passes too.)"""
    name = "Evil\x1b[2J\x00 Trust\x7f\x9b"
    rows = [{**row, "org_name": name} if row["org_code"] == "RX1" else row for row in default_ct_rows()]
    (extracts / "control_totals.csv").write_text(ct_text(rows), encoding="utf-16")
    return extracts


def test_summary_csv_shows_control_characters_as_escapes(capsys, controls_in_names):
    assert main(["summary", str(controls_in_names), "--by", "org"]) == 0
    out = capsys.readouterr().out
    assert not any(c in out for c in "\x1b\x00\x7f\x9b")
    names = [row["org_name"] for row in csv.DictReader(io.StringIO(out))]
    assert visible("Evil\x1b[2J\x00 Trust\x7f\x9b") in names


def test_summary_json_keeps_them_exact_and_escaped(capsys, controls_in_names):
    assert main(["summary", str(controls_in_names), "--by", "org", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert not any(c in out for c in "\x1b\x00\x7f\x9b")
    assert "Evil\x1b[2J\x00 Trust\x7f\x9b" in [row["org_name"] for row in json.loads(out)]


def test_validate_json_escapes_del_and_c1_controls(capsys, extracts):
    rows = [ct_row(org_code="RX1", month="1\x7f\x9b")]
    (extracts / "control_totals.csv").write_text(ct_text(rows))
    assert main(["validate", "--json", str(extracts)]) == 1
    out = capsys.readouterr().out
    assert "\x7f" not in out and "\x9b" not in out
    (problem,) = [e for f in json.loads(out)["files"] for e in f["errors"] if e["column"] == "month"]
    assert problem["value"] == "1\x7f\x9b"


def test_error_messages_show_control_characters_as_escapes(capsys, extracts, tmp_path):
    out = str(tmp_path / "o.csv")
    status = main(["export", str(extracts), "--what", "systems", "--out", out, "--region", "\x1b[2J"])
    assert status == 2
    assert "\\x1b[2J" in one_line_error(capsys)


def test_sample_replace_leaves_a_symlinked_extract_and_writes_nothing(capsys, extracts, tmp_path):
    """--replace replaces regular files only; one symlink among the targets stops the lot, before any move."""
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text("not ours")
    (extracts / "systems.csv").unlink()
    (extracts / "systems.csv").symlink_to(elsewhere)
    before = (extracts / "control_totals.csv").read_bytes()
    assert sample("--out", str(extracts), "--replace") == 2
    assert "symbolic link" in one_line_error(capsys)
    assert elsewhere.read_text() == "not ours"
    assert (extracts / "control_totals.csv").read_bytes() == before
