"""Bad-file memory: `validate --json` on a ~9 MB control-totals file in which every row is bad.

Every cell of every row breaks a rule, so the file yields about a dozen problems per row (1.6M in all).
Measured in a child process (peak resident memory from the kernel's accounting), with the size of what
it prints. Run: `.venv/bin/python -m benchmarks.bad_file [--mb 9]`; budgets in docs/performance.md.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = (
    "financial_year,month,system_code,org_code,org_name,org_type,plan_income,actual_income,"
    "plan_expenditure,actual_expenditure,control_total,forecast_outturn,control_total_accepted"
)


def write_bad_file(path: Path, megabytes: float) -> int:
    """A control-totals file of about `megabytes` MB in which every row breaks several rules; its rows."""
    lines, size, row = [HEADER], len(HEADER), 0
    while size < megabytes * 1_000_000:
        line = f"2018/x9,M{row % 20},E5400,R{row},Org {row},weird,abc,def,ghi,jkl,mno,pqr,maybe"
        lines.append(line)
        size += len(line) + 1
        row += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return row


def measure(megabytes: float, *extra: str) -> dict:
    """Validate a file of that size in which every row is bad; its time, peak memory and output size."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bad.csv"
        rows = write_bad_file(path, megabytes)
        out = Path(folder) / "out.json"
        started = time.perf_counter()
        with out.open("wb") as sink:
            status = subprocess.run(
                [sys.executable, "-m", "analysis", "validate", "--json", str(path), *extra], stdout=sink
            ).returncode
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return {
            "rows": rows,
            "status": status,
            "seconds": round(seconds, 1),
            "peak_mb": round(peak_mb),
            "output_mb": round(out.stat().st_size / 1e6, 1),
        }


def main(argv: list[str] | None = None) -> int:
    """Measure the bad-file cases and print them against their budgets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=9.0, help="file size in MB (default 9)")
    parser.add_argument("--all", action="store_true", help="pass --all (list every problem)")
    args = parser.parse_args(argv)
    print(measure(args.mb, *(["--all"] if args.all else [])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
