"""The kinds of input an archive folder holds: the one list that the loader, the input hash,
the watcher (serve) and the guards on the output and snapshot folders all read.

Pure data and path arithmetic: it imports nothing of arshif's, so every step may read it.
A new kind of input is added here, and each of them sees it (tests/test_inputs.py holds them to it).
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class InputKind:
    name: str
    path: str  # relative to the archive folder, with '/'
    is_folder: bool
    suffix: str  # of the files read in a folder ("" for any file); "" for a single file
    purpose: str
    read_by: str  # the step that reads it: load, config or render
    # whether what lies through a link out of the archive is input (seeds kept elsewhere);
    # if not, the build refuses to read through such a link, and the input files leave it out
    links_out: bool = True

    @property
    def top(self) -> str:
        """The archive's top-level name this kind lives under: 'content' for content/articles."""
        return PurePosixPath(self.path).parts[0]

    @property
    def at_top(self) -> bool:
        """A single file in the archive folder itself (archive.toml), not in a source folder."""
        return not self.is_folder and "/" not in self.path


INPUT_KINDS: tuple[InputKind, ...] = (
    InputKind("settings", "archive.toml", False, "", "the archive's settings: title, base URL, sources, links", "config"),
    InputKind("seeds", "seeds", True, ".txt", "raw articles: the headline on line 1, then a paragraph a line", "load"),
    InputKind("articles", "content/articles", True, ".md", "curated articles: front matter, then Markdown", "load"),
    InputKind("pages", "content/pages", True, ".md", "standalone pages, linked from every page's navigation", "load"),
    InputKind("metadata", "content/metadata.csv", False, "", "the seeds' source, date, URL, author and tags: a row a file", "load"),
    InputKind("entities", "content/entities.toml", False, "", "people, organisations and places, with their aliases", "load"),
    InputKind("tags", "content/tags.toml", False, "", "tags, and the words that give an article each", "load"),
    InputKind("templates", "templates", True, "", "the archive's own templates and static files, over the default theme's", "render",
              links_out=False),
)

NEVER_INPUT = frozenset({"__pycache__"})  # Python's, written into a theme that is also a package; no build reads it


def kind(name: str) -> InputKind:
    """The registry's entry of that name (read at each call, so a test may change the list)."""
    for found in INPUT_KINDS:
        if found.name == name:
            return found
    raise KeyError(name)


def source_folder_names() -> list[str]:
    """The archive's top-level folders that hold inputs, in the registry's order: seeds, content, templates."""
    return list(dict.fromkeys(k.top for k in INPUT_KINDS if not k.at_top))


def source_folders(root: Path) -> list[Path]:
    """The folders a build reads from (whether or not they exist): an output or snapshot folder
    must never be, hold or lie inside one."""
    return [root / name for name in source_folder_names()]


def listed(names: list[str]) -> str:
    """'a/, b/ and c/': names for a message."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def input_files(root: Path) -> list[Path]:
    """Every file the archive's inputs are made of, in one stable order (the path relative to the
    archive, compared part by part): what the input hash covers and what serve watches.

    That is each top-level input file that exists, and every file under the source folders:
    more than the loader reads (a stray content/notes.txt is in), as a hash that covers too
    much only changes needlessly, and one that covers too little misses a change. Left out:
    Python's __pycache__, links to folders (never walked), links to files outside the archive
    (the loader skips them too), and in a source folder kept outside the archive (seeds/ a
    link to another disk), all but what the loader reads there: it may be the whole disk."""
    files = [root / k.path for k in INPUT_KINDS if k.at_top and (root / k.path).is_file()]
    real_root = os.path.realpath(root)
    found: list[tuple[tuple[str, ...], Path]] = []  # (the path's parts below the archive, the path)
    for name in source_folder_names():
        folder = root / name
        kinds = [k for k in INPUT_KINDS if k.top == name]
        if not folder.is_dir():
            continue
        if _inside(folder, real_root):
            _walk(folder, (name,), real_root, found)
        elif any(k.links_out for k in kinds):
            found += [(path.relative_to(root).parts, path) for path in _read_by_the_loader(root, kinds)]
    return files + [path for _, path in sorted(found, key=lambda item: item[0])]


def content_inputs(root: Path, digests: dict[Path, bytes]) -> tuple[tuple[str, bytes], ...]:
    """Of the input files' digests, those of the archive's content (what config and load read),
    leaving out what only rendering reads (templates): what a step that never reads a template
    (search) depends on, with the code."""
    rendering = tuple(str(root / k.path) + os.sep for k in INPUT_KINDS if k.read_by == "render")
    below = len(str(root / "x")) - 1  # input files are root / their path ("." / "seeds" is "seeds")
    return tuple((str(path)[below:], digest) for path, digest in digests.items() if not str(path).startswith(rendering))


def _walk(folder: Path, parts: tuple[str, ...], real_root: str, found: list) -> None:
    """The files under `folder` (whose parts below the archive are `parts`), by os.scandir: a
    listing says which entries are files, folders and links without a call for each."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):  # removed while being listed (an editor's, git's): nothing there
        return
    for entry in entries:
        if entry.name in NEVER_INPUT:
            continue
        if entry.is_dir(follow_symlinks=False):  # a link to / is not entered
            _walk(folder / entry.name, (*parts, entry.name), real_root, found)
        elif entry.is_symlink():  # to a file inside the archive (os.path.isfile: a loop of links is no file)
            if (os.path.isfile(entry.path) and _inside(entry.path, real_root)) or _is_loop(entry.path):
                found.append(((*parts, entry.name), folder / entry.name))  # a loop: the loader warns of it, so it is input
        elif entry.is_file(follow_symlinks=False):
            found.append(((*parts, entry.name), folder / entry.name))


def _is_loop(path: str) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _read_by_the_loader(root: Path, kinds: list[InputKind]) -> list[Path]:
    """The files of these kinds as the loader finds them: a folder's own visible files with the
    kind's suffix (not its subfolders, not links out of it), and the single files."""
    found = []
    for kind in kinds:
        path = root / kind.path
        if not kind.is_folder:
            found += [path] if path.is_file() else []
            continue
        real_folder = os.path.realpath(path)
        for entry in sorted(os.scandir(path), key=lambda e: e.name) if path.is_dir() else ():
            candidate = path / entry.name
            if (entry.name.endswith(kind.suffix) and not entry.name.startswith(".") and entry.is_file()
                    and (not entry.is_symlink() or _inside(candidate, real_folder))):
                found.append(candidate)
    return found


def _inside(path: Path, real_root: str) -> bool:
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip("/") + "/")
