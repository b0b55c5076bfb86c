"""Publishing: the manifest of a built archive, snapshots that anyone can verify, and diffs between two.

A snapshot is the built site (it works from file:// once unpacked) with its
manifest.json and a SHA256SUMS file, packed as .zip and .tar.gz with fixed times,
owners and order, so the same input gives byte-identical archives.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from arshif import __version__

from .model import Archive

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


def input_hash(root: Path) -> str:
    """One hash of every source file the build reads (names and bytes)."""
    digest = hashlib.sha256()
    files = [root / "archive.toml"] + sorted(p for folder in ("seeds", "content") if (root / folder).is_dir()
                                             for p in (root / folder).rglob("*") if p.is_file())
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def article_hash(article) -> str:
    parts = [article.title, *(p.text for p in article.paragraphs), article.date.isoformat() if article.date else "",
             article.source, article.url, article.author, *article.tag_ids]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def manifest(archive: Archive, root: Path, snapshot_date: str) -> dict:
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
        "input_hash": input_hash(root),
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
    """<name>.zip and <name>.tar.gz of the site plus SHA256SUMS, all under the folder <name>/."""
    dest.mkdir(parents=True, exist_ok=True)
    entries = [(p.relative_to(site).as_posix(), p.read_bytes()) for p in site_files(site)]
    entries.append((SUMS, sha256sums(site).encode()))
    entries.sort()
    stamp = datetime.fromtimestamp(max(epoch, 315532800), timezone.utc)  # zip cannot hold times before 1980
    zip_path, tar_path = dest / f"{name}.zip", dest / f"{name}.tar.gz"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for rel, data in entries:
            info = zipfile.ZipInfo(f"{name}/{rel}", date_time=stamp.timetuple()[:6])
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for rel, data in entries:
            info = tarfile.TarInfo(f"{name}/{rel}")
            info.size, info.mtime, info.mode = len(data), epoch, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            archive.addfile(info, io.BytesIO(data))
    with open(tar_path, "wb") as handle, gzip.GzipFile(filename="", mode="wb", fileobj=handle, mtime=0) as packed:
        packed.write(raw.getvalue())
    return [zip_path, tar_path]


# -- reading snapshots and folders ---------------------------------------------------

@dataclass
class Contents:
    files: dict[str, bytes]  # path inside the snapshot (without the top folder) -> bytes

    @property
    def manifest(self) -> dict:
        return json.loads(self.files[MANIFEST].decode("utf-8"))


def read_contents(path: Path) -> Contents:
    """A snapshot (.zip or .tar.gz) or a built folder, as its files."""
    if path.is_dir():
        return Contents({p.relative_to(path).as_posix(): p.read_bytes() for p in site_files(path)})
    files = {}
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                files[name.split("/", 1)[1]] = archive.read(name)
    else:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive.getmembers():
                if member.isfile():
                    files[member.name.split("/", 1)[1]] = archive.extractfile(member).read()
    return Contents(files)


def verify(path: Path) -> list[str]:
    """What is wrong with a snapshot: files that do not match SHA256SUMS, and manifest entries with no page."""
    try:
        contents = read_contents(path)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, zlib.error, IndexError) as exc:
        return [f"{path}: the archive cannot be read ({exc}): it is damaged"]
    if SUMS not in contents.files or MANIFEST not in contents.files:
        return [f"{path}: no {SUMS} or {MANIFEST}: not an arshif snapshot"]
    problems = []
    listed = {}
    for line in contents.files[SUMS].decode("utf-8").splitlines():
        digest, _, rel = line.partition("  ")
        listed[rel] = digest
        data = contents.files.get(rel)
        if data is None:
            problems.append(f"{rel}: listed in {SUMS} but missing")
        elif hashlib.sha256(data).hexdigest() != digest:
            problems.append(f"{rel}: its SHA-256 does not match {SUMS} (the file was changed or damaged)")
    for rel in sorted(set(contents.files) - set(listed) - {SUMS}):
        problems.append(f"{rel}: not listed in {SUMS}")
    for article in contents.manifest["articles"]:
        if article["path"] not in contents.files:
            problems.append(f"{article['path']}: in {MANIFEST} but not in the snapshot")
    return problems


def diff(old: Path, new: Path) -> dict:
    """Articles added, removed and changed, and the entities and tags whose article lists changed."""
    before, after = read_contents(old).manifest, read_contents(new).manifest
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
