"""Publishing: the manifest of a built archive, snapshots that anyone can verify, and diffs between two.

A snapshot is the built site (it works from file:// once unpacked) with its
manifest.json and a SHA256SUMS file, packed as .zip and .tar.gz with fixed times,
owners and order, so the same input gives byte-identical archives.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import stat
import struct
import tarfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from arshif import __version__

from .errors import UNPRINTABLE, UNPRINTABLE_TEXT, SourcesChanged, printable
from .inputs import input_files
from .model import Archive, folded_name

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


def input_hash(root: Path, digests: dict[Path, bytes] | None = None) -> str:
    """One hash of every source file the build reads: the SHA-256 of each one's name and
    SHA-256, for the registry's input files (the archive's own templates/ among them).
    `digests` are input_digests(root), when the caller has them."""
    digest = hashlib.sha256()
    for path, file_digest in (input_digests(root) if digests is None else digests).items():
        digest.update(os.fsencode(path.relative_to(root).as_posix()) + b"\0" + file_digest + b"\0")  # any name
    return digest.hexdigest()


def input_digests(root: Path, known: FileDigests | None = None) -> dict[Path, bytes]:
    """Each input file's SHA-256, in input_files' order; `known` (serve's) spares reading the
    files it saw unchanged."""
    if known is None:
        return {path: file_digest(path) for path in input_files(root)}
    digests = {path: known.of(path) for path in input_files(root)}
    known.keep_only(digests)
    return digests


def file_digest(path: Path) -> bytes:
    """The SHA-256 of a file's bytes; for a link that leads nowhere (a loop, which the loader
    skips with a warning), a mark of that, so that making one changes the fingerprint."""
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError as exc:
        return f"unreadable: {exc.errno}".encode()


def check_unchanged(digests: dict[Path, bytes], paths) -> None:
    """Raise SourcesChanged if one of these files' bytes are no longer those of `digests`."""
    for path in paths:
        if file_digest(path) != digests[path]:
            raise SourcesChanged(path)


class FileDigests:
    """What a long-running preview (serve) knows of the files' bytes: each file's SHA-256, kept
    with its status (device, inode, size, modification and change times). A file whose status
    is the same is not read again. The change time (ctime) is set by the system on every write
    and cannot be set back, so an edit that keeps the size and mtime is still seen; and a file
    changed within RACY_SECONDS before it was read is read again next time (a later write in the
    same clock tick would leave every time the same)."""

    RACY_SECONDS = 2

    def __init__(self):
        self.seen: dict[Path, tuple[tuple, bytes]] = {}

    def of(self, path: Path) -> bytes:
        try:
            status = os.stat(path)
        except OSError:  # a link that leads nowhere
            return file_digest(path)
        key = (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
        entry = self.seen.get(path)
        if entry is not None and entry[0] == key:
            return entry[1]
        digest = file_digest(path)
        if time.time_ns() - status.st_ctime_ns > self.RACY_SECONDS * 1_000_000_000:
            self.seen[path] = (key, digest)
        else:
            self.seen.pop(path, None)
        return digest

    def keep_only(self, paths) -> None:
        """Forget the files that are no longer inputs (renamed, deleted)."""
        if len(self.seen) > len(paths):
            self.seen = {path: entry for path, entry in self.seen.items() if path in paths}


def article_hash(article) -> str:
    parts = [article.title, *(p.text for p in article.paragraphs), article.date.isoformat() if article.date else "",
             article.source, article.url, article.author, *article.tag_ids]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def manifest(archive: Archive, sources_hash: str, snapshot_date: str) -> dict:
    """What a snapshot holds: every article with its hash, the entities' and tags' articles,
    and `sources_hash`, the input_hash of the archive folder it was built from."""
    by_entity: dict[str, list[str]] = {e.id: [] for e in archive.entities}
    by_tag: dict[str, list[str]] = {t.id: [] for t in archive.tags}
    for article in archive.articles:
        for entity in dict.fromkeys(m.entity for m in article.mentions):
            by_entity[entity].append(article.id)
        for tag in article.tag_ids:
            by_tag.setdefault(tag, []).append(article.id)
    return {
        "archive": archive.settings.id,
        "title": archive.settings.title,
        "date": snapshot_date,
        "tool": f"arshif {__version__}",
        "input_hash": sources_hash,
        "articles": [{"id": a.id, "title": a.title, "date": a.date.isoformat() if a.date else "", "path": a.path,
                      "hash": article_hash(a)} for a in archive.articles],
        "entities": {e: {"count": len(ids), "articles": sorted(ids)} for e, ids in sorted(by_entity.items())},
        "tags": {t: {"count": len(ids), "articles": sorted(ids)} for t, ids in sorted(by_tag.items())},
    }


def manifest_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# -- snapshots -------------------------------------------------------------------

def site_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file() and p.name != ".arshif-site")


def sha256sums(site: Path) -> str:
    return "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(site).as_posix()}\n" for p in site_files(site))


def write_snapshot(site: Path, dest: Path, name: str, epoch: int) -> list[Path]:
    """<name>.zip and <name>.tar.gz of the site plus SHA256SUMS, all under the folder <name>/.

    Both are written under temporary names beside their final ones and renamed only when
    both are whole, so a killed run or a full disk leaves the previous archives of that
    name as they were, and never a half-written file under a final name."""
    dest.mkdir(parents=True, exist_ok=True)
    entries: list[tuple[str, Path | bytes]] = [(p.relative_to(site).as_posix(), p) for p in site_files(site)]
    entries.append((SUMS, sha256sums(site).encode()))
    entries.sort(key=lambda entry: entry[0])
    targets = {dest / f"{name}.zip": _pack_zip, dest / f"{name}.tar.gz": _pack_tar}
    written: list[tuple[Path, Path]] = []
    try:
        for target, pack in targets.items():
            written.append((_write_temporary(target, lambda handle, pack=pack: pack(handle, name, entries, epoch)), target))
        for temporary, target in written:
            os.replace(temporary, target)
    except BaseException:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        raise
    return list(targets)


def _pack_zip(handle, name: str, entries: list[tuple[str, Path | bytes]], epoch: int) -> None:
    stamp = datetime.fromtimestamp(max(epoch, 315532800), UTC)  # zip cannot hold times before 1980
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        for rel, source in entries:
            info = zipfile.ZipInfo(f"{name}/{rel}", date_time=stamp.timetuple()[:6])
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = _size(source)
            with _opened(source) as data, archive.open(info, "w") as packed:
                shutil.copyfileobj(data, packed, CHUNK)


def _pack_tar(handle, name: str, entries: list[tuple[str, Path | bytes]], epoch: int) -> None:
    with gzip.GzipFile(filename="", mode="wb", fileobj=handle, mtime=0) as packed, \
            tarfile.open(fileobj=packed, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for rel, source in entries:
            info = tarfile.TarInfo(f"{name}/{rel}")
            info.size, info.mtime, info.mode = _size(source), epoch, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with _opened(source) as data:
                archive.addfile(info, data)


def _size(source: Path | bytes) -> int:
    return len(source) if isinstance(source, bytes) else source.stat().st_size


def _opened(source: Path | bytes) -> BinaryIO:
    return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")


def _write_temporary(target: Path, write: Callable[[BinaryIO], None]) -> Path:
    """A temporary file beside `target`, written and on disk (removed again if writing fails)."""
    _remove_stale_temporaries(target)
    temporary = target.with_name(f".{target.name}.arshif-tmp-{os.getpid()}")
    try:
        with open(temporary, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _remove_stale_temporaries(target: Path) -> None:
    """Temporaries left by runs that were killed (their process is gone), never a running one's."""
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.arshif-tmp-*"):
        pid = leftover.name.rsplit("-", 1)[1]
        if pid.isdigit() and not _process_alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# -- reading snapshots and folders from anyone ------------------------------------
# verify and diff read archives made by anyone, so reading is bounded: a snapshot holds
# regular files and folders only, under one top folder, and nothing in it may make us
# unpack much more than its own size (zip and tar bombs) or keep much more than that in
# memory. Each file is hashed in chunks, never read whole; only manifest.json and
# SHA256SUMS are kept, and they are small beside the pages they describe.

MAX_ENTRIES = 1_000_000       # a snapshot of 100,000 articles holds about 310,000 files
FREE_ENTRIES = 10_000         # what any snapshot may hold, whatever its size...
MIN_PACKED_PER_ENTRY = 256    # ...and then one per 256 packed bytes: real snapshots take 1,400 (tar.gz) to 2,100 (zip)
MAX_FILE_SIZE = 1 << 30       # the largest files of a real site are a few MB
MAX_TOTAL_SIZE = 8 << 30      # 100,000 articles unpack to about 1.5 GB
MAX_RATIO = 20                # unpacked size / packed size: real snapshots are 2.6 (zip) and 4.2 (tar.gz)
FREE_SIZE = 32 << 20          # what any snapshot may unpack to, whatever its ratio (hashed in a tenth of a second)
KEPT_FREE_SIZE = 2 << 20      # manifest.json and SHA256SUMS may be this big, or a quarter of the packed size
MAX_HEADER = 4 << 20          # tar headers (long names, pax records) are read whole: a few hundred bytes in a snapshot
CHUNK = 1 << 20
# what zipfile, tarfile, gzip and zlib raise for damaged data (ValueError covers names that are not UTF-8,
# NotImplementedError zip features that no snapshot uses: a version from the future, strong encryption)
BROKEN_ARCHIVE = (zipfile.BadZipFile, zipfile.LargeZipFile, tarfile.TarError, OSError, EOFError, zlib.error, ValueError,
                  struct.error, OverflowError, NotImplementedError)
NOT_A_SNAPSHOT = ("this is not a snapshot arshif wrote, or it was changed since: get it again from its publisher, "
                  "and do not unpack this copy")
DAMAGED = "get the snapshot again from where it was published"
SUMS_LINE = re.compile(r"([0-9a-fA-F]{64})  (.+)")


class SnapshotError(Exception):
    """A snapshot (or folder) that cannot be read or trusted: where, what is wrong (any text
    from the archive already escaped), and what to do."""

    def __init__(self, where: object, message: str, hint: str = NOT_A_SNAPSHOT):
        super().__init__(f"{printable(where)}: {message}\n  fix: {hint}")


# Control characters (C0, DEL, C1), line and paragraph separators, bidi embeddings, overrides
# and isolates, and lone surrogates (file names that are not UTF-8): shown as escapes, so text
# from an archive can neither repaint a terminal nor forge a line. Arabic letters and marks stay.
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in UNPRINTABLE if c >= 0x7F}  # json.dumps escapes C0 itself


def printable_json(data) -> str:
    """JSON for machines that is also safe on a terminal: the same values, with every
    character printable() escapes written as a JSON \\u escape."""
    return json.dumps(data, ensure_ascii=False, indent=1).translate(_JSON_ESCAPES)


@dataclass
class Listing:
    """The entries of one snapshot seen so far; refuses the first one that breaks a rule."""

    where: Path
    limit: int  # bytes its files may add up to
    max_entries: int
    packed: int | None  # the archive's own size; None for a built folder
    top: str | None = None  # the one top folder, once seen; "" for a built folder, which has none
    entries: int = 0
    total: int = 0
    files: set[str] = field(default_factory=set)
    folded: dict[str, str] = field(default_factory=dict)  # each path as case-insensitive, normalising systems see it
    folders: set[str] = field(default_factory=set)  # named by an entry or holding one
    named_folders: set[str] = field(default_factory=set)

    def add(self, name: str, kind: str, size: int = 0) -> str:
        """Check one entry (`kind` is "file", "folder" or what else it is); its path under the top folder."""
        self.entries += 1
        if self.entries > self.max_entries:
            raise SnapshotError(self.where, too_many(self.max_entries))
        parts = self._parts(name, kind)
        rel = "/".join(parts)
        if rel in self.files or (kind == "folder" and rel in self.named_folders):
            raise SnapshotError(self.where, f"{printable(name)}: this path is in the archive twice")
        first = self.folded.setdefault(folded_name(rel), rel)
        if first != rel and kind == "file":
            raise SnapshotError(self.where, f"{printable(name)}: differs from {printable(first)} only in letter case or Unicode form: "
                                "unpacked on macOS or Windows, one would overwrite the other")
        if kind == "folder":
            self.named_folders.add(rel)
            self._add_folders(name, parts)
            return rel
        if not parts:
            raise SnapshotError(self.where, f"{printable(name)}: a file beside the top folder: a snapshot keeps its files in one folder")
        if rel in self.folders:
            raise SnapshotError(self.where, f"{printable(name)}: this path is both a file and a folder")
        self._add_folders(name, parts[:-1])
        self.files.add(rel)
        self._count(name, size)
        if rel in (MANIFEST, SUMS) and self.packed is not None and size > self.kept_limit():  # say so before hashing the rest
            raise SnapshotError(self.where, kept_too_large(rel, self.kept_limit()))
        return rel

    def _parts(self, name: str, kind: str) -> list[str]:
        """The entry's path under the top folder, once it is known to stay inside it."""
        if kind not in ("file", "folder"):
            raise SnapshotError(self.where, f"{printable(name)}: a {kind}: a snapshot holds regular files and folders only")
        parts = (name[:-1] if kind == "folder" and name.endswith("/") else name).split("/")
        bad = next((p for p in parts if p in ("", ".", "..") or "\\" in p), None)
        if name.startswith("/") or bad is not None:
            reason = "an absolute path" if name.startswith("/") else f"the part '{printable(bad)}' is not allowed in a path"
            raise SnapshotError(self.where, f"{printable(name)}: {reason}: a snapshot's paths stay inside its folder")
        if UNPRINTABLE_TEXT.search(name):
            raise SnapshotError(self.where, f"{printable(name)}: a control character, a bidi mark or bytes that are not UTF-8 "
                                "in the name, never in a snapshot's")
        if self.top == "":
            return parts
        if self.top is None:
            self.top = parts[0]
        if parts[0] != self.top:
            raise SnapshotError(self.where, f"{printable(name)}: outside the top folder {printable(self.top)}/: a snapshot is one folder")
        return parts[1:]

    def kept_limit(self) -> int:
        """How big manifest.json and SHA256SUMS may be: they are read whole, and parsing
        JSON takes up to 30 times its size in memory."""
        return max(KEPT_FREE_SIZE, (self.total if self.packed is None else self.packed) // 4)

    def _add_folders(self, name: str, parts: list[str]) -> None:
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder in self.files:
                raise SnapshotError(self.where, f"{printable(name)}: {printable(folder)} is both a file and a folder")
            self.folders.add(folder)

    def _count(self, name: str, size: int) -> None:
        if size > MAX_FILE_SIZE:
            raise SnapshotError(self.where, f"{printable(name)}: says it holds {size:,} bytes, "
                                f"more than any file of a site ({MAX_FILE_SIZE:,})")
        self.total += size
        if self.total > self.limit:
            raise SnapshotError(self.where, too_large(self.limit))


def listing_for(path: Path) -> Listing:
    """A built folder is read as it is; an archive may unpack to MAX_RATIO times its own size
    and hold an entry per MIN_PACKED_PER_ENTRY bytes (past the free allowances)."""
    if path.is_dir():
        return Listing(path, MAX_TOTAL_SIZE, MAX_ENTRIES, None, top="")
    packed = path.stat().st_size
    return Listing(path, min(MAX_TOTAL_SIZE, max(FREE_SIZE, MAX_RATIO * packed)),
                   min(MAX_ENTRIES, max(FREE_ENTRIES, packed // MIN_PACKED_PER_ENTRY)), packed)


def kept_too_large(rel: str, limit: int) -> str:
    return f"{printable(rel)} is larger than {limit:,} bytes, too large beside the pages it describes"


def too_many(max_entries: int) -> str:
    if max_entries >= MAX_ENTRIES:
        return f"over {max_entries:,} entries, more than any snapshot holds"
    return f"over {max_entries:,} entries, more than a snapshot of its size holds: an archive bomb, or damage"


def too_large(limit: int) -> str:
    if limit >= MAX_TOTAL_SIZE:
        return f"it unpacks to more than {limit:,} bytes, more than any snapshot holds"
    return (f"it unpacks to more than {limit:,} bytes, over {MAX_RATIO} times its own size, which no snapshot does: "
            "an archive bomb, or damage")


class BoundedReader:
    """The unpacked bytes of a .tar.gz, read forward only and never past `limit`, so a small
    file cannot make us inflate gigabytes; tarfile reads long-name and pax headers whole,
    so a single read is refused past MAX_HEADER (file data is read in CHUNKs)."""

    def __init__(self, unpacked: BinaryIO, limit: int, where: Path):
        self.unpacked, self.limit, self.where = unpacked, limit, where
        self.last = b""  # the last read: after the entries, it must be tar's end-of-archive block

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > max(MAX_HEADER, CHUNK):
            raise SnapshotError(self.where, f"a tar header of {size:,} bytes, where a snapshot's take a few hundred")
        self._check(self.unpacked.tell() + size)
        self.last = self.unpacked.read(size)
        return self.last

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence != io.SEEK_SET or offset < self.unpacked.tell():
            raise SnapshotError(self.where, "the tar cannot be read front to back: it is damaged", DAMAGED)
        self._check(offset)
        return self.unpacked.seek(offset)

    def tell(self) -> int:
        return self.unpacked.tell()

    def _check(self, end: int) -> None:
        if end > self.limit:
            raise SnapshotError(self.where, too_large(self.limit))

    def check_end(self) -> None:
        """The entries end at tar's end marker, and only zeros follow it: no entry is left unseen."""
        if self.last != bytes(tarfile.BLOCKSIZE):
            raise SnapshotError(self.where, "the tar's entries end at a damaged header or without tar's end marker", DAMAGED)
        while chunk := self.read(CHUNK):
            if chunk.count(0) != len(chunk):
                raise SnapshotError(self.where, "data after the end of the tar: entries that other tools may unpack but verify cannot see")


@dataclass
class Found:
    """What reading a snapshot gave: each file's SHA-256, and the small files kept whole."""

    digests: dict[str, bytes]  # path under the top folder -> SHA-256 (when hashed)
    kept: dict[str, bytes]     # manifest.json and, when hashed, SHA256SUMS


def read_snapshot(path: Path, hashed: bool = True) -> Found:
    """A snapshot (.zip, .tar.gz) or built folder, read within the limits above: SnapshotError
    at the first entry that breaks a rule, or if the archive is damaged."""
    keep = (MANIFEST, SUMS) if hashed else (MANIFEST,)
    found = Found({}, {})
    try:
        listing = listing_for(path)
        for rel, open_file in _entries(path, listing):
            if not hashed and rel not in keep:
                continue
            with open_file() as stream:
                found.digests[rel], kept = _read_file(stream, listing.kept_limit() if rel in keep else None, path, rel)
            if kept is not None:
                found.kept[rel] = kept
    except BROKEN_ARCHIVE as exc:
        raise SnapshotError(path, f"the archive cannot be read ({printable(exc)}): it is damaged", DAMAGED) from None
    return found


def _read_file(stream: BinaryIO, kept_limit: int | None, where: Path, rel: str) -> tuple[bytes, bytes | None]:
    """The file's SHA-256, hashed in chunks, and its bytes when it is to be kept (at most kept_limit)."""
    digest = hashlib.sha256()
    kept = bytearray() if kept_limit is not None else None
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        if kept is not None:
            kept += chunk
            if len(kept) > kept_limit:
                raise SnapshotError(where, kept_too_large(rel, kept_limit))
    return digest.digest(), None if kept is None else bytes(kept)


def _entries(path: Path, listing: Listing) -> Iterator[tuple[str, Callable[[], BinaryIO]]]:
    """Each regular file: its path under the top folder and a function that opens it
    (for a .tar.gz, only until the next file is asked for)."""
    if path.is_dir():
        return _folder_entries(path, listing)
    with open(path, "rb") as handle:
        magic = handle.read(2)
    return _tar_entries(path, listing) if magic == b"\x1f\x8b" else _zip_entries(path, listing)


def _folder_entries(path: Path, listing: Listing) -> Iterator[tuple[str, Callable[[], BinaryIO]]]:
    files = []
    for folder, subfolders, names in os.walk(path, onerror=_raise):
        subfolders.sort()
        for name in sorted(subfolders + names):
            full = Path(folder, name)
            rel = full.relative_to(path).as_posix()
            if rel == ".arshif-site":  # the build's mark on its output folder, not part of the site
                continue
            info = full.lstat()
            kind = _kind_of_mode(info.st_mode)
            listing.add(rel, kind, info.st_size)
            if kind == "file":
                files.append((rel, full))
    for rel, full in files:
        yield rel, lambda full=full: open(full, "rb")


def _raise(error: OSError) -> None:
    raise error


def _kind_of_mode(mode: int) -> str:
    kinds = ((stat.S_ISREG, "file"), (stat.S_ISDIR, "folder"), (stat.S_ISLNK, "symbolic link"), (stat.S_ISFIFO, "FIFO"),
             (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"))
    return next((kind for test, kind in kinds if test(mode)), f"file of type {stat.S_IFMT(mode):o}")


def _zip_entries(path: Path, listing: Listing) -> Iterator[tuple[str, Callable[[], BinaryIO]]]:
    if _zip_entries_at_most(path) > listing.max_entries:  # before zipfile makes an object of each
        raise SnapshotError(path, too_many(listing.max_entries))
    with zipfile.ZipFile(path, metadata_encoding="utf-8") as archive:
        infos = archive.infolist()
        files = []
        for info in infos:
            kind = _zip_kind(path, info)
            rel = listing.add(info.filename, kind, info.file_size if kind == "file" else 0)
            if kind == "file":
                files.append((rel, info))
        _check_no_overlap(path, infos)
        for rel, info in sorted(files, key=lambda file: file[1].header_offset):  # front to back
            yield rel, lambda info=info: archive.open(info)


def _zip_entries_at_most(path: Path) -> int:
    """How many entries zipfile could find: each begins with this signature in the central directory."""
    count, tail = 0, b""
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            count += (tail + chunk).count(b"PK\x01\x02")
            tail = chunk[-3:]  # a signature across two chunks
    return count


def _zip_kind(path: Path, info: zipfile.ZipInfo) -> str:
    mode = info.external_attr >> 16 if info.create_system == 3 else 0  # Unix modes, as zip and arshif write them
    kind = _kind_of_mode(mode) if stat.S_IFMT(mode) else "file"
    if info.filename.endswith("/") and kind == "file":
        kind = "folder"
    if kind == "file" and info.flag_bits & 0x1:
        raise SnapshotError(path, f"{printable(info.filename)}: encrypted, and a snapshot is not")
    if kind == "file" and info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise SnapshotError(path, f"{printable(info.filename)}: packed with compression method {info.compress_type}, "
                            "where a snapshot's files are stored or deflated")
    return kind


def _check_no_overlap(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Each entry's data ends before the next entry starts: overlapping entries are how a
    small zip is made to unpack to gigabytes."""
    end = 0
    for info in sorted(infos, key=lambda info: info.header_offset):
        if end == 0 and info.header_offset != 0:  # what precedes the first entry can be another archive (a tar) that unpacks differently
            raise SnapshotError(path, f"{info.header_offset:,} bytes before the first entry: a snapshot's zip starts with its first file")
        if info.header_offset < end:
            raise SnapshotError(path, f"{printable(info.filename)}: its data overlaps another entry's (an archive bomb, or damage)")
        end = info.header_offset + 30 + info.compress_size  # 30: the smallest local header


def _tar_entries(path: Path, listing: Listing) -> Iterator[tuple[str, Callable[[], BinaryIO]]]:
    with open(path, "rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as unpacked:
        stream = BoundedReader(unpacked, min(MAX_TOTAL_SIZE + 2048 * MAX_ENTRIES, listing.limit), path)
        with tarfile.open(fileobj=stream, mode="r:", encoding="utf-8") as archive:
            while (member := archive.next()) is not None:
                archive.members.clear()  # tarfile keeps every header it read: a million would take a GB
                kind = _tar_kind(member)
                rel = listing.add(member.name, kind, member.size if kind == "file" else 0)
                if kind == "file":
                    yield rel, lambda member=member: archive.extractfile(member)
        stream.check_end()


def _tar_kind(member: tarfile.TarInfo) -> str:
    if member.issparse():
        return "sparse file"
    if member.isreg() or member.isdir():
        return "file" if member.isreg() else "folder"
    kinds = {tarfile.SYMTYPE: "symbolic link", tarfile.LNKTYPE: "hard link", tarfile.CHRTYPE: "character device",
             tarfile.BLKTYPE: "block device", tarfile.FIFOTYPE: "FIFO"}
    return kinds.get(member.type, f"tar entry of type '{printable(member.type.decode('latin-1'))}'")


# -- verify and diff ------------------------------------------------------------------

def verify(path: Path) -> list[str]:
    """What is wrong with a snapshot: files that do not match SHA256SUMS, and manifest entries
    with no page; or the one reason it cannot be read or trusted at all (with its fix).
    Any text from the archive in them is escaped (printable)."""
    try:
        found = read_snapshot(path)
        missing = [name for name in (SUMS, MANIFEST) if name not in found.kept]
        if missing:
            raise SnapshotError(path, f"no {' and no '.join(missing)}: not an arshif snapshot",
                                "give a .zip or .tar.gz that arshif snapshot wrote")
        listed = parse_sums(path, found.kept[SUMS])
        data = parse_manifest(path, found.kept[MANIFEST])
    except SnapshotError as exc:
        return [str(exc)]
    problems = []
    for rel, digest in listed.items():
        if rel not in found.digests:
            problems.append(f"{printable(rel)}: listed in {SUMS} but missing")
        elif found.digests[rel].hex() != digest.lower():
            problems.append(f"{printable(rel)}: its SHA-256 does not match {SUMS} (the file was changed or damaged)")
    for rel in sorted(set(found.digests) - set(listed) - {SUMS}):
        problems.append(f"{printable(rel)}: not listed in {SUMS}")
    for article in data["articles"]:
        if article["path"] not in found.digests:
            problems.append(f"{printable(article['path'])}: in {MANIFEST} but not in the snapshot")
    return problems


def parse_sums(where: Path, data: bytes) -> dict[str, str]:
    """SHA256SUMS as {path: hex digest}: one 'digest  path' a line, as sha256sum writes it."""
    try:
        lines = data.decode("utf-8").split("\n")
    except UnicodeDecodeError as exc:
        raise SnapshotError(where, f"{SUMS} is not UTF-8 text (byte {exc.start})") from None
    if lines[-1] == "":
        lines.pop()
    listed: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        match = SUMS_LINE.fullmatch(line)
        if match is None:
            raise SnapshotError(where, f"{SUMS} line {number}: not a SHA-256 and a path ('{printable(line[:120])}')")
        if match[2] in listed:
            raise SnapshotError(where, f"{SUMS} line {number}: {printable(match[2])} is listed twice")
        listed[match[2]] = match[1]
    return listed


def read_manifest(path: Path) -> dict:
    found = read_snapshot(path, hashed=False)
    if MANIFEST not in found.kept:
        raise SnapshotError(path, f"no {MANIFEST}: not an arshif snapshot or built site", "give a snapshot or a folder that arshif built")
    return parse_manifest(path, found.kept[MANIFEST])


def parse_manifest(where: Path, data: bytes) -> dict:
    """manifest.json, checked to hold what verify and diff read, with the right types."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SnapshotError(where, f"{MANIFEST} is not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise SnapshotError(where, f"{MANIFEST} is not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:
        raise SnapshotError(where, f"{MANIFEST} cannot be read as JSON ({printable(exc)})") from None
    problem = _manifest_problem(manifest)
    if problem:
        raise SnapshotError(where, f"{MANIFEST}: {problem}")
    return manifest


MANIFEST_KEYS = {"date": str, "input_hash": str, "articles": list, "entities": dict, "tags": dict}
ARTICLE_KEYS = ("id", "title", "path", "hash")
TYPE_NAMES = {str: "a string", list: "a list", dict: "an object"}


def _manifest_problem(manifest) -> str | None:
    if not isinstance(manifest, dict):
        return f"holds {_json_type(manifest)} where an object is expected"
    for key, kind in MANIFEST_KEYS.items():
        if key not in manifest:
            return f"'{key}' is missing"
        if not isinstance(manifest[key], kind):
            return f"'{key}' is {_json_type(manifest[key])} where {TYPE_NAMES[kind]} is expected"
    for number, article in enumerate(manifest["articles"]):
        if not isinstance(article, dict):
            return f"articles[{number}] is {_json_type(article)} where an object is expected"
        wrong = next((key for key in ARTICLE_KEYS if not isinstance(article.get(key), str)), None)
        if wrong:
            found = _json_type(article[wrong]) if wrong in article else "missing"
            return f"articles[{number}].{wrong} is {found} where a string is expected"
    for kind in ("entities", "tags"):
        for key, value in manifest[kind].items():
            ids = value.get("articles") if isinstance(value, dict) else None
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                return f"{kind}['{printable(key)}'] is not an object whose 'articles' is a list of ids"
    return None


def _json_type(value) -> str:
    if value is None:
        return "null"
    names = {bool: "true or false", int: "a number", float: "a number", **TYPE_NAMES}
    return names.get(type(value), type(value).__name__)


def diff(old: Path, new: Path) -> dict:
    """Articles added, removed and changed, and the entities and tags whose article lists changed.
    Values come from the manifests as they are: print them through printable()."""
    before, after = read_manifest(old), read_manifest(new)
    old_articles = {a["id"]: a for a in before["articles"]}
    new_articles = {a["id"]: a for a in after["articles"]}
    changed_lists = {}
    for kind in ("entities", "tags"):
        keys = set(before[kind]) | set(after[kind])
        changed_lists[kind] = {k: {"added": sorted(set(after[kind].get(k, {}).get("articles", [])) - set(before[kind].get(k, {}).get("articles", []))),
                                   "removed": sorted(set(before[kind].get(k, {}).get("articles", [])) - set(after[kind].get(k, {}).get("articles", [])))}
                               for k in sorted(keys)
                               if before[kind].get(k, {}).get("articles") != after[kind].get(k, {}).get("articles")}
    return {
        "old": {"date": before["date"], "input_hash": before["input_hash"], "articles": len(old_articles)},
        "new": {"date": after["date"], "input_hash": after["input_hash"], "articles": len(new_articles)},
        "added": sorted(set(new_articles) - set(old_articles)),
        "removed": sorted(set(old_articles) - set(new_articles)),
        "changed": sorted(i for i in set(old_articles) & set(new_articles) if old_articles[i]["hash"] != new_articles[i]["hash"]),
        **changed_lists,
    }
