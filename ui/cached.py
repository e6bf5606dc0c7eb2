"""Views computed once per (data content, filters, unit, footprint): reruns that change nothing cost nothing.

The key is the dataset's content hash (sha256 of its files) plus the filters' query string, never the
frames themselves, so a changed file can never be served from a stale entry.

Views with a measuring step (``analysis.views.MEASURES``) are cached in two layers: the measures keyed
without the unit, and the view in the unit on top of them. Toggling £m/£000 re-formats cached numbers and
measures nothing again. The filter widgets' options and the restated (today's footprints) dataset are
cached on the content hash alone: they do not change with the filters.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from analysis import views
from analysis.filters import Options, available_options
from analysis.formatting import Unit
from analysis.model import Dataset
from ui.shell import PageContext


@st.cache_resource(max_entries=2, show_spinner=False)
def _restated(content_hash: str, _dataset: Dataset) -> Dataset:
    """The dataset restated on today's footprints, once per content (a million rows are not copied per view).

    A resource, not data: shared read-only like the loaded dataset itself, never pickled per rerun.
    """
    del content_hash
    return views.restated(_dataset)


def _scope(ctx: PageContext, unit: Unit, restate: bool) -> views.Scope:
    dataset = _restated(ctx.dataset.content_hash, ctx.dataset) if restate else ctx.dataset
    return views.Scope(dataset, ctx.filters, unit, restate)


@st.cache_data(max_entries=128, show_spinner=False)
def _measured(name: str, content_hash: str, filters_key: str, restate: bool, args: tuple, _ctx: PageContext):
    """`analysis.views.MEASURES[name]`: the numbers of a view, in no unit."""
    del content_hash, filters_key
    # The measures read no unit; "£000" is passed only because a scope carries one.
    return views.MEASURES[name](_scope(_ctx, "£000", restate), *args)


@st.cache_data(max_entries=128, show_spinner=False)
def _view(
    name: str, content_hash: str, filters_key: str, unit: str, restate: bool, args: tuple, _ctx: PageContext
) -> Any:
    scope = _scope(_ctx, unit, restate)
    if name in views.MEASURES:
        measured = _measured(name, content_hash, filters_key, restate, args, _ctx)
        return _as_a_hit_returns_it(getattr(views, name)(scope, *args, measured=measured))
    return _as_a_hit_returns_it(getattr(views, name)(scope, *args))


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


def view(name: str, ctx: PageContext, *args: Any) -> Any:
    """`analysis.views.<name>(scope, *args)` for this context, cached on content and filters."""
    key = json.dumps(ctx.filters.to_query_params(), sort_keys=True)
    return _view(name, ctx.dataset.content_hash, key, ctx.unit, ctx.restate, tuple(args), ctx)


@st.cache_data(max_entries=8, show_spinner=False)
def _options(content_hash: str, _dataset: Dataset) -> Options:
    del content_hash
    return available_options(_dataset)


def options(dataset: Dataset) -> Options:
    """What the filter widgets offer for this dataset (computed once per content, not on every rerun)."""
    return _options(dataset.content_hash, dataset)
