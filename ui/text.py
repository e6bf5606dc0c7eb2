"""Text from the data (names, file names, messages) made safe to show as Markdown."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$:])")


def plain(text: object) -> str:
    """A data value made safe to put inside Markdown: every formatting character escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
