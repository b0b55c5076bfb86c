"""serve's quick pass: edited articles enriched as a whole build would enrich them, when the
archive keeps its shape; else None, and serve builds the whole archive."""

from __future__ import annotations

from dataclasses import replace

from ..model import Archive, Article, Entity, EntityArticle, Tag
from .entities import entity_matcher, link_entities
from .related import article_features
from .tags import tag_articles, tag_matcher


class Matchers:
    """serve's entity and tag matchers, each kept for as long as its list is the same: each takes
    a while to make, and the quick pass would otherwise make both for each edit."""

    def __init__(self):
        self._made: dict[str, tuple] = {}

    def entities(self, entities: tuple[Entity, ...]):
        return self._of("entities", entities, lambda: entity_matcher(entities))

    def tags(self, tags: tuple[Tag, ...]):
        rules = tuple((t.id, t.match) for t in tags if t.match)  # a tag without rules (one only used) adds nothing
        return self._of("tags", rules, lambda: tag_matcher(tags))

    def _of(self, name: str, key: tuple, make):
        made = self._made.get(name)
        if made is None or made[0] != key:
            made = self._made[name] = (key, make())
        return made[1]


def with_edits(archive: Archive, loaded: list[Article], matchers: Matchers, positions: dict[str, int]) -> Archive | None:
    """`archive` (the last build's, enriched) with the `loaded` articles (read again) enriched in
    place of those of the same id (`positions`: each id's place in archive.articles); None if
    an edit changes the archive's shape: an article's date, source, tags or the entities it
    names (each moves it between pages, and may change other articles' related ones). Its
    text, headline, address, author may change."""
    mini = replace(archive, articles=tuple(loaded), entity_stats={})
    if archive.entities:
        mini = link_entities(mini, None, matchers.entities(archive.entities))
    mini = tag_articles(mini, None, matchers.tags(archive.tags))
    articles = list(archive.articles)
    for new in mini.articles:
        index = positions.get(new.id)
        if index is None or not _same_shape(articles[index], new):
            return None
        articles[index] = new.with_changes(related=articles[index].related)
    return replace(archive, articles=tuple(articles), entity_stats=_stats_with(archive.entity_stats, mini))


def _same_shape(old: Article, new: Article) -> bool:
    return ((old.origin, old.date, old.source, old.tags, old.tag_ids) == (new.origin, new.date, new.source, new.tags, new.tag_ids)
            and article_features(old) == article_features(new))


def _stats_with(stats: dict, mini: Archive) -> dict:
    """The entities' page data with the edited articles' entries (how often, and where first,
    each names the entity) replaced; their lists, companions and months stay as they were."""
    stats = dict(stats)
    for entity_id, found in mini.entity_stats.items():
        if not found.articles:
            continue
        entries = list(stats[entity_id].articles)
        for entry in found.articles:
            entries[_index_of(entries, entry)] = entry
        stats[entity_id] = replace(stats[entity_id], articles=tuple(entries))
    return stats


def _index_of(entries: list[EntityArticle], entry: EntityArticle) -> int:
    return next(i for i, e in enumerate(entries) if e.article == entry.article)
