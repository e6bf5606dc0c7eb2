"""Property: whatever is done to a valid extract, reading never raises, and every data row is accounted for.

A valid control-totals file is mutated at random (lines deleted, duplicated, inserted; cells replaced with
random, empty, huge or unicode text; delimiters and quotes inserted; truncated at a byte; re-encoded), then
read. The only allowed failure is a file-level error recorded in the dataset. For every readable file,
rows == valid + quarantined, and rows == the number of non-blank records after the header, counted here
independently of the reader.
"""

from __future__ import annotations

import csv
import io

from conftest import ct_row, ct_text, default_ct_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.dataset import Source, load_sources
from analysis.reading import FileError, read_bytes


def _base_text() -> str:
    rows = default_ct_rows()
    rows[0]["org_name"] = '"Alpha, Hospitals"'
    rows[2]["plan_income"] = '"£1,000"'
    rows.append(ct_row(org_code="RX2", month="M06", control_total='"(1,234)"', forecast_outturn="n/a"))
    return ct_text(rows)


BASE = _base_text()
DELIMITERS = [",", ";", "\t"]

cell_text = st.one_of(
    st.text(max_size=12),
    st.just(""),
    st.sampled_from(['"', '""', ",", ";", "\t", "\r", "\n", "\r\n", "\x00", "\u00a0", "−", "£", "\ufeff"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.integers(min_value=1000, max_value=20000).map(lambda n: "9" * n),
)


@st.composite
def mutated_file(draw) -> bytes:
    """A valid file's text with random line/cell edits, then encoded at random, then maybe truncated."""
    delimiter = draw(st.sampled_from(DELIMITERS))
    text = BASE if delimiter == "," else BASE.replace(",", delimiter)  # quoted cells keep no commas
    if delimiter != ",":
        text = text.replace('"Alpha' + delimiter + " Hospitals", '"Alpha, Hospitals').replace(
            '"£1' + delimiter + '000"', '"£1,000"'
        )
        text = text.replace('"(1' + delimiter + '234)"', '"(1,234)"')
    lines = text.split("\n")[:-1]
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "cell", "char", "blank", "overflow"]))
        index = draw(st.integers(0, max(len(lines) - 1, 0)))
        if not lines:
            lines.append("")
        if op == "delete":
            del lines[index]
        elif op == "duplicate":
            lines.insert(index, lines[index])
        elif op == "insert":
            lines.insert(index, draw(cell_text))
        elif op == "blank":
            lines.insert(index, draw(st.sampled_from(["", "   ", delimiter * 12, "\u00a0"])))
        elif op == "overflow":  # text after the last column, with or without the rest of the line
            keep = draw(st.booleans())
            lines[index] = (lines[index] if keep else delimiter * 12) + delimiter + draw(cell_text)
        elif op == "cell":
            cells = lines[index].split(delimiter)
            position = draw(st.integers(0, len(cells) - 1))
            cells[position] = draw(cell_text)
            lines[index] = delimiter.join(cells)
        else:
            line = lines[index]
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.sampled_from(['"', delimiter, '""', "'", "\\"])) + line[at:]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.integers(0, 9)) == 0:
        data = draw(st.binary(max_size=200)) + data
    return data


def expected_rows(data: bytes, encoding: str, delimiter: str, header_line: int) -> int:
    """Non-blank records after the header, counted with the csv module (physical lines when unquoted).

    A record spanning several lines with the wrong number of fields is an unclosed quote, not a cell with
    a line break: each of its lines counts as a row of its own (none may vanish into one cell).
    """
    text = data.decode("utf-8-sig" if encoding == "utf-8-sig" else encoding)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    n_fields = len(next(csv.reader([lines[header_line - 1]], delimiter=delimiter)))
    body = lines[header_line:]
    if body and body[-1] == "":
        body.pop()
    if '"' not in text:
        records = [line.split(delimiter) for line in body]
    else:
        records = []
        reader = csv.reader(io.StringIO("\n".join(body) + "\n"), delimiter=delimiter, strict=False)
        consumed = 0
        for record in reader:
            span, start, consumed = reader.line_num - consumed, consumed, reader.line_num
            if span > 1 and len(record) != n_fields:
                records += [
                    next(csv.reader([line], delimiter=delimiter), []) for line in body[start:consumed]
                ]
            else:
                records.append(record)
    return sum(1 for record in records if any(cell.replace("\u00a0", " ").strip() for cell in record))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_file())
def test_reader_never_raises_and_counts_every_record(data):
    try:
        table = read_bytes(data, "fuzzed.csv")
    except FileError as error:
        assert str(error)
        return
    assert table.rows == expected_rows(data, table.encoding, table.delimiter, table.header_line)
    assert table.frame.index.is_unique
    assert (table.frame.index > table.header_line).all()
    assert list(table.frame.columns) == list(table.kind.names)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_file())
def test_load_accounts_for_every_row(data):
    dataset = load_sources([Source("fuzzed.csv", "fuzzed.csv", data)])
    (report,) = [f for f in dataset.files if f.path == "fuzzed.csv"]
    if not report.readable:
        assert report.error and report.kind is None
        return
    table = read_bytes(data, "fuzzed.csv")
    assert report.rows == expected_rows(data, table.encoding, table.delimiter, table.header_line)
    assert report.rows == report.valid + report.quarantined
    problems = dataset.problems[dataset.problems["file"] == "fuzzed.csv"]
    assert problems["line"].nunique() == report.quarantined
    assert set(problems["line"]) <= set(table.frame.index)
    frame = {
        "control_totals": dataset.control_totals,
        "progress_ratings": dataset.progress_ratings,
        "system_control_totals": dataset.system_control_totals,
    }.get(report.kind)
    if frame is not None and "source_file" in frame.columns:
        valid_lines = set(frame.loc[frame["source_file"] == "fuzzed.csv", "line"])
        assert len(valid_lines) == report.valid
        assert not valid_lines & set(problems["line"])
