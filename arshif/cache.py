"""The build cache: what the previous build read and wrote, so a rebuild redoes only what changed.

It lives beside the output folder (`.site.arshif-cache` for `site/`), never inside
it, so it is not deployed; it is plain `marshal` data (no pickle, no code), and is
thrown away whenever arshif's own code changes. Deleting it only costs one slow build.

marshal trusts what it reads: a damaged length (random bytes, a flipped bit) makes it
allocate gigabytes before it fails. So the file starts with a format mark and the code's
version, and each part is stored with its length and CRC, checked before marshal sees it;
a damaged cache, or one of another version, is ignored (the build starts from nothing).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import marshal
import os
import sys
import zlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
MAGIC = b"arshif build cache, format 2\n"  # then the code's version, then each part (see _framed)


# What else decides the output: a new Jinja2, Markdown or Unicode table (Python) may write
# other bytes for the same input, so pages kept from before would differ from a clean build.
DEPENDENCIES = ("jinja2", "markdown", "pyarabic", "lunr", "hijridate", "numpy", "nh3")


@functools.cache
def code_version() -> bytes:
    """Changes whenever any of arshif's source files does, or Python's or a dependency's
    version (read once per process)."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.read_bytes())
    digest.update(sys.version.encode())
    for name in DEPENDENCIES:
        try:
            digest.update(f"{name} {importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name} ?".encode())
    return digest.digest()


def cache_path(out: Path, part: str = "cache") -> Path:
    """Where the cache of the output folder `out` lives: beside it, never inside (not deployed).
    A `part` other than "cache" is a step's own cache file (search's "words")."""
    out = out.resolve()
    return out.parent / f".{out.name}.arshif-{part}"


class BuildCache:
    """Parsed seeds keyed by file and a hash of its bytes, and each written page's input key.

    On disk: a small header (the code's version, the build's fingerprint, what it reported),
    then the body; a build whose fingerprint is unchanged reads the header only."""

    def __init__(self, seeds=None, pages=None, site_id=None, mentions=None, contents=None):
        self.seeds: dict[str, tuple] = seeds or {}
        self.pages: dict[str, bytes] = pages or {}
        self.site_id = site_id  # (device, inode) of the output's marker file when these pages were written
        self.found_mentions: dict[tuple, tuple] = mentions or {}  # (scan, article id) -> (key, raw matches)
        self.ignored = ""  # why a cache file there was not used, for a note
        self.new_seeds: dict[str, tuple] = {}
        self.new_pages: dict[str, bytes] = {}
        self.new_mentions: dict[str, tuple] = {}
        self.contents: dict[str, bytes] = contents or {}  # path -> digest of the bytes written there (the search's files)
        self.new_contents: dict[str, bytes] = {}
        # what a long-running preview (serve) keeps in memory only, never saved: objects already
        # made from a source's bytes (a seed's article, the metadata's rows), keyed by its digest
        self.memory: dict = {}
        self.new_memory: dict = {}  # what this build used or made: all the next one keeps (a deleted seed's goes)

    @staticmethod
    def read_header(out: Path) -> dict:
        """The last build's fingerprint, site id and summary, without reading the body."""
        try:
            (header,) = read_framed(cache_path(out), 1)
        except (OSError, Unreadable, EOFError, ValueError, TypeError):
            return {}
        return header if isinstance(header, dict) else {}

    @classmethod
    def load(cls, out: Path) -> BuildCache:
        try:
            header, body = read_framed(cache_path(out), 2)
            parts = (header, body["seeds"], body["pages"], body["mentions"], body["contents"])
            if not all(isinstance(part, dict) for part in parts):
                raise Unreadable("damaged")
            return cls(parts[1], parts[2], header["site"], parts[3], parts[4])
        except FileNotFoundError:
            return cls()  # the first build: nothing to say
        except (OSError, Unreadable, EOFError, ValueError, TypeError, KeyError) as exc:
            ignored = cls()  # a damaged cache or another version's: build everything, and say why
            reason = exc.args[0] if isinstance(exc, Unreadable) else "unreadable"
            ignored.ignored = f"the build cache {cache_path(out)} was ignored ({reason}): everything is built anew"
            return ignored

    def seed(self, path: Path, content_key: bytes):
        """What the loader made of a seed whose bytes are unchanged, else None."""
        key = str(path)
        entry = self.seeds.get(key)
        if entry is not None and entry[0] == content_key:
            self.new_seeds[key] = entry
            return entry[1]
        return None

    def remembered(self, what: tuple, digest: bytes):
        """What was made from the source `what` names when its bytes had this digest, if kept."""
        entry = self.memory.get(what)
        if entry is None or entry[0] != digest:
            return None
        self.new_memory[what] = entry
        return entry[1]

    def remember(self, what: tuple, digest: bytes, made) -> None:
        self.new_memory[what] = (digest, made)

    def remember_seed(self, path: Path, content_key: bytes, parsed: tuple) -> None:
        self.new_seeds[str(path)] = (content_key, parsed)

    def mentions(self, scan: str, article_id: str, key: bytes):
        """What a scan (entities, tags) found in an article last time, if its text and the list are the same."""
        entry = self.found_mentions.get((scan, article_id))
        return entry[1] if entry is not None and entry[0] == key else None

    def remember_mentions(self, scan: str, article_id: str, key: bytes, found: tuple) -> None:
        self.new_mentions[(scan, article_id)] = (key, found)

    def unchanged(self, rel_path: str, key: bytes | None) -> bool:
        """True when the page was written by the previous build from the same inputs."""
        if key is None:
            return False
        self.new_pages[rel_path] = key
        return self.pages.get(rel_path) == key

    def save(self, out: Path, site_id, summary: dict | None = None) -> None:
        """Written only once the new site is in place, so it never describes a site that is not there."""
        header = {"version": code_version(), "site": site_id, **(summary or {})}
        body = {"seeds": self.new_seeds, "pages": self.new_pages, "mentions": self.new_mentions, "contents": self.new_contents}
        write_framed(cache_path(out), header, body)


class Unreadable(Exception):
    """A cache file that is not whole (truncated, overwritten) or not this version's."""


def _framed(*parts: bytes) -> bytes:
    """The format mark, the code's version, then each part as its length, its CRC and its bytes."""
    framed = [MAGIC, code_version()]
    for part in parts:
        framed += [len(part).to_bytes(8, "little"), zlib.crc32(part).to_bytes(4, "little"), part]
    return b"".join(framed)


def write_framed(path: Path, *values) -> None:
    """Write a cache file of these values (marshal data, framed), whole or not at all."""
    temporary = path.with_name(path.name + f".{os.getpid()}")
    try:
        temporary.write_bytes(_framed(*(marshal.dumps(value) for value in values)))
        os.replace(temporary, path)
    except OSError:  # a full disk: the next build is only slower
        temporary.unlink(missing_ok=True)


def read_framed(path: Path, count: int) -> list:
    """The first `count` parts of a cache file, each given to marshal only once its length and
    CRC say it is whole: a cache is damaged by accident (a full disk, a copy cut short), and a
    damaged length must not become a request for gigabytes. Raises Unreadable (or OSError)."""
    with open(path, "rb") as handle:
        left = os.fstat(handle.fileno()).st_size

        def take(size: int) -> bytes:
            nonlocal left
            data = handle.read(size) if size <= left else b""
            if len(data) != size:
                raise Unreadable("the file ends too soon")
            left -= size
            return data

        if take(len(MAGIC)) != MAGIC:
            raise Unreadable("not an arshif cache of this format")
        if take(len(code_version())) != code_version():
            raise Unreadable("written by another version of arshif")
        parts = []
        for _ in range(count):
            size = int.from_bytes(take(8), "little")
            check = int.from_bytes(take(4), "little")
            part = take(size)
            if zlib.crc32(part) != check:
                raise Unreadable("damaged")
            parts.append(marshal.loads(part))
        return parts


def page_key(*parts) -> bytes:
    """A short digest of a page's inputs (strings, numbers, tuples of them).

    marshal format 2: from version 3 on, marshal writes back-references that
    depend on reference counts, so equal values could give different bytes."""
    return hashlib.blake2b(marshal.dumps(parts, 2), digest_size=16).digest()
