"""The archive as plain frozen dataclasses, their output paths, and relative URLs.

Every page knows the path it is written to (relative to the output folder, with
"/" separators); `relative_url` turns two such paths into a link that works on
any sub-path of a web server and from file://, because it never relies on a
server mapping "dir/" to "dir/index.html".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

from .config import Settings


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int  # line in the source file, for messages


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    paragraphs: tuple[Paragraph, ...]
    origin: Path
    date: date | None = None
    source: str = ""
    url: str = ""
    author: str = ""
    tags: tuple[str, ...] = ()
    summary: str = ""
    body_html: str | None = None  # set for Markdown articles; seeds render their paragraphs
    digest: str = ""  # hash of the source file's text: says whether the article changed

    @property
    def path(self) -> str:
        return article_path(self.id)

    @property
    def sort_key(self):
        """Newest first; undated articles last; ties broken by id so order is stable."""
        return (self.date is not None, self.date or date.min, self.id)


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    body_html: str
    origin: Path
    summary: str = ""

    @property
    def path(self) -> str:
        return f"pages/{self.slug}.html"


@dataclass(frozen=True)
class Archive:
    root: Path
    settings: Settings
    articles: tuple[Article, ...]  # newest first
    pages: tuple[Page, ...]


def article_path(article_id: str) -> str:
    return f"articles/{article_id}.html"


def home_path(page_number: int) -> str:
    return "index.html" if page_number == 1 else f"page/{page_number}.html"


def year_path(year: int) -> str:
    return f"archive/{year}/index.html"


def month_path(year: int, month: int, page_number: int = 1) -> str:
    name = "index" if page_number == 1 else f"page-{page_number}"
    return f"archive/{year}/{month:02d}/{name}.html"


ARCHIVE_INDEX_PATH = "archive/index.html"
FEED_PATH = "feed.xml"
SITEMAP_PATH = "sitemap.xml"
NOT_FOUND_PATH = "404.html"
CSS_PATH = "assets/style.css"


def root_prefix(from_path: str) -> str:
    """The way up from an output file to the output folder: "", "../", "../../"..."""
    return "../" * from_path.count("/")


def relative_url(from_path: str, to_path: str) -> str:
    """A percent-encoded link from one output file to another (always to a file, never a folder)."""
    return root_prefix(from_path) + quote(to_path, safe="/-._~")


def absolute_url(base_url: str, to_path: str) -> str:
    return base_url + quote(to_path, safe="/-._~")
