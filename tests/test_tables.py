"""Column kinds: views mark what their columns hold, and the marks survive the way to the screen and files.

Money and percentage columns are known from the marks (:mod:`analysis.tables`), never from header text; these
tests hold every table a view returns to declaring its money columns, and check that the marks survive the
operations pages, caches and exports apply between a view and its rendering.
"""

from __future__ import annotations

import dataclasses
import pickle

import pandas as pd
import pytest
from analysis_frames import S1, S2, ct_frame, make_dataset, org_rows, systems_frame

from analysis import formatting, tables, views
from analysis.filters import Filters, resolve
from analysis.state import ViewState


@pytest.fixture(scope="module")
def scope() -> views.Scope:
    rows = org_rows("R01", S1, actuals={m: (100.0, 103.0) for m in range(1, 7)}, control_total=-5.0)
    rows += org_rows("R02", S2, actuals={m: (90.0, 95.0) for m in range(1, 7)})
    dataset = make_dataset(
        ct_frame(rows),
        systems_frame(
            [
                {"system_code": S1, "system_name": "System One", "region": "North"},
                {"system_code": S2, "system_name": "System Two", "region": "South"},
            ]
        ),
    )
    return views.scope(dataset, ViewState(resolve(Filters(), dataset), "£m"))


def marked_frame() -> pd.DataFrame:
    frame = pd.DataFrame({"Name": ["a", "b"], "Net": [1.5, -2.0], "Share": [10.0, 20.0], "N": [1, 2]})
    return tables.mark(frame, money=["Net"], percent=["Share"], count=["N"], text=["Name"])


def test_marks_say_each_columns_kind_and_unmarked_columns_follow_their_dtype():
    frame = marked_frame().assign(Other=[0.5, 0.25], Words=["x", "y"], Flag=[True, False])
    assert tables.kinds(frame) == {
        "Name": "text",
        "Net": "money",
        "Share": "percent",
        "N": "count",
        "Other": "number",
        "Words": "text",
        "Flag": "text",
    }
    assert tables.columns_of(frame, "money") == ["Net"]
    assert tables.marked(frame) == {"Name": "text", "Net": "money", "Share": "percent", "N": "count"}


def test_marking_leaves_the_given_table_alone_and_names_must_exist():
    plain = pd.DataFrame({"Net": [1.0]})
    marked = tables.mark(plain, money=["Net"])
    assert tables.marked(plain) == {}
    assert tables.marked(marked) == {"Net": "money"}
    with pytest.raises(KeyError, match="Missing"):
        tables.mark(plain, money=["Missing"])


@pytest.mark.parametrize(
    "operation",
    [
        pytest.param(lambda f: f[["Net", "Name"]], id="column choice"),
        pytest.param(lambda f: f.loc[f["Net"] > 0], id="loc filter"),
        pytest.param(lambda f: f.iloc[[1]], id="iloc"),
        pytest.param(lambda f: f.sort_values("Net").reset_index(drop=True), id="sort"),
        pytest.param(lambda f: f.assign(Extra=1), id="assign"),
        pytest.param(lambda f: f.copy().round(1), id="copy and round"),
        pytest.param(lambda f: pickle.loads(pickle.dumps(f)), id="pickle (st.cache_data)"),
        pytest.param(lambda f: tables.rename(f, {"Net": "Net (£m)"}), id="tables.rename"),
        pytest.param(
            lambda f: tables.concat([f, pd.DataFrame({"Name": ["Total"], "Net": [-0.5]})], ignore_index=True),
            id="tables.concat of a plain total row",
        ),
    ],
)
def test_marks_survive_the_operations_between_view_and_rendering(operation):
    after = operation(marked_frame())
    kinds = tables.kinds(after)
    money = [c for c in after.columns if kinds[c] == "money"]
    assert len(money) == 1 and money[0].startswith("Net")
    if "Share" in after.columns:
        assert kinds["Share"] == "percent"


def test_plain_rename_and_concat_lose_marks_which_is_why_tables_has_its_own():
    renamed = marked_frame().rename(columns={"Net": "Net (£m)"})
    assert tables.kinds(renamed)["Net (£m)"] == "number"
    joined = pd.concat([marked_frame(), pd.DataFrame({"Name": ["Total"], "Net": [-0.5]})])
    assert tables.marked(joined) == {}


def every_view_table(s: views.Scope) -> dict[str, pd.DataFrame]:
    detail = views.system_detail(s.focused(S1))
    return {
        "systems": views.systems(s).table,
        "system_detail.attribution": detail.attribution,
        "ratings": views.ratings(s).table,
        "explore_rows": views.explore_rows(s),
    }


RAW_MEASURES = {"OverviewView.summary"}
"""Frames of measures in £000 a view also carries for charts and sentences; pages do not show them as money
tables, so they carry no marks."""


@pytest.mark.parametrize("unit", ["£m", "£000"])
def test_every_table_a_view_returns_declares_its_money_columns(scope, unit):
    s = dataclasses.replace(scope, state=dataclasses.replace(scope.state, unit=unit))
    for name, table in every_view_table(s).items():
        money = set(tables.columns_of(table, "money"))
        assert money, f"{name} declares no money column"
        assert money == {c for c in table.columns if str(c).endswith(f"({unit})")}, name
    assert tables.kinds(views.systems(s).table)["Variance %"] == "percent"
    assert tables.kinds(views.ratings(s).table)["Variance %"] == "percent"
    assert tables.kinds(views.systems(s).table)["Organisations"] == "count"


def test_every_table_field_of_a_view_is_marked_or_a_known_measures_frame(scope):
    built = [
        views.overview(scope),
        views.systems(scope),
        views.system_detail(scope.focused(S1)),
        views.ratings(scope),
    ]
    for view in built:
        for field in dataclasses.fields(view):
            value = getattr(view, field.name)
            if isinstance(value, pd.DataFrame) and not value.empty:
                name = f"{type(view).__name__}.{field.name}"
                assert name in RAW_MEASURES or tables.columns_of(value, "money"), name


def test_an_empty_explore_still_declares_its_money(scope):
    nothing = views.explore_rows(
        dataclasses.replace(
            scope, state=dataclasses.replace(scope.state, filters=Filters(financial_year="1999/00"))
        )
    )
    assert nothing.empty and "Plan income" in tables.columns_of(nothing, "money")


def test_streamlit_formats_come_from_the_kinds_not_the_headers():
    frame = pd.DataFrame({"Net": [1.0], "Note (£m)": ["words"], "Share": [1.0], "Variance %": [2.0]})
    frame = tables.mark(frame, money=["Net"], text=["Note (£m)"], percent=["Share"], number=["Variance %"])
    formats = formatting.table_column_formats(frame, "£m")
    assert formats == {
        "Net": formatting.number_column_config("£m"),
        "Share": {"format": formatting.PERCENT_TABLE_FORMAT},
    }
