"""The pandera models declare the data contract: each rejects what the contract rejects, under the
contract's rule name, and the validation report carries that name."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest
from conftest import ct_row, ct_text, default_ct_rows, load_texts, problem_set

from analysis import schemas
from analysis.contract import CONTROL_TOTALS, KINDS, ORG_TYPES, RATINGS
from analysis.reading import read_bytes
from analysis.validation import typed_values

NAME = "control_totals.csv"


def typed_control_totals() -> pd.DataFrame:
    """The default rows (all valid), typed as validation types them."""
    return typed_values(read_bytes(ct_text().encode(), NAME)).typed


def rules_broken(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> set[tuple[int, str, str]]:
    """(line, column, contract rule) of every failure of `schema` on `frame`."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        return {
            (int(line), str(column), schemas.contract_rule(str(column), str(check)))
            for line, column, check in zip(cases["index"], cases["column"], cases["check"], strict=True)
        }
    return set()


ROWS = schemas.row_schema(CONTROL_TOTALS)


def test_valid_rows_pass_every_model():
    assert rules_broken(ROWS, typed_control_totals()) == set()


@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        ("month", 13, "month_out_of_range"),
        ("month", 0, "month_out_of_range"),
        ("org_type", "hospital", "unknown_org_type"),
        ("org_code", "RX12", "bad_org_code"),
        ("system_code", "E5400008", "bad_system_code"),
        ("system_code", "QYG1", "bad_system_code"),
        ("plan_expenditure", -1.0, "negative"),
        ("actual_income", -0.5, "negative"),
    ],
)
def test_row_model_rejects_under_the_contract_rule(column, value, rule):
    frame = typed_control_totals()
    frame.loc[3, column] = value
    assert rules_broken(ROWS, frame) == {(3, column, rule)}


def test_row_model_declares_dtypes_allowed_values_ranges_and_formats():
    columns = ROWS.columns
    assert str(columns["month"].dtype) == "Int64"
    assert str(columns["plan_income"].dtype) == "float64"
    assert str(columns["control_total_accepted"].dtype) == "boolean"
    checks = {name: [check.name for check in column.checks] for name, column in columns.items()}
    assert checks["month"] == ["in_range"]
    assert checks["org_type"] == ["isin"] and set(
        columns["org_type"].checks[0].statistics["allowed_values"]
    ) == set(ORG_TYPES)
    assert checks["org_code"] == checks["system_code"] == ["str_matches"]
    assert all(checks[c] == ["negative", "implausible"] for c in ("plan_income", "actual_expenditure"))
    # a deficit is negative; every amount must be finite and within the plausible bound
    assert checks["control_total"] == checks["forecast_outturn"] == ["implausible"]
    ratings = schemas.ProgressRatingsRows.to_schema().columns["overall_rating"].checks[0]
    assert set(ratings.statistics["allowed_values"]) == set(RATINGS)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_every_kind_declares_its_contract_key_unique(kind):
    checks, unique = schemas.across_rows_schemas(kind, None)
    assert tuple(unique.unique) == kind.key
    assert checks.unique is None
    # The model itself keeps its declaration: splitting it never changes pandera's cached schema.
    assert tuple(schemas.ACROSS_ROWS_MODELS[kind.name].to_schema().unique) == kind.key


def test_across_rows_model_rejects_a_duplicate_key_every_copy():
    frame = typed_control_totals().reset_index(drop=True)
    frame = pd.concat([frame, frame.iloc[[1]]], ignore_index=True)
    _, unique = schemas.across_rows_schemas(CONTROL_TOTALS, None)
    assert {(line, rule) for line, _, rule in rules_broken(unique, frame)} == {
        (1, "duplicate_key"),
        (6, "duplicate_key"),
    }


def test_across_rows_model_checks_systems_and_control_totals_per_org_year():
    frame = typed_control_totals().reset_index(drop=True)  # in key order: 15M months 1-3, then RX1
    assert list(frame["org_code"]) == ["15M"] * 3 + ["RX1"] * 3
    frame.loc[4, "system_code"] = "E54000007"  # RX1 month 2 in 15M's system
    frame.loc[1, "control_total"] = -60.0  # 15M month 2: another control total
    checks, _ = schemas.across_rows_schemas(CONTROL_TOTALS, {"E54000008"})
    broken = {(line, rule) for line, _, rule in rules_broken(checks, frame)}
    assert {line for line, rule in broken if rule == "org_in_two_systems"} == {3, 4, 5}
    assert {line for line, rule in broken if rule == "control_total_varies"} == {0, 1, 2}
    # Only E54000008 is known here: every row of another system is unknown.
    unknown = set(frame.index[frame["system_code"] != "E54000008"])
    assert {line for line, rule in broken if rule == "unknown_system"} == unknown


def test_declared_rules_reach_the_report_with_the_contract_names():
    rows = [
        *default_ct_rows(),
        ct_row(org_code="Z01", month="13"),  # line 8
        ct_row(org_code="Z02", org_type="hospital"),  # line 9
    ]
    rows.append(dict(rows[0]))  # line 10 repeats line 2
    dataset = load_texts({NAME: ct_text(rows)})
    assert problem_set(dataset, NAME) == {
        (8, "month", "month_out_of_range"),
        (9, "org_type", "unknown_org_type"),
        (2, "org_code", "duplicate_key"),
        (10, "org_code", "duplicate_key"),
    }
