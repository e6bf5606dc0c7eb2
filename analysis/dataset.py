"""Assembling a Dataset from files: read, validate, apply rules across files, account for every row.

Sources are files on disk, folders of them, or (name, bytes) pairs from an upload. The bundled systems
lookup always forms the base; a user's systems file adds to it or overrides it row by row.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.contract import CONTROL_TOTALS, KINDS, KINDS_BY_NAME, SYSTEMS, Kind
from analysis.model import Dataset, FileReport
from analysis.parsing import in_threads
from analysis.reading import FileError, RawTable, expected_headers, read_bytes
from analysis.row_keys import raw_values, sort_key
from analysis.safe_files import display_path, not_a_regular_file
from analysis.validation import (
    PROBLEM_COLUMNS,
    RULE_MESSAGES,
    cross_row_rules,
    validate_rows,
)

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "data"
_STR = pd.StringDtype("pyarrow", na_value=np.nan)


@dataclass(frozen=True)
class Source:
    """One input file: its display path, its file name and its bytes."""

    path: str
    name: str
    data: bytes


DATA_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
"""The file names a folder is read for; other entries (a README, subfolders) are not extracts."""


@dataclass(frozen=True)
class FolderListing:
    """A folder's extracts to read, and the entries named like extracts that cannot be read, with why."""

    files: list[Path]
    skipped: list[tuple[Path, str]]


def list_folder(folder: Path) -> FolderListing:
    """The folder's entries named like extracts (sorted): regular files (or symlinks to them) to read, and
    the rest (broken symlinks, symlink loops, FIFOs, devices, folders) with the reason each is skipped, so
    nothing is left out without a word. Raises OSError when the folder itself cannot be listed."""
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for entry in sorted(p for p in folder.iterdir() if p.suffix.lower() in DATA_SUFFIXES):
        problem = not_a_regular_file(entry)
        if problem is None:
            files.append(entry)
        else:
            skipped.append((entry, problem))
    return FolderListing(files, skipped)


def collect_sources(paths: Iterable[str | Path]) -> tuple[list[Source], list[FileReport]]:
    """Expand files and folders (their *.csv files, sorted) into sources; unreadable paths become reports.

    Every path is reported by its display_path, so a file name that is not UTF-8 shows its bad bytes as
    escapes (and can be printed, hashed and shown) instead of breaking whatever handles the name.
    """
    sources: list[Source] = []
    errors: list[FileReport] = []
    seen: set[Path] = set()

    def add(file: Path) -> None:
        # A file named twice (itself and its folder) is read once, not reported as duplicating itself.
        resolved = file.resolve()
        if resolved not in seen:
            seen.add(resolved)
            sources.append(_source(file, errors))

    for item in paths:
        path = Path(item)
        if path.is_dir():
            try:
                listing = list_folder(path)
            except OSError as exc:
                errors.append(
                    _error_report(
                        display_path(path),
                        f"The folder could not be listed: {exc.strerror or exc}. Give this account "
                        "permission to read it, or name the files instead.",
                    )
                )
                continue
            for entry, problem in listing.skipped:
                errors.append(_error_report(display_path(entry), _skipped(problem)))
            if not listing.files and not listing.skipped:
                errors.append(_error_report(display_path(path), "The folder holds no .csv files."))
            for file in listing.files:
                add(file)
        elif os.path.lexists(path):
            problem = not_a_regular_file(path)
            if problem is None:
                add(path)
            else:
                errors.append(_error_report(display_path(path), _skipped(problem)))
        else:
            errors.append(_error_report(display_path(path), "No such file or folder."))
    return [s for s in sources if s is not None], errors


def _skipped(problem: str) -> str:
    return f"Skipped: it is {problem}. Put the extract itself here, or remove the entry."


def _source(path: Path, errors: list[FileReport]) -> Source | None:
    shown = display_path(path)
    try:
        return Source(shown, display_path(path.name), path.read_bytes())
    except OSError as exc:
        errors.append(_error_report(shown, f"The file could not be opened: {exc.strerror or exc}."))
    except MemoryError:
        size = _size(path)
        errors.append(
            _error_report(
                shown,
                f"The file is too large to read in the memory available{size}. Split it into smaller "
                "extracts (by financial year, say), or run this on a machine with more memory.",
            )
        )
    return None


def _size(path: Path) -> str:
    try:
        return f" ({path.stat().st_size:,} bytes)"
    except OSError:
        return ""


def _error_report(path: str, message: str, sha256: str = "") -> FileReport:
    return FileReport(path=path, name=Path(path).name, kind=None, sha256=sha256, error=message)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_paths(paths: Sequence[str | Path]) -> Dataset:
    """Load files and folders from disk into a validated Dataset."""
    sources, errors = collect_sources(paths)
    return load_sources(sources, extra_reports=errors)


def load_bundled() -> Dataset:
    """The illustrative data set shipped in data/."""
    return load_paths([BUNDLED_DIR])


def bundled_hashes() -> set[str]:
    """sha256 of every bundled data file, to tell when a dataset is (partly) the illustrative sample."""
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in BUNDLED_DIR.glob("*.csv")}


def _base_systems() -> pd.DataFrame:
    path = BUNDLED_DIR / SYSTEMS.file_name
    if not path.exists():
        return pd.DataFrame(columns=list(SYSTEMS.names))
    stat = path.stat()
    return _read_base_systems(str(path), stat.st_mtime_ns, stat.st_size).copy()


@functools.lru_cache(maxsize=2)
def _read_base_systems(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    """The bundled lookup's valid rows, read once per version of the file (every load merges it)."""
    raw = read_bytes(Path(path).read_bytes(), Path(path).name)
    typed, problems = validate_rows(raw)
    bad = set(problems["line"])
    return typed[~typed.index.isin(bad)].reset_index(drop=True)


def load_sources(sources: Sequence[Source], extra_reports: Sequence[FileReport] = ()) -> Dataset:
    """Read and validate every source; every data row ends valid or quarantined with its reasons."""
    reports: list[FileReport] = list(extra_reports)
    tables: list[tuple[FileReport, RawTable, pd.DataFrame, pd.DataFrame]] = []
    for source in sources:
        try:
            raw = read_bytes(source.data, source.name)
            typed, problems = validate_rows(raw)
        except FileError as exc:
            reports.append(_error_report(source.path, str(exc), _sha256(source.data)))
            continue
        except Exception as exc:  # never a traceback: a file we fail on is reported, and the others load
            message = (
                f"The file could not be read ({type(exc).__name__}: {exc}). Check it is a CSV extract "
                f"with one of these headers: {expected_headers()}"
            )
            reports.append(_error_report(source.path, message, _sha256(source.data)))
            continue
        sha256 = raw.sha256 if raw.sha256 else _sha256(source.data)  # the reader hashed the bytes already
        report = FileReport(
            path=source.path,
            name=source.name,
            kind=raw.kind.name,
            sha256=sha256,
            rows=raw.rows,
            encoding=raw.encoding,
            delimiter=raw.delimiter,
            ignored_columns=raw.ignored_columns,
            blank_lines=raw.blank_lines,
        )
        problems["file"] = source.path
        tables.append((report, raw, typed, problems))
        reports.append(report)

    # Systems first: a systems row held back by a rule across rows (a code defined twice) must not reach
    # the lookup either, or the lookup would silently pick one of the definitions.
    systems_tables = [t for t in tables if t[1].kind is SYSTEMS]
    cross_problems = []
    if systems_tables:
        cross_problems.append(_cross_file_rules(SYSTEMS, systems_tables, None, pd.DataFrame()))
    systems = _merge_systems(systems_tables, cross_problems)
    known = set(systems["system_code"].dropna()) | set(systems["ods_code"].dropna())
    for kind in KINDS:
        of_kind = [t for t in tables if t[1].kind is kind]
        if of_kind and kind is not SYSTEMS:
            cross_problems.append(_cross_file_rules(kind, of_kind, known, systems))
    all_problems = (
        pd.concat([t[3] for t in tables] + cross_problems, ignore_index=True)
        if tables
        else pd.DataFrame(columns=PROBLEM_COLUMNS)
    )
    all_problems = _sorted_problems(all_problems)

    frames: dict[str, list[pd.DataFrame]] = {kind.name: [] for kind in KINDS}
    quarantined: list[pd.DataFrame] = []
    for report, raw, typed, _ in tables:
        bad_lines = all_problems.loc[all_problems["file"] == report.path, "line"].unique()
        is_bad = typed.index.isin(bad_lines)
        report.quarantined = int(is_bad.sum())
        report.valid = report.rows - report.quarantined
        good = typed[~is_bad] if report.quarantined else typed
        lines = good.index.to_numpy()
        good = good.reset_index(drop=True)
        good["source_file"] = _repeated(report.path, len(good))
        good["line"] = lines
        frames[raw.kind.name].append(good)
        if is_bad.any():
            raw_bad = raw.frame.index.isin(
                bad_lines
            )  # by line: typed rows are in key order, raw in file order
            quarantined.append(_quarantine_rows(report.path, raw, raw_bad, all_problems))

    control_totals = _concat(frames[CONTROL_TOTALS.name], CONTROL_TOTALS)
    control_totals = _resolve_ods_system_codes(control_totals, systems)
    bundled = bundled_hashes()
    return Dataset(
        control_totals=_finish_control_totals(control_totals),
        systems=systems,
        progress_ratings=_resolve_ods_system_codes(
            _concat(frames["progress_ratings"], KINDS_BY_NAME["progress_ratings"]), systems
        ),
        system_control_totals=_resolve_ods_system_codes(
            _concat(frames["system_control_totals"], KINDS_BY_NAME["system_control_totals"]), systems
        ),
        problems=all_problems,
        quarantine=pd.concat(quarantined, ignore_index=True) if quarantined else pd.DataFrame(),
        files=reports,
        cross_checks=_cross_check_summary(all_problems, tables),
        is_sample=any(r.sha256 in bundled and r.kind == CONTROL_TOTALS.name for r in reports),
        content_hash=_content_hash(reports),
    )


def _content_hash(reports: Sequence[FileReport]) -> str:
    """What the dataset is made of: each file's path and sha256 (its bytes). Caches are keyed on this, so
    the same bytes arriving from another place (an upload of the DATA_DIR files) are not served with the
    other place's file names in the Source file column, quarantine and lineage."""
    parts = sorted(f"{r.path}\0{r.sha256}" for r in reports if r.sha256)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _merge_systems(
    tables: list[tuple[FileReport, RawTable, pd.DataFrame, pd.DataFrame]], cross_problems: list[pd.DataFrame]
) -> pd.DataFrame:
    """Bundled lookup first, then users' valid rows (by row rules and rules across rows) override it."""
    held_back = {
        (file, line)
        for problems in cross_problems
        for file, line in zip(problems["file"], problems["line"], strict=True)
    }
    users = []
    for report, _, typed, problems in tables:
        bad = set(problems["line"]) | {line for file, line in held_back if file == report.path}
        users.append(typed[~typed.index.isin(bad)])
    merged = pd.concat([_base_systems(), *users], ignore_index=True)
    merged = merged.drop_duplicates("system_code", keep="last").reset_index(drop=True)
    return merged[list(SYSTEMS.names)]


def _cross_file_rules(
    kind: Kind,
    tables: list[tuple[FileReport, RawTable, pd.DataFrame, pd.DataFrame]],
    known: set[str] | None,
    systems: pd.DataFrame,
) -> pd.DataFrame:
    columns = [c for c in kind.names if c in _CROSS_COLUMNS]
    union = pd.concat([typed[columns] for _, _, typed, _ in tables], ignore_index=True)
    file_of = np.repeat(np.arange(len(tables)), [len(typed) for _, _, typed, _ in tables])
    line_of = np.concatenate([typed.index.to_numpy(dtype="int64") for _, _, typed, _ in tables])
    if kind is not SYSTEMS:
        # One system written as its ODS Q code in one row and its ONS code in another is still one system:
        # compare them as the dataset will store them, or rules across rows see two systems.
        union = _resolve_ods_system_codes(union, systems)
    failures = cross_row_rules(kind, union, known)
    if failures.empty:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    at = failures["index"].to_numpy()
    files, lines = file_of[at], line_of[at]
    failure_columns = failures["column"].to_numpy()
    values = [""] * len(at)
    for number, (_, raw, _, _) in enumerate(tables):
        mine = np.flatnonzero(files == number)
        if mine.size:
            for i, value in zip(mine, raw_values(raw.frame, lines[mine], failure_columns[mine]), strict=True):
                values[i] = value
    paths = np.array([report.path for report, _, _, _ in tables], dtype=object)
    return pd.DataFrame(
        {
            "file": paths[files],
            "line": lines.astype("int64"),
            "column": failure_columns,
            "rule": failures["rule"].to_numpy(),
            "value": values,
            "message": failures["rule"].map(RULE_MESSAGES).to_numpy(),
        }
    )


_CROSS_COLUMNS = {"financial_year", "month", "org_code", "system_code", "control_total", "assessment_date"}
"""The columns rules across rows look at: every kind's key, plus system and control total."""


def _repeated(text: str, n: int) -> pd.Series:
    """A str column of one value, built by arrow rather than a million Python references."""
    return pd.Series(pd.arrays.ArrowStringArray(pa.repeat(pa.scalar(text, pa.large_string()), n), dtype=_STR))


def _sorted_problems(problems: pd.DataFrame) -> pd.DataFrame:
    if problems.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "line" else "str") for c in PROBLEM_COLUMNS})
    problems = problems[PROBLEM_COLUMNS].astype({"line": "int64"})
    return problems.sort_values(["file", "line", "column", "rule"], kind="stable").reset_index(drop=True)


def _quarantine_rows(path: str, raw: RawTable, is_bad, problems: pd.DataFrame) -> pd.DataFrame:
    """The quarantined rows as the file had them, with file, line and every reason."""
    rows = raw.frame[is_bad]
    mine = problems[problems["file"] == path]
    reasons = (mine["column"] + ": " + mine["rule"]).groupby(mine["line"]).agg("; ".join).rename("reasons")
    out = rows.copy()
    out.insert(0, "line", out.index.to_numpy())
    out.insert(0, "file", path)
    out.insert(0, "kind", raw.kind.name)
    out["reasons"] = reasons.reindex(out.index).to_numpy()
    return out.reset_index(drop=True)


def _concat(frames: list[pd.DataFrame], kind: Kind) -> pd.DataFrame:
    if frames:
        return pd.concat(frames, ignore_index=True)
    return pd.DataFrame(columns=[*kind.names, "source_file", "line"])


def _resolve_ods_system_codes(frame: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    """Rows keyed by an ODS Q code take the lookup's system code, so one system is never counted twice.

    Where several lookup rows share an ODS code (a footprint recoded but keeping its Q code), the current
    one (without a successor) is taken.
    """
    if frame.empty or "system_code" not in frame.columns:
        return frame
    with_ods = systems.dropna(subset=["ods_code"]).sort_values(
        "successor_code", key=lambda s: s.notna(), kind="stable"
    )
    ods_to_code = with_ods.drop_duplicates("ods_code").set_index("ods_code")["system_code"]
    distinct = pd.Series(frame["system_code"].unique())  # decide per distinct code first
    if not (distinct.isin(ods_to_code.index) & ~distinct.isin(systems["system_code"])).any():
        return frame
    is_ods = frame["system_code"].isin(ods_to_code.index) & ~frame["system_code"].isin(systems["system_code"])
    if is_ods.any():
        frame = frame.copy()
        frame.loc[is_ods, "system_code"] = frame.loc[is_ods, "system_code"].map(ods_to_code)
    return frame


def _finish_control_totals(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    frame = frame.astype({"month": "int64", "line": "int64"})
    # frame.sort_values(["financial_year", "system_code", "org_code", "month"], kind="stable"), on integer
    # ranks of the strings (sorted factorize); validation already put each file's rows in this order, so
    # usually the check finds them sorted and nothing is copied.
    ranks = in_threads(_rank, [frame[column] for column in ("financial_year", "system_code", "org_code")])
    ranks.append(frame["month"].to_numpy())
    key = sort_key(ranks)
    if key is not None:
        if bool((key[1:] >= key[:-1]).all()):
            return frame.reset_index(drop=True)
        order = np.argsort(key, kind="stable")
    else:
        order = np.lexsort(ranks[::-1])
    return frame.take(order).reset_index(drop=True)


def _rank(values: pd.Series) -> np.ndarray:
    """Codes ordered like the values (NA last, as sort_values puts it)."""
    codes, uniques = pd.factorize(values, sort=True)
    return np.where(codes < 0, len(uniques), codes)


_CROSS_CHECKS = (
    ("duplicate_key", "Keys are unique across all files (a key twice holds back every copy)"),
    ("org_in_two_systems", "Each organisation sits in one system per financial year"),
    ("control_total_varies", "Each organisation's control total is the same in every month of a year"),
    ("unknown_system", "Every system code is known to the systems lookup"),
)


def _cross_check_summary(problems: pd.DataFrame, tables: list) -> list[dict]:
    """The checks across rows and files, with how many rows each held back."""
    summary = []
    for rule, description in _CROSS_CHECKS:
        hit = problems[problems["rule"] == rule]
        summary.append(
            {
                "check": rule,
                "description": description,
                "status": "failed" if len(hit) else "passed",
                "rows": len(hit.drop_duplicates(["file", "line"])),
            }
        )
    return summary
