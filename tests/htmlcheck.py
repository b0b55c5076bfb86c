"""Helpers to read built pages: links, headings, text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self._capture: list[str] | None = None
        self.texts: dict[str, list[str]] = {}
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        for name in ("href", "src"):
            if attributes.get(name):
                self.links.append(attributes[name])
        if tag in ("h1", "p", "title", "time"):
            self._stack.append(tag)
            self.texts.setdefault(tag, []).append("")

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data):
        for tag in self._stack:
            self.texts[tag][-1] += data


def parse_page(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def internal_targets(page: Path, site: Path) -> list[tuple[str, Path]]:
    """Every relative link of a page and the file it points to."""
    result = []
    for link in parse_page(page).links:
        parts = urlsplit(link)
        if parts.scheme or link.startswith(("#", "//")) or not parts.path:
            continue
        if page == site / "404.html" and link.startswith("/"):  # served at any depth: its links start at the root
            result.append((link, site.resolve() / unquote(parts.path).lstrip("/")))
            continue
        assert not link.startswith("/"), f"{page}: root-relative link {link} breaks on file:// and sub-paths"
        result.append((link, (page.parent / unquote(parts.path)).resolve()))
    return result


def broken_links(site: Path) -> list[str]:
    broken = []
    for page in site.rglob("*.html"):
        for link, target in internal_targets(page, site):
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
            elif site.resolve() not in target.parents:
                broken.append(f"{page.relative_to(site)} -> {link} (outside the site)")
    return broken


def svg_links(page: Path) -> list[str]:
    return re.findall(r'<a href="([^"]+)"[^>]*>\s*<g class="bar', page.read_text(encoding="utf-8"))
