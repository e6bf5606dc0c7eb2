"""The Systems table shows each system's SPC icon as a picture in a real browser, beside its words."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MDC_BLUE = (0x00, 0xB0, 0xF0)
MDC_ORANGE = (0xE4, 0x6C, 0x0A)


def _near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def test_the_systems_table_draws_its_icon_column_as_images(app) -> None:
    app.open("systems")
    app.assert_no_errors()
    app.page.get_by_role("tab", name="Table").click()
    grid = app.page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    app.page.wait_for_timeout(1500)  # images load after the grid's first paint
    picture = Image.open(io.BytesIO(grid.screenshot())).convert("RGB")
    pixels = list(picture.get_flattened_data())
    coloured = sum(1 for p in pixels if _near(p, MDC_BLUE) or _near(p, MDC_ORANGE))
    # Each icon's ring is some tens of pixels of one MDC colour; the grid itself uses neither colour.
    assert coloured > 200, f"only {coloured} pixels in the icons' colours: the icons were not drawn"
