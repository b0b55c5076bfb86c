"""`check`: the sources, then the built site (links, the W3C checker, axe-core in Chromium); `build --strict`."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import SEED_TEXT, write_archive

from arshif.check import check_archive
from arshif.pipeline import REPO_ROOT, build


def run(*args):
    return subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), *map(str, args)], capture_output=True, text=True)


def test_repo_archive_checks_clean(repo_site):
    problems = check_archive(REPO_ROOT, repo_site)
    assert problems.errors == [], "\n".join(p.show() for p in problems.errors)
    assert not any("did not run" in p.message for p in problems.warnings)  # every tool ran


@pytest.mark.corpus
def test_corpus_checks_clean(corpus_archive, corpus_site):
    problems = check_archive(corpus_archive, corpus_site)
    assert problems.errors == [], "\n".join(p.show() for p in problems.errors[:20])


def test_check_reports_what_is_broken(small_archive, tmp_path):
    out = tmp_path / "site"
    build(small_archive, out)
    (out / "articles" / "002_b.html").unlink()  # a broken link
    page = out / "pages"
    page.mkdir(exist_ok=True)
    shutil.copy(out / "404.html", page / "bad.html")
    html = (page / "bad.html").read_text(encoding="utf-8")
    (page / "bad.html").write_text(html.replace("<main", '<img src="../assets/style.css"><p><div>x</p></div><main', 1), encoding="utf-8")
    result = run("check", small_archive, "--out", out)
    assert result.returncode == 1
    assert "broken link: ../articles/002_b.html" in result.stderr
    assert "HTML checker:" in result.stderr and "pages/bad.html" in result.stderr
    assert "accessibility (image-alt" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_reports_source_errors_without_building(tmp_path):
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT}, metadata="file,source,date,url,author\na.txt,x,2015-99-01,,\n")
    result = run("check", root, "--sources-only")
    assert result.returncode == 1 and "content/metadata.csv:2: bad date" in result.stderr
    assert not (root / "site").exists()


def test_build_strict_fails_on_warnings_and_keeps_the_site(tmp_path):
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT, "b.txt": SEED_TEXT}, metadata="file,source,date,url,author\na.txt,x,2015-01-01,,\n")
    out = tmp_path / "out"
    assert run(root, "--out", out, "--quiet").returncode == 0  # b.txt has no row: a warning
    before = (out / "index.html").read_bytes()
    result = run(root, "--out", out, "--strict")
    assert result.returncode == 1 and "no row in content/metadata.csv" in result.stderr
    assert (out / "index.html").read_bytes() == before
