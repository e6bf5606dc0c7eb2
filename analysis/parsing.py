"""Vectorised parsers from raw strings to typed values, in the forms the data contract accepts.

Each parser takes a string Series (NA = blank cell) and returns typed values, NA where the cell is blank
or cannot be parsed. Validation compares the two to tell "missing" from "not parseable".
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis import periods
from analysis.contract import ORG_TYPES, RATINGS

T = TypeVar("T")
R = TypeVar("R")

_POOL: ThreadPoolExecutor | None = None


def in_threads(fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """`[fn(item) for item in items]` on two threads: for work per column that pyarrow and numpy do with
    the GIL released. Results come back in order; nothing shared is written."""
    global _POOL
    items = list(items)
    if len(items) < 2 or (os.cpu_count() or 1) < 2:
        return [fn(item) for item in items]
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="analysis")
    return list(_POOL.map(fn, items))


NOT_GIVEN = frozenset({"-", "–", "—", "n/a", "na", "n.a.", "null", "none", "nan", ".."})
"""Cells that mean "not given" in money and optional columns (compared lower-case)."""

_MONEY_RE = re.compile(
    r"^(?P<sign>[-−])?£?(?P<open>\()?(?P<sign2>[-−])?£?"
    r"(?P<number>(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:\.\d*)?|\.\d+)(?P<close>\))?$"
)
_SPACES_NOT_BETWEEN_DIGITS = r"(?<!\d)\s+|\s+(?!\d)"
"""Spaces beside a sign, £ or bracket are dropped; a space between two digits stays, and the number must
then be in thousands groups (`1 234 567`): `5 5` is not 55."""
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UK_DATE_RE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")

_ORG_TYPE_ALIASES = {
    "acute trust": "acute",
    "acute provider": "acute",
    "acute ft": "acute",
    "mental health trust": "mental health",
    "mental health provider": "mental health",
    "mh": "mental health",
    "mental health and community": "mental health",
    "community trust": "community",
    "community provider": "community",
    "community services": "community",
    "ambulance trust": "ambulance",
    "ambulance service": "ambulance",
    "specialist trust": "specialist",
    "specialist provider": "specialist",
    "clinical commissioning group": "ccg",
    "ccgs": "ccg",
    "commissioner": "ccg",
}
_TRUE = frozenset({"y", "yes", "true", "1", "t"})
_FALSE = frozenset({"n", "no", "false", "0", "f"})


def not_given(values: pd.Series) -> pd.Series:
    """True where a cell is blank or one of the "not given" tokens (`-`, `n/a`, `NA`, ...)."""
    return values.isna() | values.str.lower().isin(NOT_GIVEN)


def parse_money(values: pd.Series) -> pd.Series:
    """Money in £000: `1,234`, `£1,234`, `(1,234)` = -1234, `-1,234`, `−1234`; NA if blank or unparseable.

    Cells arrow can read and whose value it provably reads as `_parse_money_exact` would (plain numbers,
    or the £/thousands/brackets forms, at most 15 characters) are read in one vectorised pass; every
    other cell goes through `_parse_money_exact`.
    """
    if len(values) == 0 or not isinstance(values.dtype, pd.StringDtype) or values.dtype.storage != "pyarrow":
        return _parse_money_exact(values)
    cells = values.array.__arrow_array__()
    cells = cells.chunk(0) if cells.num_chunks == 1 else cells.combine_chunks()
    given = pc.is_valid(cells).to_numpy(zero_copy_only=False)
    result = np.full(len(values), np.nan)
    decided = ~given
    numbers = None
    try:
        # A failing cast costs twenty times a successful one: try a slice before the whole column.
        pc.cast(cells.slice(0, 1000), pa.float64())
        numbers = pc.cast(cells, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        pass
    short = pc.binary_length(cells).to_numpy(zero_copy_only=False) <= _FAST_MONEY_LENGTH
    if numbers is not None:
        ok = given & short & _exact_in_any_mode(numbers)
        result[ok] = numbers[ok]
        decided |= ok
    if not decided.all():
        matched = _flags(pc.match_substring_regex(cells, _MONEY_RE_ASCII)) & short & ~decided
        if matched.any():
            # In a cell that matches the pattern, "(" can only open the brackets, ")" only close them as
            # the last character, every minus sign is one of the two sign places, and the number is what
            # is left with £ ( ) and signs trimmed from its ends and the thousands commas taken out.
            part = cells if matched.all() else cells.filter(pa.array(matched))
            has_open = _flags(pc.match_substring(part, "("))
            has_close = _flags(pc.ends_with(part, ")"))
            signs = _counts(pc.count_substring(part, "-")) + _counts(pc.count_substring(part, "−"))
            digits = pc.replace_substring(pc.utf8_trim(part, "£()-−"), ",", "")
            number = pc.cast(digits, pa.float64()).to_numpy(zero_copy_only=False)
            negative = (signs > 0) | has_open
            value = np.where((has_open == has_close) & (signs < 2), number, np.nan)
            value = np.where(negative, -value, value)
            # A negative zero ("-0", "(0)") is 0.0 or -0.0 depending on the rest of the column (pandas
            # reads a column of whole numbers as int64): the exact path decides.
            sure = ~((number == 0) & negative)
            rows = np.flatnonzero(matched)[sure]
            result[rows] = value[sure]
            decided[rows] = True
    if decided.all():
        return pd.Series(result, index=values.index, dtype="float64", name=values.name, copy=False)
    undecided = np.flatnonzero(~decided)
    rest = values.iloc[undecided]
    if any(_mode_sensitive(cell) for cell in rest):
        return _parse_money_exact(values)
    result[undecided] = _parse_money_exact(rest).to_numpy(dtype="float64", na_value=np.nan)
    return pd.Series(result, index=values.index, dtype="float64", name=values.name, copy=False)


_FAST_MONEY_LENGTH = 15
"""At most 15 characters means at most 15 digits: every such number is exact in a double, and a single
rounding (as both pandas' and arrow's parsers then do) gives the same float."""

_MONEY_RE_ASCII = r"^(?:-|−)?£?\(?(?:-|−)?£?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)\)?$"
"""`_MONEY_RE` for cells without spaces and with ASCII digits only, without groups, in RE2 (arrow's
regex engine): sign, £, opening bracket, sign, £, number, closing bracket."""


def _flags(values: pa.Array) -> np.ndarray:
    return pc.fill_null(values, False).to_numpy(zero_copy_only=False)


def _counts(values: pa.Array) -> np.ndarray:
    return pc.fill_null(values, 0).to_numpy(zero_copy_only=False)


def _exact_in_any_mode(numbers: np.ndarray) -> np.ndarray:
    """Values arrow and pandas' to_numeric read identically whatever else is in the column.

    pandas reads a column of integers as int64 and a column with any decimal as float64; the two agree
    for numbers of 15 digits or fewer, with a decimal exponent of at most 22 either way (one rounding),
    except negative zero (int64 has none).
    """
    with np.errstate(invalid="ignore"):
        size = np.abs(numbers)
        in_range = (numbers == 0) | ((size >= 1e-7) & (size < 1e16))
    return np.isfinite(numbers) & in_range & ~((numbers == 0) & np.signbit(numbers))


def _mode_sensitive(cell: str) -> bool:
    """A cell whose value `_parse_money_exact` reads differently with different neighbours.

    More than 15 digits (int64 versus float64 parsing, or an overflow) or a signed zero (0 versus -0.0).
    """
    digits = [ch for ch in cell if ch.isdigit()]
    if len(digits) > _FAST_MONEY_LENGTH:
        return True
    zero = bool(digits) and all(ch == "0" for ch in digits)
    return zero and any(sign in cell for sign in "-−(")


def _parse_money_exact(values: pd.Series) -> pd.Series:
    """`parse_money` cell by cell with pandas and Python's re: the definition the fast path must equal."""
    present = values.where(~not_given(values))
    direct = pd.to_numeric(present, errors="coerce")
    # to_numeric reads "inf", "infinity" and "nan" as numbers; in a money column they are text, not amounts.
    direct = direct.where(np.isfinite(direct.astype("float64")))
    needs_pattern = present.notna() & direct.isna()
    if not needs_pattern.any():
        return direct.astype("float64")
    compact = present[needs_pattern].str.replace(_SPACES_NOT_BETWEEN_DIGITS, "", regex=True)
    parts = compact.str.extract(_MONEY_RE)
    digits = parts["number"].str.replace(",", "", regex=False).str.replace(" ", "", regex=False)
    number = pd.to_numeric(digits, errors="coerce").astype("float64")
    balanced = parts["open"].isna() == parts["close"].isna()
    negative = parts["sign"].notna() | parts["sign2"].notna() | parts["open"].notna()
    double_sign = parts["sign"].notna() & parts["sign2"].notna()
    parsed = number.where(balanced & ~double_sign)
    parsed = parsed.where(~negative, -parsed)
    result = direct.astype("float64").copy()
    result[needs_pattern] = parsed.astype("float64")
    return result


def parse_money_columns(
    columns: list[pd.Series], delimiter: str
) -> tuple[list[pd.Series], list[np.ndarray | None]]:
    """A file's money columns read under its decimal convention: (amounts, ambiguous mask per column).

    A comma-delimited file writes decimal points (a comma there is a thousands separator). Any other file
    may write decimal commas: each cell is read both ways (`1.234,5` as `1,234.5`), and a cell that only
    one convention can read (`-5,5`, `1,234,567`, `12.5`) is evidence for it. When the file's evidence
    points one way only, every cell is read that way (a cell the other way is `not_a_number`). When it
    points neither way or both, a cell the two readings disagree on (`594,623`, `1.234`) is ambiguous:
    marked in the mask and left NA, never guessed. The mask is None where nothing can be ambiguous.
    """
    point = in_threads(parse_money, columns)
    if delimiter == "," or not any(_has_separator(column) for column in columns):
        return point, [None] * len(columns)
    comma = in_threads(parse_money, [_swap_separators(column) for column in columns])
    point_only = any(bool((p.notna() & c.isna()).any()) for p, c in zip(point, comma, strict=True))
    comma_only = any(bool((c.notna() & p.isna()).any()) for p, c in zip(point, comma, strict=True))
    if comma_only and not point_only:
        return comma, [None] * len(columns)
    if point_only and not comma_only:
        return point, [None] * len(columns)
    amounts, ambiguous = [], []
    for p, c in zip(point, comma, strict=True):
        differ = ~((p == c) | (p.isna() & c.isna())).to_numpy(dtype=bool)
        amounts.append(p.where(~differ))
        ambiguous.append(differ)
    return amounts, ambiguous


def _has_separator(values: pd.Series) -> bool:
    return bool(values.str.contains(",", regex=False).any() or values.str.contains(".", regex=False).any())


def _swap_separators(values: pd.Series) -> pd.Series:
    """Commas and points exchanged: a decimal-comma cell becomes the decimal-point cell it means."""
    swapped = values.str.replace(",", "\x00", regex=False).str.replace(".", ",", regex=False)
    return swapped.str.replace("\x00", ".", regex=False)


def parse_year(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Financial year as `2018/19` from any spelling `periods.read_year` accepts.

    Returns (years, follows): follows is False where the second year is not the first plus one.
    Validation passes each distinct value once, so a Python loop over them costs nothing that matters.
    """
    read = [periods.read_year(value) if isinstance(value, str) else (None, True) for value in values]
    years = pd.Series([year for year, _ in read], index=values.index, dtype="str", name=values.name)
    follows = pd.Series([ok for _, ok in read], index=values.index, dtype=bool, name=values.name)
    return years, follows


def parse_month(values: pd.Series) -> pd.Series:
    """Month of the financial year from any spelling `periods.read_month` accepts; range is checked later."""
    months = [periods.read_month(value) if isinstance(value, str) else None for value in values]
    return pd.Series(months, index=values.index, dtype="Int64", name=values.name)


def parse_code(values: pd.Series) -> pd.Series:
    """Codes are trimmed and upper-cased; a space inside one is a format fault, checked later."""
    return values.str.strip().str.upper()


def parse_name(values: pd.Series) -> pd.Series:
    """Names trimmed with runs of spaces (non-breaking ones included) folded to one."""
    return values.str.replace(r"[\s\u00a0]+", " ", regex=True).str.strip()


def parse_org_type(values: pd.Series) -> pd.Series:
    """Organisation type folded to the contract's list (`Acute Trust` → `acute`); NA when unknown."""
    folded = values.str.lower().str.replace(r"[\s_]+", " ", regex=True).str.strip()
    folded = folded.replace(_ORG_TYPE_ALIASES)
    folded = folded.str.removeprefix("nhs ").str.removesuffix(" nhs foundation trust")
    folded = folded.replace(_ORG_TYPE_ALIASES)
    return folded.where(folded.isin(ORG_TYPES))


def parse_bool(values: pd.Series) -> pd.Series:
    """Y/N, Yes/No, True/False, 1/0 (any case) as a nullable boolean; NA when blank or not one of these."""
    folded = values.str.strip().str.lower()
    result = pd.Series(pd.NA, index=values.index, dtype="boolean")
    result[folded.isin(_TRUE)] = True
    result[folded.isin(_FALSE)] = False
    return result


def parse_date(values: pd.Series) -> pd.Series:
    """ISO `2017-07-21` or UK day-first `21/07/2017`; NaT when blank or not a real date."""
    text = values.str.strip()
    iso = pd.to_datetime(text.where(text.str.match(_ISO_DATE_RE)), format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(text.where(text.str.match(_UK_DATE_RE)), format="%d/%m/%Y", errors="coerce")
    return iso.fillna(uk)


def parse_rating(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Overall rating by name (any case) or category number 1-4 → (canonical name, category)."""
    folded = values.str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    by_name = {name.lower(): position + 1 for position, name in enumerate(RATINGS)}
    by_number = {str(position + 1): position + 1 for position in range(len(RATINGS))}
    category = folded.map({**by_name, **by_number}).astype("Int64")
    names = category.map(lambda c: RATINGS[c - 1] if pd.notna(c) else pd.NA).astype("str")
    return names, category
