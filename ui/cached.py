"""Views computed once per (data content, filters, unit, footprint): reruns that change nothing cost nothing.

The key is the dataset's content hash (sha256 of its files) plus the filters' query string, never the
frames themselves, so a changed file can never be served from a stale entry.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from analysis import views
from ui.shell import PageContext


@st.cache_data(max_entries=128, show_spinner=False)
def _view(
    name: str, content_hash: str, filters_key: str, unit: str, restate: bool, args: tuple, _ctx: PageContext
) -> Any:
    del content_hash, filters_key
    scope = views.scope(_ctx.dataset, _ctx.filters, unit, restate)
    return getattr(views, name)(scope, *args)


def view(name: str, ctx: PageContext, *args: Any) -> Any:
    """`analysis.views.<name>(scope, *args)` for this context, cached on content and filters."""
    key = json.dumps(ctx.filters.to_query_params(), sort_keys=True)
    return _view(name, ctx.dataset.content_hash, key, ctx.unit, ctx.restate, tuple(args), ctx)
