from datetime import date

import pytest

from arshif.dates import gregorian_text, hijri_text, month_text
from arshif.model import relative_url
from arshif.dates import count_articles
from arshif.text import clean_line, shorten


def test_gregorian_and_hijri():
    day = date(2022, 10, 26)
    assert gregorian_text(day, "arabic") == "٢٦ أكتوبر ٢٠٢٢"
    assert gregorian_text(day, "latin") == "26 أكتوبر 2022"
    assert hijri_text(day, "arabic") == "١ ربيع الآخر ١٤٤٤ هـ"
    assert hijri_text(date(2015, 7, 21), "latin") == "5 شوال 1436 هـ"
    assert hijri_text(date(1900, 1, 1), "arabic") == ""  # outside the Umm al-Qura tables
    assert month_text(2015, 8, "arabic") == "أغسطس ٢٠١٥"


@pytest.mark.parametrize("n, text", [(1, "مقال واحد"), (2, "مقالان"), (3, "3 مقالات"), (10, "10 مقالات"),
                                     (11, "11 مقالًا"), (99, "99 مقالًا"), (100, "100 مقال"), (103, "103 مقالات"), (2000, "2000 مقال")])
def test_count_articles(n, text):
    assert count_articles(n, "latin") == text


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
