"""One script run of the app: timed for the load test when asked, and never ending in a traceback."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from ui import context

LOG = logging.getLogger("ics_dashboard")

RUN_TIMES = os.environ.get("ICS_RUN_TIMES")
"""A file to which each script run appends its page, wall and CPU seconds (tab-separated), for the load
test to report what the server itself spent; unset (the default), nothing is timed or written."""


@contextmanager
def timed_run(page: str) -> Iterator[None]:
    """Time one script run for ``ICS_RUN_TIMES``: wall seconds, and this thread's CPU seconds (the work
    done, without the time spent waiting for a core)."""
    if not RUN_TIMES:
        yield
        return
    wall, cpu, outcome = time.perf_counter(), time.thread_time(), "done"
    try:
        yield
    except BaseException as exc:  # st.stop, st.rerun and st.switch_page end a run by raising
        outcome = type(exc).__name__
        raise
    finally:
        line = f"{time.time():.3f}\t{page or 'overview'}\t{time.perf_counter() - wall:.4f}"
        line += f"\t{time.thread_time() - cpu:.4f}\t{outcome}\n"
        with open(RUN_TIMES, "a", encoding="utf-8") as log:
            log.write(line)


def guarded(run: Callable[[], None]) -> None:
    """Run a page; any unexpected error becomes a plain message (details go to the server log).

    The context is dropped after the page, so a page script run without app.py (Streamlit's legacy
    pages/ mode) never finds last run's context and is sent through app.py instead.
    """
    try:
        run()
    except Exception:
        LOG.exception("page failed")
        st.error(
            "This view could not be drawn for the current selection. Your data and filters are unchanged: "
            "try another selection, press Reset filters, or check the Data page.",
            icon=":material/error:",
        )
    finally:
        context.forget()
