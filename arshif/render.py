"""Render step: the Archive -> (output path, text) for every page, through Jinja2 templates.

Templates hold the markup; this module prepares what they show. Pages are
yielded one at a time so the writer can stream them to disk.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator

from . import model
from .cache import page_key
from .charts import Bar, Span, bar_chart, timeline
from .dates import count_articles, digits, gregorian_text, hijri_text, month_text
from .model import ENTITY_TYPES, HEADLINE, Archive, Article, relative_url
from .sandbox import links_outside, make_environment, render
from .text import shorten

SUMMARY_LENGTH = 220
DESCRIPTION_LENGTH = 160

# (output path, digest of everything the page shows or None to always render, renders the page)
PageJob = tuple[str, "bytes | None", Callable[[], str]]


@dataclass(frozen=True)
class ArticleView:
    """What lists, feeds and the article page show of an article, computed once."""

    article: Article
    path: str
    date_iso: str
    date_text: str
    hijri_text: str
    source_name: str
    summary: str

    @cached_property
    def list_key(self) -> tuple:
        """Everything a list item or a neighbour link shows of the article."""
        return (self.path, self.article.title, self.date_iso, self.date_text, self.hijri_text, self.source_name, self.summary)


class Renderer:
    def __init__(self, archive: Archive, template_dirs: list[Path], updated: datetime, snapshot: dict | None = None):
        self.archive = archive
        self.settings = archive.settings
        self.updated = updated
        self.snapshot = snapshot  # {date, articles, input_hash} when building a snapshot: shown in every footer
        self.env = make_environment(template_dirs, archive.root)  # sandboxed: an archive's templates may be anyone's
        self.env.globals.update(site=self.settings, digits=self._digits, count_articles=self._count, snapshot=snapshot)
        self.views = [self._view(a) for a in archive.articles]
        self.view_of = {v.article.id: v for v in self.views}
        self.entities = {e.id: e for e in archive.entities}
        self.tags = {t.id: t for t in archive.tags}
        self.tag_views = _group(self.views, lambda v: v.article.tag_ids)
        self.sources = _sources(archive.articles, self.settings)
        self.source_views = _group(self.views, lambda v: (v.article.source,) if v.article.source else ())
        templates = _templates_digest(template_dirs, archive.root)
        self.base_key = page_key(templates, repr(self.settings), tuple(self._nav()), repr(archive.entities),
                                 repr(sorted((snapshot or {}).items())))

    def _digits(self, value) -> str:
        return digits(value, self.settings.digits)

    def _count(self, n: int) -> str:
        return count_articles(n, self.settings.digits)

    def _view(self, article: Article) -> ArticleView:
        style = self.settings.digits
        first = article.paragraphs[0].text if article.paragraphs else ""
        return ArticleView(
            article=article,
            path=article.path,
            date_iso=article.date.isoformat() if article.date else "",
            date_text=gregorian_text(article.date, style) if article.date else "",
            hijri_text=hijri_text(article.date, style) if article.date and self.settings.hijri else "",
            source_name=self.settings.source_name(article.source),
            summary=article.summary or shorten(first, SUMMARY_LENGTH),
        )

    # -- every page ---------------------------------------------------------

    def pages(self) -> Iterator[PageJob]:
        """Every page of the site, rendered only when its text is asked for."""
        yield from self.article_pages()
        yield from self.home_pages()
        yield from self.archive_pages()
        yield from self.entity_pages()
        yield from self.tag_pages()
        yield from self.source_pages()
        for page in self.archive.pages:
            yield page.path, None, functools.partial(
                self._render, "page.html", page.path, title=page.title, description=page.summary, page=page)
        if self.snapshot:
            yield model.SNAPSHOT_PATH, None, functools.partial(
                self._render, "snapshot.html", model.SNAPSHOT_PATH, title="عن هذه اللقطة",
                description=f"لقطة {self.settings.title} بتاريخ {self.snapshot['date']}.")
        yield model.SEARCH_PATH, None, functools.partial(
            self._render, "search.html", model.SEARCH_PATH, title="البحث في الأرشيف",
            description=f"ابحث في مقالات {self.settings.title} بالكلمات، دون اتصال بالإنترنت.")
        yield model.NOT_FOUND_PATH, None, functools.partial(
            self._render, "404.html", model.NOT_FOUND_PATH, title="الصفحة غير موجودة", description=self.settings.description)
        yield model.FEED_PATH, None, self.feed
        if self.settings.base_url:
            yield model.SITEMAP_PATH, None, self.sitemap

    def page_count(self) -> int:
        """How many pages `pages()` yields, for the progress bar."""
        per_home = self.settings.home_page_size
        homes = max(1, -(-len(self.views) // per_home))
        month_pages = sum(-(-n // self.settings.list_page_size) for n in self.month_counts.values())
        extra = 3 + (1 if self.settings.base_url else 0) + len(self.archive.pages) + (1 if self.entities else 0)
        entity_pages = sum(max(1, -(-len(s.articles) // self.settings.list_page_size)) for s in self.archive.entity_stats.values())
        return len(self.views) + homes + len(self.years) + month_pages + entity_pages + extra

    def _render(self, template: str, path: str, **context) -> str:
        return render(
            self.env, template,
            path=path,
            url=lambda to: relative_url(path, to),
            nav=self._nav(),
            **context,
        )

    def _nav(self):
        items = [("الرئيسية", model.home_path(1)), ("الأرشيف", model.ARCHIVE_INDEX_PATH)]
        if self.archive.entities:
            items.append(("الأعلام", model.ENTITY_INDEX_PATH))
        if self.tag_views:
            items.append(("الوسوم", model.TAG_INDEX_PATH))
        if self.source_views:
            items.append(("المصادر", model.SOURCE_INDEX_PATH))
        return items + [(p.title, p.path) for p in self.archive.pages]

    # -- articles -------------------------------------------------------------

    def article_pages(self) -> Iterator[PageJob]:
        views = self.views
        for index, view in enumerate(views):
            newer = views[index - 1] if index > 0 else None
            older = views[index + 1] if index + 1 < len(views) else None
            yield view.path, self._article_key(view, newer, older), functools.partial(self._article_page, view, newer, older)

    def _article_page(self, view: ArticleView, newer, older) -> str:
        article = view.article
        description = article.summary or shorten(view.summary, DESCRIPTION_LENGTH)
        linked = [m for m in article.mentions if m.linked]
        return self._render(
            "article.html", view.path, title=article.title, description=description,
            view=view, article=article, newer=newer, older=older,
            headline=segments(article.title, [m for m in linked if m.block == HEADLINE]),
            paragraphs=[segments(p.text, [m for m in linked if m.block == i]) for i, p in enumerate(article.paragraphs)],
            named=self._named_entities(article), related=[self.view_of[r] for r in article.related],
            tags=[self.tags[t] for t in article.tag_ids], source=self.sources.get(article.source),
        )

    def _named_entities(self, article: Article) -> list[tuple]:
        """(entity, times named) in the order the article first names them."""
        counts: dict[str, int] = {}
        for mention in article.mentions:
            counts[mention.entity] = counts.get(mention.entity, 0) + 1
        return [(self.entities[e], n) for e, n in counts.items()]

    def _article_key(self, view: ArticleView, newer, older) -> bytes:
        a = view.article
        return page_key(
            self.base_key, view.list_key, a.digest or tuple(p.text for p in a.paragraphs), a.body_html or "", a.url, a.author, a.tag_ids,
            newer.list_key if newer else None, older.list_key if older else None,
            tuple(map(tuple, a.mentions)),  # marshal takes plain tuples only
            tuple(self.view_of[r].list_key for r in a.related),
        )

    # -- tags and sources -----------------------------------------------------

    def tag_pages(self) -> Iterator[PageJob]:
        if not self.tag_views:
            return
        listed = sorted((self.tags[t] for t in self.tag_views), key=lambda t: (-len(self.tag_views[t.id]), t.name))
        yield model.TAG_INDEX_PATH, None, functools.partial(
            self._render, "tag_index.html", model.TAG_INDEX_PATH, title="الوسوم",
            description=f"موضوعات {self.settings.title} وعدد المقالات في كل منها.", tags=listed, counts=self.tag_views)
        for tag in listed:
            views = self.tag_views[tag.id]
            feed = model.tag_feed_path(tag.id)
            yield from self._paginated(
                views, functools.partial(model.tag_path, tag.id), "tag.html", f"وسم: {tag.name}",
                tag.description or f"{self._count(len(views))} عن {tag.name} في {self.settings.title}.",
                tag_name=tag.name, tag_description=tag.description, total=len(views), feed=feed)
            yield feed, None, functools.partial(self.feed, views, feed, tag.path, f"{self.settings.title}: {tag.name}")

    def source_pages(self) -> Iterator[PageJob]:
        if not self.source_views:
            return
        listed = sorted(self.source_views, key=lambda s: (-len(self.source_views[s]), self.sources[s].name))
        yield model.SOURCE_INDEX_PATH, None, functools.partial(
            self._render, "source_index.html", model.SOURCE_INDEX_PATH, title="المصادر",
            description=f"الصحف والوكالات التي نُقلت عنها مقالات {self.settings.title}.",
            sources=[self.sources[s] for s in listed], counts=self.source_views)
        for key in listed:
            source, views = self.sources[key], self.source_views[key]
            yield from self._paginated(
                views, functools.partial(model.source_path, source.slug), "source.html", f"المصدر: {source.name}",
                f"{self._count(len(views))} من {source.name} في {self.settings.title}.",
                source_name=source.name, total=len(views))

    # -- entities -------------------------------------------------------------

    def entity_pages(self) -> Iterator[PageJob]:
        if not self.entities:
            return
        stats = self.archive.entity_stats
        groups = [(kind, ENTITY_TYPE_NAMES[kind], sorted((e for e in self.entities.values() if e.type == kind), key=lambda e: (-len(stats[e.id].articles), e.name)))
                  for kind in ENTITY_TYPES]
        yield model.ENTITY_INDEX_PATH, None, functools.partial(
            self._render, "entity_index.html", model.ENTITY_INDEX_PATH, title="الأعلام: أشخاص وجهات وأماكن",
            description=f"فهرس الأشخاص والجهات والأماكن والأحداث في {self.settings.title}.",
            groups=[g for g in groups if g[2]], stats=stats)
        for entity in self.entities.values():
            yield from self._entity_pages(entity, stats[entity.id])

    def _entity_pages(self, entity, stats) -> Iterator[PageJob]:
        items = [(self.view_of[a.article], a) for a in stats.articles]
        size = self.settings.list_page_size
        total = max(1, -(-len(items) // size))
        path_of = functools.partial(model.entity_path, entity.id)
        chart, period = self._timeline_chart(stats.months, path_of(1)) if stats.months else (None, "")
        companions = [(self.entities[e], n) for e, n in stats.companions]
        shared_key = (self.base_key, repr(entity), len(items), stats.months, stats.companions)
        for number in range(1, total + 1):
            path = path_of(number)
            title = entity.name if number == 1 else f"{entity.name} - صفحة {self._digits(number)}"
            description = entity.description or f"{ENTITY_TYPE_NAMES[entity.type]} يذكر في {self._count(len(items))} من {self.settings.title}."
            shown = items[(number - 1) * size : number * size]
            key = page_key(shared_key, number, total, tuple((v.list_key, v.article.digest, found.count, tuple(found.first)) for v, found in shown))
            yield path, key, functools.partial(
                self._render, "entity.html", path, title=title, description=description, entity=entity,
                type_name=ENTITY_TYPE_NAMES[entity.type], total=len(items),
                items=[(v, found, functools.partial(mention_sentence, v.article, found.first)) for v, found in shown],
                pager=Pager(number, total, path_of), chart=chart if number == 1 else None, chart_period=period,
                companions=companions)

    def _timeline_chart(self, months, from_path: str):
        """Articles naming the entity over time, and what a bar counts ("in each month"): a bar
        a month, a year or a group of years, however far apart the dates (charts.timeline)."""
        line = timeline(months)
        return bar_chart([self._timeline_bar(span, from_path) for span in line.spans]), self._period(line.years_per_bar)

    def _timeline_bar(self, span: Span, from_path: str) -> Bar:
        (year, month), (last_year, _) = span.first, span.last
        if span.first == span.last:
            name, target = month_text(year, month, self.settings.digits), model.month_path(year, month)
            label = f"{self._digits(month)}/{self._digits(year % 100)}"
        elif year == last_year:
            name, label, target = self._digits(year), self._digits(year), model.year_path(year)
        else:  # a group of years: the date archive lists them
            name, label, target = f"{self._digits(year)}–{self._digits(last_year)}", self._digits(year), model.ARCHIVE_INDEX_PATH
        href = relative_url(from_path, target) if span.count else None
        return Bar(label, f"{name}: {self._count(span.count)}", span.count, self._digits(span.count), href)

    def _period(self, years: int) -> str:
        if years < 2:
            return "في كل سنة" if years else "في كل شهر"
        return "في كل سنتين" if years == 2 else f"في كل {self._digits(years)} {'سنوات' if years <= 10 else 'سنة'}"

    # -- lists ----------------------------------------------------------------

    def home_pages(self) -> Iterator[PageJob]:
        yield from self._paginated(self.views, model.home_path, "home.html", self.settings.title, self.settings.description)

    def _paginated(self, views, path_of, template, title, description, **context):
        size = self.settings.home_page_size if template == "home.html" else self.settings.list_page_size
        total = max(1, -(-len(views) // size))
        for number in range(1, total + 1):
            path = path_of(number)
            items = views[(number - 1) * size : number * size]
            page_title = title if number == 1 else f"{title} - صفحة {self._digits(number)}"
            key = page_key(self.base_key, template, path, page_title, description, number, total,
                           tuple(v.list_key for v in items), tuple(sorted(context.items())))
            yield path, key, functools.partial(
                self._render, template, path, title=page_title, description=description,
                items=items, pager=Pager(number, total, path_of), **context,
            )

    @cached_property
    def month_counts(self) -> Counter:
        return Counter((v.article.date.year, v.article.date.month) for v in self.views if v.article.date)

    @cached_property
    def years(self) -> list[int]:
        return sorted({year for year, _ in self.month_counts}, reverse=True)

    def archive_pages(self) -> Iterator[PageJob]:
        style = self.settings.digits
        by_month: dict[tuple[int, int], list[ArticleView]] = {}
        for view in self.views:
            if view.article.date:
                by_month.setdefault((view.article.date.year, view.article.date.month), []).append(view)
        years = [(y, sum(n for (yy, _), n in self.month_counts.items() if yy == y)) for y in self.years]
        undated = sum(1 for v in self.views if not v.article.date)
        yield model.ARCHIVE_INDEX_PATH, None, functools.partial(
            self._render, "archive_index.html", model.ARCHIVE_INDEX_PATH, title="أرشيف المقالات حسب التاريخ",
            description=f"مقالات {self.settings.title} مرتبة حسب السنة والشهر.",
            years=years, charts={y: self._year_chart(y, model.ARCHIVE_INDEX_PATH) for y in self.years}, undated=undated,
        )
        for year, count in years:
            path = model.year_path(year)
            months = [
                (model.month_path(year, m), month_text(year, m, style), self.month_counts[(year, m)])
                for m in range(12, 0, -1) if self.month_counts[(year, m)]
            ]
            yield path, None, functools.partial(
                self._render, "year.html", path, title=f"أرشيف سنة {digits(year, style)}",
                description=f"{self._count(count)} في سنة {digits(year, style)}.",
                year=year, count=count, months=months, chart=self._year_chart(year, path),
            )
        for (year, month), views in sorted(by_month.items(), reverse=True):
            name = month_text(year, month, style)
            yield from self._paginated(
                views, lambda n, y=year, m=month: model.month_path(y, m, n), "month.html",
                f"أرشيف {name}", f"{self._count(len(views))} نشرت في {name}.", year=year, month_name=name,
            )

    def _year_chart(self, year: int, from_path: str):
        style = self.settings.digits
        bars = []
        for month in range(1, 13):
            n = self.month_counts[(year, month)]
            href = relative_url(from_path, model.month_path(year, month)) if n else None
            name = month_text(year, month, style)
            bars.append(Bar(digits(month, style), f"{name}: {self._count(n)}", n, digits(n, style), href))
        return bar_chart(bars)

    # -- feed and sitemap -----------------------------------------------------

    def feed(self, views=None, path: str = model.FEED_PATH, page: str = "index.html", title: str = "") -> str:
        """An Atom feed of the newest articles (of the archive, or of one tag)."""
        base = self.settings.base_url
        views = self.views if views is None else views
        entries = [
            {
                "view": v,
                "id": model.absolute_url(base, v.path) if base else self._urn(v.article.id),
                "href": model.absolute_url(base, v.path) if base else relative_url(path, v.path),
                "updated": _timestamp(v.article.date) if v.article.date else _iso(self.updated),
            }
            for v in views[: self.settings.feed_size]
        ]
        home = model.absolute_url(base, page) if base else relative_url(path, page)
        return render(
            self.env, "feed.xml",
            entries=entries, home=home, feed_id=model.absolute_url(base, path) if base else self._urn(path),
            updated=_iso(self.updated), feed_title=title or self.settings.title,
            self_href=model.absolute_url(base, path) if base else "",
        )

    def _urn(self, name: str) -> str:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"arshif:{self.settings.id}:{name}").urn

    def sitemap(self) -> str:
        base = self.settings.base_url
        urls = [(model.absolute_url(base, "index.html"), "")]
        urls += [(model.absolute_url(base, v.path), v.date_iso) for v in self.views]
        urls += [(model.absolute_url(base, p.path), "") for p in self.archive.pages]
        return render(self.env, "sitemap.xml", urls=urls)


def _group(views, keys_of) -> dict[str, list]:
    """Views under each of their keys (tags, sources), newest first as the views are."""
    groups: dict[str, list] = {}
    for view in views:
        for key in keys_of(view):
            groups.setdefault(key, []).append(view)
    return groups


def _sources(articles, settings) -> dict[str, model.Source]:
    """Every source named in the articles, with the name readers see and an ASCII-safe slug."""
    found = {}
    for article in articles:
        key = article.source
        if key and key not in found:
            found[key] = model.Source(key, settings.source_name(key), model.source_slug(key))
    return found


ENTITY_TYPE_NAMES = {"person": "شخص", "organization": "منظمة أو جهة", "place": "مكان", "event": "حدث", "other": "علم آخر"}


def segments(text: str, mentions) -> list[tuple[str, str | None]]:
    """The text cut at linked mentions: (text, entity page path or None), for the template to escape and link."""
    result, cursor = [], 0
    for mention in sorted(mentions, key=lambda m: m.start):
        if mention.start > cursor:
            result.append((text[cursor : mention.start], None))
        result.append((text[mention.start : mention.end], model.entity_path(mention.entity)))
        cursor = mention.end
    if cursor < len(text):
        result.append((text[cursor:], None))
    return result


_SENTENCE_END = re.compile(r"[.!?؟…]\s|[.!?؟…]$|[\n]")
SENTENCE_LIMIT = 300


def mention_sentence(article: Article, mention: Mention) -> str:
    """The sentence that holds a mention, cut to a readable length."""
    text = article.title if mention.block == HEADLINE else article.paragraphs[mention.block].text
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, mention.start)]
    begin = starts[-1] if starts else 0
    after = _SENTENCE_END.search(text, mention.end)
    end = after.start() + 1 if after else len(text)
    sentence = text[begin:end].strip()
    if len(sentence) > SENTENCE_LIMIT:
        middle = mention.start - begin
        lo = max(0, middle - SENTENCE_LIMIT // 2)
        sentence = ("…" if lo else "") + sentence[lo : lo + SENTENCE_LIMIT].strip() + "…"
    return sentence



@dataclass(frozen=True)
class Pager:
    number: int
    total: int
    path_of: object

    def path(self, number: int) -> str:
        return self.path_of(number)

    @property
    def numbers(self) -> list[int | None]:
        """Page numbers to show: the first, the last, and two either side of this one; None for a gap."""
        shown = sorted({1, self.total} | set(range(max(1, self.number - 2), min(self.total, self.number + 2) + 1)))
        result: list[int | None] = []
        for n in shown:
            if result and n - (result[-1] or 0) > 1:
                result.append(None)
            result.append(n)
        return result


def _templates_digest(template_dirs: list[Path], archive_root: Path) -> bytes:
    """Changes when any template or static file does, so every page is rendered anew
    (a link of the archive's to a file outside it is never read: neither the loader nor the copy uses it)."""
    parts = []
    for directory in template_dirs:
        for path in sorted(directory.rglob("*")) if directory.is_dir() else ():
            if path.is_file() and not links_outside(path, archive_root):
                parts.append((str(path), path.read_bytes()))
    return page_key(tuple(parts))


def _timestamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
