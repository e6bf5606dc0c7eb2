"""The README's reverse-proxy deployment, run as written: nginx in front of the app, under a sub-path.

The app's command line and nginx `location` are read from the README's "Deploying" section, so the test
breaks when the README and the deployment part ways. Only what cannot be the same on a test machine is
changed: the ports (free ones on loopback), the public address (nginx's, here) and the sign-in, which is a
stand-in `/oauth2/auth` that lets in a browser carrying a `signed_in=yes` cookie and refuses anyone else.

nginx runs as the user running the tests (its workers as `nobody` when that is root), on a free high port,
in the foreground, with its configuration, pid file, logs and temporary files under the test's own
directory; it is stopped at the end. Its logs are copied to `artifacts/nginx-*.log`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from playwright.sync_api import Browser, BrowserContext

from tests.browser.conftest import (
    ARTIFACTS,
    ROOT,
    App,
    _log_tail,
    free_port,
    new_context,
    stop,
    streamlit_server,
    wait_until_healthy,
)
from tests.browser.test_browser_downloads import download

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

README_UPSTREAM = "127.0.0.1:8501"
"""Where the README's nginx block sends requests; replaced by the test server's port."""
SIGN_IN_COOKIE = {"name": "signed_in", "value": "yes"}
SIGNED_IN = {"Cookie": "signed_in=yes"}
STREAMLIT_LOG = ARTIFACTS / "streamlit-proxied.log"


# --- the README, as written -----------------------------------------------------------------------------


def deployment_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Deploying for a finance directorate")
    end = readme.index("\n## ", start + 1)
    return readme[start:end]


def fenced_block(section: str, language: str, containing: str) -> str:
    blocks = [
        body
        for body in re.findall(rf"```{language}\n(.*?)```", section, flags=re.DOTALL)
        if containing in body
    ]
    assert len(blocks) == 1, f"the README's deployment section: one {language} block with {containing!r}"
    return blocks[0]


def readme_command() -> tuple[dict[str, str], list[str]]:
    """The README's command that starts the app for the proxy: its environment and its arguments."""
    text = fenced_block(deployment_section(), "sh", "streamlit run").replace("\\\n", " ")
    words = shlex.split(text)
    env = {}
    while "=" in words[0] and not words[0].startswith("-"):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    return env, words


def option(words: list[str], name: str) -> str:
    return words[words.index(name) + 1]


def readme_location() -> str:
    return fenced_block(deployment_section(), "nginx", "proxy_pass")


# --- nginx ----------------------------------------------------------------------------------------------


def nginx_config(prefix: Path, port: int, location: str) -> str:
    """A whole nginx configuration around the README's `location`, every path of its own under `prefix`.

    Run as root (CI), nginx's workers switch to `nobody`, which cannot enter pytest's private temporary
    folders: so large responses stream straight through instead of spilling to temporary files there.
    """
    as_root = os.geteuid() == 0
    return f"""
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
{"user nobody nogroup;" if as_root else ""}
events {{ worker_connections 256; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    {"proxy_max_temp_file_size 0;" if as_root else ""}
    server {{
        listen 127.0.0.1:{port};
        # The stand-in sign-in: the README's auth_request asks here.
        location = /oauth2/auth {{
            internal;
            if ($cookie_signed_in != "yes") {{ return 401; }}
            return 204;
        }}
{location}
    }}
}}
"""


def stop_nginx(proxy: subprocess.Popen) -> None:
    """A fast shutdown (SIGTERM: the master stops its workers); if it hangs, kill its process group, so
    no worker is left serving."""
    try:
        stop(proxy)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the whole group has gone, as it should
            os.killpg(proxy.pid, signal.SIGKILL)


@dataclass(frozen=True)
class Proxied:
    base: str
    """The public base URL: ``http://127.0.0.1:<nginx port>/dashboard``."""
    access_log: Path


@pytest.fixture(scope="module")
def proxied(nginx: Path, chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxied]:
    """The app started by the README's command, behind nginx with the README's location."""
    del chromium  # no browser, no point starting servers
    env, words = readme_command()
    base_path = option(words, "--server.baseUrlPath").strip("/")
    location = readme_location()
    assert f"location /{base_path}/ " in location, "nginx's location and the app's base path should agree"
    assert location.count(README_UPSTREAM) == 1, "the README's nginx block should name the upstream once"
    assert option(words, "--server.port") == README_UPSTREAM.split(":")[1], "nginx and the app: one port"
    assert option(words, "--server.address") == "127.0.0.1", "the app should listen on loopback only"

    app_port, proxy_port = free_port(), free_port()
    while proxy_port == app_port:
        proxy_port = free_port()
    public = f"http://127.0.0.1:{proxy_port}/{base_path}"
    assert urlsplit(env["APP_BASE_URL"]).path.strip("/") == base_path
    env["APP_BASE_URL"] = public
    words[words.index("--server.port") + 1] = str(app_port)
    assert words[:4] == [".venv/bin/python", "-m", "streamlit", "run"], words
    command = [sys.executable, *words[1:]]

    prefix = tmp_path_factory.mktemp("nginx")
    config = prefix / "nginx.conf"
    upstream = location.replace(README_UPSTREAM, f"127.0.0.1:{app_port}")
    config.write_text(nginx_config(prefix, proxy_port, upstream))
    error_log = prefix / "error.log"

    with streamlit_server(command, f"http://127.0.0.1:{app_port}/{base_path}", STREAMLIT_LOG, env):
        with (prefix / "nginx.out").open("w") as out:
            proxy = subprocess.Popen(
                [str(nginx), "-p", f"{prefix}/", "-c", str(config), "-e", str(error_log)],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the workers go with the master
            )
        try:
            wait_until_healthy(
                f"{public}/_stcore/health",
                proxy,
                "nginx",
                lambda: _log_tail(error_log) + "\n" + _log_tail(prefix / "nginx.out"),
                headers=SIGNED_IN,
            )
            yield Proxied(public, prefix / "access.log")
        finally:
            stop_nginx(proxy)
            for name in ("error.log", "access.log"):
                if (prefix / name).exists():
                    shutil.copy(prefix / name, ARTIFACTS / f"nginx-{name}")


@pytest.fixture
def signed_in_context(browser: Browser, proxied: Proxied) -> Iterator[BrowserContext]:
    context = new_context(browser)
    host = urlsplit(proxied.base).hostname
    context.add_cookies([{**SIGN_IN_COOKIE, "domain": host, "path": "/"}])
    yield context
    context.close()


# --- tests ----------------------------------------------------------------------------------------------


def test_the_proxy_lets_in_only_people_who_signed_in(proxied: Proxied) -> None:
    request = urllib.request.Request(f"{proxied.base}/explore")
    opener = urllib.request.build_opener()  # no sign-in cookie
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(request, timeout=10)
    assert refused.value.code == 401
    signed_in = urllib.request.Request(f"{proxied.base}/_stcore/health", headers=SIGNED_IN)
    with opener.open(signed_in, timeout=10) as answer:
        assert answer.read().strip() == b"ok"


def test_through_the_proxy_a_filter_change_reaches_the_downloaded_files(
    signed_in_context: BrowserContext, proxied: Proxied, tmp_path: Path
) -> None:
    proxied_base = proxied.base
    app = App(signed_in_context.new_page(), proxied_base)
    app.open("explore")
    assert app.page.url.startswith(f"{proxied_base}/explore")
    app.assert_no_errors()

    # A filter change runs over the websocket through nginx and rewrites the URL under the sub-path.
    app.choose_in_selectbox("Financial year", "2017/18")
    assert app.page.url.startswith(f"{proxied_base}/explore?") and "year=2017%2F18" in app.page.url
    app.wait_for_idle()
    caption = next(
        c for c in app.page.locator("[data-testid='stCaptionContainer']").all_inner_texts() if "rows:" in c
    )
    shown_rows = int(caption.split(" rows")[0].replace(",", ""))
    app.assert_no_errors()

    csv_path = download(app, "Download CSV", tmp_path)
    assert csv_path.name.startswith("ics-rows-2017-18") and csv_path.suffix == ".csv"
    data = csv_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == shown_rows > 0
    assert {row["Year"] for row in rows} == {"2017/18"}
    float(rows[0]["Plan income (£m)"])

    xlsx_path = download(app, "Download Excel", tmp_path)
    book = openpyxl.load_workbook(xlsx_path)
    assert book.worksheets[0].max_row == shown_rows + 1  # the header and the rows on screen
    about = {row[0]: row[1] for row in book["About this extract"].iter_rows(values_only=True) if row[0]}
    link = str(about["Link to this view"])
    # The extract's link reopens the view at the public address, under the sub-path, with the filter.
    assert link.startswith(f"{proxied_base}/explore?") and "year=2017%2F18" in link, link

    # Both files came through nginx, from the app's media endpoint under the sub-path.
    media_path = f"GET {urlsplit(proxied_base).path}/media/"
    media = [line for line in proxied.access_log.read_text().splitlines() if media_path in line]
    assert len(media) >= 2 and all('" 200 ' in line for line in media), media
    app.assert_no_errors()
