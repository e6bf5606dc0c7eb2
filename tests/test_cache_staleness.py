"""Caches are keyed on content: one cell changed in a DATA_DIR file shows on the very next rerun.

The folder cache (ui/data.py) is keyed on each file's path, size, modification and change times and
inode, plus its content hash while the file is fresh; the views (ui/cached.py) are keyed on the
dataset's content hash. A stale entry would show the old figure after the edit: these tests edit one
cell, in place, in ways that leave the size, or the size and the modification time, as they were, and
read the headline again in the same session.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import default_ct_rows
from streamlit.testing.v1 import AppTest

from analysis.dataset import Source, load_paths, load_sources
from ui import data as ui_data

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SURPLUS = "Surplus YTD"

pytestmark = pytest.mark.usefixtures("served_like_a_session")


def open_overview() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.sidebar.radio(key="unit").set_value("£000").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def surplus(at: AppTest) -> str:
    (metric,) = [m for m in at.metric if m.label == SURPLUS]
    return str(metric.value)


def edit_one_cell(path: Path, old: str, new: str, *, keep_times: bool = False) -> None:
    """Rewrite the file in place (same inode) with the first `old` cell text replaced by `new`."""
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    with path.open("r+", encoding="utf-8") as handle:  # in place: no new inode
        handle.write(text.replace(old, new, 1))
        handle.truncate()
    if keep_times:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


# Each organisation's month 1-2 actual surplus is 1010 - 995 = 15, so the year to date is 60 (£000).
# RX1's first actual income 1010 → 9010 (four characters either way) adds 8000: £8,060k.


def test_a_same_size_edit_shows_on_the_next_rerun(folder: Path) -> None:
    at = open_overview()
    assert surplus(at) == "£60k"
    edit_one_cell(folder / "control_totals.csv", ",1010,", ",9010,")
    at.run()
    assert surplus(at) == "£8,060k"


def test_a_same_size_edit_with_its_old_modification_time_shows_on_the_next_rerun(folder: Path) -> None:
    at = open_overview()
    assert surplus(at) == "£60k"
    edit_one_cell(folder / "control_totals.csv", ",1010,", ",9010,", keep_times=True)
    at.run()
    assert surplus(at) == "£8,060k"


def test_a_different_size_edit_and_its_undoing_both_show(folder: Path) -> None:
    at = open_overview()
    edit_one_cell(folder / "control_totals.csv", ",1010,", ",10010,")
    at.run()
    assert surplus(at) == "£9,060k"
    edit_one_cell(folder / "control_totals.csv", ",10010,", ",1010,")
    at.run()
    assert surplus(at) == "£60k"


def test_the_views_follow_the_content_not_the_filters(folder: Path) -> None:
    """Same filters, same unit, new content: the Systems table's cached view must not be reused."""
    at = open_overview()
    at.switch_page("pages/systems.py").run()
    before = [frame.value.copy() for frame in at.dataframe]
    edit_one_cell(folder / "control_totals.csv", ",1010,", ",9010,")
    at.run()
    after = [frame.value for frame in at.dataframe]
    assert before and after
    assert not all(b.equals(a) for b, a in zip(before, after, strict=True))


def test_a_rewrite_in_the_same_clock_tick_changes_the_signature(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Size, times and inode all as before (a second write within one tick of a coarse clock): the content
    hash of a freshly written file still tells the versions apart."""
    path = folder / "control_totals.csv"
    frozen = path.stat()
    monkeypatch.setattr(ui_data, "_stat", lambda p: frozen if p == path else p.stat())
    first = ui_data._signature(folder)
    edit_one_cell(path, ",1010,", ",9010,")
    second = ui_data._signature(folder)
    assert first != second


def test_an_old_file_is_not_read_to_build_the_signature(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once its times are older than the clock's tick can hide a write, stat alone identifies a file: a
    rerun on a national extract reads nothing to check it."""
    old = 1_600_000_000_000_000_000
    for path in folder.iterdir():
        os.utime(path, ns=(old, old))  # the change time (now) cannot be set back: the clock moves on instead
    later = max(path.stat().st_ctime for path in folder.iterdir()) + ui_data.RACY_SECONDS + 1
    monkeypatch.setattr(ui_data, "time", SimpleNamespace(time=lambda: later))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    signature = ui_data._signature(folder)
    assert all(digest is None for *_, digest in signature)


def test_default_rows_are_what_the_figures_above_assume() -> None:
    rows = default_ct_rows()
    reported = [r for r in rows if r["actual_income"]]
    assert len(reported) == 4
    assert {(r["actual_income"], r["actual_expenditure"]) for r in reported} == {("1010", "995")}


def test_the_same_bytes_from_another_place_are_another_dataset(folder: Path) -> None:
    """Views are cached on the content hash: an upload of the DATA_DIR files must not be served the folder's
    cached views, whose Source file column names the folder's paths."""
    from_folder = load_paths([folder])
    again = load_paths([folder])
    uploaded = load_sources([Source(p.name, p.name, p.read_bytes()) for p in sorted(folder.iterdir())])
    assert from_folder.content_hash == again.content_hash
    assert uploaded.content_hash != from_folder.content_hash
    assert set(uploaded.control_totals["source_file"]) == {"control_totals.csv"}
