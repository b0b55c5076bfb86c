"""Inputs that cost too much or mislead: one article must not stall or crash a build, a
hundred thousand errors must not flood the terminal, and every message must name the
real problem at the real line."""

from __future__ import annotations

import time

import pytest
from conftest import SEED_TEXT, write_archive

from arshif.cli import main
from arshif.errors import BuildError
from arshif.load.markdown_files import render_markdown
from arshif.pipeline import build

SECONDS_PER_INPUT = 5  # a bound on what one article may cost, not a benchmark
SIZE = 100_000
ENTITY = '[[entity]]\nid = "putin"\nname = "بوتين"\ntype = "person"\n'  # so the entity step renders the Markdown again, linked


def _repeat(motif: str) -> str:
    return motif * (SIZE // len(motif))


# Each was quadratic (or worse) in Python-Markdown, or crashed it; times measured before the bound.
HOSTILE_MARKDOWN = {
    "open brackets": _repeat("["),  # 30,000 took 137 s
    "open images": _repeat("!["),
    "brackets nested": "[" * (SIZE // 2) + "]" * (SIZE // 2),
    "open references": _repeat("[a]["),
    "open link addresses": _repeat("[a]("),
    "quoted link addresses": _repeat('[a]("x)'),  # 20 KB: 3.9 s
    "emphasis": _repeat("*a"),
    "nested emphasis": _repeat("*_"),
    "open tags": _repeat("<a "),  # 20 KB: 5.5 s
    "open CDATA": _repeat("<![CDATA["),  # 20 KB: 13 s
    "escaped backquotes": _repeat("\\``"),  # 10 KB: 2 s
    "backquote runs": _repeat("``a`"),
    "character references": _repeat("&#1"),
    "setext headings": _repeat("a\n-\n"),  # 50 KB: 25 s
    "rules": _repeat("***\n"),
    "empty list items in quotes": _repeat("- \n>"),  # 100 KB: 14 s
    "list marks on one line": _repeat("- ") + "x",  # RecursionError
    "lists nested by tabs": "".join("\t" * depth + "- x\n" for depth in range(440)),  # RecursionError
    "quotes nested": _repeat("> ") + "x",
    "quotes nested line by line": "".join("> " * depth + "x\n" for depth in range(310)),
    "line breaks": _repeat("a  \n"),
    "tiny paragraphs": _repeat("[\n\n"),
}


@pytest.mark.parametrize("name", HOSTILE_MARKDOWN)
def test_no_markdown_article_of_100_kb_takes_over_5_seconds(tmp_path, name):
    body = HOSTILE_MARKDOWN[name]
    root = write_archive(tmp_path / "a", articles={"x.md": f"---\ntitle: عنوان\n---\n{body}\n"})
    (root / "content" / "entities.toml").write_text(ENTITY, encoding="utf-8")
    started = time.perf_counter()
    try:
        build(root, tmp_path / "out")
    except BuildError as exc:
        [problem] = exc.problems
        assert problem.path.name == "x.md" and problem.line >= 4, problem.show()
        assert problem.message.startswith(("the Markdown is too costly to convert: ", "lists or quotes nested ")), problem.show()
        assert problem.hint
    elapsed = time.perf_counter() - started
    assert elapsed < SECONDS_PER_INPUT, f"{name}: {elapsed:.1f} s"


def test_a_page_is_bounded_as_an_article_is(tmp_path):
    root = write_archive(tmp_path / "a", articles={"ok.md": "---\ntitle: عنوان\n---\nنص.\n"},
                         pages={"about.md": "---\ntitle: عن الأرشيف\n---\nمقدمة.\n\n" + "[" * 50_000 + "\n"})
    with pytest.raises(BuildError) as info:
        build(root, tmp_path / "out")
    [problem] = info.value.problems
    assert (problem.path.name, problem.line) == ("about.md", 6)
    assert "50,000 '[' with no matching ']'" in problem.message and "\\[" in problem.hint


def test_the_error_names_the_line_of_the_deep_list(tmp_path):
    body = "مقدمة.\n\n" + "".join("    " * depth + "- بند\n" for depth in range(40))
    root = write_archive(tmp_path / "a", articles={"deep.md": f"---\ntitle: عنوان\n---\n{body}"})
    with pytest.raises(BuildError) as info:
        build(root, tmp_path / "out")
    [problem] = info.value.problems
    assert problem.line == 4 + 2 + 32 and problem.message == "lists or quotes nested 33 deep (at most 32)"


def test_ordinary_markdown_is_not_refused(tmp_path):
    """Long paragraphs, many links, a long table, code, raw HTML, quotes and lists: what curators write."""
    paragraph = "بدأت القمة في العاصمة [الروسية](https://example.org/a) وسط **إجراءات** أمنية مشددة، و*حضرها* وزراء `عشرة`. " * 40
    table = "| الدولة | العدد |\n|---|---|\n" + "| روسيا | 12 |\n" * 2_000
    html = "<table>" + "<tr><td>خلية</td><td>&amp; أخرى</td></tr>" * 300 + "</table>"
    listed = "".join("    " * (i % 6) + f"- بند {i}\n" for i in range(300))
    quoted = "> " * 5 + "اقتباس متداخل\n"
    code = "```\n" + "if (a[i] < b) { return `x`; } // [\n" * 200 + "```\n"
    body = "\n\n".join([paragraph] * 6 + [paragraph * 5, table, html, listed, quoted, code, "[مرجع][1]\n\n[1]: https://example.org/"])
    assert len(body) > 100_000
    root = write_archive(tmp_path / "a", articles={"long.md": f"---\ntitle: ملف طويل\n---\n{body}\n"})
    build(root, tmp_path / "out")
    assert (tmp_path / "out" / "articles" / "long.html").stat().st_size > 100_000


def test_the_converter_works_after_running_out_of_stack():
    """A RecursionError used to leave the shared converter half-reset: every later article came out as raw text."""
    with pytest.raises(RecursionError):
        render_markdown("- " * 3000 + "x")
    assert render_markdown("*a* [b](c)")[0] == '<p><em>a</em> <a href="c">b</a></p>'


def _many_rows_for_missing_files(tmp_path, rows: int):
    metadata = "file,source,date,url,author\na.txt,tass,2022-10-26,,\n" + "".join(f"gone_{i}.txt,tass,2022-10-26,,\n" for i in range(rows))
    return write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT}, metadata=metadata)


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_hundred_thousand_errors_of_one_kind_print_twenty_and_a_count(tmp_path, capsys, command):
    root = _many_rows_for_missing_files(tmp_path, 100_000)
    extra = ["--out", str(tmp_path / "out")] if command == "build" else ["--sources-only"]
    assert main([command, str(root), *extra]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) < 50, lines[:5]  # was 200,003
    shown = [line for line in lines if line.startswith("error: content/metadata.csv:")]
    assert len(shown) == 20 and shown[0] == "error: content/metadata.csv:3: a row for 'gone_0.txt', which is not in seeds/"
    assert "... and 99,980 more errors of this kind: a row for '…', which is not in seeds/" in lines
    summary = "build failed: 100000 error(s); the previous site, if any, is unchanged." if command == "build" else "check: 100000 error(s), 0 warning(s)"
    assert summary in lines  # every one still counts, and stops the build
    assert not (tmp_path / "out").exists()


def test_errors_of_different_kinds_are_each_shown(tmp_path, capsys):
    root = _many_rows_for_missing_files(tmp_path, 30)
    (root / "seeds" / "empty.txt").write_text("", encoding="utf-8")
    assert main(["build", str(root), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "error: seeds/empty.txt: the file is empty" in err
    assert err.count("error: content/metadata.csv:") == 20 and "... and 10 more errors of this kind: a row for '…'" in err


def test_check_of_a_relative_folder(tmp_path, monkeypatch, capsys):
    """`build.py check chk` died with "internal error: ValueError: relative path can't be expressed as a file URI"."""
    write_archive(tmp_path / "chk", seeds={"a.txt": SEED_TEXT})
    monkeypatch.chdir(tmp_path)
    assert main(["build", "chk", "--quiet"]) == 0
    main(["check", "chk"])
    err = capsys.readouterr().err
    assert "internal error" not in err and "check: 0 error(s)" in err


def _errors(root) -> list[str]:
    with pytest.raises(BuildError) as info:
        build(root, root.parent / "out")
    return [p.show(root) for p in info.value.problems if not p.is_warning]


def test_a_duplicate_entity_or_tag_is_reported_at_its_own_table(tmp_path):
    """Blank lines before each table were taken for its first line ("line 781 (first on line 66)", both blank)."""
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT})
    entity = '[[entity]]\nid = "{}"\nname = "{}"\ntype = "person"\n'
    (root / "content").mkdir()
    (root / "content" / "entities.toml").write_text(
        "# الكيانات\n\n" + entity.format("a", "أ") + "\n\n" + entity.format("b", "ب") + "\n" + entity.format("a", "ج")
        + '\n[[entity]]\n\nname = "د"\ntype = "person"\n', encoding="utf-8")  # headers on lines 3, 9, 14, 19
    (root / "content" / "tags.toml").write_text('\n[[tag]]\nid = "t"\n\nname = "س"\n\n[[tag]]\nid = "t"\nname = "س"\n', encoding="utf-8")
    errors = _errors(root)
    assert "error: content/entities.toml:14: the id 'a' is used twice (first on line 3)" in "\n".join(errors)
    assert "error: content/entities.toml:19: the entity has no 'id'" in "\n".join(errors)
    assert "error: content/tags.toml:7: the id 't' is used twice (first on line 2)" in "\n".join(errors)


@pytest.mark.parametrize("written, why", [
    ("2021-02-30", "February 2021 has 28 days"),
    ("2020-02-30", "February 2020 has 29 days"),
    ("2021-04-31", "April 2021 has 30 days"),
    ("2021-13-01", "there is no month 13 (months are 01 to 12)"),
    ("2021-06-00", "there is no day 0"),
])
def test_a_date_written_right_but_not_on_the_calendar_says_so(tmp_path, written, why):
    """2021-02-30 was answered "write the date as YYYY-MM-DD", which it is."""
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT}, metadata=f"file,source,date,url,author\na.txt,tass,{written},,\n",
                         articles={"x.md": f"---\ntitle: عنوان\ndate: {written}\n---\nنص.\n"})
    errors = _errors(root)
    for where in ("content/metadata.csv:2", "content/articles/x.md:3"):
        [shown] = [e for e in errors if e.startswith(f"error: {where}: ")]
        assert shown == (f"error: {where}: bad date '{written}': {why}\n"
                         "  fix: check it against the source: the year, then the month (01 to 12), then the day")


def test_a_date_in_the_wrong_form_still_gets_the_form(tmp_path):
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT}, metadata="file,source,date,url,author\na.txt,tass,30/02/2021,,\n")
    assert _errors(root) == ["error: content/metadata.csv:2: bad date '30/02/2021'\n  fix: write the date as YYYY-MM-DD, e.g. 2022-10-26"]


def test_a_toml_date_not_on_the_calendar_is_not_called_a_syntax_error(tmp_path):
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT}, toml='title = "أرشيف"\nid = 2021-02-30\n')
    [shown] = _errors(root)
    assert shown.startswith("error: archive.toml:2: invalid TOML: Invalid date or datetime")
    assert "fix the syntax" not in shown and "check its month and day" in shown


def test_a_metadata_row_over_several_lines_is_reported_at_its_first(tmp_path):
    metadata = 'file,source,date,url,author,title\na.txt,tass,2021-02-30,,,"عنوان\nفي سطرين"\n\n\nb.txt,tass,yesterday,,,\n'
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT, "b.txt": SEED_TEXT}, metadata=metadata)
    shown = "\n".join(_errors(root))
    assert "content/metadata.csv:2: bad date '2021-02-30'" in shown and "content/metadata.csv:6: bad date 'yesterday'" in shown


def test_an_unclosed_quote_in_metadata_is_named_not_the_rows_it_swallows(tmp_path):
    """It took in every row after it, and the build went on, warning that those seeds had no row."""
    metadata = 'file,source,date,url,author,title\na.txt,tass,2021-02-03,,,"عنوان بلا إغلاق\nb.txt,tass,2021-02-03,,,\n'
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT, "b.txt": SEED_TEXT}, metadata=metadata)
    assert _errors(root) == ["error: content/metadata.csv:2: the quote in the 'title' field is never closed: it takes in the rows after it\n"
                             '  fix: close it with a " (write a " inside a field as "")']


@pytest.mark.parametrize("epoch, said", [("99999999999999", "is after 2107-12-31"), ("²", "is not a whole number of seconds")])
def test_a_source_date_epoch_out_of_range_is_an_error_not_a_crash(tmp_path, monkeypatch, capsys, epoch, said):
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert main(["build", str(root), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"error: SOURCE_DATE_EPOCH={epoch!r} {said}" in err and "internal error" not in err


def test_linking_names_in_a_long_list_costs_its_length_not_its_square(tmp_path):
    """Each list item's place was looked up by list(parent).index(item): a list of 16,666 items took
    2.7 s of a 3.7 s build; 100,000 items, 105 s."""
    from xml.etree import ElementTree

    from arshif.enrich.entities import _HtmlLinker, entity_matcher
    from arshif.errors import Problems
    from arshif.load.entities import load_entities

    (tmp_path / "entities.toml").write_text(ENTITY, encoding="utf-8")
    matcher = entity_matcher(load_entities(tmp_path / "entities.toml", Problems()))
    root = ElementTree.Element("div")
    items = ElementTree.SubElement(root, "ul")
    for _ in range(100_000):
        ElementTree.SubElement(items, "li").text, items[-1].tail = "قال بوتين", "\n"
    started = time.perf_counter()
    _HtmlLinker(matcher, "all", "articles/x.html").run(root)
    assert time.perf_counter() - started < SECONDS_PER_INPUT
    assert all(item.find("a").get("href") == "../entities/putin.html" for item in items[::9_999])


def test_checking_each_row_and_tag_for_errors_does_not_go_over_every_problem(tmp_path, monkeypatch):
    """A row's or a tag's check counted every problem found so far (a list of all of them), so
    20,000 rows among 20,000 warnings took 800 million steps. All problems are listed a fixed
    number of times, whatever the count of rows and tags."""
    from arshif.errors import Problems
    from arshif.load import load_archive
    seeds = {f"{i:03d}.txt": "عنوان\nنص.\n" for i in range(300)}
    rows = "".join(f"{i:03d}.txt,okaz,1700-01-{1 + i % 28:02d},,\n" for i in range(300))  # a warning each: before 1800
    tags = "".join(f'[[tag]]\nid = "t{i}"\nname = "وسم {i}"\nmatch = ["كلمة{i}"]\n\n' for i in range(100))
    root = write_archive(tmp_path / "a", seeds=seeds, metadata="file,source,date,url,author\n" + rows)
    (root / "content" / "tags.toml").write_text(tags, encoding="utf-8")
    listed = []
    real = Problems.errors.fget
    monkeypatch.setattr(Problems, "errors", property(lambda self: listed.append(1) or real(self)))
    problems = Problems()
    load_archive(root, problems)
    assert len(problems.warnings) >= 300 and len(listed) < 10
