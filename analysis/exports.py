"""Files people take away: CSV that opens in Excel with `£` intact and no live formula in any cell.

Text cells beginning with `=`, `+`, `-`, `@`, tab or carriage return are prefixed with `'` (OWASP CSV
injection guidance); numbers stay numbers, so a negative amount is still -1234, not text.
"""

from __future__ import annotations

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(value: object) -> object:
    """Prefix a text value that a spreadsheet would run as a formula; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text column made inert; numeric, boolean and date columns are left as they are."""
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if pd.api.types.is_string_dtype(series) or series.dtype == object:
            safe[column] = series.map(neutralise_text, na_action="ignore")
    safe.columns = [neutralise_text(str(c)) for c in safe.columns]
    return safe


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV as UTF-8 with a byte-order mark (so Excel shows `£`), formula-safe, without the index."""
    text = neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")
