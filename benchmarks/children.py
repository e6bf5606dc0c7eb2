"""The measurements of benchmarks/run.py, each in a fresh child process that prints one JSON line.

`run.py --child KIND --path PATH [--messy] [--repeat N]` runs one (`child_main`); the parent starts it with
`run_child`. A fresh process per measurement keeps one from warming or bloating the next, and makes its
peak memory (VmHWM) its own.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import ROOT

RUN_SCRIPT = ROOT / "benchmarks" / "run.py"
"""The script a child runs: `run.py --child ...` (the command line the parent always had)."""


def _peak_rss() -> int:
    """Peak resident memory of this process in bytes (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _child_read_csv(path: str, messy: bool) -> dict:
    import pandas as pd

    options = {"sep": ";", "encoding": "cp1252"} if messy else {}
    start = time.perf_counter()
    frame = pd.read_csv(path, **options)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": len(frame)}


def _child_load(path: str) -> dict:
    from analysis.dataset import load_paths

    start = time.perf_counter()
    dataset = load_paths([path])
    seconds = time.perf_counter() - start
    ct = [f for f in dataset.files if f.kind == "control_totals"]
    return {
        "seconds": seconds,
        "rows": len(dataset.control_totals),
        "quarantined": dataset.rows_quarantined,
        "file_errors": len(dataset.file_errors),
        "encoding": ct[0].encoding if ct else None,
    }


def _child_read_validate(path: str) -> dict:
    from analysis.reading import read_bytes
    from analysis.validation import validate_rows

    data = Path(path).read_bytes()
    start = time.perf_counter()
    raw = read_bytes(data, Path(path).name)
    read = time.perf_counter() - start
    typed, problems = validate_rows(raw)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "read_seconds": read, "rows": len(typed), "problems": len(problems)}


def _child_filter(path: str, repeat: int) -> dict:
    from analysis import measures, spc, views
    from analysis.dataset import load_paths
    from analysis.filters import Filters, apply_filters, available_options, resolve
    from analysis.state import ViewState

    dataset = load_paths([path])
    options = available_options(dataset)
    regions = list(options.regions)

    def changed(i: int) -> Filters:
        return resolve(Filters(regions=(regions[i % len(regions)],)), dataset)

    def analysis_layer(filters: Filters) -> None:
        rows = apply_filters(dataset, filters)
        summary = measures.ytd_summary(rows, dataset.systems, "system", filters.financial_year, filters.month)
        code = str(summary["system_code"].iloc[0])
        monthly = measures.monthly_series(rows, "system", code, filters.financial_year, dataset.systems)
        spc.spc_analysis(monthly["variance"].dropna(), "increase", target=0.0)

    def page_views(filters: Filters) -> None:
        scope = views.scope(dataset, ViewState(filters, "£m"))
        views.overview(scope)
        views.systems(scope)

    analysis_layer(resolve(Filters(), dataset))  # first call pays for lazy imports, not a filter change
    page_views(resolve(Filters(), dataset))
    timings: dict[str, list[float]] = {"analysis": [], "views": []}
    for i in range(repeat):
        filters = changed(i)
        start = time.perf_counter()
        analysis_layer(filters)
        timings["analysis"].append(time.perf_counter() - start)
        start = time.perf_counter()
        page_views(filters)
        timings["views"].append(time.perf_counter() - start)
    return {
        "analysis_ms": statistics.median(timings["analysis"]) * 1000,
        "views_ms": statistics.median(timings["views"]) * 1000,
        "samples": {k: [round(v * 1000, 1) for v in vs] for k, vs in timings.items()},
    }


def _child_apptest(path: str, repeat: int) -> dict:
    os.environ["DATA_DIR"] = path
    os.chdir(ROOT)
    from streamlit.testing.v1 import AppTest

    out: dict[str, object] = {}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    start = time.perf_counter()
    at.run()
    out["first_run_s"] = time.perf_counter() - start
    _assert_clean(at)
    regions = list(at.multiselect(key="region").options)  # the app's own list: no second dataset in memory
    used = 0
    for page, script in (("overview", None), ("systems", "pages/systems.py")):
        if script is not None:
            at.switch_page(script)
            at.run()
            _assert_clean(at)
        samples = []
        for _ in range(repeat):
            region = regions[used % len(regions)]
            used += 1
            at.multiselect(key="region").set_value([region])
            start = time.perf_counter()
            at.run()
            samples.append(time.perf_counter() - start)
            _assert_clean(at)
        out[f"rerun_{page}_ms"] = statistics.median(samples) * 1000
        out[f"rerun_{page}_samples"] = [round(s * 1000, 1) for s in samples]
    # The unit toggle: every view recomputed in the other unit (a cache miss the first time).
    at.multiselect(key="region").set_value([])
    at.run()
    unit = at.radio(key="unit")
    other = next(o for o in unit.options if o != unit.value)
    unit.set_value(other)
    start = time.perf_counter()
    at.run()
    out["unit_toggle_systems_ms"] = (time.perf_counter() - start) * 1000
    return out


def _assert_clean(at) -> None:
    if at.exception:
        raise RuntimeError(f"the app raised: {at.exception[0].message}")


def child_main(argv: list[str]) -> None:
    """One measurement in this fresh process; prints its result as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--messy", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    # Everything a measurement imports, imported before "memory after imports" is read.
    import pandas  # noqa: F401
    import pandera.pandas  # noqa: F401
    import pyarrow.csv  # noqa: F401

    import analysis.dataset
    import analysis.views  # noqa: F401

    if args.child == "apptest":
        import streamlit.testing.v1  # noqa: F401
    before = _peak_rss()
    if args.child == "read_csv":
        result = _child_read_csv(args.path, args.messy)
    elif args.child == "load":
        result = _child_load(args.path)
    elif args.child == "read_validate":
        result = _child_read_validate(args.path)
    elif args.child == "filter":
        result = _child_filter(args.path, args.repeat)
    elif args.child == "apptest":
        result = _child_apptest(args.path, args.repeat)
    else:
        raise SystemExit(f"unknown child {args.child}")
    result["peak_rss"] = _peak_rss()
    result["rss_after_imports"] = before
    print("RESULT " + json.dumps(result), flush=True)


def run_child(kind: str, path: Path, *extra: str, timeout: int = 3600) -> dict:
    """Run one measurement in a fresh process and return its JSON result."""
    command = [sys.executable, str(RUN_SCRIPT), "--child", kind, "--path", str(path), *extra]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise RuntimeError(f"{kind} on {path} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
