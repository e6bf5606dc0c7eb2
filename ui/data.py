"""Where the dashboard's data comes from: the bundled set, a DATA_DIR folder, or this session's uploads.

Loading is cached on what the files are (path, size, modification time; uploads by their sha256), so a
rerun costs nothing and a changed file is read again on the next rerun. Uploaded data is held in this
session only. If a DATA_DIR file turns unreadable while the app runs, the last good dataset is served with
a warning.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from analysis.dataset import BUNDLED_DIR, Source, load_paths, load_sources
from analysis.model import Dataset

UPLOAD_KEY = "uploaded_dataset"


@dataclass(frozen=True)
class LoadedData:
    """The dataset in use and a sentence saying where it came from."""

    dataset: Dataset
    origin: str
    warning: str | None = None


def data_dir() -> Path:
    """The folder the app reads: DATA_DIR if set, else the bundled data."""
    configured = os.environ.get("DATA_DIR")
    return Path(configured).expanduser() if configured else BUNDLED_DIR


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    files = sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in {".csv", ".txt", ".tsv"}
    )
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)


@st.cache_resource(max_entries=4, show_spinner="Reading and checking the extracts…")
def _load_folder(folder: str, signature: tuple[tuple[str, int, int], ...]) -> Dataset:
    """Read a folder once per distinct set of file versions (the signature is the cache key)."""
    del signature
    return load_paths([folder])


def _folder_dataset() -> LoadedData:
    folder = data_dir()
    if not folder.is_dir():
        raise DataUnavailable(
            f"The data folder {folder} does not exist or is not a folder. Set DATA_DIR to a folder of CSV "
            "extracts, or unset it to use the bundled illustrative data."
        )
    try:
        signature = _signature(folder)
    except OSError as exc:
        raise DataUnavailable(f"The data folder {folder} cannot be read: {exc.strerror or exc}.") from exc
    dataset = _load_folder(str(folder), signature)
    origin = "bundled illustrative data" if folder == BUNDLED_DIR else f"files in {folder}"
    last_good = st.session_state.get("_last_good_folder")
    if dataset.file_errors and last_good is not None and last_good.origin == origin:
        return LoadedData(
            last_good.dataset,
            last_good.origin,
            "A data file could not be read just now, so the last good data is shown. "
            "See the Data page for what went wrong.",
        )
    loaded = LoadedData(dataset, origin)
    if not dataset.file_errors:
        st.session_state["_last_good_folder"] = loaded
    return loaded


class DataUnavailable(Exception):
    """No data can be shown; the message says why and what to do."""


def load_uploads(files: list[tuple[str, bytes]]) -> Dataset:
    """Validate uploaded files and keep the result in this session only."""
    sources = [Source(name, name, data) for name, data in files]
    key = hashlib.sha256(b"".join(hashlib.sha256(d).digest() for _, d in files)).hexdigest()
    cached = st.session_state.get(UPLOAD_KEY)
    if cached is not None and cached[0] == key:
        return cached[1]
    dataset = load_sources(sources)
    st.session_state[UPLOAD_KEY] = (key, dataset)
    return dataset


def clear_uploads() -> None:
    st.session_state.pop(UPLOAD_KEY, None)


def current_data() -> LoadedData:
    """This session's uploads if any, else the data folder."""
    uploaded = st.session_state.get(UPLOAD_KEY)
    if uploaded is not None:
        return LoadedData(uploaded[1], "files uploaded in this session")
    return _folder_dataset()
