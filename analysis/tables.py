"""What each column of a shown table holds: money, a percentage, a count, another number or text.

Views mark the tables they return (:func:`mark`); the Streamlit table, the number formatting, the Excel
number formats and the board pack read the marks (:func:`kinds`), never the header text. This module is the
only place that writes or reads them.

The marks live in ``DataFrame.attrs`` (one plain ``{column: kind}`` dict), so a marked table is still a
plain DataFrame: it pickles through ``st.cache_data`` and pandas carries the marks through column selection,
``.loc``/``.iloc`` filtering, sorting, ``reset_index``, ``assign``, ``round`` and ``copy``. Two operations
lose them, and have a function here instead:

* ``DataFrame.rename`` keeps the marks under the old names: use :func:`rename`.
* ``pd.concat`` of frames whose marks differ (a plain total row, say) drops them: use :func:`concat`.

A column without a mark is read from its dtype: numbers (not booleans) are ``"number"``, the rest
``"text"``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, Literal

import pandas as pd

Kind = Literal["money", "percent", "count", "number", "text"]
KINDS: Final[tuple[str, ...]] = ("money", "percent", "count", "number", "text")
NUMERIC_KINDS: Final[frozenset[str]] = frozenset({"money", "percent", "count", "number"})
"""Kinds shown right-aligned as numbers."""
_ATTR: Final = "column_kinds"


def mark(
    table: pd.DataFrame,
    *,
    money: Iterable[str] = (),
    percent: Iterable[str] = (),
    count: Iterable[str] = (),
    number: Iterable[str] = (),
    text: Iterable[str] = (),
) -> pd.DataFrame:
    """The table with its columns' kinds recorded (earlier marks kept unless named again).

    Args:
        table: The table (not changed; a shallow copy is marked).
        money: Money columns, already in the display unit (the table's unit is its view's).
        percent: Percentages as numbers (12.3 means 12.3%).
        count: Whole numbers of things (organisations, rows).
        number: Other numbers.
        text: Words, codes and labels, even when they look like numbers.

    Returns:
        A shallow copy of ``table`` carrying the marks.

    Raises:
        KeyError: A named column is not in the table.
    """
    given = {"money": money, "percent": percent, "count": count, "number": number, "text": text}
    recorded = dict(table.attrs.get(_ATTR, {}))
    for kind, columns in given.items():
        for column in columns:
            if column not in table.columns:
                raise KeyError(f"cannot mark {column!r} as {kind}: no such column")
            recorded[column] = kind
    marked = table.copy(deep=False)
    marked.attrs[_ATTR] = recorded
    return marked


def kinds(table: pd.DataFrame) -> dict[str, Kind]:
    """Every column's kind, in column order: its mark, else read from its dtype (see the module notes)."""
    recorded: Mapping[str, Kind] = table.attrs.get(_ATTR, {})
    out: dict[str, Kind] = {}
    for column in table.columns:
        kind = recorded.get(column)
        out[column] = kind if kind is not None else _from_dtype(table[column])
    return out


def marked(table: pd.DataFrame) -> dict[str, Kind]:
    """Only the columns that carry a mark (for checks that every table declares its kinds)."""
    recorded: Mapping[str, Kind] = table.attrs.get(_ATTR, {})
    return {c: recorded[c] for c in table.columns if c in recorded}


def columns_of(table: pd.DataFrame, kind: Kind) -> list[str]:
    """The columns of one kind, in column order."""
    return [c for c, k in kinds(table).items() if k == kind]


def rename(table: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """``table.rename(columns=columns)`` with each mark moved to the column's new name."""
    recorded = table.attrs.get(_ATTR, {})
    out = table.rename(columns=dict(columns))
    out.attrs[_ATTR] = {columns.get(c, c): k for c, k in recorded.items()}
    return out


def concat(frames: Iterable[pd.DataFrame], **options: object) -> pd.DataFrame:
    """``pd.concat`` that keeps the marks of every frame (a later frame's mark wins for a shared column)."""
    frames = list(frames)
    recorded: dict[str, Kind] = {}
    for frame in frames:
        recorded.update(frame.attrs.get(_ATTR, {}))
    out = pd.concat(frames, **options)  # type: ignore[call-overload]
    out.attrs[_ATTR] = recorded
    return out


def _from_dtype(series: pd.Series) -> Kind:
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    return "number" if numeric else "text"
