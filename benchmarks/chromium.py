"""How Playwright launches chromium here: one set of flags for the benchmarks, the load test and the
browser tests. Which chromium is `analysis.chromium.find_chromium`'s answer (``CHROMIUM_PATH``, else the
PATH); Playwright cannot download its own browsers on this machine."""

from __future__ import annotations

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",  # containers give /dev/shm 64 MB: many pages at once would run out
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
