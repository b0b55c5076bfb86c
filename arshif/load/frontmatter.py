"""Front matter: a small, strict subset of YAML between two '---' lines.

    ---
    title: عنوان المقال
    date: 2022-10-26
    tags: [روسيا, الناتو]
    ---

One `key: value` a line; a value may be quoted ("..." or '...') and a list is
written [a, b]. A full YAML parser would read `no` as false and dates as
objects, and could not give a line for every field; this one can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problems

_FIELD = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)\s*:(.*)")


@dataclass(frozen=True)
class FrontMatter:
    fields: dict[str, str | list[str]]
    lines: dict[str, int]  # field -> line number
    body: str
    body_line: int  # line where the body starts


def split_front_matter(path: Path, text: str, problems: Problems) -> FrontMatter | None:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.error(path, 1, "the file does not start with front matter", "start it with a line '---', then 'title: ...', then another '---'")
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        problems.error(path, 1, "the front matter opened on line 1 is never closed", "add a line '---' after the last field")
        return None
    fields, field_lines, ok = {}, {}, True
    for number in range(2, end + 1):
        raw = lines[number - 1]
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parsed = _parse_field(path, number, raw, problems)
        if parsed is None:
            ok = False
            continue
        key, value = parsed
        if key in fields:
            problems.error(path, number, f"'{key}' is given twice (first on line {field_lines[key]})", "keep one")
            ok = False
            continue
        fields[key], field_lines[key] = value, number
    if not ok:
        return None
    return FrontMatter(fields, field_lines, "\n".join(lines[end + 1 :]), end + 2)


def _parse_field(path: Path, number: int, raw: str, problems: Problems):
    match = _FIELD.fullmatch(raw.strip())
    if match is None:
        problems.error(path, number, f"cannot read front matter line {raw.strip()!r}", "write one 'key: value' a line")
        return None
    key, value = match.group(1), match.group(2).strip()
    if value.startswith("["):
        if not value.endswith("]"):
            problems.error(path, number, f"the list for '{key}' is not closed", "write lists as [a, b] on one line")
            return None
        items = [_unquote(v.strip()) for v in value[1:-1].split(",")]
        return key, [v for v in items if v]
    return key, _unquote(value)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
