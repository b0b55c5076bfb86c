"""Loading: seeds, metadata.csv, Markdown front matter, and every bad-input error with file and line."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import SEED_TEXT, write_archive

from arshif.errors import BuildError, Problems
from arshif.load import load_archive
from arshif.load.seeds import load_seed


def load(root):
    problems = Problems()
    return load_archive(root, problems), problems


def errors_of(root) -> list:
    with pytest.raises(BuildError) as info:
        load_archive(root, Problems())
    return info.value.problems


def test_seed_headline_and_paragraphs(tmp_path):
    path = tmp_path / "001_x.txt"
    path.write_text(SEED_TEXT, encoding="utf-8")
    article = load_seed(path, Problems())
    assert article.id == "001_x"
    assert article.title == "عنوان المقال الأول"
    assert [p.text for p in article.paragraphs] == ["الفقرة الأولى من المقال.", "الفقرة الثانية من المقال."]
    assert [p.line for p in article.paragraphs] == [2, 4]


@pytest.mark.parametrize("raw", [
    "\ufeffعنوان\r\nفقرة أولى\r\nفقرة ثانية\r\n".encode(),
    "عنوان\rفقرة أولى\rفقرة ثانية".encode(),
    "عنوان\nفقرة\x1a أولى\n\t\nفقرة   ثانية\n".encode(),
])
def test_seed_line_ends_bom_and_controls(tmp_path, raw):
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    article = load_seed(path, Problems())
    assert article.title == "عنوان"
    assert [p.text for p in article.paragraphs] == ["فقرة أولى", "فقرة ثانية"]


def test_metadata_applies_to_seeds(small_archive):
    archive, problems = load(small_archive)
    first = next(a for a in archive.articles if a.id == "001_a")
    assert first.date == date(2015, 8, 1)
    assert first.source == "okaz" and first.url == "https://example.com/a" and first.author == "كاتب"
    assert [a.id for a in archive.articles] == ["001_a", "002_b"]  # newest first
    assert problems.items == []


def test_metadata_title_and_tags_columns(tmp_path):
    root = write_archive(tmp_path, seeds={"a.txt": SEED_TEXT},
                         metadata="file,source,date,url,author,tags,title\na.txt,was,2015-07-21,,,سياسة; اقتصاد ;سياسة,عنوان بديل\n")
    article = load(root)[0].articles[0]
    assert article.title == "عنوان بديل"
    assert article.tags == ("سياسة", "اقتصاد")


def test_every_bad_input_reported_in_one_run(tmp_path):
    root = write_archive(
        tmp_path,
        seeds={"empty.txt": "", "headline_only.txt": "عنوان وحده\n\n", "good.txt": SEED_TEXT},
        metadata="file,source,date,url,author\ngood.txt,okaz,2015-13-45,,\nmissing.txt,okaz,2015-08-01,,\n",
        articles={"good.md": "---\ntitle: مقال\n---\nنص\n", "open.md": "---\ntitle: لا إغلاق\nنص\n"},
    )
    (root / "seeds" / "cp1256.txt").write_bytes("عنوان\nنص".encode("cp1256"))
    (root / "seeds" / "good.txt").rename(root / "seeds" / "good.txt")
    problems = errors_of(root)
    shown = "\n".join(p.show(root) for p in problems)
    assert "seeds/empty.txt: the file is empty" in shown
    assert "seeds/headline_only.txt:1: the article has a headline but no body" in shown
    assert "seeds/cp1256.txt:1: the file is Windows-1256 (Arabic) text" in shown and "iconv -f WINDOWS-1256" in shown
    assert "content/metadata.csv:2: bad date '2015-13-45'" in shown
    assert "content/metadata.csv:3: a row for 'missing.txt', which is not in seeds/" in shown
    assert "content/articles/open.md:1: the front matter opened on line 1 is never closed" in shown
    assert all("fix:" in p.show() for p in problems)


def test_not_utf8_names_the_line(tmp_path):
    root = write_archive(tmp_path, seeds={})
    (root / "seeds").mkdir()
    (root / "seeds" / "a.txt").write_bytes("عنوان\nفقرة\n".encode() + "كلمة".encode("cp1256") + b"\n")
    [problem] = errors_of(root)
    assert problem.line == 3


def test_duplicate_ids_across_seeds_and_content(tmp_path):
    root = write_archive(tmp_path, seeds={"dup.txt": SEED_TEXT}, articles={"dup.md": "---\ntitle: مقال\n---\nنص\n"})
    [problem] = errors_of(root)
    assert "the id 'dup' is also the id of" in problem.message
    assert problem.path.name == "dup.md"


@pytest.mark.parametrize("front, line, message", [
    ("---\ntitle: عنوان\ncolour: أحمر\n---\nنص\n", 3, "unknown front matter field 'colour'"),
    ("---\ntitle: عنوان\nهذا ليس حقلا\n---\nنص\n", 3, "cannot read front matter line"),
    ("---\ntitle: عنوان\ndate: 26/10/2022\n---\nنص\n", 3, "bad date"),
    ("---\ntitle: عنوان\ntags: [أ, ب\n---\nنص\n", 3, "is not closed"),
    ("---\ntitle: عنوان\ntitle: آخر\n---\nنص\n", 3, "is given twice"),
    ("---\ndate: 2022-10-26\n---\nنص\n", 1, "has no title"),
    ("عنوان بلا رأس\nنص\n", 1, "does not start with front matter"),
    ("---\ntitle: عنوان\nurl: javascript:alert(1)\n---\nنص\n", 3, "is not an http(s) address"),
    ("---\ntitle: عنوان\n---\n\n", 4, "no body"),
])
def test_malformed_front_matter(tmp_path, front, line, message):
    root = write_archive(tmp_path, articles={"a.md": front})
    [problem] = errors_of(root)
    assert problem.line == line
    assert message in problem.message


def test_markdown_article_fields(tmp_path):
    root = write_archive(tmp_path, articles={"curated.md": (
        "---\ntitle: \"عنوان: مع نقطتين\"\ndate: 2022-10-27\nsource: المنسقون\nauthor: فريق\n"
        "tags: [روسيا, الردع]\nsummary: ملخص قصير\nurl: https://example.org/x\n---\n# قسم\n\nفقرة **مهمة**.\n")})
    article = load(root)[0].articles[0]
    assert article.title == "عنوان: مع نقطتين"
    assert article.date == date(2022, 10, 27) and article.tags == ("روسيا", "الردع")
    assert "<h2>قسم</h2>" in article.body_html  # demoted: the page title is the only <h1>
    assert "<strong>مهمة</strong>" in article.body_html


def test_markdown_raw_html_allow_list(tmp_path):
    body = ('<script>alert(1)</script>\n\nنص <img src=x onerror=alert(1)> و[رابط](javascript:alert(1)) و[آخر](https://example.org)'
            ' <sup>1</sup> <abbr title="حلف شمال الأطلسي" onclick="x()">الناتو</abbr> <iframe src="https://evil.example"></iframe>'
            ' <a href="javascript:alert(2)">ا</a> <img src="data:image/svg+xml,x" alt="ب">\n\n<div style="x" onmouseover="y()"><b>عريض</b></div>\n')
    root = write_archive(tmp_path, articles={"a.md": "---\ntitle: ع\n---\n" + body})
    html = load(root)[0].articles[0].body_html
    assert "<script" not in html and "&lt;script&gt;" in html  # shown as text
    assert "<iframe" not in html and "&lt;iframe" in html
    assert "onerror" not in html and "onclick" not in html and "onmouseover" not in html and "style=" not in html
    assert "javascript:" not in html and "data:" not in html
    assert 'href="https://example.org"' in html and "<sup>1</sup>" in html and '<abbr title="حلف شمال الأطلسي">' in html
    assert '<img src="x" alt="">' in html and "<div><b>عريض</b></div>" in html
    assert html.count("<img") == 1  # the one with a data: address is left out


def test_metadata_header_errors(tmp_path):
    root = write_archive(tmp_path, seeds={"a.txt": SEED_TEXT}, metadata="file,date\na.txt,2015-01-01\n")
    [problem] = errors_of(root)
    assert problem.line == 1 and "missing column(s): source, url, author" in problem.message


def test_metadata_unsafe_url_and_duplicate_row(tmp_path):
    root = write_archive(tmp_path, seeds={"a.txt": SEED_TEXT},
                         metadata="file,source,date,url,author\na.txt,x,2015-01-01,javascript:alert(1),\na.txt,x,2015-01-01,,\n")
    problems = errors_of(root)
    assert [p.line for p in problems] == [2]
    assert "not an http(s) address" in problems[0].message


def test_seed_without_metadata_row_is_a_warning(tmp_path):
    root = write_archive(tmp_path, seeds={"a.txt": SEED_TEXT, "b.txt": SEED_TEXT}, metadata="file,source,date,url,author\na.txt,x,2015-01-01,,\n")
    archive, problems = load(root)
    assert len(archive.articles) == 2
    [warning] = problems.warnings
    assert warning.path.name == "b.txt"
    assert archive.articles[-1].date is None  # undated articles come last
