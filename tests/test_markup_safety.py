"""Names from uploaded files are shown as plain text everywhere: pages, chart labels, hover text.

An organisation or system name is data, not markup. These tests feed hostile names through every page
and check that no text element carries them unescaped and no chart carries a raw tag; a scan of the code
checks that nothing renders raw HTML.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import streamlit as st
from conftest import csv_text, ct_row
from streamlit.testing.v1 import AppTest

from analysis import figures
from analysis.contract import CONTROL_TOTALS, SYSTEMS

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
HOSTILE = {
    "html": "<img src=x onerror=alert(1)>",
    "bold": "**bold**",
    "link": "[link](javascript:alert(1))",
}
PAGES = ["overview", "systems", "system_detail", "ratings", "explore", "data"]


@pytest.fixture
def hostile_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, served_like_a_session) -> Path:
    """A data folder whose system and organisation names are markup."""
    systems = [
        {"system_code": "E54000008", "system_name": HOSTILE["html"], "region": HOSTILE["bold"]},
        {"system_code": "E54000007", "system_name": HOSTILE["link"], "region": "North West"},
    ]
    rows = []
    for code, org, name in (
        ("E54000008", "RX1", HOSTILE["bold"]),
        ("E54000008", "RX2", HOSTILE["html"]),
        ("E54000007", "15M", HOSTILE["link"]),
    ):
        for month in range(1, 4):
            spend = "1100" if org == "RX2" else "990"
            rows.append(
                ct_row(
                    month=str(month), system_code=code, org_code=org, org_name=name, actual_expenditure=spend
                )
            )
    quoted = [{k: f'"{v}"' if "," in v else v for k, v in row.items()} for row in rows]
    (tmp_path / "systems.csv").write_text(csv_text(SYSTEMS.names, systems), encoding="utf-8")
    (tmp_path / "control_totals.csv").write_text(csv_text(CONTROL_TOTALS.names, quoted), encoding="utf-8")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    st.cache_data.clear()
    st.cache_resource.clear()
    return tmp_path


def text_elements(at: AppTest) -> list[str]:
    found = []
    for kind in (
        "markdown",
        "caption",
        "title",
        "header",
        "subheader",
        "info",
        "warning",
        "error",
        "success",
    ):
        found += [str(element.value) for element in getattr(at, kind)]
    return found


def unescaped(text: str, hostile: str) -> bool:
    """True where `hostile` appears with its markup characters not backslash-escaped."""
    pattern = "".join(re.escape(ch) if not ch.isalnum() else ch for ch in hostile)
    return re.search(r"(?<!\\)" + pattern, text) is not None and hostile in text


@pytest.mark.parametrize("page", PAGES)
def test_hostile_names_are_plain_text_on_every_page(hostile_dir: Path, page: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    texts = text_elements(at)
    assert texts, "the page showed no text"
    for name, hostile in HOSTILE.items():
        for text in texts:
            assert hostile not in text, f"{name} name reached a text element unescaped: {text!r}"
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        spec.get("layout", {}).pop(
            "meta", None
        )  # the text alternative: shown as escaped Markdown, not by plotly
        spec = json.dumps(spec)
        assert "<img" not in spec and "<a " not in spec, "a tag from the data reached a chart"


def test_hostile_names_in_chart_labels_are_inert() -> None:
    import pandas as pd

    summary = pd.DataFrame(
        {
            "system_code": ["E54000008", "E54000007"],
            "system_name": [HOSTILE["html"], '<a href="javascript:alert(1)">x</a>'],
            "variance_ytd": [-10.0, 5.0],
            "plan_surplus_ytd": [1.0, 2.0],
            "actual_surplus_ytd": [-9.0, 7.0],
        }
    )
    for figure in (
        figures.ranked_variance(summary, "£m", "M03"),
        figures.plan_vs_actual_dumbbell(summary, "£m", "M03"),
    ):
        figure.layout.meta = None
        spec = figure.to_json()
        assert "<img" not in spec and "<a href" not in spec
        assert "&lt;img src=x onerror=alert(1)&gt;" in spec


def test_no_code_renders_raw_html() -> None:
    """Raw HTML rendering (unsafe_allow_html, st.html, components.html) is not used anywhere in the app,
    but for ui/style.py's one constant style block, which holds no data (checked below)."""
    from ui import style

    assert "<style>" in style._CSS and "{" not in style._CSS.replace("{ ", "").replace(" }", "")
    offenders = []
    sources = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("analysis/*.py")]
    sources = [path for path in sources if path != ROOT / "ui" / "style.py"]
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            value = getattr(node, "value", None)
            switched_off = isinstance(value, ast.Constant) and value.value is False
            if isinstance(node, ast.keyword) and node.arg == "unsafe_allow_html" and not switched_off:
                offenders.append(f"{path.name}:{node.lineno} unsafe_allow_html")
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "html"
                and isinstance(value, ast.Name)
                and value.id in {"st", "components"}
            ):
                offenders.append(f"{path.name}:{node.lineno} {value.id}.html")
    assert not offenders, offenders
