"""Tag and source pages: an index of each, and each one's list of articles (tags have feeds too)."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from .. import model
from .feeds import feed
from .site import PageJob, Site


def tag_pages(site: Site) -> Iterator[PageJob]:
    if not site.tag_views:
        return
    listed = sorted((site.tags[t] for t in site.tag_views), key=lambda t: (-len(site.tag_views[t.id]), t.name))
    yield site.job("tag_index.html", model.TAG_INDEX_PATH, title=site.text("tags.title"),
                   description=site.text("tags.description"), tags=listed, counts=site.tag_views)
    for tag in listed:
        yield from tag_list_pages(site, tag.id)


def tag_list_pages(site: Site, tag_id: str, only: int | None = None) -> Iterator[PageJob]:
    """A tag's articles, over as many pages as they need (`only`: see Site.paginated), and its feed."""
    tag, views = site.tags[tag_id], site.tag_views[tag_id]
    feed_path = model.tag_feed_path(tag.id)
    yield from site.paginated(
        views, functools.partial(model.tag_path, tag.id), "tag.html", site.text("tags.tag_title", name=tag.name),
        tag.description or site.text("tags.tag_description", count=site.count(len(views)), name=tag.name),
        only=only, tag_name=tag.name, tag_description=tag.description, total=len(views), feed=feed_path)
    yield feed_path, None, functools.partial(feed, site, views, feed_path, tag.path, site.text("tags.feed_title", name=tag.name))


def source_pages(site: Site) -> Iterator[PageJob]:
    if not site.source_views:
        return
    listed = sorted(site.source_views, key=lambda s: (-len(site.source_views[s]), site.sources[s].name))
    yield site.job("source_index.html", model.SOURCE_INDEX_PATH, title=site.text("sources.title"),
                   description=site.text("sources.description"), sources=[site.sources[s] for s in listed], counts=site.source_views,
                   spans={key: _dates_spanned(views) for key, views in site.source_views.items()})
    for key in listed:
        yield from source_list_pages(site, key)


def source_list_pages(site: Site, key: str, only: int | None = None) -> Iterator[PageJob]:
    """A source's articles, over as many pages as they need (`only`: see Site.paginated)."""
    source, views = site.sources[key], site.source_views[key]
    yield from site.paginated(
        views, functools.partial(model.source_path, source.slug), "source.html", site.text("sources.source_title", name=source.name),
        site.text("sources.source_description", count=site.count(len(views)), name=source.name),
        only=only, source_name=source.name, total=len(views))


def _dates_spanned(views) -> tuple[str, str] | None:
    """The first and last days of a list's articles (newest first), as readers write them."""
    dated = [view for view in views if view.article.date]
    return (dated[-1].date_text, dated[0].date_text) if dated else None
