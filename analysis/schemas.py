"""pandera models of the four validated frames: what a valid typed row, and a valid set of rows, is.

Each kind has a row model (dtypes, allowed values, ranges, code formats, judged on the typed frame that
validation parses from one file) and an across-rows model (unique key and the rules that compare rows,
judged on the typed rows of every file of the kind together, so a key twice in two files is a duplicate).
pandera names a declared check after itself (`in_range(1, 12)`); `contract_rule` turns that name into
the data contract's rule name, which is what the validation report shows.

Rules about the raw text (a blank cell against one that did not parse, a total row) cannot be judged on
typed values and stay in `analysis.validation`.
"""

from __future__ import annotations

import copy
import dataclasses
import weakref
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine
from pandera.typing import Series

from analysis.contract import (
    CONTROL_TOTALS,
    ORG_CODE_PATTERN,
    ORG_TYPES,
    PROGRESS_RATINGS,
    RATINGS,
    SYSTEM_CODE_PATTERN,
    SYSTEM_CONTROL_TOTALS,
    SYSTEMS,
    Kind,
)

# str_matches matches from the start; `$` ends it (codes are stripped, so no newline precedes the end).
SYSTEM_CODE = rf"^(?:{SYSTEM_CODE_PATTERN})$"
ODS_SYSTEM_CODE = r"^Q[A-Z0-9]{2}$"
ORG_CODE = rf"^(?:{ORG_CODE_PATTERN})$"

_NULLABLE = {"nullable": True}
"""Every column is nullable here: a blank or unparseable cell is typed as NA and reported by the raw-text
rules (`required`, `not_a_number`, ...) in its own words, so pandera's `not_nullable` would only repeat it."""


_NON_NEGATIVE = ("plan_income", "actual_income", "plan_expenditure", "actual_expenditure")
_MONEY = (*_NON_NEGATIVE, "control_total", "forecast_outturn")

PLAUSIBLE_MONEY_BOUND = 100_000_000.0
"""The largest magnitude, in £000, that an amount may have (£100bn): more than the whole NHS in England
spends in a year, so no organisation reports it for one month. Beyond it (or not finite: a 309-digit cell
reads as infinity, and a 20-digit one has lost digits in a double) the value is `implausible`."""


def plausible(amounts: pd.Series) -> pd.Series:
    """True where an amount is NA or within `PLAUSIBLE_MONEY_BOUND` (infinity is not)."""
    return ~(amounts.abs() > PLAUSIBLE_MONEY_BOUND)


def _field(**checks) -> pa.Field:
    return pa.Field(**_NULLABLE, **checks)


_STR = pd.StringDtype("pyarrow", na_value=np.nan)


@dataclasses.dataclass(frozen=True)
class Text(pandas_engine.DataType):
    """pandas' default text dtype (`str`: arrow storage, NaN for missing), compared as a dtype.

    pandera maps it to `string[pyarrow]` (NA for missing), which is not the same dtype, and then checks
    every value and formats a report of them even when all pass: milliseconds per column per file,
    and a tenth of a second per million values. This compares the column's dtype alone.
    """

    type = _STR

    def check(self, pandera_dtype, data_container=None) -> bool:
        """A cheap type check: the column's dtype, not every value."""
        if data_container is not None:
            return data_container.dtype == _STR
        return str(pandera_dtype) in {"str", "string[pyarrow]"}

    def __str__(self) -> str:
        return "str"


class ControlTotalsRows(pa.DataFrameModel):
    """One organisation × year × month, typed."""

    financial_year: Series[Text] = _field()
    month: Series[pd.Int64Dtype] = _field(in_range={"min_value": 1, "max_value": 12})
    system_code: Series[Text] = _field(str_matches=SYSTEM_CODE)
    org_code: Series[Text] = _field(str_matches=ORG_CODE)
    org_name: Series[Text] = _field()
    org_type: Series[Text] = _field(isin=ORG_TYPES)
    plan_income: Series[float] = _field()
    actual_income: Series[float] = _field()
    plan_expenditure: Series[float] = _field()
    actual_expenditure: Series[float] = _field()
    control_total: Series[float] = _field()
    forecast_outturn: Series[float] = _field()
    control_total_accepted: Series[pd.BooleanDtype] = _field()

    class Config:
        name = CONTROL_TOTALS.name

    @pa.check(*_NON_NEGATIVE, name="negative", ignore_na=False)
    def non_negative(cls, amounts: Series[float]) -> Series[bool]:
        """Income and expenditure are >= 0: `ge=0` without pandera's pass over the NAs first (a NaN
        compares False, so it passes as it is), a sixth of the cost on a million rows."""
        return ~(amounts < 0)

    @pa.check(*_MONEY, name="implausible", ignore_na=False)
    def within_bound(cls, amounts: Series[float]) -> Series[bool]:
        """Not finite, or beyond `PLAUSIBLE_MONEY_BOUND`: never summed, never shown."""
        return plausible(amounts)


class ProgressRatingsRows(pa.DataFrameModel):
    """One system × assessment, typed. `assessment_date` has no declared dtype: it is datetime64 in
    whichever unit pandas chose for the dates it saw (seconds for none, microseconds for most)."""

    system_code: Series[Text] = _field(str_matches=SYSTEM_CODE)
    overall_rating: Series[Text] = _field(isin=RATINGS)
    rating_category: Series[pd.Int64Dtype] = _field(in_range={"min_value": 1, "max_value": len(RATINGS)})
    leadership_rating: Series[Text] = _field()
    source: Series[Text] = _field()

    class Config:
        name = PROGRESS_RATINGS.name


class SystemsRows(pa.DataFrameModel):
    """One system code of the lookup, typed."""

    system_code: Series[Text] = _field(str_matches=SYSTEM_CODE)
    ods_code: Series[Text] = _field(str_matches=ODS_SYSTEM_CODE)
    system_name: Series[Text] = _field()
    region: Series[Text] = _field()
    system_type: Series[Text] = _field()
    ics_since: Series[Text] = _field()
    successor_code: Series[Text] = _field(str_matches=SYSTEM_CODE)

    class Config:
        name = SYSTEMS.name


class SystemControlTotalsRows(pa.DataFrameModel):
    """One system × year's stated control total, typed."""

    financial_year: Series[Text] = _field()
    system_code: Series[Text] = _field(str_matches=SYSTEM_CODE)
    control_total: Series[float] = _field()
    accepted: Series[pd.BooleanDtype] = _field()

    class Config:
        name = SYSTEM_CONTROL_TOTALS.name

    @pa.check("control_total", name="implausible", ignore_na=False)
    def within_bound(cls, amounts: Series[float]) -> Series[bool]:
        """As for an organisation's amounts: not finite or beyond `PLAUSIBLE_MONEY_BOUND`."""
        return plausible(amounts)


ROW_MODELS: dict[str, type[pa.DataFrameModel]] = {
    CONTROL_TOTALS.name: ControlTotalsRows,
    PROGRESS_RATINGS.name: ProgressRatingsRows,
    SYSTEMS.name: SystemsRows,
    SYSTEM_CONTROL_TOTALS.name: SystemControlTotalsRows,
}


# --- across rows -------------------------------------------------------------------------------------
# These declare no dtypes: the row models did, and a str dtype check walks the values (~0.1 s a million).


class ControlTotalsAcrossRows(pa.DataFrameModel):
    """Every file's control totals together: one row per key, one system and one control total per
    organisation-year. Checks across rows return every row involved, so all of them are held back."""

    class Config:
        name = f"{CONTROL_TOTALS.name} across rows"
        unique = CONTROL_TOTALS.key

    @pa.dataframe_check(name="org_in_two_systems", ignore_na=False)
    def one_system_per_org_year(cls, frame: pd.DataFrame) -> pd.Series:
        """Rows of an organisation that sits in two systems in one financial year."""
        keyed = keyed_rows(frame, ("financial_year", "org_code", "system_code"))
        broken = in_groups_with(
            group_codes(frame, ("financial_year", "org_code")), group_codes(frame, ("system_code",)), keyed
        )
        return pd.Series(~broken, index=frame.index, copy=False)

    @pa.dataframe_check(name="control_total_varies", ignore_na=False)
    def one_control_total_per_org_year(cls, frame: pd.DataFrame) -> pd.Series:
        """Rows of an organisation-year whose control total differs between months."""
        keyed = keyed_rows(frame, ("financial_year", "org_code", "control_total"))
        broken = in_groups_with(
            group_codes(frame, ("financial_year", "org_code")), group_codes(frame, ("control_total",)), keyed
        )
        return pd.Series(~broken, index=frame.index, copy=False)


class ProgressRatingsAcrossRows(pa.DataFrameModel):
    """Every file's ratings together: one rating per system and assessment date."""

    class Config:
        name = f"{PROGRESS_RATINGS.name} across rows"
        unique = PROGRESS_RATINGS.key


class SystemsAcrossRows(pa.DataFrameModel):
    """Every systems file together: one definition per system code."""

    class Config:
        name = f"{SYSTEMS.name} across rows"
        unique = SYSTEMS.key


class SystemControlTotalsAcrossRows(pa.DataFrameModel):
    """Every file's system control totals together: one per system and year."""

    class Config:
        name = f"{SYSTEM_CONTROL_TOTALS.name} across rows"
        unique = SYSTEM_CONTROL_TOTALS.key


ACROSS_ROWS_MODELS: dict[str, type[pa.DataFrameModel]] = {
    CONTROL_TOTALS.name: ControlTotalsAcrossRows,
    PROGRESS_RATINGS.name: ProgressRatingsAcrossRows,
    SYSTEMS.name: SystemsAcrossRows,
    SYSTEM_CONTROL_TOTALS.name: SystemControlTotalsAcrossRows,
}


def row_schema(kind: Kind) -> pa.DataFrameSchema:
    """The pandera schema that judges one kind of file row by row."""
    return ROW_MODELS[kind.name].to_schema()


def across_rows_schemas(
    kind: Kind, known_systems: set[str] | None
) -> tuple[pa.DataFrameSchema, pa.DataFrameSchema]:
    """The kind's across-rows model as (its checks, its unique key), to run on different rows (see
    `validation.cross_row_rules`); with `known_systems`, every system code must be one of them."""
    model = ACROSS_ROWS_MODELS[kind.name].to_schema()  # pandera's cached schema: copied, never changed
    checks = copy.copy(model)
    checks.unique = None
    if known_systems is not None and "system_code" in kind.names:
        known = pa.Check.isin(known_systems, name="unknown_system", error="unknown_system")
        checks = checks.add_columns({"system_code": pa.Column(checks=[known], nullable=True)})
    unique = pa.DataFrameSchema(unique=model.unique, report_duplicates="all", name=model.name)
    return checks, unique


_RULE_BY_CHECK = {
    "multiple_fields_uniqueness": "duplicate_key",
    "field_uniqueness": "duplicate_key",
}
_RULE_BY_COLUMN = {
    ("month", "in_range"): "month_out_of_range",
    ("rating_category", "in_range"): "unknown_rating",
    ("org_type", "isin"): "unknown_org_type",
    ("overall_rating", "isin"): "unknown_rating",
    ("org_code", "str_matches"): "bad_org_code",
}


def contract_rule(column: str, check: str) -> str:
    """The contract's rule name for a failed check: pandera's name for a declared check
    (`in_range(1, 12)` on month is `month_out_of_range`), a named check's own name otherwise."""
    stem = check.split("(", 1)[0]
    if stem in _RULE_BY_CHECK:
        return _RULE_BY_CHECK[stem]
    if (column, stem) in _RULE_BY_COLUMN:
        return _RULE_BY_COLUMN[(column, stem)]
    if stem == "str_matches":
        return "bad_system_code"
    return check


# --- integer codes for comparing rows ----------------------------------------------------------------

_codes_of: tuple[weakref.ref, dict] | None = None


def group_codes(frame: pd.DataFrame, columns: Iterable[str]) -> np.ndarray:
    """A non-negative integer per row, equal exactly where the rows' values in `columns` are equal (NA
    equal to NA), and below a bound small enough for `np.bincount`.

    Checks across rows compare these integers instead of strings: one hash pass per column, then
    arithmetic (the codes of a combination multiply out when their product is small, as a year, a month
    and a few thousand organisations do). Codes made for the last frame are kept for the next check.
    """
    global _codes_of
    if _codes_of is None or _codes_of[0]() is not frame:
        _codes_of = (weakref.ref(frame), {})
    return _group(frame, tuple(columns), _codes_of[1])


def _group(frame: pd.DataFrame, columns: tuple[str, ...], cache: dict) -> np.ndarray:
    if columns in cache:
        return cache[columns]
    if len(columns) == 1:
        codes, _ = pd.factorize(frame[columns[0]])
        group = codes.astype(np.int64) + 1
    else:
        limit = max(4 * len(frame), 1 << 22)
        group = np.zeros(len(frame), dtype=np.int64)
        span = 1
        for column in columns:
            part = _group(frame, (column,), cache)
            size = int(part.max(initial=0)) + 1
            if span * size > limit:
                group, _ = pd.factorize(group)
                group = group.astype(np.int64, copy=False)
                span = int(group.max(initial=0)) + 1
            group = group * size + part
            span *= size
        if span > limit:
            group, _ = pd.factorize(group)
            group = group.astype(np.int64, copy=False)
    cache[columns] = group
    return group


def keyed_rows(frame: pd.DataFrame, columns: Iterable[str]) -> np.ndarray:
    """Rows with a value in every one of `columns`: a row missing one is reported as such, not compared."""
    keyed = np.ones(len(frame), dtype=bool)
    for column in columns:
        keyed &= frame[column].notna().to_numpy()
    return keyed


def in_groups_with(group: np.ndarray, counted: np.ndarray, keyed: np.ndarray) -> np.ndarray:
    """Keyed rows whose group holds more than one distinct `counted` value among its keyed rows.

    Each group gets one of its own values as a representative (whichever row's write lands last); the
    group holds two values exactly when some row differs from it. No hashing of pairs needed.
    """
    if not keyed.any():
        return keyed
    rows = group[keyed]
    values = counted[keyed]
    size = int(group.max()) + 1
    representative = np.zeros(size, dtype=values.dtype)
    representative[rows] = values
    differs = np.bincount(rows, weights=values != representative[rows], minlength=size)
    return keyed & (differs[group] > 0)


def warm_up() -> None:
    """Pandera registers its backends and dtype engines on first use (imports and registrations, ~0.2-0.5 s
    in all): pay that once when validation is imported, like any import, not inside the first load."""
    frame = pd.DataFrame(
        {
            "financial_year": pd.Series(["2018/19"], dtype="str"),
            "month": pd.array([1], dtype="Int64"),
            "system_code": pd.Series(["QYG"], dtype="str"),
            "org_code": pd.Series(["RX1"], dtype="str"),
            "org_type": pd.Series(["acute"], dtype="str"),
            "control_total": [1.0],
            "control_total_accepted": pd.array([True], dtype="boolean"),
        }
    )
    for model in (*ROW_MODELS.values(), *ACROSS_ROWS_MODELS.values()):
        model.to_schema()
    rows = ROW_MODELS[CONTROL_TOTALS.name].to_schema()
    rows.select_columns(list(frame.columns)).validate(frame, lazy=True)
    checks, unique = across_rows_schemas(CONTROL_TOTALS, {"QYG"})
    checks.validate(frame, lazy=True)
    unique.validate(frame, lazy=True)
