"""Money as shown: rounded once, at the end, so that shown parts add up to their shown total.

The contract: "Shown money is rounded once, at the end; where parts are shown with their total (a waterfall,
a table with a total row), the rounded parts add up to the rounded total." Every page, export and the board
pack takes its shown figures from here, so the same figure shows the same everywhere:

* :func:`shown` rounds an amount (£000) to the display unit's decimals, half away from zero on the decimal
  value as written (:mod:`analysis.formatting`'s rule), and returns it in the display unit.
* :func:`shown_parts` rounds parts that are shown beside their total: each part is rounded on its own, then
  the fewest parts move by one last digit (those nearest to rounding the other way) until the parts add up
  to the shown total. Parts named in ``keep`` never move (a waterfall's plan figure is shown elsewhere too).
* :func:`shown_difference` is the difference of two shown figures, so "actual − plan" beside the actual and
  the plan is their difference as read, not the rounded exact difference (1,225.4 − 686.0 is 539.4).
* :func:`shown_table` rounds a table's money columns, a total row by :func:`shown_parts`.

Results are floats holding the shown decimal (``10.1``), with no negative zero.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import Decimal

import numpy as np
import pandas as pd

from analysis import formatting
from analysis.formatting import Unit


def _places(unit: Unit, decimals: int | None) -> int:
    formatting._check_unit(unit)
    return formatting.DEFAULT_DECIMALS[unit] if decimals is None else decimals


def _shown_decimal(value: object, unit: Unit, places: int) -> Decimal:
    return formatting._scaled_rounded(value, unit, places)[0]


def shown(value: object, unit: Unit, decimals: int | None = None) -> float:
    """An amount in £000 as shown in ``unit``: ``shown(-10_050, "£m")`` → ``-10.1``; missing stays NaN.

    Args:
        value: Amount in £000.
        unit: Display unit.
        decimals: Decimal places; defaults to the unit's.

    Returns:
        The shown value in ``unit``.
    """
    places = _places(unit, decimals)
    if formatting.is_missing(value):
        return float("nan")
    return float(_shown_decimal(value, unit, places)) + 0.0


def shown_series(values: pd.Series, unit: Unit, decimals: int | None = None) -> pd.Series:
    """Every amount of a Series (£000) as shown in ``unit`` (index and name kept; float64)."""
    places = _places(unit, decimals)
    out = [shown(v, unit, places) for v in values.tolist()]
    return pd.Series(out, index=values.index, name=values.name, dtype="float64")


def to_thousands(value_shown: float, unit: Unit) -> float:
    """A shown value in ``unit`` back in £000, for the formatters that take £000."""
    formatting._check_unit(unit)
    return float(Decimal(format(float(value_shown), ".12g")).scaleb(-formatting._SCALE_EXPONENT[unit]))


def shown_difference(minuend: object, subtrahend: object, unit: Unit, decimals: int | None = None) -> float:
    """The difference of two shown figures, in £000: ``shown(a) − shown(b)`` scaled back.

    Pass the result to :func:`analysis.formatting.format_money` or ``format_signed_variance`` (which take
    £000) and the text is the difference a reader gets from the two figures beside it.

    Args:
        minuend: Amount in £000 (e.g. the actual surplus).
        subtrahend: Amount in £000 (e.g. the planned surplus).
        unit: Display unit the two figures are shown in.
        decimals: Decimal places; defaults to the unit's.

    Returns:
        The difference in £000 (NaN when either is missing).
    """
    places = _places(unit, decimals)
    if formatting.is_missing(minuend) or formatting.is_missing(subtrahend):
        return float("nan")
    difference = _shown_decimal(minuend, unit, places) - _shown_decimal(subtrahend, unit, places)
    return float(difference.scaleb(-formatting._SCALE_EXPONENT[unit])) + 0.0


def shown_parts(
    parts: Sequence[float] | pd.Series,
    unit: Unit,
    total: object = None,
    *,
    keep: Sequence[int] = (),
    absorb: int | None = None,
    decimals: int | None = None,
) -> pd.Series:
    """Parts (£000) as shown in ``unit`` beside their total, adding up to the shown total.

    Each part is rounded on its own (:func:`shown`). Where they miss the shown total, the gap (a whole
    number of last digits) is closed by moving parts one last digit each, those nearest to rounding the
    other way first (ties: the earlier part), so no part is shown more than one last digit from its own
    rounding unless the gap is larger than the parts that may move. ``absorb`` names one part that takes the
    whole gap instead (a residual such as "Other organisations"); parts in ``keep`` never move. Missing
    parts stay NaN and count as nothing.

    Args:
        parts: Amounts in £000.
        unit: Display unit.
        total: The total in £000; default the sum of the parts.
        keep: Positions of parts that keep their own rounding.
        absorb: Position of the part that takes the whole gap, if any.
        decimals: Decimal places; defaults to the unit's.

    Returns:
        The shown parts in ``unit`` (float64; a Series keeps its index and name).
    """
    places = _places(unit, decimals)
    series = parts if isinstance(parts, pd.Series) else pd.Series(list(parts), dtype="float64")
    values = series.tolist()
    present = [i for i, v in enumerate(values) if not formatting.is_missing(v)]
    exact = {i: formatting._to_decimal(values[i]).scaleb(formatting._SCALE_EXPONENT[unit]) for i in present}
    rounded = {i: _shown_decimal(values[i], unit, places) for i in present}
    if total is None:
        total_value: object = sum((formatting._to_decimal(values[i]) for i in present), Decimal(0))
    else:
        total_value = total
    step = Decimal(1).scaleb(-places)
    if present and not formatting.is_missing(total_value):
        target = _shown_decimal(total_value, unit, places)
        gap = int((target - sum(rounded.values(), Decimal(0))) / step)
        movable = [i for i in present if i not in set(keep)]
        if gap and absorb is not None and absorb in rounded:
            rounded[absorb] += gap * step
        elif gap and movable:
            sign = 1 if gap > 0 else -1
            # Nearest to rounding the other way: the largest shortfall (exact − rounded) when raising parts.
            order = sorted(movable, key=lambda i: (-sign * (exact[i] - rounded[i]), i))
            for n in range(abs(gap)):
                rounded[order[n % len(order)]] += sign * step
    out = np.full(len(values), np.nan)
    for i, value in rounded.items():
        out[i] = float(value) + 0.0
    return pd.Series(out, index=series.index, name=series.name, dtype="float64")


def shown_table(
    table: pd.DataFrame,
    money_columns: Sequence[Hashable],
    unit: Unit,
    total_row: Hashable | None = None,
    decimals: int | None = None,
) -> pd.DataFrame:
    """A table's money columns (£000) as shown in ``unit``; with a total row, parts add up to it.

    Args:
        table: The table, money in £000.
        money_columns: Columns holding money.
        unit: Display unit.
        total_row: Index label of the total row, if the table has one (the other rows are its parts).
        decimals: Decimal places; defaults to the unit's.

    Returns:
        A copy with the money columns shown in ``unit`` (float64); other columns untouched.
    """
    out = table.copy()
    for column in money_columns:
        values = out[column].astype("float64")
        if total_row is None:
            out[column] = shown_series(values, unit, decimals)
            continue
        parts = values.drop(index=total_row)
        rounded = shown_parts(parts, unit, values.loc[total_row], decimals=decimals)
        whole = shown(values.loc[total_row], unit, decimals)
        out[column] = pd.concat([rounded, pd.Series([whole], index=[total_row])]).reindex(out.index)
    return out
