"""Field values shared by the CSV and front-matter loaders: dates, URLs, tag lists."""

from __future__ import annotations

import calendar
import re
from datetime import date
from pathlib import Path
from urllib.parse import quote

from ..errors import Problems
from ..text import FORBIDDEN, clean_line

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UNSAFE_IN_URL = re.compile(rf"\s|{FORBIDDEN.pattern}")
LIKELY_YEARS = range(1800, 2101)  # a date outside is most likely a typo (0215, 2105): warned, still built
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def parse_date(value: str, path: Path, line: int | None, problems: Problems) -> date | None:
    """YYYY-MM-DD, or empty for an undated article."""
    value = value.strip()
    if not value:
        return None
    match = _DATE.fullmatch(value)
    if match is None:
        problems.error(path, line, f"bad date {value!r}", "write the date as YYYY-MM-DD, e.g. 2022-10-26")
        return None
    year, month, day_of_month = (int(g) for g in match.groups())
    missing = _no_such_day(year, month, day_of_month)
    if missing:  # written right, but not on the calendar: saying "write it as YYYY-MM-DD" would mislead
        problems.error(path, line, f"bad date {value!r}: {missing}", "check it against the source: the year, then the month (01 to 12), then the day")
        return None
    day = date(year, month, day_of_month)
    if day.year not in LIKELY_YEARS:
        problems.warn(path, line, f"the date {value} is before 1800 or after 2100", "check the year; if it is right, ignore this warning")
    return day


def _no_such_day(year: int, month: int, day: int) -> str:
    """Why a date written as YYYY-MM-DD is on no calendar, or "" if it is."""
    if year == 0:
        return "there is no year 0"
    if not 1 <= month <= 12:
        return f"there is no month {month} (months are 01 to 12)"
    days = calendar.monthrange(year, month)[1]
    if day == 0:
        return "there is no day 0"
    if day > days:
        return f"{_MONTHS[month - 1]} {year} has {days} days"
    return ""


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
