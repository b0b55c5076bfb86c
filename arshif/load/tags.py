"""content/tags.toml: the curated tag vocabulary.

    [[tag]]
    id = "terrorism"                    # ASCII, used in URLs
    name = "الإرهاب"                     # shown to readers
    description = "..."                 # optional
    match = ["إرهاب", "مكافحة الإرهاب"]  # optional: words or phrases that apply the tag by rule
    min_mentions = 2                    # optional: body matches needed (a headline match always applies it)
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..config import key_line, toml_error_line
from ..errors import Problems
from ..model import Tag
from ..text import clean_line, normalise
from .files import read_text

KEYS = ("id", "name", "description", "match", "min_mentions")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_HEADER = re.compile(r"^\s*\[\[\s*tag\s*\]\]", re.M)


def load_tags(path: Path, problems: Problems) -> tuple[Tag, ...]:
    text = read_text(path, problems)
    if text is None:
        return ()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.error(path, toml_error_line(exc, text), f"invalid TOML: {exc}", "fix the syntax on that line")
        return ()
    for key in data:
        if key != "tag":
            problems.error(path, key_line(text, key), f"unknown table or key '{key}'", "write each tag as a [[tag]] table")
    starts = [text.count("\n", 0, m.start()) + 1 for m in _HEADER.finditer(text)]
    lines = text.split("\n")
    ends = starts[1:] + [len(lines) + 1]
    tags = []
    for record, start, end in zip(data.get("tag", []), starts, ends):
        block = "\n".join(lines[start - 1 : end - 1])
        tag = _tag(path, record, start, block, problems)
        if tag is not None:
            tags.append(tag)
    _check_unique(path, tags, problems)
    return tuple(tags)


def _tag(path: Path, record: dict, start: int, block: str, problems: Problems) -> Tag | None:
    def line_of(key):
        found = key_line(block, key)
        return start + found - 1 if found else start

    errors = len(problems.errors)
    for key in record:
        if key not in KEYS:
            problems.error(path, line_of(key), f"unknown key '{key}'", "use only: " + ", ".join(KEYS))
    for key in ("id", "name"):
        if not isinstance(record.get(key), str) or not record[key].strip():
            problems.error(path, start, f"the tag has no '{key}'", f'add {key} = "..." to this [[tag]]')
    if len(problems.errors) > errors:
        return None
    if not _ID.fullmatch(record["id"]):
        problems.error(path, line_of("id"), f"the id {record['id']!r} is not lower-case ASCII words joined by '-'", 'write it like "war-in-ukraine": it is used in URLs')
    match = record.get("match", [])
    if not isinstance(match, list) or not all(isinstance(m, str) and normalise(m).strip() for m in match):
        problems.error(path, line_of("match"), "'match' must be a list of non-empty strings", 'write match = ["...", "..."]')
    minimum = record.get("min_mentions", 1)
    if type(minimum) is not int or minimum < 1:
        problems.error(path, line_of("min_mentions"), f"'min_mentions' must be a whole number of 1 or more, not {minimum!r}", "write min_mentions = 2")
    description = record.get("description", "")
    if not isinstance(description, str):
        problems.error(path, line_of("description"), "'description' must be a string", 'write description = "..."')
    if len(problems.errors) > errors:
        return None
    return Tag(record["id"], clean_line(record["name"]), path, start, clean_line(description),
               tuple(dict.fromkeys(clean_line(m) for m in match)), minimum)


def _check_unique(path: Path, tags: list[Tag], problems: Problems) -> None:
    ids: dict[str, Tag] = {}
    names: dict[str, Tag] = {}
    for tag in tags:
        if tag.id in ids:
            problems.error(path, tag.line, f"the id '{tag.id}' is used twice (first on line {ids[tag.id].line})", "give each tag its own id")
        if normalise(tag.name) in names:
            other = names[normalise(tag.name)]
            problems.error(path, tag.line, f"the name '{tag.name}' is also the name of '{other.id}' (line {other.line})", "give each tag its own name")
        ids.setdefault(tag.id, tag)
        names.setdefault(normalise(tag.name), tag)
