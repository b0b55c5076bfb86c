"""Building someone else's archive: its templates, static files, raw HTML and dates cannot
run code, read files outside it, break the page's layout or blow up the output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import SEED_TEXT, write_archive

import arshif.write
from arshif.check import check_archive
from arshif.cli import main
from arshif.errors import BuildError
from arshif.pipeline import REPO_ROOT, build

ARTICLE = "---\ntitle: مقال\ndate: 2015-08-02\n---\n"


def with_template(root, name: str, text: str):
    path = root / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def site_files(out) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


# -- 9. templates run in a sandbox ----------------------------------------------

ESCAPES = [
    ("{{ cycler.__init__.__globals__.os.system('touch {PWNED}') }}", "__init__"),
    ("{{ lipsum.__globals__['os'].system('touch {PWNED}') }}", "__globals__"),
    ("{% for v in items %}{{ v.article.origin.write_text('x') }}{% endfor %}", "origin"),
    ("{% for v in items %}{{ v.article.origin.parent.parent.parent.joinpath('secret.txt').read_text() }}{% endfor %}", "origin"),
    ("{{ site.__class__.__mro__ }}", "__class__"),
    ("{{ url.__globals__ }}", "__globals__"),
    ("{{ site.source_name.__func__.__globals__ }}", "__func__"),
    ("{{ pager.path_of.__globals__ }}", "__globals__"),
    ("{% set x = nav.append(1) %}", "append"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "__class__"),
    ("{{ 'x' * 2000000 }}", "too large"),  # bounded at a million: 10**10 would fill the memory before the bound existed
    ("{{ 10 ** 5000 }}", "too large"),
]


@pytest.mark.parametrize("payload, named", ESCAPES)
def test_a_template_cannot_reach_python_internals(tmp_path, payload, named, capsys):
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT}, metadata="file,source,date,url,author\na.txt,x,2015-01-01,,\n")
    out = tmp_path / "site"
    build(root, out)
    before = site_files(out)
    payload = payload.replace("{PWNED}", str(tmp_path / "PWNED"))
    with_template(root, "home.html", '{% extends "base.html" %}\n{% block content %}\n<p>\n' + payload + "\n</p>\n{% endblock %}\n")
    assert main(["build", str(root), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert re.search(r"^error: templates/home\.html:4: the template ", err, re.M), err
    assert named in err and "not allowed" in err and "Traceback" not in err and "internal error" not in err
    assert "fix: " in err
    assert not (tmp_path / "PWNED").exists()
    assert (tmp_path / "secret.txt").read_text(encoding="utf-8") == "secret"
    assert site_files(out) == before  # the previous site stays whole


def test_a_template_error_in_a_worker_process_is_reported_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(arshif.write, "PARALLEL_FROM", 2)  # render in forked workers even for a small site
    monkeypatch.setattr(arshif.write, "can_fork", lambda items, minimum: 2)
    root = write_archive(tmp_path / "a", seeds={f"{i}.txt": SEED_TEXT for i in range(30)})
    with_template(root, "article.html", '{% extends "base.html" %}\n{% block content %}{{ cycler.__init__.__globals__ }}{% endblock %}\n')
    with pytest.raises(BuildError) as info:
        build(root, tmp_path / "site")
    [problem] = info.value.problems
    assert problem.path == root / "templates" / "article.html" and problem.line == 2
    assert "__init__" in problem.message and "not allowed" in problem.message


@pytest.mark.parametrize("tag", ['{% include "../../etc/passwd" %}', '{% extends "../../../../../etc/passwd" %}',
                                 '{% include "/etc/passwd" %}', '{% import "..\\\\..\\\\etc\\\\passwd" as x %}'])
def test_include_and_extends_cannot_leave_the_template_folders(tmp_path, tag):
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT})
    with_template(root, "404.html", tag + "\n")
    with pytest.raises(BuildError) as info:
        build(root, tmp_path / "site")
    [problem] = info.value.problems
    assert problem.path == root / "templates" / "404.html" and problem.line == 1
    assert "no template" in problem.message and "root:" not in problem.message
    assert not (tmp_path / "site").exists()


def test_a_template_that_links_outside_the_archive_is_refused(tmp_path):
    (tmp_path / "secret.html").write_text("SECRET-TEXT", encoding="utf-8")
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT})
    with_template(root, "404.html", '{% include "leak.html" %}\n')
    os.symlink(tmp_path / "secret.html", root / "templates" / "leak.html")
    with pytest.raises(BuildError) as info:
        build(root, tmp_path / "site")
    [problem] = info.value.problems
    assert problem.path == root / "templates" / "leak.html" and "outside the archive" in problem.message


def test_a_template_syntax_error_names_the_file_and_line(tmp_path, capsys):
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT})
    with_template(root, "404.html", "<p>\n{% if %}\n")
    assert main(["build", str(root), "--out", str(tmp_path / "site"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "error: templates/404.html:2: " in err and "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize("expression, message", [("{{ url(1, 2, 3) }}", "TypeError"), ("{{ url(5) }}", "TypeError"),
                                                 ("{{ 1 // 0 }}", "ZeroDivisionError"), ("{{ nothing.here }}", "'nothing' is undefined")])
def test_a_template_that_fails_is_reported_at_its_line(tmp_path, capsys, expression, message):
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT})
    with_template(root, "home.html", '{% extends "base.html" %}\n{% block content %}\n' + expression + "\n{% endblock %}\n")
    assert main(["build", str(root), "--out", str(tmp_path / "site"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "error: templates/home.html:3: the template " in err and message in err and "internal error" not in err, err


def test_own_templates_still_work_in_the_sandbox(tmp_path):
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT}, metadata="file,source,date,url,author\na.txt,x,2015-01-01,,\n")
    with_template(root, "home.html", '{% extends "base.html" %}\n{% block content %}{% for v in items %}'
                  '<p class="own">{{ v.article.title }} {{ digits(loop.index) }} {{ "%s-%d"|format("x", 2) }} {{ v.date_text }}</p>'
                  '{% endfor %}{{ pager.path(1) }}{% endblock %}\n')
    out = tmp_path / "site"
    build(root, out)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert '<p class="own">عنوان المقال الأول ١ x-2 ' in html and "index.html" in html


# -- 10. symlinks in templates/static -------------------------------------------

def test_static_links_outside_the_archive_are_skipped(tmp_path):
    (tmp_path / "outside.txt").write_text("SECRET", encoding="utf-8")
    (tmp_path / "outside-dir").mkdir()
    (tmp_path / "outside-dir" / "x.txt").write_text("SECRET", encoding="utf-8")
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT})
    static = root / "templates" / "static"
    (static / "img").mkdir(parents=True)
    (static / "own.css").write_text("p{}", encoding="utf-8")
    (root / "shared.txt").write_text("mine", encoding="utf-8")
    os.symlink(tmp_path / "outside.txt", static / "leak.txt")
    os.symlink(tmp_path / "outside-dir", static / "img" / "dir")
    os.symlink(root / "shared.txt", static / "inside.txt")  # a link inside the archive is followed
    out = tmp_path / "site"
    result = build(root, out)
    assert (out / "assets" / "own.css").read_text() == "p{}"
    assert (out / "assets" / "inside.txt").read_text() == "mine"
    assert not (out / "assets" / "leak.txt").exists() and not (out / "assets" / "img").exists()
    assert not any(b"SECRET" in p.read_bytes() for p in out.rglob("*") if p.is_file())
    warned = {p.path.name for p in result.problems.warnings}
    assert {"leak.txt", "dir"} <= warned
    assert all("outside the archive" in p.message for p in result.problems.warnings if p.path.name in ("leak.txt", "dir"))


def test_a_static_folder_that_links_outside_the_archive_is_skipped(tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "key.txt").write_text("SECRET", encoding="utf-8")
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT})
    (root / "templates").mkdir()
    os.symlink(tmp_path / "outside", root / "templates" / "static")
    out = tmp_path / "site"
    result = build(root, out)
    assert not (out / "assets" / "key.txt").exists()
    assert [p.path.name for p in result.problems.warnings] == ["static"]
    assert [p.path.name for p in check_archive(root, None).warnings] == ["static"]  # check says so too


# -- 11. raw HTML in Markdown ----------------------------------------------------

def body_of(tmp_path, markdown: str) -> str:
    from arshif.errors import Problems
    from arshif.load import load_archive

    root = write_archive(tmp_path / "md", articles={"a.md": ARTICLE + markdown})
    return load_archive(root, Problems()).articles[0].body_html


def addresses(html: str) -> list[str]:
    return [unescape(v) for v in re.findall(r'(?:href|src|cite)="([^"]*)"', html)]


def leaves_the_site(address: str) -> bool:
    """As a browser reads it (tabs and line ends dropped, spaces around stripped, "\\" as "/")."""
    address = re.sub(r"[\t\n\r]", "", address).strip().replace("\\", "/")
    return urlsplit(urljoin("https://archive.example/articles/a.html", address)).netloc != "archive.example"


@pytest.mark.parametrize("address", ["//evil.example/x", "/\\evil.example/x", "\\\\evil.example/x", "\\/evil.example/x",
                                     " //evil.example/x", "/&#9;/evil.example/x", "/&#x5c;evil.example/x", "&#x2f;/evil.example",
                                     "/&#10;\\evil.example"])
def test_addresses_that_look_internal_but_leave_the_site_are_dropped(tmp_path, address):
    html = body_of(tmp_path, f'<a href="{address}">ا</a> <img src="{address}" alt="ب"> <blockquote cite="{address}">ج</blockquote>\n\n'
                             f"[د]({address.strip()})\n")
    assert not any(leaves_the_site(a) for a in addresses(html)), html
    assert "<a>ا</a>" in html and "<img" not in html and "<blockquote>ج</blockquote>" in html


def test_addresses_that_stay_are_kept(tmp_path):
    html = body_of(tmp_path, '<a href="../pages/about.html">أ</a> <a href="#s">ب</a> <a href="https://example.org/x">ج</a>'
                             ' <a href="mailto:a@example.org">د</a> <a href="/x.html">ه</a> <img src="p.png">'
                             ' <blockquote cite="javascript:alert(1)">و</blockquote>\n')
    assert not any(leaves_the_site(a) for a in addresses(html) if not a.startswith(("https:", "mailto:")))
    for kept in ('href="../pages/about.html"', 'href="#s"', 'href="https://example.org/x"', 'href="mailto:a@example.org"',
                 'href="/x.html"', '<img src="p.png" alt="">', "<blockquote>و</blockquote>"):
        assert kept in html, kept


class _Balance(HTMLParser):
    VOID = {"br", "hr", "img", "meta", "link", "input", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.bad = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.bad.append(tag)


def balanced(html: str) -> bool:
    parser = _Balance()
    parser.feed(html)
    return not parser.stack and not parser.bad


@pytest.mark.parametrize("markdown", ["نص</div></div></main>\n\nبعد\n", '<a href="x.html">رابط لا يغلق\n\nفقرة بعده\n',
                                      "<div><div><table><tr><td>خلية\n\nنص\n", "<b><i>متداخل</b></i>\n", "نص</p></li></ul>\n"])
def test_unbalanced_tags_are_balanced_within_the_article(tmp_path, markdown):
    html = body_of(tmp_path, markdown)
    assert balanced(html), html


def test_an_unclosed_link_does_not_swallow_the_page(tmp_path):
    root = write_archive(tmp_path / "a", articles={"a.md": ARTICLE + '<a href="x.html">رابط لا يغلق</div></div>\n\nفقرة\n'})
    out = tmp_path / "site"
    build(root, out)
    html = (out / "articles" / "a.html").read_text(encoding="utf-8")
    assert balanced(html.split("<body", 1)[1].split("</body>")[0].split(">", 1)[1])


# -- 16. dates far from the archive ------------------------------------------------

FAR_DATES = "file,source,date,url,author\nold.txt,x,0001-01-01,,\nnew.txt,x,9999-12-31,,\nmid.txt,x,2015-06-01,,\n"
ENTITY = '[[entity]]\nid = "putin"\nname = "بوتين"\ntype = "person"\n'


def far_archive(tmp_path):
    root = write_archive(tmp_path / "a", seeds={n: "بوتين يتكلم\nقال بوتين شيئا.\n" for n in ("old.txt", "new.txt", "mid.txt")},
                         metadata=FAR_DATES, articles={"c.md": "---\ntitle: مقال\ndate: 1700-03-04\n---\nبوتين\n"})
    (root / "content" / "entities.toml").write_text(ENTITY, encoding="utf-8")
    return root


def test_timelines_stay_small_whatever_the_dates(tmp_path):
    root = far_archive(tmp_path)
    out = tmp_path / "site"
    build(root, out)
    html = (out / "entities" / "putin.html").read_text(encoding="utf-8")
    assert len(html.encode()) < 100_000
    assert html.count("<rect") <= 60
    assert sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) < 3_000_000


def test_timeline_shows_months_then_years_then_groups_of_years():
    from arshif.charts import MAX_BARS, timeline

    months = timeline([((2015, 11), 2), ((2016, 3), 1), ((2017, 2), 1)])
    assert months.years_per_bar == 0 and len(months.spans) == 16
    assert [(s.first, s.count) for s in months.spans][:6:2] == [((2015, 11), 2), ((2016, 1), 0), ((2016, 3), 1)]
    years = timeline([((2001, 5), 2), ((2015, 3), 1), ((2015, 4), 1)])
    assert years.years_per_bar == 1 and [(s.first, s.last, s.count) for s in years.spans][::7] == [
        ((2001, 1), (2001, 12), 2), ((2008, 1), (2008, 12), 0), ((2015, 1), (2015, 12), 2)]
    groups = timeline([((1, 1), 1), ((2015, 6), 3), ((9999, 12), 1)])
    assert len(groups.spans) <= MAX_BARS and sum(s.count for s in groups.spans) == 5 and groups.years_per_bar == 200
    assert groups.spans[0].first == (1, 1) and groups.spans[0].last == (199, 12) and groups.spans[-1].last == (9999, 12)


def test_check_warns_about_dates_outside_1800_to_2100(tmp_path):
    root = far_archive(tmp_path)
    problems = check_archive(root, None)
    far = sorted((p.path.name, p.line) for p in problems.warnings if "1800" in p.message)
    assert far == [("c.md", 3), ("metadata.csv", 2), ("metadata.csv", 3)]
    assert not problems.errors


@pytest.mark.parametrize("payload", [
    "{{ 'a'|center(30000000) }}", "{{ '%030000000d'|format(1) }}", "{{ 'a'.ljust(30000000) }}",
    "{{ '{:>30000000}'.format(1) }}", "{{ ('a' * 1000000)|replace('a', 'a' * 30) }}", "{{ 'x'|indent(30000000, true) }}",
    "{{ range(100000)|join('a' * 300) }}",
])
def test_filters_and_methods_cannot_make_huge_values(tmp_path, payload):
    """The bounds on * and ** hold for the filters and string methods that widen or repeat too."""
    root = write_archive(tmp_path / "archive", seeds={"a.txt": SEED_TEXT})
    (root / "templates").mkdir()
    (root / "templates" / "404.html").write_text(payload, encoding="utf-8")
    done = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), str(root), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "templates/404.html:1" in done.stderr and "too large" in done.stderr, done.stderr[-800:]
    assert "Traceback" not in done.stderr


def test_a_source_folder_that_is_a_link_loop_is_a_clear_error(tmp_path):
    root = tmp_path / "archive"
    root.mkdir()
    (root / "seeds").symlink_to(root / "seeds")  # seeds -> seeds
    done = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), str(root), "--quiet"], capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "a loop of links" in done.stderr and "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_a_seed_name_that_is_not_utf8_is_named_not_a_crash(tmp_path):
    root = tmp_path / "archive"
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "good.txt").write_text("عنوان\nنص.\n", encoding="utf-8")
    (Path(os.fsdecode(bytes(root / "seeds") + b"/bad\xff.txt"))).write_text("عنوان\nنص.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), str(root), "--quiet"], capture_output=True, text=True, check=False)
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert "not UTF-8" in done.stderr


def test_a_link_planted_in_the_site_is_not_carried_into_the_next_one(tmp_path):
    root = tmp_path / "archive"
    (root / "seeds").mkdir(parents=True)
    for name in "abc":
        (root / "seeds" / f"{name}.txt").write_text(f"عنوان {name}\nنص.\nفقرة ثانية.\n", encoding="utf-8")
    out = tmp_path / "site"
    build = [sys.executable, str(REPO_ROOT / "build.py"), str(root), "--out", str(out), "--quiet"]
    subprocess.run(build, check=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    page = out / "articles" / "a.html"
    page.unlink()
    page.symlink_to(secret)
    # a rebuild that reuses a.html: c's second paragraph is nothing a.html shows
    (root / "seeds" / "c.txt").write_text("عنوان c\nنص.\nفقرة معدلة.\n", encoding="utf-8")
    subprocess.run(build, check=True)
    assert not page.is_symlink() and "secret" not in page.read_text(encoding="utf-8")


def test_a_loop_of_links_among_the_seeds_is_skipped_with_a_warning(tmp_path):
    """A clean build (and the one after an edit) once stopped with an internal error on it."""
    root = write_archive(tmp_path / "archive", seeds={"a.txt": SEED_TEXT})
    (root / "seeds" / "loop1.txt").symlink_to("loop2.txt")
    (root / "seeds" / "loop2.txt").symlink_to("loop1.txt")
    result = build(root, tmp_path / "site", use_cache=False)
    assert result.articles == 1
    assert sorted(p.path.name for p in result.problems.warnings if "loop of links" in p.message) == ["loop1.txt", "loop2.txt"]


def test_a_folder_removed_while_the_inputs_are_listed_is_left_out(tmp_path):
    from arshif.inputs import _walk
    found = []
    _walk(tmp_path / "gone", ("content",), str(tmp_path), found)
    assert found == []
