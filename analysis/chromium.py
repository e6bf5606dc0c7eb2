"""Where Chromium is: one locator for the board pack's PDF, the browser tests and the benchmarks.

``CHROMIUM_PATH`` names the executable (a path, or a name looked up on the PATH). Unset, the first of the
usual Chromium and Chrome names found on the PATH is used; on Debian that is /usr/bin/chromium, which
`make browser` installs. A ``CHROMIUM_PATH`` that is not an executable file means "no browser": a typo is
reported, not quietly replaced by another browser.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Final

CHROMIUM_ENV: Final = "CHROMIUM_PATH"
"""The one environment variable that says where Chromium is."""

CHROMIUM_NAMES: Final = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
"""Executable names tried on the PATH, in this order, when ``CHROMIUM_PATH`` is not set."""


def find_chromium() -> str | None:
    """The Chromium (or Chrome) executable to run, or None when this machine has none."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        path = shutil.which(configured) or configured
        return path if Path(path).is_file() and os.access(path, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None
