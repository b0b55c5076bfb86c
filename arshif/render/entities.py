"""Entity pages: the index by type, and for each entity its articles (with the sentence
that names it), the entities named beside it, and a timeline of its mentions."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from .. import model
from ..cache import page_key
from ..charts import Bar, Span, bar_chart, timeline
from ..dates import month_text
from ..model import ENTITY_TYPES, HEADLINE, Article, Entity, EntityStats, Mention, relative_url
from ..text import SENTENCE_END, YEARS, counted
from .site import PageJob, Pager, Site


def pages(site: Site) -> Iterator[PageJob]:
    if not site.entities:
        return
    stats = site.archive.entity_stats
    groups = [(kind, site.text(f"entity_types.{kind}"),
               sorted((e for e in site.entities.values() if e.type == kind), key=lambda e: (-len(stats[e.id].articles), e.name)))
              for kind in ENTITY_TYPES]
    yield site.job("entity_index.html", model.ENTITY_INDEX_PATH, title=site.text("entities.title"),
                   description=site.text("entities.description"), groups=[g for g in groups if g[2]], stats=stats)
    for entity in site.entities.values():
        yield from entity_pages(site, entity, stats[entity.id])


def entity_pages(site: Site, entity: Entity, stats: EntityStats, only: int | None = None) -> Iterator[PageJob]:
    """An entity's articles, over as many pages as they need (`only`: the page that shows the item at that place, alone)."""
    items = [(site.view_of[a.article], a) for a in stats.articles]
    size = site.settings.list_page_size
    total = max(1, -(-len(items) // size))
    shared_key = (site.base_key, repr(entity), len(items), stats.months, stats.companions)
    for number in range(1, total + 1) if only is None else (only // size + 1,):
        shown = _shown(site, items, number)
        key = page_key(shared_key, number, total, tuple((v.list_key, _text_key(v.article), found.count, tuple(found.first)) for v, found in shown))
        yield model.entity_path(entity.id, number), key, functools.partial(_render, site, entity, stats, items, number, total)


def _shown(site: Site, items: list, number: int) -> list:
    size = site.settings.list_page_size
    return items[(number - 1) * size : number * size]


def _render(site: Site, entity: Entity, stats: EntityStats, items: list, number: int, total: int) -> str:
    """One page of an entity's articles; the first also shows its timeline and companions."""
    path_of = functools.partial(model.entity_path, entity.id)
    chart, period = _timeline_chart(site, stats.months, path_of(1)) if stats.months and number == 1 else (None, "")
    type_name = site.text(f"entity_types.{entity.type}")
    description = entity.description or site.text("entities.entity_description", type=type_name, count=site.count(len(items)))
    return site.render(
        "entity.html", path_of(number), title=site.page_title(entity.name, number), description=description, entity=entity,
        type_name=type_name, total=len(items),
        items=[(v, found, functools.partial(mention_sentence, v.article, found.first)) for v, found in _shown(site, items, number)],
        pager=Pager(number, total, path_of), chart=chart, chart_period=period,
        companions=[(site.entities[e], n) for e, n in stats.companions])


def _text_key(article: Article):
    """What the sentence of a mention is cut from: a seed's digest, or a curated article's
    paragraphs (Markdown articles have no digest)."""
    return article.digest or tuple(p.text for p in article.paragraphs)


def _timeline_chart(site: Site, months, from_path: str):
    """Articles naming the entity over time, and what a bar counts ("in each month"): a bar
    a month, a year or a group of years, however far apart the dates (charts.timeline)."""
    line = timeline(months)
    return bar_chart([_timeline_bar(site, span, from_path) for span in line.spans]), _period(site, line.years_per_bar)


def _timeline_bar(site: Site, span: Span, from_path: str) -> Bar:
    (year, month), (last_year, _) = span.first, span.last
    if span.first == span.last:
        name, target = month_text(year, month, site.settings.digits), model.month_path(year, month)
        label = f"{site.digits(month)}/{site.digits(year % 100)}"
    elif year == last_year:
        name, label, target = site.digits(year), site.digits(year), model.year_path(year)
    else:  # a group of years: the date archive lists them
        name, label, target = f"{site.digits(year)}–{site.digits(last_year)}", site.digits(year), model.ARCHIVE_INDEX_PATH
    href = relative_url(from_path, target) if span.count else None
    return Bar(label, site.text("dates.bar", name=name, count=site.count(span.count)), span.count, site.digits(span.count), href)


def _period(site: Site, years: int) -> str:
    if years < 2:
        return site.text("entities.every_year" if years else "entities.every_month")
    return site.text("entities.every_years", years=counted(years, YEARS, site.settings.digits))


SENTENCE_LIMIT = 300


def mention_sentence(article: Article, mention: Mention) -> str:
    """The sentence that holds a mention, cut to a readable length."""
    text = article.title if mention.block == HEADLINE else article.paragraphs[mention.block].text
    starts = [m.end() for m in SENTENCE_END.finditer(text, 0, mention.start)]
    begin = starts[-1] if starts else 0
    after = SENTENCE_END.search(text, mention.end)
    end = after.start() + 1 if after else len(text)
    sentence = text[begin:end].strip()
    if len(sentence) > SENTENCE_LIMIT:
        middle = mention.start - begin
        lo = max(0, middle - SENTENCE_LIMIT // 2)
        sentence = ("…" if lo else "") + sentence[lo : lo + SENTENCE_LIMIT].strip() + "…"
    return sentence
