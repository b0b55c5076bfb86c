"""seeds/*.txt: line 1 the headline, each further non-empty line a paragraph."""

from __future__ import annotations

from pathlib import Path

from ..cache import BuildCache
from ..errors import Problems
from ..model import Article, Paragraph
from ..text import clean_lines, digest, has_letters
from .files import decode_text, read_known, split_lines


def load_seed(path: Path, problems: Problems, cache: BuildCache | None = None, known: bytes | None = None) -> Article | None:
    """The seed's article. Keyed on the bytes' SHA-256, never on size and mtime: an edit that
    keeps both (a restored backup, rsync -t, a one-second filesystem) must still reach the site.
    `known` is that SHA-256 when the build has just read the file (its fingerprint): a seed
    parsed from the same bytes before is then not read again."""
    if known is not None and cache is not None:
        on_disk = cache.seed(path, known)  # (also keeps it for the next build)
        kept = cache.remembered(("seed", path), known) or _from_cache(path, on_disk)  # serve's: the very article of the last build
        if kept is not None:
            cache.remember(("seed", path), known, kept)
            return _said_again(kept, path, problems)
    read = read_known(path, problems, known)
    if read is None:
        return None
    data, key = read
    kept = _from_cache(path, cache.seed(path, key)) if cache is not None else None
    if kept is not None:
        return _said_again(kept, path, problems)
    before = len(problems.items)
    article = _parse_seed(path, data, problems)
    if article is not None and cache is not None:
        warnings = tuple((p.line, p.message, p.hint) for p in problems.items[before:] if p.is_warning)  # said again when reused
        cache.remember_seed(path, key, (article.title, tuple((p.text, p.line) for p in article.paragraphs), article.digest, warnings))
        cache.remember(("seed", path), key, (article, warnings))
    return article


def _from_cache(path: Path, cached: tuple | None) -> tuple[Article, tuple] | None:
    """The article and warnings of a cached parse; None if there is none (or it is not one)."""
    try:
        title, paragraphs, text_digest, warnings = cached
        article = Article(id=path.stem, title=title, paragraphs=tuple(Paragraph(*p) for p in paragraphs), origin=path, digest=text_digest)
        return article, tuple((line, message, hint) for line, message, hint in warnings)
    except (TypeError, ValueError):
        return None


def _said_again(kept: tuple[Article, tuple], path: Path, problems: Problems) -> Article:
    """A reused parse's article, its warnings (a UTF-16 file's) given again, as a fresh parse gives them."""
    article, warnings = kept
    for line, message, hint in warnings:
        problems.warn(path, line, message, hint)
    return article


def _parse_seed(path: Path, data: bytes, problems: Problems) -> Article | None:
    text = decode_text(path, data, problems)
    if text is None:
        return None
    lines = split_lines(text)
    if not any(line.strip() for line in lines):
        problems.error(path, None, "the file is empty", "write the headline on line 1 and a paragraph on each line after it")
        return None
    title, *body = clean_lines(lines)
    if not has_letters(title):
        problems.error(path, 1, "line 1 (the headline) is empty", "put the headline on the first line")
        return None
    paragraphs = tuple(Paragraph(line, number) for number, line in enumerate(body, start=2) if line)
    if not paragraphs:
        problems.error(path, 1, "the article has a headline but no body", "add the paragraphs after line 1, one a line")
        return None
    return Article(id=path.stem, title=title, paragraphs=paragraphs, origin=path, digest=digest(text))
