"""serve's quick pass: the pages an edit of some articles' text can change, and nothing else.

It applies only where the archive keeps its shape (enrich.delta checks that): the same
articles in the same date order, each with the same date, source, tags and named entities.
The pages that can show an edited article are then known without looking at the others:
its own page, its neighbours' and those that list it as related, the lists it is on (home,
month, tags, source, entities) and the feeds it is in. Each page's key still decides whether
it is rendered again: listing more pages than changed costs a key, never a wrong page.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

from ..model import Archive, Article
from . import articles, dates, entities, groups
from .feeds import main_feed
from .site import ArticleView, PageJob, Site


def site_with(site: Site, archive: Archive, edited: dict[str, Article]) -> Site:
    """The last build's Site with the `edited` articles' views replaced (by id), sharing
    everything an edit of their text cannot change: the templates, the strings, the nav, the
    articles' places in date order and which articles list which as related."""
    new = copy.copy(site)
    new.archive = archive
    new.views, new.view_of = list(site.views), dict(site.view_of)
    new.tag_views, new.source_views = dict(site.tag_views), dict(site.source_views)
    for article_id, article in edited.items():
        old = site.view_of[article_id]
        view = new._view(article)
        new.views[site.positions[article_id]] = new.view_of[article_id] = view
        for groups_of, keys in ((new.tag_views, article.tag_ids), (new.source_views, (article.source,) if article.source else ())):
            for key in keys:
                members = groups_of[key] = list(groups_of[key])
                members[_place(members, old)] = view
    return new


def pages_showing(site: Site, edited: set[str]) -> Iterator[PageJob]:
    """Every page of `site` that can show one of the `edited` articles (each once)."""
    listed: set[str] = set()
    for job in _pages_showing(site, edited):
        if job[0] not in listed:
            listed.add(job[0])
            yield job


def _pages_showing(site: Site, edited: set[str]) -> Iterator[PageJob]:
    feed_size = site.settings.feed_size
    for article_id in sorted(edited):
        index, view = site.positions[article_id], site.view_of[article_id]
        article = view.article
        for near in (index - 1, index, index + 1, *site.related_by.get(article_id, ())):
            if 0 <= near < len(site.views):
                yield articles.page(site, near)
        yield from dates.home_pages(site, only=index)
        if index < feed_size:
            yield main_feed(site)
        if article.date:  # its month's views: a run in date order, of which it is number `number`, oldest first
            number, total = site.month_places[article_id]
            start = index - (total - number)
            yield from dates.month_pages(site, article.date.year, article.date.month, site.views[start : start + total], only=total - number)
        for tag_id in article.tag_ids:
            at = _place(site.tag_views[tag_id], view)
            yield from (job for job in groups.tag_list_pages(site, tag_id, only=at) if job[1] is not None or at < feed_size)
        if article.source:
            yield from groups.source_list_pages(site, article.source, only=_place(site.source_views[article.source], view))
        stats = site.archive.entity_stats
        for entity_id in dict.fromkeys(m.entity for m in article.mentions):
            found = stats[entity_id].articles
            at = next(i for i, entry in enumerate(found) if entry.article == article_id)
            yield from entities.entity_pages(site, site.entities[entity_id], stats[entity_id], only=at)


def _place(views: list[ArticleView], view: ArticleView) -> int:
    """Where `view` itself is in `views` (list.index compares every field of every view on the way)."""
    return next(i for i, other in enumerate(views) if other is view)
