"""archive.toml -> frozen Settings. Unknown keys are rejected; every error is collected."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import inputs
from .errors import Problems
from .text import FORBIDDEN, clean_line

DIGIT_STYLES = ("arabic", "latin")
LINK_POLICIES = ("first", "paragraph", "all")


@dataclass(frozen=True)
class Settings:
    title: str = "أرشيف الأخبار"
    description: str = "أرشيف منسق لمقالات إخبارية عربية."
    id: str = "archive"
    base_url: str = ""  # absolute URL of the hosted site, ending in "/"; "" when unknown
    home_page_size: int = 20
    list_page_size: int = 50
    feed_size: int = 50
    digits: str = "arabic"  # digits used in dates shown to readers
    hijri: bool = True
    sources: dict[str, str] = field(default_factory=dict)  # source id -> name shown
    link_mentions: str = "first"  # which entity mentions are links: first | paragraph | all
    previous_snapshot: str = ""  # address of the snapshot published before this one, linked from snapshot.html

    def source_name(self, source: str) -> str:
        return self.sources.get(source, source)


# key -> (type, check, what a valid value looks like)
def _positive(value):
    return value > 0


_SCHEMA = {
    "title": (str, lambda v: bool(clean_line(v)), "a non-empty string"),
    "description": (str, lambda v: True, "a string"),
    "id": (str, lambda v: re.fullmatch(r"[a-z0-9][a-z0-9-]*", v), "lower-case ASCII letters, digits and '-'"),
    "base_url": (str, lambda v: re.match(r"https?://[^\s#?<>\"']+/$", v) and not FORBIDDEN.search(v),
                 'an absolute http(s) URL ending in "/", without "#", "?", quotes or angle brackets'),
    "home_page_size": (int, _positive, "a positive whole number"),
    "list_page_size": (int, _positive, "a positive whole number"),
    "feed_size": (int, _positive, "a positive whole number"),
    "digits": (str, lambda v: v in DIGIT_STYLES, '"arabic" or "latin"'),
    "hijri": (bool, lambda v: True, "true or false"),
    "link_mentions": (str, lambda v: v in LINK_POLICIES, '"first" (the first in the body), "paragraph" or "all"'),
    "previous_snapshot": (str, lambda v: re.match(r"(https?://\S+|[^:\s]+)$", v) and not FORBIDDEN.search(v),
                          "an http(s) address or a relative path"),
    "sources": (dict, lambda v: all(isinstance(x, str) and clean_line(x) for x in v.values()), "a table of source = \"name\" (names not blank)"),
}


def load_settings(archive_dir: Path, problems: Problems) -> Settings:
    path = archive_dir / inputs.kind("settings").path
    default_id = _slug(archive_dir.resolve().name) or "archive"
    if not path.is_file():
        return Settings(id=default_id)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        problems.error(path, None, "archive.toml is not UTF-8 text", "save it as UTF-8")
        return Settings(id=default_id)
    except tomllib.TOMLDecodeError as exc:
        problems.error(path, toml_error_line(exc, text), f"invalid TOML: {exc}", toml_error_hint(exc))
        return Settings(id=default_id)
    values = {"id": default_id}
    for key, value in data.items():
        line = key_line(text, key)
        if key not in _SCHEMA:
            known = ", ".join(sorted(_SCHEMA))
            problems.error(path, line, f"unknown setting '{key}'", f"use one of: {known}")
            continue
        kind, check, expected = _SCHEMA[key]
        if type(value) is not kind or not check(value):
            problems.error(path, line, f"'{key}' must be {expected}, not {value!r}", f"set {key} to {expected}")
            continue
        values[key] = _cleaned(key, value)
    return Settings(**values)


def _cleaned(key: str, value):
    """Text readers see is cleaned as article text is: no control character or bidi override
    reaches a page, a feed or the manifest."""
    if key in ("title", "description"):
        return clean_line(value)
    if key == "sources":
        return {source: clean_line(name) for source, name in value.items()}
    return value


def key_line(text: str, key: str) -> int | None:
    """The line where `key = ...` or `[key]` first appears (tomllib gives no positions)."""
    pattern = re.compile(rf'^[ \t]*(\[[ \t]*{re.escape(key)}[ \t]*\]|"?{re.escape(key)}"?[ \t]*=)', re.M)  # \s would take blank lines before
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def toml_error_hint(exc: tomllib.TOMLDecodeError) -> str:
    """What to do. A value like 2021-02-30 is read as a date, and refused as no such day: not a syntax error."""
    if "Invalid date" in str(exc):
        return 'the date is on no calendar (as 2021-02-30): check its month and day; or, if it is text, quote it: "..."'
    return "fix the syntax on that line"


def toml_error_line(exc: tomllib.TOMLDecodeError, text: str) -> int | None:
    """The line tomllib names in its message ("at line 3"), or the last line for "at end of document"."""
    match = re.search(r"line (\d+)", str(exc))
    if match:
        return int(match.group(1))
    return max(1, text.rstrip("\n").count("\n") + 1) if "end of document" in str(exc) else None


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
