"""Debian's chromium as Playwright launches it here: one path and one set of flags for the benchmarks, the
load test and the browser tests (Playwright cannot download its own browsers on this machine)."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
"""Installed by `make browser` (apt-get install chromium); ``CHROMIUM`` overrides the path."""

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",  # containers give /dev/shm 64 MB: many pages at once would run out
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
