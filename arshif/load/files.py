"""Reading source files as UTF-8 text, with errors that name the file and line."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Problems

_LINE_END = re.compile(r"\r\n|\r|\n")


def read_text(path: Path, problems: Problems) -> str | None:
    """The file's text, or None after recording why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.error(path, None, f"cannot read the file: {exc.strerror}", "check that it exists and is readable")
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(
            path,
            line,
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded)",
            "save it as UTF-8; a Windows-1256 file converts with: iconv -f WINDOWS-1256 -t UTF-8",
        )
        return None


def split_lines(text: str) -> list[str]:
    """Lines split at LF, CRLF or CR only (str.splitlines also splits at U+2028 and others)."""
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines
