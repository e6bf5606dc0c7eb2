"""Views computed once per (data content, view state): reruns that change nothing cost nothing.

The key is the dataset's content hash (sha256 of its files) plus the view state's key (its link's query,
:meth:`analysis.state.ViewState.cache_key`), never the frames themselves, so a changed file can never be
served from a stale entry.

Views with a measuring step (``analysis.views.MEASURES``) are cached in two layers: the measures keyed
without the unit, and the view in the unit on top of them. Toggling £m/£000 re-formats cached numbers and
measures nothing again. The filter widgets' options and the restated (today's footprints) dataset are
cached on the content hash alone: they do not change with the filters.

Nothing here imports another ``ui`` module: pages and the page context call in, never the other way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

import plotly.graph_objects as go
import streamlit as st

from analysis import views
from analysis.filters import Options, available_options
from analysis.model import Dataset
from analysis.state import ViewState

View = TypeVar("View")
MEASURED_UNIT = "£000"
"""The unit a measuring step's scope carries: it reads none, so its cache key holds this one unit."""


@st.cache_resource(max_entries=2, show_spinner=False)
def _restated(content_hash: str, _dataset: Dataset) -> Dataset:
    """The dataset restated on today's footprints, once per content (a million rows are not copied per view).

    A resource, not data: shared read-only like the loaded dataset itself, never pickled per rerun.
    """
    del content_hash
    return views.restated(_dataset)


def _scope(dataset: Dataset, state: ViewState) -> views.Scope:
    footprint = _restated(dataset.content_hash, dataset) if state.restate else dataset
    return views.Scope(footprint, state)


def name_of(view: Callable[..., Any]) -> str:
    """A view function's cache name: module and qualified name (a function is not hashed by value)."""
    return f"{view.__module__}.{view.__qualname__}"


@st.cache_data(max_entries=128, show_spinner=False)
def _measured(
    name: str, content_hash: str, state_key: str, _function: Callable, _dataset: Dataset, _state: ViewState
):
    """``analysis.views.MEASURES[view]``: the numbers of a view, in no unit (the state's unit is £000)."""
    del name, content_hash, state_key
    return views.MEASURES[_function](_scope(_dataset, _state))


@st.cache_data(max_entries=128, show_spinner=False)
def _view(
    name: str, content_hash: str, state_key: str, _function: Callable, _dataset: Dataset, _state: ViewState
):
    del name
    scope = _scope(_dataset, _state)
    if _function in views.MEASURES:
        unitless = dataclasses.replace(_state, unit=MEASURED_UNIT)
        key = unitless.cache_key()
        measured = _measured(name_of(_function), content_hash, key, _function, _dataset, unitless)
        return _as_a_hit_returns_it(_function(scope, measured=measured))
    return _as_a_hit_returns_it(_function(scope))


def _as_a_hit_returns_it(value: Any) -> Any:
    """The view with each figure rebuilt from its dict, as unpickling a cached copy rebuilds it.

    A chart's widget id hashes the figure's JSON, whose key order differs between a freshly built figure
    and a cached copy; if the run that computed a view drew the fresh one, the first click after a cache
    miss would be lost (the id changes on the click's rerun, which reads the cached copy). Done here, once
    per cache miss, instead of on every rerun of every chart.
    """
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    rebuilt = {
        field.name: go.Figure(figure.to_dict())
        for field in dataclasses.fields(value)
        if isinstance(figure := getattr(value, field.name), go.Figure)
    }
    return dataclasses.replace(value, **rebuilt) if rebuilt else value


def view(view: Callable[[views.Scope], View], dataset: Dataset, state: ViewState) -> View:
    """``view(scope)`` (an ``analysis.views`` function) of this data and view, cached on content and state.

    Args:
        view: The view function itself, e.g. ``analysis.views.systems``.
        dataset: The dataset in use (restated here, once per content, when the state asks for it).
        state: The resolved view state; its focus is the system a detail view shows.
    """
    return _view(name_of(view), dataset.content_hash, state.cache_key(), view, dataset, state)


@st.cache_data(max_entries=8, show_spinner=False)
def _options(content_hash: str, _dataset: Dataset) -> Options:
    del content_hash
    return available_options(_dataset)


def options(dataset: Dataset) -> Options:
    """What the filter widgets offer for this dataset (computed once per content, not on every rerun)."""
    return _options(dataset.content_hash, dataset)
