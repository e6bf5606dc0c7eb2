"""Illustrative data says so wherever it goes: downloads, CLI exports, summary and ratings (issue 12)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis import boardpack, exports, views
from analysis.dataset import BUNDLED_DIR, load_bundled
from analysis.filters import Filters, available_options, resolve
from analysis.model import Dataset
from analysis.state import ViewState

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = 13
ILLUSTRATIVE = 31


@pytest.fixture(scope="module")
def bundled() -> Dataset:
    return load_bundled()


@pytest.fixture(scope="module")
def state(bundled: Dataset) -> ViewState:
    return ViewState(resolve(Filters(), bundled), "£m")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_csv_of_illustrative_data_says_so_on_every_row_and_stays_readable(bundled, state) -> None:
    table = views.systems(views.scope(bundled, state)).table
    rows = _rows(exports.csv_bytes(table, illustrative=True))
    assert len(rows) == len(table)
    assert {r[exports.ILLUSTRATIVE_COLUMN] for r in rows} == {exports.ILLUSTRATIVE_VALUE}
    assert list(rows[0])[: len(table.columns)] == [str(c) for c in table.columns]
    assert exports.ILLUSTRATIVE_COLUMN not in _rows(exports.csv_bytes(table))[0]


def test_the_xlsx_data_sheet_and_about_sheet_say_illustrative(bundled, state) -> None:
    table = views.systems(views.scope(bundled, state)).table
    info = exports.extract_info(bundled, state, "http://x/", title="Systems")
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(table, info, "£m")))
    data = book["Data"]
    headers = [c.value for c in data[1]]
    column = headers.index(exports.ILLUSTRATIVE_COLUMN) + 1
    assert {data.cell(r, column).value for r in range(2, data.max_row + 1)} == {exports.ILLUSTRATIVE_VALUE}
    about = [c.value for row in book[exports.ABOUT_SHEET].iter_rows() for c in row]
    assert exports.SAMPLE_NOTE in about


@pytest.mark.parametrize("what", ["systems", "rows"])
def test_cli_export_csv_of_the_bundled_data_is_labelled(tmp_path: Path, what: str) -> None:
    out = tmp_path / f"{what}.csv"
    result = _cli(
        "export", str(BUNDLED_DIR), "--what", what, "--format", "csv", "--out", str(out), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert (frame[exports.ILLUSTRATIVE_COLUMN] == exports.ILLUSTRATIVE_VALUE).all()


def test_summary_says_illustrative_on_stderr_and_keeps_its_columns(tmp_path: Path) -> None:
    result = _cli("summary", str(BUNDLED_DIR), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Illustrative data" in result.stderr
    assert "Illustrative" not in result.stdout
    assert exports.ILLUSTRATIVE_COLUMN not in result.stdout.splitlines()[0].split(",")


def test_ratings_in_the_systems_and_ratings_tables_carry_their_source(bundled, state) -> None:
    s = views.scope(bundled, state)
    ratings = pd.read_csv(BUNDLED_DIR / "progress_ratings.csv")
    assert (ratings["source"] == "illustrative").sum() == ILLUSTRATIVE
    assert (ratings["source"] != "illustrative").sum() == PUBLISHED
    for table in (views.systems(s).table, views.ratings(s).table):
        source = table.set_index("Code")["Rating source"]
        for code, given in zip(ratings["system_code"], ratings["source"], strict=True):
            if code not in source.index:
                continue
            if given == "illustrative":
                assert source[code] == "Illustrative (not published)", code
            else:
                assert source[code] == f"Published: {given}", code


def test_the_board_pack_marks_illustrative_ratings(bundled, state) -> None:
    # The pack's A4 table has no room for the source column: an illustrative rating says so in its cell.
    pack = boardpack.build_board_pack(
        bundled, state, system_names=available_options(bundled).systems, origin="bundled", link="http://x/"
    )
    assert "Advanced (illustrative)" in pack or "Making progress (illustrative)" in pack
