"""Load step: every source file of an archive folder -> one Archive, or every problem found."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ..cache import BuildCache
from ..config import load_settings
from ..errors import BuildError, Problems
from ..model import Archive, Article
from .entities import load_entities
from .markdown_files import load_markdown_article, load_page
from .metadata import MetadataRow, load_metadata
from .seeds import load_seed
from .tags import load_tags


def source_files(root: Path, folder: str, suffix: str, problems: Problems | None = None) -> list[Path]:
    """Visible files of one kind in a source folder, in a stable order. A file that is a
    symbolic link to somewhere outside the archive (and outside the folder's own real
    place) is skipped with a warning: a build reads only what the archive holds."""
    directory = root / folder
    if not directory.is_dir():
        return []
    entries = sorted((e for e in os.scandir(directory) if e.name.endswith(suffix) and not e.name.startswith(".")), key=lambda e: e.name)
    allowed = (root.resolve(), directory.resolve())
    found = []
    for entry in entries:
        path = directory / entry.name
        if entry.is_symlink() and not any(a == path.resolve() or a in path.resolve().parents for a in allowed):
            if problems is not None:
                problems.warn(path, None, f"the file is a link to {os.readlink(path)}, outside the archive: skipped", "copy the file into the archive instead of linking it")
            continue
        if entry.is_file():
            found.append(path)
    return found


def load_archive(root: Path, problems: Problems, progress=None, cache: BuildCache | None = None) -> Archive:
    """Read the archive folder. Raises BuildError with every error found; warnings stay in `problems`."""
    settings = load_settings(root, problems)
    seed_paths = source_files(root, "seeds", ".txt", problems)
    seeds = [load_seed(p, problems, cache) for p in _counted(seed_paths, progress)]
    metadata_path = root / "content" / "metadata.csv"
    rows = load_metadata(metadata_path, problems) if metadata_path.is_file() else {}
    _check_rows_have_files(rows, {p.name for p in seed_paths}, metadata_path, problems)
    seeds = _apply_metadata([s for s in seeds if s], rows, problems)
    curated = [load_markdown_article(p, problems) for p in source_files(root, "content/articles", ".md", problems)]
    pages = [load_page(p, problems) for p in source_files(root, "content/pages", ".md", problems)]
    articles = _unique(seeds + [a for a in curated if a], problems)
    entities_path = root / "content" / "entities.toml"
    entities = load_entities(entities_path, problems) if entities_path.is_file() else ()
    tags_path = root / "content" / "tags.toml"
    tags = load_tags(tags_path, problems) if tags_path.is_file() else ()
    if problems.errors:
        raise BuildError(problems.errors)
    articles.sort(key=lambda a: a.sort_key, reverse=True)
    pages = sorted((p for p in pages if p), key=lambda p: p.slug)
    return Archive(root=root, settings=settings, articles=tuple(articles), pages=tuple(pages), entities=entities, tags=tags)


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
            problems.error(path, row.line, f"a row for '{name}', which is not in seeds/", "remove the row, or add the file to seeds/ (names must match exactly)")


def _apply_metadata(seeds: list[Article], rows: dict[str, MetadataRow], problems: Problems) -> list[Article]:
    result = []
    for seed in seeds:
        row = rows.get(seed.origin.name)
        if row is None:
            if rows:
                problems.warn(seed.origin, None, "no row in content/metadata.csv: the article has no date or source", "add a row for it")
            result.append(seed)
            continue
        result.append(replace(seed, title=row.title or seed.title, date=row.date, source=row.source, url=row.url, author=row.author, tags=row.tags))
    return result


def _unique(articles: list[Article], problems: Problems) -> list[Article]:
    seen: dict[str, Article] = {}
    for article in articles:
        first = seen.get(article.id)
        if first is not None:
            problems.error(article.origin, None, f"the id '{article.id}' is also the id of {first.origin}", "rename one of the two files: an article's id is its file name")
            continue
        seen[article.id] = article
    return list(seen.values())
