"""Streamlit's `clear_cache` message, which any websocket client can send, must not empty every user's caches.

Streamlit 1.67 clears the server-wide `st.cache_data` and `st.cache_resource` for it, with no setting to
refuse it (`client.toolbarMode = "minimal"` only hides the menu item). At a million rows that forced every
session to wait for a 1.2 s, 1.2 GB re-read. The app replaces the handler so it resets only the sender's own
session state, and the data folder's read in use is held outside Streamlit's caches, so even a cleared
cache costs no re-read.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import streamlit as st
from streamlit.runtime.app_session import AppSession
from streamlit.testing.v1 import AppTest

from ui import data as ui_data

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")

pytestmark = pytest.mark.usefixtures("served_like_a_session")


def open_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric
    return at


def test_a_clear_cache_message_leaves_the_shared_caches_alone(folder: Path) -> None:
    open_app()  # the app installs its handler as it starts
    calls: list[int] = []

    @st.cache_resource
    def shared(value: int) -> int:
        calls.append(value)
        return value

    shared(1)
    sender_state = SimpleNamespace(cleared=False)
    sender = SimpleNamespace(
        _session_state=SimpleNamespace(clear=lambda: setattr(sender_state, "cleared", True))
    )
    AppSession._handle_clear_cache_request(sender)  # what `handle_backmsg` calls for a "clear_cache"
    shared(1)
    assert calls == [1], "the shared cache kept its entry"
    assert sender_state.cleared, "the sender's own session state is reset, as Streamlit does"


def test_a_cleared_cache_does_not_read_the_folder_again(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the caches be emptied anyway (a Streamlit upgrade, an operator), the read in use is kept."""
    monkeypatch.setattr(ui_data, "RACY_SECONDS", -1.0)  # no content hash: the signature stays as it is
    at = open_app()
    before = {m.label: m.value for m in at.metric}
    monkeypatch.setattr(ui_data, "load_paths", lambda paths: pytest.fail(f"{paths} read again"))
    st.cache_data.clear()
    st.cache_resource.clear()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric} == before


def test_streamlit_still_sends_clear_cache_to_the_replaced_handler() -> None:
    """A Streamlit upgrade that renames the handler would let the message through again: fail here first."""
    import inspect

    from ui import server_guard

    assert f"self.{server_guard.HANDLER}()" in inspect.getsource(AppSession.handle_backmsg)
