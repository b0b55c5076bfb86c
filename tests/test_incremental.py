"""Rebuilds reuse unchanged pages from the previous build, and never serve a stale one."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import write_archive
from test_build import site_digest

from arshif.cache import cache_path
from arshif.pipeline import REPO_ROOT, build
from arshif.write import site_id


def make_archive(root):
    seeds = {f"{i:03d}.txt": f"عنوان {i}\nنص المقال رقم {i}.\n" for i in range(6)}
    rows = "".join(f"{i:03d}.txt,okaz,2015-08-{10 + i},,\n" for i in range(6))
    return write_archive(root, seeds=seeds, metadata="file,source,date,url,author\n" + rows, toml="home_page_size = 2\n")


def inode(path):
    return os.stat(path).st_ino


def assert_same_as_clean(root, out, tmp_path, name: str = "fresh"):
    """The site in `out` is byte for byte a build from nothing of the same archive."""
    fresh = tmp_path / name
    build(root, fresh, use_cache=False)
    assert site_digest(out) == site_digest(fresh)


def test_unchanged_pages_are_reused_and_changed_ones_rendered(tmp_path):
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    assert cache_path(out).is_file() and not cache_path(out).is_relative_to(out)
    before = {p: inode(out / "articles" / p) for p in ("000.html", "002.html", "003.html", "004.html")}
    seed = root / "seeds" / "003.txt"
    seed.write_text("عنوان 3 معدل\nنص جديد تماما.\n", encoding="utf-8")
    build(root, out)
    assert inode(out / "articles" / "000.html") == before["000.html"]  # untouched: linked, not rendered
    assert inode(out / "articles" / "003.html") != before["003.html"]
    assert "نص جديد تماما." in (out / "articles" / "003.html").read_text(encoding="utf-8")
    # the neighbours show the new headline in their older/newer links
    for neighbour in ("002.html", "004.html"):
        assert "عنوان 3 معدل" in (out / "articles" / neighbour).read_text(encoding="utf-8")
    # and the result is byte-identical to a build from scratch
    assert_same_as_clean(root, out, tmp_path)


def test_metadata_and_template_changes_reach_every_page(tmp_path):
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    metadata = root / "content" / "metadata.csv"
    metadata.write_text(metadata.read_text(encoding="utf-8").replace("okaz", "sabq"), encoding="utf-8")
    (root / "archive.toml").write_text('home_page_size = 2\n[sources]\nsabq = "سبق"\n', encoding="utf-8")
    build(root, out)
    assert all("سبق" in p.read_text(encoding="utf-8") for p in (out / "articles").glob("*.html"))
    (root / "templates").mkdir()
    (root / "templates" / "_date.html").write_text("<span>تاريخ مخصص</span>", encoding="utf-8")
    build(root, out)
    assert all("تاريخ مخصص" in p.read_text(encoding="utf-8") for p in (out / "articles").glob("*.html"))


def test_a_site_replaced_by_hand_is_not_trusted(tmp_path):
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    page = out / "articles" / "001.html"
    page.unlink()
    (out / ".arshif-site").unlink()
    (out / ".arshif-site").write_text("copied back from a backup\n")
    build(root, out)
    assert page.is_file()


def test_a_corrupt_cache_only_costs_a_full_build(tmp_path):
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    (root / "seeds" / "002.txt").write_text("عنوان آخر\nنص.\n", encoding="utf-8")
    assert build(root, out).notes == ()  # a cache that reads is no news
    cache_path(out).write_bytes(b"\x00garbage")
    (root / "seeds" / "001.txt").write_text("عنوان جديد\nنص.\n", encoding="utf-8")
    result = build(root, out)
    assert len(result.notes) == 1 and "was ignored (the file ends too soon)" in result.notes[0]
    assert_same_as_clean(root, out, tmp_path)


def test_a_cache_of_another_version_is_ignored_with_a_note(tmp_path):
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    data = bytearray(cache_path(out).read_bytes())
    start = data.index(b"format 2\n") + len(b"format 2\n")
    data[start] ^= 0xFF  # the code version it was written by
    cache_path(out).write_bytes(bytes(data))
    (root / "seeds" / "001.txt").write_text("عنوان جديد\nنص.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), str(root), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "note: the build cache" in done.stderr and "another version of arshif" in done.stderr


def test_search_files_are_linked_when_the_content_is_the_same_and_rebuilt_when_it_is_not(tmp_path):
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    manifest = out / "search" / "manifest.js"
    first = inode(manifest)
    (root / "archive.toml").write_text("home_page_size = 3\n", encoding="utf-8")  # a setting search does not read
    build(root, out)
    assert inode(manifest) == first and (out / "assets" / "arshif-text-data.js").is_file()
    (root / "seeds" / "003.txt").write_text("عنوان 3\nكلمة جديدة كامتشاتكا.\n", encoding="utf-8")
    build(root, out)
    terms = "".join(p.read_text(encoding="utf-8") for p in (out / "search" / "t").glob("*.js"))
    assert "كامتشاتكا" in terms
    assert_same_as_clean(root, out, tmp_path)


def test_an_edit_that_keeps_size_and_mtime_still_reaches_the_site(tmp_path):
    """A restored backup, rsync -t or a one-second filesystem: the same size and mtime, new
    bytes. Each build runs in its own process (as users run them), with the cache on disk."""
    root = write_archive(tmp_path / "a", seeds={"a.txt": "عنوان\nقال بوتين اليوم كلاما.\n"})
    out = tmp_path / "out"
    command = [sys.executable, str(REPO_ROOT / "build.py"), str(root), "--out", str(out), "--quiet"]
    subprocess.run(command, check=True)
    seed = root / "seeds" / "a.txt"
    before = seed.stat()
    seed.write_bytes(seed.read_bytes().replace("بوتين".encode(), "كاذبة".encode()))
    os.utime(seed, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert seed.stat().st_size == before.st_size and seed.stat().st_mtime_ns == before.st_mtime_ns
    subprocess.run(command, check=True)
    page = (out / "articles" / "a.html").read_text(encoding="utf-8")
    assert "كاذبة" in page and "بوتين" not in page
    assert_same_as_clean(root, out, tmp_path)


def test_a_build_with_nothing_changed_does_nothing_and_says_what_it_said(tmp_path):
    """Same sources, theme, code and settings (by content): the site stays as it is, not even
    relinked, and the warnings of the build that made it are shown again."""
    root = make_archive(tmp_path / "a")
    (root / "seeds" / "no-row.txt").write_text("عنوان\nنص.\n", encoding="utf-8")  # a warning: no metadata row
    out = tmp_path / "out"
    first = build(root, out)
    assert first.problems.warnings
    marker = {p: inode(p) for p in out.rglob("*")}
    again = build(root, out)
    assert {p: inode(p) for p in out.rglob("*")} == marker  # nothing written, linked or swapped
    assert (again.articles, again.pages) == (first.articles, first.pages)
    assert [p.show() for p in again.problems.warnings] == [p.show() for p in first.problems.warnings]


def test_a_page_deleted_from_the_site_comes_back(tmp_path):
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    (out / "articles" / "002.html").unlink()
    build(root, out)
    assert_same_as_clean(root, out, tmp_path)


def test_a_theme_edit_is_a_change(tmp_path, monkeypatch):
    """The default theme is input too (an edit in a checkout): the fingerprint covers it."""
    import arshif.pipeline as pipeline

    theme = tmp_path / "theme"
    theme.mkdir()
    for path in pipeline.DEFAULT_TEMPLATES.iterdir():
        if path.is_file():
            (theme / path.name).write_bytes(path.read_bytes())
        elif path.name == "static":
            __import__("shutil").copytree(path, theme / "static")
    monkeypatch.setattr(pipeline, "DEFAULT_TEMPLATES", theme)
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    base = theme / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("<main", "<main data-theme-edit", 1), encoding="utf-8")
    build(root, out)
    assert "data-theme-edit" in (out / "index.html").read_text(encoding="utf-8")


def test_a_session_keeps_the_cache_in_memory_and_saves_it_once(tmp_path):
    """serve's builds: the cache stays in memory between rebuilds (never read or written), each
    rebuild equals a clean build, and the cache saved when serve stops serves the next build."""
    from arshif.pipeline import Session

    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    session = Session(out)
    build(root, out, session=session)
    seed = root / "seeds" / "003.txt"
    for text in ("عنوان 3 معدل\nنص جديد.\n", "عنوان 3 مرة أخرى\nنص آخر.\n"):
        seed.write_text(text, encoding="utf-8")
        before = inode(out / "articles" / "000.html")
        build(root, out, session=session)
        assert inode(out / "articles" / "000.html") == before  # reused through the in-memory cache
        assert not cache_path(out).exists()
        fresh = tmp_path / f"fresh-{len(text)}"
        build(root, fresh, use_cache=False)
        assert site_digest(out) == site_digest(fresh)
    session.save()
    marker = {p: inode(p) for p in out.rglob("*")}
    build(root, out)  # from the command line, after serve stopped: nothing changed since
    assert {p: inode(p) for p in out.rglob("*")} == marker


def test_the_replaced_site_is_removed_without_waiting_and_leftovers_go_next_time(tmp_path):
    import time

    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    (root / "seeds" / "001.txt").write_text("عنوان معدل\nنص.\n", encoding="utf-8")
    build(root, out)  # the old site goes to a removal running on its own
    deadline = time.monotonic() + 30
    while [p for p in tmp_path.iterdir() if ".arshif-old-" in p.name] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p.name for p in tmp_path.iterdir() if ".arshif-old-" in p.name]
    leftover = tmp_path / ".out.arshif-old-1-2"  # a removal killed half-way: its marker may be gone already
    (leftover / "articles").mkdir(parents=True)
    (leftover / "articles" / "x.html").write_text("x", encoding="utf-8")
    (tmp_path / ".out.arshif-notours-1").mkdir()  # not a replaced site of ours, and holds no marker: kept
    (tmp_path / ".out.arshif-notours-1" / "keep.txt").write_text("x", encoding="utf-8")
    (root / "seeds" / "001.txt").write_text("عنوان معدل مرة أخرى\nنص.\n", encoding="utf-8")
    build(root, out)
    deadline = time.monotonic() + 30
    while leftover.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not leftover.exists() and (tmp_path / ".out.arshif-notours-1").exists()


def search_files(out) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "search").rglob("*.js"))}


def test_search_later_shows_the_edit_first_and_the_next_build_brings_the_search_up_to_date(tmp_path):
    """serve's two passes after an edit: the pages, with the previous search files; then the search."""
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    before = search_files(out)
    (root / "seeds" / "003.txt").write_text("عنوان 3 معدل\nكلمة جديدة كامتشاتكا.\n", encoding="utf-8")

    first = build(root, out, search_later=True)
    assert first.search_pending
    assert "كامتشاتكا" in (out / "articles" / "003.html").read_text(encoding="utf-8")
    assert search_files(out) == before  # the previous build's, not rebuilt

    second = build(root, out)  # the same sources: not "nothing changed", as the search is behind them
    assert not second.search_pending
    assert "كامتشاتكا" in "".join(p.read_text(encoding="utf-8") for p in (out / "search" / "t").glob("*.js"))
    assert_same_as_clean(root, out, tmp_path)


def test_search_later_with_the_search_unchanged_leaves_nothing_pending(tmp_path):
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    (root / "archive.toml").write_text("home_page_size = 3\n", encoding="utf-8")  # a setting search does not read
    assert not build(root, out, search_later=True).search_pending
    built = site_id(out)
    assert not build(root, out, search_later=True).search_pending
    assert site_id(out) == built  # nothing changed, so nothing was built: the same site folder


def test_a_cancelled_build_leaves_the_site_and_its_cache_as_they_were(tmp_path):
    import threading

    import pytest

    from arshif.pipeline import Cancelled
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    site, cache = site_digest(out), cache_path(out).read_bytes()
    (root / "seeds" / "003.txt").write_text("عنوان 3 معدل\nكلمة جديدة.\n", encoding="utf-8")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        build(root, out, cancel=cancel)  # stopped while its search is built
    assert site_digest(out) == site and cache_path(out).read_bytes() == cache
    assert sorted(p.name for p in tmp_path.iterdir() if ".arshif-tmp" in p.name) == []  # no staging left behind
    build(root, out)
    assert_same_as_clean(root, out, tmp_path)


def test_a_rebuild_reads_an_unchanged_seed_once(tmp_path, monkeypatch):
    """The fingerprint reads every source; the loader then parses again only the seeds whose bytes changed."""
    from collections import Counter
    from pathlib import Path
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    (root / "seeds" / "003.txt").write_text("عنوان 3 معدل\nنص جديد.\n", encoding="utf-8")
    reads = Counter()
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.update([self.name]) or real_read(self))
    build(root, out)
    assert reads["000.txt"] == 1 and reads["003.txt"] == 2
    assert "نص جديد." in (out / "articles" / "003.html").read_text(encoding="utf-8")


def test_the_search_reads_again_only_the_words_of_changed_articles(tmp_path, monkeypatch):
    """Each article's words are kept (as numbers) in the words cache: a rebuild's search reads
    only the changed articles, and still writes what a clean build writes. A damaged or foreign
    words cache is read as nothing."""
    from arshif import search
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    words = cache_path(out, "words")
    assert words.is_file()
    read = []
    real_words = search.SearchDoc.words
    monkeypatch.setattr(search.SearchDoc, "words", property(lambda self: read.append(self.article.id) or real_words.fget(self)))
    (root / "seeds" / "003.txt").write_text("عنوان 3\nكلمة جديدة كامتشاتكا.\n", encoding="utf-8")
    build_in_process = _search_in_this_process(monkeypatch)
    build_in_process(root, out)
    assert read == ["003"]
    assert_same_as_clean(root, out, tmp_path)
    from arshif.cache import read_framed, write_framed
    vocabulary, entries = read_framed(words, 2)
    write_framed(words, vocabulary[:3], entries)  # whole and of this version, but its numbers lead nowhere
    forged = words.read_bytes()
    write_framed(words, [[0], *vocabulary], entries)  # a word that is no text
    not_text = words.read_bytes()
    write_framed(words, [*vocabulary[:3], 7, *vocabulary[4:]], entries)
    a_number = words.read_bytes()
    write_framed(words, [*vocabulary, vocabulary[0]], entries)  # a word twice
    twice = words.read_bytes()
    for number, damage in enumerate((b"", forged[:-7], forged.replace(b"\x00", b"\x01", 40), forged, not_text, a_number, twice)):
        words.write_bytes(damage)
        (root / "seeds" / "004.txt").write_text(f"عنوان 4\nنص {number}.\n", encoding="utf-8")
        read.clear()
        build_in_process(root, out)
        assert set(read) == {f"{i:03d}" for i in range(6)}  # every article read again
        fresh = tmp_path / f"fresh-{number}"
        build(root, fresh, use_cache=False)
        assert site_digest(out) == site_digest(fresh)


def _search_in_this_process(monkeypatch):
    """build, with the search files written by this process (so what it reads can be counted)."""
    from arshif import write

    def in_this_process(self, produce, previous=None):
        for rel_path, content in produce():
            self.write(rel_path, content)
        return type("Done", (), {"finish": lambda self, cancel=None: [], "stop": lambda self: None, "digests": {}})()
    monkeypatch.setattr(write.SiteWriter, "write_in_background", in_this_process)
    return build


def test_search_files_whose_bytes_are_unchanged_are_linked_not_written(tmp_path):
    """After an edit the index's parts change (every weight depends on every article), but the
    other articles' snippet and result files are the same bytes: linked from the current site."""
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    before = {p.relative_to(out).as_posix(): inode(p) for p in (out / "search").rglob("*.js")}
    (root / "seeds" / "003.txt").write_text("عنوان 3\nنص المقال رقم 3 بعد تعديله.\n", encoding="utf-8")
    build(root, out)
    after = {p.relative_to(out).as_posix(): inode(p) for p in (out / "search").rglob("*.js")}
    kept = {path for path in after if before.get(path) == after[path]}
    snippets = {path for path in after if path.startswith("search/x/")}
    changed_snippet = {path for path in snippets if "بعد تعديله" in (out / path).read_text(encoding="utf-8")}
    assert len(changed_snippet) == 1 and snippets - changed_snippet <= kept and not changed_snippet & kept
    # a search file edited by hand (its size changed) is written again, not linked
    tampered = out / sorted(snippets - changed_snippet)[0]
    tampered.write_text(tampered.read_text(encoding="utf-8") + "// edited by hand\n", encoding="utf-8")
    (root / "seeds" / "003.txt").write_text("عنوان 3\nنص المقال رقم 3 بعد تعديله مرة أخرى.\n", encoding="utf-8")
    build(root, out)
    assert "edited by hand" not in tampered.read_text(encoding="utf-8")
    assert_same_as_clean(root, out, tmp_path)


def test_a_seed_saved_while_the_build_reads_it_starts_the_build_again(tmp_path, monkeypatch):
    """Between the fingerprint's reading and the loader's, a save would leave a site showing one
    text under the fingerprint of another (and the next build, back at that other text, would
    take the site for unchanged). The build starts again, with the new text."""
    from arshif import pipeline
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    seed = root / "seeds" / "003.txt"
    seed.write_text("عنوان 3\nالنص ب.\n", encoding="utf-8")
    real_hash, saves = pipeline.input_hash, []

    def hash_then_save(*args):
        digest = real_hash(*args)
        if not saves:  # once, just after the fingerprint has read "ب"
            saves.append(1)
            seed.write_text("عنوان 3\nالنص أ.\n", encoding="utf-8")
        return digest
    monkeypatch.setattr(pipeline, "input_hash", hash_then_save)
    build(root, out)
    assert "النص أ." in (out / "articles" / "003.html").read_text(encoding="utf-8")
    monkeypatch.setattr(pipeline, "input_hash", real_hash)
    seed.write_text("عنوان 3\nالنص ب.\n", encoding="utf-8")
    build(root, out)  # back to the fingerprint of the first reading: it must not be taken for unchanged
    assert_same_as_clean(root, out, tmp_path)


def test_metadata_saved_while_the_build_reads_it_starts_the_build_again(tmp_path, monkeypatch):
    from arshif import pipeline
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    metadata = root / "content" / "metadata.csv"
    original = metadata.read_text(encoding="utf-8")
    real_load, saves = pipeline.load_archive, []

    def load_then_save(*args):
        archive = real_load(*args)
        if not saves:
            saves.append(1)
            metadata.write_text(original.replace("okaz", "sabq"), encoding="utf-8")
        return archive
    monkeypatch.setattr(pipeline, "load_archive", load_then_save)
    (root / "seeds" / "000.txt").write_text("عنوان 0\nنص آخر.\n", encoding="utf-8")  # an edit: the build loads
    build(root, out)
    assert saves and "sabq" in (out / "articles" / "003.html").read_text(encoding="utf-8")
    assert_same_as_clean(root, out, tmp_path)


def test_a_build_waits_a_moment_for_a_lock_about_to_be_let_go(tmp_path):
    """The process removing the replaced site holds the build's lock until it lets go of it:
    the next build (serve's second pass) waits for that, and still refuses a real second build."""
    import fcntl
    import threading

    import pytest

    from arshif.errors import BuildError
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    lock = open(tmp_path / ".out.arshif-lock", "a")
    fcntl.flock(lock, fcntl.LOCK_EX)
    threading.Timer(0.3, lock.close).start()
    (root / "seeds" / "000.txt").write_text("عنوان 0\nنص آخر.\n", encoding="utf-8")
    build(root, out)  # waited for it
    assert "نص آخر." in (out / "articles" / "000.html").read_text(encoding="utf-8")
    with open(tmp_path / ".out.arshif-lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        (root / "seeds" / "000.txt").write_text("عنوان 0\nنص ثالث.\n", encoding="utf-8")
        with pytest.raises(BuildError, match="another build is writing"):
            build(root, out)


def test_serve_keeps_the_articles_and_metadata_rows_it_made_and_says_their_warnings_again(tmp_path):
    """A session keeps, in memory, the articles made from unchanged seeds and the metadata's
    rows (with the warnings they gave); an edit still reaches the site, and each build says the
    same warnings."""
    from arshif.pipeline import Session
    root = make_archive(tmp_path / "a")
    metadata = root / "content" / "metadata.csv"
    rows = metadata.read_text(encoding="utf-8").splitlines()
    metadata.write_text("\n".join([rows[0] + ",notes", *(row + ",-" for row in rows[1:])]) + "\n", encoding="utf-8")  # a warning
    out = tmp_path / "out"
    session = Session(out)
    first = build(root, out, session=session)
    kept = dict(session.cache.new_memory)
    assert {what[0] for what in kept} == {"seed", "metadata", "related"}
    (root / "seeds" / "002.txt").write_text("عنوان 2\nنص جديد.\n", encoding="utf-8")
    second = build(root, out, session=session)
    now = session.cache.new_memory
    assert now[("seed", root / "seeds" / "000.txt")][1] is kept[("seed", root / "seeds" / "000.txt")][1]
    assert now[("seed", root / "seeds" / "002.txt")][1] is not kept[("seed", root / "seeds" / "002.txt")][1]
    assert now[("related",)][1] is kept[("related",)][1]  # no article's entities or tags changed
    (root / "seeds" / "005.txt").unlink()
    metadata.write_text("\n".join(line for line in metadata.read_text(encoding="utf-8").splitlines() if not line.startswith("005")) + "\n",
                        encoding="utf-8")
    build(root, out, session=session)
    assert ("seed", root / "seeds" / "005.txt") not in session.cache.new_memory  # a deleted seed's article is let go
    assert "نص جديد." in (out / "articles" / "002.html").read_text(encoding="utf-8")
    assert [p.message for p in second.problems.items] == [p.message for p in first.problems.items]
    assert any("unknown column" in p.message for p in second.problems.items)
    assert_same_as_clean(root, out, tmp_path)


def test_what_builds_froze_and_let_go_of_in_cycles_is_collected_when_serve_is_idle():
    import gc
    import weakref

    from arshif.pipeline import Session

    class Node:
        pass
    node = Node()
    node.itself = node  # a cycle: its reference count never falls to 0
    gone = weakref.ref(node)
    gc.freeze()  # as a build leaves what it made
    del node
    gc.collect()
    assert gone() is not None  # frozen: a build's collections skip it
    Session.collect_garbage()
    assert gone() is None


def _warnings(result) -> list[str]:
    return sorted(f"{p.path.name if p.path else ''}: {p.message}" for p in result.problems.warnings)


def test_a_reused_parse_says_its_warnings_again_as_a_clean_build_does(tmp_path):
    """A UTF-16 seed is read with a warning: a build that reuses its parse (from the cache on
    disk, or serve's memory) says it again."""
    from arshif.pipeline import Session
    root = make_archive(tmp_path / "a")
    (root / "seeds" / "001.txt").write_bytes("عنوان 1\nنص.\n".encode("utf-16"))
    clean = _warnings(build(root, tmp_path / "clean", use_cache=False))
    assert any("UTF-16" in w for w in clean)
    out, session = tmp_path / "out", Session(tmp_path / "served")
    for number in range(3):
        (root / "seeds" / "000.txt").write_text(f"عنوان 0\nنص {number}.\n", encoding="utf-8")  # another seed changes
        assert _warnings(build(root, out)) == clean
        assert _warnings(build(root, tmp_path / "served", session=session)) == clean


def test_a_loop_of_links_made_after_a_build_is_warned_of_by_the_next(tmp_path):
    """Its warning came only from a clean build: the loop was not input, so the next build found
    nothing changed and said the last build's warnings."""
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    (root / "seeds" / "loop1.txt").symlink_to("loop2.txt")
    (root / "seeds" / "loop2.txt").symlink_to("loop1.txt")
    clean = _warnings(build(root, tmp_path / "clean", use_cache=False))
    assert sum("loop of links" in w for w in clean) == 2
    assert _warnings(build(root, out)) == clean


def test_metadata_read_while_it_is_being_saved_is_never_kept_under_the_other_text(tmp_path, monkeypatch):
    """serve keeps the metadata's rows under the digest of the very bytes parsed: metadata.csv
    read (A) while a save (B) and its undo (A) happen is read again, never kept as A's rows."""
    import arshif.load.files
    from arshif.pipeline import Session
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    session = Session(out)
    build(root, out, session=session)
    metadata = root / "content" / "metadata.csv"
    metadata.write_bytes(metadata.read_bytes().replace(b"004.txt,okaz", b"004.txt,ria"))  # A: the memory has no rows for it
    other = metadata.read_bytes().replace(b"003.txt,okaz", b"003.txt,sabq")  # B
    real_read, reads = arshif.load.files.read_bytes, []

    def read_the_other_once(path, problems):
        if path == metadata and not reads:
            reads.append(path)
            return other  # the file as it was for a moment
        return real_read(path, problems)
    monkeypatch.setattr(arshif.load.files, "read_bytes", read_the_other_once)
    (root / "seeds" / "000.txt").write_text("عنوان 0\nنص آخر.\n", encoding="utf-8")
    build(root, out, session=session)
    monkeypatch.setattr(arshif.load.files, "read_bytes", real_read)
    assert reads and "sabq" not in (out / "articles" / "003.html").read_text(encoding="utf-8")
    (root / "seeds" / "001.txt").write_text("عنوان 1\nنص آخر.\n", encoding="utf-8")
    build(root, out, session=session)
    assert_same_as_clean(root, out, tmp_path)


def test_serve_loads_the_archive_into_memory_when_its_first_build_found_nothing_to_do(tmp_path):
    """serve's first build stops at once when the site is up to date: warm() loads the archive
    into memory then, so that the first edit's build takes its unchanged articles from there."""
    from arshif.pipeline import Session
    root = make_archive(tmp_path / "a")
    out = tmp_path / "out"
    build(root, out)
    session = Session(out)
    build(root, out, session=session)  # nothing changed
    assert session.cache is None and not session.warmed
    session.warm(root)
    warmed = session.warmed[("seed", root / "seeds" / "000.txt")]
    (root / "seeds" / "002.txt").write_text("عنوان 2\nنص جديد.\n", encoding="utf-8")
    build(root, out, session=session)
    assert session.cache.new_memory[("seed", root / "seeds" / "000.txt")][1] is warmed[1]
    assert_same_as_clean(root, out, tmp_path)
