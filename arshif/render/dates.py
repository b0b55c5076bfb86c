"""The home page's newest-first list, and the date archive: years, months, and a chart of each year."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator

from .. import model
from ..charts import Bar, bar_chart
from ..dates import month_text
from ..model import relative_url
from .site import ArticleView, PageJob, Site

TOP_SHOWN = 8  # entities and tags of the latest month on the home page


def home_pages(site: Site, only: int | None = None) -> Iterator[PageJob]:
    yield from site.paginated(site.views, model.home_path, "home.html", site.settings.title, site.settings.description,
                              size=site.settings.home_page_size, only=only, latest=latest_month(site))


def latest_month(site: Site) -> tuple | None:
    """The newest month's name and page, and the entities and tags most of its articles name
    (name, page, article count): somewhere to go besides the newest list. Plain tuples: they
    are in the home pages' keys."""
    if not site.views or not site.views[0].article.date:  # dated articles come first, newest first
        return None
    year, month = site.views[0].article.date.year, site.views[0].article.date.month
    views = list(itertools.takewhile(lambda v: v.article.date and (v.article.date.year, v.article.date.month) == (year, month), site.views))
    entities = Counter(e for v in views for e in dict.fromkeys(m.entity for m in v.article.mentions))
    tags = Counter(t for v in views for t in v.article.tag_ids)

    def top(counts: Counter, name_of, path_of) -> tuple:
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], name_of(kv[0])))[:TOP_SHOWN]
        return tuple((name_of(key), path_of(key), site.count(n)) for key, n in ranked)
    return (month_text(year, month, site.settings.digits), model.month_path(year, month),
            top(entities, lambda e: site.entities[e].name, model.entity_path), top(tags, lambda t: site.tags[t].name, model.tag_path))


def pages(site: Site) -> Iterator[PageJob]:
    by_month: dict[tuple[int, int], list[ArticleView]] = {}
    for view in site.views:
        if view.article.date:
            by_month.setdefault((view.article.date.year, view.article.date.month), []).append(view)
    month_counts = Counter({month: len(views) for month, views in by_month.items()})
    years = sorted({year for year, _ in month_counts}, reverse=True)
    year_counts = [(y, sum(n for (yy, _), n in month_counts.items() if yy == y)) for y in years]
    yield site.job(
        "archive_index.html", model.ARCHIVE_INDEX_PATH, title=site.text("dates.title"), description=site.text("dates.description"),
        years=year_counts, charts={y: _year_chart(site, month_counts, y, model.ARCHIVE_INDEX_PATH) for y in years},
        undated=sum(1 for v in site.views if not v.article.date),
    )
    for year, count in year_counts:
        yield _year_page(site, month_counts, year, count)
    for (year, month), views in sorted(by_month.items(), reverse=True):
        yield from month_pages(site, year, month, views)


def month_pages(site: Site, year: int, month: int, views: list[ArticleView], only: int | None = None) -> Iterator[PageJob]:
    """One month's articles (`views`, newest first), over as many pages as they need."""
    name = month_text(year, month, site.settings.digits)
    yield from site.paginated(
        views, lambda n: model.month_path(year, month, n), "month.html",
        site.text("dates.month_title", month=name), site.text("dates.month_description", count=site.count(len(views)), month=name),
        only=only, year=year, month_name=name,
    )


def _year_page(site: Site, month_counts: Counter, year: int, count: int) -> PageJob:
    path = model.year_path(year)
    months = [(model.month_path(year, m), month_text(year, m, site.settings.digits), month_counts[(year, m)])
              for m in range(12, 0, -1) if month_counts[(year, m)]]
    return site.job(
        "year.html", path, title=site.text("dates.year_title", year=site.digits(year)),
        description=site.text("dates.year_description", count=site.count(count), year=site.digits(year)),
        year=year, count=count, months=months, chart=_year_chart(site, month_counts, year, path),
    )


def _year_chart(site: Site, month_counts: Counter, year: int, from_path: str):
    bars = []
    for month in range(1, 13):
        n = month_counts[(year, month)]
        href = relative_url(from_path, model.month_path(year, month)) if n else None
        name = month_text(year, month, site.settings.digits)
        bars.append(Bar(site.digits(month), site.text("dates.bar", name=name, count=site.count(n)), n, site.digits(n), href))
    return bar_chart(bars)
