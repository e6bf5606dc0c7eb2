"""Reading extracts: bytes in, a table of raw strings with canonical names and physical line numbers out.

This step understands the messy forms real extracts come in (encodings, delimiters, renamed headers with
units, quoted fields) and decides what kind of extract a file is from its header row alone. It does not
judge values: that is validation's job. A file it cannot read at all gets a `FileError` that says what is
wrong and what header was expected.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from analysis.contract import MONEY_COLUMNS, Kind
from analysis.headers import (
    HEADER_SEARCH_LINES,
    MAX_HEADER_FIELDS,
    FileError,
    check_header,
    expected_headers,
    find_header,
    ignored_columns,
)
from analysis.parsing import in_threads

__all__ = ["MAX_HEADER_FIELDS", "FileError", "RawTable", "expected_headers", "read_bytes", "read_path"]

if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
    # pyarrow's default allocator (mimalloc) keeps handing pages back to the system and faulting fresh ones
    # in this workload: at 1M rows glibc's allocator makes a load about a fifth faster and steadier, with
    # a lower peak (docs/performance.md). An explicit ARROW_DEFAULT_MEMORY_POOL is respected.
    pa.set_memory_pool(pa.system_memory_pool())


@dataclass
class RawTable:
    """One file read into strings: canonical column names, index = physical line number (header = 1)."""

    name: str
    sha256: str
    kind: Kind
    frame: pd.DataFrame
    header_line: int
    delimiter: str
    encoding: str
    ignored_columns: list[str] = field(default_factory=list)
    field_count_lines: dict[int, int] = field(default_factory=dict)
    """Lines whose number of fields differs from the header's: line → fields seen."""
    blank_lines: int = 0
    distinct: dict[str, tuple[np.ndarray, pd.Series]] = field(default_factory=dict, repr=False, compare=False)
    """Columns of `frame` the reader dictionary-encoded: name → (codes per row, distinct values, NA included).

    `frame[name]` equals `distinct[name][1].take(distinct[name][0])`; validation parses each distinct value
    once instead of once per row. Filled by the fast reader for columns with few distinct values.
    """

    @property
    def rows(self) -> int:
        """Data rows read (blank lines are not rows)."""
        return len(self.frame)


def decode(data: bytes) -> tuple[str, str]:
    """Decode file bytes, returning (text, encoding name). UTF-8 (with or without BOM) or Windows-1252."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise FileError(
                f"The file starts like UTF-16 text but is damaged ({exc.reason} at byte {exc.start}): "
                f"save it again as CSV UTF-8. Expected a header row, one of: {expected_headers()}"
            ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[3:]  # a UTF-8 mark on Windows-1252 text: read it as Windows-1252 below
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Windows-1252 leaves five bytes undefined; Latin-1 maps them, so nothing is lost or replaced.
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _check_is_text(data: bytes) -> None:
    if not data[:4096].strip() and not data.strip():  # the prefix spares a copy of a large file
        raise FileError(
            f"The file is empty. Expected a CSV file with a header row, one of: {expected_headers()}"
        )
    head = data[:4096]
    if head.startswith(b"PK\x03\x04"):
        raise FileError(
            "This is an Excel workbook or other zip file, not a CSV. In Excel use File > Save As > "
            "CSV UTF-8 (comma delimited), then load the .csv file. Expected a header row, one of: "
            f"{expected_headers()}"
        )
    if b"\x00" in head and not (head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")):
        raise FileError(
            "The file looks binary (it contains NUL bytes), not a CSV text file. Expected a CSV file "
            f"with a header row, one of: {expected_headers()}"
        )


def read_bytes(data: bytes, name: str) -> RawTable:
    """Read one extract's bytes into a RawTable, or raise FileError saying what is wrong.

    Most files take the fast path (pyarrow's CSV parser, cells cleaned once per distinct value); a file
    whose quoted cells hold line breaks, or that pyarrow cannot parse, takes the exact path (the csv
    module). Both give the same table: the fast path only answers when it can prove that it would.
    """
    digest = _Digest(data)
    try:
        _check_is_text(data)
        table = _read_fast(data, name)
        if table is None:
            table = _read_exact(data, name)
    except csv.Error as error:  # the contract allows FileError only
        raise FileError(
            f"The file could not be split into cells (the CSV reader stopped: {error}). Check that every "
            'quote (") opening a cell is closed, save the file again as CSV UTF-8 and load it again. '
            f"Expected a header row, one of: {expected_headers()}"
        ) from None
    finally:
        sha256 = digest.hexdigest()
    table.sha256 = sha256
    return table


class _Digest:
    """sha256 of the file, computed in a thread alongside parsing (hashlib releases the GIL)."""

    _THREAD_FROM = 4 << 20

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._value: str | None = None
        self._thread: threading.Thread | None = None
        if len(data) >= self._THREAD_FROM:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    def _run(self) -> None:
        self._value = hashlib.sha256(self._data).hexdigest()

    def hexdigest(self) -> str:
        if self._thread is not None:
            self._thread.join()
        if self._value is None:
            self._run()
        return str(self._value)


def _read_exact(data: bytes, name: str) -> RawTable:
    """The exact reader: the whole text decoded, split into lines and tokenised by the csv module."""
    text, encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header = find_header(lines)
    if header is None:
        raise FileError(
            f"No recognisable header row in the first lines. Expected one of: {expected_headers()}"
        )
    check_header(header)
    body_lines = lines[header.line_index + 1 :]
    first_line_number = header.line_index + 2
    n_fields = len(header.fields)
    records, numbers, field_counts, overflow = _tokenise(
        body_lines, header.delimiter, n_fields, first_line_number
    )
    field_counts = _without_trailing_header_cell(field_counts, header.fields)
    # Every cell cleaned in one pass, column after column, as the fast reader cleans its columns.
    n_rows = len(records)
    flat = pa.array([record[i] for i in range(n_fields) for record in records], pa.large_string())
    cleaned = _clean(flat, nbsp=True)
    # A line is blank only if nothing is written in it, beyond the header's last column included.
    blank = _nulls(cleaned).reshape(n_fields, n_rows).all(axis=0)
    lines = np.array(numbers, dtype=np.int64)
    blank &= ~np.isin(lines, np.fromiter(overflow, dtype=np.int64))
    keep = pa.array(~blank)
    index = pd.Index(lines[~blank], name="line")
    columns = {name: position for position, name in header.mapped.items()}
    table = pd.DataFrame(
        {
            name: pd.Series(
                pd.arrays.ArrowStringArray(
                    pc.filter(cleaned.slice(columns[name] * n_rows, n_rows), keep), dtype=_STR
                ),
                index=index,
                copy=False,
            )
            if name in columns
            else pd.Series(pd.NA, index=index, dtype="str")
            for name in header.kind.names
        },
        index=index,
    )
    kept = set(index.tolist())
    bad_counts = {line: count for line, count in field_counts.items() if line in kept}
    return RawTable(
        name=name,
        sha256="",
        kind=header.kind,
        frame=table,
        header_line=header.line_index + 1,
        delimiter=header.delimiter,
        encoding=encoding,
        ignored_columns=ignored_columns(header),
        field_count_lines=bad_counts,
        blank_lines=int(blank.sum()),
    )


# --- the fast reader ---------------------------------------------------------------------------------

_BOM = b"\xef\xbb\xbf"
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_STR = pd.StringDtype("pyarrow", na_value=np.nan)
"""pandas' default string dtype ("str"), built straight from arrow arrays."""


def _is_utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf8_text(data: bytes) -> tuple[bytes, str, bool] | None:
    """The text as UTF-8 bytes without a byte-order mark, its encoding, and whether a non-breaking space
    occurs in it; None for UTF-16 (left to the exact reader).

    Decides the encoding exactly as `decode` does; UTF-8 bytes are passed on as they are, other
    encodings are decoded and re-encoded once.
    """
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return None
    encoding = "utf-8"
    if data.startswith(_BOM):
        if _is_utf8(data[3:]):
            encoding = "utf-8-sig"
        data = data[3:]
    if encoding == "utf-8-sig" or _is_utf8(data):
        text = data[3:] if data.startswith(_BOM) else data
        return text, encoding, not text.isascii() and b"\xc2\xa0" in text
    try:
        decoded, encoding = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        decoded, encoding = data.decode("latin-1"), "latin-1"
    if decoded.startswith("\ufeff"):
        decoded = decoded[1:]
    return decoded.encode("utf-8"), encoding, "\u00a0" in decoded


def _first_lines(text: bytes, count: int) -> list[tuple[str, int]]:
    """The first `count` lines (CR, LF or CRLF ends) as text, each with the offset where the next begins."""
    lines: list[tuple[str, int]] = []
    position = 0
    for match in _LINE_BREAK.finditer(text):
        lines.append((text[position : match.start()].decode("utf-8"), match.end()))
        position = match.end()
        if len(lines) == count:
            return lines
    if position < len(text):
        lines.append((text[position:].decode("utf-8"), len(text)))
    return lines


def _count_lines(body: bytes, start: int) -> int:
    """Physical lines from `start` on, as `_read_exact` counts them (a final line end adds no line)."""
    breaks = body.count(b"\n", start)
    if body.find(b"\r", start) >= 0:
        breaks += body.count(b"\r", start) - body.count(b"\r\n", start)
    return breaks + (0 if body[-1:] in (b"\n", b"\r") else 1)


def _clean(values: pa.Array | pa.ChunkedArray, nbsp: bool) -> pa.Array | pa.ChunkedArray:
    """Cells cleaned: non-breaking spaces to spaces, trimmed, empty → null."""
    if nbsp:
        values = pc.replace_substring(values, "\u00a0", " ")
    return _empty_as_null(pc.utf8_trim_whitespace(values))


def _empty_as_null(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Empty strings become null: a validity bitmap over the same offsets and bytes, nothing copied."""
    if isinstance(values, pa.ChunkedArray):
        return pa.chunked_array([_empty_as_null(chunk) for chunk in values.chunks], type=values.type)
    present = pc.not_equal(values, "")
    if values.null_count or values.offset or present.offset or present.null_count:
        return pc.if_else(present, values, pa.scalar(None, values.type))
    return pa.Array.from_buffers(values.type, len(values), [present.buffers()[1], *values.buffers()[1:]])


def _dictionary(values: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """(code per row, distinct values) of a column; chunks share one dictionary."""
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.Array):
        return encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary
    if encoded.num_chunks == 0:
        return np.zeros(0, dtype=np.int32), pa.array([], values.type)
    codes = np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in encoded.chunks])
    return codes, encoded.chunks[-1].dictionary


def _nulls(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return pc.is_null(values).to_numpy(zero_copy_only=False)


def _handled_rows(
    handled: list[tuple[int, str]], delimiter: str, n_fields: int, quoted: bool
) -> tuple[list[list[str]], dict[int, int], set[int]]:
    """Lines pyarrow set aside (a field count unlike the header's), tokenised as `_read_exact` would.

    Returns (cells padded or cut to the header's width, line → fields seen where that matters, lines
    with text beyond the header's last column).
    """
    records: list[list[str]] = []
    field_counts: dict[int, int] = {}
    overflow: set[int] = set()
    if quoted:
        for number, text in handled:
            record = next(csv.reader([text], delimiter=delimiter, strict=False), [])
            records.append(_fit(record, number, n_fields, field_counts, overflow))
        return records, field_counts, overflow
    texts = [text for _, text in handled]
    empty = pc.equal(pc.utf8_trim_whitespace(pa.array(texts, pa.large_string())), "").to_pylist()
    for (number, text), is_empty in zip(handled, empty, strict=True):
        cells = text.split(delimiter)
        if len(cells) != n_fields and not is_empty:
            field_counts[number] = len(cells)
        if len(cells) > n_fields and _any_text(cells[n_fields:]):
            overflow.add(number)
        records.append((cells + [""] * n_fields)[:n_fields])
    return records, field_counts, overflow


# The one function over the complexity ceiling: its steps hand large arrow buffers on and free them
# (`del text, body`) as they go; splitting it is the next tidy-up, measured against the 1M-row benchmark.
def _read_fast(data: bytes, name: str) -> RawTable | None:  # noqa: C901
    """Pyarrow's CSV parser on the UTF-8 text, or None where only the exact reader can be trusted.

    Every line stays a row of its own (`ignore_empty_lines=False`); lines with the wrong number of fields
    go to `invalid_row_handler` with their line number and text, and are tokenised like the exact reader
    does, so none is dropped. If rows read + lines set aside differ from the physical lines, some quoted
    cell held a line break: the exact reader takes over.
    """
    prepared = _utf8_text(data)
    if prepared is None:
        return None
    text, encoding, nbsp = prepared
    lines = _first_lines(text, HEADER_SEARCH_LINES)
    header = find_header([line for line, _ in lines])
    if header is None:
        raise FileError(
            f"No recognisable header row in the first lines. Expected one of: {expected_headers()}"
        )
    check_header(header)
    body_start = lines[header.line_index][1]
    if body_start >= len(text):
        return None  # no data rows: nothing to gain
    if text.startswith(_BOM, body_start):
        return None  # arrow would drop a mark opening the first data line; the exact reader decides
    n_fields = len(header.fields)
    delimiter = header.delimiter
    quoted = b'"' in text
    handled: list[tuple[int, str]] = []

    def set_aside(row: pa_csv.InvalidRow) -> str:
        handled.append((row.number, row.text))
        return "skip"

    names = [f"f{i}" for i in range(n_fields)]
    body = pa.py_buffer(text).slice(body_start)

    def parse(body: pa.Buffer, threads: bool) -> pa.Table:
        return pa_csv.read_csv(
            pa.BufferReader(body),
            read_options=pa_csv.ReadOptions(use_threads=threads, column_names=names, block_size=4 << 20),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                quote_char='"' if quoted else False,
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=set_aside,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=False,
            ),
        )

    try:
        # Parsing blocks on both cores is about twice as fast, but then arrow cannot tell which line a
        # row it set aside came from: only then is the file parsed again on one thread, which can.
        parsed = parse(body, threads=True)
        if any(number is None for number, _ in handled):
            handled.clear()
            parsed = parse(body, threads=False)
    except (pa.ArrowException, ValueError):
        return None
    n_lines = parsed.num_rows + len(handled)
    if quoted and n_lines != _count_lines(text, body_start):
        return None  # a quoted cell spans lines
    offset = header.line_index + 1  # physical line of arrow's row 0
    handled_lines = np.array([number for number, _ in handled], dtype=np.int64)
    if handled and (
        handled_lines.min() < 1
        or handled_lines.max() > n_lines
        or np.unique(handled_lines).size != len(handled)
    ):
        return None
    del text, body

    columns: list[pa.Array | pa.ChunkedArray] = [parsed.column(i) for i in range(n_fields)]
    field_counts: dict[int, int] = {}
    overflow: set[int] = set()
    if handled:
        records, field_counts, overflow = _handled_rows(handled, delimiter, n_fields, quoted)
        field_counts = _without_trailing_header_cell(field_counts, header.fields)
        field_counts = {number + offset: count for number, count in field_counts.items()}
        overflow = {number + offset for number in overflow}
        valid_lines = np.setdiff1d(np.arange(1, n_lines + 1, dtype=np.int64), handled_lines)
        order = pa.array(np.argsort(np.concatenate([valid_lines, handled_lines]), kind="stable"))
        columns = [
            pc.take(
                pa.concat_arrays(
                    [column.combine_chunks(), pa.array([record[i] for record in records], pa.large_string())]
                ),
                order,
            )
            for i, column in enumerate(columns)
        ]
    lines_all = np.arange(1 + offset, n_lines + 1 + offset, dtype=np.int64)

    def clean(position: int) -> tuple[pa.Array | pa.ChunkedArray, tuple[np.ndarray, pa.Array] | None]:
        column = columns[position]
        canonical = header.mapped.get(position)
        if canonical is None or canonical in MONEY_COLUMNS:
            return _clean(column, nbsp), None
        # Few distinct values: clean each once. If cleaning changes none of them, the parsed text is
        # already the cleaned text, and only empty cells need marking (no copy of the column).
        codes, dictionary = _dictionary(column)
        trimmed = pc.utf8_trim_whitespace(
            pc.replace_substring(dictionary, "\u00a0", " ") if nbsp else dictionary
        )
        values = _empty_as_null(column) if trimmed.equals(dictionary) else _clean(column, nbsp)
        return values, (codes, _empty_as_null(trimmed))

    blank = np.ones(n_lines, dtype=bool)
    raw_columns: dict[int, pa.Array | pa.ChunkedArray] = {}
    encoded: dict[int, tuple[np.ndarray, pa.Array]] = {}
    for position, (values, codes) in enumerate(in_threads(clean, range(n_fields))):
        blank &= _nulls(values)
        if position in header.mapped:
            raw_columns[position] = values
        if codes is not None:
            encoded[position] = codes
    if overflow:
        blank &= ~np.isin(lines_all, np.fromiter(overflow, dtype=np.int64))
    keep = ~blank
    all_kept = bool(keep.all())
    kept_lines = lines_all if all_kept else lines_all[keep]
    index = pd.Index(kept_lines, name="line")
    frame_columns: dict[str, pd.Series] = {}
    distinct: dict[str, tuple[np.ndarray, pd.Series]] = {}
    for position, canonical in header.mapped.items():
        values = raw_columns[position] if all_kept else pc.filter(raw_columns[position], pa.array(keep))
        if position in encoded:
            codes, dictionary = encoded[position]
            uniques = pd.Series(pd.arrays.ArrowStringArray(dictionary, dtype=_STR))
            distinct[canonical] = (codes if all_kept else codes[keep], uniques)
        frame_columns[canonical] = pd.Series(
            pd.arrays.ArrowStringArray(values, dtype=_STR), index=index, copy=False
        )
    for column in header.kind.names:
        if column not in frame_columns:
            frame_columns[column] = pd.Series(pd.NA, index=index, dtype="str")
            distinct[column] = (
                np.zeros(len(index), dtype=np.int32),
                pd.Series(pd.arrays.ArrowStringArray(pa.array([None], pa.large_string()), dtype=_STR)),
            )
    frame = pd.DataFrame({column: frame_columns[column] for column in header.kind.names}, index=index)
    kept = set(kept_lines[np.isin(kept_lines, np.fromiter(field_counts, dtype=np.int64))].tolist())
    return RawTable(
        name=name,
        sha256="",
        kind=header.kind,
        frame=frame,
        header_line=header.line_index + 1,
        delimiter=delimiter,
        encoding=encoding,
        ignored_columns=ignored_columns(header),
        field_count_lines={line: count for line, count in field_counts.items() if line in kept},
        blank_lines=int(blank.sum()),
        distinct=distinct,
    )


def _without_trailing_header_cell(field_counts: dict[int, int], header_fields: list[str]) -> dict[int, int]:
    """A header ending in one empty cell (a trailing delimiter, as spreadsheets write) is read as if that
    cell were not there: a line one field short of it has exactly the fields the header names."""
    if len(header_fields) < 2 or header_fields[-1].strip() or not field_counts:
        return field_counts
    short = len(header_fields) - 1
    return {line: count for line, count in field_counts.items() if count != short}


def _any_text(cells: list[str]) -> bool:
    return any(cell.replace("\u00a0", " ").strip() for cell in cells)


def _fit(
    record: list[str], number: int, n_fields: int, field_counts: dict[int, int], overflow: set[int]
) -> list[str]:
    """A record cut or padded to the header's width; a different width is noted in `field_counts` (when
    the line holds text) and text beyond the header's last column in `overflow`."""
    if len(record) == n_fields:
        return record
    if record and any(cell.strip() for cell in record):
        field_counts[number] = len(record)
    if len(record) > n_fields and _any_text(record[n_fields:]):
        overflow.add(number)
    return (record + [""] * n_fields)[:n_fields]


def _tokenise(
    body_lines: list[str], delimiter: str, n_fields: int, first_line_number: int
) -> tuple[list[list[str]], list[int], dict[int, int], set[int]]:
    """The csv module's reading of the lines, tracking the physical line each record starts on.

    Returns (records cut or padded to the header's width, the line each starts on, line → fields seen
    where that differs from the header, lines with text beyond the header's last column).

    A record that spans several lines but has the wrong number of fields is a quote opened and not closed
    where it should be (`"Alpha Hospitals,acute,...`): the csv module would swallow every line up to the
    next quote into one cell. Such a record is read again line by line, so each of those lines is still a
    row of its own with its own line number, and nothing disappears into one cell.
    """
    text = "\n".join(body_lines) + "\n" if body_lines else ""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=False)
    records: list[list[str]] = []
    numbers: list[int] = []
    field_counts: dict[int, int] = {}
    overflow: set[int] = set()

    def add(record: list[str], number: int) -> None:
        numbers.append(number)
        records.append(_fit(record, number, n_fields, field_counts, overflow))

    previous_end = 0
    for record in reader:
        start, span = previous_end, reader.line_num - previous_end
        previous_end = reader.line_num
        if span > 1 and len(record) != n_fields:
            for offset in range(start, start + span):
                if offset < len(body_lines):
                    line = next(csv.reader([body_lines[offset]], delimiter=delimiter, strict=False), [])
                    add(line, first_line_number + offset)
        else:
            add(record, first_line_number + start)
    return records, numbers, field_counts, overflow


def read_path(path: Path) -> RawTable:
    """Read a file from disk; see `read_bytes`."""
    return read_bytes(path.read_bytes(), path.name)
