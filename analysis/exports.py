"""Files people take away: CSV and Excel that open correctly, say where they came from, and run nothing.

* Text cells beginning with ``=``, ``+``, ``-``, ``@`` (or their full-width forms), tab or carriage return
  are prefixed with ``'`` (OWASP CSV injection guidance), in CSV and in Excel alike; numbers stay numbers,
  so a negative amount is still ``-1234.5``, not text. A lone ``-`` and a plain number held as text
  (``-5``) are left as written: they cannot be formulas (:func:`neutralise_text`).
* CSV is UTF-8 with a byte-order mark (so Excel shows ``£``) and CRLF line ends, without the index.
* Excel is written by xlsxwriter with ``strings_to_formulas``, ``strings_to_urls`` and ``strings_to_numbers``
  off, so no cell of data ever becomes a formula, link or number it was not. Money cells hold numbers with a
  ``£`` number format (:func:`analysis.formatting.excel_number_format`); the header row is frozen and has an
  autofilter; a second sheet, "About this extract", says what the rows are (:class:`ExtractInfo`).

Pure functions, no Streamlit: the pages, the board pack and the command line all call these.
"""

from __future__ import annotations

import io
import math
import numbers
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final

import numpy as np
import pandas as pd

import analysis
from analysis import formatting, measures, tables
from analysis.formatting import Unit
from analysis.model import Dataset
from analysis.report import status_sentence
from analysis.state import ViewState

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""First characters that make a spreadsheet read a cell as a formula: OWASP's six, and the full-width
``＝ ＋ － ＠`` (U+FF1D, U+FF0B, U+FF0D, U+FF20), which Excel takes as their ASCII forms."""
PRODUCT = "ICS financial control totals dashboard"
DEFAULT_BASE_URL: Final = "http://localhost:8501"
"""Where the dashboard runs when ``APP_BASE_URL`` is not set; links in extracts start with it."""
ABOUT_SHEET: Final = "About this extract"
EXCEL_MAX_ROWS: Final = 1_048_576
"""Rows in an Excel sheet, header included."""
EXCEL_MAX_URL: Final = 2079
"""Longest hyperlink Excel accepts; a longer link is written as plain text."""
MONEY_DECIMALS: Final = 6
"""Exported numbers are rounded to 6 decimal places (whole pounds in £m), so binary-float noise such as
``0.30000000000000004`` never reaches a file; the values on screen are unchanged by it."""
SAMPLE_NOTE: Final = (
    "Illustrative data: system codes, names, regions, organisations and the sourced ratings are real; "
    "every money figure is synthetic (fixed-seed sample), not NHS accounts."
)

XLSX_MIME: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME: Final = "text/csv"


# ---------------------------------------------------------------------------------------------------------
# Neutralising text


_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.[0-9]+)?", re.ASCII)
"""An ASCII sign, digits (optionally grouped in threes by commas) and decimals, and nothing else."""


def _cannot_be_formula(text: str) -> bool:
    """A lone ``-`` (the usual "no figure" placeholder) or a plain number such as ``-5`` or ``-1,234.5``.

    OWASP prefixes every cell that starts with a trigger, but a placeholder or a plain number cannot hold a
    formula, and the ``'`` would then show in Excel as part of a wrong value (``'-``, ``'-5``). The test is
    strict: ASCII digits only, the whole cell (no space, newline, second sign, ``%`` or letter), so anything
    else that starts with a trigger is still neutralised.
    """
    if text == "-":
        return True
    return any(ch.isdigit() for ch in text) and _PLAIN_NUMBER.fullmatch(text) is not None


def neutralise_text(value: object) -> object:
    """Prefix a text value that a spreadsheet would run as a formula; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not _cannot_be_formula(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text column made inert; numeric, boolean and date columns are left as they are."""
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if pd.api.types.is_string_dtype(series) or series.dtype == object:
            safe[column] = series.map(neutralise_text, na_action="ignore")
    safe.columns = [neutralise_text(str(c)) for c in safe.columns]
    return safe


def _tidy_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns rounded to ``MONEY_DECIMALS`` places (see there); other columns untouched."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_float_dtype(series):
            out[column] = series.round(MONEY_DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    return out


# ---------------------------------------------------------------------------------------------------------
# CSV


ILLUSTRATIVE_COLUMN: Final = "Data"
ILLUSTRATIVE_VALUE: Final = "Illustrative: synthetic money, not NHS accounts"


def label_illustrative(frame: pd.DataFrame, illustrative: bool) -> pd.DataFrame:
    """The rows with a last column saying, on every row, that the money is illustrative (when it is).

    A column survives a forwarded file, a filter or a copy of some rows, and any CSV reader reads it.
    """
    if not illustrative or ILLUSTRATIVE_COLUMN in frame.columns:
        return frame
    labelled = frame.copy()  # a copy keeps the table's marks (DataFrame.attrs)
    labelled[ILLUSTRATIVE_COLUMN] = ILLUSTRATIVE_VALUE
    return labelled


def csv_bytes(frame: pd.DataFrame, *, illustrative: bool = False) -> bytes:
    """CSV as UTF-8 with a byte-order mark (so Excel shows `£`), formula-safe, CRLF, without the index.

    Args:
        frame: The table as shown (money already in the display unit, unit in the header).
        illustrative: The data is the illustrative sample: every row says so (:func:`label_illustrative`).

    Returns:
        The file's bytes.
    """
    frame = label_illustrative(frame, illustrative)
    text = neutralise_frame(_tidy_numbers(frame)).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


# ---------------------------------------------------------------------------------------------------------
# What an extract is: the view in words, the link, data as at, lineage


def base_url() -> str:
    """The dashboard's address: ``APP_BASE_URL`` if set, else ``http://localhost:8501``."""
    return (os.environ.get("APP_BASE_URL") or DEFAULT_BASE_URL).strip().rstrip("/")


def browser_base_url(origin: str | None, host: str | None, base_path: str = "") -> str | None:
    """The dashboard's address as the browser reached it, from the request's ``Origin`` (or ``Host``)
    header and the server's base path; None when the request says neither.

    ``APP_BASE_URL`` still wins where it is set (a proxy may rewrite the headers); without it, links in
    exports point where the person's browser actually went rather than at ``localhost``.
    """
    root = (origin or "").strip().rstrip("/")
    if not root or root == "null":
        name = (host or "").strip()
        if not name or any(c in name for c in "/\\ @?#"):
            return None
        root = f"http://{name}"
    if not root.startswith(("http://", "https://")):
        return None
    path = base_path.strip("/")
    return f"{root}/{path}" if path else root


def view_link(
    state: ViewState,
    *,
    page: str = "",
    system_names: Mapping[str, str] | None = None,
    base: str | None = None,
) -> str:
    """The address that reopens a view: the dashboard's URL, the page's path and the view's link query.

    Args:
        state: The view (resolved filters, unit, footprint, system in focus).
        page: The page's URL path (``"systems"``, ``"explore"``; ``""`` for the overview).
        system_names: System code -> name (systems are spelt ``Name (code)``, as the filter shows them).
        base: The dashboard's address; default :func:`base_url`.

    Returns:
        E.g. ``http://localhost:8501/systems?year=2018%2F19&month=M09+%28Dec+2018%29&unit=%C2%A3m``.
    """
    root = (base if base is not None else base_url()).rstrip("/")
    query = state.query_string(system_names)
    path = f"{root}/{page.strip('/')}"
    return f"{path}?{query}" if query else path


def data_as_at(dataset: Dataset) -> str:
    """The latest month with any actuals in the data, e.g. ``"M09 (Dec 2018), 2018/19"``."""
    months = measures.months_with_actuals(dataset.control_totals)
    reported = sorted((year, max(ms)) for year, ms in months.items() if ms)
    if not reported:
        return "no actuals loaded"
    year, month = reported[-1]
    return f"{formatting.month_label(year, month)}, {year}"


@dataclass(frozen=True)
class SourceFile:
    """One input file as an extract reports it."""

    name: str
    kind: str
    rows: int
    valid: int
    quarantined: int
    sha256: str
    status: str


@dataclass(frozen=True)
class ExtractInfo:
    """Where an extract came from: what the About sheet (and the board pack's last page) say."""

    title: str
    filters: str
    link: str
    period: str
    data_as_at: str
    unit: Unit
    validation: str
    rows_quarantined: int
    files_unreadable: int
    sources: tuple[SourceFile, ...]
    is_sample: bool
    version: str
    generated: str

    @property
    def product(self) -> str:
        """The product name and version, as extracts name their maker."""
        return f"{PRODUCT} {self.version}"

    def items(self, rows: int | None = None, columns: int | None = None) -> list[tuple[str, object]]:
        """The About sheet's label/value pairs, in order (values are str or int)."""
        out: list[tuple[str, object]] = [
            ("Extract", self.title),
            ("Filters", self.filters),
            ("Link to this view", self.link),
            ("Period", self.period),
            ("Data as at", f"{self.data_as_at} (latest month with actuals)"),
        ]
        if rows is not None:
            shape = f"{rows:,} row{'' if rows == 1 else 's'}"
            shape += f", {columns} column{'' if columns == 1 else 's'}" if columns is not None else ""
            out.append(("Rows", shape))
        out += [
            (
                "Units",
                f"Money in {self.unit} ({'thousands' if self.unit == '£000' else 'millions'} of pounds); "
                "deficits and adverse variances are negative, shown in brackets. Cells keep the full value.",
            ),
            ("Validation", self.validation),
            ("Rows quarantined", self.rows_quarantined),
            ("Files unreadable", self.files_unreadable),
        ]
        if self.is_sample:
            out.append(("Illustrative data", SAMPLE_NOTE))
        out += [("Product version", self.product), ("Generated (UTC)", self.generated)]
        return out


def utc_now() -> str:
    """The current time, UTC, ISO 8601 to the second: ``"2026-11-23T17:42:05Z"``."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def extract_info(
    dataset: Dataset,
    state: ViewState,
    link: str = "",
    *,
    title: str = "Extract",
    system_names: Mapping[str, str] | None = None,
    generated: str | None = None,
) -> ExtractInfo:
    """What an extract says about itself, from the dataset and the view.

    Args:
        dataset: The dataset the extract was taken from (its files, checks and sample flag).
        state: The view (resolved filters, unit, footprint).
        link: The address that reopens the view (:func:`view_link`).
        title: What the rows are, e.g. ``"Systems side by side"``.
        system_names: System code -> name, to name chosen systems in words.
        generated: When the extract was made (default: now, UTC).

    Returns:
        The extract's description.
    """
    sources = tuple(
        SourceFile(
            name=f.name,
            kind=f.kind or "unreadable",
            rows=int(f.rows),
            valid=int(f.valid),
            quarantined=int(f.quarantined),
            sha256=f.sha256,
            status="read" if f.readable else f"could not be read: {f.error}",
        )
        for f in dataset.files
    )
    return ExtractInfo(
        title=title,
        filters=state.words(system_names),
        link=link,
        period=state.period_words(),
        data_as_at=data_as_at(dataset),
        unit=state.unit,
        validation=status_sentence(dataset),
        rows_quarantined=int(dataset.rows_quarantined),
        files_unreadable=len(dataset.file_errors),
        sources=sources,
        is_sample=bool(dataset.is_sample),
        version=analysis.__version__,
        generated=generated or utc_now(),
    )


# ---------------------------------------------------------------------------------------------------------
# Excel


class ExtractTooLarge(ValueError):
    """The rows do not fit in one Excel sheet."""


def fits_in_excel(frame: pd.DataFrame) -> bool:
    """Whether the rows fit in one sheet beside the header row."""
    return len(frame) < EXCEL_MAX_ROWS


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and not math.isfinite(float(value))


def _width(header: str, series: pd.Series, kind: str, unit: Unit) -> float:
    """A column width (characters) that shows the values and a wrapped header without being absurd."""
    if kind == "money":
        biggest = series.abs().max() if len(series) and series.notna().any() else 0.0
        places = formatting.DEFAULT_DECIMALS[unit]
        value_len = len(f"£{float(biggest):,.{places}f}m") + 2
    elif pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        value_len = max((len(f"{v:,}") for v in series.dropna().head(5000)), default=1)
    else:
        value_len = max((len(str(v)) for v in series.dropna().head(5000)), default=1)
    header_len = min(len(header), 18)  # longer headers wrap onto a second line
    return float(min(max(value_len, header_len, 6) + 2, 60))


def _write_value(sheet, row: int, col: int, value: object, fmt, text_fmt) -> None:
    if _is_missing(value):
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool | np.bool_):
        sheet.write_boolean(row, col, bool(value), fmt)
    elif isinstance(value, numbers.Real):
        sheet.write_number(row, col, float(value), fmt)
    elif isinstance(value, datetime | date | pd.Timestamp):
        sheet.write_string(row, col, value.isoformat(), text_fmt)
    else:
        sheet.write_string(row, col, str(neutralise_text(str(value))), text_fmt)


def xlsx_bytes(frame: pd.DataFrame, about: ExtractInfo, unit: Unit, sheet_name: str = "Data") -> bytes:
    """An Excel workbook: the rows on a sheet of their own, then the "About this extract" sheet.

    Money columns hold numbers with the board's ``£`` number format and percentage columns numbers with a
    ``%`` format (12.3 = 12.3%), both found from the table's marks (:func:`analysis.tables.kinds`), not its
    headers; text is neutralised as in CSV; the header row is frozen and has an autofilter.

    Args:
        frame: The table as shown (money already in ``unit``), marked by its view.
        about: Where it came from (:func:`extract_info`).
        unit: Display unit of the money columns.
        sheet_name: Name of the data sheet.

    Returns:
        The .xlsx file's bytes.

    Raises:
        ExtractTooLarge: More rows than one sheet holds (export CSV instead).
    """
    import xlsxwriter

    if not fits_in_excel(frame):
        raise ExtractTooLarge(
            f"{len(frame):,} rows do not fit in one Excel sheet ({EXCEL_MAX_ROWS - 1:,} at most): "
            "narrow the filters or download CSV."
        )
    frame = _tidy_numbers(label_illustrative(frame, about.is_sample))
    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    workbook = xlsxwriter.Workbook(buffer, options)
    comments = f"{about.filters}. Generated {about.generated} by {about.product}."
    workbook.set_properties({"title": about.title, "comments": comments})
    base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
    header_fmt = workbook.add_format(
        {**base, "bold": True, "text_wrap": True, "bottom": 1, "bg_color": "#E8EDEE", "font_color": "#212B32"}
    )
    text_fmt = workbook.add_format(base)
    formats = {
        "money": workbook.add_format({**base, "num_format": formatting.excel_number_format(unit)}),
        "percent": workbook.add_format({**base, "num_format": formatting.PERCENT_EXCEL_FORMAT}),
    }

    sheet = workbook.add_worksheet(sheet_name[:31])
    headers = [str(c) for c in frame.columns]
    kind_of = tables.kinds(frame)
    kinds = [kind_of[c] for c in frame.columns]
    for col, (header, kind, column) in enumerate(zip(headers, kinds, frame.columns, strict=True)):
        sheet.write_string(0, col, str(neutralise_text(header)), header_fmt)
        sheet.set_column(col, col, _width(header, frame[column], kind, unit))
    sheet.set_row(0, 30)
    column_formats = [formats.get(k, text_fmt) for k in kinds]
    for row, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        for col, value in enumerate(values):
            _write_value(sheet, row, col, value, column_formats[col], text_fmt)
    sheet.freeze_panes(1, 0)
    if headers:
        sheet.autofilter(0, 0, len(frame), len(headers) - 1)

    _about_sheet(workbook, about, rows=len(frame), columns=len(headers), base=base, header_fmt=header_fmt)
    workbook.close()
    return buffer.getvalue()


def _about_sheet(workbook, about: ExtractInfo, *, rows: int, columns: int, base: dict, header_fmt) -> None:
    sheet = workbook.add_worksheet(ABOUT_SHEET)
    label_fmt = workbook.add_format({**base, "bold": True})
    wrap_fmt = workbook.add_format({**base, "text_wrap": True})
    link_fmt = workbook.add_format({**base, "font_color": "#005EB8", "underline": 1})
    title_fmt = workbook.add_format({**base, "bold": True, "font_size": 14})
    number_fmt = workbook.add_format({**base, "align": "left"})
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 90)
    sheet.set_column(2, 4, 12)
    sheet.set_column(5, 5, 66)
    sheet.set_column(6, 6, 40)
    sheet.write_string(0, 0, ABOUT_SHEET, title_fmt)
    row = 2
    for label, value in about.items(rows=rows, columns=columns):
        sheet.write_string(row, 0, label, label_fmt)
        if label == "Link to this view" and isinstance(value, str) and _linkable(value):
            sheet.write_url(row, 1, value, link_fmt, string=value)
        elif isinstance(value, int):
            sheet.write_number(row, 1, value, number_fmt)
        else:
            sheet.write_string(row, 1, str(neutralise_text(str(value))), wrap_fmt)
        row += 1
    row += 1
    sheet.write_string(row, 0, "Source files", label_fmt)
    row += 1
    for col, header in enumerate(("File", "Kind", "Rows", "Valid", "Quarantined", "sha256", "Status")):
        sheet.write_string(row, col, header, header_fmt)
    for source in about.sources:
        row += 1
        cells: Sequence[object] = (
            source.name,
            source.kind,
            source.rows,
            source.valid,
            source.quarantined,
            source.sha256,
            source.status,
        )
        for col, value in enumerate(cells):
            _write_value(sheet, row, col, value, wrap_fmt, wrap_fmt)
    if not about.sources:
        sheet.write_string(row + 1, 0, "No source files were recorded.", wrap_fmt)


def _linkable(url: str) -> bool:
    return url.startswith(("http://", "https://")) and len(url) <= EXCEL_MAX_URL
