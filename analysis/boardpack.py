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

Printing: A4 portrait, each section on a new page, charts and table rows never split, table headers repeated;
charts are drawn 1000 px wide and scaled to the page when printed.
"""

from __future__ import annotations

import contextlib
import functools
import html
import numbers
import os
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from analysis import exports, figures, formatting, views
from analysis.exports import ExtractInfo
from analysis.filters import Filters
from analysis.formatting import Unit
from analysis.model import Dataset

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
    "Accepted",
    "Trend (SPC)",
)
"""The systems table in the pack: the columns that fit an A4 page (the Systems page exports them all)."""


# ---------------------------------------------------------------------------------------------------------
# Escaping and the inline script


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
# Pieces of the page


def _cell(value: object, header: str, unit: Unit) -> tuple[str, bool]:
    """A table cell's text and whether it is a number (right-aligned)."""
    if isinstance(value, bool | np.bool_):
        return ("yes" if value else "no"), False
    if isinstance(value, str):
        return value, False
    if formatting.is_missing(value):
        return formatting.MISSING, True
    if header.endswith(f"({unit})"):
        places = formatting.DEFAULT_DECIMALS[unit]
        return formatting.format_money(value, "£000", decimals=places, with_symbol=False), True
    if header.endswith("%") and isinstance(value, numbers.Real):
        return formatting.format_percent(value, 2), True
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}", True
    if isinstance(value, numbers.Real):
        return f"{float(value):,.2f}", True
    return str(value), False


def table_html(frame: pd.DataFrame, unit: Unit, caption: str = "") -> str:
    """A table with the board's number format: money in brackets, no symbol (the header has the unit)."""
    if frame.empty:
        return f"<p>{esc(views.NO_DATA)}</p>"
    headers = [str(c) for c in frame.columns]
    head = "".join(
        f'<th scope="col"{" class=num" if _numeric_header(h, frame[c], unit) else ""}>{esc(h)}</th>'
        for h, c in zip(headers, frame.columns, strict=True)
    )
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = []
        for header, value in zip(headers, values, strict=True):
            text, numeric = _cell(value, header, unit)
            cells.append(f"<td{' class=num' if numeric else ''}>{esc(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _numeric_header(header: str, series: pd.Series, unit: Unit) -> bool:
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    return header.endswith(f"({unit})") or numeric


def _headlines_html(items: Iterable[views.Headline]) -> str:
    cards = []
    for item in items:
        delta = ""
        if item.delta:
            words = item.delta.lstrip("-")  # the page's leading hyphen only steers Streamlit's arrow
            tone = "adverse" if "adverse" in words else "favourable" if "favourable" in words else "neutral"
            delta = f'<p class="delta {tone}">{esc(words)}</p>'
        help_text = f'<p class="help">{esc(item.help)}</p>' if item.help else ""
        cards.append(
            f'<div class="card"><p class="label">{esc(item.label)}</p>'
            f'<p class="value">{esc(item.value)}</p>{delta}{help_text}</div>'
        )
    return f'<div class="cards">{"".join(cards)}</div>' if cards else ""


def _paragraphs(text: str) -> str:
    parts = [p.strip() for p in str(text).split("\n\n") if p.strip()]
    return "".join(f"<p>{esc(p)}</p>" for p in parts)


class _Charts:
    """Numbers the charts of one pack, so each has a stable id and the page can count them."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, figure: go.Figure, name: str) -> str:
        self.count += 1
        alt = figures.alt_text(figure)
        body = figure_html(figure, name, f"chart-{self.count}")
        caption = f"<figcaption>Chart description: {esc(alt)}</figcaption>" if alt else ""
        label = f' role="group" aria-label="{esc(alt)}"' if alt else ""
        return f'<figure class="chart"{label}><div class="plot">{body}</div>{caption}</figure>'


def _banner(info: ExtractInfo) -> str:
    return f'<p class="banner" role="note">{esc(exports.SAMPLE_NOTE)}</p>' if info.is_sample else ""


def _facts(info: ExtractInfo, origin: str | None) -> str:
    items = [
        ("Period", info.period),
        ("Data as at", f"{info.data_as_at} (latest month with actuals)"),
        ("Filters", info.filters),
    ]
    if origin:
        items.append(("Source", origin))
    items += [("Checks", info.validation), ("Generated", f"{info.generated} (UTC), {info.product}")]
    return '<dl class="facts">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items) + "</dl>"


def _sources_table(info: ExtractInfo) -> str:
    frame = pd.DataFrame(
        [
            {
                "File": s.name,
                "Kind": s.kind,
                "Rows": s.rows,
                "Valid": s.valid,
                "Quarantined": s.quarantined,
                "sha256": s.sha256,
                "Status": s.status,
            }
            for s in info.sources
        ],
        columns=["File", "Kind", "Rows", "Valid", "Quarantined", "sha256", "Status"],
    )
    if frame.empty:
        return "<p>No source files were recorded.</p>"
    return table_html(frame, info.unit).replace("<table>", '<table class="sources">', 1)


# ---------------------------------------------------------------------------------------------------------
# The pack


def default_system(s: views.Scope) -> str | None:
    """The system whose detail the pack shows when none is chosen: the most adverse, as the detail page."""
    summary = views.system_summary(s)
    if summary.empty:
        return None
    return str(summary.sort_values("variance_ytd", kind="stable").iloc[0]["system_code"])


def board_pack_html(
    s: views.Scope, info: ExtractInfo, system_code: str | None = None, origin: str | None = None
) -> str:
    """The board pack as one HTML document.

    Args:
        s: The scope (dataset, resolved filters, unit, footprint) of the view.
        info: What the pack says about itself (:func:`analysis.exports.extract_info`).
        system_code: The system whose detail is shown; default :func:`default_system`.
        origin: Where the data came from, in words (e.g. "bundled illustrative data").

    Returns:
        The HTML text (UTF-8 when saved).
    """
    chart = _Charts()
    period = s.period
    overview = views.overview(s)
    parts = [
        '<header class="cover">',
        '<p class="kicker">Board pack: ICS finances against plan</p>',
        f"<h1>Where the money stands against plan, {esc(period)}</h1>",
        _banner(info),
        _facts(info, origin),
        "</header>",
        '<section id="overview"><h2>Overview</h2>',
    ]
    if overview.message:
        parts += [f"<p>{esc(overview.message)}</p>", "</section>"]
    else:
        parts += [
            _headlines_html(overview.headlines),
            _paragraphs(overview.narrative),
            chart(overview.ranked, f"variance-by-system-{period}"),
            "</section>",
        ]
        parts.append(_systems_section(s, info, chart))
        parts.append(_detail_section(s, info, chart, system_code))
    parts.append(_about_section(info))
    body = "\n".join(p for p in parts if p)
    return _document(f"Board pack: ICS finances against plan, {period}", body, chart.count)


def _systems_section(s: views.Scope, info: ExtractInfo, chart: _Charts) -> str:
    view = views.systems(s)
    out = ['<section id="systems"><h2>Systems side by side</h2>', _banner(info)]
    if view.message:
        out.append(f"<p>{esc(view.message)}</p>")
    else:
        out.append(chart(view.dumbbell, f"plan-vs-actual-{view.period}"))
        wanted = [
            views.money_label(c, s.unit) if c in views.SYSTEM_TABLE_MONEY else c for c in SYSTEM_TABLE_COLUMNS
        ]
        table = view.table[[c for c in wanted if c in view.table.columns]]
        caption = (
            f"Systems sorted from most adverse, year to date, {s.unit}; Variance % is the variance as a "
            "share of planned expenditure. Every column is in the Systems page's export."
        )
        out.append(f'<div class="wide">{table_html(table, s.unit, caption)}</div>')
    out.append("</section>")
    return "\n".join(p for p in out if p)


def _detail_section(s: views.Scope, info: ExtractInfo, chart: _Charts, system_code: str | None) -> str:
    code = system_code or default_system(s)
    if code is None:
        return ""
    view = views.system_detail(s, code)
    out = [f'<section id="system"><h2>{esc(view.name)} ({esc(view.code)})</h2>', _banner(info)]
    if view.message:
        out += [f"<p>{esc(view.message)}</p>", "</section>"]
        return "\n".join(p for p in out if p)
    out += [
        _headlines_html(view.headlines),
        _paragraphs(view.narrative),
        chart(view.waterfall, f"{view.code}-plan-to-actual-{view.period}"),
        chart(view.monthly, f"{view.code}-monthly-{view.period}"),
        chart(view.spc_chart, f"{view.code}-spc-variance-{view.period}"),
        "<h3>Member organisations' contributions</h3>",
        table_html(
            view.attribution, s.unit, f"Contributions to the variance to plan, year to date, {s.unit}"
        ),
        "<h3>Control totals</h3>",
        f"<p>{esc(view.reconciliation)}</p>",
        _not_accepted(view.not_accepted),
        "</section>",
    ]
    return "\n".join(p for p in out if p)


def _not_accepted(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p>Every member organisation accepted its control total (or acceptance was not stated).</p>"
    names = frame["org_name"] if "org_name" in frame.columns else frame.iloc[:, 0]
    listed = ", ".join(esc(n) for n in names.astype(str))
    return f"<p>{len(frame)} member organisation(s) did not accept their control total: {listed}.</p>"


def _about_section(info: ExtractInfo) -> str:
    return "\n".join(
        [
            '<section id="about"><h2>About these figures</h2>',
            f"<p>{esc(info.validation)} Rows that fail a check are held back from every figure in this "
            f"pack ({info.rows_quarantined:,} held back; {info.files_unreadable} file(s) could not be "
            "read).</p>",
            "<p>Money is in "
            f"{esc(info.unit)}. Surplus = income − expenditure; variance = actual surplus − planned surplus "
            "(positive favourable, negative adverse, shown in brackets in tables); overspend = actual − "
            "planned expenditure (positive adverse). Year to date runs from April (M01) to the as-at month; "
            "forecast outturn is the sum of members' forecasts at that month.</p>",
            "<h3>Source files</h3>",
            _sources_table(info),
            f"<p class=small>{esc(info.product)}; generated {esc(info.generated)} (UTC).</p>",
            "</section>",
        ]
    )


_CSS = """
:root { --blue: #005EB8; --grey: #425563; --pale: #E8EDEE; --red: #D5281B; --ink: #212B32; }
* { box-sizing: border-box; }
body { margin: 0; background: #f0f4f5; color: var(--ink);
  font: 15px/1.45 Arial, Helvetica, "Liberation Sans", sans-serif; }
main { max-width: 1060px; margin: 0 auto; background: #fff; padding: 24px 30px 40px; }
h1 { font-size: 28px; margin: 4px 0 12px; color: var(--ink); }
h2 { font-size: 22px; border-bottom: 3px solid var(--blue); padding-bottom: 4px; margin: 36px 0 12px; }
h3 { font-size: 17px; margin: 22px 0 8px; }
.kicker { color: var(--blue); font-weight: bold; margin: 0; text-transform: uppercase; letter-spacing: .04em;
  font-size: 13px; }
.banner { background: #fff9c4; border-left: 6px solid #ffb81c; padding: 8px 12px; margin: 10px 0;
  font-size: 13px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 12px 0;
  font-size: 13px; }
.facts dt { font-weight: bold; color: var(--grey); }
.facts dd { margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 10px;
  margin: 12px 0; }
.card { border: 1px solid #d8dde0; border-radius: 4px; padding: 8px 12px; break-inside: avoid; }
.card p { margin: 0; }
.card .label { font-size: 13px; color: var(--grey); }
.card .value { font-size: 24px; font-weight: bold; }
.card .delta { font-size: 13px; font-weight: bold; }
.card .delta.adverse { color: var(--red); }
.card .delta.adverse::before { content: "\\25BC  "; }
.card .delta.favourable { color: var(--blue); }
.card .delta.favourable::before { content: "\\25B2  "; }
.card .help { font-size: 11px; color: var(--grey); margin-top: 4px; }
figure.chart { margin: 16px 0; break-inside: avoid; page-break-inside: avoid; }
figure.chart .plot { width: 1000px; max-width: 100%; overflow-x: auto; }
figcaption { font-size: 12px; color: var(--grey); margin-top: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; margin: 10px 0; }
caption { caption-side: top; text-align: left; font-size: 12px; color: var(--grey); padding-bottom: 4px; }
th, td { border-bottom: 1px solid #d8dde0; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: var(--pale); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
table.sources td:nth-child(6) { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 10px;
  word-break: break-all; }
.small { font-size: 11px; color: var(--grey); }
@page { size: A4 portrait; margin: 12mm; }
@page wide { size: A4 landscape; margin: 12mm; }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  section { break-before: page; page-break-before: always; }
  section#overview { break-before: auto; page-break-before: auto; }
  .wide { page: wide; }
  h2 { margin-top: 0; }
  h2, h3, caption { break-after: avoid-page; page-break-after: avoid; }
  figure.chart .plot { zoom: ZOOM; overflow: visible; }
  .modebar-container { display: none !important; }
  table { font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .cards { grid-template-columns: repeat(4, 1fr); }
  .card .value { font-size: 18px; }
  a { color: inherit; text-decoration: none; }
}
""".replace("ZOOM", str(PRINT_ZOOM))


def _document(title: str, body: str, charts: int) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="{esc(exports.PRODUCT)}">\n'
        f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n"
        "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n"
        + (f"<script>{plotly_js()}</script>\n" if charts else "")
        + f"</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def build_board_pack(
    dataset: Dataset,
    filters: Filters,
    unit: Unit,
    restate: bool = False,
    *,
    system_code: str | None = None,
    system_names: Mapping[str, str] | None = None,
    origin: str | None = None,
    link: str = "",
) -> str:
    """The board pack for a dataset and resolved filters (what the Overview page and the CLI call).

    Args:
        dataset: The validated dataset.
        filters: Resolved filters.
        unit: Display unit.
        restate: Restate on today's footprints.
        system_code: The system whose detail is shown (default: the most adverse).
        system_names: System code -> name, to name chosen systems in the filters sentence.
        origin: Where the data came from, in words.
        link: The view's address (kept in the pack's description, not printed: the pack links nowhere).

    Returns:
        The HTML text.
    """
    scope = views.scope(dataset, filters, unit, restate)
    info = exports.extract_info(
        dataset, filters, unit, restate, link, title="Board pack", system_names=system_names
    )
    return board_pack_html(scope, info, system_code, origin)


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
