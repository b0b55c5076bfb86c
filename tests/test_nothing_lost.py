"""Nothing is lost: a build killed at any point leaves the previous site whole, two builds at once are refused, sources are never touched."""

from __future__ import annotations

import hashlib
import random
import signal
import subprocess
import sys
import time

import pytest

from arshif.cache import cache_path
from arshif.pipeline import REPO_ROOT

pytestmark = pytest.mark.corpus


def tree_digest(folder) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def start_build(archive, out):
    return subprocess.Popen([sys.executable, str(REPO_ROOT / "build.py"), str(archive), "--out", str(out), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_killed_builds_leave_the_previous_site(corpus_archive, tmp_path):
    out = tmp_path / "site"
    started = time.monotonic()
    assert start_build(corpus_archive, out).wait() == 0
    full_build = time.monotonic() - started
    before = tree_digest(out)
    sources = tree_digest(corpus_archive / "content")
    (corpus_archive / "archive.toml").write_text('title = "أرشيف معدل"\n', encoding="utf-8")  # so the next build rewrites every page
    try:
        expected = tmp_path / "expected"  # what a build that was not killed in time leaves: the whole new site
        assert start_build(corpus_archive, expected).wait() == 0
        after = tree_digest(expected)
        # kills spread over a whole build: each killed build starts without the cache, so it
        # does all the work (a rebuild that reuses the search files is over in a second)
        moments = random.Random(7)
        for fraction in sorted(moments.uniform(0.05, 0.9) for _ in range(4)):
            delay = fraction * full_build
            cache_path(out).unlink(missing_ok=True)
            build = start_build(corpus_archive, out)
            time.sleep(delay)
            build.send_signal(signal.SIGKILL)
            build.wait()
            assert tree_digest(out) in (before, after), f"a kill at {delay:.1f} s left a site that is neither the old nor the new one"
        finished = start_build(corpus_archive, out)
        assert finished.wait() == 0, finished.stderr.read()
        assert "أرشيف معدل" in (out / "index.html").read_text(encoding="utf-8")
        assert [p.name for p in tmp_path.iterdir() if "arshif-tmp" in p.name] == []  # leftovers of the killed builds cleaned up
    finally:
        (corpus_archive / "archive.toml").unlink()
    assert tree_digest(corpus_archive / "content") == sources  # a build never modifies the sources


def test_two_builds_at_once_do_not_mix(corpus_archive, tmp_path):
    out = tmp_path / "site"
    first = start_build(corpus_archive, out)
    time.sleep(0.5)
    second = start_build(corpus_archive, out)
    second_status, second_err = second.wait(), second.stderr.read()
    assert first.wait() == 0
    if second_status != 0:  # refused while the first held the lock
        assert "another build is writing to this output folder" in second_err
    assert (out / "index.html").is_file() and len(list((out / "articles").glob("*.html"))) == 2000


def test_killed_incremental_rebuilds_leave_the_previous_site_and_the_next_build_right(corpus_archive, tmp_path):
    """An incremental rebuild (cache on disk, most pages linked, the search index rebuilt in its own
    process) killed at any moment: the site is the old one or the new one, never a mix, the cache
    still describes it, and the next build equals a clean build."""
    out = tmp_path / "site"
    metadata = corpus_archive / "content" / "metadata.csv"
    original = metadata.read_text(encoding="utf-8")
    assert start_build(corpus_archive, out).wait() == 0
    try:
        lines = original.splitlines(keepends=True)
        lines[5] = lines[5].replace(",2015-", ",2014-", 1)  # one article moves a year: its pages, lists and the search change
        metadata.write_text("".join(lines), encoding="utf-8")
        started = time.monotonic()
        expected = tmp_path / "expected"
        assert start_build(corpus_archive, expected).wait() == 0  # a clean build of the edited archive
        clean = time.monotonic() - started
        before = tree_digest(out)
        moments = random.Random(11)
        for fraction in sorted(moments.uniform(0.05, 0.9) for _ in range(4)):
            build = start_build(corpus_archive, out)
            time.sleep(fraction * clean / 2)  # an incremental rebuild takes about half a clean one's time, or less
            build.send_signal(signal.SIGKILL)
            build.wait()
            assert tree_digest(out) in (before, tree_digest(expected)), f"a kill at {fraction:.2f} left a mixed site"
        finished = start_build(corpus_archive, out)
        assert finished.wait() == 0, finished.stderr.read()
        assert tree_digest(out) == tree_digest(expected)
    finally:
        metadata.write_text(original, encoding="utf-8")
