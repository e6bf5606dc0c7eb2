"""The command line: `python -m analysis validate | summary | sample | export`, per the data contract.

Exit status: 0 all valid, 1 some rows quarantined, 2 a file could not be read or the command was misused.
`export` exits 0 when the file is written (quarantined rows are noted on standard error; the extract records
them), 2 on misuse, an unreadable file, or a PDF that cannot be made; it writes nothing unless it succeeds,
and only ever writes a regular file (never through a symlink, into a device, FIFO or folder). `sample`
refuses a folder that already holds extracts unless given --replace.

Text for the terminal goes through `visible`: control characters in file names and data (ESC, NUL, a
newline that could fake a line of output) are printed as escapes. summary's CSV escapes them the same way
in its cells (it is read on a terminal as often as by a program, and stays valid CSV); its JSON and
validate's JSON escape them as JSON does.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.safe_files import UnsafeOutput, check_output_file, display_path, write_regular_file

if TYPE_CHECKING:  # pandas and pandera load only when a command runs, so usage errors and --help are instant
    import pandas as pd

    from analysis.model import Dataset

EXIT_OK, EXIT_QUARANTINED, EXIT_UNREADABLE = 0, 1, 2
ERRORS_PER_RULE = 1_000
"""Problems `validate` lists per rule per file unless `--all`; the rest are counted (`truncated`). A file
whose every row is bad would otherwise print hundreds of megabytes; an ordinary file lists everything."""
EXPORT_FORMATS = {"systems": ("csv", "xlsx"), "rows": ("csv", "xlsx"), "pack": ("html", "pdf")}
"""What each export can be written as (the first is the default when --out's suffix does not say)."""
EXPORT_PAGES = {"systems": "systems", "rows": "explore", "pack": ""}
"""The dashboard page (URL path) each export reproduces, for the link in the extract."""
_UNITS = {"£m": "£m", "m": "£m", "£000": "£000", "000": "£000", "k": "£000"}
SAMPLE_MAX_ROWS = 10_000_000
"""The most rows `sample` writes: ten times a national data set, and within a machine's memory."""

_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Characters a terminal acts on or hides rather than shows: C0 and C1 controls (ESC, NUL, newline, ...),
DEL, line separators, bidirectional overrides, and the lone surrogates undecodable file names arrive as."""
_INVISIBLE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""The same, less the C0 controls: JSON escapes those in strings, and its line breaks are layout."""
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as os.fsdecode carries it: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Text with every control character made visible (`\\x1b`, `\\n`): what the CLI prints for a
    terminal, so a file name or cell cannot move the cursor, clear the screen or fake a line of output."""
    return _INVISIBLE.sub(_escape, text)


def _say(line: str, stream=None) -> None:
    """Print one line for a terminal (standard output unless told), its control characters made visible."""
    print(visible(line), file=stream or sys.stdout)


def _visible_json(text: str) -> str:
    """JSON text for a terminal: json escapes C0 controls itself; DEL, C1 controls, separators,
    bidirectional overrides and lone surrogates are escaped here too (valid JSON anywhere in a string)."""
    return _INVISIBLE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _visible_cells(table: pd.DataFrame) -> pd.DataFrame:
    """The table with control characters in its text cells made visible, as the terminal shows them."""
    from pandas.api.types import is_numeric_dtype

    text = [c for c in table.columns if not is_numeric_dtype(table[c])]
    if not text:
        return table
    return table.assign(**{c: table[c].map(lambda v: visible(v) if isinstance(v, str) else v) for c in text})


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line hint, never a traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        _say(f"{self.prog}: error: {message}", sys.stderr)
        raise SystemExit(EXIT_UNREADABLE)


def build_parser() -> argparse.ArgumentParser:
    """The command line: validate, summary, sample and export, as data-contract.md describes them."""
    parser = _Parser(
        prog="python -m analysis", description="ICS financial control totals: check and summarise extracts."
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = commands.add_parser("validate", help="check extracts and report every problem")
    validate.add_argument("paths", nargs="+", help="files or folders of CSV extracts")
    validate.add_argument("--json", action="store_true", help="print one JSON object")
    validate.add_argument(
        "--all",
        action="store_true",
        help=f"list every problem (by default the first {ERRORS_PER_RULE:,} of each rule in each file, "
        "and how many more)",
    )

    summary = commands.add_parser("summary", help="year-to-date table at a chosen grain")
    summary.add_argument("paths", nargs="+", help="files or folders of CSV extracts")
    summary.add_argument("--by", choices=["system", "region", "org", "org_type"], default="system")
    summary.add_argument("--year", help="financial year, e.g. 2018/19 (default: latest)")
    summary.add_argument("--month", help="as-at month 1-12, e.g. 6 or M06 (default: latest with actuals)")
    summary.add_argument("--format", choices=["csv", "json"], default="csv")

    sample = commands.add_parser("sample", help="write a synthetic, valid extract set")
    sample.add_argument("--rows", type=int, default=10_000, help="about how many control-total rows")
    sample.add_argument("--out", required=True, help="folder to write into")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--bundled", action="store_true", help="write the bundled illustrative set instead")
    sample.add_argument(
        "--replace", action="store_true", help="overwrite extracts already in the folder (refused otherwise)"
    )

    export = commands.add_parser(
        "export", help="write the systems table, the filtered rows or the board pack to a file"
    )
    export.add_argument("paths", nargs="+", help="files or folders of CSV extracts")
    export.add_argument("--what", choices=list(EXPORT_FORMATS), required=True)
    export.add_argument(
        "--format",
        choices=["csv", "xlsx", "html", "pdf"],
        help="tables: csv or xlsx; pack: html or pdf (default: from --out's suffix, else csv / html)",
    )
    export.add_argument("--out", required=True, help="file to write (a regular file, replaced if it exists)")
    export.add_argument("--year", help="financial year, e.g. 2018/19 (default: latest)")
    export.add_argument("--month", help="as-at month 1-12, e.g. 6 or M06 (default: latest with actuals)")
    export.add_argument("--region", action="append", default=[], help="region (repeat for more)")
    export.add_argument("--system", action="append", default=[], help="system code (repeat for more)")
    export.add_argument(
        "--detail",
        help="pack: the system shown in detail (default: the first --system, else the most adverse)",
    )
    export.add_argument("--org-type", action="append", default=[], help="organisation type (repeat)")
    export.add_argument("--rating", action="append", default=[], help="2017 progress rating (repeat)")
    export.add_argument("--unit", type=_unit, default="£m", help="£m (default) or £000")
    export.add_argument("--restate", action="store_true", help="restate on today's footprints")
    return parser


def _unit(text: str) -> str:
    unit = _UNITS.get(text.strip())
    if unit is None:
        raise argparse.ArgumentTypeError(f"unit must be £m or £000, not {text!r}")
    return unit


def chosen_period(
    year_text: str | None, month_text: str | None, months_by_year: dict[str, tuple[int, ...]]
) -> tuple[str | None, int | None]:
    """--year and --month read with the one grammar files use (`analysis.periods`), checked against the data.

    Returns (year, month), None where not given. Raises ValueError naming the years in the data, or the
    months with actuals in the chosen year, when the data has no such year or month: a period the data
    lacks is an error, never an empty table.
    """
    from analysis.periods import MONTH_FORMS, YEAR_FORMS, normalise_month, normalise_year

    years = ", ".join(sorted(months_by_year)) or "none"
    year = None
    if year_text:  # an empty --year "" means the default, as it always has for export
        year = normalise_year(year_text)
        if year is None:
            raise ValueError(
                f"--year {year_text}: not a financial year (write it as {YEAR_FORMS}); years: {years}"
            )
        if year not in months_by_year:
            raise ValueError(f"--year {year_text}: not in the data; years: {years}")
    if month_text is None:
        return year, None
    chosen_year = year or (max(months_by_year) if months_by_year else None)
    months = months_by_year.get(chosen_year, ()) if chosen_year else ()
    listed = ", ".join(map(str, months)) or "none"
    month = normalise_month(month_text)
    if month is None:
        raise ValueError(
            f"--month {month_text}: not a month 1-12 (write it as {MONTH_FORMS}); "
            f"months with actuals in {chosen_year}: {listed}"
        )
    if month not in months:
        raise ValueError(f"--month {month_text}: no actuals in {chosen_year}; months with actuals: {listed}")
    return year, month


def _listed_problems(dataset: Dataset, path: str, limit: int | None) -> tuple[pd.DataFrame, dict[str, int]]:
    """A file's problems to list (the first `limit` of each rule, in line order; all when None) and how
    many of each rule were left out of the list."""
    mine = dataset.problems[dataset.problems["file"] == path]
    if limit is None or mine.empty:
        return mine, {}
    rank = mine.groupby("rule", sort=False).cumcount().to_numpy()
    beyond = rank >= limit
    if not beyond.any():
        return mine, {}
    truncated = mine["rule"][beyond].value_counts(sort=False)
    return mine[~beyond], {str(rule): int(count) for rule, count in truncated.items()}


def _error_items(problems: pd.DataFrame):
    for line, column, rule, value, message in zip(
        problems["line"],
        problems["column"],
        problems["rule"],
        problems["value"],
        problems["message"],
        strict=True,
    ):
        yield {"line": int(line), "column": column, "rule": rule, "value": value, "message": message}


def validation_report(dataset: Dataset, limit: int | None = ERRORS_PER_RULE) -> dict:
    """The validate command's JSON object (data contract); `truncated` per file counts, by rule, the
    problems beyond the first `limit` of that rule that `errors` leaves out (none with limit None)."""
    files = []
    for report in dataset.files:
        if not report.readable:
            continue
        listed, truncated = _listed_problems(dataset, report.path, limit)
        files.append(
            {
                "path": report.path,
                "kind": report.kind,
                "rows": report.rows,
                "valid": report.valid,
                "quarantined": report.quarantined,
                "encoding": report.encoding,
                "sha256": report.sha256,
                "errors": list(_error_items(listed)),
                "truncated": truncated,
            }
        )
    return {
        "files": files,
        "file_errors": [{"path": r.path, "message": r.error} for r in dataset.file_errors],
        "cross_checks": dataset.cross_checks,
    }


def _write_report_json(dataset: Dataset, limit: int | None, out) -> None:
    """`validation_report` as `json.dumps(..., indent=2)` writes it, but each file's errors written one by
    one as they are made: the text of a million problems is never held at once."""
    report = validation_report(dataset, limit=0)
    listed = []
    for position, entry in enumerate(report["files"]):
        problems, truncated = _listed_problems(dataset, entry["path"], limit)
        entry["errors"], entry["truncated"] = f"\x00errors {position}\x00", truncated
        listed.append(problems)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    for position, problems in enumerate(listed):
        before, text = text.split(json.dumps(f"\x00errors {position}\x00"), 1)
        out.write(_visible_json(before))
        first = True
        for item in _error_items(problems):
            item_text = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n        ")
            out.write(("[\n        " if first else ",\n        ") + _visible_json(item_text))
            first = False
        out.write("[]" if first else "\n      ]")
    out.write(_visible_json(text) + "\n")


def _exit_status(dataset: Dataset) -> int:
    if dataset.file_errors:
        return EXIT_UNREADABLE
    if dataset.rows_quarantined:
        return EXIT_QUARANTINED
    return EXIT_OK


def _print_validation(dataset: Dataset, limit: int | None = ERRORS_PER_RULE) -> None:
    for report in dataset.files:
        if not report.readable:
            _say(f"{report.path}: cannot be read: {report.error}")
            continue
        _say(
            f"{report.path}: {report.kind}, {report.rows} rows, {report.valid} valid, "
            f"{report.quarantined} quarantined"
        )
        if report.ignored_columns:
            _say(f"  columns not used: {', '.join(report.ignored_columns)}")
        mine, truncated = _listed_problems(dataset, report.path, limit)
        for line, column, rule, value, message in zip(
            mine["line"], mine["column"], mine["rule"], mine["value"], mine["message"], strict=True
        ):
            _say(f"  {report.path}:{line}: {column}: {rule}: {value!r}: {message}")
        for rule, count in truncated.items():
            _say(f"  ... and {count:,} more {rule} problem(s) in {report.path} (--all lists every one)")
    if dataset.cross_checks:
        _say("Checks across rows and files:")
        for check in dataset.cross_checks:
            rows = f" ({check['rows']} rows held back)" if check["rows"] else ""
            _say(f"  [{check['status']}] {check['description']}{rows}")
    status = _exit_status(dataset)
    verdict = {0: "All rows valid.", 1: "Some rows were quarantined.", 2: "Some files could not be read."}
    _say(verdict[status])


def run_validate(args: argparse.Namespace) -> int:
    """Report every file's rows and problems; exit 0 all valid, 1 rows quarantined, 2 a file unreadable."""
    from analysis.dataset import load_paths

    dataset = load_paths(args.paths)
    limit = None if args.all else ERRORS_PER_RULE
    if args.json:
        _write_report_json(dataset, limit, sys.stdout)
    else:
        _print_validation(dataset, limit)
    return _exit_status(dataset)


def run_summary(args: argparse.Namespace) -> int:
    """Print the year-to-date table at the chosen grain (CSV or JSON) on standard output."""
    from analysis.dataset import load_paths
    from analysis.measures import months_with_actuals, summary_table

    dataset = load_paths(args.paths)
    for report in dataset.file_errors:
        _say(f"{report.path}: cannot be read: {report.error}", sys.stderr)
    if dataset.rows_quarantined:
        _say(
            f"{dataset.rows_quarantined} quarantined rows were left out (run `python -m analysis validate` "
            "to see why).",
            sys.stderr,
        )
    if dataset.control_totals.empty:
        _say("No valid control-total rows to summarise.", sys.stderr)
        return EXIT_UNREADABLE
    try:
        year, month = chosen_period(args.year, args.month, months_with_actuals(dataset.control_totals))
        table = summary_table(dataset, by=args.by, year=year, month=month)
    except ValueError as exc:
        _say(f"error: {exc}", sys.stderr)
        return EXIT_UNREADABLE
    if dataset.is_sample:
        _say(f"Note: {exports_sample_note()}", sys.stderr)
    if args.format == "json":
        print(_visible_json(table.to_json(orient="records", indent=2, double_precision=1)))
    else:
        sys.stdout.write(_visible_cells(table).to_csv(index=False, lineterminator="\n"))
    # A table printed without some rows must not look like one printed from a clean file: exit 1, as validate.
    return EXIT_QUARANTINED if dataset.rows_quarantined else EXIT_OK


def run_sample(args: argparse.Namespace) -> int:
    """Write a synthetic, valid extract set (or the bundled one); a folder of extracts is kept unless told."""
    from analysis import sample

    if not args.bundled and not 1 <= args.rows <= SAMPLE_MAX_ROWS:
        _say(f"error: --rows must be between 1 and {SAMPLE_MAX_ROWS:,}, not {args.rows:,}", sys.stderr)
        return EXIT_UNREADABLE
    if not args.out.strip():
        _say(
            "error: --out is empty: give the folder to write the extracts into, e.g. --out sample", sys.stderr
        )
        return EXIT_UNREADABLE
    out = Path(args.out)
    try:
        _prepare_sample_folder(out, args.replace)
        staging = Path(tempfile.mkdtemp(prefix=".sample-", suffix=".partial", dir=out))
    except (UnsafeOutput, OSError) as exc:
        _say(f"error: {_reason(exc, out)}", sys.stderr)
        return EXIT_UNREADABLE
    try:
        if args.bundled:
            made = sample.write_bundled(staging)
        else:
            made = sample.write_sample(staging, rows=args.rows, seed=args.seed)
        written = [out / path.name for path in made]
        for target in written:  # every file made and every target checked before any is moved in
            check_output_file(target)
        for path, target in zip(made, written, strict=True):
            os.replace(path, target)
    except (UnsafeOutput, OSError, ValueError) as exc:
        _say(f"error: {_reason(exc, out)}", sys.stderr)
        return EXIT_UNREADABLE
    except MemoryError:
        _say(f"error: not enough memory for {args.rows:,} rows: ask for fewer with --rows.", sys.stderr)
        return EXIT_UNREADABLE
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for path in written:
        _say(display_path(path))
    return EXIT_OK


def _prepare_sample_folder(out: Path, replace: bool) -> None:
    """Create the folder, or check an existing one: extracts already there are kept unless replace says
    otherwise (a real data folder must not be overwritten by synthetic data without being asked)."""
    from analysis.dataset import list_folder

    shown = display_path(out)
    if out.exists() and not out.is_dir():
        raise UnsafeOutput(
            f"{shown} is a file, not a folder: give --out a folder to write the extracts into."
        )
    out.mkdir(parents=True, exist_ok=True)
    listing = list_folder(out)
    present = sorted(display_path(p.name) for p in [*listing.files, *(p for p, _ in listing.skipped)])
    if present and not replace:
        raise UnsafeOutput(
            f"{shown} already holds extracts ({', '.join(present)}): add --replace to overwrite them, or "
            "give --out an empty or new folder."
        )


def _reason(exc: BaseException, out: Path) -> str:
    """One line saying what went wrong with a path, without a traceback."""
    if isinstance(exc, OSError):
        where = display_path(exc.filename) if exc.filename else display_path(out)
        return f"cannot write {where}: {exc.strerror or exc}. Choose another folder."
    return str(exc)


def _export_format(args: argparse.Namespace) -> str:
    allowed = EXPORT_FORMATS[args.what]
    if args.format:
        if args.format not in allowed:
            raise ValueError(f"--what {args.what} is written as {' or '.join(allowed)}, not {args.format}")
        return args.format
    suffix = Path(args.out).suffix.lower().lstrip(".")
    return suffix if suffix in allowed else allowed[0]


def _export_filters(args: argparse.Namespace, dataset: Dataset):
    """The filters the options ask for, checked against the data (a typo is an error, not "all")."""
    from analysis.filters import Filters, available_options, resolve

    options = available_options(dataset)
    year, month = chosen_period(args.year, args.month, options.months)
    systems = tuple(code.strip().upper() for code in args.system)
    checks = (
        ("--region", tuple(args.region), options.regions),
        ("--system", systems, tuple(options.systems)),
        ("--org-type", tuple(t.strip().lower() for t in args.org_type), options.org_types),
        ("--rating", tuple(args.rating), options.ratings),
    )
    for flag, values, offered in checks:
        unknown = [v for v in values if v not in offered]
        if unknown:
            shown = ", ".join(offered[:12]) + (", ..." if len(offered) > 12 else "")
            raise ValueError(f"{flag} {', '.join(unknown)}: not in the data; choose from {shown}")
    if args.detail and args.detail.strip().upper() not in options.systems:
        raise ValueError(f"--detail {args.detail}: not a system in the data")
    asked = Filters(
        financial_year=year,
        month=month,
        regions=checks[0][1],
        systems=systems,
        org_types=checks[2][1],
        ratings=checks[3][1],
    )
    return resolve(asked, dataset, options), options


class _Refused(Exception):
    """Write nothing and exit 2; the lines say why (to standard error)."""

    def __init__(self, *lines: str) -> None:
        super().__init__(*lines)
        self.lines = lines


def exports_sample_note() -> str:
    """What summary says on standard error of illustrative data (its columns are the contract's: no label)."""
    from analysis.exports import SAMPLE_NOTE

    return SAMPLE_NOTE


def run_export(args: argparse.Namespace) -> int:
    """Write what a download button writes (systems or rows as CSV/XLSX, the board pack as HTML/PDF)."""
    try:
        out, data = _export(args)
        write_regular_file(out, data)
    except UnsafeOutput as exc:
        _say(f"error: {exc}", sys.stderr)
        return EXIT_UNREADABLE
    except _Refused as refused:
        for line in refused.lines:
            _say(line, sys.stderr)
        return EXIT_UNREADABLE
    _say(display_path(out))
    return EXIT_OK


def _export(args: argparse.Namespace) -> tuple[Path, bytes]:
    """Where to write and what: the checks in the order a user meets them, then the file's bytes."""
    if not args.out.strip():
        raise _Refused("error: --out is empty: give the path of the file to write, e.g. --out systems.csv")
    out = Path(args.out)
    try:
        fmt = _export_format(args)
        check_output_file(out)  # before the work of making it: a path that cannot be written is said now
    except (ValueError, UnsafeOutput) as exc:
        raise _Refused(f"error: {exc}") from None
    from analysis import boardpack
    from analysis.dataset import load_paths

    if fmt == "pdf" and not boardpack.pdf_available():
        raise _Refused(f"error: {boardpack.NO_BROWSER}")
    dataset = load_paths(args.paths)
    if dataset.file_errors:
        lines = [f"{report.path}: cannot be read: {report.error}" for report in dataset.file_errors]
        raise _Refused(*lines, "Nothing was written: fix or remove the unreadable file(s).")
    if dataset.control_totals.empty:
        raise _Refused("No valid control-total rows to export.")
    if dataset.rows_quarantined:
        _say(
            f"{dataset.rows_quarantined} quarantined rows were left out (run `python -m analysis validate` "
            "to see why); the extract records this.",
            sys.stderr,
        )
    try:
        filters, options = _export_filters(args, dataset)
    except ValueError as exc:
        raise _Refused(f"error: {exc}") from None
    return out, _export_bytes(args, fmt, dataset, filters, options.systems)


def _export_bytes(args: argparse.Namespace, fmt: str, dataset, filters, names) -> bytes:
    """The board pack (HTML or PDF) or a table (CSV or XLSX) for the resolved filters."""
    from analysis import boardpack, exports, views
    from analysis.state import ViewState

    state = ViewState(filters, args.unit, args.restate)
    link = exports.view_link(state, page=EXPORT_PAGES[args.what], system_names=names)
    if args.what == "pack":
        detail = args.detail.strip().upper() if args.detail else (filters.systems or (None,))[0]
        document = boardpack.build_board_pack(
            dataset,
            dataclasses.replace(state, focus=detail),
            system_names=names,
            origin="files: " + ", ".join(args.paths),
            link=link,
        )
        try:
            return boardpack.board_pack_pdf(document) if fmt == "pdf" else document.encode("utf-8")
        except boardpack.PdfUnavailable as exc:
            raise _Refused(f"error: {exc}") from None
    scope = views.scope(dataset, state)
    if args.what == "systems":
        frame, title = views.systems(scope).table, "Systems side by side"
    else:
        frame, title = views.explore_rows(scope), "Filtered rows (organisation by month)"
    if frame.empty:
        _say("No rows match the filters: the file has a header only.", sys.stderr)
    if fmt == "csv":
        return exports.csv_bytes(frame, illustrative=bool(dataset.is_sample))
    info = exports.extract_info(dataset, state, link, title=title, system_names=names)
    try:
        return exports.xlsx_bytes(frame, info, args.unit, sheet_name=args.what.capitalize())
    except exports.ExtractTooLarge as exc:
        raise _Refused(f"error: {exc}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit status, and a one-line message instead of a traceback."""
    args = build_parser().parse_args(argv)
    handlers = {"validate": run_validate, "summary": run_summary, "sample": run_sample, "export": run_export}
    try:
        status = handlers[args.command](args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, and keep Python from complaining at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except MemoryError:  # a backstop: each command says more where it can; never a traceback with exit 1
        _say("error: ran out of memory. Give fewer or smaller files, or use a machine with more.", sys.stderr)
        return EXIT_UNREADABLE
    except OSError as exc:
        where = f"{display_path(exc.filename)}: " if exc.filename else ""
        _say(f"error: {where}{exc.strerror or exc}. Check the path and its permissions.", sys.stderr)
        return EXIT_UNREADABLE
    return status
