"""Real browser tests: one `streamlit run app.py` per session, driven by Debian's chromium via Playwright.

Run with `.venv/bin/python -m pytest tests/browser -q -p no:randomly`. Every test here carries
`pytest.mark.browser` and `pytest.mark.xdist_group("browser")`, so under `--dist loadgroup` one worker runs
them all against one server.

Waiting: never a fixed sleep. Streamlit marks the app root `[data-testid='stApp']` with
`data-test-script-state` (`initial`, `running`, `notRunning`, ...). That attribute alone cannot tell "the
rerun I caused has finished" from "the rerun has not started yet": a widget change rewrites the URL at once,
while the attribute still says `notRunning` from the previous run. So each page counts finished runs (a
MutationObserver installed before any page script, `window.__stRunsFinished`), and `App.wait_for_rerun`
waits until the count passes the one read before the interaction and the app is idle again.

Screenshots (1280×800, the viewport) go to `artifacts/screenshots/<page>.png`; the server's log goes to
`artifacts/streamlit-server.log`.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from analysis.chromium import find_chromium
from benchmarks.chromium import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
SERVER_LOG = ARTIFACTS / "streamlit-server.log"

NGINX = Path(os.environ.get("NGINX", "/usr/sbin/nginx"))
"""Debian's nginx, installed by `make browser` (apt-get install nginx); ``NGINX`` overrides the path."""

VIEWPORT = {"width": 1280, "height": 800}
STARTUP_TIMEOUT_S = 60
# A busy machine (several suites sharing two cores) can stretch every wait: BROWSER_SLOWDOWN=3 triples them.
_SLOWDOWN = max(1.0, float(os.environ.get("BROWSER_SLOWDOWN", "1") or 1))
ACTION_TIMEOUT_MS = int(30_000 * _SLOWDOWN)
expect.set_options(timeout=int(15_000 * _SLOWDOWN))

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
GUARDED_ERROR = "This view could not be drawn"
"""The start of the message `ui.run.guarded` shows instead of a traceback."""

RUN_COUNTER_JS = """
(() => {
  window.__stRunsFinished = 0;
  const observer = new MutationObserver((records) => {
    // Records of one element arrive in order; each one's new value is the next one's old value.
    records.forEach((record, i) => {
      const next = records[i + 1];
      const now = next && next.target === record.target
        ? next.oldValue
        : record.target.getAttribute("data-test-script-state");
      if (now === "notRunning" && record.oldValue !== "notRunning") window.__stRunsFinished += 1;
    });
  });
  observer.observe(document, {
    subtree: true,
    attributes: true,
    attributeOldValue: true,
    attributeFilter: ["data-test-script-state"],
  });
})();
"""


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put `xdist_group` tests back in their group under pytest 9.2 (pytest-xdist issue #1386).

    `--dist loadgroup` sends a group to one worker by reading an `@<group>` suffix that each worker adds to
    the test ids. pytest-xdist 3.8 adds it by setting `item._nodeid`, which pytest 9.2 no longer reads (ids
    are structured now), so grouped tests are silently spread over workers: two servers, two browsers.
    This adds the suffix the way pytest 9.2 stores ids, only where xdist's own attempt did not take;
    remove it once pytest-xdist handles structured ids (PR #1388).
    """
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        groups = sorted(
            {
                str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                for m in item.iter_markers("xdist_group")
            }
        )
        if groups and "@" not in item.nodeid.rpartition("]")[2] and hasattr(item, "_id"):
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str, headers: Mapping[str, str] | None = None) -> bool:
    try:
        request = urllib.request.Request(url, headers=dict(headers or {}))
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _log_tail(path: Path = SERVER_LOG, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The chromium to drive, or a skip (a loud failure in CI, where `make test` installs it)."""
    found = find_chromium()
    if found is not None:
        return Path(found)
    reason = (
        "no chromium: browser tests need Debian's chromium (Playwright cannot download browsers here), or "
        "CHROMIUM_PATH naming one. `make test` installs it (`make browser`: apt-get install -y chromium)."
    )
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def nginx() -> Path:
    """Debian's nginx, for the reverse-proxy test; a skip, or a loud failure in CI like chromium's."""
    if NGINX.is_file() and os.access(NGINX, os.X_OK):
        return NGINX
    reason = (
        f"{NGINX} is missing: the reverse-proxy test needs Debian's nginx. `make test` installs it "
        "(`make browser`: apt-get install -y nginx)."
    )
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and {reason}", pytrace=False)
    pytest.skip(reason)


def wait_until_healthy(
    url: str,
    process: subprocess.Popen,
    what: str,
    log_tail: Callable[[], str],
    headers: Mapping[str, str] | None = None,
) -> None:
    """Poll `url` until it answers ``ok``; fail with the log's tail if `process` exits or time runs out."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not _healthy(url, headers):
        if process.poll() is not None:
            pytest.fail(
                f"{what} exited with code {process.returncode} before {url} was healthy:\n{log_tail()}",
                pytrace=False,
            )
        if time.monotonic() > deadline:
            pytest.fail(f"{url} was not healthy within {STARTUP_TIMEOUT_S} s:\n{log_tail()}", pytrace=False)
        time.sleep(0.2)  # polling interval, not a wait for the app


def stop(process: subprocess.Popen) -> None:
    """Ask a server we started to stop; kill it if it has not within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def streamlit_server(
    command: Sequence[str], base: str, log_path: Path, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Run a `streamlit run app.py ...` command line in the repository; yield `base` once
    `<base>/_stcore/health` answers; stop the server afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    env.pop("DATA_DIR", None)  # the tests read the bundled illustrative data
    with log_path.open("w") as log:
        server = subprocess.Popen(list(command), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:

        def tail() -> str:
            return _log_tail(log_path)

        wait_until_healthy(f"{base}/_stcore/health", server, "streamlit", tail)
        yield base
    finally:
        stop(server)


@pytest.fixture(scope="session")
def app_url(chromium: Path) -> Iterator[str]:
    """Start `streamlit run app.py` on a free loopback port; yield its base URL; stop it afterwards."""
    del chromium  # no browser, no point starting a server
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        # The code under test is what was on disk at start: no module reloads if files change mid-run.
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    with streamlit_server(command, f"http://127.0.0.1:{port}", SERVER_LOG) as base:
        yield base


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(chromium: Path, playwright_driver: Playwright) -> Iterator[Browser]:
    browser = playwright_driver.chromium.launch(
        executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


class App:
    """One browser tab on the dashboard, with waits that follow Streamlit's script runs."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    # Navigation and waiting -------------------------------------------------------------------------

    def open(self, path: str = "", query: str = "") -> App:
        """Open a page by URL path (``""`` is the Overview) and wait until its script has run."""
        url = f"{self.base_url}/{path}{'?' + query if query else ''}"
        self.page.goto(url)
        self.wait_for_idle()
        return self

    def wait_for_idle(self) -> None:
        """Connected, no script running (`initial` never matches), and every element drawn: widgets whose
        code loads lazily (plotly, multiselect, dataframe) show an `stSkeleton` until it arrives, after the
        run has finished."""
        self.page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
        self.page.wait_for_selector(IDLE)
        expect(self.title).to_be_visible()
        expect(self.page.get_by_test_id("stSkeleton")).to_have_count(0)

    def runs_finished(self) -> int:
        return self.page.evaluate("() => window.__stRunsFinished")

    def wait_for_rerun(self, runs_before: int) -> None:
        """Wait until a script run that finished after `runs_before` was read has left the app idle."""
        self.page.wait_for_function(
            """(before) => window.__stRunsFinished > before && document.querySelector(
                   "[data-testid='stApp']")?.getAttribute("data-test-script-state") === "notRunning"
            """,
            arg=runs_before,
        )

    def wait_for_charts(self) -> None:
        """Every plotly chart on the page has drawn its title (plotly renders after the script run)."""
        charts = self.page.locator("[data-testid='stPlotlyChart']")
        for i in range(charts.count()):
            expect(charts.nth(i).locator(".gtitle")).to_have_count(1)

    # Reading the page -------------------------------------------------------------------------------

    @property
    def title(self):
        return self.page.get_by_test_id("stMain").locator("h1").first

    @property
    def sidebar(self):
        return self.page.get_by_test_id("stSidebar")

    def caption(self) -> str:
        """The line under the page title: the filters in force and the data source."""
        return self.page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first.inner_text()

    def chart(self, index: int = 0):
        return self.page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").nth(index)

    def chart_layout(self, index: int = 0) -> dict:
        """Title, subtitle and axis titles of a plotly chart, read from the plotly div's own layout."""
        return self.chart(index).evaluate(
            """(gd) => ({
                title: gd.layout.title?.text ?? null,
                subtitle: gd.layout.title?.subtitle?.text ?? null,
                xaxis: gd.layout.xaxis?.title?.text ?? null,
                yaxis: gd.layout.yaxis?.title?.text ?? null,
            })"""
        )

    def chart_title(self, index: int = 0) -> str:
        return self.chart_layout(index)["title"]

    def wait_for_chart_change(self, old: dict, index: int = 0) -> dict:
        """Plotly redraws after the run that changed it: wait until the chart's title or subtitle differs
        from `old` (a `chart_layout()`), and return the new layout."""
        self.page.wait_for_function(
            """([index, old]) => {
                const gd = document.querySelectorAll("[data-testid='stPlotlyChart'] .js-plotly-plot")[index];
                const title = gd?.layout?.title;
                return title !== undefined
                    && (title.text !== old.title || (title.subtitle?.text ?? null) !== old.subtitle);
            }""",
            arg=[index, old],
        )
        return self.chart_layout(index)

    def metrics(self) -> list[str]:
        return self.page.get_by_test_id("stMetricValue").all_inner_texts()

    @staticmethod
    def server_errors() -> str:
        """The server log's exception lines so far (what the app logged instead of showing a traceback)."""
        try:
            lines = SERVER_LOG.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(line for line in lines if re.search(r"(Error|Exception)\b.*:|page failed", line))

    def assert_no_errors(self) -> None:
        """No Streamlit exception element, and not the shell's 'could not be drawn' message either."""
        expect(self.page.get_by_test_id("stException")).to_have_count(0)
        expect(self.page.get_by_text(GUARDED_ERROR)).to_have_count(0)

    # Acting -----------------------------------------------------------------------------------------

    def choose_in_selectbox(self, label: str, option: str) -> None:
        """Pick `option` in the sidebar selectbox labelled `label`, and wait for the rerun."""
        before = self.runs_finished()
        box = self.sidebar.get_by_test_id("stSelectbox").filter(has_text=label)
        box.locator("input").click()
        self.page.get_by_role("option", name=option, exact=True).click()
        self.wait_for_rerun(before)

    def choose_radio(self, label: str, option: str) -> None:
        before = self.runs_finished()
        group = self.sidebar.get_by_test_id("stRadio").filter(has_text=label)
        group.get_by_text(option, exact=True).click()
        self.wait_for_rerun(before)

    def screenshot(self, name: str) -> Path:
        """The viewport (1280×800) as artifacts/screenshots/<name>.png, charts drawn."""
        self.wait_for_charts()
        self.page.mouse.move(0, 0)  # no hover label or tooltip in the picture
        self.page.wait_for_timeout(300)  # settle: plotly's transitions after its last redraw
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


def new_context(browser: Browser) -> BrowserContext:
    """A fresh browser context (no cookies, no storage: a different person opening a link)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.add_init_script(RUN_COUNTER_JS)
    return context


@pytest.fixture
def context(browser: Browser, app_url: str) -> Iterator[BrowserContext]:
    del app_url  # started before the first page opens
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture
def app(context: BrowserContext, app_url: str) -> App:
    return App(context.new_page(), app_url)


@pytest.fixture
def fresh_app(browser: Browser, app_url: str) -> Iterator[App]:
    """A second, unrelated browser context, for opening a copied link."""
    context = new_context(browser)
    yield App(context.new_page(), app_url)
    context.close()
