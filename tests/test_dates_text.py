from datetime import date
from pathlib import Path

import pytest

from arshif import text
from arshif.dates import count_articles, gregorian_text, hijri_text, month_text  # count_articles: still importable from dates
from arshif.model import relative_url
from arshif.text import CountedNoun, clean_line, count_times, counted, shorten


def test_gregorian_and_hijri():
    day = date(2022, 10, 26)
    assert gregorian_text(day, "arabic") == "٢٦ أكتوبر ٢٠٢٢"
    assert gregorian_text(day, "latin") == "26 أكتوبر 2022"
    assert hijri_text(day, "arabic") == "١ ربيع الآخر ١٤٤٤ هـ"
    assert hijri_text(date(2015, 7, 21), "latin") == "5 شوال 1436 هـ"
    assert hijri_text(date(1900, 1, 1), "arabic") == ""  # outside the Umm al-Qura tables
    assert month_text(2015, 8, "arabic") == "أغسطس ٢٠١٥"


# n -> (articles, times): 1 and 2 in words, 3-10 plural, 11-99 singular accusative, and where the
# last two digits are 00, 01 or 02 (100-102, 1000-1002) singular genitive, as news style writes them
COUNTS = {
    0: ("0 مقال", "0 مرة"), 1: ("مقال واحد", "مرة واحدة"), 2: ("مقالان", "مرتين"), 3: ("3 مقالات", "3 مرات"),
    10: ("10 مقالات", "10 مرات"), 11: ("11 مقالًا", "11 مرة"), 99: ("99 مقالًا", "99 مرة"), 100: ("100 مقال", "100 مرة"),
    101: ("101 مقال", "101 مرة"), 102: ("102 مقال", "102 مرة"), 103: ("103 مقالات", "103 مرات"),
    110: ("110 مقالات", "110 مرات"), 111: ("111 مقالًا", "111 مرة"), 1000: ("1000 مقال", "1000 مرة"),
    1001: ("1001 مقال", "1001 مرة"), 1002: ("1002 مقال", "1002 مرة"), 2000: ("2000 مقال", "2000 مرة"),
}


@pytest.mark.parametrize("n", COUNTS)
def test_counted_nouns(n):
    articles, times = COUNTS[n]
    assert count_articles(n, "latin") == articles
    assert count_times(n, "latin") == times


def test_counted_nouns_in_arabic_digits():
    assert count_articles(103, "arabic") == "١٠٣ مقالات"
    assert count_times(101, "arabic") == "١٠١ مرة"
    assert count_times(2, "arabic") == "مرتين"
    assert counted(12, CountedNoun("خبر واحد", "خبران", "أخبار", "خبرًا", "خبر"), "arabic") == "١٢ خبرًا"


def test_clean_line_and_shorten():
    assert clean_line("\x1a  نص\u00a0 مع\tمسافات \ufeff") == "نص مع مسافات"
    assert shorten("كلمة " * 10, 22) == "كلمة كلمة كلمة كلمة…"
    assert shorten("قصير", 10) == "قصير"


@pytest.mark.parametrize("src, dst, link", [
    ("index.html", "articles/a.html", "articles/a.html"),
    ("articles/a.html", "articles/b.html", "../articles/b.html"),
    ("archive/2015/08/page-2.html", "index.html", "../../../index.html"),
    ("index.html", "articles/عربي 1.html", "articles/%D8%B9%D8%B1%D8%A8%D9%8A%201.html"),
])
def test_relative_url(src, dst, link):
    assert relative_url(src, dst) == link


def test_the_ignored_mark_is_named_in_one_place():
    """text.IGNORED stands for the marks folding removes; every other module uses the name."""
    package = Path(text.__file__).parent
    for path in package.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if path.name != "text.py":
            assert "\\ue000" not in source and "\ue000" not in source, f"{path.relative_to(package)} spells text.IGNORED"
