"""The pages that stand alone: the archive's own pages, search, the 404 page and a snapshot's page."""

from __future__ import annotations

from collections.abc import Iterator

from .. import model
from .site import PageJob, Site


def pages(site: Site) -> Iterator[PageJob]:
    for page in site.archive.pages:
        yield site.job("page.html", page.path, title=page.title, description=page.summary, page=page)
    if site.snapshot:
        yield site.job("snapshot.html", model.SNAPSHOT_PATH, title=site.text("snapshot.title"),
                       description=site.text("snapshot.description", date=site.snapshot["date"]))
    yield site.job("search.html", model.SEARCH_PATH, title=site.text("search.title"), description=site.text("search.description"))
    yield site.job("404.html", model.NOT_FOUND_PATH, title=site.text("not_found.title"), description=site.settings.description)
