"""Protection Streamlit's settings do not offer: a browser cannot empty the caches every user shares.

Any websocket client can send Streamlit's `clear_cache` message (the "Clear cache" menu item, hidden here by
`client.toolbarMode = "minimal"`, or a hand-made message). Streamlit 1.67 then clears the server-wide
`st.cache_data` and `st.cache_resource` and has no option to refuse it; at a million rows every session
would wait for the views to be measured again. The app's caches are keyed on content, so no user ever needs
to clear them: the message now resets only the sender's own session state.
"""

from __future__ import annotations

import logging

from streamlit.runtime.app_session import AppSession

LOG = logging.getLogger("ics_dashboard")
HANDLER = "_handle_clear_cache_request"
"""The AppSession method Streamlit 1.67 calls for a `clear_cache` message (tests check it still exists)."""


def _reset_only_the_senders_session(session: AppSession) -> None:
    """A browser's `clear_cache`: what it does to its own session, and nothing to anyone else's caches."""
    LOG.info("A browser asked to clear the shared caches; only its own session state was reset")
    session._session_state.clear()


def keep_shared_caches_from_browsers() -> None:
    """Install the handler (idempotent); log an error if Streamlit no longer has the method it replaces."""
    if getattr(AppSession, HANDLER, None) is _reset_only_the_senders_session:
        return
    if not hasattr(AppSession, HANDLER):
        LOG.error("Streamlit has no AppSession.%s: a browser may be able to clear the shared caches", HANDLER)
        return
    setattr(AppSession, HANDLER, _reset_only_the_senders_session)
