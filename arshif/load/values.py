"""Field values shared by the CSV and front-matter loaders: dates, URLs, tag lists."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import quote

from ..errors import Problems
from ..text import FORBIDDEN, clean_line

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UNSAFE_IN_URL = re.compile(rf"\s|{FORBIDDEN.pattern}")
LIKELY_YEARS = range(1800, 2101)  # a date outside is most likely a typo (0215, 2105): warned, still built


def parse_date(value: str, path: Path, line: int | None, problems: Problems) -> date | None:
    """YYYY-MM-DD, or empty for an undated article."""
    value = value.strip()
    if not value:
        return None
    match = _DATE.fullmatch(value)
    try:
        if match is None:
            raise ValueError
        day = date(*(int(g) for g in match.groups()))
    except ValueError:
        problems.error(path, line, f"bad date {value!r}", "write the date as YYYY-MM-DD, e.g. 2022-10-26")
        return None
    if day.year not in LIKELY_YEARS:
        problems.warn(path, line, f"the date {value} is before 1800 or after 2100", "check the year; if it is right, ignore this warning")
    return day


def safe_url(value: str, path: Path, line: int | None, problems: Problems) -> str:
    """An http(s) address of the original article, or "" (no javascript: or data: links)."""
    value = value.strip()
    if value and not re.match(r"https?://[^\s/?#]+", value, re.I):
        problems.error(path, line, f"the url {value!r} is not an http(s) address", "give the full address, starting with https:// or http://, or leave it empty")
        return ""
    # Scraped addresses hold stray spaces (a no-break space in one corpus URL): encode them,
    # and the characters no page shows (controls, bidi overrides), which would reach href raw
    return _UNSAFE_IN_URL.sub(lambda m: quote(m.group()), value)


def parse_tags(value: str) -> tuple[str, ...]:
    tags = (clean_line(t) for t in value.split(";"))
    return tuple(dict.fromkeys(t for t in tags if t))
