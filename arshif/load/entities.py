"""content/entities.toml: the curators' list of people, organisations, places...

    [[entity]]
    id = "vladimir-putin"
    name = "فلاديمير بوتين"
    type = "person"
    aliases = ["بوتين"]
    description = "الرئيس الروسي"
    adjectives = []          # optional: forms that relate an article without a link
    shared_aliases = []      # optional: aliases another entity may also use, on purpose
    nisba = []               # optional: aliases that are also adjectives (السعودية): a link only where they read as the name

Every problem is reported with its line (load/tables.py), then the build stops.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Problems
from ..model import ENTITY_TYPES, Entity
from ..text import clean_line, normalise
from .tables import Entry, read_entries

REQUIRED = ("id", "name", "type")
OPTIONAL = ("aliases", "description", "adjectives", "shared_aliases", "nisba")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def load_entities(path: Path, problems: Problems) -> tuple[Entity, ...]:
    entities = [_entity(path, entry, problems) for entry in read_entries(path, "entity", problems)]
    entities = [e for e in entities if e is not None]
    _check_duplicate_ids(path, entities, problems)
    _check_shared_aliases(path, entities, problems)
    return tuple(entities)


def _entity(path: Path, entry: Entry, problems: Problems) -> Entity | None:
    record, start, line_of = entry.record, entry.start, entry.line_of
    ok = True
    for key in record:
        if key not in REQUIRED + OPTIONAL:
            problems.error(path, line_of(key), f"unknown key '{key}'", "use only: " + ", ".join(REQUIRED + OPTIONAL))
            ok = False
    for key in REQUIRED:
        if not isinstance(record.get(key), str) or not record[key].strip():
            problems.error(path, start, f"the entity has no '{key}'", f'add {key} = "..." to this [[entity]]')
            ok = False
    if not ok:
        return None
    if not _ID.fullmatch(record["id"]):
        problems.error(path, line_of("id"), f"the id {record['id']!r} is not lower-case ASCII words joined by '-'", 'write it like "vladimir-putin": it is used in URLs')
        ok = False
    if record["type"] not in ENTITY_TYPES:
        problems.error(path, line_of("type"), f"unknown type {record['type']!r}", "use one of: " + ", ".join(ENTITY_TYPES))
        ok = False
    lists = {}
    for key in ("aliases", "adjectives", "shared_aliases", "nisba"):
        value = record.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and normalise(v).strip() for v in value):
            problems.error(path, line_of(key), f"'{key}' must be a list of non-empty strings", f'write {key} = ["...", "..."]')
            ok = False
        else:
            lists[key] = tuple(dict.fromkeys(clean_line(v) for v in value))
    description = record.get("description", "")
    if not isinstance(description, str):
        problems.error(path, line_of("description"), "'description' must be a string", 'write description = "..."')
        ok = False
    if not ok:
        return None
    name = clean_line(record["name"])
    aliases = tuple(dict.fromkeys((name, *lists["aliases"], *lists["nisba"])))  # a nisba alias is an alias, marked
    return Entity(record["id"], name, record["type"], aliases, path, start, clean_line(description), lists["adjectives"],
                  lists["shared_aliases"], lists["nisba"])


def _check_duplicate_ids(path: Path, entities: list[Entity], problems: Problems) -> None:
    seen: dict[str, Entity] = {}
    for entity in entities:
        if entity.id in seen:
            problems.error(path, entity.line, f"the id '{entity.id}' is used twice (first on line {seen[entity.id].line})", "give each entity its own id")
        seen.setdefault(entity.id, entity)


def _check_shared_aliases(path: Path, entities: list[Entity], problems: Problems) -> None:
    """The same alias for two entities is an error unless both mark it in shared_aliases."""
    owners: dict[str, list[Entity]] = {}
    for entity in entities:
        for alias in dict.fromkeys(normalise(a) for a in entity.aliases):
            owners.setdefault(alias, []).append(entity)
    for alias, group in owners.items():
        if len(group) < 2:
            continue
        names = ", ".join(e.id for e in group)
        intended = all(alias in {normalise(a) for a in e.shared_aliases} for e in group)
        report = problems.warn if intended else problems.error
        message = f"the alias '{alias}' belongs to {len(group)} entities ({names})"
        hint = ("it is left unlinked, as neither is certain" if intended else
                f"remove it from all but one, or, if it is truly shared, add it to shared_aliases of each of {names} (it will not be linked)")
        report(path, group[-1].line, message, hint)
