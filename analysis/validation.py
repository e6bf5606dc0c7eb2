"""Validation: typed values from raw strings, judged by the pandera models of `analysis.schemas`.

Each file is parsed into a typed frame, which its kind's row model judges (dtypes, allowed values,
ranges, code formats). Rules about the raw text (a blank cell against one that did not parse, a total
row) are the only ones computed here, as masks handed to pandera, because the typed frame no longer
holds what they look at. Rules across rows run on all files of a kind together (a key duplicated across
two files is still a duplicate) through the kind's across-rows model and quarantine every row involved.
The output is a frame of problems, one per (file, line, column, rule), from which the dataset step
derives valid and quarantined rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis import parsing, schemas
from analysis.contract import (
    CONTROL_TOTALS,
    MONEY_COLUMNS,
    PROGRESS_RATINGS,
    SYSTEM_CONTROL_TOTALS,
    SYSTEMS,
    Kind,
)
from analysis.reading import RawTable
from analysis.row_keys import key_order, raw_values

PROBLEM_COLUMNS = ["file", "line", "column", "rule", "value", "message"]

RULE_MESSAGES: dict[str, str] = {
    "required": "A value is required here but the cell is blank.",
    "not_a_number": "Not an amount: use a number in £000, e.g. 1234, £1,234 or (1,234).",
    "negative": "Must be zero or more.",
    "implausible": "Not a plausible amount in £000 for one organisation in one month (beyond ±100,000,000, "
    "i.e. £100bn, or too long to hold every digit): check the units and the cell.",
    "ambiguous_number": "Could be read two ways (decimal comma or thousands separator): the file shows no "
    "other amount that tells which, so write it unambiguously, e.g. 594.623 or 594623.",
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


schemas.warm_up()


def _rule(name: str, fn: Callable[[pd.Series], pd.Series]) -> pa.Check:
    return pa.Check(fn, name=name, error=name, ignore_na=False)


# --- rules about the raw text ------------------------------------------------------------------------
# Each returns a mask computed from the cells as written, because the typed value cannot tell: a blank
# cell and one that did not parse are both NA once typed, and only the text says which it was.


def _required(raw: pd.DataFrame, column: str) -> pa.Check:
    """A required cell is blank in the file (an unparseable one is not blank: it has its own rule)."""
    return _rule("required", lambda s: raw[column].notna())


def _parsed(raw: pd.DataFrame, column: str, rule: str) -> pa.Check:
    """The cell is blank or "not given", or it parsed: text that did not parse broke `rule`."""
    blank = parsing.not_given(raw[column])
    return _rule(rule, lambda s: blank | s.notna())


def _text_column(*checks: pa.Check) -> pa.Column:
    return pa.Column(checks=list(checks), nullable=True)


def _money(raw: pd.DataFrame, column: str) -> pa.Column:
    """A required amount: blank or "not given" as written is `required`; text that is no amount is
    `not_a_number` (both are NA once typed)."""
    return _text_column(
        _rule("required", lambda s: ~parsing.not_given(raw[column])), _parsed(raw, column, "not_a_number")
    )


def _year(raw: pd.DataFrame, follows: pd.Series) -> pa.Column:
    """Not a year as written, or a second year that does not follow the first (`2018/20`): the typed
    year is NA either way, and only the written years tell which."""
    return _text_column(
        _required(raw, "financial_year"),
        _rule("bad_year", lambda s: raw["financial_year"].isna() | s.notna() | ~follows),
        _rule("year_sequence", lambda s: follows),
    )


def _known_or_as_written(parsed: pd.Series, raw: pd.Series, not_given_is_blank: bool) -> pd.Series:
    """The parsed value where the text was understood, else the text itself, so the row model's allowed
    values (`isin`) reject what was not understood. With `not_given_is_blank`, "-" or "n/a" stays NA (a
    rating so written is no rating, as before; an organisation type so written is an unknown type)."""
    return parsed.fillna(raw.where(~parsing.not_given(raw)) if not_given_is_blank else raw)


def _merged(declared: pa.DataFrameSchema, raw_text: pa.DataFrameSchema) -> pa.DataFrameSchema:
    """One schema with the row model's columns and the raw-text rules: pandera passes over the rows once."""
    columns = dict(declared.columns)
    for name, column in raw_text.columns.items():
        model = columns.get(name)
        dtype, checks = (model.dtype, model.checks) if model is not None else (None, [])
        columns[name] = pa.Column(dtype, checks=[*column.checks, *checks], nullable=True, name=name)
    return pa.DataFrameSchema(columns, checks=declared.checks, name=declared.name)


class Judged(NamedTuple):
    """A file's typed rows; the schema to run on them (the raw-text rules, and the row model's columns
    that are judged row by row); the failures of the row model's columns judged per distinct value."""

    typed: pd.DataFrame
    schema: pa.DataFrameSchema
    per_value: pd.DataFrame


def typed_values(raw: RawTable) -> Judged:
    """Parse a file's raw strings into typed columns, and the schema that judges them: the kind's row
    model (`analysis.schemas`) with the rules about the raw text."""
    if raw.kind is CONTROL_TOTALS:
        return _control_totals(raw)
    if raw.kind is SYSTEM_CONTROL_TOTALS:
        typed, raw_text = _system_control_totals(raw.frame, raw.delimiter)
    else:
        typed, raw_text = _PARSERS[raw.kind.name](raw.frame)
    return Judged(typed, _merged(schemas.row_schema(raw.kind), raw_text), _no_failures())


def _distinct(raw: RawTable, column: str) -> tuple[np.ndarray, pd.Series]:
    """A raw column as (code per row, distinct values with NA among them): the reader's, or made here."""
    cached = raw.distinct.get(column)
    if cached is None:
        codes, uniques = pd.factorize(raw.frame[column], use_na_sentinel=False)
        cached = (codes, pd.Series(uniques.array))
        raw.distinct[column] = cached
    return cached


class _PerValue:
    """One raw column seen through its distinct values: parse and judge each value once, map back to rows.

    Every parser and rule here is a function of the cell alone (pandas' int-or-float reading depends only
    on which values occur, and the distinct values are exactly the values that occur), so the result is
    the same as working row by row.
    """

    def __init__(self, raw: RawTable, column: str) -> None:
        self.codes, self.values = _distinct(raw, column)
        self.index = raw.frame.index

    def reorder(self, order: np.ndarray, index: pd.Index) -> None:
        """Rows from now on in `order` (labels in `index`): later takes then build the rows in that order."""
        self.codes = self.codes[order]
        self.index = index

    def rows(self, per_value: pd.Series) -> pd.Series:
        return pd.Series(per_value.array.take(self.codes), index=self.index)

    def mask(self, per_value: pd.Series) -> np.ndarray:
        return np.asarray(per_value, dtype=bool)[self.codes]

    def mask_rank(self, per_value: pd.Series) -> np.ndarray:
        """Per row, the rank of its parsed value among the distinct parsed values (NA last)."""
        codes, uniques = pd.factorize(per_value, sort=True)
        return np.where(codes < 0, len(uniques), codes)[self.codes]


def _holds(name: str, passed: np.ndarray, index: pd.Index) -> pa.Check:
    """A rule whose outcome per row is already known: pandera reports the rows where `passed` is False."""
    outcome = pd.Series(passed, index=index, copy=False)
    return _rule(name, lambda s: outcome)


def _money_blank(values: pd.Series, parsed: pd.Series) -> np.ndarray:
    """`parsing.not_given` of a money column; a cell that parsed to an amount is never "not given"."""
    blank = values.isna().to_numpy()
    unread = np.flatnonzero(~blank & parsed.isna().to_numpy())
    if unread.size:
        blank = blank.copy()
        blank[unread] = parsing.not_given(values.iloc[unread]).to_numpy(dtype=bool)
    return blank


_PER_VALUE_COLUMNS = ("financial_year", "month", "system_code", "org_code", "org_name", "org_type")
_PER_VALUE_SCHEMA = schemas.row_schema(CONTROL_TOTALS).select_columns(
    [*_PER_VALUE_COLUMNS, "control_total_accepted"]
)
_MONEY_SCHEMA = schemas.row_schema(CONTROL_TOTALS).select_columns(list(MONEY_COLUMNS))


def _declared_per_value(columns: dict[str, tuple[_PerValue, pd.Series]]) -> pd.DataFrame:
    """The row model's checks on text columns, judged once per distinct value and mapped back to rows.

    Every such check is a function of the cell alone, so judging the distinct values is judging the
    rows; on a million rows it is the difference between milliseconds and a second of regexes.
    """
    size = max(len(values) for _, values in columns.values())
    distinct = pd.DataFrame({name: values.reindex(range(size)) for name, (_, values) in columns.items()})
    failures = _failures(_PER_VALUE_SCHEMA, distinct)
    found = []
    for (column, rule), cases in failures.groupby(["column", "rule"], sort=False):
        per_value, values = columns[column]
        failed = np.zeros(len(values), dtype=bool)
        failed[cases["index"].to_numpy()] = True
        lines = per_value.index[failed[per_value.codes]]
        found.append(pd.DataFrame({"index": lines.to_numpy(dtype="int64"), "column": column, "rule": rule}))
    return pd.concat(found, ignore_index=True) if found else failures


def _control_totals(raw_table: RawTable) -> Judged:
    """Typed control totals and the schema that judges them.

    The row model's checks on text columns run once per distinct value, its money checks on the rows.
    What stays a mask is about the raw text, which typing has lost: `required`, `not_a_number`,
    `bad_year`, `bad_month` and `not_yes_no` tell a blank cell (or "-") from text that did not parse,
    both NA once typed; `year_sequence` is about the written second year (`2018/20` types to NA);
    `total_row` reads the names next to a blank code; `actuals_incomplete` pairs blank cells as written.
    Masks are computed per distinct value or vectorised and handed to pandera as checks that return them.
    """
    raw = raw_table.frame
    index = raw.index
    year = _PerValue(raw_table, "financial_year")
    month = _PerValue(raw_table, "month")
    system = _PerValue(raw_table, "system_code")
    org = _PerValue(raw_table, "org_code")
    name = _PerValue(raw_table, "org_name")
    org_type = _PerValue(raw_table, "org_type")
    accepted = _PerValue(raw_table, "control_total_accepted")

    years, follows = parsing.parse_year(year.values)
    months = parsing.parse_month(month.values)
    systems = parsing.parse_code(system.values)
    orgs = parsing.parse_code(org.values)
    org_types = _known_or_as_written(
        parsing.parse_org_type(org_type.values), org_type.values, not_given_is_blank=False
    )
    accepted_values = parsing.parse_bool(accepted.values)
    # Rows in the order the dataset keeps them (year, system, organisation, month): the takes below build
    # each column in that order, so the dataset's sort finds them sorted and copies nothing.
    order = key_order(
        [year.mask_rank(years), system.mask_rank(systems), org.mask_rank(orgs), month.mask_rank(months)]
    )
    parsed, unclear = parsing.parse_money_columns([raw[c] for c in MONEY_COLUMNS], raw_table.delimiter)
    money = dict(zip(MONEY_COLUMNS, parsed, strict=True))
    blank = {column: _money_blank(raw[column], money[column]) for column in MONEY_COLUMNS}
    amounts = {column: money[column].to_numpy() for column in MONEY_COLUMNS}
    ambiguous = {
        column: mask for column, mask in zip(MONEY_COLUMNS, unclear, strict=True) if mask is not None
    }
    if order is not None:
        index = index[order]
        for column in (year, month, system, org, name, org_type, accepted):
            column.reorder(order, index)
        blank = {column: mask[order] for column, mask in blank.items()}
        ambiguous = {column: mask[order] for column, mask in ambiguous.items()}
        amounts = {column: values[order] for column, values in amounts.items()}
    names = parsing.parse_name(name.values)
    text_columns = parsing.in_threads(
        lambda pair: pair[0].rows(pair[1]),
        [
            (year, years),
            (month, months),
            (system, systems),
            (org, orgs),
            (name, names),
            (org_type, org_types),
            (accepted, accepted_values),
        ],
    )
    typed = pd.DataFrame(
        {
            "financial_year": text_columns[0],
            "month": text_columns[1],
            "system_code": text_columns[2],
            "org_code": text_columns[3],
            "org_name": text_columns[4],
            "org_type": text_columns[5],
            **{column: pd.Series(values, index=index, copy=False) for column, values in amounts.items()},
            "control_total_accepted": text_columns[6],
        },
        index=index,
        copy=False,  # keep the columns as they are: stacking the six money columns would copy them
    )

    def looks_total(column: _PerValue) -> np.ndarray:
        hit = column.values.str.contains(_TOTAL_PATTERN, case=False, regex=True)
        return column.mask(hit.astype("boolean").fillna(False))

    total_row = ~org.mask(org.values.notna()) & (
        looks_total(year) | looks_total(org) | looks_total(name) | looks_total(system)
    )

    def given(column: _PerValue) -> np.ndarray:
        return column.mask(column.values.notna())

    def check(rule: str, passed: np.ndarray) -> pa.Check:
        return _holds(rule, passed, index)

    def money_column(column: str, required: bool, *extra: pa.Check) -> pa.Column:
        unclear = ambiguous.get(column)
        if unclear is None:
            checks = [check("not_a_number", blank[column] | ~np.isnan(amounts[column]))]
        else:
            checks = [
                check("not_a_number", blank[column] | ~np.isnan(amounts[column]) | unclear),
                check("ambiguous_number", ~unclear),
            ]
        if required:
            checks.insert(0, check("required", ~blank[column]))
        return _text_column(*checks, *extra)

    income_given = ~blank["actual_income"]
    expenditure_given = ~blank["actual_expenditure"]
    schema = pa.DataFrameSchema(
        {
            "financial_year": pa.Column(
                checks=[
                    check("required", given(year)),
                    check("bad_year", year.mask(year.values.isna() | years.notna() | ~follows)),
                    check("year_sequence", year.mask(follows)),
                ],
                nullable=True,
            ),
            "month": pa.Column(
                checks=[
                    # "-" or "n/a" is no month either: without this the row would pass with no month.
                    check("required", month.mask(~parsing.not_given(month.values))),
                    check("bad_month", month.mask(parsing.not_given(month.values) | months.notna())),
                ],
                nullable=True,
            ),
            "system_code": pa.Column(checks=[check("required", given(system))], nullable=True),
            "org_code": pa.Column(
                checks=[
                    check("required", given(org) | total_row),
                    check("total_row", ~total_row),
                ],
                nullable=True,
            ),
            "org_name": pa.Column(checks=[check("required", given(name))], nullable=True),
            "org_type": pa.Column(checks=[check("required", given(org_type))], nullable=True),
            "plan_income": money_column("plan_income", True),
            # Actuals pair up by blank cells as written: an unparseable amount is NA once typed too,
            # but it is no blank, and is reported as not_a_number alone. Reported on the blank one of the
            # pair: that is the cell to fill in.
            "actual_income": money_column(
                "actual_income", False, check("actuals_incomplete", income_given | ~expenditure_given)
            ),
            "plan_expenditure": money_column("plan_expenditure", True),
            "actual_expenditure": money_column(
                "actual_expenditure", False, check("actuals_incomplete", expenditure_given | ~income_given)
            ),
            "control_total": money_column("control_total", True),
            "forecast_outturn": money_column("forecast_outturn", False),
            "control_total_accepted": pa.Column(
                checks=[
                    check(
                        "not_yes_no",
                        accepted.mask(parsing.not_given(accepted.values) | accepted_values.notna()),
                    )
                ],
                nullable=True,
            ),
        },
        name=f"{CONTROL_TOTALS.name} raw text",
    )
    declared = _declared_per_value(
        {
            "financial_year": (year, years),
            "month": (month, months),
            "system_code": (system, systems),
            "org_code": (org, orgs),
            "org_name": (name, names),
            "org_type": (org_type, org_types),
            "control_total_accepted": (accepted, accepted_values),
        }
    )
    return Judged(typed, _merged(_MONEY_SCHEMA, schema), declared)


def _progress_ratings(raw: pd.DataFrame) -> tuple[pd.DataFrame, pa.DataFrameSchema]:
    names, categories = parsing.parse_rating(raw["overall_rating"])
    typed = pd.DataFrame(
        {
            "system_code": parsing.parse_code(raw["system_code"]),
            "assessment_date": parsing.parse_date(raw["assessment_date"]),
            "overall_rating": _known_or_as_written(names, raw["overall_rating"], not_given_is_blank=True),
            "rating_category": categories,
            "leadership_rating": parsing.parse_name(raw["leadership_rating"]),
            "source": parsing.parse_name(raw["source"]),
        },
        index=raw.index,
    )
    raw_text = pa.DataFrameSchema(
        {
            "system_code": _text_column(_required(raw, "system_code")),
            "assessment_date": _text_column(
                _required(raw, "assessment_date"), _parsed(raw, "assessment_date", "bad_date")
            ),
            "overall_rating": _text_column(_required(raw, "overall_rating")),
        },
        name=f"{PROGRESS_RATINGS.name} raw text",
    )
    return typed, raw_text


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
    raw_text = pa.DataFrameSchema(
        {column: _text_column(_required(raw, column)) for column in ("system_code", "system_name", "region")},
        name=f"{SYSTEMS.name} raw text",
    )
    return typed, raw_text


def _system_control_totals(raw: pd.DataFrame, delimiter: str) -> tuple[pd.DataFrame, pa.DataFrameSchema]:
    years, follows = parsing.parse_year(raw["financial_year"])
    [amounts], [unclear] = parsing.parse_money_columns([raw["control_total"]], delimiter)
    money = _money(raw, "control_total")
    if unclear is not None:
        ambiguous = pd.Series(unclear, index=raw.index)
        money = _text_column(
            _rule("required", lambda s: ~parsing.not_given(raw["control_total"])),
            _rule("not_a_number", lambda s: parsing.not_given(raw["control_total"]) | s.notna() | ambiguous),
            _rule("ambiguous_number", lambda s: ~ambiguous),
        )
    typed = pd.DataFrame(
        {
            "financial_year": years,
            "system_code": parsing.parse_code(raw["system_code"]),
            "control_total": amounts,
            "accepted": parsing.parse_bool(raw["accepted"]),
        },
        index=raw.index,
    )
    raw_text = pa.DataFrameSchema(
        {
            "financial_year": _year(raw, follows),
            "system_code": _text_column(_required(raw, "system_code")),
            "control_total": money,
            "accepted": _text_column(_parsed(raw, "accepted", "not_yes_no")),
        },
        name=f"{SYSTEM_CONTROL_TOTALS.name} raw text",
    )
    return typed, raw_text


_PARSERS: dict[str, Callable[[pd.DataFrame], tuple[pd.DataFrame, pa.DataFrameSchema]]] = {
    PROGRESS_RATINGS.name: _progress_ratings,
    SYSTEMS.name: _systems,
}


def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """Run a schema lazily and return its failures as (index, column, rule), rule in the contract's
    words; empty when all pass. A failure of no row (a dtype) is a bug in the parsers, so it is raised."""
    try:
        # inplace: nothing is coerced, so this only spares pandera a copy of the frame.
        schema.validate(frame, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        if cases["index"].isna().any():
            raise
        columns = cases["column"].astype("str").to_numpy()
        checks = cases["check"].astype("str").to_numpy()
        return pd.DataFrame(
            {
                "index": cases["index"].astype("int64").to_numpy(),
                "column": columns,
                "rule": [schemas.contract_rule(c, k) for c, k in zip(columns, checks, strict=True)],
            }
        ).drop_duplicates(["index", "column", "rule"])
    return _no_failures()


def _no_failures() -> pd.DataFrame:
    return pd.DataFrame({"index": pd.Series(dtype="int64"), "column": [], "rule": []})


def validate_rows(raw: RawTable) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply a file's row rules. Returns (typed frame indexed by line, problems frame)."""
    typed, schema, per_value = typed_values(raw)
    failures = pd.concat([_failures(schema, typed), per_value], ignore_index=True)
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
    columns = failures["column"].to_numpy()
    values = raw_values(raw_frame, lines, columns)
    if field_counts:
        for at in np.flatnonzero(~pd.Index(columns).isin(raw_frame.columns)):
            count = field_counts.get(int(lines[at]))
            if count is not None:
                values[at] = f"{count} fields"
    return pd.DataFrame(
        {
            "file": file,
            "line": lines.astype("int64"),
            "column": columns,
            "rule": failures["rule"].to_numpy(),
            "value": values,
            "message": failures["rule"].map(RULE_MESSAGES).fillna("").to_numpy(),
        }
    )


_CROSS_RULE_COLUMNS = {
    "org_in_two_systems": "system_code",
    "control_total_varies": "control_total",
    "unknown_system": "system_code",
}


def cross_row_rules(kind: Kind, frame: pd.DataFrame, known_systems: set[str] | None) -> pd.DataFrame:
    """Rules across rows of one kind (all files together): (index, column, rule) of every row involved.

    `frame` is the typed rows of every file of the kind, with a unique index; `known_systems` is the set of
    system codes (ONS and ODS) the lookup knows, or None to skip that rule (the lookup itself).
    """
    probe = frame[[c for c in frame.columns if c in kind.names]]
    checks, unique = schemas.across_rows_schemas(kind, known_systems)
    found = [_failures(checks, probe)]
    # The unique key is judged on the rows whose key occurs more than once, found by counting integer
    # codes: pandas' `duplicated` over a million string keys costs more than the rest of the load. A key
    # with a blank part is reported as `required`, never compared.
    group = schemas.group_codes(probe, kind.key)
    repeated = schemas.keyed_rows(probe, kind.key) & (np.bincount(group)[group] > 1)
    if repeated.any():
        found.append(_failures(unique, probe[repeated]))
    failures = pd.concat(found, ignore_index=True)
    failures["column"] = failures["rule"].map(_CROSS_RULE_COLUMNS).fillna(kind.key[-1])
    return failures.drop_duplicates(["index", "rule"]).reset_index(drop=True)
