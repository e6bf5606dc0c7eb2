"""Validation: typed values from raw strings, then pandera schemas for row rules and rules across rows.

Row rules run per file on a typed frame whose checks look back at the raw strings, so a failure can say
whether a value was missing or not parseable and quote it as the user typed it. Rules across rows run on
all files of a kind together (a key duplicated across two files is still a duplicate) and quarantine every
row involved. The output is a frame of problems, one per (file, line, column, rule), from which the
dataset step derives valid and quarantined rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd
import pandera.pandas as pa

from analysis import parsing
from analysis.contract import (
    CONTROL_TOTALS,
    ORG_CODE_PATTERN,
    PROGRESS_RATINGS,
    SYSTEM_CODE_PATTERN,
    SYSTEM_CONTROL_TOTALS,
    SYSTEMS,
    Kind,
)
from analysis.reading import RawTable

PROBLEM_COLUMNS = ["file", "line", "column", "rule", "value", "message"]

RULE_MESSAGES: dict[str, str] = {
    "required": "A value is required here but the cell is blank.",
    "not_a_number": "Not an amount: use a number in £000, e.g. 1234, £1,234 or (1,234).",
    "negative": "Must be zero or more.",
    "bad_year": "Not a financial year: use 2018/19 (or 2018-19, 2018/2019, FY2018/19).",
    "year_sequence": "The second year must follow the first, e.g. 2018/19.",
    "bad_month": "Not a month: use 1-12 (April = 1), M06 or Month 6.",
    "month_out_of_range": "Month must be between 1 (April) and 12 (March).",
    "bad_system_code": "Not a system code: ONS E54 and six digits (E54000008) or an ODS Q code (QYG).",
    "bad_org_code": "Not an ODS code: 3 or 5 letters and digits (RX1, 15M, D4U1Y).",
    "unknown_org_type": "Unknown organisation type: use acute, mental health, community, ambulance, "
    "specialist, ccg or other.",
    "unknown_rating": "Unknown rating: use Outstanding, Advanced, Making progress, "
    "Needs most improvement, or 1-4.",
    "bad_date": "Not a date: use 2017-07-21 or 21/07/2017.",
    "not_yes_no": "Not a yes/no value: use Y/N, Yes/No, True/False or 1/0.",
    "actuals_incomplete": "Actual income and actual expenditure must both be given or both be blank.",
    "total_row": "A total or subtotal row, not an organisation: totals are computed by the dashboard.",
    "field_count": "This line has a different number of fields from the header (a stray delimiter?).",
    "duplicate_key": "The same key appears on more than one row; every row involved is held back.",
    "org_in_two_systems": "The organisation appears under more than one system in the same financial year.",
    "control_total_varies": "The organisation's control total differs between months of the same year.",
    "unknown_system": "The system code is not in the systems lookup: add it to a systems file or correct it.",
}

_TOTAL_PATTERN = r"^(?:grand\s+|sub[\s-]?)?totals?\b|\btotal$"


def _rule(name: str, fn: Callable[[pd.Series], pd.Series]) -> pa.Check:
    return pa.Check(fn, name=name, error=name, ignore_na=False)


def _required(raw: pd.DataFrame, column: str) -> pa.Check:
    return _rule("required", lambda s: raw[column].notna())


def _parsed(raw: pd.DataFrame, column: str, rule: str) -> pa.Check:
    """The cell is blank or "not given", or it parsed: anything else broke `rule`."""
    blank = parsing.not_given(raw[column])
    return _rule(rule, lambda s: blank | s.notna())


def _matches(pattern: str, rule: str) -> pa.Check:
    return _rule(rule, lambda s: s.isna() | s.str.fullmatch(pattern).fillna(False).astype(bool))


def _non_negative() -> pa.Check:
    return _rule("negative", lambda s: s.isna() | (s >= 0))


def _money(raw: pd.DataFrame, column: str, required: bool, non_negative: bool, *extra: pa.Check) -> pa.Column:
    checks = [_parsed(raw, column, "not_a_number")]
    if required:
        checks.insert(0, _rule("required", lambda s: ~parsing.not_given(raw[column])))
    if non_negative:
        checks.append(_non_negative())
    return pa.Column("float64", checks=[*checks, *extra], nullable=True)


def _text(raw: pd.DataFrame, column: str, required: bool, *checks: pa.Check) -> pa.Column:
    all_checks = ([_required(raw, column)] if required else []) + list(checks)
    return pa.Column(checks=all_checks, nullable=True)


def _year(raw: pd.DataFrame, follows: pd.Series) -> pa.Column:
    return pa.Column(
        checks=[
            _required(raw, "financial_year"),
            _rule("bad_year", lambda s: raw["financial_year"].isna() | s.notna() | ~follows),
            _rule("year_sequence", lambda s: follows),
        ],
        nullable=True,
    )


def _system_code(raw: pd.DataFrame, required: bool = True) -> pa.Column:
    return _text(raw, "system_code", required, _matches(SYSTEM_CODE_PATTERN, "bad_system_code"))


def typed_values(raw: RawTable) -> tuple[pd.DataFrame, pa.DataFrameSchema]:
    """Parse a file's raw strings into typed columns and build the row schema that judges them."""
    parse = _PARSERS[raw.kind.name]
    return parse(raw.frame)


def _control_totals(raw: pd.DataFrame) -> tuple[pd.DataFrame, pa.DataFrameSchema]:
    years, follows = parsing.parse_year(raw["financial_year"])
    typed = pd.DataFrame(
        {
            "financial_year": years,
            "month": parsing.parse_month(raw["month"]),
            "system_code": parsing.parse_code(raw["system_code"]),
            "org_code": parsing.parse_code(raw["org_code"]),
            "org_name": parsing.parse_name(raw["org_name"]),
            "org_type": parsing.parse_org_type(raw["org_type"]),
            **{
                column: parsing.parse_money(raw[column])
                for column in (
                    "plan_income",
                    "actual_income",
                    "plan_expenditure",
                    "actual_expenditure",
                    "control_total",
                    "forecast_outturn",
                )
            },
            "control_total_accepted": parsing.parse_bool(raw["control_total_accepted"]),
        },
        index=raw.index,
    )
    text_cells = raw[["financial_year", "org_code", "org_name", "system_code"]]
    looks_total = pd.concat(
        [text_cells[c].str.contains(_TOTAL_PATTERN, case=False, regex=True) for c in text_cells], axis=1
    ).any(axis=1)
    total_row = raw["org_code"].isna() & looks_total
    actual_income_given = ~parsing.not_given(raw["actual_income"])
    actual_expenditure_given = ~parsing.not_given(raw["actual_expenditure"])
    schema = pa.DataFrameSchema(
        {
            "financial_year": _year(raw, follows),
            "month": pa.Column(
                checks=[
                    _required(raw, "month"),
                    _parsed(raw, "month", "bad_month"),
                    _rule("month_out_of_range", lambda s: s.isna() | s.between(1, 12)),
                ],
                nullable=True,
            ),
            "system_code": _system_code(raw),
            "org_code": pa.Column(
                checks=[
                    _rule("required", lambda s: raw["org_code"].notna() | total_row),
                    _rule("total_row", lambda s: ~total_row),
                    _matches(ORG_CODE_PATTERN, "bad_org_code"),
                ],
                nullable=True,
            ),
            "org_name": _text(raw, "org_name", True),
            "org_type": _text(
                raw,
                "org_type",
                True,
                _rule("unknown_org_type", lambda s: raw["org_type"].isna() | s.notna()),
            ),
            "plan_income": _money(raw, "plan_income", True, True),
            "actual_income": _money(
                raw,
                "actual_income",
                False,
                True,
                # Reported on the blank one of the pair: that is the cell to fill in.
                _rule("actuals_incomplete", lambda s: actual_income_given | ~actual_expenditure_given),
            ),
            "plan_expenditure": _money(raw, "plan_expenditure", True, True),
            "actual_expenditure": pa.Column(
                "float64",
                checks=[
                    _parsed(raw, "actual_expenditure", "not_a_number"),
                    _non_negative(),
                    _rule("actuals_incomplete", lambda s: actual_expenditure_given | ~actual_income_given),
                ],
                nullable=True,
            ),
            "control_total": _money(raw, "control_total", True, False),
            "forecast_outturn": _money(raw, "forecast_outturn", False, False),
            "control_total_accepted": pa.Column(
                checks=[_parsed(raw, "control_total_accepted", "not_yes_no")], nullable=True
            ),
        },
        name=CONTROL_TOTALS.name,
    )
    return typed, schema


def _progress_ratings(raw: pd.DataFrame) -> tuple[pd.DataFrame, pa.DataFrameSchema]:
    names, categories = parsing.parse_rating(raw["overall_rating"])
    typed = pd.DataFrame(
        {
            "system_code": parsing.parse_code(raw["system_code"]),
            "assessment_date": parsing.parse_date(raw["assessment_date"]),
            "overall_rating": names,
            "rating_category": categories,
            "leadership_rating": parsing.parse_name(raw["leadership_rating"]),
            "source": parsing.parse_name(raw["source"]),
        },
        index=raw.index,
    )
    schema = pa.DataFrameSchema(
        {
            "system_code": _system_code(raw),
            "assessment_date": pa.Column(
                checks=[_required(raw, "assessment_date"), _parsed(raw, "assessment_date", "bad_date")],
                nullable=True,
            ),
            "overall_rating": pa.Column(
                checks=[_required(raw, "overall_rating"), _parsed(raw, "overall_rating", "unknown_rating")],
                nullable=True,
            ),
        },
        name=PROGRESS_RATINGS.name,
    )
    return typed, schema


def _systems(raw: pd.DataFrame) -> tuple[pd.DataFrame, pa.DataFrameSchema]:
    typed = pd.DataFrame(
        {
            "system_code": parsing.parse_code(raw["system_code"]),
            "ods_code": parsing.parse_code(raw["ods_code"]),
            "system_name": parsing.parse_name(raw["system_name"]),
            "region": parsing.parse_name(raw["region"]),
            "system_type": parsing.parse_name(raw["system_type"]),
            "ics_since": parsing.parse_name(raw["ics_since"]),
            "successor_code": parsing.parse_code(raw["successor_code"]),
        },
        index=raw.index,
    )
    schema = pa.DataFrameSchema(
        {
            "system_code": _system_code(raw),
            "ods_code": _text(raw, "ods_code", False, _matches(r"Q[A-Z0-9]{2}", "bad_system_code")),
            "system_name": _text(raw, "system_name", True),
            "region": _text(raw, "region", True),
            "successor_code": _text(
                raw, "successor_code", False, _matches(SYSTEM_CODE_PATTERN, "bad_system_code")
            ),
        },
        name=SYSTEMS.name,
    )
    return typed, schema


def _system_control_totals(raw: pd.DataFrame) -> tuple[pd.DataFrame, pa.DataFrameSchema]:
    years, follows = parsing.parse_year(raw["financial_year"])
    typed = pd.DataFrame(
        {
            "financial_year": years,
            "system_code": parsing.parse_code(raw["system_code"]),
            "control_total": parsing.parse_money(raw["control_total"]),
            "accepted": parsing.parse_bool(raw["accepted"]),
        },
        index=raw.index,
    )
    schema = pa.DataFrameSchema(
        {
            "financial_year": _year(raw, follows),
            "system_code": _system_code(raw),
            "control_total": _money(raw, "control_total", True, False),
            "accepted": pa.Column(checks=[_parsed(raw, "accepted", "not_yes_no")], nullable=True),
        },
        name=SYSTEM_CONTROL_TOTALS.name,
    )
    return typed, schema


_PARSERS: dict[str, Callable[[pd.DataFrame], tuple[pd.DataFrame, pa.DataFrameSchema]]] = {
    CONTROL_TOTALS.name: _control_totals,
    PROGRESS_RATINGS.name: _progress_ratings,
    SYSTEMS.name: _systems,
    SYSTEM_CONTROL_TOTALS.name: _system_control_totals,
}


def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """Run a schema lazily and return its failure cases as (index, column, rule); empty when all pass."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        cases = cases[cases["index"].notna()]
        return pd.DataFrame(
            {
                "index": cases["index"].astype("int64").to_numpy(),
                "column": cases["column"].astype("str").to_numpy(),
                "rule": cases["check"].astype("str").to_numpy(),
            }
        ).drop_duplicates(["index", "rule"] if schema.checks else ["index", "column", "rule"])
    return pd.DataFrame({"index": pd.Series(dtype="int64"), "column": [], "rule": []})


def validate_rows(raw: RawTable) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply a file's row rules. Returns (typed frame indexed by line, problems frame)."""
    typed, schema = typed_values(raw)
    failures = _failures(schema, typed)
    if raw.field_count_lines:
        extra = pd.DataFrame(
            {
                "index": list(raw.field_count_lines),
                "column": "(whole line)",
                "rule": "field_count",
            }
        )
        failures = pd.concat([failures, extra], ignore_index=True)
    total_lines = set(failures.loc[failures["rule"] == "total_row", "index"])
    if total_lines:
        # A total row's blank cells are a consequence of what it is, not separate faults: say it once.
        failures = failures[~failures["index"].isin(total_lines) | (failures["rule"] == "total_row")]
    problems = _problem_frame(raw.name, failures, raw.frame, raw.field_count_lines)
    return typed, problems


def _problem_frame(
    file: str, failures: pd.DataFrame, raw_frame: pd.DataFrame, field_counts: dict[int, int] | None = None
) -> pd.DataFrame:
    """Turn (index=line, column, rule) failures into problems quoting the raw value."""
    if failures.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "line" else "str") for c in PROBLEM_COLUMNS})
    lines = failures["index"].to_numpy()
    values = []
    for line, column in zip(lines, failures["column"], strict=True):
        if column in raw_frame.columns:
            value = raw_frame.at[line, column]
            values.append("" if pd.isna(value) else str(value))
        elif field_counts and line in field_counts:
            values.append(f"{field_counts[line]} fields")
        else:
            values.append("")
    return pd.DataFrame(
        {
            "file": file,
            "line": lines.astype("int64"),
            "column": failures["column"].to_numpy(),
            "rule": failures["rule"].to_numpy(),
            "value": values,
            "message": failures["rule"].map(RULE_MESSAGES).fillna("").to_numpy(),
        }
    )


def _keyed(frame: pd.DataFrame, columns: Iterable[str]) -> pd.Series:
    return frame[list(columns)].notna().all(axis=1)


def _duplicated(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.Series:
    keyed = _keyed(frame, key)
    return keyed & frame.duplicated(list(key), keep=False)


def _org_in_two_systems(frame: pd.DataFrame) -> pd.Series:
    keyed = _keyed(frame, ("financial_year", "org_code", "system_code"))
    systems = (
        frame[keyed]
        .groupby(["financial_year", "org_code"], observed=True)["system_code"]
        .transform("nunique")
    )
    return (systems > 1).reindex(frame.index, fill_value=False)


def _control_total_varies(frame: pd.DataFrame) -> pd.Series:
    keyed = _keyed(frame, ("financial_year", "org_code", "control_total"))
    totals = (
        frame[keyed]
        .groupby(["financial_year", "org_code"], observed=True)["control_total"]
        .transform("nunique")
    )
    return (totals > 1).reindex(frame.index, fill_value=False)


_CROSS_RULE_COLUMNS = {
    "duplicate_key": None,
    "org_in_two_systems": "system_code",
    "control_total_varies": "control_total",
    "unknown_system": "system_code",
}


def cross_row_rules(kind: Kind, frame: pd.DataFrame, known_systems: set[str] | None) -> pd.DataFrame:
    """Rules across rows of one kind (all files together): (index, column, rule) of every row involved.

    `frame` is the typed rows of every file of the kind, with a unique index; `known_systems` is the set of
    system codes (ONS and ODS) the lookup knows, or None to skip that rule (the lookup itself).
    """
    checks: list[pa.Check] = [
        pa.Check(
            lambda f: ~_duplicated(f, kind.key), name="duplicate_key", error="duplicate_key", ignore_na=False
        )
    ]
    if kind is CONTROL_TOTALS:
        checks += [
            pa.Check(lambda f: ~_org_in_two_systems(f), name="org_in_two_systems", ignore_na=False),
            pa.Check(lambda f: ~_control_total_varies(f), name="control_total_varies", ignore_na=False),
        ]
    if known_systems is not None and "system_code" in frame.columns:
        known = known_systems
        checks.append(
            pa.Check(
                lambda f: f["system_code"].isna() | f["system_code"].isin(known),
                name="unknown_system",
                ignore_na=False,
            )
        )
    schema = pa.DataFrameSchema(checks=checks, name=f"{kind.name} across rows")
    probe = frame[[c for c in frame.columns if c in kind.names]]
    failures = _failures(schema, probe)
    key_column = kind.key[-1]
    failures["column"] = failures["rule"].map(_CROSS_RULE_COLUMNS).fillna(key_column)
    failures.loc[failures["rule"] == "duplicate_key", "column"] = key_column
    return failures
