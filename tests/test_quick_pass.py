"""serve's quick pass: after an edit of articles' text, the pages that can show them are
rendered into memory (Session.overlay) and served over the site folder, which stays the last
whole build's until the next whole build. (test_incremental_equivalence holds the shown site
to a clean build over long sequences of edits; these are the rules one at a time.)"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import write_archive
from test_build import site_digest

from arshif.errors import BuildError
from arshif.pipeline import Session, build
from arshif.serve import RELOAD_SCRIPT, Preview, PreviewHandler, PreviewServer
from arshif.write import site_id

ENTITIES = '[[entity]]\nid = "putin"\nname = "فلاديمير بوتين"\ntype = "person"\naliases = ["بوتين"]\n'


def make_archive(root: Path) -> Path:
    seeds = {f"{i:03d}.txt": f"عنوان {i}\nقال بوتين في المقال رقم {i} كلاما.\nفقرة ثانية.\n" for i in range(8)}
    rows = "".join(f"{i:03d}.txt,okaz,2015-08-{10 + i},,\n" for i in range(8))
    root = write_archive(root, seeds=seeds, metadata="file,source,date,url,author\n" + rows, toml="home_page_size = 3\nlist_page_size = 3\n")
    (root / "content" / "entities.toml").write_text(ENTITIES, encoding="utf-8")
    return root


@pytest.fixture
def served_session(tmp_path, monkeypatch):
    """An archive built once, and a session that has built it (as serve's first build)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root, out = make_archive(tmp_path / "a"), tmp_path / "out"
    session = Session(out)
    build(root, out, session=session)
    return root, out, session


def edit(root: Path, name: str, text: str) -> set[str]:
    path = root / "seeds" / name
    path.write_text(text, encoding="utf-8")
    return {str(path)}


def quick(root: Path, out: Path, session: Session, changed: set[str]):
    return build(root, out, session=session, search_later=True, changed=changed)


def test_an_edit_is_shown_from_memory_and_the_site_folder_waits_for_the_whole_build(served_session, tmp_path):
    root, out, session = served_session
    folder, built = site_digest(out), site_id(out)
    result = quick(root, out, session, edit(root, "006.txt", "عنوان 6 معدل\nقال بوتين كلاما آخر عن كامتشاتكا.\nفقرة ثانية.\n"))
    assert result.in_memory and result.search_pending
    assert site_digest(out) == folder and site_id(out) == built  # not a byte of the folder changed
    page = session.overlay_file("articles/006.html").decode("utf-8")
    assert "كامتشاتكا" in page and "عنوان 6 معدل" in page
    assert "عنوان 6 معدل" in session.overlay_file("index.html").decode("utf-8")  # the home page lists it
    assert "كامتشاتكا" in session.overlay_file("entities/putin.html").decode("utf-8")  # it quotes the sentence
    assert session.overlay_file("articles/005.html") is not None  # its neighbour links it by its headline
    assert session.overlay_file("search.html") is None  # a page the edit cannot change
    build(root, out, session=session)  # the second pass: the whole build
    assert session.overlay == {}
    assert "كامتشاتكا" in (out / "articles" / "006.html").read_text(encoding="utf-8")
    fresh = tmp_path / "fresh"
    build(root, fresh, use_cache=False)
    assert site_digest(out) == site_digest(fresh)


def test_the_manifest_is_made_when_asked_for_and_equals_a_clean_builds(served_session, tmp_path):
    root, out, session = served_session
    quick(root, out, session, edit(root, "005.txt", "عنوان 5 معدل\nقال بوتين شيئا.\n"))
    assert callable(session.overlay["manifest.json"])  # not made by the quick pass itself
    fresh = tmp_path / "fresh"
    build(root, fresh, use_cache=False)
    assert session.overlay_file("manifest.json") == (fresh / "manifest.json").read_bytes()


def test_quick_passes_follow_quick_passes(served_session, tmp_path):
    root, out, session = served_session
    for n in range(3):
        assert quick(root, out, session, edit(root, "002.txt", f"عنوان {n}\nقال بوتين {n}.\n")).in_memory
    assert "عنوان 2" in session.overlay_file("articles/002.html").decode("utf-8")
    same = quick(root, out, session, edit(root, "002.txt", "عنوان 2\nقال بوتين 2.\n"))  # saved with the same bytes
    assert same.in_memory == 0 and same.search_pending


@pytest.mark.parametrize("change", ["an entity named", "an entity no longer named", "a date", "an added seed",
                                    "a deleted seed", "a seed made a link", "another file", "a file outside the archive"])
def test_an_edit_that_changes_the_archives_shape_takes_a_whole_build(served_session, tmp_path, change):
    """An article that moves between pages (its date, entities, tags, source), an article added
    or removed, any other file: the quick pass cannot know every page it changes."""
    root, out, session = served_session
    seeds, metadata = root / "seeds", root / "content" / "metadata.csv"
    if change in ("a deleted seed", "a seed made a link"):  # first without its metadata row (a row needs its file)
        metadata.write_text(metadata.read_text(encoding="utf-8").replace("004.txt,okaz,2015-08-14,,\n", ""), encoding="utf-8")
        build(root, out, session=session)
    if change == "an entity named":  # the article comes onto the entity's page
        edit(root, "007.txt", "عنوان 7\nفقرة بلا أسماء.\n")
        build(root, out, session=session)
        changed = edit(root, "007.txt", "عنوان 7\nقال بوتين كلاما.\n")
    elif change == "an entity no longer named":
        changed = edit(root, "001.txt", "عنوان 1\nفقرة بلا أسماء.\n")
    elif change == "a date":
        metadata.write_text(metadata.read_text(encoding="utf-8").replace("2015-08-11", "2016-01-01"), encoding="utf-8")
        changed = {str(metadata)}
    elif change == "an added seed":
        changed = edit(root, "010.txt", "عنوان 10\nنص.\n")
    elif change == "a deleted seed":
        (seeds / "004.txt").unlink()
        changed = {str(seeds / "004.txt")}
    elif change == "a seed made a link":
        (tmp_path / "elsewhere.txt").write_text("عنوان من خارج الأرشيف\nنص.\n", encoding="utf-8")
        (seeds / "004.txt").unlink()
        (seeds / "004.txt").symlink_to(tmp_path / "elsewhere.txt")
        changed = {str(seeds / "004.txt")}
    elif change == "another file":
        (root / "archive.toml").write_text("home_page_size = 4\nlist_page_size = 3\n", encoding="utf-8")
        changed = {str(root / "archive.toml")}
    else:
        (tmp_path / "x.txt").write_text("x", encoding="utf-8")
        changed = {str(tmp_path / "x.txt")}
    result = quick(root, out, session, changed)
    assert result.in_memory is None
    assert session.overlay == {}
    fresh = tmp_path / "fresh"
    build(root, fresh, use_cache=False)
    pages = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")}
    assert pages == {p.relative_to(fresh).as_posix(): p.read_bytes() for p in fresh.rglob("*.html")}


def test_a_broken_edit_is_reported_by_the_whole_build_and_the_shown_site_stays(served_session):
    root, out, session = served_session
    quick(root, out, session, edit(root, "003.txt", "عنوان 3 معدل\nقال بوتين كلاما.\n"))
    shown = dict(session.overlay)
    path = root / "seeds" / "003.txt"
    path.write_bytes(b"\xff\xfe\xfa not text")
    with pytest.raises(BuildError) as caught:
        quick(root, out, session, {str(path)})
    assert any(p.path == path for p in caught.value.problems)
    assert session.overlay.keys() == shown.keys()  # the last good pages are still shown


def test_an_edited_seeds_warnings_are_its_own_again(served_session):
    """A UTF-16 seed is read with a warning; saved as UTF-8 again, the warning goes."""
    root, out, session = served_session
    path = root / "seeds" / "003.txt"
    path.write_text("عنوان 3\nقال بوتين كلاما.\n", encoding="utf-16")
    warned = quick(root, out, session, {str(path)})
    assert warned.in_memory and [p for p in warned.problems.warnings if p.path == path]
    plain = quick(root, out, session, edit(root, "003.txt", "عنوان 3\nقال بوتين كلاما.\n"))
    assert plain.in_memory and not [p for p in plain.problems.warnings if p.path == path]


def test_serve_answers_from_memory_first(served_session):
    """The HTTP side: a page in the overlay is answered (with the reload script), a feed with its
    own type; an address of no overlay file is the folder's."""
    root, out, session = served_session
    preview = Preview(root, out, quiet=True)
    preview.session = session
    quick(root, out, session, edit(root, "007.txt", "عنوان صفر معدل\nقال بوتين كلاما.\n"))  # the newest
    handler = type("Handler", (PreviewHandler,), {"preview": preview, "verbose": False})
    server = PreviewServer(("127.0.0.1", 0), lambda *args: handler(*args, directory=str(out.resolve())))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with urllib.request.urlopen(base + "articles/007.html", timeout=5) as response:
            page = response.read().decode("utf-8")
        assert "عنوان صفر معدل" in page and RELOAD_SCRIPT in page
        with urllib.request.urlopen(base, timeout=5) as response:
            assert "عنوان صفر معدل" in response.read().decode("utf-8")  # the folder's address: its index.html
        with urllib.request.urlopen(base + "feed.xml", timeout=5) as response:
            assert "xml" in response.headers["Content-Type"]
            assert "عنوان صفر معدل" in response.read().decode("utf-8")
        with urllib.request.urlopen(base + "articles/001.html", timeout=5) as response:
            assert "عنوان 1" in response.read().decode("utf-8")
        with pytest.raises(urllib.error.HTTPError) as missing:  # a file's name with '/' after it: no page, as on a host
            urllib.request.urlopen(base + "articles/007.html/", timeout=5)
        assert missing.value.code == 404
    finally:
        server.shutdown()
        server.server_close()



def test_sources_back_to_the_last_whole_builds_leave_no_quick_pages_shown(served_session, tmp_path):
    """A quick pass, then the edit undone with another file touched (a whole build): the site
    folder is up to date for the sources, but the pages shown in memory are the undone edit's."""
    root, out, session = served_session
    path = root / "seeds" / "006.txt"
    before = path.read_text(encoding="utf-8")
    assert quick(root, out, session, edit(root, "006.txt", "عنوان 6 معدل\nقال بوتين كلاما.\n")).in_memory
    path.write_text(before, encoding="utf-8")
    metadata = root / "content" / "metadata.csv"
    metadata.touch()
    assert quick(root, out, session, {str(path), str(metadata)}).in_memory is None
    assert session.overlay == {}
    fresh = tmp_path / "fresh"
    build(root, fresh, use_cache=False)
    assert site_digest(out) == site_digest(fresh)


def test_after_a_failed_build_every_edit_takes_a_whole_build_until_one_succeeds(served_session):
    """The quick pass reads only the edited files: after a build that failed on another file,
    it would show the edit over sources no build can make a site of."""
    root, out, session = served_session
    entities = root / "content" / "entities.toml"
    entities.write_text("[[entity]\n", encoding="utf-8")
    with pytest.raises(BuildError):
        quick(root, out, session, {str(entities)})
    with pytest.raises(BuildError) as caught:
        quick(root, out, session, edit(root, "003.txt", "عنوان 3 معدل\nقال بوتين كلاما.\n"))
    assert any(p.path == entities for p in caught.value.problems)
    entities.write_text(ENTITIES, encoding="utf-8")
    assert quick(root, out, session, {str(entities)}).in_memory is None
    assert quick(root, out, session, edit(root, "003.txt", "عنوان 3 معدل مرة أخرى\nقال بوتين كلاما.\n")).in_memory


def test_a_save_with_the_same_bytes_keeps_the_search_pending(served_session):
    root, out, session = served_session
    metadata = root / "content" / "metadata.csv"
    metadata.write_text(metadata.read_text(encoding="utf-8").replace("003.txt,okaz", "003.txt,sabq"), encoding="utf-8")
    assert quick(root, out, session, {str(metadata)}).search_pending  # a whole build: the search waits
    path = root / "seeds" / "001.txt"
    path.touch()
    assert quick(root, out, session, {str(path)}).search_pending


def test_a_second_pass_that_fails_says_so_in_the_tab_and_is_not_tried_again(served_session):
    """A file the quick pass did not read (the watcher missed it) breaks the whole build."""
    root, out, session = served_session
    preview = Preview(root, out, quiet=True)
    preview.session = session
    assert preview.rebuild(edit(root, "003.txt", "عنوان 3 معدل\nقال بوتين كلاما.\n"))
    assert preview.search_pending
    (root / "content" / "entities.toml").write_text("[[entity]\n", encoding="utf-8")
    preview.update_search(threading.Event())
    assert not preview.search_pending
    assert not preview.status.ok and "entities.toml" in "".join(preview.status.problems)
