"""Entity step: find every mention of every curated entity, decide which are links, gather each entity's page data."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from xml.etree import ElementTree

from markdown.treeprocessors import Treeprocessor

from ..cache import BuildCache, page_key
from ..errors import Problems
from ..load.markdown_files import render_markdown
from ..model import HEADLINE, Archive, Article, Entity, EntityArticle, EntityStats, Mention, entity_path, relative_url
from ..text import COMMON_WORDS, normalise, tokens
from .matcher import NISBA, Matcher
from .scan import scan_articles

_SKIP_TAGS = {"a", "code", "pre"}
COMPANIONS_SHOWN = 10


def entity_matcher(entities: tuple[Entity, ...]) -> Matcher:
    """Aliases and adjectives of every entity; an alias two entities share ends up ambiguous
    (never linked); a nisba alias is a name or an adjective as the words before it say (Matcher)."""
    entries = []
    for entity in entities:
        nisba = {normalise(a) for a in entity.nisba}
        entries += [(alias, entity.id, NISBA if normalise(alias) in nisba else False) for alias in entity.aliases]
        entries += [(adjective, entity.id, True) for adjective in entity.adjectives]
    return Matcher(entries)


def link_entities(archive: Archive, cache: BuildCache | None = None, matcher: Matcher | None = None) -> Archive:
    """New articles carrying their mentions, and each entity's page data.

    Finding mentions is the costly part: it is cached per article (keyed by the
    article's text and the entity list) and, for large archives, spread over the cores.
    `matcher`: entity_matcher(archive.entities), when the caller has it already."""
    if not archive.entities:
        return archive
    matcher = matcher or entity_matcher(archive.entities)
    policy = archive.settings.link_mentions
    found = scan_articles("entities", matcher, page_key(repr(archive.entities)), archive.articles, cache)
    articles = tuple(_with_mentions(a, matches, matcher, policy) for a, matches in zip(archive.articles, found))
    return replace(archive, articles=articles, entity_stats=entity_stats(archive.entities, articles))


def _with_mentions(article: Article, found: tuple, matcher: Matcher, policy: str) -> Article:
    mentions = _choose_links(found, policy)
    if article.body_html is not None and article.markdown:
        linker = _HtmlLinker(matcher, policy, article.path)
        html, _ = render_markdown(article.markdown, linker)
        return article.with_changes(mentions=tuple(mentions), body_html=html)
    return article.with_changes(mentions=tuple(mentions))


def _choose_links(found: tuple, policy: str) -> list[Mention]:
    """Mentions from (entity, block, start, end, adjective), those shown as links marked:
    all of them, the first of each entity in each paragraph, or ("first") the first in the
    body. The headline is never linked (a row of underlined names, where a reader wants the
    link in the text, as Arabic Wikipedia does); adjectives are never links."""
    seen: set = set()
    chosen = []
    for entity, block, start, end, adjective in found:
        link = False
        if not adjective and block != HEADLINE:
            key = (entity, block if policy == "paragraph" else None)
            link = policy == "all" or key not in seen
            seen.add(key)
        chosen.append(Mention(entity, block, start, end, link, adjective))
    return chosen


class _HtmlLinker(Treeprocessor):
    """Links names inside a Markdown article's parsed tree (never inside a link or code)."""

    def __init__(self, matcher: Matcher, policy: str, page_path: str):
        super().__init__()
        self.matcher, self.policy, self.page_path = matcher, policy, page_path

    BEFORE = 40  # characters of the text before a text node that a nisba alias at its start reads

    def run(self, root):
        seen: set = set()
        for block in list(root):
            if self.policy == "paragraph":
                seen = set()
            self.before = ""  # the block's text so far, for the matcher (an emphasis cuts a sentence in text nodes)
            self._link_tree(block, seen)

    def _link_tree(self, element, seen):
        """Document order: the element's own text, then each child and the text after it."""
        if element.tag in _SKIP_TAGS:
            return
        originals, inserted = list(element), 0  # links inserted so far, before the current child
        if element.text:
            element.text, links = self._split(element.text, seen)
            for offset, link in enumerate(links):
                element.insert(offset, link)
            inserted = len(links)
        for position, child in enumerate(originals):
            self._link_tree(child, seen)
            if child.tail:
                child.tail, links = self._split(child.tail, seen)
                at = position + inserted + 1  # counted, not looked up: list(element).index(child) made a long list cost its square
                for offset, link in enumerate(links):
                    element.insert(at + offset, link)
                inserted += len(links)

    def _split(self, text: str, seen: set):
        """The text before the first link, and <a> elements, each with the text after it as its tail."""
        links, cursor, head = [], 0, text
        found, self.before = self.matcher.find(text, self.before), (self.before + text)[-self.BEFORE :]
        for match in found:
            if match.entity is None or match.adjective or (self.policy != "all" and match.entity in seen):
                continue
            seen.add(match.entity)
            link = ElementTree.Element("a", {"class": "entity", "href": relative_url(self.page_path, entity_path(match.entity))})
            link.text = text[match.start : match.end]
            if links:
                links[-1].tail = text[cursor : match.start]
            else:
                head = text[: match.start]
            links.append(link)
            cursor = match.end
        if links:
            links[-1].tail = text[cursor:]
        return head, links


def entity_stats(entities: tuple[Entity, ...], articles: tuple[Article, ...]) -> dict[str, EntityStats]:
    per_entity: dict[str, list[EntityArticle]] = {e.id: [] for e in entities}
    companions: dict[str, Counter] = {e.id: Counter() for e in entities}
    months: dict[str, Counter] = {e.id: Counter() for e in entities}
    for article in articles:  # newest first, so each list is too
        counts = Counter(m.entity for m in article.mentions)
        first = {}  # the first mention in the body, else in the headline (which the page shows anyway)
        for mention in sorted(article.mentions, key=lambda m: m.block == HEADLINE):
            first.setdefault(mention.entity, mention)
        for entity_id, count in counts.items():
            per_entity[entity_id].append(EntityArticle(article.id, count, first[entity_id]))
            companions[entity_id].update(e for e in counts if e != entity_id)
            if article.date:
                months[entity_id][(article.date.year, article.date.month)] += 1
    return {
        e.id: EntityStats(
            tuple(per_entity[e.id]),
            tuple(sorted(companions[e.id].items(), key=lambda kv: (-kv[1], kv[0]))[:COMPANIONS_SHOWN]),
            tuple(sorted(months[e.id].items())),
        )
        for e in entities
    }


def lint_entities(entities: tuple[Entity, ...], problems: Problems) -> None:
    """Warn about aliases likely to be curators' mistakes (shown by `check`)."""
    by_alias: dict[tuple[str, ...], tuple[Entity, str]] = {}
    for entity in entities:
        for alias in entity.aliases:
            words = tuple(tokens(alias))
            by_alias.setdefault(words, (entity, alias))
            if len(words) == 1 and words[0] in COMMON_WORDS:
                problems.warn(entity.origin, entity.line, f"entity '{entity.id}': the alias '{alias}' is a common Arabic word and will link ordinary text",
                              "remove it, or use a longer alias that includes it")
    # An alias that begins a longer alias of another entity (مجلس الأمن, مجلس الأمن القومي)
    # links the wrong entity wherever the longer name is cut or misspelt.
    for words, (entity, alias) in by_alias.items():
        for size in range(1, len(words)):
            inner, inner_alias = by_alias.get(words[:size], (None, ""))
            if inner is not None and inner.id != entity.id:
                problems.warn(inner.origin, inner.line,
                              f"entity '{inner.id}': its alias '{inner_alias}' begins '{alias}', an alias of '{entity.id}'",
                              "the longer name wins where it is written in full; if they are the same thing, merge the two entities")
