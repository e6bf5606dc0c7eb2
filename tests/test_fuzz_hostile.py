"""Hostile input for the reader and the loader: random bytes, cut files, huge fields, a million columns, mixed
encodings, NUL bytes, lone CR line ends.

Whatever the bytes, `read_bytes` returns a table or raises the contract's `FileError` (nothing else), and
`load_sources` never raises: a file it cannot read becomes a FileReport with `.error`, and for every file it
can read, rows in = valid + quarantined, exactly the lines with problems are quarantined, and the rows are
the non-blank records after the header (counted independently, by `test_fuzz_reader.expected_rows`).

Nothing hangs: each big input is read and loaded in a worker process, under a budget of CPU time that grows
with the input (`budget`: 1 s + 5 s per MB, generous on a shared 2-core machine; CPU time, so other jobs on
the machine do not make it flaky), and is stopped by the kernel when it runs over.
"""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CT_HEADER, RATINGS_HEADER, SYSTEMS_HEADER, ct_row, ct_text, default_ct_rows, systems_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_reader import expected_rows

from analysis.dataset import Source, load_sources
from analysis.model import Dataset
from analysis.reading import FileError, read_bytes

ROOT = Path(__file__).resolve().parents[1]
SYSTEMS = Source("systems.csv", "systems.csv", systems_text().encode("utf-8"))
MB = 1_000_000


def budget(size: int) -> float:
    """CPU seconds allowed to read (or to load) `size` bytes."""
    return 1.0 + 5.0 * size / MB


# ---------------------------------------------------------------------------------------------------------
# What every input must satisfy


def read_outcome(data: bytes, name: str = "hostile.csv") -> dict:
    """read_bytes' result as plain data: the table's shape and rows counted independently, or its error."""
    try:
        table = read_bytes(data, name)
    except FileError as error:
        return {"file_error": str(error)}
    except Exception as error:  # the contract allows FileError only
        return {"exception": f"{type(error).__name__}: {error}"[:500]}
    try:
        expected = expected_rows(data, table.encoding, table.delimiter, table.header_line)
    except Exception as error:  # the independent count cannot follow the file; the loader checks still apply
        expected = f"not counted ({type(error).__name__})"
    return {
        "rows": table.rows,
        "expected_rows": expected,
        "kind": table.kind.name,
        "encoding": table.encoding,
        "unique_lines": bool(table.frame.index.is_unique),
        "after_header": bool((table.frame.index > table.header_line).all()),
    }


def accounting(dataset: Dataset, name: str) -> dict:
    """One file's row accounting in a loaded dataset (see `check_load` for what must hold)."""
    (report,) = [f for f in dataset.files if f.path == name]
    if not report.readable:
        return {"error": report.error, "kind": report.kind, "rows": report.rows}
    problems = dataset.problems[dataset.problems["file"] == name]
    frame = {
        "control_totals": dataset.control_totals,
        "progress_ratings": dataset.progress_ratings,
        "system_control_totals": dataset.system_control_totals,
    }.get(report.kind)
    valid_lines = None
    if frame is not None and "source_file" in frame.columns:
        valid_lines = int((frame["source_file"] == name).sum())
    return {
        "rows": report.rows,
        "valid": report.valid,
        "quarantined": report.quarantined,
        "problem_lines": int(problems["line"].nunique()),
        "valid_lines": valid_lines,
    }


def load_outcome(data: bytes, name: str = "hostile.csv") -> dict:
    try:
        dataset = load_sources([Source(name, name, data), SYSTEMS])
    except Exception as error:  # the contract: never an exception, a file error at most
        return {"exception": f"{type(error).__name__}: {error}"[:500]}
    return accounting(dataset, name)


def check_read(outcome: dict) -> None:
    assert "exception" not in outcome, outcome["exception"]
    if "file_error" in outcome:
        assert outcome["file_error"].strip(), "a file error says what is wrong"
        return
    assert outcome["unique_lines"] and outcome["after_header"], outcome
    if isinstance(outcome["expected_rows"], int):
        assert outcome["rows"] == outcome["expected_rows"], outcome


def check_load(outcome: dict) -> None:
    assert "exception" not in outcome, outcome["exception"]
    if "error" in outcome:
        assert outcome["error"].strip() and outcome["kind"] is None and outcome["rows"] == 0, outcome
        return
    assert outcome["rows"] == outcome["valid"] + outcome["quarantined"], outcome
    assert outcome["problem_lines"] == outcome["quarantined"], outcome
    if outcome["valid_lines"] is not None:
        assert outcome["valid_lines"] == outcome["valid"], outcome


def check(data: bytes, name: str = "hostile.csv") -> tuple[dict, dict]:
    """Read and load in this process, within the time budget; both outcomes checked."""
    started = time.process_time()
    read = read_outcome(data, name)
    load = load_outcome(data, name)
    spent = time.process_time() - started
    check_read(read)
    check_load(load)
    assert ("file_error" in read) == ("error" in load), (read, load)
    if "rows" in read and "rows" in load:
        assert read["rows"] == load["rows"], (read, load)
    assert spent < 2 * budget(len(data)), f"{spent:.1f} s of CPU for {len(data):,} bytes"
    return read, load


# ---------------------------------------------------------------------------------------------------------
# The worker process for big inputs: a budget of CPU time, and stopped when over it


def _serve() -> None:
    """Worker loop: one JSON request per line on stdin ({"path", "name"}), one JSON answer per line.

    Each step (read, then load) may use `budget` seconds of CPU: the kernel's CPU-time limit (RLIMIT_CPU) is
    set that far ahead, so an input over budget ends the worker with SIGXCPU, even inside pyarrow's C++ code
    where a Python-level timer would wait. The next input then gets a fresh worker.
    """
    import math
    import resource

    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    for line in sys.stdin:
        request = json.loads(line)
        data = Path(request["path"]).read_bytes()
        answer: dict = {}
        for step, run in (("read", read_outcome), ("load", load_outcome)):
            if step == "load" and "file_error" in answer["read"]:
                # load_sources calls the same read_bytes and reports its FileError (checked on the small
                # inputs): not worth reading a big refused file twice.
                answer["load"] = {"error": answer["read"]["file_error"], "kind": None, "rows": 0}
                answer["load_cpu"] = 0.0
                break
            limit = math.ceil(time.process_time() + budget(len(data))) + 1
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))
            started = time.process_time()
            answer[step] = run(data, request["name"])
            answer[f"{step}_cpu"] = time.process_time() - started
        resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
        print(json.dumps(answer), flush=True)


class Worker:
    """A Python process running `_serve`, started on first use and again after an input it had to stop."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.process: subprocess.Popen | None = None

    def start(self) -> subprocess.Popen:
        if self.process is None or self.process.poll() is not None:
            code = "import sys; sys.path[:0] = sys.argv[1:]; from test_fuzz_hostile import _serve; _serve()"
            with (self.folder / "worker.log").open("ab") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-c", code, str(ROOT), str(ROOT / "tests")],
                    cwd=ROOT,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                )
        return self.process

    def run(self, data: bytes, name: str = "hostile.csv") -> dict:
        """Read and load `data` in the worker; the answer, or {"hung": seconds} if it did not answer."""
        path = self.folder / "input.bin"
        path.write_bytes(data)
        process = self.start()
        assert process.stdin and process.stdout
        process.stdin.write(json.dumps({"path": str(path), "name": name}) + "\n")
        process.stdin.flush()
        # Wall-clock backstop for a hang that uses no CPU; the import of a fresh worker is included.
        limit = 20 + 2 * 3 * budget(len(data))
        ready, _, _ = select.select([process.stdout], [], [], limit)
        if not ready:
            process.kill()
            process.wait()
            return {"hung": limit}
        line = process.stdout.readline()
        if not line:
            returncode = process.wait()
            if returncode == -signal.SIGXCPU:
                return {"over_budget": True}
            return {"died": returncode, "stderr": self.stderr()}
        return json.loads(line)

    def stderr(self) -> str:
        log = self.folder / "worker.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            assert self.process.stdin
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory):
    started = Worker(tmp_path_factory.mktemp("hostile"))
    yield started
    started.close()


def check_in_worker(worker: Worker, data: bytes, name: str = "hostile.csv") -> dict:
    answer = worker.run(data, name)
    size = f"{len(data) / MB:.1f} MB"
    assert "hung" not in answer, f"no answer in {answer.get('hung')} s for {size}"
    assert "died" not in answer, f"the worker died ({answer.get('died')}) on {size}: {answer.get('stderr')}"
    assert not answer.get("over_budget"), f"over {budget(len(data)):.1f} s of CPU to read or load {size}"
    check_read(answer["read"])
    check_load(answer["load"])
    for step in ("read_cpu", "load_cpu"):
        assert answer[step] < budget(len(data)), f"{step} {answer[step]:.1f} s for {size}"
    return answer


# ---------------------------------------------------------------------------------------------------------
# Property-based: random bytes, a header followed by random bytes or text, byte-level mutations


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes_are_read_or_refused_never_raise(data: bytes) -> None:
    check_read(read_outcome(data))


HEADERS = {
    "control_totals": ",".join(ct_text().split("\n")[0].split(",")),
    "systems": ",".join(SYSTEMS_HEADER),
    "progress_ratings": ",".join(RATINGS_HEADER),
}
hostile_tokens = st.sampled_from(
    [
        b"\x00",
        b"\r",
        b"\n",
        b"\r\n",
        b'"',
        b'""',
        b",",
        b";",
        b"\t",
        b"\xa3",
        b"\xc2\xa3",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
    ]
)
body_chunks = st.one_of(
    st.binary(max_size=40),
    hostile_tokens,
    st.text(max_size=20).map(lambda text: text.encode("utf-8")),
    st.sampled_from(
        [ct_text().split("\n")[1].encode(), b"E54000008,QYG,Name,Region,STP,,", b"-1,(1,234),n/a"]
    ),
)


@st.composite
def header_then_noise(draw) -> bytes:
    kind = draw(st.sampled_from(sorted(HEADERS)))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    newline = draw(st.sampled_from([b"\n", b"\r\n", b"\r"]))
    header = HEADERS[kind].replace(",", delimiter).encode()
    return header + newline + b"".join(draw(st.lists(body_chunks, max_size=30)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header_then_noise())
def test_a_header_then_noise_is_read_and_every_row_accounted_for(data: bytes) -> None:
    check(data)


def _rich_text() -> str:
    """A valid control-totals file using the messy forms the contract accepts, quoted cells included."""
    rows = default_ct_rows()
    rows[0]["org_name"] = '"Alpha, Hospitals £"'
    rows[1]["plan_income"] = '"£1,000"'
    rows[2]["control_total"] = "(120)"
    rows[3]["org_name"] = "Beta\u00a0CCG"
    rows.append(ct_row(org_code="RX2", org_name="Gamma", month="M06", forecast_outturn="n/a"))
    return ct_text(rows, newline="\r\n")


RICH = _rich_text()


@st.composite
def mutated_bytes(draw) -> bytes:
    """The rich file in some encoding, then bytes flipped, deleted, inserted or hostile tokens spliced in."""
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    data = bytearray(RICH.encode(encoding))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "delete", "insert", "token", "cut"]))
        if op == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=20))
        elif op == "token":
            data[at:at] = draw(hostile_tokens)
        elif op == "cut":
            del data[at:]
    return bytes(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_bytes())
def test_byte_mutations_of_a_valid_file_are_read_and_accounted_for(data: bytes) -> None:
    check(data)


# ---------------------------------------------------------------------------------------------------------
# Truncation: a valid file cut at every N-th byte


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_a_file_cut_at_every_nth_byte_is_read_and_accounted_for(encoding: str) -> None:
    data = RICH.encode(encoding)
    cuts = {f"cut{at:05d}.csv": data[:at] for at in range(0, len(data) + 1, 7)}
    started = time.process_time()
    for name, cut in cuts.items():
        check_read(read_outcome(cut, name))
    # Every 8th cut loaded, all in one load: each keeps its own accounting (their keys collide across files,
    # so rules across files hold many rows back too). A load costs ~50 ms a file, a read ~2 ms.
    loaded = dict(list(cuts.items())[::8])
    dataset = load_sources([Source(name, name, cut) for name, cut in loaded.items()] + [SYSTEMS])
    for name in loaded:
        check_load(accounting(dataset, name))
    spent = time.process_time() - started
    assert spent < 2 * budget(sum(map(len, cuts.values()))) + 0.1 * len(loaded), spent
    readable = [name for name in loaded if report_readable(dataset, name)]
    assert readable, "cuts after the first data row still read"


def report_readable(dataset: Dataset, name: str) -> bool:
    (report,) = [f for f in dataset.files if f.path == name]
    return report.readable


# ---------------------------------------------------------------------------------------------------------
# Encodings, NUL bytes and line ends (small files, in this process)

_MIXED_ROWS = [dict(row, org_name="Café £ Trust") for row in default_ct_rows()]
_MIXED_LINES = ct_text(_MIXED_ROWS).split("\n")
SMALL = {
    "utf-8 and cp1252 lines in one file": "\n".join(_MIXED_LINES[:4]).encode("utf-8")
    + b"\n"
    + "\n".join(_MIXED_LINES[4:]).encode("cp1252"),
    "cp1252 header, utf-8 lines": _MIXED_LINES[0]
    .replace("plan_income", "Plan Income (£000)")
    .encode("cp1252")
    + b"\n"
    + "\n".join(_MIXED_LINES[1:]).encode("utf-8"),
    "utf-16 le with bom": ct_text().encode("utf-16-le").join([b"\xff\xfe", b""]),
    "utf-16 be with bom": ct_text().encode("utf-16-be").join([b"\xfe\xff", b""]),
    "utf-16 le without bom": ct_text().encode("utf-16-le"),
    "utf-16 be without bom": ct_text().encode("utf-16-be"),
    "utf-16 with bom, odd length": ct_text().encode("utf-16")[:-1],
    "utf-16 bom then utf-8": b"\xff\xfe" + ct_text().encode("utf-8"),
    "nul in the header": ct_text().encode().replace(b"org_name", b"org_\x00name"),
    "nul in a cell": ct_text().encode().replace(b"Beta CCG", b"Beta\x00CCG"),
    "nul after 4 KB": ct_text([ct_row(org_code=f"R{i:02d}", org_name="x" * 60) for i in range(60)]).encode()
    + b"RX1,\x00\x00\x00\n",
    "a line of nul bytes after 4 KB": ct_text(
        [ct_row(org_code=f"R{i:02d}", org_name="y" * 60) for i in range(60)]
    )
    .encode()
    .replace(b"\nR30", b"\n" + b"\x00" * 200 + b"\nR30"),
    "lone cr line ends": ct_text(newline="\r").encode(),
    "lone cr, quoted cell with cr": ct_text(
        [ct_row(org_name='"Alpha\rHospitals"'), ct_row(org_code="RX2")], newline="\r"
    ).encode(),
    "cr, lf and crlf mixed": ct_text().replace("\n", "\r", 3).replace("\n", "\r\n", 2).encode(),
    "cr in the middle of a cell": ct_text().replace("Alpha Hospitals", "Alpha\rHospitals").encode(),
}


@pytest.mark.parametrize("data", SMALL.values(), ids=list(SMALL))
def test_encodings_nul_bytes_and_line_ends(data: bytes) -> None:
    read, load = check(data)
    assert read.get("rows", 0) == load.get("rows", 0)


def test_well_formed_encodings_and_line_ends_read_every_row() -> None:
    """Beyond not failing: the forms a user's software writes are read whole."""
    for label in ("utf-16 le with bom", "utf-16 be with bom", "lone cr line ends", "cr, lf and crlf mixed"):
        read, load = check(SMALL[label])
        assert read["rows"] == 6 and load["valid"] == 6, (label, read, load)
    read, load = check(SMALL["lone cr, quoted cell with cr"])
    assert read["rows"] == 2 and load["valid"] == 2


# ---------------------------------------------------------------------------------------------------------
# Big inputs, in the worker under a CPU budget

BIG = 5 * MB
HUGE = {
    "5 MB unquoted name": ct_text([ct_row(org_name="n" * BIG), ct_row(org_code="RX2")]),
    "5 MB quoted name": ct_text([ct_row(org_name='"' + "q, " * (BIG // 3) + '"'), ct_row(org_code="RX2")]),
    "5 MB unquoted money": ct_text([ct_row(plan_income="9" * BIG), ct_row(org_code="RX2")]),
    "5 MB quoted name, another cell spans lines": ct_text(
        [ct_row(org_name='"' + "q" * BIG + '"'), ct_row(org_code="RX2", org_name='"Beta\nCCG"')]
    ),
    "5 MB cell after an unclosed quote": ct_text([ct_row(org_name='"' + "u" * BIG), ct_row(org_code="RX2")]),
    "5 MB utf-16 name": ct_text([ct_row(org_name="w" * (BIG // 2)), ct_row(org_code="RX2")]),
}


@pytest.mark.parametrize("label", list(HUGE))
def test_a_huge_field_is_read_in_bounded_time(worker: Worker, label: str) -> None:
    encoding = "utf-16" if "utf-16" in label else "utf-8"
    answer = check_in_worker(worker, HUGE[label].encode(encoding))
    assert answer["read"].get("rows") == 2, answer["read"]  # a long cell is still a cell


def test_a_header_of_a_million_columns_is_refused_in_bounded_time(worker: Worker) -> None:
    data = b",".join([b"x"] * 1_000_000) + b"\n" + b"1,2,3\n" * 10
    answer = check_in_worker(worker, data)
    assert "No recognisable header" in answer["read"]["file_error"]


def test_a_real_header_with_a_million_more_columns_is_read_in_bounded_time(worker: Worker) -> None:
    header, body = ct_text().encode().split(b"\n", 1)
    answer = check_in_worker(worker, header + b"," * 1_000_000 + b"\n" + body)
    assert answer["read"].get("rows") == 6 or "file_error" in answer["read"]
    # Refused, saying what is wrong and what to do (test_reading_limits checks the whole message).
    message = answer["read"]["file_error"]
    assert f"has {len(CT_HEADER) + 1_000_000:,} columns (1,000,000 of them empty)" in message, message
    assert "Delete the unused columns" in message and "Expected header: " in message, message
