"""Article pages: the text with its linked mentions, what it names, its tags, related
articles and its neighbours in date order."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from .. import model
from ..cache import page_key
from ..dates import month_text
from ..model import HEADLINE, Article, entity_path
from ..text import MINUTES, counted, shorten
from .site import ArticleView, PageJob, Site

DESCRIPTION_LENGTH = 160


def pages(site: Site) -> Iterator[PageJob]:
    for index in range(len(site.views)):
        yield page(site, index)


def page(site: Site, index: int) -> PageJob:
    """The page of the article at `index` in date order, which links its neighbours."""
    views = site.views
    newer = views[index - 1] if index > 0 else None
    older = views[index + 1] if index + 1 < len(views) else None
    return _page(site, views[index], newer, older)


def _page(site: Site, view: ArticleView, newer: ArticleView | None, older: ArticleView | None) -> PageJob:
    """The page's key now; its context only when it must be rendered (most pages of a rebuild are not)."""
    return view.path, _key(site, view, newer, older), functools.partial(_render, site, view, newer, older)


def _render(site: Site, view: ArticleView, newer: ArticleView | None, older: ArticleView | None) -> str:
    article = view.article
    linked = [m for m in article.mentions if m.linked]
    return site.render(
        "article.html", view.path,
        title=article.title, description=article.summary or shorten(view.summary, DESCRIPTION_LENGTH),
        view=view, article=article, newer=newer, older=older,
        headline=segments(article.title, [m for m in linked if m.block == HEADLINE]),
        paragraphs=[segments(p.text, [m for m in linked if m.block == i]) for i, p in enumerate(article.paragraphs)],
        named=_named_entities(site, article), related=[site.view_of[r] for r in article.related],
        tags=[site.tags[t] for t in article.tag_ids], source=site.sources.get(article.source),
        reading=counted(reading_minutes(article), MINUTES, site.settings.digits), month=_month_place(site, view),
    )


WORDS_A_MINUTE = 180  # an adult's silent reading of Arabic news prose, a little slower than English


def reading_minutes(article: Article) -> int:
    words = len(article.title.split()) + sum(len(p.text.split()) for p in article.paragraphs)
    return max(1, round(words / WORDS_A_MINUTE))


def _month_place(site: Site, view: ArticleView) -> dict | None:
    """"The 3rd of 41 in August 2015": its number in its month, oldest first, and the month's page it is on."""
    place = site.month_places.get(view.article.id)
    if place is None:
        return None
    day = view.article.date
    return {"number": site.digits(place[0]), "total": site.digits(place[1]), "name": month_text(day.year, day.month, site.settings.digits),
            "path": model.month_path(day.year, day.month, 1 + (place[1] - place[0]) // site.settings.list_page_size)}


def _named_entities(site: Site, article: Article) -> list[tuple]:
    """(entity, times named) in the order the article first names them."""
    counts: dict[str, int] = {}
    for mention in article.mentions:
        counts[mention.entity] = counts.get(mention.entity, 0) + 1
    return [(site.entities[e], n) for e, n in counts.items()]


def _key(site: Site, view: ArticleView, newer: ArticleView | None, older: ArticleView | None) -> bytes:
    a = view.article
    return page_key(
        site.base_key, view.list_key, a.digest or tuple(p.text for p in a.paragraphs), a.body_html or "", a.url, a.author,
        a.source,  # the source's page is linked: two sources may show one name
        tuple((t, site.tags[t].name) for t in a.tag_ids),  # a tag renamed in tags.toml keeps its id
        newer.list_key if newer else None, older.list_key if older else None,
        tuple(map(tuple, a.mentions)),  # marshal takes plain tuples only
        tuple(site.view_of[r].list_key for r in a.related),
        site.month_places.get(a.id),  # "the 3rd of 41 in its month"
    )


def segments(text: str, mentions) -> list[tuple[str, str | None]]:
    """The text cut at linked mentions: (text, entity page path or None), for the template to escape and link."""
    result, cursor = [], 0
    for mention in sorted(mentions, key=lambda m: m.start):
        if mention.start > cursor:
            result.append((text[cursor : mention.start], None))
        result.append((text[mention.start : mention.end], entity_path(mention.entity)))
        cursor = mention.end
    if cursor < len(text):
        result.append((text[cursor:], None))
    return result
