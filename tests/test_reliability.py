"""What users' machines do to a build: other processes and locales, hostile names and text
in the sources, disks that fill, folders that are mount points or read-only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest
from test_build import site_digest

from arshif.pipeline import REPO_ROOT

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


CONTROLS_TOML = r"\u0001\u202e\u0085\U0001FFFE\u001b[31m"  # TOML escapes: the characters themselves are illegal there
CONTROLS = "\u0001\u202e\u0085\U0001FFFE\u001b[31m"


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
    assert "عكاظ[31m" in page and "https://example.org/x%01%E2%80%AE%C2%85%F0%9F%BF%BE%1B[31m" in page


def small_archive(root: Path, count: int = 3, body: str = "قال بوتين إن روسيا مستعدة للحوار.") -> Path:
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (root / "seeds" / f"{i:04d}.txt").write_text(f"عنوان المقال {i}\n{body}\n", encoding="utf-8")
    return root


def assert_clear_failure(done: subprocess.CompletedProcess, *phrases: str) -> None:
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    assert "fix:" in done.stderr and all(p in done.stderr for p in phrases), done.stderr


# -- names -----------------------------------------------------------------------

def test_names_that_collide_elsewhere_are_reported_with_both_files(tmp_path):
    root = small_archive(tmp_path / "archive", count=0)
    seeds = root / "seeds"
    for name in ("A.txt", "a.txt", unicodedata.normalize("NFD", "آذار.txt"), unicodedata.normalize("NFC", "آذار.txt"), "x.txt", "y.txt"):
        (seeds / name).write_text("عنوان\nنص المقال.\n", encoding="utf-8")
    (root / "content").mkdir()
    (root / "content" / "metadata.csv").write_text("file,source,date,url,author\nx.txt,TASS,2020-01-01,,\ny.txt,tass,2020-01-02,,\n",
                                                   encoding="utf-8")
    out = tmp_path / "out"
    done = run([str(root), "--out", str(out)])
    assert done.returncode == 0, done.stderr
    assert "seeds/a.txt" in done.stderr and "A.txt" in done.stderr and "letter case" in done.stderr
    assert done.stderr.count("only in letter case or Unicode form") == 3, done.stderr  # A/a, NFC/NFD, TASS/tass
    assert "content/metadata.csv:3" in done.stderr and "metadata.csv:2" in done.stderr
    assert len(list((out / "sources").glob("*.html"))) == 3  # the index and two sources: neither overwrote the other
    strict = run(["check", str(root), "--out", str(out), "--strict", "--sources-only"])
    assert strict.returncode == 1 and "only in letter case" in strict.stderr


def test_file_names_with_line_breaks_or_too_long_are_refused(tmp_path):
    root = small_archive(tmp_path / "archive", count=1)
    (root / "seeds" / "two\nlines.txt").write_text("عنوان\nنص.\n", encoding="utf-8")
    (root / "seeds" / ("م" * 125 + "a.txt")).write_text("عنوان\nنص.\n", encoding="utf-8")  # 251 bytes before .txt
    done = run([str(root), "--out", str(tmp_path / "out")])
    assert_clear_failure(done, "line break", "251 bytes long")
    (root / "seeds" / "two\nlines.txt").unlink()
    (root / "seeds" / ("م" * 125 + "a.txt")).rename(root / "seeds" / ("م" * 125 + ".txt"))  # 250 bytes: its page fits
    done = run([str(root), "--out", str(tmp_path / "out")])
    assert done.returncode == 0, done.stderr


# -- the machine -------------------------------------------------------------------

def test_a_locale_that_is_not_utf8_still_builds_arabic_file_names(tmp_path):
    root = small_archive(tmp_path / "archive", count=0)
    (root / "seeds" / "مقال روسي.txt").write_text("بوتين في موسكو\nقال بوتين إن روسيا مستعدة.\n", encoding="utf-8")
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    probe = subprocess.run([sys.executable, "-c", "import sys; print(sys.getfilesystemencoding())"], env=env, capture_output=True, text=True)
    assert probe.stdout.strip() != "utf-8"  # the locale really is not UTF-8
    done = run([str(root), "--out", str(tmp_path / "out")], env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "articles" / "مقال روسي.html").is_file()
    assert quote("مقال روسي.html") in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_serve_on_a_busy_port_says_so_at_once(tmp_path):
    import socket

    root = small_archive(tmp_path / "archive")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run(["serve", str(root), "--out", str(tmp_path / "out"), "--port", str(port)])
    assert_clear_failure(done, f"port {port}", "already in use", "--port")
    assert not (tmp_path / "out").exists()  # refused before building


def fail_writes_after(monkeypatch, writes: int, errno_code: int) -> None:
    """Every page written after the first `writes` fails as a full or read-only disk would."""
    import arshif.write

    real, count = arshif.write._write_file, {"n": 0}

    def failing(target, content, epoch):
        count["n"] += 1
        if count["n"] > writes:
            raise OSError(errno_code, os.strerror(errno_code), str(target))
        real(target, content, epoch)

    monkeypatch.setattr(arshif.write, "_write_file", failing)


def test_a_full_disk_or_a_read_only_folder_gets_a_clear_error_and_the_old_site(tmp_path, monkeypatch, capsys):
    import errno

    from arshif.cli import main

    root = small_archive(tmp_path / "archive")
    out = tmp_path / "out"
    assert main([str(root), "--out", str(out), "--quiet"]) == 0
    before = site_digest(out)
    (root / "seeds" / "0001.txt").write_text("عنوان جديد\nنص جديد.\n", encoding="utf-8")
    for code, phrase in ((errno.ENOSPC, "the disk is full"), (errno.EROFS, "read-only"), (errno.EACCES, "permission denied")):
        capsys.readouterr()
        with monkeypatch.context() as patch:
            fail_writes_after(patch, 5, code)
            assert main([str(root), "--out", str(out), "--quiet"]) == 1
        err = capsys.readouterr().err
        assert phrase in err and "fix:" in err and "internal error" not in err, err
        assert site_digest(out) == before
        assert not list(tmp_path.glob(".out.arshif-tmp-*"))  # the staging folder is gone
    assert main([str(root), "--out", str(out), "--quiet"]) == 0
    assert "عنوان جديد" in (out / "articles" / "0001.html").read_text(encoding="utf-8")


def can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def tmpfs(tmp_path):
    """Mounts a small tmpfs (root only); yields a function mounting one at a path."""
    mounted = []

    def mount(path: Path, size: str = "64m", read_only: bool = False) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        options = f"size={size}" + (",ro" if read_only else "")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(path)
        return path

    if not can_mount():
        pytest.skip("mounting needs root")
    yield mount
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_an_output_folder_that_is_a_mount_point_is_built_in_place(tmp_path, tmpfs):
    root = small_archive(tmp_path / "archive")
    out = tmpfs(tmp_path / "volume")
    done = run([str(root), "--out", str(out), "--quiet"])
    assert done.returncode == 0, done.stderr
    (root / "seeds" / "0001.txt").write_text("عنوان جديد\nنص جديد.\n", encoding="utf-8")
    done = run([str(root), "--out", str(out), "--quiet"])
    assert done.returncode == 0, done.stderr
    assert os.path.ismount(out)
    assert "عنوان جديد" in (out / "articles" / "0001.html").read_text(encoding="utf-8")
    assert not [p.name for p in out.iterdir() if ".arshif-tmp" in p.name or ".arshif-old" in p.name]
    fresh = tmp_path / "fresh"
    assert run([str(root), "--out", str(fresh), "--quiet"]).returncode == 0
    assert site_digest(out) == site_digest(fresh)


def test_a_real_full_disk_leaves_the_previous_site(tmp_path, tmpfs):
    disk = tmpfs(tmp_path / "disk", size="4m")
    root = small_archive(tmp_path / "archive")
    out = disk / "site"
    assert run([str(root), "--out", str(out), "--quiet"]).returncode == 0
    before = site_digest(out)
    small_archive(root, count=300, body="نص طويل " * 400)  # about 7 MB of pages: more than the disk holds
    done = run([str(root), "--out", str(out), "--quiet"])
    assert_clear_failure(done, "the disk is full")
    assert site_digest(out) == before
    assert [p.name for p in disk.iterdir() if ".arshif-tmp" in p.name] == []


def test_a_read_only_output_folder_gets_a_clear_error(tmp_path, tmpfs):
    root = small_archive(tmp_path / "archive")
    out = tmpfs(tmp_path / "ro", read_only=True)
    done = run([str(root), "--out", str(out / "site"), "--quiet"])
    assert_clear_failure(done, "read-only")


def test_file_names_never_reach_the_terminal_raw_and_static_link_loops_are_skipped(tmp_path):
    root = small_archive(tmp_path / "archive", count=1)
    (root / "seeds" / "x\x1b[2J\x1b[31mFAKE\r.txt").write_text("عنوان\nنص.\n", encoding="utf-8")
    (root / "seeds" / "ab\u2028cd.txt").write_text("عنوان\nنص.\n", encoding="utf-8")
    done = run([str(root), "--out", str(tmp_path / "out")])
    assert_clear_failure(done, "x\\x1b[2J\\x1b[31mFAKE\\r.txt", "ab\\u2028cd.txt")
    assert "\x1b" not in done.stderr and "\r" not in done.stderr and "\u2028" not in done.stderr
    for name in ("x\x1b[2J\x1b[31mFAKE\r.txt", "ab\u2028cd.txt"):
        (root / "seeds" / name).unlink()
    (root / "templates" / "static").mkdir(parents=True)
    (root / "templates" / "static" / "loop").symlink_to("loop")
    done = run([str(root), "--out", str(tmp_path / "out")])
    assert done.returncode == 0 and "a loop of links" in done.stderr, done.stderr


def test_a_background_writer_that_fails_is_reported_and_leaves_the_previous_site(tmp_path):
    """The search index is written by a forked process: its full disk is said as the build's own,
    and a build that fails while it runs stops it and leaves nothing behind."""
    import errno as errnos

    from arshif.errors import BuildError
    from arshif.write import SiteWriter

    out = tmp_path / "site"
    out.mkdir()
    (out / "kept.html").write_text("old", encoding="utf-8")

    def full_disk():
        yield "search/a.js", "x"
        raise OSError(errnos.ENOSPC, "No space left on device", str(out / "search/b.js"))

    with pytest.raises(BuildError, match="the disk is full"), SiteWriter(out, None) as writer:
        writer.write_in_background(full_disk).finish()

    def forever():
        yield "search/a.js", "x"
        time.sleep(60)
        yield "search/b.js", "y"

    started = time.monotonic()
    with pytest.raises(RuntimeError), SiteWriter(out, None) as writer:
        pid = writer.write_in_background(forever).pid
        raise RuntimeError("a template failed")
    assert time.monotonic() - started < 30  # the writer was stopped, not waited for
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # and is gone: it will not write into a staging folder made anew
    assert [p.name for p in out.iterdir()] == ["kept.html"]
    assert not [p.name for p in tmp_path.iterdir() if ".arshif-tmp" in p.name]  # the staging folder is gone
