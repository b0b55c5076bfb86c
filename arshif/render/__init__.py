"""Render step: the Archive -> (output path, key, render) for every page, through Jinja2 templates.

Templates hold the markup; each module here prepares one kind of page and owns its pages'
keys (the digest of everything a page shows, so an unchanged page is never rendered again).
Pages are listed as jobs, rendered only when the writer asks, so they stream to disk.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..model import Archive
from . import articles, dates, entities, feeds, groups, single
from .site import PageJob, Site, templates_digest

__all__ = ["PAGE_KINDS", "PageJob", "Site", "site_pages", "templates_digest"]

# Every kind of page, in the order they are written.
PAGE_KINDS = (articles.pages, dates.home_pages, dates.pages, entities.pages, groups.tag_pages, groups.source_pages,
              single.pages, feeds.pages)


def site_pages(archive: Archive, template_dirs: list[Path], templates: bytes, updated: datetime,
               snapshot: dict | None = None, own_templates: bool = True) -> tuple[Site, list[PageJob]]:
    """The site, and every page of it as jobs: the list is the one count of pages there is.
    `templates` is templates_digest(template_dirs), which every page's key holds. Without
    `own_templates` (the template folders are arshif's theme alone) they are not sandboxed."""
    site = Site(archive, template_dirs, templates, updated, snapshot, own_templates)
    return site, [job for kind in PAGE_KINDS for job in kind(site)]
