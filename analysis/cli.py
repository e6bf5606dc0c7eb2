"""The command line: `python -m analysis validate | summary | sample`, per the data contract.

Exit status: 0 all valid, 1 some rows quarantined, 2 a file could not be read or the command was misused.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas and pandera load only when a command runs, so usage errors and --help are instant
    from analysis.model import Dataset

EXIT_OK, EXIT_QUARANTINED, EXIT_UNREADABLE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line hint, never a traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_UNREADABLE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m analysis", description="ICS financial control totals: check and summarise extracts."
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = commands.add_parser("validate", help="check extracts and report every problem")
    validate.add_argument("paths", nargs="+", help="files or folders of CSV extracts")
    validate.add_argument("--json", action="store_true", help="print one JSON object")

    summary = commands.add_parser("summary", help="year-to-date table at a chosen grain")
    summary.add_argument("paths", nargs="+", help="files or folders of CSV extracts")
    summary.add_argument("--by", choices=["system", "region", "org", "org_type"], default="system")
    summary.add_argument("--year", help="financial year, e.g. 2018/19 (default: latest)")
    summary.add_argument("--month", type=int, help="as-at month 1-12 (default: latest with actuals)")
    summary.add_argument("--format", choices=["csv", "json"], default="csv")

    sample = commands.add_parser("sample", help="write a synthetic, valid extract set")
    sample.add_argument("--rows", type=int, default=10_000, help="about how many control-total rows")
    sample.add_argument("--out", required=True, help="folder to write into")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--bundled", action="store_true", help="write the bundled illustrative set instead")
    return parser


def validation_report(dataset: Dataset) -> dict:
    """The validate command's JSON object (data contract)."""
    files = []
    for report in dataset.files:
        if not report.readable:
            continue
        mine = dataset.problems[dataset.problems["file"] == report.path]
        files.append(
            {
                "path": report.path,
                "kind": report.kind,
                "rows": report.rows,
                "valid": report.valid,
                "quarantined": report.quarantined,
                "encoding": report.encoding,
                "sha256": report.sha256,
                "errors": [
                    {"line": int(line), "column": column, "rule": rule, "value": value, "message": message}
                    for line, column, rule, value, message in zip(
                        mine["line"],
                        mine["column"],
                        mine["rule"],
                        mine["value"],
                        mine["message"],
                        strict=True,
                    )
                ],
            }
        )
    return {
        "files": files,
        "file_errors": [{"path": r.path, "message": r.error} for r in dataset.file_errors],
        "cross_checks": dataset.cross_checks,
    }


def _exit_status(dataset: Dataset) -> int:
    if dataset.file_errors:
        return EXIT_UNREADABLE
    if dataset.rows_quarantined:
        return EXIT_QUARANTINED
    return EXIT_OK


def _print_validation(dataset: Dataset) -> None:
    for report in dataset.files:
        if not report.readable:
            print(f"{report.path}: cannot be read: {report.error}")
            continue
        print(
            f"{report.path}: {report.kind}, {report.rows} rows, {report.valid} valid, "
            f"{report.quarantined} quarantined"
        )
        if report.ignored_columns:
            print(f"  columns not used: {', '.join(report.ignored_columns)}")
        mine = dataset.problems[dataset.problems["file"] == report.path]
        for line, column, rule, value, message in zip(
            mine["line"], mine["column"], mine["rule"], mine["value"], mine["message"], strict=True
        ):
            print(f"  {report.path}:{line}: {column}: {rule}: {value!r}: {message}")
    if dataset.cross_checks:
        print("Checks across rows and files:")
        for check in dataset.cross_checks:
            rows = f" ({check['rows']} rows held back)" if check["rows"] else ""
            print(f"  [{check['status']}] {check['description']}{rows}")
    status = _exit_status(dataset)
    verdict = {0: "All rows valid.", 1: "Some rows were quarantined.", 2: "Some files could not be read."}
    print(verdict[status])


def run_validate(args: argparse.Namespace) -> int:
    from analysis.dataset import load_paths

    dataset = load_paths(args.paths)
    if args.json:
        print(json.dumps(validation_report(dataset), indent=2, ensure_ascii=False))
    else:
        _print_validation(dataset)
    return _exit_status(dataset)


def run_summary(args: argparse.Namespace) -> int:
    from analysis.dataset import load_paths
    from analysis.measures import summary_table

    dataset = load_paths(args.paths)
    for report in dataset.file_errors:
        print(f"{report.path}: cannot be read: {report.error}", file=sys.stderr)
    if dataset.rows_quarantined:
        print(
            f"{dataset.rows_quarantined} quarantined rows were left out (run `python -m analysis validate` "
            "to see why).",
            file=sys.stderr,
        )
    if dataset.control_totals.empty:
        print("No valid control-total rows to summarise.", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        table = summary_table(dataset, by=args.by, year=args.year, month=args.month)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.format == "json":
        print(table.to_json(orient="records", indent=2, double_precision=1))
    else:
        sys.stdout.write(table.to_csv(index=False, lineterminator="\n"))
    return EXIT_OK


def run_sample(args: argparse.Namespace) -> int:
    from analysis import sample

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.bundled:
        written = sample.write_bundled(out)
    else:
        if args.rows < 1:
            print("error: --rows must be at least 1", file=sys.stderr)
            return EXIT_UNREADABLE
        written = sample.write_sample(out, rows=args.rows, seed=args.seed)
    for path in written:
        print(path)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"validate": run_validate, "summary": run_summary, "sample": run_sample}
    try:
        status = handlers[args.command](args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, and keep Python from complaining at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    return status
