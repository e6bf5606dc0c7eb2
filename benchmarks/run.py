"""Benchmarks at national scale: `make benchmark`, or `python benchmarks/run.py [--sizes ...] [--quick]`.

For each size (control-total rows; default 10k, 100k and 1M) a synthetic extract set is written with
`analysis.sample.write_sample`, plus a messy copy of it (benchmarks/messy.py). Then, each measurement in a
fresh child process (so one does not warm or bloat the next, and its peak memory is its own):

- read + validate: `analysis.dataset.load_paths` on the folder (what the app and CLI do: read, validate,
  rules across files, the dataset), and `read_bytes` + `validate_rows` on the control totals file alone;
  each against a plain `pandas.read_csv` of the same file (the messy one with `sep=";"` and
  `encoding="cp1252"`, which it needs to read it at all), for the clean and the messy file;
- peak memory: the child's VmHWM (/proc/self/status), which counts arrow buffers that tracemalloc misses;
- a filter change through the analysis layer: `apply_filters` with a changed `Filters`, then
  `measures.ytd_summary` by system, `measures.monthly_series` and `spc.spc_analysis` for one system;
  and, for reference, the Overview and Systems views (`analysis.views`) the pages build;
- a page rerun with AppTest (Overview, Systems): the first run warms the caches, then each timed rerun
  follows a change of the region filter to a region not chosen before (a real cache miss);
- cold start: `streamlit run app.py` until the Overview has rendered in headless chromium.

Prints a table and writes benchmarks/results.md, benchmarks/results.json and the results section of
docs/performance.md. Budgets (at the largest size) are checked and reported, never asserted: this is not
part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(ROOT))

from analysis.chromium import find_chromium  # noqa: E402
from benchmarks.children import child_main, run_child  # noqa: E402
from benchmarks.cold_start import cold_start  # noqa: E402
from benchmarks.report import (  # noqa: E402
    PERFORMANCE_MD,
    RESULTS_JSON,
    RESULTS_MD,
    evaluate,
    markdown,
    write_reports,
)

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
PARTS = frozenset({"read", "filter", "rerun", "cold"})
"""What `--only` can choose: read + validate, filter change, AppTest reruns, cold start in a browser."""


def machine() -> dict:
    """This machine and the versions that matter to the timings."""
    import pandas
    import pandera
    import pyarrow
    import streamlit

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": len(os.sched_getaffinity(0)),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "pandas": pandas.__version__,
        "pyarrow": pyarrow.__version__,
        "pandera": pandera.__version__,
        "streamlit": streamlit.__version__,
        "load_average_start": os.getloadavg(),
    }


def _median(values: list[float]) -> float:
    return statistics.median(values)


def measure_size(
    rows: int, repeat: int, quick: bool, browser: bool, log, only: frozenset[str] = PARTS
) -> dict:
    """Every chosen measurement at one sample size."""
    from analysis.sample import write_sample
    from benchmarks.messy import write_messy

    result: dict[str, object] = {"rows": rows}
    with tempfile.TemporaryDirectory(prefix=f"bench{rows}_") as tmp:
        clean = Path(tmp) / "clean"
        messy = Path(tmp) / "messy"
        start = time.perf_counter()
        write_sample(clean, rows=rows, seed=0)
        result["sample_write_s"] = time.perf_counter() - start
        write_messy(clean, messy)
        ct_clean, ct_messy = clean / "control_totals.csv", messy / "control_totals.csv"
        result["file_mb"] = ct_clean.stat().st_size / 1e6
        result["messy_file_mb"] = ct_messy.stat().st_size / 1e6
        written = result["sample_write_s"]
        log(f"  {rows:,} rows: sample written in {written:.2f} s ({result['file_mb']:.0f} MB)")

        if "read" in only:
            samples: dict[str, list[dict]] = {k: [] for k in ("csv", "load", "rv", "csv_m", "load_m", "rv_m")}
            for i in range(repeat):
                # Interleaved, so a busy moment on the shared machine hits both sides of a ratio alike.
                samples["csv"].append(run_child("read_csv", ct_clean))
                samples["load"].append(run_child("load", clean))
                samples["csv_m"].append(run_child("read_csv", ct_messy, "--messy"))
                samples["load_m"].append(run_child("load", messy))
                samples["rv"].append(run_child("read_validate", ct_clean))
                samples["rv_m"].append(run_child("read_validate", ct_messy))
                last = {k: v[-1]["seconds"] for k, v in samples.items()}
                log(
                    f"    round {i + 1}/{repeat}: read_csv {last['csv']:.2f} s, load {last['load']:.2f} s, "
                    f"messy read_csv {last['csv_m']:.2f} s, messy load {last['load_m']:.2f} s"
                )
            for name in ("load", "load_m"):
                for sample in samples[name]:
                    if sample["quarantined"] or sample["file_errors"] or sample["rows"] < rows * 0.99:
                        raise RuntimeError(f"the {name} sample did not load clean: {sample}")
            med = {k: _median([s["seconds"] for s in v]) for k, v in samples.items()}
            result.update(
                read_csv_s=med["csv"],
                load_s=med["load"],
                read_validate_s=med["rv"],
                read_only_s=_median([s["read_seconds"] for s in samples["rv"]]),
                messy_read_csv_s=med["csv_m"],
                messy_load_s=med["load_m"],
                messy_read_validate_s=med["rv_m"],
                clean_ratio=med["load"] / med["csv"],
                messy_ratio=med["load_m"] / med["csv_m"],
                clean_rv_ratio=med["rv"] / med["csv"],
                messy_rv_ratio=med["rv_m"] / med["csv_m"],
                load_peak_mb=max(s["peak_rss"] for s in samples["load"]) / 2**20,
                messy_load_peak_mb=max(s["peak_rss"] for s in samples["load_m"]) / 2**20,
                read_csv_peak_mb=max(s["peak_rss"] for s in samples["csv"]) / 2**20,
                imports_mb=_median([s["rss_after_imports"] for s in samples["load"]]) / 2**20,
                samples={k: [round(s["seconds"], 3) for s in v] for k, v in samples.items()},
            )

        if "filter" in only:
            filt = run_child("filter", clean, "--repeat", str(max(5, repeat * 2)))
            result.update(filter_change_ms=filt["analysis_ms"], views_change_ms=filt["views_ms"])
            result["filter_samples"] = filt["samples"]
            log(f"    filter change {filt['analysis_ms']:.0f} ms; page views {filt['views_ms']:.0f} ms")

        if "rerun" in only:
            app = run_child("apptest", clean, "--repeat", str(3 if quick else 5))
            result.update(
                rerun_overview_ms=app["rerun_overview_ms"],
                rerun_systems_ms=app["rerun_systems_ms"],
                unit_toggle_ms=app["unit_toggle_systems_ms"],
                apptest_first_run_s=app["first_run_s"],
                apptest_peak_mb=app["peak_rss"] / 2**20,
                rerun_samples={
                    "overview": app["rerun_overview_samples"],
                    "systems": app["rerun_systems_samples"],
                },
            )
            log(
                f"    AppTest: first run {app['first_run_s']:.1f} s, rerun Overview "
                f"{app['rerun_overview_ms']:.0f} ms, Systems {app['rerun_systems_ms']:.0f} ms"
            )
        if browser and "cold" in only:
            cold = cold_start(clean)
            result.update(
                cold_start_s=cold["seconds"],
                server_healthy_s=cold["healthy_seconds"],
                server_peak_mb=(cold["server_peak_rss"] or 0) / 2**20,
                browser_exceptions=cold["exceptions"],
            )
            log(f"    cold start {cold['seconds']:.1f} s (healthy after {cold['healthy_seconds']:.1f} s)")
    return result


def main(argv: list[str] | None = None) -> int:
    """Write the samples, run the measurements and write the report."""
    argv = sys.argv[1:] if argv is None else argv
    if "--child" in argv:
        child_main(argv)
        return 0
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", help="comma-separated row counts, e.g. 10000,100000,1000000")
    parser.add_argument("--quick", action="store_true", help="10k and 100k rows, one round each")
    parser.add_argument("--repeat", type=int, help="rounds per size of the read measurements (default 5)")
    parser.add_argument("--no-browser", action="store_true", help="skip the headless-browser cold start")
    parser.add_argument("--no-write", action="store_true", help="print only; leave the results files alone")
    parser.add_argument(
        "--only",
        help="comma-separated parts to measure: read, filter, rerun, cold (default: all). A partial run "
        "prints its rows and writes no results files (the budgets need every part).",
    )
    args = parser.parse_args(argv)
    sizes = (
        tuple(int(s.replace("_", "")) for s in args.sizes.split(","))
        if args.sizes
        else (QUICK_SIZES if args.quick else DEFAULT_SIZES)
    )
    repeat = args.repeat or (1 if args.quick else 5)
    browser = not args.no_browser and find_chromium() is not None
    only = frozenset(p.strip() for p in args.only.split(",")) if args.only else PARTS
    if only - PARTS:
        parser.error(f"--only takes {', '.join(sorted(PARTS))}; not {', '.join(sorted(only - PARTS))}")
    info = machine()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log(f"benchmarking {', '.join(f'{s:,}' for s in sizes)} rows, {repeat} round(s) each")
    results = [measure_size(rows, repeat, args.quick, browser, log, only) for rows in sorted(sizes)]
    info["load_average_end"] = os.getloadavg()
    budgets = evaluate(results) if only == PARTS else []
    text = markdown(results, budgets, info, repeat)
    print(text)
    if not args.no_write and only == PARTS:
        write_reports(text, {"machine": info, "repeat": repeat, "results": results, "budgets": budgets})
        log(
            f"wrote {RESULTS_MD.relative_to(ROOT)}, {RESULTS_JSON.relative_to(ROOT)} and the results in "
            f"{PERFORMANCE_MD.relative_to(ROOT)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
