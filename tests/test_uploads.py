"""Uploads on the Data page, driven through Streamlit's AppTest (whose file_uploader has set_value in 1.67).

Several files uploaded at once are all checked; an unreadable one (binary, empty, a workbook) is reported
and never stops the others loading; uploaded data lives in the uploading session only; the size limit is
configured and the page states it before a file is picked.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import streamlit as st
from conftest import (
    RATINGS_HEADER,
    SYSTEM_CT_HEADER,
    as_read,
    csv_text,
    ct_row,
    ct_text,
    default_ct_rows,
    systems_text,
)
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
UPLOADED = "files uploaded in this session"
CHECK = "Check and use these files"
BACK = "Go back to the default data"


pytestmark = pytest.mark.usefixtures("served_like_a_session")


def data_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, label: str):
    (found,) = [b for b in at.button if b.label == label]
    return found


def upload(at: AppTest, files: dict[str, bytes]) -> AppTest:
    """Pick the files in the uploader, then press the button that checks and uses them."""
    at.file_uploader(key="uploader").set_value([(n, d, "text/csv") for n, d in files.items()]).run()
    assert not at.exception, [e.value for e in at.exception]
    button(at, CHECK).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def file_table(at: AppTest):
    (table,) = [f.value for f in at.dataframe if "quarantined" in f.value.columns]
    return table.set_index("file")


def origin(at: AppTest) -> str:
    return as_read(at.caption[0])


def ratings_text() -> str:
    return csv_text(RATINGS_HEADER, [["E54000008", "2017-07-21", "Advanced", "", "illustrative"]])


def system_ct_text() -> str:
    return csv_text(
        SYSTEM_CT_HEADER, [["2018/19", "E54000008", "120", "Y"], ["2018/19", "E54000007", "-50", "N"]]
    )


GOOD = {
    "M06 finance extract FINAL (2).csv": ct_text().encode("utf-8"),
    "lookup.csv": systems_text().encode("utf-8"),
    "ratings.csv": ratings_text().encode("utf-8"),
    "system totals.tsv": system_ct_text().replace(",", "\t").encode("cp1252"),
}


def test_several_files_at_once_are_all_checked(folder: Path) -> None:
    at = upload(data_page(), GOOD)
    assert origin(at).startswith(f"Showing {UPLOADED}.")
    files = file_table(at)
    assert set(files.index) == set(GOOD)
    assert files["kind"].to_dict() == {
        "M06 finance extract FINAL (2).csv": "control_totals",
        "lookup.csv": "systems",
        "ratings.csv": "progress_ratings",
        "system totals.tsv": "system_control_totals",
    }
    assert files["rows"].tolist() == [6, 2, 1, 2]
    assert (files["valid"] == files["rows"]).all()
    assert not at.error


@pytest.mark.parametrize(
    "bad_name,bad,what",
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b" \r\n\r\n", "empty"),
        ("binary.csv", bytes(range(256)) * 8, "binary"),
        ("book.csv", b"PK\x03\x04" + bytes(300), "Excel"),
        ("notes.txt", b"Dear all,\nthe figures follow next week.\n", "No recognisable header"),
    ],
    ids=["empty", "blank lines", "binary", "workbook", "prose"],
)
def test_one_bad_file_never_stops_the_others_loading(
    folder: Path, bad_name: str, bad: bytes, what: str
) -> None:
    rows = [*default_ct_rows(), ct_row(org_code="RX2", org_name="Gamma NHS Trust", month="13")]
    files = {"a.csv": ct_text(rows).encode(), bad_name: bad, "z.csv": systems_text().encode()}
    at = upload(data_page(), files)
    table = file_table(at)
    assert table.loc["a.csv", ["kind", "rows", "valid", "quarantined"]].tolist() == [
        "control_totals",
        7,
        6,
        1,
    ]
    assert table.loc["z.csv", ["kind", "rows", "valid"]].tolist() == ["systems", 2, 2]
    assert table.loc[bad_name, "kind"] == "unreadable"
    (error,) = [as_read(e) for e in at.error]
    assert error.startswith(f"**{bad_name}** could not be read.") and what in error

    at.switch_page("pages/overview.py").run()  # the good files are the data in use on every page
    assert not at.exception and not at.error
    assert at.metric, "the readable files are shown"
    assert f"Source: {UPLOADED}." in as_read(at.caption[0])
    assert "1 row was held back by the checks and 1 file could not be read: see the Data page." in [
        as_read(w) for w in at.warning
    ]


def test_two_uploads_with_the_same_name_keep_their_own_rows_and_problems(folder: Path) -> None:
    """Files picked from two folders may share a name; a problem in one never holds back the other's rows."""
    good = ct_text().encode()
    bad = ct_text([ct_row(org_code="RX3", org_name="Gamma", month="13")]).encode()
    at = data_page()
    uploader = at.file_uploader(key="uploader")
    uploader.set_value([("extract.csv", good, "text/csv"), ("extract.csv", bad, "text/csv")])
    uploader.upload("systems.csv", systems_text().encode(), "text/csv").run()
    button(at, CHECK).click().run()
    assert not at.exception
    (table,) = [f.value for f in at.dataframe if "quarantined" in f.value.columns]
    extracts = table[table["file"] == "extract.csv"]
    assert sorted(zip(extracts["rows"], extracts["valid"], extracts["quarantined"], strict=True)) == [
        (1, 0, 1),
        (6, 6, 0),
    ]
    (problems,) = [f.value for f in at.dataframe if "rule" in f.value.columns]
    assert problems["rule"].tolist() == ["month_out_of_range"]
    assert problems["file"].nunique() == 1 and len(set(table["path"])) == len(table), "paths tell them apart"


def test_uploads_are_held_in_this_session_only(folder: Path) -> None:
    mine = ct_text([dict(r, actual_income="5000") for r in default_ct_rows()]).encode()
    uploader = upload(data_page(), {"mine.csv": mine, "systems.csv": systems_text().encode()})
    assert origin(uploader).startswith(f"Showing {UPLOADED}.")

    other = data_page()  # a second person opening the app meanwhile
    assert origin(other).startswith(f"Showing files in {folder}.")
    assert "mine.csv" not in file_table(other).index
    other.switch_page("pages/overview.py").run()
    uploader.switch_page("pages/overview.py").run()
    assert f"Source: files in {folder}." in as_read(other.caption[0])
    assert f"Source: {UPLOADED}." in as_read(uploader.caption[0])
    assert other.metric[0].value != uploader.metric[0].value

    uploader.switch_page("pages/data.py").run()  # and going back leaves the folder's data in use
    button(uploader, BACK).click().run()
    assert not uploader.exception
    assert origin(uploader).startswith(f"Showing files in {folder}.")
    assert button(uploader, BACK).disabled


def test_the_upload_size_limit_is_set_and_stated_before_a_file_is_picked() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    limit = config["server"]["maxUploadSize"]
    assert limit == 50
    assert st.get_option("server.maxUploadSize") == limit, "run the tests from the project folder"
    at = data_page()
    uploader = at.file_uploader(key="uploader")
    assert uploader.proto.max_upload_size_mb == limit, "the browser refuses larger files"
    assert uploader.accept_multiple_files
    assert set(uploader.allowed_type) == {".csv", ".txt", ".tsv"}

    # The sentence stating the limit comes before the uploader on the page.
    order = [node for node in at.tabs[0] if node.type in ("markdown", "file_uploader")]
    stated = [i for i, node in enumerate(order) if f"Up to {limit} MB per file" in as_read(node)]
    picker = [i for i, node in enumerate(order) if node.type == "file_uploader"]
    assert stated and picker and stated[0] < picker[0], [getattr(n, "value", n.type) for n in order]


def test_a_session_may_upload_twice_the_per_file_limit_in_all() -> None:
    from ui.uploads import MAX_SESSION_UPLOAD_MB, MAX_UPLOAD_MB, over_session_limit

    megabyte = 1024 * 1024
    assert MAX_SESSION_UPLOAD_MB == 2 * MAX_UPLOAD_MB == 100
    assert not over_session_limit([50 * megabyte, 50 * megabyte])
    assert over_session_limit([50 * megabyte, 50 * megabyte, 1])
    assert over_session_limit([40 * megabyte] * 3)
    at = data_page()
    assert any(f"and {MAX_SESSION_UPLOAD_MB} MB in all" in as_read(node) for node in at.markdown)


def test_uploads_over_the_session_limit_are_refused_before_they_are_read(monkeypatch) -> None:
    import ui.uploads

    monkeypatch.setattr(ui.uploads, "MAX_SESSION_UPLOAD_MB", 0)
    at = data_page()
    at.file_uploader(key="uploader").set_value([("ct.csv", ct_text().encode(), "text/csv")]).run()
    assert not at.exception
    assert any("more than the 0 MB one session may upload" in e.value for e in at.error)
    assert button(at, CHECK).disabled


def test_a_control_totals_upload_keeps_the_bundled_ratings(folder: Path) -> None:
    """Uploading only control totals must not turn every system 'Not rated': the bundled ratings stay."""
    bundled_ratings = (ROOT / "data" / "progress_ratings.csv").read_text(encoding="utf-8").splitlines()
    at = upload(data_page(), {"mine.csv": ct_text().encode()})
    files = file_table(at)
    assert files.loc["progress_ratings.csv", ["kind", "rows"]].tolist() == [
        "progress_ratings",
        len([line for line in bundled_ratings[1:] if line.strip()]),
    ]
    bundled = [as_read(c) for c in at.caption if "Bundled files still in use" in as_read(c)]
    assert bundled and "Progress ratings (progress_ratings.csv)" in bundled[0]


def test_a_file_of_no_known_kind_keeps_the_data_and_says_what_is_accepted(folder: Path) -> None:
    trusts = b"Trust code,Trust name,STP code\nRXX,Some NHS Trust,E54000008\n"
    at = upload(data_page(), {"trusts.csv": trusts})
    assert origin(at).startswith(f"Showing files in {folder}."), "the data in use is kept"
    (error,) = [as_read(e) for e in at.error]
    assert "trusts.csv has the columns Trust code,Trust name,STP code" in error
    assert "data in use is kept" in error and "Progress ratings (" in error and "Control totals (" in error
    at.switch_page("pages/overview.py").run()
    assert at.metric and not any("No rows match" in as_read(i) for i in at.info)


def test_the_uploader_says_a_refresh_goes_back_to_the_default_data() -> None:
    at = data_page()
    assert any("refreshed or closed" in as_read(c) for c in at.caption)
