"""Tag step: the curators' tags and the vocabulary's rules, applied to every article.

A rule word is a curated stem: it matches the stem with the suffixes allowed after
it (إرهاب: إرهابي، الإرهابية، الإرهابيين) once proclitics and the article are set
aside (وللإرهاب), and nothing else. Root-based stemmers were measured and rejected:
ISRI merges رهبان (monks) with إرهاب; a stem plus a closed suffix list does not.
Broken plurals (صاروخ/صواريخ) are listed by the curator as words of their own.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace

from ..cache import BuildCache, page_key
from ..model import HEADLINE, Archive, Article, Tag
from ..text import ARTICLE, MIN_BASE, SUFFIXES, has_article, normalise, proclitic_forms, suffixed_forms, written_words
from .matcher import Matcher
from .scan import matches_in, scan_articles


def word_forms(word: str, suffixes: tuple[str, ...] = SUFFIXES) -> set[str]:
    """Every normalised written form a rule word (as written) matches: with or without the
    article, after a proclitic. Whether its ال is the article is text.has_article's call, as
    for entities: الكرملين is ال + كرملين (للكرملين), ألمانيا is a word (لألمانيا). The article
    stays on a rest too short to stand alone: الحج matches للحج, never حج or لالحج."""
    stem, article = stem_of(word)
    optional = not article or len(stem) >= MIN_BASE
    forms = set()
    for core in suffixed_forms(stem, suffixes):
        forms |= {ARTICLE + core} | proclitic_forms(ARTICLE + core, True)
        if optional:
            forms |= {core} | proclitic_forms(core, False)
    return forms


def stem_of(word: str) -> tuple[str, bool]:
    """A rule word's normalised stem, without the article, and whether it had one."""
    normalised = normalise(word)
    article = has_article(word)
    return (normalised[len(ARTICLE):] if article else normalised), article


def phrase_forms(phrase: str) -> list[tuple[str, ...]]:
    """Every form of a rule, as normalised words: the first word after a proclitic or the
    article, the last with its suffixes (and its article only if the rule writes it)."""
    words = written_words(phrase)
    if len(words) == 1:
        return [(form,) for form in sorted(word_forms(words[0]))]
    firsts = word_forms(words[0], suffixes=("",))
    bare, article = stem_of(words[-1])
    lasts = {(ARTICLE if article else "") + c for c in suffixed_forms(bare)}
    middle = tuple(map(normalise, words[1:-1]))
    return [(first, *middle, final) for first in sorted(firsts) for final in sorted(lasts)]


def tag_matcher(tags: tuple[Tag, ...]) -> Matcher:
    """One matcher for every rule; a form that two tags share applies both (joined ids)."""
    owners: dict[str, set[str]] = {}
    for tag in tags:
        for rule in tag.match:
            for form in phrase_forms(rule):
                owners.setdefault(form, set()).add(tag.id)
    return Matcher([(form, " ".join(sorted(ids)), False) for form, ids in owners.items()], clitics=False)


def rule_tags(article: Article, matcher: Matcher, minimum: dict[str, int]) -> set[str]:
    """Tags whose rules match the headline once, or the body at least min_mentions times."""
    return tags_from_matches(matches_in(matcher, article), minimum)


def tags_from_matches(found: tuple, minimum: dict[str, int]) -> set[str]:
    in_headline = {t for ids, block, *_ in found if block == HEADLINE for t in ids.split()}
    in_body = Counter(t for ids, block, *_ in found if block != HEADLINE for t in ids.split())
    return in_headline | {t for t, n in in_body.items() if n >= minimum[t]}


def tag_articles(archive: Archive, cache: BuildCache | None = None, matcher: Matcher | None = None) -> Archive:
    """Articles with their tag ids (curators' first, then the rules'), and the archive's tags.
    `matcher`: tag_matcher(archive.tags), when the caller has it already."""
    vocabulary = {t.id: t for t in archive.tags}
    by_name = {normalise(t.name): t.id for t in archive.tags}
    extra: dict[str, Tag] = {}
    minimum = {t.id: t.min_mentions for t in archive.tags}
    found = [()] * len(archive.articles)
    if any(t.match for t in archive.tags):
        rules_key = page_key(tuple((t.id, t.match) for t in archive.tags))
        found = scan_articles("tags", matcher or tag_matcher(archive.tags), rules_key, archive.articles, cache)
    articles = []
    for article, matches in zip(archive.articles, found):
        ids = [_tag_id(name, vocabulary, by_name, extra) for name in article.tags]
        ids += sorted(tags_from_matches(matches, minimum))
        articles.append(article.with_changes(tag_ids=tuple(dict.fromkeys(ids))))
    tags = tuple(archive.tags) + tuple(sorted(extra.values(), key=lambda t: t.name))
    return replace(archive, articles=tuple(articles), tags=tags)


def _tag_id(name: str, vocabulary: dict, by_name: dict, extra: dict) -> str:
    """A curator's tag by id or by name; a tag not in the vocabulary still gets a page."""
    if name in vocabulary:
        return name
    key = normalise(name)
    if key in by_name:
        return by_name[key]
    tag_id = "tag-" + hashlib.blake2b(key.encode("utf-8"), digest_size=4).hexdigest()
    extra.setdefault(tag_id, Tag(tag_id, name))
    return tag_id
