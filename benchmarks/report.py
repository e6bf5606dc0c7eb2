"""Budgets and reports of benchmarks/run.py: judge the results, write them as Markdown and JSON."""

from __future__ import annotations

import json

from benchmarks import ROOT

RESULTS_MD = ROOT / "benchmarks" / "results.md"
RESULTS_JSON = ROOT / "benchmarks" / "results.json"
PERFORMANCE_MD = ROOT / "docs" / "performance.md"
MARK_START = "<!-- results:start (written by benchmarks/run.py) -->"
MARK_END = "<!-- results:end -->"

BUDGETS = {
    "clean_ratio": ("read + validate (load_paths), clean file, vs plain read_csv", 3.0, "×"),
    "messy_ratio": ("read + validate (load_paths), messy file, vs plain read_csv", 8.0, "×"),
    "filter_change_ms": ("filter change through the analysis layer", 100.0, "ms"),
    "rerun_overview_ms": ("page rerun after a filter change: Overview", 300.0, "ms"),
    "rerun_systems_ms": ("page rerun after a filter change: Systems", 300.0, "ms"),
    "peak_memory_mb": ("peak memory (load, app, whichever is larger)", 1536.0, "MB"),
    "growth": ("cost growth 100k → 1M (load, filter, rerun; 10 = linear)", 10.0, "×"),
}


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
    """The results table and budgets as Markdown."""
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
    """Write results.md and results.json beside the benchmarks."""
    RESULTS_MD.write_text("# Benchmark results\n\nWritten by `benchmarks/run.py`.\n\n" + text + "\n")
    RESULTS_JSON.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    if PERFORMANCE_MD.exists():
        doc = PERFORMANCE_MD.read_text()
        if MARK_START in doc and MARK_END in doc:
            head, rest = doc.split(MARK_START, 1)
            _, tail = rest.split(MARK_END, 1)
            PERFORMANCE_MD.write_text(f"{head}{MARK_START}\n{text}\n{MARK_END}{tail}")
