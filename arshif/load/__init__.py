"""Load step: every source file of an archive folder -> one Archive, or every problem found."""

from __future__ import annotations

import os
from pathlib import Path

from ..cache import BuildCache
from ..config import load_settings
from ..errors import UNPRINTABLE_TEXT, BuildError, Problems
from ..inputs import InputKind, kind
from ..model import Archive, Article, folded_name
from ..text import FORBIDDEN
from .entities import load_entities
from .files import read_known
from .markdown_files import load_markdown_article, load_page
from .metadata import MetadataRow, load_metadata
from .seeds import load_seed
from .tags import load_tags


def source_files(root: Path, of: InputKind, problems: Problems | None = None) -> list[Path]:
    """Visible files of one kind (a folder kind of the registry) in its folder, in a stable order.
    A file that is a symbolic link to somewhere outside the archive (and outside the folder's
    own real place) is skipped with a warning: a build reads only what the archive holds."""
    directory = root / of.path
    if not directory.is_dir():
        return []
    entries = sorted((e for e in os.scandir(directory) if e.name.endswith(of.suffix) and not e.name.startswith(".")), key=lambda e: e.name)
    allowed = (root.resolve(), directory.resolve())
    found = []
    for entry in entries:
        path = directory / entry.name
        if entry.is_symlink():
            try:
                target = path.resolve()
            except (OSError, RuntimeError):  # a loop of links: no file to read
                if problems is not None:
                    problems.warn(path, None, "a link that leads nowhere (a loop of links): skipped", "remove the link")
                continue
        if entry.is_symlink() and not any(a == target or a in target.parents for a in allowed):
            if problems is not None:
                problems.warn(path, None, f"the file is a link to {os.readlink(path)}, outside the archive: skipped", "copy the file into the archive instead of linking it")
            continue
        is_file = os.path.isfile(path) if entry.is_symlink() else entry.is_file(follow_symlinks=False)  # a link to nothing is no file
        if is_file and (problems is None or _name_ok(path, problems)):
            found.append(path)
    return found


MAX_NAME_BYTES = 255 - len(".html")  # an article's page is its file's name + ".html"; file systems allow 255 bytes


def _name_ok(path: Path, problems: Problems) -> bool:
    """A file name becomes a page's address and a line of SHA256SUMS: it must be UTF-8, on one
    line, and short enough for the page's name to fit every file system."""
    name = path.name
    try:
        size = len(path.stem.encode("utf-8"))
    except UnicodeEncodeError:
        problems.error(path, None, "the file name is not UTF-8 text", "rename the file (its name is the page's address)")
        return False
    if UNPRINTABLE_TEXT.search(name) or FORBIDDEN.search(name):  # what verify refuses in a snapshot, and more
        problems.error(path, None, "the file name holds a line break or another control character",
                       "rename the file: its name becomes the page's address and a line of the snapshot's SHA256SUMS")
        return False
    if size > MAX_NAME_BYTES:
        problems.error(path, None, f"the file name is {size} bytes long: the page made from it would pass the 255-byte limit of file systems",
                       f"rename it to at most {MAX_NAME_BYTES} bytes (an Arabic letter takes two)")
        return False
    return True


def load_archive(root: Path, problems: Problems, progress=None, cache: BuildCache | None = None,
                 digests: dict[Path, bytes] | None = None) -> Archive:
    """Read the archive folder. Raises BuildError with every error found; warnings stay in `problems`.
    `digests`: the input files' SHA-256 (publish.input_digests), when the build has them."""
    settings = load_settings(root, problems)
    seed_paths = source_files(root, kind("seeds"), problems)
    digests = digests or {}
    seeds = [load_seed(p, problems, cache, digests.get(p)) for p in _counted(seed_paths, progress)]
    metadata_path = root / kind("metadata").path
    rows = _metadata(metadata_path, problems, cache, digests.get(metadata_path)) if metadata_path.is_file() else {}
    _check_rows_have_files(rows, {p.name for p in seed_paths}, metadata_path, problems)
    seeds = _apply_metadata([s for s in seeds if s], rows, problems)
    curated = [load_markdown_article(p, problems) for p in source_files(root, kind("articles"), problems)]
    pages = [load_page(p, problems) for p in source_files(root, kind("pages"), problems)]
    articles = _unique(seeds + [a for a in curated if a], problems)
    _warn_of_colliding_names([(a.id, a.origin) for a in articles], "page", problems)
    _warn_of_colliding_names([(p.slug, p.origin) for p in pages if p], "page", problems)
    _warn_of_colliding_sources(articles, rows, metadata_path, problems)
    entities_path = root / kind("entities").path
    entities = load_entities(entities_path, problems) if entities_path.is_file() else ()
    tags_path = root / kind("tags").path
    tags = load_tags(tags_path, problems) if tags_path.is_file() else ()
    if problems.errors:
        raise BuildError(problems.errors)
    articles.sort(key=lambda a: a.sort_key, reverse=True)
    pages = sorted((p for p in pages if p), key=lambda p: p.slug)
    return Archive(root=root, settings=settings, articles=tuple(articles), pages=tuple(pages), entities=entities, tags=tags)


def reload_articles(root: Path, edited: dict[Path, bytes], rows: dict[str, MetadataRow], problems: Problems) -> list[Article] | None:
    """serve's quick pass: the articles of `edited` sources (path -> the SHA-256 the caller read),
    seeds with the metadata's `rows` as the last build had them, read as load_archive reads them;
    None if one is not an article's source any more, or has an error (a whole build then says why)."""
    seeds, curated = root / kind("seeds").path, root / kind("articles").path
    articles = []
    for path, digest in edited.items():
        if path.is_symlink() or not path.is_file():
            return None  # the whole build decides what a link or a folder is
        if path.parent == seeds and path.suffix == kind("seeds").suffix:
            article = load_seed(path, problems, None, digest)
            articles += _apply_metadata([article], rows, problems) if article is not None else [None]
        elif path.parent == curated and path.suffix == kind("articles").suffix:
            articles.append(load_markdown_article(path, problems))
        else:
            return None
    return None if problems.errors or None in articles else articles


def kept_rows(root: Path, cache: BuildCache) -> dict[str, MetadataRow] | None:
    """The metadata's rows a build in this session read (cache.memory), {} if there is no
    metadata file, None if they were not kept."""
    path = root / kind("metadata").path
    kept = cache.new_memory.get(("metadata", path))
    if kept is not None:
        return kept[1][0]
    return None if path.exists() else {}


def _metadata(path: Path, problems: Problems, cache: BuildCache | None, digest: bytes | None) -> dict[str, MetadataRow]:
    """The metadata's rows; in serve, the last build's when the file's bytes are the same (with
    the problems it had, said again): 20,000 rows take half a second to read."""
    kept = cache.remembered(("metadata", path), digest) if cache is not None and digest is not None else None
    if kept is not None:
        rows, found = kept
        problems.items.extend(found)
        return rows
    if digest is None:
        return load_metadata(path, problems)
    read = read_known(path, problems, digest)
    if read is None:
        return {}
    before = len(problems.items)
    rows = load_metadata(path, problems, read[0])
    if cache is not None:  # kept under the digest of the very bytes parsed
        cache.remember(("metadata", path), digest, (rows, problems.items[before:]))
    return rows


def _counted(paths, progress):
    if progress is not None:
        progress.start("reading", len(paths))
    for path in paths:
        if progress is not None:
            progress.advance()
        yield path


def _check_rows_have_files(rows: dict[str, MetadataRow], names: set[str], path: Path, problems: Problems) -> None:
    for name, row in rows.items():
        if name not in names:
            seeds = kind("seeds").path
            problems.error(path, row.line, f"a row for '{name}', which is not in {seeds}/", f"remove the row, or add the file to {seeds}/ (names must match exactly)")


def _apply_metadata(seeds: list[Article], rows: dict[str, MetadataRow], problems: Problems) -> list[Article]:
    result = []
    for seed in seeds:
        row = rows.get(seed.origin.name)
        if row is None:
            if rows:
                problems.warn(seed.origin, None, f"no row in {kind('metadata').path}: the article has no date or source", "add a row for it")
            result.append(seed)
            continue
        result.append(seed.with_changes(title=row.title or seed.title, date=row.date, source=row.source, url=row.url, author=row.author, tags=row.tags))
    return result


def _warn_of_colliding_names(named: list[tuple[str, Path]], what: str, problems: Problems) -> None:
    """Names that differ only in letter case or Unicode form (A.txt, a.txt; NFC and NFD):
    distinct files here, one file on the systems many readers and hosts use."""
    seen: dict[str, tuple[str, Path]] = {}
    for name, origin in named:
        first = seen.setdefault(folded_name(name), (name, origin))
        if first[0] != name:
            problems.warn(origin, None, f"its {what} name '{name}' differs from that of {first[1]} ('{first[0]}') only in letter case or "
                          "Unicode form: on macOS, Windows and many web hosts one page would overwrite the other",
                          "rename one of the two files")


def _warn_of_colliding_sources(articles: list[Article], rows: dict[str, MetadataRow], metadata_path: Path, problems: Problems) -> None:
    """Source ids that differ only in case or Unicode form (TASS, tass) are two sources: likely one misspelt."""
    seen: dict[str, tuple[str, Path, int | None]] = {}
    reported = set()
    for article in articles:
        if not article.source:
            continue
        row = rows.get(article.origin.name) if article.origin.suffix == ".txt" else None
        where = (metadata_path, row.line) if row is not None else (article.origin, None)
        first = seen.setdefault(folded_name(article.source), (article.source, *where))
        if first[0] != article.source and article.source not in reported:  # once for each other spelling
            reported.add(article.source)
            place = f"{first[1].name}:{first[2]}" if first[2] else first[1].name
            problems.warn(where[0], where[1], f"the source '{article.source}' differs from '{first[0]}' ({place}) only in letter case or Unicode form: "
                          "they are two sources, with two pages", "write the source id the same way in every row")


def _unique(articles: list[Article], problems: Problems) -> list[Article]:
    seen: dict[str, Article] = {}
    for article in articles:
        first = seen.get(article.id)
        if first is not None:
            problems.error(article.origin, None, f"the id '{article.id}' is also the id of {first.origin}", "rename one of the two files: an article's id is its file name")
            continue
        seen[article.id] = article
    return list(seen.values())
