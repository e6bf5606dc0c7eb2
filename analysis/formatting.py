"""Number, money, percent and period formatting: one convention for tables, headlines, charts and exports.

All source money is in £000. The conventions (NHS board style):

* Tables in £000: no symbol in the cell (the column header carries the unit), thousands separated,
  negatives (deficits, adverse variances) in brackets: ``-2455`` → ``"(2,455)"``.
* Headlines and charts in £m: symbol and unit on the number, a true minus sign (U+2212) for negatives:
  ``-2455`` → ``"−£2.5m"``. With the symbol in £000 the suffix is ``k``: ``"£2,455k"``.
* With brackets and a symbol the whole amount is bracketed: ``"(£2.5m)"``.
* Rounding is half away from zero on the decimal value as written (``2.45`` → ``2.5``, ``-0.25`` → ``-0.3``),
  the same way Excel displays numbers. A value that rounds to zero shows as zero, never ``"(0)"`` or
  ``"−0"``.
* Missing values (``None``, ``NaN``, ``pd.NA``, infinities) show as an en dash ``"–"`` (``MISSING``) in
  formatted numbers, and as ``"not available"`` where the result is words.
* Decimals default to 0 in £000 and 1 in £m.

Words, never arrows: variances say "favourable" / "adverse" / "on plan". The sign's meaning depends on the
measure: ``variance`` and ``forecast_variance`` positive = favourable; ``overspend`` positive = adverse.
"""

from __future__ import annotations

import math
import numbers
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Final, Literal, overload

import numpy as np
import pandas as pd

from analysis import tables

Unit = Literal["£000", "£m"]
Measure = Literal["variance", "overspend", "forecast_variance"]
Direction = Literal["favourable", "adverse", "on plan"]

UNITS: Final[tuple[str, ...]] = ("£000", "£m")
MEASURES: Final[tuple[str, ...]] = ("variance", "overspend", "forecast_variance")

MINUS: Final = "\u2212"
"""True minus sign, used for negatives written without brackets."""
MISSING: Final = "\u2013"
"""En dash shown in place of a missing number."""
MISSING_WORDS: Final = "not available"
"""Shown in place of a missing value where the result is words."""

DEFAULT_DECIMALS: Final[dict[str, int]] = {"£000": 0, "£m": 1}
_DIVISOR: Final[dict[str, int]] = {"£000": 1, "£m": 1000}
_SUFFIX: Final[dict[str, str]] = {"£000": "k", "£m": "m"}
_SCALE_EXPONENT: Final[dict[str, int]] = {"£000": 0, "£m": -3}

_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; expected one of {', '.join(MEASURES)}")


def is_missing(value: object) -> bool:
    """Whether a scalar is missing for display: None, NaN, pd.NA, NaT or not finite.

    Args:
        value: Any scalar.

    Returns:
        True when the value cannot be shown as a number.
    """
    if value is None:
        return True
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return True
    except (TypeError, ValueError):
        return False
    try:
        return not math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return False


def _to_decimal(value: object) -> Decimal:
    """The decimal value as written, so 2.45 is 2.45, not 2.4500000000000002.

    Floats are read to 12 significant digits: sums of many £000 amounts carry binary noise in the last
    places (63,831.5 arrives as 63831.49999999814), which would otherwise decide a half-way rounding.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return Decimal(int(value))
    return Decimal(format(float(value), ".12g"))  # type: ignore[arg-type]


def _round(value: Decimal, decimals: int) -> Decimal:
    """Round half away from zero to ``decimals`` places; a result of zero is unsigned."""
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def _scaled_rounded(value: object, unit: str, decimals: int | None) -> tuple[Decimal, int]:
    _check_unit(unit)
    places = DEFAULT_DECIMALS[unit] if decimals is None else decimals
    return _round(_to_decimal(value).scaleb(_SCALE_EXPONENT[unit]), places), places


def rounds_to_zero(value: object, unit: Unit, decimals: int | None = None) -> bool:
    """Whether a £000 amount would show as zero in ``unit`` (within half a unit of the last digit shown).

    Args:
        value: Amount in £000 (must not be missing).
        unit: Display unit.
        decimals: Decimal places; defaults to the unit's.

    Returns:
        True when the formatted amount is zero.
    """
    return _scaled_rounded(value, unit, decimals)[0].is_zero()


def _digits(magnitude: Decimal, places: int) -> str:
    return f"{magnitude:,.{max(places, 0)}f}"


@overload
def scale(value_in_thousands: float, unit: Unit) -> float: ...
@overload
def scale(value_in_thousands: pd.Series, unit: Unit) -> pd.Series: ...
@overload
def scale(value_in_thousands: np.ndarray, unit: Unit) -> np.ndarray: ...
def scale(value_in_thousands: float | pd.Series | np.ndarray, unit: Unit) -> float | pd.Series | np.ndarray:
    """Convert money from £000 to the display unit.

    Args:
        value_in_thousands: A number, Series or array in £000.
        unit: ``"£000"`` (unchanged) or ``"£m"`` (divided by 1,000).

    Returns:
        The value in ``unit``, of the same kind as given (NaN stays NaN).
    """
    _check_unit(unit)
    return value_in_thousands / _DIVISOR[unit]


def format_money(
    value: object,
    unit: Unit = "£000",
    brackets: bool = True,
    decimals: int | None = None,
    with_symbol: bool = True,
    missing: str = MISSING,
) -> str:
    """Format a £000 amount in the display unit.

    Examples: ``format_money(-2455, with_symbol=False)`` → ``"(2,455)"`` (table cell);
    ``format_money(-2455, "£m", brackets=False)`` → ``"−£2.5m"`` (headline);
    ``format_money(-2455, "£m")`` → ``"(£2.5m)"``; ``format_money(2455)`` → ``"£2,455k"``.

    Args:
        value: Amount in £000.
        unit: Display unit; the value is scaled from £000.
        brackets: Negatives in brackets if True, else with a true minus sign.
        decimals: Decimal places; defaults to 0 for £000 and 1 for £m.
        with_symbol: Add ``£`` and the unit suffix (``k`` or ``m``).
        missing: Text for a missing value.

    Returns:
        The formatted amount.
    """
    _check_unit(unit)
    if is_missing(value):
        return missing
    rounded, places = _scaled_rounded(value, unit, decimals)
    body = _digits(rounded.copy_abs(), places)
    if with_symbol:
        body = f"£{body}{_SUFFIX[unit]}"
    if rounded < 0:
        return f"({body})" if brackets else f"{MINUS}{body}"
    return body


def favourable_or_adverse(value: object, measure: Measure = "variance") -> Direction | None:
    """Whether a signed value of a measure is favourable, adverse or exactly on plan.

    Args:
        value: The value (any unit; only its sign matters).
        measure: ``"variance"`` or ``"forecast_variance"`` (positive = favourable) or ``"overspend"``
            (positive = adverse).

    Returns:
        ``"favourable"``, ``"adverse"``, ``"on plan"`` for zero, or None when the value is missing.
    """
    _check_measure(measure)
    if is_missing(value):
        return None
    number = float(value)  # type: ignore[arg-type]
    if number == 0:
        return "on plan"
    good = number > 0 if measure != "overspend" else number < 0
    return "favourable" if good else "adverse"


def format_signed_variance(
    value: object,
    unit: Unit = "£m",
    measure: Measure = "variance",
    decimals: int | None = None,
    missing: str = MISSING_WORDS,
) -> str:
    """Say a variance in words: ``"£3.2m adverse"``, ``"£1.1m favourable"`` or ``"on plan"``.

    A value within half a unit of the last digit shown (so that it would display as zero) is "on plan".

    Args:
        value: The value in £000.
        unit: Display unit.
        measure: How to read the sign (see ``favourable_or_adverse``).
        decimals: Decimal places; defaults to the unit's.
        missing: Text for a missing value.

    Returns:
        The amount without sign, followed by its direction, or ``"on plan"``.
    """
    _check_measure(measure)
    if is_missing(value):
        _check_unit(unit)
        return missing
    if rounds_to_zero(value, unit, decimals):
        return "on plan"
    amount = format_money(abs(float(value)), unit, decimals=decimals)  # type: ignore[arg-type]
    return f"{amount} {favourable_or_adverse(value, measure)}"


def format_percent(
    value: object, decimals: int = 1, *, from_fraction: bool = False, missing: str = MISSING
) -> str:
    """Format a percentage with a true minus sign: ``12.34`` → ``"12.3%"``, ``-4`` → ``"−4.0%"``.

    Args:
        value: The percentage (12.3 means 12.3%), or a fraction if ``from_fraction``.
        decimals: Decimal places.
        from_fraction: Treat ``value`` as a fraction (0.123 means 12.3%).
        missing: Text for a missing value.

    Returns:
        The formatted percentage.
    """
    if is_missing(value):
        return missing
    number = _to_decimal(value)
    if from_fraction:
        number = number.scaleb(2)
    rounded = _round(number, decimals)
    body = f"{_digits(rounded.copy_abs(), decimals)}%"
    return f"{MINUS}{body}" if rounded < 0 else body


def _calendar_month(financial_year: str, month: int) -> tuple[str, int]:
    if not isinstance(financial_year, str) or len(financial_year) != 7 or financial_year[4] != "/":
        raise ValueError(f"financial year must look like '2018/19', got {financial_year!r}")
    first, second = financial_year[:4], financial_year[5:]
    if not (first.isdigit() and second.isdigit()) or (int(first) + 1) % 100 != int(second):
        raise ValueError(f"financial year must look like '2018/19', got {financial_year!r}")
    if isinstance(month, bool) or not isinstance(month, (int, np.integer)) or not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12 (April = 1), got {month!r}")
    month = int(month)
    calendar_index = (month + 2) % 12  # M01 = April = index 3
    year = int(first) + (1 if month >= 10 else 0)
    return _MONTHS[calendar_index], year


def month_short(financial_year: str, month: int) -> str:
    """The calendar month of a financial-year month: ``("2018/19", 6)`` → ``"Sep 2018"``.

    Args:
        financial_year: ``"2018/19"`` (normalised form).
        month: Month of the financial year, 1-12, April = 1; months 10-12 fall in the second calendar year.

    Returns:
        Abbreviated month and calendar year.
    """
    name, year = _calendar_month(financial_year, month)
    return f"{name} {year}"


def month_label(financial_year: str, month: int) -> str:
    """The NHS month label: ``("2018/19", 6)`` → ``"M06 (Sep 2018)"``; ``10`` → ``"M10 (Jan 2019)"``.

    Args:
        financial_year: ``"2018/19"`` (normalised form).
        month: Month of the financial year, 1-12, April = 1.

    Returns:
        The label.
    """
    short = month_short(financial_year, month)
    return f"M{int(month):02d} ({short})"


def round_preserving_total(values: pd.Series, decimals: int) -> pd.Series:
    """Round parts so that they still add up to their rounded total (largest-remainder method).

    Each value is rounded down or up to ``decimals`` places (so within one unit of the last digit of its
    true value); the parts with the largest remainders are rounded up until the parts add up to the total
    rounded half away from zero. Ties go to the earlier row. Works for negatives; NaN stays NaN and is left
    out of the total.

    Args:
        values: The numbers to round (any numeric dtype; index and name are kept).
        decimals: Decimal places (may be negative, e.g. -1 for tens).

    Returns:
        A float64 Series of rounded values.
    """
    numbers = pd.to_numeric(values, errors="raise").astype("float64")
    result = pd.Series(np.nan, index=values.index, name=values.name, dtype="float64")
    present = [(i, v) for i, v in enumerate(numbers.to_numpy()) if math.isfinite(v)]
    if not present:
        return result
    scaled = [(i, _to_decimal(v).scaleb(decimals)) for i, v in present]
    floors = {i: x.to_integral_value(rounding=ROUND_FLOOR) for i, x in scaled}
    target = sum((x for _, x in scaled), Decimal(0)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    shortfall = int(target - sum(floors.values(), Decimal(0)))
    shortfall = min(max(shortfall, 0), len(scaled))
    by_remainder = sorted(scaled, key=lambda item: (-(item[1] - floors[item[0]]), item[0]))
    for i, _ in by_remainder[:shortfall]:
        floors[i] += 1
    out = result.to_numpy(copy=True)
    for i, whole in floors.items():
        out[i] = float(whole.scaleb(-decimals)) + 0.0  # + 0.0 turns -0.0 into 0.0
    return pd.Series(out, index=values.index, name=values.name, dtype="float64")


def table_number_format(unit: Unit, brackets: bool = True) -> str:
    """The ``format`` for Streamlit's ``st.column_config.NumberColumn`` showing money in ``unit``.

    Pass ``step=table_number_step(unit)`` too (or use ``number_column_config``). With brackets this is
    Streamlit's ``"accounting"`` preset, which shows ``(2,455)`` with thousands separators and takes its
    decimal places from ``step`` (two if no step is given). Without brackets it is a printf string such as
    ``"%,.0f"`` (``-2,455``; a hyphen-minus). No symbol: the column header carries the unit, e.g.
    "Variance YTD (£000)". The column must hold values already scaled to ``unit``.

    Args:
        unit: Display unit.
        brackets: Negatives in brackets.

    Returns:
        A Streamlit number format string.
    """
    _check_unit(unit)
    if brackets:
        return "accounting"
    return f"%,.{DEFAULT_DECIMALS[unit]}f"


def table_number_step(unit: Unit) -> float:
    """The ``step`` for a money NumberColumn: 1 in £000, 0.1 in £m (sets the decimals shown)."""
    _check_unit(unit)
    return 10.0 ** -DEFAULT_DECIMALS[unit]


def number_column_config(unit: Unit, brackets: bool = True) -> dict[str, object]:
    """Keyword arguments for ``st.column_config.NumberColumn`` showing money in ``unit``.

    Args:
        unit: Display unit.
        brackets: Negatives in brackets.

    Returns:
        ``{"format": ..., "step": ...}``.
    """
    return {"format": table_number_format(unit, brackets), "step": table_number_step(unit)}


PERCENT_TABLE_FORMAT: Final = "%.2f%%"
"""Streamlit's format for a percentage column (12.345 shows as ``12.35%``)."""
PERCENT_EXCEL_FORMAT: Final = '0.00"%";-0.00"%"'
"""Excel's format for a percentage held as a number (12.3 means 12.3%; no scaling by 100)."""


def table_column_formats(
    table: pd.DataFrame, unit: Unit, brackets: bool = True
) -> dict[str, dict[str, object]]:
    """``st.column_config.NumberColumn`` keyword arguments for each money and percentage column of a table.

    The columns are found from the table's marks (:func:`analysis.tables.kinds`), never from the header
    text; other columns are left to Streamlit's defaults.

    Args:
        table: A table a view returned, money already in ``unit``.
        unit: Display unit of its money columns.
        brackets: Negative money in brackets.

    Returns:
        Column name -> keyword arguments, for the money and percentage columns only.
    """
    out: dict[str, dict[str, object]] = {}
    for column, kind in tables.kinds(table).items():
        if kind == "money":
            out[column] = number_column_config(unit, brackets)
        elif kind == "percent":
            out[column] = {"format": PERCENT_TABLE_FORMAT}
    return out


def cell_text(value: object, kind: tables.Kind, unit: Unit) -> tuple[str, bool]:
    """One table cell as text in the board's style, and whether it is a number (to be right-aligned).

    Money (already in ``unit``) has the unit's decimals, negatives in brackets and no symbol (the header
    says the unit); percentages have two decimals; counts are whole numbers with separators; a text column's
    values are shown as they are, numbers too. Booleans are "yes"/"no" and a missing value is an en dash.

    Args:
        value: The cell's value.
        kind: Its column's kind (:func:`analysis.tables.kinds`).
        unit: Display unit of money columns.

    Returns:
        The text and whether it is numeric.
    """
    if isinstance(value, bool | np.bool_):
        return ("yes" if value else "no"), False
    if isinstance(value, str):
        return value, False
    if is_missing(value):
        return MISSING, True
    if kind == "money":
        return format_money(value, "£000", decimals=DEFAULT_DECIMALS[unit], with_symbol=False), True
    if kind == "percent" and isinstance(value, numbers.Real):
        return format_percent(value, 2), True
    if kind == "text":
        return str(value), False
    if kind == "count" and isinstance(value, numbers.Real):
        return _digits(_round(_to_decimal(value), 0), 0), True
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}", True
    if isinstance(value, numbers.Real):
        return f"{float(value):,.2f}", True
    return str(value), False


def excel_number_format(unit: Unit, with_symbol: bool = True) -> str:
    """An Excel number format for money cells holding values already scaled to ``unit``.

    ``"£000"`` → ``'"£"#,##0"k";("£"#,##0"k")'`` shows ``-2455`` as ``(£2,455k)``; ``"£m"`` →
    ``'"£"#,##0.0"m";("£"#,##0.0"m")'`` shows ``-2.455`` as ``(£2.5m)``. Without the symbol:
    ``'#,##0;(#,##0)'`` and ``'#,##0.0;(#,##0.0)'``. The cell keeps its full-precision number.

    Args:
        unit: Display unit.
        with_symbol: Include ``£`` and the ``k``/``m`` suffix.

    Returns:
        The format code (for xlsxwriter's ``num_format`` or openpyxl's ``number_format``).
    """
    _check_unit(unit)
    places = DEFAULT_DECIMALS[unit]
    digits = "#,##0" + ("." + "0" * places if places else "")
    if with_symbol:
        digits = f'"£"{digits}"{_SUFFIX[unit]}"'
    return f"{digits};({digits})"
