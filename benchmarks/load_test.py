"""Loopback load test: many browser sessions changing filters and switching pages at once.

Starts the dashboard on 127.0.0.1 (a free port), then runs N concurrent Playwright browser contexts in
Debian's chromium for a bounded time. Each session opens the Overview, then loops: switch to another page,
toggle the unit, or open a shared link (a new session, as a colleague would), and records how long each
step took and whether an exception element appeared.

    .venv/bin/python benchmarks/load_test.py --sessions 20 --minutes 3

What is measured, so the figures can be trusted:

- A step ends when the app has finished the rerun it caused, as the server says on the websocket (a
  `script_finished` message, not one ending a run early for another), and the page has its title. The
  page's "script state" attribute is not enough: after a click it still says "not running" until the
  click reaches the server, and a fast run can start and end within one browser frame. Every click
  changes something (another page, the other unit), so a rerun always follows.
- A step that takes longer than --step-timeout counts as timed out, and in the percentiles as longer than
  the timeout (left out, it would flatter them). The session then reloads the Overview and carries on.
- The server itself reports each script run's wall time and its thread's CPU time (``ICS_RUN_TIMES``, see
  ui/run.py), and the server's and the whole machine's CPU time are read from /proc before and after.
  With the browsers on the same cores as the server, a step's latency is mostly waiting for a core; the
  server's CPU share and its own run times say how much of it is the app.

Traffic goes only to 127.0.0.1; the run stops by itself after --minutes (and each step has a timeout).
Prints a summary and writes benchmarks/load_results.md.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.chromium import find_chromium  # noqa: E402
from benchmarks.chromium import CHROMIUM_ARGS  # noqa: E402

PAGES = {  # sidebar title -> URL path
    "Overview": "",
    "Systems": "systems",
    "System detail": "system",
    "Ratings and money": "ratings",
    "Explore": "explore",
    "Data": "data",
}
UNITS = ("£m", "£000")
RAMP_UP_SECONDS = 3.0
RESULTS = ROOT / "benchmarks" / "load_results.md"

SMALL_FRAME = 512
"""Bytes: a script_finished message is a few dozen; larger frames (tables, charts) are not parsed."""


@dataclass
class Stats:
    """What the sessions measured: every step's time, and the failures."""

    steps: list[tuple[str, float]] = field(default_factory=list)
    """(kind, seconds) of every step; math.inf for a step that timed out."""
    errors: list[str] = field(default_factory=list)
    """What went wrong in a step, or in a session that ended early."""
    timeouts: int = 0
    ended_early: int = 0
    exceptions: int = 0


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (Linux /proc)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (and its reaped children), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, over every core."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal (guest is within user)
    idle = values[3] + values[4]
    tick = os.sysconf("SC_CLK_TCK")
    return (total - idle) / tick, total / tick


def machine() -> str:
    """This machine in words (processor, cores, memory), for the report."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return f"{len(os.sched_getaffinity(0))} cores ({cpu}), {mem_kb / 1024 / 1024:.1f} GiB memory"


def start_server(port: int, data_dir: str | None, run_times: str | None = None) -> subprocess.Popen:
    """Start `streamlit run app.py` on loopback and wait until it answers its health check."""
    env = dict(os.environ)
    if data_dir:
        env["DATA_DIR"] = data_dir
    if run_times:
        env["ICS_RUN_TIMES"] = run_times
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("the dashboard did not start within 60 s")


class Session:
    """One user: opens the Overview, then switches pages, toggles the unit and opens shared links."""

    def __init__(self, browser, base: str, stats: Stats, seed: int, step_timeout: float) -> None:
        self.browser, self.base, self.stats = browser, base, stats
        self.rng = random.Random(seed)
        self.seed = seed
        self.timeout = step_timeout
        self.timeout_ms = step_timeout * 1000
        self.current = "Overview"
        self.unit = UNITS[0]
        self.runs_finished = 0

    def on_frame(self, payload: bytes | str) -> None:
        """Count the script runs the server reports finished on this tab's websocket."""
        if isinstance(payload, str) or len(payload) > SMALL_FRAME:
            return
        try:
            message = ForwardMsg.FromString(payload)
        except Exception:  # not a ForwardMsg: nothing to count
            return
        if (
            message.WhichOneof("type") == "script_finished"
            and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
        ):
            self.runs_finished += 1

    async def run_finished(self, mark: int) -> None:
        """Wait until the server reports a rerun finished after `mark`."""
        while self.runs_finished <= mark:
            await asyncio.sleep(0.02)

    async def run(self, until: float, ramp: float) -> None:
        """One person's session: open pages and change filters until `until`."""
        await asyncio.sleep(self.seed * ramp)  # people arrive over a minute, not in the same instant
        context = await self.browser.new_context(viewport={"width": 1280, "height": 800})
        page = await context.new_page()
        page.set_default_timeout(self.timeout_ms)
        page.on("websocket", lambda ws: ws.on("framereceived", self.on_frame))
        try:
            await self.step(page, "open", self.open(page, "", ""))
            while time.monotonic() < until:
                action = self.rng.choice(["page", "page", "page", "unit", "unit", "link"])
                if action == "page":
                    title = self.rng.choice([t for t in PAGES if t != self.current])
                    link = page.locator("[data-testid='stSidebarNav'] a", has_text=title).first
                    ok = await self.step(page, "page", self.click(page, link))
                    self.current = title if ok else self.current
                elif action == "unit":
                    other = UNITS[1 - UNITS.index(self.unit)]
                    label = page.locator("[data-testid='stSidebar'] label", has_text=other).first
                    ok = await self.step(page, "unit", self.click(page, label))
                    self.unit = other if ok else self.unit
                else:
                    title = self.rng.choice(list(PAGES))
                    year = self.rng.choice(["2017%2F18", "2018%2F19"])
                    ok = await self.step(page, "link", self.open(page, PAGES[title], f"?year={year}"))
                    self.current, self.unit = (title, UNITS[0]) if ok else (self.current, self.unit)
                if not ok:  # start again from a known state, as a person would reload
                    await self.step(page, "reload", self.open(page, "", ""), count=False)
                    self.current, self.unit = "Overview", UNITS[0]
                await asyncio.sleep(self.rng.uniform(0.5, 1.5))
        except Exception as exc:  # a failed session is counted, not fatal to the run
            self.stats.errors.append(f"session {self.seed}: {type(exc).__name__}: {exc}"[:200])
            self.stats.ended_early += 1
        finally:
            await context.close()

    async def open(self, page, path: str, query: str) -> None:
        """A new page load (a new session): until its first run has finished and the title is shown."""
        mark = self.runs_finished
        await page.goto(f"{self.base}/{path}{query}")
        await self.run_finished(mark)
        await page.wait_for_selector("h1")

    async def click(self, page, target) -> None:
        """A click in the running app: until the rerun it causes has finished and the title is shown."""
        mark = self.runs_finished
        await target.click()
        await self.run_finished(mark)
        await page.wait_for_selector("h1")

    async def step(self, page, kind: str, action, count: bool = True) -> bool:
        """Run one user step; record its time (inf if it timed out) and any exception element."""
        start = time.perf_counter()
        try:
            await asyncio.wait_for(action, self.timeout)  # the whole step, however many waits it has
        except Exception as exc:
            self.stats.errors.append(f"{kind} at {await where(page)}: {type(exc).__name__}: {exc}"[:300])
            self.stats.timeouts += type(exc).__name__ == "TimeoutError"  # asyncio's or Playwright's
            if count:
                self.stats.steps.append((kind, math.inf))
            return False
        if count:
            self.stats.steps.append((kind, time.perf_counter() - start))
        self.stats.exceptions += await page.locator("[data-testid='stException']").count()
        return True


async def where(page) -> str:
    """The page's address and script state, for an error message (best effort)."""
    try:
        state = await page.evaluate(
            "() => document.querySelector(\"[data-testid='stApp']\")?.getAttribute('data-test-script-state')"
        )
        return f"{page.url} {state}"
    except Exception:
        return page.url


async def run(
    sessions: int, minutes: float, base: str, server_pid: int, step_timeout: float, ramp: float
) -> tuple[Stats, list[float]]:
    """Run every session at once and sample the server's memory meanwhile."""
    from playwright.async_api import async_playwright

    stats = Stats()
    memory: list[float] = []
    until = time.monotonic() + minutes * 60
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS)

        async def sample_memory() -> None:
            while time.monotonic() < until + 5:
                memory.append(rss_mb(server_pid))
                await asyncio.sleep(1)

        sampler = asyncio.create_task(sample_memory())
        users = [Session(browser, base, stats, seed, step_timeout) for seed in range(sessions)]
        await asyncio.gather(*(user.run(until, ramp) for user in users))
        sampler.cancel()
        await browser.close()
    return stats, memory


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile, timeouts counted as infinite."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def seconds(value: float, timeout: float | None = None) -> str:
    """A time in words, or the timeout it exceeded."""
    if math.isinf(value):
        return f"> {timeout:g} s" if timeout else "timed out"
    if math.isnan(value):
        return "n/a"
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"


def spread(values: list[float], timeout: float | None = None, qs=(50, 90, 99)) -> str:
    """p50 / p90 / p99 of the values, in words."""
    return " / ".join(seconds(percentile(values, q), timeout) for q in qs)


def read_run_times(path: Path) -> list[tuple[str, float, float, str]]:
    """(page, wall seconds, CPU seconds, outcome) of every script run the server logged."""
    runs = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 5:
                runs.append((parts[1], float(parts[2]), float(parts[3]), parts[4]))
    return runs


def report(args, stats: Stats, memory: list[float], started_mb: float, runs, cpu: dict) -> str:
    """The load test's results as Markdown."""
    steps = [s for _, s in stats.steps]
    failed = sum(math.isinf(s) for s in steps)
    by_kind = {}
    for kind, value in stats.steps:
        by_kind.setdefault(kind, []).append(value)
    walls = [w for _, w, _, _ in runs]
    cpus = [c for _, _, c, _ in runs]
    t = args.step_timeout
    rows = [
        ("sessions (arriving every)", f"{args.sessions} ({args.ramp:g} s)"),
        ("duration", f"{args.minutes:g} min"),
        ("steps (page switches, unit toggles, shared links, first opens)", f"{len(steps)}"),
        (f"steps failed: timed out (> {t:g} s) / other", f"{stats.timeouts} / {failed - stats.timeouts}"),
        ("sessions that ended early", f"{stats.ended_early}"),
        ("exception elements seen", f"{stats.exceptions}"),
        ("step latency p50 / p90 / p99, as the browser sees it", spread(steps, t)),
    ]
    for kind, label in (
        ("page", "page switch"),
        ("unit", "unit toggle"),
        ("link", "shared link (new session)"),
    ):
        if kind in by_kind:
            rows.append(
                (f"  {label}: n, p50 / p90", f"{len(by_kind[kind])}, {spread(by_kind[kind], t, (50, 90))}")
            )
    rows += [
        ("server script runs logged", f"{len(runs)}"),
        (
            "server run wall time p50 / p90 / p99 / max",
            f"{spread(walls)} / {seconds(max(walls or [math.nan]))}",
        ),
        ("server run CPU time p50 / p90 / p99 / max", f"{spread(cpus)} / {seconds(max(cpus or [math.nan]))}"),
        (
            "CPU: server / whole machine (share)",
            f"{cpu['server']:.0f} s / {cpu['busy']:.0f} s of {cpu['capacity']:.0f} s available "
            f"({100 * cpu['server'] / max(cpu['busy'], 1e-9):.0f} % of the busy time)",
        ),
        ("load average at start / end", f"{cpu['load_start']:.1f} / {cpu['load_end']:.1f}"),
        (
            "server memory at start / peak / end",
            f"{started_mb:.0f} / {max(memory or [0]):.0f} / {(memory or [0])[-1]:.0f} MB",
        ),
    ]
    pages = {}
    for page, wall, cpu_s, _ in runs:
        pages.setdefault(page, ([], []))
        pages[page][0].append(wall)
        pages[page][1].append(cpu_s)
    page_rows = "\n".join(
        f"| {page} | {len(w)} | {spread(w, qs=(50, 90))} | {spread(c, qs=(50, 90))} |"
        for page, (w, c) in sorted(pages.items())
    )
    table = "| measure | value |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    data = args.data_dir or "the bundled data"
    return (
        f"# Load test\n\nWritten by `benchmarks/load_test.py` on {when}: {machine()}; {data}; the server and "
        f"every browser on the same machine.\n\n{table}\n\nServer script runs by page (wall and CPU time "
        "of the run's own thread; wall minus CPU is time spent waiting for a core):\n\n"
        "| page | runs | wall p50 / p90 | CPU p50 / p90 |\n|---|---:|---|---|\n" + page_rows + "\n"
    )


def main() -> int:
    """Run the load test from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--data-dir", help="DATA_DIR for the server (default: the bundled data)")
    parser.add_argument(
        "--step-timeout", type=float, default=60.0, help="seconds before a step counts as failed"
    )
    parser.add_argument("--ramp", type=float, default=RAMP_UP_SECONDS, help="seconds between arrivals")
    parser.add_argument("--no-write", action="store_true", help=f"print only; leave {RESULTS.name} alone")
    args = parser.parse_args()
    if find_chromium() is None:
        print("chromium is needed: apt-get install -y chromium, or set CHROMIUM_PATH", file=sys.stderr)
        return 2
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="load_test_") as tmp:
        run_times = Path(tmp) / "runs.tsv"
        server = start_server(port, args.data_dir, str(run_times))
        started = rss_mb(server.pid)
        cpu0, (busy0, total0), load0 = process_cpu_seconds(server.pid), machine_cpu_seconds(), os.getloadavg()
        try:
            stats, memory = asyncio.run(
                run(
                    args.sessions,
                    args.minutes,
                    f"http://127.0.0.1:{port}",
                    server.pid,
                    args.step_timeout,
                    args.ramp,
                )
            )
            cpu1, (busy1, total1) = process_cpu_seconds(server.pid), machine_cpu_seconds()
        finally:
            server.terminate()
            server.wait(timeout=30)
        runs = read_run_times(run_times)
    cpu = {
        "server": cpu1 - cpu0,
        "busy": busy1 - busy0,
        "capacity": total1 - total0,
        "load_start": load0[0],
        "load_end": os.getloadavg()[0],
    }
    text = report(args, stats, memory, started, runs, cpu)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")
    print(text)
    for error in stats.errors[:10]:
        print("error:", error)
    return 0 if not stats.errors and not stats.exceptions else 1


if __name__ == "__main__":
    sys.exit(main())
