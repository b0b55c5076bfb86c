"""Related articles: ranked by what two articles share, rarer things weighing more."""

from __future__ import annotations

import heapq
import math
from collections import Counter
from operator import itemgetter

from ..cache import BuildCache, page_key
from ..model import Article

RELATED_SHOWN = 5


def article_features(article: Article) -> set[str]:
    """What an article can share with another: the entities it names and its tags."""
    return {"entity:" + m.entity for m in article.mentions} | {"tag:" + t for t in article.tag_ids}


def max_shared_by(total: int) -> int:
    """A feature in more articles than this says little about any two of them, and pairing
    all its articles would be quadratic: it is left out of the ranking."""
    return max(50, total // 100)


def with_related(articles: tuple[Article, ...], limit: int = RELATED_SHOWN, cache: BuildCache | None = None) -> tuple[Article, ...]:
    """Each article with its related articles' ids. They depend on every article's id and
    features only: serve keeps the last result (cache.memory) for an edit that changes neither,
    which is most (a sentence reworded, a date, a source)."""
    features = [sorted(article_features(a)) for a in articles]  # sorted: the same order every run
    key = page_key(tuple(a.id for a in articles), tuple(map(tuple, features)), limit)
    kept = cache.remembered(("related",), key) if cache is not None else None
    if kept is None:
        kept = _related(articles, features, limit)
    if cache is not None:
        cache.remember(("related",), key, kept)
    return tuple(article.with_changes(related=related) for article, related in zip(articles, kept))


def _related(articles: tuple[Article, ...], features: list[list[str]], limit: int) -> tuple[tuple[str, ...], ...]:
    holders: dict[str, list[int]] = {}
    for index, found in enumerate(features):
        for feature in found:
            holders.setdefault(feature, []).append(index)
    total, cap = len(articles), max_shared_by(len(articles))
    # integer weights, so sums are exact and ties break the same way every run
    weight = {f: int(1000 * math.log(1 + total / len(h))) for f, h in holders.items() if 1 < len(h) <= cap}
    result = []
    for index in range(len(articles)):
        scores: Counter = Counter()
        for feature in features[index]:
            if feature in weight:
                w = weight[feature]
                for other in holders[feature]:
                    scores[other] += w
        scores.pop(index, None)
        # newest first among equals: lower index wins a tie (nlargest keeps the first of equals)
        best = heapq.nlargest(limit, sorted(scores.items()), key=itemgetter(1))
        result.append(tuple(articles[i].id for i, _ in best))
    return tuple(result)
