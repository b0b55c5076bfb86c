"""Snapshots: byte-identical for the same input, verifiable, comparable, and browsable from file:// once unpacked."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile

import pytest
from conftest import write_archive
from test_browser import browser  # noqa: F401  (the Chromium fixture)

from arshif.pipeline import REPO_ROOT, snapshot
from arshif.publish import diff, verify


def archive_with(root, articles: dict[str, str]):
    rows = "".join(f"{name},okaz,2015-08-0{i + 1},,\n" for i, name in enumerate(sorted(articles)))
    return write_archive(root, seeds=articles, metadata="file,source,date,url,author\n" + rows)


SEEDS = {"a.txt": "خبر أول\nنص المقال الأول.\n", "b.txt": "خبر ثان\nنص المقال الثاني.\n", "c.txt": "خبر ثالث\nنص المقال الثالث.\n"}


def test_snapshot_twice_gives_identical_bytes(tmp_path):
    root = archive_with(tmp_path / "a", SEEDS)
    _, first = snapshot(root, tmp_path / "site1", tmp_path / "one")
    _, second = snapshot(root, tmp_path / "site2", tmp_path / "two")
    assert [p.name for p in first] == ["arshif-a-2015-08-03.zip", "arshif-a-2015-08-03.tar.gz"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert verify(first[0]) == [] and verify(first[1]) == []


def test_manifest_lists_articles_entities_and_tags(tmp_path):
    root = archive_with(tmp_path / "a", SEEDS)
    snapshot(root, tmp_path / "site", tmp_path / "snaps")
    data = json.loads((tmp_path / "site" / "manifest.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in data["articles"]] == ["c", "b", "a"]
    assert all(len(a["hash"]) == 64 for a in data["articles"]) and len(data["input_hash"]) == 64
    assert data["tool"].startswith("arshif ") and data["date"] == "2015-08-03"


def test_verify_catches_a_flipped_byte(tmp_path):
    root = archive_with(tmp_path / "a", SEEDS)
    _, (zip_path, tar_path) = snapshot(root, tmp_path / "site", tmp_path / "snaps")
    unpacked = tmp_path / "unpacked"
    with tarfile.open(tar_path) as archive:
        archive.extractall(unpacked, filter="data")
    folder = next(unpacked.iterdir())
    assert verify(folder) == []
    page = folder / "articles" / "a.html"
    data = bytearray(page.read_bytes())
    data[200] ^= 1
    page.write_bytes(bytes(data))
    [problem] = verify(folder)
    assert problem.startswith("articles/a.html: its SHA-256 does not match")
    damaged = bytearray(zip_path.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    zip_path.write_bytes(bytes(damaged))
    assert verify(zip_path)  # a damaged archive is reported, never a traceback


def test_diff_reports_exactly_what_changed(tmp_path):
    old_root = archive_with(tmp_path / "old", SEEDS)
    new_seeds = {"a.txt": SEEDS["a.txt"], "b.txt": "خبر ثان\nنص معدل للمقال الثاني.\n", "d.txt": "خبر رابع\nمقال جديد.\n"}
    new_root = archive_with(tmp_path / "new", new_seeds)
    snapshot(old_root, tmp_path / "old-site", tmp_path / "s1")
    _, new_files = snapshot(new_root, tmp_path / "new-site", tmp_path / "s2")
    changes = diff(tmp_path / "old-site", tmp_path / "new-site")
    assert (changes["added"], changes["removed"], changes["changed"]) == (["d"], ["c"], ["b"])
    result = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "diff", str(tmp_path / "old-site"), str(new_files[0]), "--json"],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert json.loads(result.stdout)["changed"] == ["b"]


@pytest.mark.browser
def test_unpacked_snapshot_browses_and_searches(tmp_path, browser):  # noqa: F811
    from test_browser import browse_home_to_article_and_back

    _, (_, tar_path) = snapshot(REPO_ROOT, tmp_path / "site", tmp_path / "snaps")
    with tarfile.open(tar_path) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    folder = next((tmp_path / "unpacked").iterdir())
    page = browser.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    browse_home_to_article_and_back(page, (folder / "index.html").as_uri())
    page.goto((folder / "search.html").as_uri() + "?q=بوتين")
    page.wait_for_selector("html[data-search=done]")
    assert page.locator("#search-results li").count() >= 2
    assert page.errors == []


def test_a_snapshot_says_which_it_is(tmp_path):
    root = archive_with(tmp_path / "a", SEEDS)
    (root / "archive.toml").write_text('previous_snapshot = "https://example.org/snapshots/arshif-a-2015-08-01.zip"\n', encoding="utf-8")
    snapshot(root, tmp_path / "site", tmp_path / "snaps")
    data = json.loads((tmp_path / "site" / "manifest.json").read_text(encoding="utf-8"))
    for page in ("index.html", "articles/a.html"):
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert "لقطة 2015-08-03" in html and data["input_hash"][:12] in html and "٣ مقالات" in html
    about = (tmp_path / "site" / "snapshot.html").read_text(encoding="utf-8")
    assert data["input_hash"] in about and 'href="https://example.org/snapshots/arshif-a-2015-08-01.zip" rel="prev"' in about
    build_only = tmp_path / "plain"
    from arshif.pipeline import build

    build(root, build_only)  # an ordinary build keeps its pages free of the input hash, so rebuilds stay incremental
    assert "snapshot-info" not in (build_only / "index.html").read_text(encoding="utf-8")


def test_the_publishing_workflow_runs_commands_that_exist():
    workflow = (REPO_ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    for step in ("build.py snapshot", "build.py check", "build.py verify", "actions/upload-pages-artifact", "actions/deploy-pages", "action-gh-release"):
        assert step in workflow, step
    for command in ("snapshot", "check", "verify"):
        result = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), command, "--help"], capture_output=True, text=True)
        assert result.returncode == 0, command
    if shutil.which("actionlint"):
        lint = subprocess.run(["actionlint", str(REPO_ROOT / ".github" / "workflows" / "publish.yml")], capture_output=True, text=True)
        assert lint.returncode == 0, lint.stdout
