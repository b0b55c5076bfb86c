"""Related articles: ranked by what two articles share, rarer things weighing more."""

from __future__ import annotations

import heapq
import math
from collections import Counter
from dataclasses import replace

from ..model import Article

RELATED_SHOWN = 5
# A feature in more articles than this says little about any two of them, and
# pairing all its articles would be quadratic: it is left out of the ranking.
MAX_SHARED_BY = 1000


def article_features(article: Article) -> set[str]:
    """What an article can share with another: the entities it names (tags join later)."""
    return {"entity:" + m.entity for m in article.mentions}


def with_related(articles: tuple[Article, ...], limit: int = RELATED_SHOWN) -> tuple[Article, ...]:
    features = [article_features(a) for a in articles]
    holders: dict[str, list[int]] = {}
    for index, found in enumerate(features):
        for feature in found:
            holders.setdefault(feature, []).append(index)
    total = len(articles)
    weight = {f: math.log(1 + total / len(h)) for f, h in holders.items() if 1 < len(h) <= MAX_SHARED_BY}
    result = []
    for index, article in enumerate(articles):
        scores: Counter = Counter()
        for feature in features[index]:
            if feature in weight:
                for other in holders[feature]:
                    scores[other] += weight[feature]
        scores.pop(index, None)
        best = heapq.nsmallest(limit, scores.items(), key=lambda kv: (-round(kv[1], 9), kv[0]))
        result.append(replace(article, related=tuple(articles[i].id for i, _ in best)))
    return tuple(result)
