"""Entity pages: the index by type, and for each entity its articles (with the sentence
that names it), the entities named beside it, and a timeline of its mentions."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from .. import model
from ..cache import page_key
from ..charts import Bar, Span, bar_chart, timeline
from ..dates import month_text
from ..model import ENTITY_TYPES, HEADLINE, Article, Entity, EntityStats, Mention, relative_url
from ..text import CLAUSE_END, SENTENCE_END, YEARS, counted
from .site import PageJob, Pager, Site


def pages(site: Site) -> Iterator[PageJob]:
    """The index and a page for each entity some article names: one no article names would be
    a dead end (a page of nothing, a row of "0 articles"), so it has neither (check lists them)."""
    named = site.named_entities
    if not named:
        return
    stats = site.archive.entity_stats
    groups = [(kind, site.text(f"entity_types.{kind}"),
               sorted((e for e in named if e.type == kind), key=lambda e: (-len(stats[e.id].articles), e.name)))
              for kind in ENTITY_TYPES]
    yield site.job("entity_index.html", model.ENTITY_INDEX_PATH, title=site.text("entities.title"),
                   description=site.text("entities.description"), groups=[g for g in groups if g[2]], stats=stats)
    for entity in named:
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


SENTENCE_LIMIT = 300  # characters: a longer sentence is cut around the mention
SPACE = re.compile(r"\s")


def mention_sentence(article: Article, mention: Mention) -> str:
    """The sentence that holds a mention. A sentence over SENTENCE_LIMIT is cut around the
    mention, at a clause's end where there is one near, else between words, never inside one;
    "…" marks each cut."""
    text = article.title if mention.block == HEADLINE else article.paragraphs[mention.block].text
    starts = [m.end() for m in SENTENCE_END.finditer(text, 0, mention.start)]
    begin = starts[-1] if starts else 0
    after = SENTENCE_END.search(text, mention.end)
    end = after.start() + 1 if after else len(text)
    cut_begin, cut_end = _around(text, begin, end, mention) if end - begin > SENTENCE_LIMIT else (begin, end)
    return ("…" if cut_begin > begin else "") + text[cut_begin:cut_end].strip() + ("…" if cut_end < end else "")


def _around(text: str, begin: int, end: int, mention: Mention) -> tuple[int, int]:
    """A span of at most about SENTENCE_LIMIT characters of text[begin:end] that holds the
    mention, its ends moved inward to a clause's end or a space (never beyond the mention)."""
    room = max(0, SENTENCE_LIMIT - (mention.end - mention.start))
    lo = max(begin, mention.start - room // 2)
    hi = min(end, lo + (mention.end - mention.start) + room)
    lo = max(begin, min(lo, hi - SENTENCE_LIMIT))  # near the sentence's end: the room goes before the mention
    if lo > begin:
        clause = CLAUSE_END.search(text, lo, mention.start)
        space = SPACE.search(text, lo, mention.start)
        lo = clause.end() if clause and clause.end() <= mention.start else (space.end() if space else mention.start)
    if hi < end:
        clauses = [m.start() for m in CLAUSE_END.finditer(text, mention.end, hi)]
        spaces = [m.start() for m in SPACE.finditer(text, mention.end, hi)]
        hi = clauses[-1] if clauses else (spaces[-1] if spaces else mention.end)
    return lo, hi
