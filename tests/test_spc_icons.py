"""The Making Data Count icons (analysis.spc_icons) and where the dashboard shows them.

Unit tests: every variation and assurance class has its own icon whose SVG carries the class's text
alternative. Page tests (AppTest, bundled data): the Systems table shows each system's icon beside its
words and says when limits are provisional; System detail's rebase choice rides in the link and redraws
the SPC chart with new limits.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from conftest import as_read
from streamlit.testing.v1 import AppTest

from analysis import spc, spc_icons, views
from analysis.dataset import load_paths
from analysis.filters import Filters, resolve
from analysis.state import ViewState

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SVG = "{http://www.w3.org/2000/svg}"
ICON_CLASSES = [("variation", v) for v in spc.VARIATIONS] + [
    ("assurance", a) for a in spc.ASSURANCES if a != "none"
]


def svg_of(kind: str, name: str) -> str:
    return spc_icons.variation_svg(name) if kind == "variation" else spc_icons.assurance_svg(name)


def words_of(kind: str, name: str) -> str:
    return (spc.VARIATION_ICON_TEXT if kind == "variation" else spc.ASSURANCE_ICON_TEXT)[name]


@pytest.mark.parametrize("kind,name", ICON_CLASSES)
def test_every_class_has_an_icon_titled_with_its_text_alternative(kind: str, name: str) -> None:
    svg = svg_of(kind, name)
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == words_of(kind, name)
    uri = spc_icons.variation_icon(name) if kind == "variation" else spc_icons.assurance_icon(name)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode("utf-8") == svg


def test_no_two_icons_are_the_same_even_without_their_titles() -> None:
    drawings = [re.sub(r"<title>.*?</title>", "", svg_of(k, n)) for k, n in ICON_CLASSES]
    assert len(set(drawings)) == len(ICON_CLASSES)


def test_no_two_icons_differ_by_colour_alone() -> None:
    """Take the colours away and the icons still differ: letters, shapes and the run of points say it."""
    colourless = [re.sub(r"#[0-9a-fA-F]{6}", "#000000", svg_of(k, n)) for k, n in ICON_CLASSES]
    colourless = [re.sub(r"<title>.*?</title>", "", s) for s in colourless]
    assert len(set(colourless)) == len(ICON_CLASSES)


def test_icons_are_in_the_making_data_count_colours() -> None:
    rings = {
        "common_cause": "#a6a6a6",
        "improvement_high": "#00b0f0",
        "concern_low": "#e46c0a",
        "pass": "#00b0f0",
        "fail": "#e46c0a",
        "inconsistent": "#a6a6a6",
    }
    for name, colour in rings.items():
        kind = "variation" if name in spc.VARIATIONS else "assurance"
        assert f'stroke="{colour}"/>' in svg_of(kind, name), name


def test_no_assurance_has_no_icon_but_has_words() -> None:
    assert spc_icons.assurance_svg("none") is None and spc_icons.assurance_icon("none") is None
    assert spc.ASSURANCE_ICON_TEXT["none"]


def test_variation_words_say_provisional_limits() -> None:
    assert spc_icons.variation_words("improvement_high", 9, True) == (
        "Special cause – improving (high); provisional limits (9 points)"
    )
    assert spc_icons.variation_words("common_cause", 21, False) == "Common cause – no significant change"
    assert spc_icons.variation_words(None, 0, False) == "too few points"


def test_month_ticks_are_few_short_and_angled() -> None:
    assert spc_icons.month_ticks() == {"tickmode": "auto", "nticks": 12, "tickangle": -45}
    assert spc_icons.short_month("Sep 2018") == "Sep 18" and spc_icons.short_month("M06") == "M06"


# --- the SPC chart --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> views.Scope:
    dataset = load_paths([ROOT / "data"])
    return views.scope(dataset, ViewState(resolve(Filters(), dataset), "£m"))


def test_the_spc_chart_shows_its_icons_a_target_line_and_short_ticks(bundled: views.Scope) -> None:
    code = views.system_summary(bundled)["system_code"].iloc[0]
    result = views.system_variation(bundled, [code])[code]
    figure = views.system_detail(bundled.focused(code)).spc_chart
    sources = [image.source for image in figure.layout.images]
    assert spc_icons.variation_icon(result.variation) in sources
    assert result.assurance == "none" or spc_icons.assurance_icon(result.assurance) in sources
    target = [t for t in figure.data if t.name and t.name.startswith("Target")]
    assert len(target) == 1 and set(target[0].y) == {0.0}
    assert figure.layout.xaxis.nticks == 12 and figure.layout.xaxis.tickangle == -45
    points = [t for t in figure.data if t.mode == "markers"]
    assert all(re.fullmatch(r"[A-Z][a-z]{2} \d\d", x) for t in points for x in t.x)


def test_rebasing_at_a_year_starts_new_limits_there(bundled: views.Scope) -> None:
    code = views.system_summary(bundled)["system_code"].iloc[0]
    rebased = views.scope(bundled.dataset, ViewState(bundled.filters, "£m", rebase=("2018/19",)))
    result = views.system_variation(rebased, [code])[code]
    series = views.monthly_variance_by_system(bundled, [code])[code]
    # Independently: the 2018/19 part alone has the limits the rebased chart ends with.
    alone = spc.xmr_limits(series[[label[0] == "2018/19" for label in series.index]])
    assert result.n_segments == 2
    assert result.upper_limit == pytest.approx(alone.upper_limit)
    assert result.lower_limit == pytest.approx(alone.lower_limit)
    figure = views.system_detail(rebased.focused(code)).spc_chart
    assert "new limits from Apr 18" in figure.layout.title.subtitle.text


# --- pages ----------------------------------------------------------------------------------------------


def systems_page(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.run()
    at.switch_page("pages/systems.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_systems_table_shows_each_systems_icon_beside_its_words() -> None:
    at = systems_page()
    table: pd.DataFrame = at.dataframe[0].value
    columns = list(table.columns)
    assert columns.index("SPC icon") + 1 == columns.index("Trend (SPC)") == columns.index("Code") + 2
    labels = {label: v for v, label in spc.VARIATION_LABELS.items()}
    for icon, words in zip(table["SPC icon"], table["Trend (SPC)"], strict=True):
        variation = labels[words.split(";")[0]]
        title = ET.fromstring(base64.b64decode(icon.split(",", 1)[1])).find(f"{SVG}title").text
        assert title == spc.VARIATION_ICON_TEXT[variation]


def test_the_systems_table_says_when_limits_are_provisional() -> None:
    """2017/18 at M09: nine months charted, fewer than the twelve that fix limits."""
    at = systems_page(year="2017/18", month="M09 (Dec 2017)")
    trend = at.dataframe[0].value["Trend (SPC)"]
    assert len(trend) and all(t.endswith("; provisional limits (9 points)") for t in trend), set(trend)


def test_system_detail_rebase_rides_in_the_link_and_redraws_the_chart() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"focus": "E54000007", "rebase": "2018/19"})
    at.run()
    at.switch_page("pages/system_detail.py").run()
    assert not at.exception, [e.value for e in at.exception]
    picker = at.multiselect(key="rebase")
    assert picker.value == ["2018/19"] and "2018/19" in picker.options
    assert "limits recalculated 1 time" in spc_caption(at)
    picker.set_value([]).run()  # (AppTest does not write bound widgets back to its query_params)
    assert "recalculated" not in spc_caption(at)


def spc_caption(at: AppTest) -> str:
    return " ".join(as_read(c) for c in at.caption if "SPC chart" in as_read(c))
