"""Inputs that cost too much or mislead: one article must not stall or crash a build, a
hundred thousand errors must not flood the terminal, and every message must name the
real problem at the real line."""

from __future__ import annotations

import time

import pytest

from arshif.cli import main
from arshif.errors import BuildError
from arshif.load.markdown_files import render_markdown
from arshif.pipeline import build
from conftest import SEED_TEXT, write_archive

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
