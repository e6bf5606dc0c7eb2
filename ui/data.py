"""Where the dashboard's data comes from: the bundled set, a DATA_DIR folder, or this session's uploads.

Loading is cached on what the files are (path, size, modification and change times, inode, and the
content's sha256 while a file is freshly written; uploads by their sha256), so a rerun costs nothing and a
changed file is read again on the next rerun. Uploaded data is held in this session only.

The folder read in use is held for the whole server. A newer read that lost data against it (a file gone,
unreadable, or with fewer rows: `analysis.folder_changes.losses`) is held back: every session keeps the
read in use and says what changed, when, and what to do, until the folder is fixed or someone presses
"Use the files as they are now" on the Data page.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from analysis.contract import KINDS, KINDS_BY_NAME, SYSTEMS
from analysis.dataset import BUNDLED_DIR, Source, list_folder, load_paths, load_sources
from analysis.folder_changes import losses
from analysis.model import Dataset, FileReport
from analysis.safe_files import display_path

UPLOAD_KEY = "uploaded_dataset"
LOG = logging.getLogger("ics_dashboard")


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


@st.cache_resource(max_entries=1, show_spinner="Reading and checking the extracts…")
def _load_folder(folder: str, signature: Signature) -> Dataset:
    """Read a folder once per distinct set of file versions (the signature is the cache key).

    One entry, the newest read: the read in use is also held in `_IN_USE`, so while a newer read is held
    back the server holds two datasets (each a million rows at national scale), never more.
    """
    del signature
    return load_paths([folder])


@dataclass(frozen=True)
class FolderRead:
    """A read of the data folder the server has in use, and when it was made."""

    dataset: Dataset
    signature: Signature
    read_at: float


@dataclass(frozen=True)
class HeldBack:
    """A read of the data folder that lost data against the one in use, so it is not used yet."""

    signature: Signature
    losses: tuple[str, ...]
    noticed_at: float


_IN_USE: dict[str, FolderRead] = {}
"""Per data folder, the read every session is shown. Held for the whole server, outside Streamlit's caches:
a session opened after a file broke gets the same data as one opened before, and a cache cleared from a
browser costs no re-read of the folder."""
_HELD_BACK: dict[str, HeldBack] = {}
"""Per data folder, the newer read held back because it lost data (until fixed or accepted)."""
_FOLDER_LOCK = threading.Lock()


def _when(seconds: float) -> str:
    return time.strftime("%H:%M UTC on %d %b %Y", time.gmtime(seconds))


def _held_back_warning(in_use: FolderRead, held: HeldBack) -> str:
    """What changed, when, what is shown instead, and what to do: the banner on every page."""
    return (
        f"{'; '.join(held.losses)}, so the last good data is shown (read at {_when(in_use.read_at)}; the "
        f"change was noticed at {_when(held.noticed_at)}). See the Data page for what went wrong. To fix it, "
        f"put the file back or finish copying it; if the change is intended, press “{ACCEPT_LABEL}” on the "
        "Data page."
    )


ACCEPT_LABEL = "Use the files as they are now"
"""The Data page's button that tells the app a folder which lost files or rows is meant to be that way."""


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
    origin = "bundled illustrative data" if folder == BUNDLED_DIR else f"files in {folder}"
    key = str(folder)
    in_use = _IN_USE.get(key)
    if in_use is not None and in_use.signature == signature:
        if key in _HELD_BACK:  # the files are back exactly as they were
            with _FOLDER_LOCK:
                _HELD_BACK.pop(key, None)
        return LoadedData(in_use.dataset, origin)
    dataset = _load_folder(key, signature)
    lost = () if in_use is None else losses(in_use.dataset, dataset)
    with _FOLDER_LOCK:
        if not lost:
            _IN_USE[key] = FolderRead(dataset, signature, time.time())
            _HELD_BACK.pop(key, None)
            return LoadedData(dataset, origin)
        before = _HELD_BACK.get(key)
        if before is None:
            LOG.warning("Data folder %s lost data (%s); the last good read stays", key, "; ".join(lost))
        held = HeldBack(signature, lost, before.noticed_at if before else time.time())
        _HELD_BACK[key] = held
    was_readable = {r.path for r in in_use.dataset.files if r.readable}
    unread = tuple(r for r in dataset.file_errors if r.path in was_readable)
    return LoadedData(in_use.dataset, origin, _held_back_warning(in_use, held), unread)


def accept_folder_as_is(folder: Path, signature: Signature) -> None:
    """Use the folder's read with this signature from now on, for every session, though it lost data."""
    dataset = _load_folder(str(folder), signature)
    with _FOLDER_LOCK:
        _IN_USE[str(folder)] = FolderRead(dataset, signature, time.time())
        _HELD_BACK.pop(str(folder), None)
    LOG.warning("Data folder %s: its files as they are now were accepted from the Data page", folder)


def offer_to_accept_folder_changes() -> None:
    """On the Data page while a folder read is held back: the way to say the change is intended."""
    if UPLOAD_KEY in st.session_state:
        return
    folder = data_dir()
    held = _HELD_BACK.get(str(folder))
    if held is None:
        return
    st.write(
        "If the files were meant to change this way (a file removed or shortened on purpose), use them as "
        "they are now. Every session then shows the new figures."
    )
    if st.button(ACCEPT_LABEL, key="accept_folder_changes"):
        accept_folder_as_is(folder, held.signature)
        st.rerun()


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
    """Forget this session's uploaded files, so the pages go back to the data folder."""
    st.session_state.pop(UPLOAD_KEY, None)
    st.session_state.pop(BUNDLED_KEY, None)
    st.session_state.pop(REJECTED_KEY, None)


def current_data() -> LoadedData:
    """This session's uploads if any, else the data folder."""
    uploaded = st.session_state.get(UPLOAD_KEY)
    if uploaded is not None:
        return LoadedData(uploaded[1], UPLOADS_ORIGIN)
    return _folder_dataset()
