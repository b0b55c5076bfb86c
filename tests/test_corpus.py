"""The 2,000 real articles of ../shared/corpus, built once: content, links, dates, determinism."""

from __future__ import annotations

import csv

from conftest import CORPUS
from htmlcheck import broken_links, parse_page

from arshif.load.files import split_lines
from arshif.text import clean_line


def test_every_article_has_its_page(corpus_site):
    pages = list((corpus_site / "articles").glob("*.html"))
    assert len(pages) == 2000
    assert len(list((corpus_site / "archive").rglob("*.html"))) > 18


def test_pages_show_the_source_text(corpus_site):
    rows = list(csv.DictReader(open(CORPUS / "metadata.csv", encoding="utf-8")))
    for row in rows[::97]:
        source = (CORPUS / "articles" / row["file"]).read_text(encoding="utf-8")
        lines = [clean_line(line) for line in split_lines(source)]
        page = parse_page(corpus_site / "articles" / (row["file"][:-4] + ".html"))
        assert page.texts["h1"] == [lines[0]]
        shown = [p.strip() for p in page.texts["p"]]
        for paragraph in (line for line in lines[1:] if line):
            assert paragraph in shown, row["file"]
        assert page.texts["time"][0]  # a date in Arabic
        html = (corpus_site / "articles" / (row["file"][:-4] + ".html")).read_text(encoding="utf-8")
        assert f'<time datetime="{row["date"]}">' in html
        assert "هـ</span>" in html  # with its Hijri date


def test_no_control_characters_reach_the_pages(corpus_site):
    for page in (corpus_site / "articles").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in text), page


def test_all_internal_links_resolve(corpus_site):
    assert broken_links(corpus_site) == []


def test_months_hold_all_articles(corpus_site):
    months = sorted((corpus_site / "archive" / "2015").glob("*/index.html"))
    assert [m.parent.name for m in months] == ["07", "08"]
    total = 0
    for month in months:
        for page in month.parent.glob("*.html"):
            total += page.read_text(encoding="utf-8").count('class="item"')
    assert total == 2000
