"""Run a matcher over every article: cached per article, and spread over the cores for large archives.

Scanning is the costly part of the enrich steps (tens of megabytes of text), so a
rebuild rescans only the articles whose text (or the list of names) changed.
"""

from __future__ import annotations

import multiprocessing

from ..cache import BuildCache, page_key
from ..model import HEADLINE, Article
from ..workers import can_fork, die_with_parent
from .matcher import Matcher

PARALLEL_FROM = 2000  # articles; below this, starting processes costs more than it saves
_SHARED: dict = {}  # what forked workers inherit instead of receiving it pickled


def scan_articles(name: str, matcher: Matcher, matcher_key: bytes, articles, cache: BuildCache | None) -> list[tuple]:
    """For each article, (value, block, start, end, adjective) of every unambiguous match."""
    keys = [page_key(name, matcher_key, a.title, a.digest or tuple(p.text for p in a.paragraphs)) for a in articles]
    found = [cache.mentions(name, a.id, key) if cache else None for a, key in zip(articles, keys)]
    missing = [i for i, result in enumerate(found) if result is None]
    for i, result in zip(missing, _scan(matcher, [articles[i] for i in missing])):
        found[i] = result
    if cache is not None:
        for article, key, result in zip(articles, keys, found):
            cache.remember_mentions(name, article.id, key, result)
    return found


def _scan(matcher: Matcher, articles: list[Article]) -> list[tuple]:
    workers = can_fork(len(articles), PARALLEL_FROM)
    if not workers:
        return [matches_in(matcher, a) for a in articles]
    _SHARED.update(matcher=matcher, articles=articles)
    try:
        step = max(200, len(articles) // (workers * 8))
        chunks = [(start, min(start + step, len(articles))) for start in range(0, len(articles), step)]
        with multiprocessing.get_context("fork").Pool(workers, initializer=die_with_parent) as pool:
            return [result for part in pool.map(_scan_range, chunks) for result in part]
    finally:
        _SHARED.clear()


def _scan_range(bounds: tuple[int, int]) -> list[tuple]:
    start, end = bounds
    return [matches_in(_SHARED["matcher"], _SHARED["articles"][i]) for i in range(start, end)]


def matches_in(matcher: Matcher, article: Article) -> tuple:
    found = []
    blocks = [(HEADLINE, article.title)] + list(enumerate(p.text for p in article.paragraphs))
    for block, text in blocks:
        for match in matcher.find(text):
            if match.entity is not None:
                found.append((match.entity, block, match.start, match.end, match.adjective))
    return tuple(found)
