"""What a new read of a data folder lost against the read in use: files gone, broken or shorter.

A folder that changes under a running app usually gains rows (a new month) or corrects them. A file that
vanished, no longer reads, or has fewer rows than before is more often an accident (a deletion, a copy still
in progress or cut short, a save that failed) and would move every figure in silence, so the app holds the
last good data back until the folder is fixed or the change is confirmed.
"""

from __future__ import annotations

from analysis.model import Dataset


def losses(in_use: Dataset, now: Dataset) -> tuple[str, ...]:
    """One sentence per file that read well in `in_use` and is now missing, unreadable or has fewer rows.

    Files are matched by path. A file that was already unreadable, and a file that is new, lose nothing.
    """
    now_by_path = {report.path: report for report in now.files}
    found: list[str] = []
    for before in in_use.files:
        if not before.readable:
            continue
        after = now_by_path.get(before.path)
        if after is None:
            found.append(f"{before.name} is no longer in the data folder")
        elif not after.readable:
            found.append(f"{before.name} could not be read just now")
        elif after.rows < before.rows:
            found.append(
                f"{before.name} now has {after.rows:,} row{'' if after.rows == 1 else 's'} where the last "
                f"good read had {before.rows:,}"
            )
    return tuple(found)
