"""Bad input as real files bring it: each case builds, or stops with the documented message."""

from __future__ import annotations

import os

import pytest
from conftest import SEED_TEXT, write_archive
from htmlcheck import broken_links, parse_page

from arshif.errors import BuildError, Problems
from arshif.load import load_archive
from arshif.pipeline import build


def test_utf16_is_read_with_a_warning(tmp_path):
    root = write_archive(tmp_path / "a", seeds={})
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "u16.txt").write_bytes("عنوان\r\nفقرة\r\n".encode("utf-16"))
    problems = Problems()
    archive = load_archive(root, problems)
    assert archive.articles[0].title == "عنوان"
    [warning] = problems.warnings
    assert "UTF-16" in warning.message and "iconv -f UTF-16" in warning.hint


def test_windows_1256_is_named_and_the_fix_given(tmp_path):
    root = write_archive(tmp_path / "a", seeds={})
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "old.txt").write_bytes("خبر قديم\nنص المقال بترميز قديم.\n".encode("cp1256"))
    with pytest.raises(BuildError) as info:
        load_archive(root, Problems())
    [problem] = info.value.problems
    assert problem.line == 1 and "Windows-1256" in problem.message and "iconv -f WINDOWS-1256 -t UTF-8 'old.txt'" in problem.hint


def test_bidi_overrides_are_removed_marks_kept(tmp_path):
    root = write_archive(tmp_path / "a", seeds={"a.txt": "عنوان\u202e مقلوب\nنص\u200f مع علامة\u2066 وعزل\u2069.\n"})
    article = load_archive(root, Problems()).articles[0]
    assert article.title == "عنوان مقلوب"
    assert article.paragraphs[0].text == "نص\u200f مع علامة وعزل."


def test_symlink_outside_the_archive_is_skipped(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("سر\nلا يُنشر.\n", encoding="utf-8")
    root = write_archive(tmp_path / "a", seeds={"ok.txt": SEED_TEXT})
    os.symlink(secret, root / "seeds" / "leak.txt")
    os.symlink(root / "seeds" / "ok.txt", root / "seeds" / "inside.txt")  # a link inside is fine
    problems = Problems()
    archive = load_archive(root, problems)
    assert sorted(a.id for a in archive.articles) == ["inside", "ok"]
    [warning] = problems.warnings
    assert warning.path.name == "leak.txt" and "outside the archive" in warning.message


def test_file_names_with_spaces_and_arabic_letters(tmp_path):
    root = write_archive(tmp_path / "a", seeds={"خبر عاجل 1.txt": SEED_TEXT, "news item.txt": SEED_TEXT})
    out = tmp_path / "out"
    build(root, out)
    assert (out / "articles" / "خبر عاجل 1.html").is_file()
    assert "articles/%D8%AE%D8%A8%D8%B1%20%D8%B9%D8%A7%D8%AC%D9%84%201.html" in (out / "index.html").read_text(encoding="utf-8")
    assert broken_links(out) == []


def test_a_ten_megabyte_article_and_a_fifty_thousand_character_line(tmp_path):
    long_line = ("كلمة " * 10_000).strip()  # 50,000 characters
    paragraphs = "\n".join(f"الفقرة رقم {i} من مقال طويل جدا عن الاقتصاد والنفط والسياسة في المنطقة." * 3 for i in range(40_000))
    root = write_archive(tmp_path / "a", seeds={"long.txt": f"سطر طويل\n{long_line}\n", "huge.txt": f"مقال ضخم\n{paragraphs}\n"})
    assert (root / "seeds" / "huge.txt").stat().st_size > 10_000_000
    out = tmp_path / "out"
    build(root, out)
    page = parse_page(out / "articles" / "long.html")
    assert long_line in [p.strip() for p in page.texts["p"]]
    assert (out / "articles" / "huge.html").stat().st_size > 10_000_000
    assert len((out / "index.html").read_text(encoding="utf-8")) < 100_000  # the summary is cut, not the whole article


def test_crlf_and_cr_line_ends_and_controls(tmp_path):
    root = write_archive(tmp_path / "a", seeds={})
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "win.txt").write_bytes("عنوان\r\nفقرة\x1a أولى\r\n\r\nفقرة ثانية\r\n".encode())
    (root / "seeds" / "mac.txt").write_bytes("عنوان\rفقرة\r".encode())
    archive = load_archive(root, Problems())
    by_id = {a.id: a for a in archive.articles}
    assert [p.text for p in by_id["win"].paragraphs] == ["فقرة أولى", "فقرة ثانية"]
    assert [p.text for p in by_id["mac"].paragraphs] == ["فقرة"]


def test_hostile_ids_and_names_write_nothing_outside_the_output(tmp_path):
    root = write_archive(
        tmp_path / "work" / "archive",
        seeds={"a.txt": SEED_TEXT},
        metadata='file,source,date,url,author,tags\na.txt,../../../escaped,2015-01-01,,,../../../etc/passwd;..\\..\\x\n',
        pages={"a b.md": "---\ntitle: صفحة\n---\nنص\n"},
    )
    out = tmp_path / "work" / "site"
    before = set((tmp_path).rglob("*"))
    build(root, out)
    created = {p for p in set(tmp_path.rglob("*")) - before if out not in p.parents and p != out}
    # beside the output, only arshif's own lock and caches; everything else inside the output folder
    assert {p.name for p in created} == {".site.arshif-lock", ".site.arshif-cache", ".site.arshif-words"}
    assert not any(".." in p.relative_to(out).as_posix().split("/") for p in out.rglob("*"))
    assert broken_links(out) == []


def test_malformed_csv_rows_are_reported_with_their_line(tmp_path):
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT, "b.txt": SEED_TEXT},
                         metadata='file,source,date,url,author\na.txt,x,2015-01-01,,\nb.txt,"unclosed,2015-01-02,,\n')
    with pytest.raises(BuildError) as info:
        load_archive(root, Problems())
    assert [(p.line, p.path.name) for p in info.value.problems] == [(3, "metadata.csv")]
    root2 = write_archive(tmp_path / "b", seeds={"a.txt": SEED_TEXT}, metadata="file,source,date,url,author\na.txt,x,2015-01-01\n")
    with pytest.raises(BuildError) as info:
        load_archive(root2, Problems())
    assert info.value.problems[0].line == 2 and "as many fields as the header" in info.value.problems[0].message
