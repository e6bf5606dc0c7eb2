"""Cold start: `streamlit run app.py` until the Overview has rendered in headless chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from analysis.chromium import find_chromium
from benchmarks import ROOT
from benchmarks.chromium import CHROMIUM_ARGS

OVERVIEW_TITLE = "Where the money stands against plan"
"""Text the Overview shows once drawn: the page has rendered when it is visible."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _vm_hwm(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def cold_start(folder: Path, timeout: float = 900.0) -> dict:
    """Seconds from `streamlit run` until the Overview has rendered, and the server's peak memory."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = {**os.environ, "DATA_DIR": str(folder)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        start = time.perf_counter()
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            url = f"http://127.0.0.1:{port}"
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"streamlit exited: {server.stderr.read().decode()[-2000:]}")
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.perf_counter() - start > timeout:
                    raise TimeoutError("the server never became healthy")
                time.sleep(0.05)
            healthy = time.perf_counter() - start
            page.goto(url, timeout=timeout * 1000)
            page.get_by_text(OVERVIEW_TITLE).first.wait_for(state="visible", timeout=timeout * 1000)
            page.wait_for_selector(
                "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout * 1000
            )
            rendered = time.perf_counter() - start
            exceptions = page.locator("[data-testid='stException']").count()
            return {
                "seconds": rendered,
                "healthy_seconds": healthy,
                "server_peak_rss": _vm_hwm(server.pid),
                "exceptions": exceptions,
            }
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            browser.close()
