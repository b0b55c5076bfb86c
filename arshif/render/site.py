"""What every page kind shares: the archive's views, the template environment, the
interface strings, the digest every page's key starts from, and pagination."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .. import model
from ..cache import page_key
from ..dates import count_articles, digits, gregorian_text, hijri_text
from ..inputs import NEVER_INPUT
from ..model import Archive, Article, relative_url
from ..sandbox import links_outside, make_environment, render
from ..text import count_times, shorten
from .strings import Strings

SUMMARY_LENGTH = 220

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
    list_key: tuple  # everything a list item or a neighbour link shows of the article


class Site:
    """The archive as the page kinds read it, and the one way they render a template."""

    def __init__(self, archive: Archive, template_dirs: list[Path], templates: bytes, updated: datetime, snapshot: dict | None = None,
                 own_templates: bool = True):
        self.archive = archive
        self.settings = archive.settings
        self.updated = updated
        self.snapshot = snapshot  # {date, articles, input_hash} when building a snapshot: shown in every footer
        self.template_dirs = template_dirs
        self.strings = Strings.load(template_dirs, archive.root)
        self.env = make_environment(template_dirs, archive.root, sandboxed=own_templates)  # an archive's templates may be anyone's
        self.env.globals.update(site=self.settings, digits=self.digits, count_articles=self.count, count_times=self.times,
                                snapshot=snapshot, paths=model.PATHS)
        self.views = [self._view(a) for a in archive.articles]
        self.view_of = {v.article.id: v for v in self.views}
        self.entities = {e.id: e for e in archive.entities}
        stats = archive.entity_stats
        self.named_entities = [e for e in archive.entities if e.id in stats and stats[e.id].articles]  # the ones with pages
        self.tags = {t.id: t for t in archive.tags}
        self.tag_views = group(self.views, lambda v: v.article.tag_ids)
        self.sources = _sources(archive.articles, self.settings)
        self.source_views = group(self.views, lambda v: (v.article.source,) if v.article.source else ())
        self.nav = self._nav()
        self.base_key = page_key(templates, repr(self.settings), tuple(self.nav), repr(archive.entities),
                                 repr(sorted((snapshot or {}).items())))  # strings.toml is a template file

    def digits(self, value) -> str:
        return digits(value, self.settings.digits)

    def count(self, n: int) -> str:
        return count_articles(n, self.settings.digits)

    def times(self, n: int) -> str:
        return count_times(n, self.settings.digits)

    def text(self, key: str, **values) -> str:
        """An interface string of the theme's strings.toml, with the site's title at hand."""
        return self.strings.text(key, site=self.settings.title, **values)

    def render(self, template: str, path: str, url: Callable[[str], str] | None = None, **context) -> str:
        """The page at `path`; its links relative to it, unless `url` says how to write them."""
        address = model.absolute_url(self.settings.base_url, path) if self.settings.base_url else path  # printed at its end
        return render(self.env, template, path=path, url=url or (lambda to: relative_url(path, to)), nav=self.nav, address=address,
                      **context)

    def job(self, template: str, path: str, key: bytes | None = None, **context) -> PageJob:
        """A page to write: its path, its key, and how to render it when it must be."""
        return path, key, functools.partial(self.render, template, path, **context)

    def _view(self, article: Article) -> ArticleView:
        style = self.settings.digits
        first = article.paragraphs[0].text if article.paragraphs else ""
        shown = (
            article.path,
            article.date.isoformat() if article.date else "",
            gregorian_text(article.date, style) if article.date else "",
            hijri_text(article.date, style) if article.date and self.settings.hijri else "",
            self.settings.source_name(article.source),
            article.summary or shorten(first, SUMMARY_LENGTH),
        )
        path, date_iso, date_text, hijri, source_name, summary = shown
        return ArticleView(article, path, date_iso, date_text, hijri, source_name, summary,
                           list_key=(path, article.title, date_iso, date_text, hijri, source_name, summary))

    def _nav(self) -> list[tuple[str, str]]:
        items = [(self.text("nav.home"), model.home_path(1)), (self.text("nav.archive"), model.ARCHIVE_INDEX_PATH)]
        if self.named_entities:
            items.append((self.text("nav.entities"), model.ENTITY_INDEX_PATH))
        if self.tag_views:
            items.append((self.text("nav.tags"), model.TAG_INDEX_PATH))
        if self.source_views:
            items.append((self.text("nav.sources"), model.SOURCE_INDEX_PATH))
        return items + [(p.title, p.path) for p in self.archive.pages]

    def paginated(self, views: list[ArticleView], path_of, template: str, title: str, description: str,
                  size: int | None = None, only: int | None = None, **context) -> Iterator[PageJob]:
        """A list of articles over as many pages as it needs, each keyed on what it shows (`only`:
        the page that shows the item at that place in the list, alone)."""
        size = size or self.settings.list_page_size
        total = max(1, -(-len(views) // size))
        for number in range(1, total + 1) if only is None else (only // size + 1,):
            path = path_of(number)
            items = views[(number - 1) * size : number * size]
            page_title = self.page_title(title, number)
            key = page_key(self.base_key, template, path, page_title, description, number, total,
                           tuple(v.list_key for v in items), tuple(sorted(context.items())))
            yield self.job(template, path, key, title=page_title, description=description,
                           items=items, pager=Pager(number, total, path_of), **context)

    @functools.cached_property
    def positions(self) -> dict[str, int]:
        """Each article's place in date order (kept by a Site copied for an edit that keeps it)."""
        return {view.article.id: index for index, view in enumerate(self.views)}

    @functools.cached_property
    def month_places(self) -> dict[str, tuple[int, int]]:
        """article id -> (its number in its month, oldest first; the month's article count)."""
        places: dict[str, tuple[int, int]] = {}
        if not self.views:
            return places
        start = 0
        for index in range(len(self.views) + 1):
            if index == len(self.views) or _month(self.views[index]) != _month(self.views[start]):
                if _month(self.views[start]) is not None:
                    run = self.views[start:index]
                    places.update((view.article.id, (len(run) - offset, len(run))) for offset, view in enumerate(run))
                start = index
        return places

    @functools.cached_property
    def related_by(self) -> dict[str, list[int]]:
        """article id -> the places of the articles that list it as related."""
        found: dict[str, list[int]] = {}
        for index, view in enumerate(self.views):
            for other in view.article.related:
                found.setdefault(other, []).append(index)
        return found

    def page_title(self, title: str, number: int) -> str:
        return title if number == 1 else self.text("page.numbered", title=title, number=self.digits(number))


def _month(view: ArticleView) -> tuple[int, int] | None:
    day = view.article.date
    return (day.year, day.month) if day else None


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


def group(views, keys_of) -> dict[str, list]:
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


def templates_digest(template_dirs: list[Path], archive_root: Path) -> bytes:
    """Changes when any template or static file does, so every page is rendered anew (and a
    build's fingerprint changes). Left out: Python's __pycache__ (the default theme is also a
    package) and a link of the archive's to a file outside it, which nothing reads."""
    parts = []
    for directory in template_dirs:
        for path in sorted(directory.rglob("*")) if directory.is_dir() else ():
            if path.is_file() and NEVER_INPUT.isdisjoint(path.parts) and not links_outside(path, archive_root):
                parts.append((path.relative_to(directory).as_posix(), path.read_bytes()))
    return page_key(tuple(parts))
