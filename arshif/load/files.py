"""Reading source files as UTF-8 text, with errors that name the file and line."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import Problems, SourcesChanged

_LINE_END = re.compile(r"\r\n|\r|\n")


def read_text(path: Path, problems: Problems) -> str | None:
    """The file's text, or None after recording why it cannot be read.

    The rules: UTF-8, with or without a byte-order mark, is read as it is; UTF-16 with a
    byte-order mark is converted, with a warning (nothing is lost); anything else stops
    the build, and text that reads as Windows-1256 Arabic is named so, with the command
    that converts it (guessing an encoding silently could garble an archive)."""
    data = read_bytes(path, problems)
    return None if data is None else decode_text(path, data, problems)


def read_known(path: Path, problems: Problems, known: bytes | None) -> tuple[bytes, bytes] | None:
    """The file's bytes and their SHA-256, which must be `known` (what the build's fingerprint
    read) when given: else the file was saved again since, and SourcesChanged starts the build over."""
    data = read_bytes(path, problems)
    if data is None:
        return None
    digest = hashlib.sha256(data).digest()
    if known is not None and digest != known:
        raise SourcesChanged(path)
    return data, digest


def read_bytes(path: Path, problems: Problems) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        problems.error(path, None, f"cannot read the file: {exc.strerror}", "check that it exists and is readable")
        return None


def decode_text(path: Path, data: bytes, problems: Problems) -> str | None:
    """The text of a file's bytes, by the rules of read_text."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            problems.error(path, None, "the file starts like UTF-16 but cannot be read as it", "save it as UTF-8")
            return None
        problems.warn(path, None, "the file is UTF-16; it was read as such", f"save it as UTF-8: iconv -f UTF-16 -t UTF-8 '{path.name}'")
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        what = "Windows-1256 (Arabic) text" if _looks_like_cp1256(data) else "not UTF-8"
        problems.error(
            path,
            line,
            f"the file is {what}: byte 0x{data[exc.start]:02x} is not UTF-8",
            f"convert it to UTF-8: iconv -f WINDOWS-1256 -t UTF-8 '{path.name}' > converted.txt",
        )
        return None


def _looks_like_cp1256(data: bytes) -> bool:
    """Mostly Arabic letters once read as Windows-1256: the usual encoding of older Arabic files."""
    text = data.decode("cp1256", errors="replace")
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum("\u0600" <= ch <= "\u06ff" for ch in letters) / len(letters) > 0.5


def split_lines(text: str) -> list[str]:
    """Lines split at LF, CRLF or CR only (str.splitlines also splits at U+2028 and others)."""
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines
