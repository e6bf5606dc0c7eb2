"""The one chromium locator: CHROMIUM_PATH when set (a typo means no browser), else the PATH."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from analysis.chromium import CHROMIUM_ENV, find_chromium


def executable(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_the_variable_names_the_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    browser = executable(tmp_path, "my-chromium")
    monkeypatch.setenv(CHROMIUM_ENV, str(browser))
    assert find_chromium() == str(browser)


def test_the_variable_may_be_a_name_on_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    browser = executable(tmp_path, "my-chromium")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv(CHROMIUM_ENV, "my-chromium")
    assert find_chromium() == str(browser)


def test_a_wrong_variable_is_no_browser_not_another_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    executable(tmp_path, "chromium")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "no-such-browser"))
    assert find_chromium() is None


def test_unset_the_path_is_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CHROMIUM_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() is None
    browser = executable(tmp_path, "google-chrome")
    assert find_chromium() == str(browser)
