"""The validated dataset and its lineage: what every later step (measures, pages, exports) reads.

Validated frames have these columns and dtypes (money in £000 as float64, NaN = not given):

control_totals: financial_year (str, "2018/19"), month (int64, 1-12), system_code, org_code, org_name,
    org_type (str, one of contract.ORG_TYPES), plan_income, actual_income, plan_expenditure,
    actual_expenditure, control_total, forecast_outturn (float64), control_total_accepted (boolean, NA =
    not given), plus source_file (str) and line (int64) for tracing a row back to its file.
systems: system_code, ods_code, system_name, region, system_type, ics_since (str or NA), successor_code.
progress_ratings: system_code, assessment_date (datetime64), overall_rating (str, one of contract.RATINGS),
    rating_category (int64 1-4), leadership_rating, source.
system_control_totals: financial_year, system_code, control_total (float64), accepted (boolean).

The problems frame has one row per (file, line, column, rule): file, line (physical, header = 1), column,
rule, value (as written in the file), message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class FileReport:
    """What happened to one source file: its kind, hash and row accounting (rows = valid + quarantined)."""

    path: str
    name: str
    kind: str | None
    sha256: str
    rows: int = 0
    valid: int = 0
    quarantined: int = 0
    error: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    blank_lines: int = 0

    @property
    def readable(self) -> bool:
        """Whether the file could be read at all (no file-level error)."""
        return self.error is None


@dataclass
class Dataset:
    """Validated frames of every kind, the problems and quarantined rows, and per-file lineage."""

    control_totals: pd.DataFrame
    systems: pd.DataFrame
    progress_ratings: pd.DataFrame
    system_control_totals: pd.DataFrame
    quarantine: pd.DataFrame = field(default_factory=pd.DataFrame)
    files: list[FileReport] = field(default_factory=list)
    problems: pd.DataFrame = field(default_factory=pd.DataFrame)
    cross_checks: list[dict] = field(default_factory=list)
    is_sample: bool = False
    content_hash: str = ""

    @property
    def rows_quarantined(self) -> int:
        """Rows held back, over every file."""
        return sum(f.quarantined for f in self.files)

    @property
    def file_errors(self) -> list[FileReport]:
        """The files that could not be read."""
        return [f for f in self.files if not f.readable]
