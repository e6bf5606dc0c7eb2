"""A DATA_DIR folder that loses data while the app runs: the server keeps the last good data and says so.

A file deleted, turned empty or garbage, or cut short (a partial copy ending at a line end) would otherwise
change every figure in silence, and only the sessions opened before the break kept the old data. The last
good data is held for the server, so a session opened after the break sees the same figures and the same
warning; the folder's new state is used once the file is back, or once someone says on the Data page that
the change is intended ("Use the files as they are now").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import as_read, ct_text, default_ct_rows
from streamlit.testing.v1 import AppTest

from analysis.dataset import load_paths

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
HELD = "so the last good data is shown"
ACCEPT = "Use the files as they are now"

pytestmark = pytest.mark.usefixtures("served_like_a_session")


def texts(elements) -> list[str]:
    return [as_read(e) for e in elements]


def headlines(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def session_in_thousands() -> AppTest:
    """A new session on the overview with figures in £000."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.radio(key="unit").set_value("£000").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def held_back_warning(at: AppTest) -> str:
    (warning,) = [w for w in texts(at.warning) if HELD in w]
    assert "UTC" in warning, "says when"
    return warning


def first_lines(text: str, lines: int) -> str:
    """A partial copy that stopped at a line end: the header and the first rows, nothing wrong to read."""
    return "".join(text.splitlines(keepends=True)[:lines])


def test_a_deleted_file_keeps_the_last_good_data_for_every_session(folder: Path) -> None:
    first = session_in_thousands()
    before = headlines(first)
    assert before["Surplus YTD"][0] == "£60k"

    (folder / "control_totals.csv").unlink()
    first.run()
    assert not first.exception and not first.error
    assert headlines(first) == before, "the figures stay those of the last good data"
    warning = held_back_warning(first)
    assert "control_totals.csv is no longer in the data folder" in warning
    assert "put the file back" in warning and ACCEPT in warning, "says what to do"

    second = session_in_thousands()  # opened after the break
    assert headlines(second) == before
    assert held_back_warning(second) == warning

    second.switch_page("pages/data.py").run()
    assert not second.exception
    assert held_back_warning(second) == warning
    assert [b.label for b in second.button if b.label == ACCEPT] == [ACCEPT]

    (folder / "control_totals.csv").write_text(ct_text(), encoding="utf-8")  # put back
    first.run()
    assert headlines(first) == before
    assert not any(HELD in w for w in texts(first.warning)), "the warning goes once the file is back"


@pytest.mark.parametrize("damage", [b"", bytes(range(256)) * 4], ids=["empty", "garbage"])
def test_a_file_broken_before_a_session_opens_still_gives_it_the_last_good_data(
    folder: Path, damage: bytes
) -> None:
    before = headlines(session_in_thousands())
    (folder / "control_totals.csv").write_bytes(damage)
    later = session_in_thousands()
    assert not later.error
    assert headlines(later) == before
    assert held_back_warning(later).startswith("control_totals.csv could not be read just now")


def test_a_partial_copy_is_held_back_until_the_change_is_accepted(folder: Path) -> None:
    first = session_in_thousands()
    before = headlines(first)
    path = folder / "control_totals.csv"
    path.write_text(first_lines(ct_text(), 3), encoding="utf-8")  # 2 of its 6 rows

    second = session_in_thousands()
    assert headlines(second) == before, "a partial copy does not move the figures"
    warning = held_back_warning(second)
    assert "control_totals.csv now has 2 rows where the last good read had 6" in warning

    second.switch_page("pages/data.py").run()
    (accept,) = [b for b in second.button if b.label == ACCEPT]
    accept.click().run()
    assert not second.exception
    assert not any(HELD in w for w in texts(second.warning))

    first.run()  # every session now uses the files as they are
    assert not any(HELD in w for w in texts(first.warning))
    assert headlines(first)["Surplus YTD"][0] == "£30k"  # one organisation, months 1-2 reported


def test_a_file_that_grows_is_used_without_a_warning(folder: Path) -> None:
    first = session_in_thousands()
    rows = default_ct_rows()
    more = rows + [dict(row, financial_year="2019/20") for row in rows]
    (folder / "control_totals.csv").write_text(ct_text(more), encoding="utf-8")
    first.run()
    assert not any(HELD in w for w in texts(first.warning))


def test_losses_name_each_file_that_vanished_broke_or_shrank(folder: Path) -> None:
    from analysis.folder_changes import losses

    good = load_paths([folder])
    assert losses(good, good) == ()
    (folder / "systems.csv").write_bytes(b"")
    (folder / "control_totals.csv").write_text(first_lines(ct_text(), 4), encoding="utf-8")
    found = losses(good, load_paths([folder]))
    assert found == (
        "control_totals.csv now has 3 rows where the last good read had 6",
        "systems.csv could not be read just now",
    )
    (folder / "systems.csv").unlink()
    assert "systems.csv is no longer in the data folder" in losses(good, load_paths([folder]))
