"""The pages that stand alone: the archive's own pages, search, the 404 page and a snapshot's page."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from urllib.parse import quote

from .. import model
from ..sandbox import links_outside
from .site import PageJob, Site


def pages(site: Site) -> Iterator[PageJob]:
    for page in site.archive.pages:
        yield site.job("page.html", page.path, title=page.title, description=page.summary, page=page)
    if site.snapshot:
        yield site.job("snapshot.html", model.SNAPSHOT_PATH, title=site.text("snapshot.title"),
                       description=site.text("snapshot.description", date=site.snapshot["date"]))
    yield site.job("search.html", model.SEARCH_PATH, title=site.text("search.title"), description=site.text("search.description"))
    yield site.job("404.html", model.NOT_FOUND_PATH, title=site.text("not_found.title"), description=site.settings.description,
                   **not_found_links(site))


def not_found_links(site: Site) -> dict:
    """A host serves 404.html at the address that was not found, at any depth (/a/b/c.html),
    where links relative to the site's root lead nowhere. With base_url, every link and the
    stylesheet are absolute from it. Without, links start at the server's root (/) and the
    page carries its stylesheet in a <style> element, which its CSP allows by its hash
    (never 'unsafe-inline'); its webfont is then looked for at /assets/ (else the system's)."""
    base = site.settings.base_url
    if base:
        return {"url": lambda to: model.absolute_url(base, to)}
    links = {"url": lambda to: "/" + quote(to, safe="/-._~")}
    css = _theme_css(site)
    if css is None:
        return links
    css = _RELATIVE_URL.sub(lambda m: f"url({m.group(1)}/{model.asset_path(m.group(2))}{m.group(1)})", css)  # as from assets/
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return {**links, "inline_css": css, "inline_css_hash": f"sha256-{digest}"}


# a url() of the stylesheet that is relative to it (fonts/x.woff2, 'logo.svg'): not absolute, rooted, data: or #
_RELATIVE_URL = re.compile(r"""url\(\s*(['"]?)(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^'")\s]+)\1\s*\)""")


def _theme_css(site: Site) -> str | None:
    """The site's stylesheet (the archive's own first), if it can sit in a <style> element."""
    for directory in site.template_dirs:
        path = directory / "static" / model.CSS_PATH.removeprefix("assets/")
        try:
            if links_outside(path.parent, site.archive.root) or links_outside(path, site.archive.root):
                return None  # not published either (pipeline.asset_files)
            if path.is_file():
                css = path.read_text(encoding="utf-8")
                # "</style" would end the element; a NUL the browser reads as U+FFFD, so the hash would not match
                return None if "</style" in css.lower() or "\x00" in css else css
        except (OSError, RuntimeError, UnicodeDecodeError):  # unreadable, a loop of links: the page links it instead
            return None
    return None
