"""The Atom feeds (the archive's newest articles, and each tag's) and the sitemap."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

from .. import model
from ..model import relative_url
from ..sandbox import render
from .site import PageJob, Site


def pages(site: Site) -> Iterator[PageJob]:
    yield main_feed(site)
    if site.settings.base_url:
        yield model.SITEMAP_PATH, None, functools.partial(sitemap, site)


def main_feed(site: Site) -> PageJob:
    """The archive's feed of its newest articles (never keyed: rendered each build)."""
    return model.FEED_PATH, None, functools.partial(feed, site, site.views, model.FEED_PATH, model.home_path(1), site.settings.title)


def feed(site: Site, views, path: str, page: str, title: str) -> str:
    """An Atom feed of the newest of `views`, linking back to `page`."""
    base = site.settings.base_url
    updated = _iso(site.updated)

    def link(to: str) -> str:
        return model.absolute_url(base, to) if base else relative_url(path, to)

    entries = [
        {
            "view": v,
            "id": model.absolute_url(base, v.path) if base else _urn(site, v.article.id),
            "href": link(v.path),
            "updated": _timestamp(v.article.date) if v.article.date else updated,
        }
        for v in views[: site.settings.feed_size]
    ]
    return render(
        site.env, "feed.xml",
        entries=entries, home=link(page), feed_id=model.absolute_url(base, path) if base else _urn(site, path),
        updated=updated, feed_title=title, self_href=model.absolute_url(base, path) if base else "",
    )


def sitemap(site: Site) -> str:
    base = site.settings.base_url
    urls = [(model.absolute_url(base, model.home_path(1)), "")]
    urls += [(model.absolute_url(base, v.path), v.date_iso) for v in site.views]
    urls += [(model.absolute_url(base, p.path), "") for p in site.archive.pages]
    return render(site.env, "sitemap.xml", urls=urls)


def _urn(site: Site, name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"arshif:{site.settings.id}:{name}").urn


def _timestamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
