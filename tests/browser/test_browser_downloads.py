"""Downloads as a person gets them: click the button in a real browser and read the file received.

The Explore table's CSV must hold exactly the rows on screen, with a byte-order mark so Excel shows £;
the Systems table's Excel file must hold numbers, no formulas, and the About sheet; the board pack must
open offline.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from analysis.formatting import excel_number_format

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def download(app, label: str, tmp_path: Path) -> Path:
    """Click a download button by its label and save what the browser receives."""
    button = app.page.get_by_role("button", name=label).first
    button.scroll_into_view_if_needed()
    with app.page.expect_download(timeout=120_000) as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_explore_csv_download_is_the_rows_on_screen(app, tmp_path: Path) -> None:
    app.open("explore", "year=2017%2F18&region=London")
    caption = next(
        c for c in app.page.locator("[data-testid='stCaptionContainer']").all_inner_texts() if "rows:" in c
    )
    shown_rows = int(caption.split(" rows")[0].replace(",", ""))

    path = download(app, "Download CSV", tmp_path)

    assert path.name.startswith("ics-rows-2017-18") and path.suffix == ".csv"
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "no byte-order mark: Excel would garble £"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == shown_rows
    assert {row["Year"] for row in rows} == {"2017/18"}
    assert any(header.endswith("(£m)") for header in rows[0])
    float(rows[0]["Plan income (£m)"])  # numbers stay numbers
    app.assert_no_errors()


def test_systems_excel_download_has_numbers_no_formulas_and_an_about_sheet(app, tmp_path: Path) -> None:
    app.open("systems", "unit=%C2%A3000")
    app.page.get_by_role("tab", name="Table").click()

    path = download(app, "Download Excel", tmp_path)

    assert path.suffix == ".xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert "Variance YTD (£000)" in header
    column = header.index("Variance YTD (£000)") + 1
    values = [sheet.cell(row=r, column=column).value for r in range(2, sheet.max_row + 1)]
    assert values and all(isinstance(v, (int, float)) for v in values)
    # the view's money marks survived the page's cache: the column has the £ number format
    assert sheet.cell(row=2, column=column).number_format == excel_number_format("£000")
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {ws.title}!{cell.coordinate}"
    about = book["About this extract"]
    text = " ".join(str(c.value) for row in about.iter_rows() for c in row if c.value is not None)
    assert "sha256" in text.lower() and "control_totals.csv" in text
    app.assert_no_errors()


def test_board_pack_download_opens_offline(app, tmp_path: Path) -> None:
    app.open("")
    app.page.get_by_text("Board pack").first.click()

    path = download(app, "Board pack (HTML)", tmp_path)

    html = path.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html
    assert html.count('class="plotly-graph-div"') >= 4
    offline = app.page.context.browser.new_context(offline=True)
    try:
        page = offline.new_page()
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('.main-svg').length >= 4", timeout=60_000)
    finally:
        offline.close()
