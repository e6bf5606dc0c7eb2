"""The one grammar for a financial year and a month, shared by file values, links and the command line.

A year is written `2018/19`, `2018-19`, `2018–19` (en dash), `2018/2019` or `FY2018/19` (any case, spaces
around the parts) and stored as `2018/19`; the second year must follow the first. A month of the financial
year (April = 1) is written `6`, `06`, `6.0`, `M06`, `M6`, `Month 6`, `Mth 6`, `P6` or `Period 6`. Only
ASCII digits count. This module needs nothing but the standard library, so the command line can check
its options before pandas loads.
"""

from __future__ import annotations

import math
import re

YEAR_FORMS = "2018/19, 2018-19, 2018/2019 or FY2018/19"
"""How a year may be written, for messages."""
MONTH_FORMS = "6, 06, M06 or Month 6"
"""How a month may be written, for messages."""

_YEAR_RE = re.compile(r"^(?:fy)?\s*(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})$", re.IGNORECASE | re.ASCII)
_MONTH_RE = re.compile(r"^(?:m|month|mth|period|p)?\s*0*(\d{1,2})$", re.IGNORECASE | re.ASCII)
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$", re.IGNORECASE | re.ASCII)
"""A plain decimal number (spreadsheets write a month as `6.0` or `6e0` now and then)."""
_INT64_MAX = 2**63 - 1


def read_year(text: str) -> tuple[str | None, bool]:
    """(the year as `2018/19`, True) from any accepted spelling.

    (None, False) when it is written as a year but the second year does not follow the first
    (`2018/20`); (None, True) when it is not written as a year at all.
    """
    match = _YEAR_RE.match(text.strip())
    if match is None:
        return None, True
    first, second = int(match.group(1)), match.group(2)
    expected = first + 1 if len(second) == 4 else (first + 1) % 100
    if int(second) != expected:
        return None, False
    return f"{first}/{(first + 1) % 100:02d}", True


def read_month(text: str) -> int | None:
    """The month number as written (its range, 1-12, is not checked here); None when not a month."""
    text = text.strip()
    if _NUMBER_RE.match(text):
        value = float(text)
        if not value.is_integer() and math.isfinite(value):
            return None
        # Far beyond 1-12 either way (`1e400` included): kept within int64, to be reported out of range.
        return int(max(-_INT64_MAX - 1, min(_INT64_MAX, value)))
    match = _MONTH_RE.match(text)
    return int(match.group(1)) if match else None


def normalise_year(text: str) -> str | None:
    """`2018/19` from any accepted spelling of a financial year; None when it is not one."""
    return read_year(text)[0]


def normalise_month(text: str) -> int | None:
    """The month 1-12 from any accepted spelling; None when it is not one or is out of range."""
    month = read_month(text)
    return month if month is not None and 1 <= month <= 12 else None
