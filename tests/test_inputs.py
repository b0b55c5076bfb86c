"""One registry of input kinds (arshif.inputs), and every step that needs the list reads it:
the loader, the input hash, serve's watcher and the guards on the output and snapshot folders.

Each test also runs with a kind added to the registry, or with the kinds moved elsewhere:
a step that kept its own list would miss them, and fail here."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SEED_TEXT, write_archive

from arshif import inputs
from arshif.errors import BuildError, Problems
from arshif.inputs import INPUT_KINDS, InputKind, input_files, source_folder_names
from arshif.load import load_archive
from arshif.pipeline import build, snapshot
from arshif.publish import input_hash
from arshif.serve import source_state

NOTES = InputKind("notes", "notes", True, ".txt", "a kind added by a test", "load")
EXTRA = InputKind("extra", "extra.toml", False, "", "a top-level file added by a test", "config")


@pytest.fixture
def with_new_kinds(monkeypatch):
    """The registry with a new source folder (notes/) and a new top-level file (extra.toml)."""
    monkeypatch.setattr(inputs, "INPUT_KINDS", INPUT_KINDS + (NOTES, EXTRA))


def a_file_of(root: Path, of: InputKind) -> Path:
    """One file of the kind in the archive (made, with its folders)."""
    path = root / of.path / f"sample{of.suffix or '.html'}" if of.is_folder else root / of.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("أول\n", encoding="utf-8")
    return path


def every_kind(root: Path) -> dict[str, Path]:
    return {of.name: a_file_of(root, of) for of in inputs.INPUT_KINDS}


def test_the_registry():
    names = [of.name for of in INPUT_KINDS]
    assert names == ["settings", "seeds", "articles", "pages", "metadata", "entities", "tags", "templates"]
    assert source_folder_names() == ["seeds", "content", "templates"]
    assert inputs.listed([f"{name}/" for name in source_folder_names()]) == "seeds/, content/ and templates/"
    for of in INPUT_KINDS:
        assert of.path == of.path.strip("/") and "\\" not in of.path and ".." not in of.path.split("/")
        assert of.read_by in ("load", "config", "render") and of.purpose
        assert of.suffix == "" or of.is_folder
    assert [of.name for of in INPUT_KINDS if of.at_top] == ["settings"]
    assert not inputs.kind("templates").links_out  # the build never reads a template through a link out of the archive


@pytest.mark.parametrize("added", [False, True], ids=["registry", "registry with new kinds"])
def test_a_change_to_a_file_of_any_kind_changes_the_input_hash_and_what_serve_watches(tmp_path, request, added):
    if added:
        request.getfixturevalue("with_new_kinds")
    root = tmp_path / "archive"
    files = every_kind(root)
    assert set(input_files(root)) == set(files.values())
    for name, path in files.items():
        before_hash, before_state = input_hash(root), source_state(root)
        path.write_text("ثان، أطول\n", encoding="utf-8")
        assert input_hash(root) != before_hash, name
        assert source_state(root) != before_state, name
        path.unlink()  # and a file removed
        assert input_hash(root) != before_hash and source_state(root) != before_state, name
        path.write_text("أول\n", encoding="utf-8")


@pytest.mark.parametrize("added", [False, True], ids=["registry", "registry with new kinds"])
def test_the_output_and_snapshot_folders_are_refused_in_every_source_folder(tmp_path, request, added):
    if added:
        request.getfixturevalue("with_new_kinds")
    root = write_archive(tmp_path / "archive", seeds={"a.txt": SEED_TEXT})
    folders = source_folder_names()
    assert ("notes" in folders) == added
    for name in folders:
        (root / name).mkdir(exist_ok=True)
        with pytest.raises(BuildError, match=f"the output folder is or contains {(root / name).resolve()}"):
            build(root, root / name)
        with pytest.raises(BuildError) as refused:
            build(root, root / name / "site")
        problem = refused.value.problems[0]
        assert problem.message == f"the output folder is inside the source folder {(root / name).resolve()}"
        assert problem.hint == f"choose a folder outside {inputs.listed([f'{n}/' for n in folders])}"
        with pytest.raises(BuildError) as refused:
            snapshot(root, tmp_path / "site", root / name / "snapshots")
        problem = refused.value.problems[0]
        assert problem.message.startswith(f"the snapshot folder is inside {(root / name).resolve()}")
        assert problem.hint.startswith(f"choose a folder outside {', '.join(f'{n}/' for n in folders)} and the site folder")
    assert not (tmp_path / "site").exists() and not (root / "site").exists()  # refused before anything was built


MOVED = {"seeds": "raw", "articles": "curated/long", "pages": "curated/about", "metadata": "curated/rows.csv",
         "entities": "curated/names.toml", "tags": "curated/labels.toml"}


def test_the_loader_reads_each_kind_where_the_registry_says(tmp_path, monkeypatch):
    """Every kind the loader reads, moved in the registry: the loader follows, and so do the
    input hash and the guards (a path written in the loader would find nothing here)."""
    assert set(MOVED) == {of.name for of in INPUT_KINDS if of.read_by == "load"}
    monkeypatch.setattr(inputs, "INPUT_KINDS", tuple(replace(of, path=MOVED.get(of.name, of.path)) for of in INPUT_KINDS))
    root = tmp_path / "archive"
    for where, text in {"raw/s.txt": SEED_TEXT, "seeds/old.txt": SEED_TEXT,
                        "curated/rows.csv": "file,source,date,url,author\ns.txt,okaz,2015-08-01,,\n",
                        "curated/long/m.md": "---\ntitle: مقال منسق\n---\nنص.\n",
                        "curated/about/about.md": "---\ntitle: عن الأرشيف\n---\nنص.\n",
                        "curated/names.toml": '[[entity]]\nid = "x"\nname = "المقال"\ntype = "other"\n',
                        "curated/labels.toml": '[[tag]]\nid = "t"\nname = "وسم"\nmatch = ["الفقرة"]\n'}.items():
        (root / where).parent.mkdir(parents=True, exist_ok=True)
        (root / where).write_text(text, encoding="utf-8")
    problems = Problems()
    archive = load_archive(root, problems)
    assert sorted(a.id for a in archive.articles) == ["m", "s"]  # seeds/ is no input now
    assert next(a for a in archive.articles if a.id == "s").source == "okaz"
    assert [p.slug for p in archive.pages] == ["about"]
    assert [e.id for e in archive.entities] == ["x"] and [t.id for t in archive.tags] == ["t"]
    assert not problems.items
    assert source_folder_names() == ["raw", "curated", "templates"]
    assert {p.relative_to(root).as_posix() for p in input_files(root)} == {
        "raw/s.txt", "curated/rows.csv", "curated/long/m.md", "curated/about/about.md", "curated/names.toml", "curated/labels.toml"}
    with pytest.raises(BuildError, match="inside the source folder"):
        build(root, root / "curated" / "site")


def test_a_row_for_a_missing_seed_names_the_registry_folder(tmp_path, monkeypatch):
    root = write_archive(tmp_path / "archive", seeds={"a.txt": SEED_TEXT}, metadata="file,source,date,url,author\nb.txt,x,,,\n")
    with pytest.raises(BuildError) as failed:
        load_archive(root, Problems())
    assert failed.value.problems[0].message == "a row for 'b.txt', which is not in seeds/"


def old_input_hash(root: Path) -> str:
    """The input hash before the registry (archive.toml, seeds/, content/), to hold it unchanged:
    SHA-256 over each file's name and SHA-256, in order of the path's parts."""
    digest = hashlib.sha256()
    files = [root / "archive.toml"] + sorted(p for folder in ("seeds", "content") if (root / folder).is_dir()
                                             for p in (root / folder).rglob("*") if p.is_file())
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest() + b"\0")
    return digest.hexdigest()


def test_the_input_hash_of_an_archive_without_templates_is_unchanged_and_templates_now_count(tmp_path):
    root = write_archive(tmp_path / "archive", seeds={"a.txt": SEED_TEXT, "a-b.txt": SEED_TEXT, "ب.txt": SEED_TEXT},
                         metadata="file,source,date,url,author\n", articles={"m.md": "---\ntitle: ع\n---\n"},
                         pages={"p.md": "---\ntitle: ص\n---\n"}, toml='title = "أرشيف"\n')
    (root / "content" / "a").mkdir()
    (root / "content" / "a" / "notes.txt").write_text("ملاحظة", encoding="utf-8")  # a stray file: in, as before
    (root / "content" / "a-b.txt").write_text("ملاحظة", encoding="utf-8")  # orders after a/ part by part, before it as text
    (root / "content" / ".hidden").write_text("x", encoding="utf-8")
    assert input_hash(root) == old_input_hash(root)
    (root / "templates" / "static").mkdir(parents=True)
    (root / "templates" / "static" / "extra.css").write_text("p{}", encoding="utf-8")
    with_templates = input_hash(root)
    assert with_templates != old_input_hash(root)  # the fix: the archive's templates are input
    (root / "templates" / "static" / "extra.css").write_text("p{color:red}", encoding="utf-8")
    assert input_hash(root) != with_templates


def test_what_the_build_never_reads_is_no_input(tmp_path):
    """Python's __pycache__ (the default theme is a package), and in templates/ whatever lies
    through a link out of the archive: the build refuses it, and a templates/ linked to the
    whole disk must not be walked. seeds/ may live elsewhere, as before."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text("x", encoding="utf-8")
    root = write_archive(tmp_path / "archive", seeds={"a.txt": SEED_TEXT})
    (root / "templates" / "__pycache__").mkdir(parents=True)
    (root / "templates" / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"\0")
    (root / "templates" / "page.html").write_text("{{ x }}", encoding="utf-8")
    os.symlink(outside / "secret.html", root / "templates" / "leak.html")
    os.symlink(root / "seeds" / "a.txt", root / "templates" / "inside.html")  # a link inside the archive is read
    assert [p.relative_to(root).as_posix() for p in input_files(root)] == ["seeds/a.txt", "templates/inside.html", "templates/page.html"]
    linked = tmp_path / "linked"
    linked.mkdir()
    os.symlink(outside, linked / "templates")
    os.symlink(root / "seeds", linked / "seeds")
    assert [p.relative_to(linked).as_posix() for p in input_files(linked)] == ["seeds/a.txt"]


def test_an_archive_folder_named_like_a_source_folder_builds_into_its_site(tmp_path):
    """The guard used to refuse any output inside a folder *named* seeds, content or templates,
    the archive itself among them: content/site of an archive called content."""
    root = write_archive(tmp_path / "content", seeds={"a.txt": SEED_TEXT})
    assert build(root, root / "site").articles == 1
    with pytest.raises(BuildError, match="inside the source folder"):
        build(root, root / "content" / "site")


def test_links_never_take_the_input_files_out_of_the_archive(tmp_path):
    """A hostile or careless archive: a link to / inside seeds/, a link to a file outside, and a
    seeds/ kept on another disk holding more than seeds. The input files are what a build may
    read, never the whole disk (as root, /proc/kmsg is a regular file whose reading blocks)."""
    from arshif.inputs import input_files

    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "deep").mkdir(parents=True)
    (elsewhere / "a.txt").write_text("عنوان\nنص.\n", encoding="utf-8")
    (elsewhere / "notes.bin").write_bytes(b"x")
    (elsewhere / "deep" / "b.txt").write_text("x", encoding="utf-8")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")

    root = tmp_path / "kept-elsewhere"
    root.mkdir()
    (root / "seeds").symlink_to(elsewhere)
    assert [p.relative_to(root).as_posix() for p in input_files(root)] == ["seeds/a.txt"]

    root = tmp_path / "archive"
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "a.txt").write_text("عنوان\nنص.\n", encoding="utf-8")
    (root / "seeds" / "disk").symlink_to("/")
    (root / "seeds" / "leak.txt").symlink_to(outside)
    (root / "content").mkdir()
    (root / "content" / "notes.txt").write_text("x", encoding="utf-8")
    assert [p.relative_to(root).as_posix() for p in input_files(root)] == ["content/notes.txt", "seeds/a.txt"]


def test_serves_file_digests_read_a_file_again_only_when_its_status_changed(tmp_path, monkeypatch):
    """serve keeps each source's SHA-256 with its status; an edit that keeps the size and the
    mtime changes the ctime (which nobody can set back), so it is still read."""
    import arshif.publish
    from arshif.publish import FileDigests, input_digests
    root = write_archive(tmp_path / "archive", seeds={"a.txt": SEED_TEXT, "b.txt": SEED_TEXT})
    seed = root / "seeds" / "a.txt"
    known = FileDigests()
    monkeypatch.setattr(FileDigests, "RACY_SECONDS", 0)
    first = input_digests(root, known)
    assert first == input_digests(root)  # the same digests as reading every file
    reads = []
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self.name) or real_read(self))
    assert input_digests(root, known) == first and reads == []  # nothing changed: nothing read
    status = seed.stat()
    time.sleep(0.01)
    seed.write_bytes(SEED_TEXT.replace("ا", "ب", 1).encode("utf-8"))  # same size
    os.utime(seed, ns=(status.st_atime_ns, status.st_mtime_ns))  # same mtime
    assert seed.stat().st_size == status.st_size and seed.stat().st_mtime_ns == status.st_mtime_ns
    again = input_digests(root, known)
    assert reads == ["a.txt"] and again[seed] != first[seed] and again == input_digests(root)
    assert arshif.publish.input_hash(root, again) == arshif.publish.input_hash(root)


def test_a_file_changed_just_before_it_was_read_is_read_again(tmp_path, monkeypatch):
    from arshif.publish import FileDigests
    root = write_archive(tmp_path / "archive", seeds={"a.txt": SEED_TEXT})
    known = FileDigests()  # RACY_SECONDS as shipped: the file was written just now
    known.of(root / "seeds" / "a.txt")
    assert known.seen == {}  # not kept: a second write within the same clock tick would look unchanged


@pytest.mark.parametrize("relative", [False, True])
def test_the_content_inputs_name_files_below_the_archive_and_leave_out_the_templates(tmp_path, monkeypatch, relative):
    from arshif.inputs import content_inputs
    from arshif.publish import input_digests
    root = write_archive(tmp_path / "archive", seeds={"a.txt": SEED_TEXT}, toml='title = "أرشيف"\n')
    (root / "templates").mkdir()
    (root / "templates" / "base.html").write_text("x", encoding="utf-8")
    if relative:
        monkeypatch.chdir(root)
        root = Path(".")
    names = [name for name, _ in content_inputs(root, input_digests(root))]
    assert names == ["archive.toml", "seeds/a.txt"]
