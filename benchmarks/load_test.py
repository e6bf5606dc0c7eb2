"""Loopback load test: many browser sessions changing filters and switching pages at once.

Starts the dashboard on 127.0.0.1 (a free port), then runs N concurrent Playwright browser contexts in
Debian's chromium for a bounded time. Each session opens the Overview, then loops: change a filter
(year, unit, region), switch page, wait for the script to finish, and records how long each step took
and whether an exception element appeared. The server's resident memory is sampled throughout.

    .venv/bin/python benchmarks/load_test.py --sessions 20 --minutes 3

Traffic goes only to 127.0.0.1; the run stops by itself after --minutes (and each step has a timeout).
Prints a summary and writes benchmarks/load_results.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
PAGES = ["", "systems", "system", "ratings", "explore", "data"]
RAMP_UP_SECONDS = 3.0
PAGE_TITLES = ["Overview", "Systems", "System detail", "Ratings and money", "Explore", "Data"]


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exceptions: int = 0
    requests: int = 0


def free_port() -> int:
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


def start_server(port: int, data_dir: str | None) -> subprocess.Popen:
    env = dict(os.environ)
    if data_dir:
        env["DATA_DIR"] = data_dir
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


async def session(browser, base: str, until: float, stats: Stats, seed: int) -> None:
    """One user: open the Overview, then switch pages and change filters in the app until time is up.

    Most steps happen inside the running app, as a person works (sidebar links, the unit toggle); one in
    six opens a shared link with a different year, which starts a new session as a colleague would.
    """
    rng = random.Random(seed)
    await asyncio.sleep(seed * RAMP_UP_SECONDS)  # people arrive over a minute, not in the same instant
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    page.set_default_navigation_timeout(90_000)
    try:
        await timed(stats, page, page.goto(base + "/"))
        while time.monotonic() < until:
            action = rng.choice(["page", "page", "page", "unit", "unit", "link"])
            if action == "page":
                link = page.locator("[data-testid='stSidebarNav'] a", has_text=rng.choice(PAGE_TITLES)).first
                await timed(stats, page, link.click())
            elif action == "unit":
                label = page.locator(
                    "[data-testid='stSidebar'] label", has_text=rng.choice(["£000", "£m"])
                ).first
                await timed(stats, page, label.click())
            else:
                year = rng.choice(["2017%2F18", "2018%2F19"])
                await timed(stats, page, page.goto(f"{base}/{rng.choice(PAGES)}?year={year}"))
            await asyncio.sleep(rng.uniform(0.5, 1.5))
    except Exception as exc:  # a failed session is counted, not fatal to the run
        stats.errors.append(f"{type(exc).__name__}: {exc}"[:200])
    finally:
        await context.close()


async def timed(stats: Stats, page, step) -> None:
    """Run one user step and wait until the app has finished its rerun; record the time taken."""
    start = time.perf_counter()
    try:
        await step
        await page.wait_for_timeout(50)
        await page.wait_for_selector(DONE, timeout=60_000)
        await page.wait_for_selector("h1", timeout=60_000)
        stats.latencies.append(time.perf_counter() - start)
        stats.requests += 1
        stats.exceptions += await page.locator("[data-testid='stException']").count()
    except Exception as exc:
        stats.errors.append(f"{type(exc).__name__}: {exc}"[:200])


async def run(sessions: int, minutes: float, base: str, server_pid: int) -> tuple[Stats, list[float]]:
    from playwright.async_api import async_playwright

    stats = Stats()
    memory: list[float] = []
    until = time.monotonic() + minutes * 60
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)

        async def sample_memory() -> None:
            while time.monotonic() < until + 5:
                memory.append(rss_mb(server_pid))
                await asyncio.sleep(1)

        sampler = asyncio.create_task(sample_memory())
        await asyncio.gather(*(session(browser, base, until, stats, seed) for seed in range(sessions)))
        sampler.cancel()
        await browser.close()
    return stats, memory


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--data-dir", help="DATA_DIR for the server (default: the bundled data)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print("Debian's chromium is needed: apt-get install -y chromium", file=sys.stderr)
        return 2
    port = free_port()
    server = start_server(port, args.data_dir)
    started = rss_mb(server.pid)
    try:
        stats, memory = asyncio.run(run(args.sessions, args.minutes, f"http://127.0.0.1:{port}", server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
    lat = stats.latencies
    rows = [
        ("sessions", f"{args.sessions}"),
        ("duration", f"{args.minutes:g} min"),
        ("page loads and filter changes served", f"{stats.requests}"),
        ("errors (timeouts, failed navigations)", f"{len(stats.errors)}"),
        ("exception elements seen", f"{stats.exceptions}"),
        ("latency p50 / p90 / p99", " / ".join(f"{percentile(lat, q):.2f} s" for q in (50, 90, 99))),
        ("latency mean", f"{statistics.fmean(lat):.2f} s" if lat else "n/a"),
        (
            "server memory at start / peak / end",
            f"{started:.0f} / {max(memory or [0]):.0f} / {(memory or [0])[-1]:.0f} MB",
        ),
    ]
    table = "| measure | value |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)
    header = f"Load test, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores\n\n"
    (ROOT / "benchmarks" / "load_results.md").write_text(header + table + "\n", encoding="utf-8")
    print(header + table)
    for error in stats.errors[:10]:
        print("error:", error)
    return 0 if not stats.errors and not stats.exceptions else 1


if __name__ == "__main__":
    sys.exit(main())
