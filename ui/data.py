"""Where the dashboard's data comes from: the bundled set, a DATA_DIR folder, or this session's uploads.

Loading is cached on what the files are (path, size, modification and change times, inode, and the
content's sha256 while a file is freshly written; uploads by their sha256), so a rerun costs nothing and a
changed file is read again on the next rerun. Uploaded data is held in this session only. If a DATA_DIR file
turns unreadable while the app runs, the last good dataset is served with a warning.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from analysis.contract import KINDS, KINDS_BY_NAME, SYSTEMS
from analysis.dataset import BUNDLED_DIR, Source, list_folder, load_paths, load_sources
from analysis.model import Dataset, FileReport
from analysis.safe_files import display_path

UPLOAD_KEY = "uploaded_dataset"


@dataclass(frozen=True)
class LoadedData:
    """The dataset in use and a sentence saying where it came from."""

    dataset: Dataset
    origin: str
    warning: str | None = None
    unread: tuple[FileReport, ...] = ()
    """Folder files that could not be read just now, while the last good data is shown instead."""


def data_dir() -> Path:
    """The folder the app reads: DATA_DIR if set, else the bundled data."""
    configured = os.environ.get("DATA_DIR")
    return Path(configured).expanduser() if configured else BUNDLED_DIR


Signature = tuple[tuple[str, int, int, int, int, str | None], ...]
"""Per file: display path, size, modification and change times, inode, sha256 of a fresh file. An entry
skipped as unreadable (a FIFO, a broken symlink) appears as its display path and the reason, sizes 0."""

RACY_SECONDS = 3.0
"""A file written this recently can be written again at the same size within one tick of the clock its
times come from (milliseconds; two seconds on FAT), leaving size, times and inode as they were. While it is
that fresh its content is hashed into the signature too (git's "racily clean" rule). An older file changes
its times when written, so for it stat is enough and a rerun reads nothing."""


def _stat(path: Path) -> os.stat_result:
    return path.stat()


def _file_key(path: Path, now: float) -> tuple[str, int, int, int, int, str | None]:
    info = _stat(path)
    fresh = now - max(info.st_mtime_ns, info.st_ctime_ns) / 1e9 < RACY_SECONDS  # the latest change
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if fresh else None
    return (display_path(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, digest)


def _signature(folder: Path) -> Signature:
    """Each file's path, size, modification and change times and inode: any rewrite changes one of them,
    except a same-size rewrite within the same clock tick, which the content hash of a fresh file catches.

    The change time and inode matter because copy jobs (cp -p, rsync -t, unzip) restore the modification
    time, and a corrected file can have the same size.
    """
    listing = list_folder(folder)
    now = time.time()
    skipped = tuple((display_path(p), 0, 0, 0, 0, why) for p, why in listing.skipped)
    return tuple(_file_key(p, now) for p in listing.files) + skipped


@st.cache_resource(max_entries=2, show_spinner="Reading and checking the extracts…")
def _load_folder(folder: str, signature: Signature) -> Dataset:
    """Read a folder once per distinct set of file versions (the signature is the cache key).

    Two entries, the data in use and the version before it: at national scale each holds a million-row
    dataset, and older versions of an edited folder are of no use.
    """
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
        raise DataUnavailable(
            f"The data folder {folder} cannot be read: {exc.strerror or exc}. Give the account the dashboard "
            "runs as permission to read it, or set DATA_DIR to another folder."
        ) from exc
    dataset = _load_folder(str(folder), signature)
    origin = "bundled illustrative data" if folder == BUNDLED_DIR else f"files in {folder}"
    last_good = st.session_state.get("_last_good_folder")
    if dataset.file_errors and last_good is not None and last_good.origin == origin:
        unread = tuple(dataset.file_errors)
        return LoadedData(
            last_good.dataset,
            last_good.origin,
            f"{', '.join(r.name for r in unread)} could not be read just now, so the last good data is "
            "shown. See the Data page for what went wrong.",
            unread,
        )
    loaded = LoadedData(dataset, origin)
    if not dataset.file_errors:
        st.session_state["_last_good_folder"] = loaded
    return loaded


UPLOADS_ORIGIN = "files uploaded in this session"
"""How the pages name this session's uploads as the data's origin."""


class DataUnavailable(Exception):
    """No data can be shown; the message says why and what to do."""


REJECTED_KEY = "_uploads_rejected"
"""Why the last uploads were not used (none of them was an extract of a known kind), for the upload form."""

BUNDLED_KEY = "_bundled_in_use"
"""The bundled files the uploaded data still draws on, for the upload form to say so."""

BUNDLED_LOOKUPS = ("progress_ratings",)
"""Lookups the bundled files supply when the uploads hold none of their kind (the systems lookup is always
the base the dataset merges a user's rows into)."""


def load_uploads(files: list[tuple[str, bytes]]) -> Dataset | None:
    """Validate uploaded files and keep the result in this session only; None if none could be used.

    Each upload gets a path of its own (`extract.csv`, `extract.csv (2)`): problems and quarantined rows are
    matched to files by path, so two uploads sharing a name must not share it. Uploads add to the bundled
    lookups: a kind of lookup no upload supplies (progress ratings) comes from the bundled file, as the
    bundled systems lookup underlies a user's systems file. When not one upload is an extract of a known
    kind, the data in use is kept and the form says what the files look like and what is accepted.
    """
    sources: list[Source] = []
    paths: set[str] = set()
    for name, data in files:
        path, copy = name, 1
        while path in paths:
            copy += 1
            path = f"{name} ({copy})"
        paths.add(path)
        sources.append(Source(path, name, data))
    st.session_state.pop(REJECTED_KEY, None)
    key = hashlib.sha256(
        b"".join(hashlib.sha256(s.path.encode()).digest() + hashlib.sha256(s.data).digest() for s in sources)
    ).hexdigest()
    cached = st.session_state.get(UPLOAD_KEY)
    if cached is not None and cached[0] == key:
        return cached[1]
    dataset = load_sources(sources)
    if not any(report.kind for report in dataset.files):
        st.session_state[REJECTED_KEY] = _rejection(files, dataset)
        return None
    bundled = _bundled_lookups(dataset)
    if bundled:
        dataset = load_sources([*sources, *bundled])
    st.session_state[BUNDLED_KEY] = [f"{SYSTEMS.title} ({SYSTEMS.file_name})"] + [
        f"{KINDS_BY_NAME[s.name.removesuffix('.csv')].title} ({s.name})" for s in bundled
    ]
    st.session_state[UPLOAD_KEY] = (key, dataset)
    return dataset


def _bundled_lookups(dataset: Dataset) -> list[Source]:
    """The bundled files of the lookup kinds the uploads do not supply."""
    kinds = {report.kind for report in dataset.files}
    out = []
    for name in BUNDLED_LOOKUPS:
        path = BUNDLED_DIR / KINDS_BY_NAME[name].file_name
        if name not in kinds and path.is_file():
            out.append(Source(f"bundled {path.name}", path.name, path.read_bytes()))
    return out


def _rejection(files: list[tuple[str, bytes]], dataset: Dataset) -> str:
    """What the rejected files look like and which kinds are accepted."""
    looks = []
    for name, data in files:
        head = data[:4096].decode("utf-8-sig", errors="replace").splitlines()
        columns = head[0].strip() if head else ""
        looks.append(f"{name} has the columns {columns}" if columns else f"{name} is empty")
    kinds = "; ".join(f"{k.title} ({', '.join(k.required)})" for k in KINDS)
    return (
        f"None of these files is an extract the dashboard knows, so the data in use is kept. "
        f"{'; '.join(looks)}. Accepted kinds, recognised by their header row: {kinds}."
    )


def bundled_in_use() -> list[str]:
    """The bundled files this session's uploaded data still draws on."""
    return list(st.session_state.get(BUNDLED_KEY, [])) if UPLOAD_KEY in st.session_state else []


def rejected() -> str | None:
    """Why the last uploads were not used, if they were not."""
    return st.session_state.get(REJECTED_KEY)


def clear_uploads() -> None:
    st.session_state.pop(UPLOAD_KEY, None)
    st.session_state.pop(BUNDLED_KEY, None)
    st.session_state.pop(REJECTED_KEY, None)


def current_data() -> LoadedData:
    """This session's uploads if any, else the data folder."""
    uploaded = st.session_state.get(UPLOAD_KEY)
    if uploaded is not None:
        return LoadedData(uploaded[1], UPLOADS_ORIGIN)
    return _folder_dataset()
