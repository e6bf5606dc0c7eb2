"""The validation report and data dictionary as plain tables, for the Data page, exports and docs."""

from __future__ import annotations

import pandas as pd

from analysis.contract import KINDS
from analysis.model import Dataset


def file_table(dataset: Dataset) -> pd.DataFrame:
    """One row per source file: kind, rows in, valid, quarantined, encoding and sha256."""
    return pd.DataFrame(
        {
            "file": [f.name for f in dataset.files],
            "kind": [f.kind or "unreadable" for f in dataset.files],
            "rows": [f.rows for f in dataset.files],
            "valid": [f.valid for f in dataset.files],
            "quarantined": [f.quarantined for f in dataset.files],
            "encoding": [f.encoding or "" for f in dataset.files],
            "sha256": [f.sha256 for f in dataset.files],
            "path": [f.path for f in dataset.files],
        }
    )


def data_dictionary() -> pd.DataFrame:
    """Every column of every extract kind: file, column, required, meaning, accepted header aliases."""
    rows = [
        {
            "file": kind.file_name,
            "column": column.name,
            "required": "yes" if column.required else "no",
            "meaning": column.meaning,
            "also accepted as": ", ".join(column.aliases),
        }
        for kind in KINDS
        for column in kind.columns
    ]
    return pd.DataFrame(rows)


def status_sentence(dataset: Dataset) -> str:
    """One line on the state of the data: files, rows, how many held back."""
    readable = [f for f in dataset.files if f.readable]
    rows = sum(f.rows for f in readable)
    held = dataset.rows_quarantined
    parts = [f"{len(readable)} file{'s' if len(readable) != 1 else ''} read, {rows:,} rows"]
    parts.append(f"{held:,} quarantined" if held else "every row valid")
    if dataset.file_errors:
        count = len(dataset.file_errors)
        parts.append(f"{count} file{'s' if count != 1 else ''} could not be read")
    return "; ".join(parts) + "."
