"""Where the time of one read + validate goes: stage by stage, with CPU time and memory touched.

    .venv/bin/python benchmarks/profile_load.py [--rows 1000000] [--folder PATH]

Writes a synthetic extract set (or uses --folder), then in this fresh process times a plain
`pandas.read_csv` of the control totals and one `analysis.dataset.load_paths` of the folder, with each stage
of the load timed by wrapping the functions that make it up. It also reports the process's CPU time (user and
system) and minor page faults: on this stack much of the load's time is the kernel handing out memory
pages the first time they are touched, which wall time alone does not show. Prints a Markdown table;
docs/performance.md explains the figures. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import functools
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from analysis import dataset, reading, validation  # noqa: E402
from analysis.sample import write_sample  # noqa: E402

STAGES: list[tuple[object, str, str]] = [
    (dataset, "collect_sources", "read the files' bytes"),
    (reading, "_utf8_text", "decide the encoding (UTF-8 passes through)"),
    (reading, "_count_lines", "count physical lines (a quoted cell may span lines)"),
    (dataset, "read_bytes", "read: tokenise and clean every cell as text (arrow)"),
    (validation, "typed_values", "parse values and compute every row rule"),
    (dataset, "validate_rows", "row rules: typed values plus pandera's report"),
    (dataset, "_cross_file_rules", "rules across rows and files"),
    (dataset, "_finish_control_totals", "sort the dataset by year, system, organisation, month"),
]


def _timed(totals: dict[str, float], module: object, name: str) -> None:
    original: Callable = getattr(module, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[name] = totals.get(name, 0.0) + time.perf_counter() - start

    setattr(module, name, wrapper)


def _usage() -> tuple[float, float, int]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime, usage.ru_minflt


def _measure(fn: Callable[[], object]) -> dict[str, float]:
    user, system, faults = _usage()
    start = time.perf_counter()
    fn()
    wall = time.perf_counter() - start
    user2, system2, faults2 = _usage()
    return {"wall": wall, "user": user2 - user, "sys": system2 - system, "faults": faults2 - faults}


def main(argv: list[str] | None = None) -> int:
    """Profile one read + validate stage by stage."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="control-total rows to write")
    parser.add_argument("--folder", type=Path, help="an existing folder of extracts to load instead")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="ics-profile-") as scratch:
        folder = args.folder
        if folder is None:
            folder = Path(scratch)
            write_sample(folder, rows=args.rows, seed=1)
        control_totals = folder / "control_totals.csv"

        baseline = _measure(lambda: pd.read_csv(control_totals))
        totals: dict[str, float] = {}
        for module, name, _ in STAGES:
            _timed(totals, module, name)
        load = _measure(lambda: dataset.load_paths([folder]))

    mb = 4096 / 1e6
    print(f"Folder: {folder} ({control_totals.stat().st_size / 1e6:,.0f} MB of control totals)\n")
    print("| | wall | CPU user | CPU system | pages first touched |")
    print("|---|---:|---:|---:|---:|")
    for label, row in (("plain pandas.read_csv", baseline), ("load_paths (read + validate)", load)):
        print(
            f"| {label} | {row['wall']:.2f} s | {row['user']:.2f} s | {row['sys']:.2f} s | "
            f"{row['faults'] * mb:,.0f} MB |"
        )
    print(f"\nRatio of wall times: {load['wall'] / baseline['wall']:.1f}×\n")
    print("| stage of load_paths | wall |")
    print("|---|---:|")
    for _, name, what in STAGES:
        print(f"| {what} (`{name}`) | {totals.get(name, 0.0):.3f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
