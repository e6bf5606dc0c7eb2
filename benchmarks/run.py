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
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.chromium import find_chromium  # noqa: E402
from benchmarks.chromium import CHROMIUM_ARGS  # noqa: E402

RESULTS_MD = ROOT / "benchmarks" / "results.md"
RESULTS_JSON = ROOT / "benchmarks" / "results.json"
PERFORMANCE_MD = ROOT / "docs" / "performance.md"
MARK_START = "<!-- results:start (written by benchmarks/run.py) -->"
MARK_END = "<!-- results:end -->"
OVERVIEW_TITLE = "Where the money stands against plan"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
PARTS = frozenset({"read", "filter", "rerun", "cold"})
"""What `--only` can choose: read + validate, filter change, AppTest reruns, cold start in a browser."""

BUDGETS = {
    "clean_ratio": ("read + validate (load_paths), clean file, vs plain read_csv", 3.0, "×"),
    "messy_ratio": ("read + validate (load_paths), messy file, vs plain read_csv", 8.0, "×"),
    "filter_change_ms": ("filter change through the analysis layer", 100.0, "ms"),
    "rerun_overview_ms": ("page rerun after a filter change: Overview", 300.0, "ms"),
    "rerun_systems_ms": ("page rerun after a filter change: Systems", 300.0, "ms"),
    "peak_memory_mb": ("peak memory (load, app, whichever is larger)", 1536.0, "MB"),
    "growth": ("cost growth 100k → 1M (load, filter, rerun; 10 = linear)", 10.0, "×"),
}


# --------------------------------------------------------------------------------------------------------
# Children: one measurement each, one JSON line on stdout
# --------------------------------------------------------------------------------------------------------


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
        scope = views.scope(dataset, filters, "£m")
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
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--path", str(path), *extra]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise RuntimeError(f"{kind} on {path} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


# --------------------------------------------------------------------------------------------------------
# Cold start in a headless browser
# --------------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _vm_hwm(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def cold_start(folder: Path, timeout: float = 900.0) -> dict:
    """Seconds from `streamlit run` until the Overview has rendered, and the server's peak memory."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = {**os.environ, "DATA_DIR": str(folder)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        start = time.perf_counter()
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            url = f"http://127.0.0.1:{port}"
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"streamlit exited: {server.stderr.read().decode()[-2000:]}")
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.perf_counter() - start > timeout:
                    raise TimeoutError("the server never became healthy")
                time.sleep(0.05)
            healthy = time.perf_counter() - start
            page.goto(url, timeout=timeout * 1000)
            page.get_by_text(OVERVIEW_TITLE).first.wait_for(state="visible", timeout=timeout * 1000)
            page.wait_for_selector(
                "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout * 1000
            )
            rendered = time.perf_counter() - start
            exceptions = page.locator("[data-testid='stException']").count()
            return {
                "seconds": rendered,
                "healthy_seconds": healthy,
                "server_peak_rss": _vm_hwm(server.pid),
                "exceptions": exceptions,
            }
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            browser.close()


# --------------------------------------------------------------------------------------------------------
# The parent: generate, measure, report
# --------------------------------------------------------------------------------------------------------


def machine() -> dict:
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


def evaluate(results: list[dict]) -> list[dict]:
    """Each budget at the largest size measured: the value, and whether it is met."""
    by_rows = {r["rows"]: r for r in results}
    top = by_rows[max(by_rows)]
    values: dict[str, float | None] = {
        "clean_ratio": top["clean_ratio"],
        "messy_ratio": top["messy_ratio"],
        "filter_change_ms": top["filter_change_ms"],
        "rerun_overview_ms": top["rerun_overview_ms"],
        "rerun_systems_ms": top["rerun_systems_ms"],
        "peak_memory_mb": max(
            top["load_peak_mb"],
            top["messy_load_peak_mb"],
            top["apptest_peak_mb"],
            top.get("server_peak_mb", 0),
        ),
        "growth": None,
    }
    growth_detail = ""
    if 100_000 in by_rows and 1_000_000 in by_rows:
        small, large = by_rows[100_000], by_rows[1_000_000]
        ratios = {
            "load": large["load_s"] / small["load_s"],
            "messy load": large["messy_load_s"] / small["messy_load_s"],
            "filter": large["filter_change_ms"] / small["filter_change_ms"],
            "rerun Overview": large["rerun_overview_ms"] / small["rerun_overview_ms"],
            "rerun Systems": large["rerun_systems_ms"] / small["rerun_systems_ms"],
        }
        values["growth"] = max(ratios.values())
        growth_detail = ", ".join(f"{k} {v:.1f}×" for k, v in ratios.items())
    out = []
    for key, (label, limit, unit) in BUDGETS.items():
        value = values[key]
        out.append(
            {
                "budget": key,
                "label": label,
                "limit": limit,
                "unit": unit,
                "value": value,
                "met": None if value is None else value <= limit,
                "at_rows": top["rows"] if key != "growth" else "100k → 1M",
                "detail": growth_detail if key == "growth" else "",
            }
        )
    return out


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "×":
        return f"{value:.1f}×"
    if unit == "ms":
        return f"{value:,.0f} ms"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value}"


ROWS = (
    ("plain pandas.read_csv, clean file", "read_csv_s", "s"),
    ("read + validate, load_paths(folder), clean", "load_s", "s"),
    ("  ratio to read_csv (budget ≤ 3×)", "clean_ratio", "×"),
    ("read_bytes + validate_rows, control totals only, clean", "read_validate_s", "s"),
    ("  of which read_bytes", "read_only_s", "s"),
    ("  ratio to read_csv", "clean_rv_ratio", "×"),
    ("plain pandas.read_csv, messy file (sep=';', cp1252)", "messy_read_csv_s", "s"),
    ("read + validate, load_paths(folder), messy", "messy_load_s", "s"),
    ("  ratio to read_csv (budget ≤ 8×)", "messy_ratio", "×"),
    ("read_bytes + validate_rows, control totals only, messy", "messy_read_validate_s", "s"),
    ("  ratio to read_csv", "messy_rv_ratio", "×"),
    ("peak memory, load_paths clean (VmHWM)", "load_peak_mb", "MB"),
    ("peak memory, load_paths messy (VmHWM)", "messy_load_peak_mb", "MB"),
    ("peak memory, plain read_csv (VmHWM)", "read_csv_peak_mb", "MB"),
    ("memory after imports, before loading", "imports_mb", "MB"),
    (
        "filter change: apply_filters + ytd_summary + monthly_series + SPC (≤ 100 ms)",
        "filter_change_ms",
        "ms",
    ),
    ("filter change: Overview + Systems views (analysis.views)", "views_change_ms", "ms"),
    ("AppTest rerun after region change: Overview (≤ 300 ms)", "rerun_overview_ms", "ms"),
    ("AppTest rerun after region change: Systems (≤ 300 ms)", "rerun_systems_ms", "ms"),
    ("AppTest rerun after unit toggle: Systems", "unit_toggle_ms", "ms"),
    ("AppTest first run (loads the data)", "apptest_first_run_s", "s"),
    ("AppTest peak memory (VmHWM)", "apptest_peak_mb", "MB"),
    ("cold start to rendered Overview, headless chromium", "cold_start_s", "s"),
    ("  of which until /_stcore/health answers", "server_healthy_s", "s"),
    ("streamlit server peak memory (VmHWM)", "server_peak_mb", "MB"),
)


def _size_label(rows: int) -> str:
    return (
        f"{rows // 1_000_000}M"
        if rows % 1_000_000 == 0
        else f"{rows // 1000}k"
        if rows % 1000 == 0
        else str(rows)
    )


def markdown(results: list[dict], budgets: list[dict], info: dict, repeat: int) -> str:
    sizes = [r["rows"] for r in results]
    header = "| measurement | " + " | ".join(f"{_size_label(s)} rows" for s in sizes) + " |"
    lines = [header, "|---|" + "---:|" * len(sizes)]
    for label, key, unit in ROWS:
        if not any(key in r for r in results):
            continue
        cells = [_fmt(r.get(key), unit) for r in results]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    budget_lines = ["| budget | limit | measured | met |", "|---|---:|---:|:---:|"]
    for b in budgets:
        met = "n/a" if b["met"] is None else ("yes" if b["met"] else "**no**")
        detail = f" ({b['detail']})" if b["detail"] else ""
        limit, value = _fmt(b["limit"], b["unit"]), _fmt(b["value"], b["unit"])
        budget_lines.append(f"| {b['label']}{detail} | {limit} | {value} | {met} |")
    load = info["load_average_start"]
    machine_line = (
        f"Measured {info['date']} on {info['nproc']} cores ({info['cpu']}), {info['memory_gb']} GB memory; "
        f"Python {info['python']}, pandas {info['pandas']}, pyarrow {info['pyarrow']}, "
        f"pandera {info['pandera']}, streamlit {info['streamlit']}. Load average at start "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}, at end "
        f"{info['load_average_end'][0]:.1f} (the machine is shared). Times are medians of {repeat} "
        "runs, each in a fresh process; ratios are of medians measured interleaved."
    )
    if not budgets:  # a partial run (--only): no budget can be judged
        return "\n\n".join([machine_line, table])
    return "\n\n".join(
        [machine_line, table, f"Budgets at {_size_label(max(sizes))} rows:", "\n".join(budget_lines)]
    )


def write_reports(text: str, payload: dict) -> None:
    RESULTS_MD.write_text("# Benchmark results\n\nWritten by `benchmarks/run.py`.\n\n" + text + "\n")
    RESULTS_JSON.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    if PERFORMANCE_MD.exists():
        doc = PERFORMANCE_MD.read_text()
        if MARK_START in doc and MARK_END in doc:
            head, rest = doc.split(MARK_START, 1)
            _, tail = rest.split(MARK_END, 1)
            PERFORMANCE_MD.write_text(f"{head}{MARK_START}\n{text}\n{MARK_END}{tail}")


def main(argv: list[str] | None = None) -> int:
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
