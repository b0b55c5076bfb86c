"""What users' machines do to a build: other processes and locales, hostile names and text
in the sources, disks that fill, folders that are mount points or read-only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from arshif.pipeline import REPO_ROOT
from test_build import site_digest

BUILD_PY = str(REPO_ROOT / "build.py")


def copy_of_repo_archive(root: Path) -> Path:
    """This repo's archive, plus a seed with an Arabic file name and base_url set (feeds, sitemap)."""
    root.mkdir(parents=True)
    for name in ("seeds", "content"):
        shutil.copytree(REPO_ROOT / name, root / name)
    toml = (REPO_ROOT / "archive.toml").read_text(encoding="utf-8")
    (root / "archive.toml").write_text(toml.replace('# base_url = "https', 'base_url = "https'), encoding="utf-8")
    (root / "seeds" / "مقال روسي.txt").write_text("بوتين في موسكو\nقال بوتين إن روسيا مستعدة.\n", encoding="utf-8")
    return root


def run(args: list[str], env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, BUILD_PY, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


def test_two_processes_build_the_same_bytes_for_a_site_and_a_snapshot(tmp_path):
    """Different hash seeds and LANG=C, each build in its own process: every byte the same."""
    root = copy_of_repo_archive(tmp_path / "archive")
    results = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "LANG": "C", "LC_ALL": "C", "SOURCE_DATE_EPOCH": "1700000000"}
        site, snap_site, dest = tmp_path / f"site{seed}", tmp_path / f"snap-site{seed}", tmp_path / f"snap{seed}"
        for args in (["build", str(root), "--out", str(site), "--quiet"],
                     ["snapshot", str(root), "--out", str(snap_site), "--dest", str(dest), "--quiet"]):
            done = run(args, env, tmp_path)
            assert done.returncode == 0, done.stderr
        snapshots = {p.name: p.read_bytes() for p in sorted(dest.iterdir())}
        assert len(snapshots) == 2
        results.append((site_digest(site), site_digest(snap_site), snapshots))
    assert results[0] == results[1]


CONTROLS_TOML = r"\u0001\u202e\u0085\u001b[31m"  # TOML escapes: the characters themselves are illegal there
CONTROLS = "\u0001\u202e\u0085\u001b[31m"


def test_control_characters_in_any_source_reach_no_output(tmp_path):
    """From archive.toml, entities.toml, tags.toml, metadata.csv, front matter and Markdown
    bodies: no control character or bidi override reaches a page, a feed, the manifest or
    the search files, and every feed is well-formed XML."""
    from xml.etree import ElementTree

    from arshif.text import FORBIDDEN

    t, c = CONTROLS_TOML, CONTROLS
    root = tmp_path / "archive"
    (root / "seeds").mkdir(parents=True)
    (root / "content" / "articles").mkdir(parents=True)
    (root / "content" / "pages").mkdir()
    (root / "archive.toml").write_text(f'title = "عنوان{t}الأرشيف"\ndescription = "وصف{t}"\nbase_url = "https://example.org/a/"\n'
                                       f'[sources]\nokaz = "عكاظ{t}"\n', encoding="utf-8")
    (root / "seeds" / "s1.txt").write_text(f"بوتين يزور موسكو{c}\nقال بوتين إن روسيا مستعدة{c}.\n", encoding="utf-8")
    (root / "content" / "metadata.csv").write_text(f"file,source,date,url,author,tags\ns1.txt,okaz,2021-01-02,https://example.org/x{c},"
                                                   f"كاتب{c},روسيا{c}\n", encoding="utf-8")
    (root / "content" / "entities.toml").write_text(f'[[entity]]\nid = "putin"\nname = "بوتين{t}"\ntype = "person"\n'
                                                    f'aliases = ["بوتين", "فلاديمير{t}"]\ndescription = "رئيس{t}"\n', encoding="utf-8")
    (root / "content" / "tags.toml").write_text(f'[[tag]]\nid = "russia"\nname = "روسيا{t}"\nmatch = ["روسيا"]\ndescription = "د{t}"\n',
                                                encoding="utf-8")
    (root / "content" / "articles" / "m.md").write_text(
        f"---\ntitle: عنوان{c} مقال\ndate: 2021-01-03\nsource: مصدر{c}\nauthor: كاتب{c}\ntags: [روسيا{c}]\nsummary: ملخص{c}\n"
        f"url: https://e.org/{c}\n---\nنص عن روسيا{c}.\n\n[رابط{c}](https://e.org/{c}x)\n", encoding="utf-8")
    (root / "content" / "pages" / "p.md").write_text(f"---\ntitle: صفحة{c}\n---\nنص{c}.\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run([str(root), "--out", str(out), "--quiet"])
    assert done.returncode == 0, done.stderr
    checked = 0
    for path in sorted(out.rglob("*")):
        if path.suffix in (".html", ".xml", ".json", ".js", ".txt") and path.name != "arshif-text-data.js":
            text = path.read_text(encoding="utf-8")
            assert not FORBIDDEN.search(text), (path, FORBIDDEN.search(text))
            checked += 1
        if path.suffix == ".xml":
            ElementTree.parse(path)  # well-formed
    assert checked > 20 and (out / "feed.xml").is_file() and list(out.glob("tags/*.xml"))
    page = (out / "articles" / "s1.html").read_text(encoding="utf-8")
    assert "عكاظ[31m" in page and "https://example.org/x%01%E2%80%AE%C2%85%1B[31m" in page
