"""Failures while the app runs on a DATA_DIR folder: damaged files, a folder that cannot be read.

A file that turns unreadable between two reruns (replaced by garbage, cut to half a line) must not take the
figures away: the session keeps the last good data, says so in a warning, and the Data page says what went
wrong. Once the file is fixed its new data is used and the warning goes. A DATA_DIR that cannot be read at
all gives a plain message naming the folder and what to do, never a traceback.
"""

from __future__ import annotations

import os
import pathlib
from pathlib import Path

import pytest
from conftest import as_read, ct_text, default_ct_rows, systems_text
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
LAST_GOOD = "could not be read just now, so the last good data is shown"


pytestmark = pytest.mark.usefixtures("served_like_a_session")


def texts(elements) -> list[str]:
    return [as_read(e) for e in elements]


def headlines(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def overview_in_thousands() -> AppTest:
    """A session on the overview with figures in £000, so a change of data shows in the headlines."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.radio(key="unit").set_value("£000").run()
    assert not at.exception and not at.error
    assert at.metric
    return at


def replace(path: Path, data: bytes) -> None:
    """Rewrite a file as an editor or a copy job does (its size, modification and change times move)."""
    path.write_bytes(data)


GOOD = ct_text().encode()
DAMAGE = {
    "garbage": bytes(range(256)) * 4,
    "half a line": GOOD[: GOOD.index(b"\n") // 2],
    "empty": b"",
    "a workbook": b"PK\x03\x04" + bytes(100),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=list(DAMAGE))
def test_a_file_damaged_while_running_keeps_the_last_good_data(folder: Path, damage: bytes) -> None:
    at = overview_in_thousands()
    before = headlines(at)
    assert not any(LAST_GOOD in w for w in texts(at.warning))

    replace(folder / "control_totals.csv", damage)
    at.run()
    assert not at.exception and not at.error
    assert headlines(at) == before, "the figures stay those of the last good data"
    (warning,) = [w for w in texts(at.warning) if LAST_GOOD in w]
    assert warning.startswith("control_totals.csv ") and "See the Data page" in warning

    at.switch_page("pages/data.py").run()  # the Data page says what went wrong with the file
    assert not at.exception
    assert any(LAST_GOOD in w for w in texts(at.warning))
    (error,) = texts(at.error)
    assert error.startswith("**control_totals.csv** could not be read just now"), error

    fixed = [dict(row, actual_income="2000") for row in default_ct_rows()]
    replace(folder / "control_totals.csv", ct_text(fixed).encode())
    at.switch_page("pages/overview.py").run()
    assert not at.exception and not at.error
    assert not any(LAST_GOOD in w for w in texts(at.warning)), "the warning goes once the file is fixed"
    after = headlines(at)
    assert after != before and after["Surplus YTD"][0] == "£4,020k"  # (2000 - 995) x 4 months reported


def test_a_file_rewritten_with_its_old_size_and_time_is_still_read_again(folder: Path) -> None:
    """Copy jobs (cp -p, rsync -t, unzip) keep a file's modification time; a same-sized fix still shows."""
    at = overview_in_thousands()
    before = headlines(at)
    path = folder / "control_totals.csv"
    stat = path.stat()
    fixed = GOOD.replace(b"1010", b"2010")  # the same number of bytes
    assert len(fixed) == len(GOOD) and fixed != GOOD
    replace(path, fixed)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    at.run()
    assert not at.exception
    assert headlines(at) != before
    assert headlines(at)["Surplus YTD"][0] == "£4,060k"  # (2010 - 995) x 4 months reported


def test_a_new_session_while_a_file_is_damaged_says_which_file(folder: Path) -> None:
    """No last good data in a new session: what can be read is shown, and the damaged file is named."""
    replace(folder / "control_totals.csv", DAMAGE["garbage"])
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and not at.error
    assert "1 file could not be read: see the Data page." in texts(at.warning)
    at.switch_page("pages/data.py").run()
    assert not at.exception
    (error,) = texts(at.error)
    assert error.startswith("**control_totals.csv** could not be read.")


def unreadable_message(at: AppTest, folder: Path) -> str:
    assert not at.exception, [e.value for e in at.exception]
    (error,) = texts(at.error)
    assert str(folder) in error, "names the folder"
    assert "DATA_DIR" in error, "says what to do"
    assert not at.metric
    return error


def test_a_data_dir_that_does_not_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "no such folder"
    monkeypatch.setenv("DATA_DIR", str(missing))
    error = unreadable_message(AppTest.from_file(APP, default_timeout=60).run(), missing)
    assert "does not exist" in error


def test_a_data_dir_that_is_a_file(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a_file = folder / "control_totals.csv"
    monkeypatch.setenv("DATA_DIR", str(a_file))
    error = unreadable_message(AppTest.from_file(APP, default_timeout=60).run(), a_file)
    assert "not a folder" in error


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads a chmod 000 folder")
def test_a_data_dir_without_read_permission(folder: Path) -> None:
    folder.chmod(0)
    try:
        error = unreadable_message(AppTest.from_file(APP, default_timeout=60).run(), folder)
    finally:
        folder.chmod(0o755)
    assert "cannot be read" in error


def test_a_data_dir_that_refuses_listing(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The permission case for any user (root included): listing the folder fails with PermissionError."""
    listing = pathlib.Path.iterdir

    def refuse(self):
        if self == folder:
            raise PermissionError(13, "Permission denied", str(self))
        return listing(self)

    monkeypatch.setattr(pathlib.Path, "iterdir", refuse)
    error = unreadable_message(AppTest.from_file(APP, default_timeout=60).run(), folder)
    assert "cannot be read" in error and "Permission denied" in error


def test_a_data_dir_that_disappears_while_running(folder: Path) -> None:
    at = overview_in_thousands()
    renamed = folder.with_name("moved")
    folder.rename(renamed)
    at.run()
    unreadable_message(at, folder)
    renamed.rename(folder)
    at.run()
    assert not at.exception and not at.error and at.metric


def test_uploads_still_work_when_the_data_dir_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder's error is shown with an uploader under it: the user can still look at their own files."""
    missing = tmp_path / "no such folder"
    monkeypatch.setenv("DATA_DIR", str(missing))
    at = AppTest.from_file(APP, default_timeout=60).run()
    unreadable_message(at, missing)
    at.file_uploader(key="uploader").set_value(
        [("systems.csv", systems_text().encode(), "text/csv"), ("ct.csv", ct_text().encode(), "text/csv")]
    ).run()
    (check,) = [b for b in at.button if b.label == "Check and use these files"]
    check.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, texts(at.error)
    assert at.metric, "the Overview's headline figures are shown from the uploaded files"
    assert "files uploaded in this session" in " ".join(c.value for c in at.caption)


def test_a_file_name_that_is_not_utf8_does_not_take_the_app_down(folder: Path) -> None:
    """One such name in DATA_DIR once failed every page for every user ("This app has encountered an
    error"): the name could not be hashed or shown. It is read like any other, its bad byte shown as \\xe9."""
    (folder / "control_totals.csv").rename(os.fsdecode(os.fsencode(folder) + b"/caf\xe9.csv"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error and at.metric
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    (files, *_) = at.dataframe
    assert "caf\\xe9.csv" in " ".join(map(str, files.value.to_numpy().ravel()))


def test_entries_that_cannot_be_read_are_named_on_the_data_page(folder: Path) -> None:
    """A broken symlink, a FIFO and a symlink loop named like extracts were skipped without a word."""
    (folder / "broken.csv").symlink_to(folder / "gone.csv")
    os.mkfifo(folder / "pipe.csv")
    (folder / "loop.csv").symlink_to(folder / "loop.csv")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "3 files could not be read: see the Data page." in texts(at.warning)
    at.switch_page("pages/data.py").run()
    errors = texts(at.error)
    assert any(
        e.startswith("**broken.csv** could not be read. Skipped: it is a symbolic link") for e in errors
    )
    assert any(e.startswith("**pipe.csv** could not be read. Skipped: it is a named pipe") for e in errors)
    assert any(
        e.startswith("**loop.csv** could not be read. Skipped: it is a symbolic link that") for e in errors
    )


def test_an_entry_appearing_later_is_noticed(folder: Path) -> None:
    """The folder's signature counts skipped entries too, so a FIFO appearing is not hidden by the cache."""
    at = overview_in_thousands()
    os.mkfifo(folder / "pipe.csv")
    at.run()
    assert not at.exception
    assert "1 file could not be read: see the Data page." in texts(at.warning)
    at.switch_page("pages/data.py").run()
    assert any(e.startswith("**pipe.csv** could not be read.") for e in texts(at.error))
