"""The archive as plain frozen dataclasses, their output paths, and relative URLs.

Every page knows the path it is written to (relative to the output folder, with
"/" separators); `relative_url` turns two such paths into a link that works on
any sub-path of a web server and from file://, because it never relies on a
server mapping "dir/" to "dir/index.html".
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple
from urllib.parse import quote

from .config import Settings

ENTITY_TYPES = ("person", "organization", "place", "event", "other")
HEADLINE = -1  # block number of a mention in the headline; paragraphs count from 0


class Mention(NamedTuple):
    """One place an entity is named: block (HEADLINE or a paragraph's index) and character span.

    A NamedTuple, not a dataclass: an archive holds millions of them, and a tuple is
    made several times faster and marshals as it is into the build cache."""

    entity: str
    block: int
    start: int
    end: int
    linked: bool = False  # shown as a link (see the link_mentions setting)
    adjective: bool = False  # an adjective form: relates the article, never linked


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    origin: Path
    line: int
    description: str = ""
    adjectives: tuple[str, ...] = ()
    shared_aliases: tuple[str, ...] = ()  # aliases the curator knows another entity shares
    nisba: tuple[str, ...] = ()  # aliases that are also adjectives (السعودية): linked only where they read as the name

    @property
    def path(self) -> str:
        return entity_path(self.id)


@dataclass(frozen=True)
class Tag:
    """A tag from the curated vocabulary (content/tags.toml), or one a curator used without defining it."""

    id: str
    name: str
    origin: Path | None = None
    line: int | None = None
    description: str = ""
    match: tuple[str, ...] = ()  # words or phrases that apply the tag by rule
    min_mentions: int = 1  # rule matches in the body needed (a headline match always applies it)

    @property
    def path(self) -> str:
        return tag_path(self.id)


@dataclass(frozen=True)
class Source:
    """A newspaper or agency named in the articles' metadata."""

    key: str  # as written in metadata.csv or front matter
    name: str  # as shown to readers (archive.toml [sources] may rename it)
    slug: str

    @property
    def path(self) -> str:
        return source_path(self.slug)


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
    markdown: str = ""  # a Markdown article's source, re-rendered when its mentions are linked
    digest: str = ""  # hash of the source file's text: says whether the article changed
    mentions: tuple[Mention, ...] = ()  # set by the entity step
    tag_ids: tuple[str, ...] = ()  # set by the tag step: the curators' tags and the rules'
    related: tuple[str, ...] = ()  # ids of related articles, best first

    @property
    def path(self) -> str:
        return article_path(self.id)

    def with_changes(self, **changes) -> Article:
        """dataclasses.replace, for the steps that change every article of the archive: replace
        runs __init__ with every field (9 us an article against 1 us here; 0.7 s a build at
        20,000 articles, where four steps replace each one). Frozen: the copy's fields are set once."""
        if not changes.keys() <= ARTICLE_FIELDS:
            raise TypeError(f"Article has no field {sorted(changes.keys() - ARTICLE_FIELDS)}")
        new = object.__new__(Article)
        new.__dict__.update(self.__dict__, **changes)
        return new

    @property
    def sort_key(self):
        """Newest first; undated articles last; ties broken by id so order is stable."""
        return (self.date is not None, self.date or date.min, self.id)


ARTICLE_FIELDS = frozenset(f.name for f in fields(Article))


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
    entities: tuple[Entity, ...] = ()
    entity_stats: dict = field(default_factory=dict)  # entity id -> EntityStats, set by the entity step
    tags: tuple[Tag, ...] = ()  # the vocabulary, then tags used but not defined (set by the tag step)


@dataclass(frozen=True)
class EntityArticle:
    """One article on an entity's page: how often it names the entity, and where first."""

    article: str
    count: int
    first: Mention  # in the body if it names the entity there, else in the headline


@dataclass(frozen=True)
class EntityStats:
    articles: tuple[EntityArticle, ...]  # newest first; linked names and adjectives alike
    companions: tuple[tuple[str, int], ...]  # entities named in the same articles, most often first
    months: tuple[tuple[tuple[int, int], int], ...]  # ((year, month), articles), oldest first


def article_path(article_id: str) -> str:
    return f"articles/{article_id}.html"


def entity_path(entity_id: str, page_number: int = 1) -> str:
    return f"entities/{entity_id}.html" if page_number == 1 else f"entities/{entity_id}-{page_number}.html"


ENTITY_INDEX_PATH = "entities/index.html"
TAG_INDEX_PATH = "tags/index.html"
SOURCE_INDEX_PATH = "sources/index.html"


def tag_path(tag_id: str, page_number: int = 1) -> str:
    return f"tags/{tag_id}.html" if page_number == 1 else f"tags/{tag_id}-{page_number}.html"


def tag_feed_path(tag_id: str) -> str:
    return f"tags/{tag_id}.xml"


def folded_name(name: str) -> str:
    """A file name as case-insensitive, normalising file systems (macOS, Windows, many hosts)
    see it: two names folding alike are one file there."""
    return unicodedata.normalize("NFC", name).casefold()


def source_slug(source: str) -> str:
    """The file name of a source's pages: the id itself when it is lower-case ASCII, else a
    hash of it, so that ids differing only in case (TASS, tass) or Unicode form never share
    a page on a case-insensitive host."""
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", source):
        return source
    return "source-" + hashlib.blake2b(source.encode("utf-8"), digest_size=4).hexdigest()


def source_path(slug: str, page_number: int = 1) -> str:
    return f"sources/{slug}.html" if page_number == 1 else f"sources/{slug}-{page_number}.html"


def home_path(page_number: int) -> str:
    return "index.html" if page_number == 1 else f"page/{page_number}.html"


def year_path(year: int) -> str:
    return f"archive/{year}/index.html"


def month_path(year: int, month: int, page_number: int = 1) -> str:
    name = "index" if page_number == 1 else f"page-{page_number}"
    return f"archive/{year}/{month:02d}/{name}.html"


ARCHIVE_INDEX_PATH = "archive/index.html"
SEARCH_PATH = "search.html"
SNAPSHOT_PATH = "snapshot.html"
FEED_PATH = "feed.xml"
SITEMAP_PATH = "sitemap.xml"
NOT_FOUND_PATH = "404.html"
MANIFEST_PATH = "manifest.json"
SEARCH_MANIFEST_PATH = "search/manifest.js"


def asset_path(name: str) -> str:
    """A file of a theme's static/ folder, as the site holds it."""
    return f"assets/{name}"


CSS_PATH = asset_path("style.css")

# What templates link to, by name: a template asks here (url(paths.year(2015))) and never
# spells a path, so each path has one rule.
PATHS = SimpleNamespace(
    home=home_path, article=article_path, archive=ARCHIVE_INDEX_PATH, year=year_path, month=month_path,
    entities=ENTITY_INDEX_PATH, entity=entity_path, tags=TAG_INDEX_PATH, tag=tag_path, tag_feed=tag_feed_path,
    sources=SOURCE_INDEX_PATH, source=source_path, search=SEARCH_PATH, snapshot=SNAPSHOT_PATH, feed=FEED_PATH,
    manifest=MANIFEST_PATH, search_manifest=SEARCH_MANIFEST_PATH, asset=asset_path, css=CSS_PATH,
)


def root_prefix(from_path: str) -> str:
    """The way up from an output file to the output folder: "", "../", "../../"..."""
    return "../" * from_path.count("/")


def relative_url(from_path: str, to_path: str) -> str:
    """A percent-encoded link from one output file to another (always to a file, never a folder)."""
    return root_prefix(from_path) + quote(to_path, safe="/-._~")


def absolute_url(base_url: str, to_path: str) -> str:
    return base_url + quote(to_path, safe="/-._~")
