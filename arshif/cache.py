"""The build cache: what the previous build read and wrote, so a rebuild redoes only what changed.

It lives beside the output folder (`.site.arshif-cache` for `site/`), never inside
it, so it is not deployed; it is plain `marshal` data (no pickle, no code), and is
thrown away whenever arshif's own code changes. Deleting it only costs one slow build.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def code_version() -> bytes:
    """Changes whenever any of arshif's source files does."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.digest()


def cache_path(out: Path) -> Path:
    out = out.resolve()
    return out.parent / f".{out.name}.arshif-cache"


class BuildCache:
    """Parsed seeds keyed by file and a hash of its bytes, and each written page's input key."""

    def __init__(self, seeds=None, pages=None, site_id=None, mentions=None):
        self.seeds: dict[str, tuple] = seeds or {}
        self.pages: dict[str, bytes] = pages or {}
        self.site_id = site_id  # (device, inode) of the output's marker file when these pages were written
        self.found_mentions: dict[tuple, tuple] = mentions or {}  # (scan, article id) -> (key, raw matches)
        self.new_seeds: dict[str, tuple] = {}
        self.new_pages: dict[str, bytes] = {}
        self.new_mentions: dict[str, tuple] = {}

    @classmethod
    def load(cls, out: Path) -> BuildCache:
        try:
            data = marshal.loads(cache_path(out).read_bytes())
            if data.get("version") != code_version():
                return cls()
            return cls(data["seeds"], data["pages"], data["site"], data["mentions"])
        except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError):
            return cls()  # no cache, or an unreadable one: build everything

    def seed(self, path: Path, content_key: bytes):
        """What the loader made of a seed whose bytes are unchanged, else None."""
        key = str(path)
        entry = self.seeds.get(key)
        if entry is not None and entry[0] == content_key:
            self.new_seeds[key] = entry
            return entry[1]
        return None

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

    def save(self, out: Path, site_id) -> None:
        data = {"version": code_version(), "seeds": self.new_seeds, "pages": self.new_pages, "site": site_id,
                "mentions": self.new_mentions}
        target = cache_path(out)
        temporary = target.with_name(target.name + f".{os.getpid()}")
        try:
            temporary.write_bytes(marshal.dumps(data))
            os.replace(temporary, target)
        except OSError:  # a full disk after the site was written: the next build is only slower
            temporary.unlink(missing_ok=True)


def page_key(*parts) -> bytes:
    """A short digest of a page's inputs (strings, numbers, tuples of them).

    marshal format 2: from version 3 on, marshal writes back-references that
    depend on reference counts, so equal values could give different bytes."""
    return hashlib.blake2b(marshal.dumps(parts, 2), digest_size=16).digest()
