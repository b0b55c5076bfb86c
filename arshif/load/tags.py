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
from pathlib import Path

from ..errors import Problems
from ..model import Tag
from ..text import clean_line, normalise
from .tables import Entry, read_entries

KEYS = ("id", "name", "description", "match", "min_mentions")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def load_tags(path: Path, problems: Problems) -> tuple[Tag, ...]:
    tags = [_tag(path, entry, problems) for entry in read_entries(path, "tag", problems)]
    tags = [t for t in tags if t is not None]
    _check_unique(path, tags, problems)
    return tuple(tags)


def _tag(path: Path, entry: Entry, problems: Problems) -> Tag | None:
    record, start, line_of = entry.record, entry.start, entry.line_of
    before = len(problems.items)
    for key in record:
        if key not in KEYS:
            problems.error(path, line_of(key), f"unknown key '{key}'", "use only: " + ", ".join(KEYS))
    for key in ("id", "name"):
        if not isinstance(record.get(key), str) or not record[key].strip():
            problems.error(path, start, f"the tag has no '{key}'", f'add {key} = "..." to this [[tag]]')
    if problems.erred_since(before):
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
    if problems.erred_since(before):
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
