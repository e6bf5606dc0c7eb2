"""Shared test helpers: builders for small extracts, and fixtures that write them into tmp_path.

The builders (`ct_row`, `ct_text`, `csv_text`, `systems_text`, `load_texts`, ...) are plain functions, so
hypothesis tests can use them without function-scoped fixtures: `from conftest import ct_text`. Fixtures
(`write`, `systems_file`, `load`) put files on disk. Tests never depend on the bundled data/ folder: they
load a systems lookup of their own with the extracts, holding the codes the builders use (`KNOWN_SYSTEMS`);
`UNKNOWN_SYSTEM` is a well-formed code no lookup holds.

Every test gets exactly one of three markers, from what it does (`pytest_collection_modifyitems` below),
so `pytest -m unit` is a quick loop and `-m "not browser"` what most runs want:

- `browser`: it lives in tests/browser/ (a real chromium against a running app);
- `integration`: it goes end to end through something outside this process's memory: it uses `tmp_path`
  or `tmp_path_factory` (directly or through a fixture: files written, then read back), it uses
  `served_like_a_session` (an AppTest session of the app; every AppTest test needs that fixture), or
  its module imports `subprocess` (the CLI, a browser printing a PDF, a sandboxed worker);
- `unit`: everything else: pure Python on values in memory.

`slow` stays a marker a test sets by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from analysis.contract import CONTROL_TOTALS, PROGRESS_RATINGS, SYSTEM_CONTROL_TOTALS, SYSTEMS
from analysis.dataset import Source, load_paths, load_sources
from analysis.model import Dataset, FileReport

BROWSER_TESTS = Path(__file__).parent / "browser"
DISK_FIXTURES = frozenset({"tmp_path", "tmp_path_factory"})
APP_SESSION_FIXTURES = frozenset({"served_like_a_session"})
TEST_KINDS = ("unit", "integration", "browser")


def kind_of_test(item: pytest.Item) -> str:
    """browser, integration or unit, by the rule in this module's docstring."""
    if BROWSER_TESTS in Path(item.path).parents:
        return "browser"
    fixtures = set(getattr(item, "fixturenames", ()))
    module = getattr(item, "module", None)
    starts_processes = module is not None and isinstance(vars(module).get("subprocess"), ModuleType)
    if fixtures & (DISK_FIXTURES | APP_SESSION_FIXTURES) or starts_processes:
        return "integration"
    return "unit"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every collected test unit, integration or browser (see the module docstring).

    A test that already carries one of the three (set by hand) keeps it and gets no other.
    """
    del config
    for item in items:
        if not any(next(item.iter_markers(name=kind), None) for kind in TEST_KINDS):
            item.add_marker(getattr(pytest.mark, kind_of_test(item)))


CT_HEADER: tuple[str, ...] = CONTROL_TOTALS.names
SYSTEMS_HEADER: tuple[str, ...] = SYSTEMS.names
RATINGS_HEADER: tuple[str, ...] = PROGRESS_RATINGS.names
SYSTEM_CT_HEADER: tuple[str, ...] = SYSTEM_CONTROL_TOTALS.names

KNOWN_SYSTEMS: tuple[dict[str, str], ...] = (
    {
        "system_code": "E54000008",
        "ods_code": "QYG",
        "system_name": "Cheshire and Merseyside",
        "region": "North West",
        "system_type": "STP",
    },
    {
        "system_code": "E54000007",
        "ods_code": "QOP",
        "system_name": "Greater Manchester",
        "region": "North West",
        "system_type": "ICS",
        "ics_since": "2017-06-01",
    },
)
UNKNOWN_SYSTEM = "E54999999"

_CT_DEFAULTS: dict[str, str] = {
    "financial_year": "2018/19",
    "month": "1",
    "system_code": "E54000008",
    "org_code": "RX1",
    "org_name": "Alpha Hospitals NHS Trust",
    "org_type": "acute",
    "plan_income": "1000",
    "actual_income": "1010",
    "plan_expenditure": "990",
    "actual_expenditure": "995",
    "control_total": "120",
    "forecast_outturn": "125",
    "control_total_accepted": "Y",
}


def ct_row(**values: str) -> dict[str, str]:
    """One valid control-totals row as raw cells; keyword arguments override cells."""
    unknown = set(values) - set(CT_HEADER)
    if unknown:
        raise KeyError(f"not control-totals columns: {sorted(unknown)}")
    return {**_CT_DEFAULTS, **values}


def default_ct_rows() -> list[dict[str, str]]:
    """A small valid year: two organisations in two systems, months 1-3, actuals for months 1-2 only."""
    rows = []
    orgs = (
        dict(org_code="RX1", org_name="Alpha Hospitals NHS Trust", org_type="acute", system_code="E54000008"),
        dict(
            org_code="15M", org_name="Beta CCG", org_type="ccg", system_code="E54000007", control_total="-50"
        ),
    )
    for org in orgs:
        for month in (1, 2, 3):
            actuals = {} if month < 3 else {"actual_income": "", "actual_expenditure": ""}
            rows.append(ct_row(month=str(month), **org, **actuals))
    return rows


def csv_text(
    header: Sequence[str],
    rows: Iterable[Mapping[str, str] | Sequence[str]],
    *,
    delimiter: str = ",",
    newline: str = "\n",
) -> str:
    """CSV text from cells exactly as given (callers quote what needs quoting); dict rows follow `header`."""
    lines = [delimiter.join(header)]
    for row in rows:
        cells = [row.get(name, "") for name in header] if isinstance(row, Mapping) else list(row)
        lines.append(delimiter.join(cells))
    return newline.join(lines) + newline


def ct_text(
    rows: Iterable[Mapping[str, str]] | None = None,
    *,
    header: Sequence[str] | None = None,
    delimiter: str = ",",
    newline: str = "\n",
) -> str:
    """Control-totals CSV text. `header` renames columns (same order as CT_HEADER) to test aliases."""
    rows = default_ct_rows() if rows is None else list(rows)
    written = list(CT_HEADER if header is None else header)
    if len(written) != len(CT_HEADER):
        raise ValueError("header must name every control-totals column, in order")
    cells = [[row.get(name, "") for name in CT_HEADER] for row in rows]
    return csv_text(written, cells, delimiter=delimiter, newline=newline)


def systems_text(rows: Iterable[Mapping[str, str]] = KNOWN_SYSTEMS, *, delimiter: str = ",") -> str:
    """A systems lookup file (by default the two systems the control-totals builder uses)."""
    return csv_text(SYSTEMS_HEADER, rows, delimiter=delimiter)


def problem_set(dataset: Dataset, path: str | Path | None = None) -> set[tuple[int, str, str]]:
    """The (line, column, rule) triples reported, for one file or all."""
    problems = dataset.problems
    if path is not None:
        problems = problems[problems["file"] == str(path)]
    return {
        (int(line), c, r)
        for line, c, r in zip(problems["line"], problems["column"], problems["rule"], strict=True)
    }


def report_for(dataset: Dataset, path: str | Path) -> FileReport:
    """The FileReport of one file (by the path it was loaded as)."""
    matches = [r for r in dataset.files if r.path == str(path)]
    assert len(matches) == 1, f"expected one report for {path}, got {[r.path for r in dataset.files]}"
    return matches[0]


def assert_accounted(dataset: Dataset) -> None:
    """Every readable file: rows = valid + quarantined, and exactly the problem lines are quarantined."""
    for report in dataset.files:
        if not report.readable:
            continue
        assert report.rows == report.valid + report.quarantined, report
        bad_lines = dataset.problems.loc[dataset.problems["file"] == report.path, "line"].nunique()
        assert bad_lines == report.quarantined, report


def ct_by_line(dataset: Dataset) -> pd.DataFrame:
    """The valid control-totals rows indexed by physical line (single-file tests)."""
    return dataset.control_totals.set_index("line").sort_index()


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """write(name, content, encoding="utf-8") -> Path; content may be str (encoded) or bytes (as is)."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode(encoding) if isinstance(content, str) else content
        path.write_bytes(data)
        return path

    return _write


@pytest.fixture
def systems_file(write) -> Path:
    """The test systems lookup, written as systems.csv in tmp_path."""
    return write("systems.csv", systems_text())


@pytest.fixture
def load(write, systems_file) -> Callable[..., Dataset]:
    """load(name, content, encoding=..., ...) writes one file (plus systems.csv) and loads both.

    Pass several as load({"a.csv": text, "b.csv": data}). Returns the Dataset; the systems file is always
    among the sources so system codes used by the builders are known.
    """

    def _load(files: str | Mapping[str, str | bytes], content: str | bytes | None = None, **kw) -> Dataset:
        if isinstance(files, str):
            assert content is not None
            files = {files: content}
        paths = [write(name, data, **kw) for name, data in files.items()]
        return load_paths([*paths, systems_file])

    return _load


def load_texts(files: Mapping[str, str | bytes], *, with_systems: bool = True) -> Dataset:
    """Load in-memory files (no disk): name -> text (UTF-8) or bytes; adds the test systems lookup."""
    sources = [
        Source(name, name, data.encode("utf-8") if isinstance(data, str) else data)
        for name, data in files.items()
    ]
    if with_systems:
        sources.append(Source("systems.csv", "systems.csv", systems_text().encode("utf-8")))
    return load_sources(sources)


@pytest.fixture
def served_like_a_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send every AppTest run through app.py, as a server does once any session has called st.navigation.

    AppTest sets `PagesManager.uses_pages_directory` back to None before each run; this app keeps its pages
    in a folder named `pages/`, so Streamlit then takes the legacy pages-folder mode and runs a switched-to
    page's script on its own, without app.py. A real server leaves that mode for good on the first
    `st.navigation` call (and ui.context sends a stray legacy run through app.py), which we mimic here.
    Every test also starts on the bundled data unless it sets DATA_DIR itself.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    monkeypatch.delenv("DATA_DIR", raising=False)


def as_read(element) -> str:
    """An element's Markdown as a reader sees it: backslash escapes (ui.text.plain) removed."""
    import re

    return re.sub(r"\\(.)", r"\1", str(element.value))


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, served_like_a_session: None) -> Path:
    """A DATA_DIR of the default extract (two organisations, months 1-3, actuals for months 1-2) with the
    test systems lookup: what every AppTest session of the test reads until it uploads. Caches start empty.
    """
    import streamlit as st

    path = tmp_path / "extracts"
    path.mkdir()
    (path / "systems.csv").write_text(systems_text(), encoding="utf-8")
    (path / "control_totals.csv").write_text(ct_text(), encoding="utf-8")
    monkeypatch.setenv("DATA_DIR", str(path))
    st.cache_data.clear()
    return path
