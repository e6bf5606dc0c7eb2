"""Header detection: which row is the header, how it is split, what each cell means, what kind of file it is.

A header cell is folded to a comparable form (case, spaces, non-breaking spaces, units such as `(£000)` and
punctuation removed) and looked up among every kind's column names and aliases (`analysis.contract`). The
line, delimiter and kind that explain most cells among the first lines win. A header that cannot be used
(a required column missing, two cells meaning one column, money in £m, far too many columns) is a
`FileError` that says what to do.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass

from analysis.contract import KINDS, MONEY_COLUMNS, Kind

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
HEADER_SEARCH_LINES = 10
"""Lines scanned for a header, so a title row or two above it (as Excel reports have) does not defeat us."""
MAX_HEADER_FIELDS = 1_000
"""Most columns a header row may have, empty ones included. An extract has about a dozen; Excel adds a few
empty ones when cells right of the data were ever formatted. Only so many cells of a line are examined when
looking for a header, and a header wider than this is refused with a FileError rather than read: the reader
spends time per column, and a line of a million commas must not take minutes."""

_CSV_FIELD_LIMIT = 2**31 - 1
"""The csv module refuses fields over 131,072 characters by default, a guard for streaming readers against
a quote never closed. This reader always holds the whole text, so no field can be longer than the file, and
a long cell must be read as a cell (here in a header, and in the reader's csv-module path). The limit is
process-global state of the csv module: it is raised here, once, at import (never lowered, never changed
per call, so threads reading at the same time cannot race over it). 2**31 - 1 is the largest value a C
long holds on every platform (Windows included)."""
if csv.field_size_limit() < _CSV_FIELD_LIMIT:
    csv.field_size_limit(_CSV_FIELD_LIMIT)


_THOUSANDS_PATTERNS = (
    r"\(\s*£\s*'?000s?\s*\)",
    r"£\s*'?000s?",
    r"\(\s*£\s*k\s*\)",
    r"£\s*k\b",
    r"\bgbp\s*'?000s?\b",
    r"\bin\s+£?\s*thousands\b",
    r"\(\s*thousands\s*\)",
)
_MILLIONS_PATTERNS = (
    r"\(\s*£\s*(?:m|mn|millions?)\s*\)",
    r"£\s*(?:m|mn|millions?)\b",
    r"\bgbp\s*(?:m|mn|millions?)\b",
    r"\bin\s+£?\s*millions?\b",
    r"\(\s*(?:m|millions?)\s*\)",
)
_POUNDS_PATTERNS = (r"\(\s*£\s*\)", r"£", r"\(\s*gbp\s*\)", r"\bin\s+pounds\b", r"\(\s*pounds\s*\)")
_UNIT_RE = re.compile("|".join((*_THOUSANDS_PATTERNS, *_MILLIONS_PATTERNS, *_POUNDS_PATTERNS)), re.IGNORECASE)
_THOUSANDS_RE = re.compile("|".join(_THOUSANDS_PATTERNS), re.IGNORECASE)
_MILLIONS_RE = re.compile("|".join(_MILLIONS_PATTERNS), re.IGNORECASE)
_POUNDS_RE = re.compile("|".join(_POUNDS_PATTERNS), re.IGNORECASE)
_MONEY_COLUMNS = frozenset(MONEY_COLUMNS)


class FileError(Exception):
    """A file that cannot be read as an extract at all; the message says what to do."""


def normalise_header(text: str) -> str:
    """Fold a header cell to a comparable form: case, spaces, units and punctuation removed."""
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ")
    text = _UNIT_RE.sub(" ", text)
    text = text.lower().replace("£", " ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def _alias_map(kind: Kind) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for column in kind.columns:
        for alias in (column.name, *column.aliases):
            mapping.setdefault(normalise_header(alias), column.name)
    return mapping


_ALIASES: dict[str, dict[str, str]] = {kind.name: _alias_map(kind) for kind in KINDS}


def expected_headers() -> str:
    """Every kind's expected header, for messages about files that cannot be read."""
    return "; ".join(f"{kind.title.lower()}: {kind.expected_header()}" for kind in KINDS)


def split_header(line: str, delimiter: str) -> list[str]:
    """The cells of one header line, quotes honoured."""
    return next(csv.reader([line], delimiter=delimiter), [])


def _score(folded: list[str], kind: Kind) -> tuple[float, int, dict[int, str]]:
    """How well header cells, already normalised, match a kind: (share of required columns, required
    matched, position→name)."""
    aliases = _ALIASES[kind.name]
    mapped: dict[int, str] = {}
    for position, cell in enumerate(folded):
        name = aliases.get(cell)
        if name is not None:
            mapped[position] = name
    found = set(mapped.values())
    matched = sum(1 for name in kind.required if name in found)
    return matched / len(kind.required), matched, mapped


@dataclass
class Header:
    """The header found: its line (0-based), delimiter, cells, kind, position → canonical name, and the
    share of the kind's required columns it holds."""

    line_index: int
    delimiter: str
    fields: list[str]
    kind: Kind
    mapped: dict[int, str]
    share: float


def _rank(header: Header) -> tuple[int, float, int, int]:
    """Prefer the kind that explains most header cells, then the most complete, then the earliest line.

    Counting explained cells first matters because kinds share columns: a control-totals header missing
    `month` still holds every required column of a system control totals file, and must be reported as a
    control-totals file with a missing column, not read as another kind.
    """
    found = set(header.mapped.values())
    matched = sum(1 for name in header.kind.required if name in found)
    return len(found), header.share, matched, -header.line_index


def find_header(lines: list[str]) -> Header | None:
    """The line, delimiter and kind that best explain a header among the first lines, or None.

    Only the first `MAX_HEADER_FIELDS` cells of a line are examined (a wider header is refused by
    `check_header`), and each distinct cell is normalised once for every delimiter and kind, so a wide
    line costs the time to split it and no more.
    """
    best: Header | None = None
    folded: dict[str, str] = {}
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        if not line.strip():
            continue
        for delimiter in DELIMITERS:
            if delimiter not in line and delimiter != ",":
                continue
            fields = split_header(line, delimiter)
            cells = []
            for cell in fields[:MAX_HEADER_FIELDS]:
                if cell not in folded:
                    folded[cell] = normalise_header(cell)
                cells.append(folded[cell])
            for kind in KINDS:
                share, matched, mapped = _score(cells, kind)
                if matched < 2:
                    continue
                candidate = Header(index, delimiter, fields, kind, mapped, share)
                if best is None or _rank(candidate) > _rank(best):
                    best = candidate
        if best is not None and best.share == 1.0:
            break
    return best


def check_header(header: Header) -> None:
    """Raise FileError when the header cannot be used: too wide, a required column missing, two cells
    meaning one column, or money in £m."""
    kind = header.kind
    if len(header.fields) > MAX_HEADER_FIELDS:
        empty = sum(1 for cell in header.fields if not cell.strip())
        raise FileError(
            f"The header row (line {header.line_index + 1}) has {len(header.fields):,} columns "
            f"({empty:,} of them empty), more than the {MAX_HEADER_FIELDS:,} an extract may have. Delete "
            "the unused columns to the right of the data (in Excel: select them, right-click > Delete), "
            "save as CSV UTF-8 and load the file again. "
            f"Expected header: {kind.expected_header()}"
        )
    found = set(header.mapped.values())
    missing = [name for name in kind.required if name not in found]
    if missing:
        raise FileError(
            f"Looks like a {kind.title.lower()} extract, but the required column(s) "
            f"{', '.join(missing)} are missing. Expected header: {kind.expected_header()}"
        )
    by_name: dict[str, list[int]] = {}
    for position, name in header.mapped.items():
        by_name.setdefault(name, []).append(position)
    for name, positions in by_name.items():
        if len(positions) > 1:
            cells = " and ".join(f"column {p + 1} ('{header.fields[p].strip()}')" for p in positions)
            raise FileError(
                f"{cells} both mean {name}: keep one of them and load the file again. "
                f"Expected header: {kind.expected_header()}"
            )
    for position, name in header.mapped.items():
        cell = header.fields[position]
        unit = money_unit(cell) if name in _MONEY_COLUMNS else "£000"
        if unit != "£000":
            how = "multiply them by 1,000" if unit == "£m" else "divide them by 1,000"
            raise FileError(
                f"Column {position + 1} ('{cell.strip()}') is in {_UNIT_NAMES[unit]} ({unit}), but extracts "
                f"must be in £000 (thousands of pounds), and it is not read as £000: {how} and name the "
                f"column without a unit or with (£000). Expected header: {kind.expected_header()}"
            )


_UNIT_NAMES = {"£": "pounds", "£m": "millions of pounds"}


def money_unit(cell: str) -> str:
    """The unit a money header names: `£000` (also `£k`, `£'000`, thousands, or none at all), `£m` or `£`.

    Thousands are looked for first, so the `£` of `£000` is not taken for pounds.
    """
    text = unicodedata.normalize("NFKC", cell).replace("\u00a0", " ")
    if _THOUSANDS_RE.search(text):
        return "£000"
    if _MILLIONS_RE.search(text):
        return "£m"
    if _POUNDS_RE.search(text):
        return "£"
    return "£000"


def ignored_columns(header: Header) -> list[str]:
    """Header cells that name no column of the kind (reported, not read)."""
    return [
        header.fields[p].strip()
        for p in range(len(header.fields))
        if p not in header.mapped and header.fields[p].strip()
    ]
