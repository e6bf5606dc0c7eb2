"""Views built in two steps (measures, then the unit) show exactly what one step showed.

The dashboard caches `analysis.views.MEASURES` without the unit, so a unit toggle re-formats cached numbers.
These tests hold that to the contract: the view from measures taken in the *other* unit is the view computed
directly, field by field, for every split view, filter set and footprint; and the Systems table's trend
icons are those of the full SPC analysis.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis import views
from analysis.dataset import load_paths
from analysis.filters import Filters, available_options, resolve
from analysis.model import Dataset
from analysis.sample import write_sample
from analysis.state import ViewState

UNITS = ("£m", "£000")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder: Path = tmp_path_factory.mktemp("sample")
    write_sample(folder, rows=6000, seed=7)
    return load_paths([folder])


def filter_sets(dataset: Dataset) -> list[Filters]:
    options = available_options(dataset)
    region_of = dict(zip(dataset.systems["system_code"], dataset.systems["region"], strict=True))
    elsewhere = next(code for code in options.systems if region_of.get(code) != options.regions[0])
    return [
        Filters(),
        Filters(regions=(options.regions[0],)),
        Filters(financial_year=options.years[0]),
        Filters(org_types=(options.org_types[0],), ratings=(options.ratings[-1],)),
        Filters(regions=(options.regions[0],), systems=(elsewhere,)),  # nothing selected: the message
    ]


def assert_same(left: object, right: object, where: str = "") -> None:
    if isinstance(left, pd.DataFrame):
        pd.testing.assert_frame_equal(left, right, check_exact=True, obj=where)
    elif isinstance(left, pd.Series):
        pd.testing.assert_series_equal(left, right, check_exact=True, obj=where)
    elif isinstance(left, go.Figure):
        assert left.to_json() == right.to_json(), where
    elif dataclasses.is_dataclass(left) and not isinstance(left, type):
        assert type(left) is type(right), where
        for field in dataclasses.fields(left):
            assert_same(getattr(left, field.name), getattr(right, field.name), f"{where}.{field.name}")
    elif isinstance(left, tuple | list):
        assert len(left) == len(right), where
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert left == right, where


@pytest.mark.parametrize("restate", [False, True])
@pytest.mark.parametrize("view", list(views.MEASURES), ids=lambda view: view.__name__)
def test_a_view_from_measures_in_the_other_unit_is_the_view(dataset: Dataset, view, restate: bool):
    name = view.__name__
    for chosen in filter_sets(dataset):
        filters = resolve(chosen, dataset)
        focus = None
        if view is views.system_detail:
            summary = views.system_summary(views.scope(dataset, ViewState(filters, "£m", restate)))
            focus = str(summary["system_code"].iloc[0]) if len(summary) else "E54000999"
        for unit, other in (UNITS, UNITS[::-1]):
            shown = views.scope(dataset, ViewState(filters, unit, restate, focus))
            measured = views.MEASURES[view](views.scope(dataset, ViewState(filters, other, restate, focus)))
            direct = view(shown)
            reused = view(shown, measured=measured)
            assert_same(direct, reused, f"{name}({chosen}, {unit}, restate={restate})")


def test_systems_trend_icons_are_the_full_spc_analysis(dataset: Dataset) -> None:
    for chosen in filter_sets(dataset):
        s = views.scope(dataset, ViewState(resolve(chosen, dataset), "£m"))
        codes = views.system_summary(s)["system_code"].tolist()
        full = {code: result.variation for code, result in views.system_variation(s, codes).items()}
        assert views.system_trends(s, codes) == full


def test_one_systems_monthly_variance_is_the_same_alone(dataset: Dataset) -> None:
    s = views.scope(dataset, ViewState(resolve(Filters(), dataset), "£m"))
    every = views.monthly_variance_by_system(s)
    assert every, "the sample has reported months"
    for code, series in list(every.items())[:5]:
        alone = views.monthly_variance_by_system(s, [code])
        assert list(alone) == [code]
        pd.testing.assert_series_equal(alone[code], series, check_exact=True)
