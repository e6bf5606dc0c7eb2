"""Files on disk handled with care: names shown as text whatever their bytes, entries that are not regular
files told apart, and outputs written whole into regular files only.

Why: a folder entry can be a FIFO (reading it blocks), a broken symlink, a symlink loop or a device; a file
name need not be UTF-8; and an output path can name a device (`/dev/null`), a FIFO, a symlink or a folder.
Replacing those, or crashing on them, loses a user's files or takes every page down.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path


class UnsafeOutput(Exception):
    """An output cannot be written where asked; the message says what is wrong and what to do."""


def display_path(path: str | os.PathLike[str]) -> str:
    """The path as text that can always be printed, hashed or shown: bytes that are not UTF-8 appear as
    `\\xff` escapes instead of the lone surrogates Python decodes them to (which cannot be encoded)."""
    text = os.fspath(path)
    try:
        raw = os.fsencode(text)
    except UnicodeEncodeError:  # a surrogate that did not come from the file system's bytes
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def not_a_regular_file(path: Path) -> str | None:
    """What an entry that should be a file is instead, as a phrase ("a named pipe (FIFO)"), or None when it
    is a regular file or a symlink to one. Only looks, never opens: opening a FIFO would block."""
    try:
        info = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link that loops back on itself"
        if exc.errno == errno.ENOENT and path.is_symlink():
            try:
                target = display_path(os.readlink(path))
            except OSError:
                target = "a missing file"
            return f"a symbolic link to {target}, which does not exist"
        if exc.errno == errno.ENOENT:
            return "an entry removed while the folder was read"
        return f"an entry that could not be examined ({exc.strerror or exc})"
    return _kind_problem(info.st_mode)


def _kind_problem(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    return "not a regular file"


def check_output_file(path: Path) -> None:
    """Refuse an output path that is not a new or existing regular file in an existing folder.

    A symlink is refused rather than followed or replaced: writing through it changes a file elsewhere,
    replacing it loses the link. Raises UnsafeOutput.
    """
    shown = display_path(path)
    if not path.name or path.name in {".", ".."}:
        raise UnsafeOutput(f"{shown or '(empty)'} is not a file name: give --out a file path, e.g. out.csv.")
    folder = path.parent
    if not folder.is_dir():
        raise UnsafeOutput(f"the folder {display_path(folder)} does not exist: create it or choose another.")
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UnsafeOutput(f"cannot write {shown}: {exc.strerror or exc}. Choose another path.") from exc
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeOutput(
            f"{shown} is a symbolic link: it is left alone. Give the path of a regular file instead."
        )
    problem = _kind_problem(info.st_mode)
    if problem:
        raise UnsafeOutput(f"{shown} is {problem}: it is left alone. Give the path of a regular file.")


def write_regular_file(path: Path, data: bytes) -> None:
    """Write data to path whole: into a new file beside it, then renamed over it. The path must be a new or
    existing regular file (check_output_file); a reader never sees half a file, and on any failure nothing
    is left behind. Raises UnsafeOutput with the reason (no space, no permission, name too long, ...)."""
    check_output_file(path)
    partial = path.with_name(f".{secrets.token_hex(6)}.partial")  # short: the target's name may be long
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # mode as umask allows
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        check_output_file(path)  # still a regular file or nothing: it may have changed while we wrote
        os.replace(partial, path)
    except OSError as exc:
        raise UnsafeOutput(
            f"cannot write {display_path(path)}: {exc.strerror or exc}. Choose another path."
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
