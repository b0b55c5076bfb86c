"""Curators' TOML files made of [[table]] entries (entities.toml, tags.toml), with a line for everything.

tomllib gives a line only for syntax errors, so each [[table]] header is found by
scanning the text, and each entry comes with its first line and its own text, where
`line_of` finds the line of any of its keys.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..config import key_line, toml_error_hint, toml_error_line
from ..errors import Problems
from .files import read_text


@dataclass(frozen=True)
class Entry:
    record: dict
    start: int  # line of its [[table]] header
    text: str  # its lines, header included

    def line_of(self, key: str) -> int:
        found = key_line(self.text, key)
        return self.start + found - 1 if found else self.start


def read_entries(path: Path, table: str, problems: Problems) -> list[Entry]:
    text = read_text(path, problems)
    if text is None:
        return []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.error(path, toml_error_line(exc, text), f"invalid TOML: {exc}", toml_error_hint(exc))
        return []
    for key in data:
        if key != table:
            problems.error(path, key_line(text, key), f"unknown table or key '{key}'", f"write each one as a [[{table}]] table")
    # [ \t]*, not \s*: \s would take the blank lines before a header, and report them as its line
    header = re.compile(rf"^[ \t]*\[\[[ \t]*{re.escape(table)}[ \t]*\]\]", re.M)
    starts = [text.count("\n", 0, m.start()) + 1 for m in header.finditer(text)]
    lines = text.split("\n")
    ends = starts[1:] + [len(lines) + 1]
    return [Entry(record, start, "\n".join(lines[start - 1 : end - 1]))
            for record, start, end in zip(data.get(table, []), starts, ends)]
