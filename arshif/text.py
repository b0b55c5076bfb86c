"""Arabic text core: pure functions over strings, shared by every step."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Characters that must never reach a page: C0/C1 controls (the corpus has U+001A
# remnants), the byte-order mark inside text, and Unicode noncharacters, which
# the HTML checker rejects. Tabs become spaces.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufdd0-\ufdef\ufffe\uffff]"
)
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_line(line: str) -> str:
    """A line of article text as it will be shown: controls removed, spaces collapsed."""
    line = _FORBIDDEN.sub("", line.replace("\t", " "))
    return _SPACES.sub(" ", line).strip()


def digest(text: str) -> str:
    """A short, stable hash of a text (hex)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def has_letters(text: str) -> bool:
    return any(unicodedata.category(ch).startswith(("L", "N")) for ch in text)


def shorten(text: str, limit: int) -> str:
    """Cut text at a word boundary to at most `limit` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip("،,.؛:") + "…"
