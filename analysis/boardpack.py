"""The board pack: one self-contained HTML file (and a PDF of it where a Chromium is installed).

The pack is built from the same view models as the pages (:mod:`analysis.views`), so it says what the
dashboard says: title, period, data as at, filters, the illustrative-data banner when the data is the
bundled sample, the overview (headlines, narrative, ranked chart), the systems side by side (dot plot and
table), one system's detail (narrative, waterfall, monthly, SPC, contributions) and the text alternative
under every chart, then where the figures came from.

Self-contained and offline:

* plotly.js is inlined once in ``<head>``; each chart is a ``plotly.io.to_html(..., include_plotlyjs=False,
  include_mathjax=False)`` fragment. No fonts or scripts are fetched (system fonts only, no MathJax).
* No ``http://`` or ``https://`` appears anywhere in the file. plotly.js itself holds such strings (licence
  comments, map-tile addresses never used here, and the SVG namespace ``http://www.w3.org/2000/svg`` it must
  have); every ``://`` inside a script is written ``:\\/\\/``, which is the same string to JavaScript and
  JSON but not a reference anything could follow or a scanner would flag. In text, ``://`` from data is
  written ``&#58;//`` (shows the same).
* Every value from the data (organisation and system names, file names) is HTML-escaped.

The page is a Jinja2 template beside this module (``boardpack.html.j2``, its pieces in
``boardpack_parts.html.j2``, styles and print rules included), read as package resources, so it is found
wherever the ``analysis`` package is. Autoescaping is on and every value is written through :func:`esc`;
only plotly.js and the chart fragments (our own, defanged) are passed as markup. This module computes what
the page says; the template only lays it out.

Printing: A4 portrait, each section on a new page, charts and table rows never split, table headers repeated;
charts are drawn 1000 px wide and scaled to the page when printed.
"""

from __future__ import annotations

import contextlib
import functools
import html
import os
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Final

import jinja2
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup

from analysis import exports, figures, formatting, tables, views
from analysis.exports import ExtractInfo
from analysis.formatting import Unit
from analysis.model import Dataset
from analysis.ratings import ILLUSTRATIVE_RATING
from analysis.state import ViewState

CHART_WIDTH: Final = 1000
"""Charts are drawn this wide (px); printing scales them to A4 (see ``PRINT_ZOOM``)."""
PRINT_ZOOM: Final = 0.68
"""1000 px x 0.68 = 680 px, inside A4 portrait's 186 mm (703 px) between 12 mm margins."""
PDF_TIMEOUT: Final = 120
"""Seconds the browser may take to print the pack before it is stopped."""
PDF_MIME: Final = "application/pdf"
HTML_MIME: Final = "text/html"
NO_BROWSER: Final = (
    "No Chromium or Chrome browser was found on this machine, so the board pack cannot be printed to PDF "
    "here. Download the HTML board pack instead, open it in any browser and print it to PDF (it is laid "
    "out for A4); or install chromium (Debian: apt-get install chromium) or set CHROMIUM_PATH."
)
SYSTEM_TABLE_COLUMNS: Final = (
    "System",
    "Region",
    "Rating 2017",
    "Plan surplus YTD",
    "Actual surplus YTD",
    "Variance YTD",
    "Variance %",
    "Forecast vs control total",
    "Forecasts in",
    "Forecast movement",
    "Run rate vs control total",
    "Accepted",
    "Trend (SPC)",
)
"""The systems table in the pack: the columns that fit an A4 page (the Systems page exports them all)."""
TEMPLATE: Final = "boardpack.html.j2"
"""The page, a Jinja2 template beside this module (read as a package resource)."""
PARTS_TEMPLATE: Final = "boardpack_parts.html.j2"
"""Its pieces (headline cards, charts, tables), as macros."""


# ---------------------------------------------------------------------------------------------------------
# Escaping and the inline script


def _rating_marked(table: pd.DataFrame) -> pd.DataFrame:
    """The systems table with an illustrative rating said in its cell ("Advanced (illustrative)"): the pack
    has no room for the "Rating source" column, and a rating must never pass for a published one."""
    if "Rating source" not in table.columns or "Rating 2017" not in table.columns:
        return table
    marked = table.copy()
    illustrative = marked["Rating source"].astype(str).str.startswith(ILLUSTRATIVE_RATING)
    marked.loc[illustrative, "Rating 2017"] = marked.loc[illustrative, "Rating 2017"].astype(str) + (
        " (illustrative)"
    )
    return marked


def esc(value: object) -> str:
    """Text for HTML: escaped (``<`` ``>`` ``&`` quotes), with ``://`` written as ``&#58;//``."""
    return html.escape(str(value), quote=True).replace("://", "&#58;//")


def _defang_script(text: str) -> str:
    """Script text with every ``://`` written ``:\\/\\/`` (identical in JS strings, regexes and JSON).

    Applied to whole ``<script>`` elements too: their tags hold no ``://``.
    """
    return text.replace("://", r":\/\/")


@functools.lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js as an inline ``<script>`` body, defanged (see the module notes)."""
    from plotly.offline import get_plotlyjs

    body = get_plotlyjs().replace("</script", r"<\/script")  # cannot end its <script> element early
    return _defang_script(body)


def figure_html(figure: go.Figure, name: str, div_id: str) -> str:
    """One chart as an HTML fragment (needs plotly.js on the page), with its PNG download named ``name``."""
    copy = go.Figure(figure)
    copy.update_layout(width=CHART_WIDTH)
    fragment = pio.to_html(
        copy,
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=div_id,
        config={**figures.plotly_config(name), "responsive": False},
    )
    return _defang_script(fragment)


# ---------------------------------------------------------------------------------------------------------
# The template and what it is given


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """The templates beside this module, read as package resources, autoescaped with :func:`esc`.

    Autoescaping is on; ``finalize`` escapes every plain value with :func:`esc` first (so ``://`` is
    defanged and quotes are written as before), and leaves trusted markup (plotly.js, chart fragments,
    the templates' own pieces) as it is.
    """
    folder = resources.files(__package__ or "analysis")
    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: folder.joinpath(name).read_text(encoding="utf-8")),
        autoescape=True,
        finalize=lambda value: value if isinstance(value, Markup) else Markup(esc(value)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.globals.update(NO_DATA=views.NO_DATA, SAMPLE_NOTE=exports.SAMPLE_NOTE)
    return environment


def _table(frame: pd.DataFrame, unit: Unit) -> dict | None:
    """A table's header and cells as text, each flagged numeric or not; None when it has no rows.

    Which columns are money, percentages or counts comes from the table's marks (:mod:`analysis.tables`).
    """
    if frame.empty:
        return None
    kind_of = tables.kinds(frame)
    kinds = [kind_of[c] for c in frame.columns]
    headers = [
        {"text": c, "numeric": kind in tables.NUMERIC_KINDS}
        for c, kind in zip(frame.columns, kinds, strict=True)
    ]
    rows = [
        [_cell(value, kind, unit) for kind, value in zip(kinds, values, strict=True)]
        for values in frame.itertuples(index=False, name=None)
    ]
    return {"headers": headers, "rows": rows}


def _cell(value: object, kind: tables.Kind, unit: Unit) -> dict:
    text, numeric = formatting.cell_text(value, kind, unit)
    return {"text": text, "numeric": numeric}


def table_html(frame: pd.DataFrame, unit: Unit, caption: str = "") -> str:
    """A table with the board's number format: money in brackets, no symbol (the header has the unit)."""
    parts = _environment().get_template(PARTS_TEMPLATE).module
    return str(parts.table(_table(frame, unit), caption))  # type: ignore[attr-defined]


def _cards(items: Iterable[views.Headline]) -> list[dict]:
    cards = []
    for item in items:
        words = (item.delta or "").lstrip("-")  # the page's leading hyphen only steers Streamlit's arrow
        tone = "adverse" if "adverse" in words else "favourable" if "favourable" in words else "neutral"
        cards.append(
            {"label": item.label, "value": item.value, "delta": words, "tone": tone, "help": item.help}
        )
    return cards


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in str(text).split("\n\n") if p.strip()]


class _Charts:
    """Numbers the charts of one pack, so each has a stable id and the page can count them."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, figure: go.Figure, name: str) -> dict:
        self.count += 1
        body = Markup(figure_html(figure, name, f"chart-{self.count}"))  # our own plotly output, defanged
        return {"alt": figures.alt_text(figure), "body": body}


def _facts(info: ExtractInfo, origin: str | None) -> list[tuple[str, str]]:
    items = [
        ("Period", info.period),
        ("Data as at", f"{info.data_as_at} (latest month with actuals)"),
        ("Filters", info.filters),
    ]
    if origin:
        items.append(("Source", origin))
    return [*items, ("Checks", info.validation), ("Generated", f"{info.generated} (UTC), {info.product}")]


def _sources(info: ExtractInfo) -> dict | None:
    columns = ["File", "Kind", "Rows", "Valid", "Quarantined", "sha256", "Status"]
    frame = pd.DataFrame(
        [(s.name, s.kind, s.rows, s.valid, s.quarantined, s.sha256, s.status) for s in info.sources],
        columns=columns,
    )
    frame = tables.mark(
        frame, count=["Rows", "Valid", "Quarantined"], text=["File", "Kind", "sha256", "Status"]
    )
    return _table(frame, info.unit)


# ---------------------------------------------------------------------------------------------------------
# The pack


def default_system(s: views.Scope) -> str | None:
    """The system whose detail the pack shows when none is chosen: the most adverse, as the detail page."""
    summary = views.system_summary(s)
    if summary.empty:
        return None
    return str(summary.sort_values("variance_ytd", kind="stable").iloc[0]["system_code"])


def board_pack_html(s: views.Scope, info: ExtractInfo, origin: str | None = None) -> str:
    """The board pack as one HTML document.

    Args:
        s: The scope (dataset, resolved filters, unit, footprint) of the view.
        info: What the pack says about itself (:func:`analysis.exports.extract_info`).
        origin: Where the data came from, in words (e.g. "bundled illustrative data").

    Returns:
        The HTML text (UTF-8 when saved).
    """
    chart = _Charts()  # charts are numbered in the order they appear on the page
    overview = views.overview(s)
    page = {"overview": {"message": overview.message}, "systems": None, "detail": None}
    if not overview.message:
        page["overview"] = {
            "message": None,
            "cards": _cards(overview.headlines),
            "paragraphs": _paragraphs(overview.narrative),
            "chart": chart(overview.ranked, f"variance-by-system-{s.period}"),
        }
        page["systems"] = _systems(s, chart)
        page["detail"] = _detail(s, chart)
    about = {
        "validation": info.validation,
        "rows_quarantined": info.rows_quarantined,
        "files_unreadable": info.files_unreadable,
        "sources": _sources(info),
        "product": info.product,
        "generated": info.generated,
    }
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            **page,
            about=about,
            period=s.period,
            unit=s.unit,
            sample=info.is_sample,
            facts=_facts(info, origin),
            generator=exports.PRODUCT,
            print_zoom=PRINT_ZOOM,
            charts=chart.count,
            plotly_js=Markup(plotly_js()) if chart.count else "",
        )
    )


def _systems(s: views.Scope, chart: _Charts) -> dict:
    view = views.systems(s)
    if view.message:
        return {"message": view.message}
    wanted = [
        views.money_label(c, s.unit) if c in views.SYSTEM_TABLE_MONEY else c for c in SYSTEM_TABLE_COLUMNS
    ]
    table = _rating_marked(view.table)[[c for c in wanted if c in view.table.columns]]
    return {
        "message": None,
        "chart": chart(view.dumbbell, f"plan-vs-actual-{view.period}"),
        "table": _table(table, s.unit),
    }


def _detail(s: views.Scope, chart: _Charts) -> dict | None:
    code = s.focus or default_system(s)
    if code is None:
        return None
    view = views.system_detail(s.focused(code))
    if view.message:
        return {"name": view.name, "code": view.code, "message": view.message}
    not_accepted = view.not_accepted
    names = not_accepted["org_name"] if "org_name" in not_accepted.columns else not_accepted.iloc[:, 0]
    return {
        "name": view.name,
        "code": view.code,
        "message": None,
        "cards": _cards(view.headlines),
        "paragraphs": _paragraphs(view.narrative),
        "charts": [
            chart(view.waterfall, f"{view.code}-plan-to-actual-{view.period}"),
            chart(view.monthly, f"{view.code}-monthly-{view.period}"),
            chart(view.spc_chart, f"{view.code}-spc-variance-{view.period}"),
        ],
        "attribution": _table(view.attribution, s.unit),
        "reconciliation": view.reconciliation,
        "not_accepted": names.astype(str).tolist() if not not_accepted.empty else [],
    }


def build_board_pack(
    dataset: Dataset,
    state: ViewState,
    *,
    system_names: Mapping[str, str] | None = None,
    origin: str | None = None,
    link: str = "",
) -> str:
    """The board pack for a dataset and a view (what the Overview page and the CLI call).

    Args:
        dataset: The validated dataset.
        state: The view: resolved filters, unit, footprint, and the system whose detail is shown (its
            focus; default: the most adverse).
        system_names: System code -> name, to name chosen systems in the filters sentence.
        origin: Where the data came from, in words.
        link: The view's address (kept in the pack's description, not printed: the pack links nowhere).

    Returns:
        The HTML text.
    """
    scope = views.scope(dataset, state)
    info = exports.extract_info(dataset, state, link, title="Board pack", system_names=system_names)
    return board_pack_html(scope, info, origin)


# ---------------------------------------------------------------------------------------------------------
# PDF through a headless Chromium


class PdfUnavailable(RuntimeError):
    """No PDF could be made; the message says why and what to do instead."""


def find_browser() -> str | None:
    """A Chromium or Chrome to print with: ``CHROMIUM_PATH`` if set, else one on the PATH."""
    from analysis.chromium import find_chromium  # the one locator, shared with tests and benchmarks

    return find_chromium()


def pdf_available() -> bool:
    """Whether this machine can print the pack to PDF."""
    return find_browser() is not None


def pdf_from_html(document: str, *, browser: str | None = None, timeout: float = PDF_TIMEOUT) -> bytes:
    """Print an HTML document to PDF with a headless Chromium (A4, as the page's print rules say).

    The browser runs with a throw-away profile, no network (every host name fails to resolve) and a
    virtual-time budget so the charts finish drawing before printing; it is stopped (its whole process
    group) if it takes longer than ``timeout`` seconds.

    Args:
        document: The HTML (e.g. :func:`board_pack_html`).
        browser: The browser executable; default :func:`find_browser`.
        timeout: Seconds before giving up.

    Returns:
        The PDF's bytes.

    Raises:
        PdfUnavailable: No browser, or it failed or took too long.
    """
    executable = browser or find_browser()
    if executable is None:
        raise PdfUnavailable(NO_BROWSER)
    with tempfile.TemporaryDirectory(prefix="boardpack-") as folder:
        root = Path(folder)
        source = root / "pack.html"
        target = root / "pack.pdf"
        source.write_text(document, encoding="utf-8")
        command = [
            executable,
            "--headless",
            # The sandbox cannot start as root or in most containers; the page is our own escaped HTML,
            # opened from a file with the network cut off, in a profile thrown away afterwards.
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={root / 'profile'}",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=20000",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            raise PdfUnavailable(
                f"The browser {executable} could not be started ({exc}). {NO_BROWSER}"
            ) from exc
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _stop(process)
            raise PdfUnavailable(
                f"The browser took longer than {timeout:.0f} s to print the pack and was stopped. "
                "Download the HTML board pack and print it from a browser instead."
            ) from exc
        if not target.is_file() or target.read_bytes()[:5] != b"%PDF-":
            detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise PdfUnavailable(
                f"The browser did not produce a PDF (exit status {process.returncode}: {detail[0][:300]}). "
                "Download the HTML board pack and print it from a browser instead."
            )
        return target.read_bytes()


def _stop(process: subprocess.Popen) -> None:
    """Kill the browser we started and its helpers (its own process group, by id), then reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.communicate(timeout=10)


def board_pack_pdf(document: str, *, timeout: float = PDF_TIMEOUT) -> bytes:
    """The board pack as PDF (see :func:`pdf_from_html`)."""
    return pdf_from_html(document, timeout=timeout)
