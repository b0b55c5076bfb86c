"""Dates as Arabic readers write them: Gregorian with the Hijri (Umm al-Qura) date beside it.

Month names come from tables here and digits from the text core's, not from the system
locale: these machines have no ar_* locales, and output must not depend on the host.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from hijridate import Gregorian

# digits and the counted-noun rule live in the text core; older importers (render, search) find them here too
from .text import count_articles, digits  # noqa: F401

GREGORIAN_MONTHS = (
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
)
HIJRI_MONTHS = (
    "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
    "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
)

@cache
def gregorian_text(day: date, style: str) -> str:
    return f"{digits(day.day, style)} {GREGORIAN_MONTHS[day.month - 1]} {digits(day.year, style)}"


@cache
def hijri_text(day: date, style: str) -> str:
    """'١ ربيع الآخر ١٤٤٤ هـ', or "" outside the Umm al-Qura tables (1924-2077)."""
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except (OverflowError, ValueError):
        return ""
    return f"{digits(hijri.day, style)} {HIJRI_MONTHS[hijri.month - 1]} {digits(hijri.year, style)} هـ"


def month_text(year: int, month: int, style: str) -> str:
    return f"{GREGORIAN_MONTHS[month - 1]} {digits(year, style)}"
