"""Index step: a Lunr index of the whole archive, split by term so a query loads only its words.

The index is computed here directly, with the formulas of lunr's Builder (BM25 with
k1 = 1.2, b = 0.75, lunr's idf, field boosts, weights rounded to three decimals), so
that lunr.js, given the parts that hold a query's words, scores exactly as against one
lunr index of the whole archive (tests/test_search_equivalence.py holds it to lunr.py's
own Builder). lunr's score for a document is the dot product of the query vector with
the document's field vectors over the query's terms only, so field vectors cut down to
the loaded terms score the same.

Files (every one a plain script handing its data to `ARSHIF_SEARCH`, so file:// works):
  search/manifest.js   the parts' first keys, field names, years, facet and page lists
  search/t/N.js        terms and words in one key range: postings (document, weight per
                       field) of each base form, and the lexicon: how a word of the archive
                       becomes its base (وبروسيا -> روسيا), so the browser reads it alike
  search/p/N.js        the same range's word positions in headlines and bodies ("phrases"),
                       and which surface forms (بروسيا, روسيا) each document holds
  search/d/N.js        what a result shows, DOCS_PER_FILE documents a file
  search/x/REF.js      the start of one article's text, to cut its snippet from
  search/f/KIND.js     the documents of each source, tag and entity: narrowing results
  search/pages.js      the entity and tag pages a query may name
Documents are numbered oldest first (undated first), so a number range is a date range.
The step reads the archive and the enrich results only: templates never touch it.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import postings
from .cache import Unreadable, page_key, read_framed, write_framed
from .dates import count_articles, digits, gregorian_text
from .model import SEARCH_MANIFEST_PATH, SEARCH_PATH, Archive, Article, asset_path, entity_path, relative_url, tag_path
from .postings import FORM_BITS, WEIGHT_SCALE, Words, js_sorted, read_words, words_of_documents
from .text import COMMON_WORDS, base_form, form_of, from_lexicon_code, lexicon_code, reading_groups, shorten, text_core_for_js, tokens

FIELDS = (("t", 10), ("n", 3), ("g", 3), ("s", 2), ("b", 1))  # headline, entity names, tags, source, body
PHRASE_FIELDS = (0, 4)  # positions are kept for the headline and the body
PIPELINE_LABELS = ("arshif-normalise-v2", "arshif-stopwords-v2", "arshif-base-v2")
DOCS_PER_FILE = 4  # a page of ten results spread over the years loads ten of these files: keep them small
SNIPPET_TEXT = 2000  # characters of each article the page may cut a result's snippet from
MIN_PART_BYTES = 4096
MANIFEST_PATH = SEARCH_MANIFEST_PATH
TEXT_DATA_PATH = asset_path("arshif-text-data.js")


@dataclass(frozen=True)
class SearchDoc:
    ref: int
    article: Article
    date_text: str
    source_name: str
    names: str  # the entities it names
    tag_names: str
    entity_ids: tuple[str, ...]

    @property
    def words(self) -> tuple[list[str], ...]:
        """Each field's normalised words, common words included (they count in positions)."""
        a = self.article
        return (tokens(a.title), tokens(self.names), tokens(self.tag_names), tokens(self.source_name),
                tokens(" ".join(p.text for p in a.paragraphs)))

    def detail(self) -> list:
        a = self.article
        return [relative_url(SEARCH_PATH, a.path), a.title, self.date_text, self.source_name]

    def words_key(self) -> bytes:
        """Everything `words` is made of: when it is the last build's, so are the words."""
        a = self.article
        return page_key(a.title, self.names, self.tag_names, self.source_name, a.digest or tuple(p.text for p in a.paragraphs))

    def snippet_text(self) -> str:
        """The text a result's snippet is cut from, around the words found: the body as it
        was indexed (so the words' positions point into it), up to SNIPPET_TEXT characters."""
        return shorten("\n".join(p.text for p in self.article.paragraphs), SNIPPET_TEXT)


def search_docs(archive: Archive) -> list[SearchDoc]:
    """One document per article, oldest first (undated first), numbered in that order."""
    entity_names = {e.id: e.name for e in archive.entities}
    tag_names = {t.id: t.name for t in archive.tags}
    settings = archive.settings
    docs = []
    for ref, article in enumerate(reversed(archive.articles)):
        entity_ids = tuple(dict.fromkeys(m.entity for m in article.mentions))
        date_text = gregorian_text(article.date, settings.digits) if article.date else ""
        docs.append(SearchDoc(ref, article, date_text, settings.source_name(article.source),
                              " ".join(entity_names[e] for e in entity_ids),
                              " ".join(tag_names.get(t, t) for t in article.tag_ids), entity_ids))
    return docs


class Analyser:
    """How the archive's words become index terms: the text core's base forms, with the
    archive's own word counts deciding doubtful clitics (see arshif.text.base_form)."""

    def __init__(self, counts: dict[str, int]):
        self.documents_with: dict[str, int] = {}  # set when the index is built: how readings are chosen
        self.base = {}  # word of the archive -> its term, or None for a common word
        for word in sorted(counts):
            if word in COMMON_WORDS:
                self.base[word] = None
            else:
                base = base_form(word, counts)
                self.base[word] = None if base in COMMON_WORDS else base

    @cached_property
    def terms(self) -> frozenset[str]:
        return frozenset(b for b in self.base.values() if b)

    @cached_property
    def lexicon(self) -> dict[str, int]:
        """The words whose term is not the word itself, as the browser reads them: 0 = a common word."""
        terms = self.terms
        return {w: (0 if b is None else lexicon_code(w, b)) for w, b in self.base.items()
                if b != w and w not in COMMON_WORDS and w not in terms}

    def index_term(self, word: str) -> str | None:
        return self.base.get(word)

    def lookup(self, word: str) -> str | None:
        """What the browser knows of a word once its part is loaded: its term, None if it is
        a common word, False if the archive does not hold it."""
        if word in self.terms:  # a term first: بواخر is ب + واخر (ships), though واخر alone reads و + آخر
            return word
        if word in self.lexicon:
            code = self.lexicon[word]
            return None if code == 0 else from_lexicon_code(word, code)
        return False

    def query_term(self, word: str) -> str | None:
        """A reader's word: its term if the archive holds it, else a reading of the first group
        of readings that the archive holds (وبرصاص: برصاص before رصاص), the one whose term
        the most documents hold (للبنان: لبنان rather than البنان)."""
        if word in COMMON_WORDS:
            return None
        found = self.lookup(word)
        if found is not False:
            return found
        for group in reading_groups(word):  # the first group the archive holds a reading of
            best, most = word, -2
            for candidate in group:
                term = self.lookup(candidate)
                if term is False:
                    continue
                weight = self.documents_with.get(term, 0) if term else -1
                if weight > most:
                    best, most = term, weight
            if most > -2:
                return best
        return word


@dataclass(frozen=True)
class Index:
    """The whole archive's lunr index: each term's postings (field, documents, then ref delta
    and weight in thousandths for each) and the positions of its words in headlines and
    bodies (its surface forms, then field, documents, then count, positions and forms held for
    each of its postings' documents), as varints (see arshif.postings)."""

    postings: dict[str, str]
    positions: dict[str, str]
    documents: int
    documents_with: dict[str, int]  # lunr's count of the documents holding each term (once for each field)
    forms: list[str]  # every surface form, as the positions name them by place (see arshif.postings)


class WordStore:
    """Each article's words as numbers, kept from one build to the next in a cache file of its
    own (search runs in a process of its own, which writes it): reading an article's words is
    most of the search's work, and an edit changes few articles. An article's entry is used
    only when its words_key is the same; the numbers index the stored vocabulary, which holds
    only words some stored article has. A damaged file or another version's is not used."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self.vocabulary: list[str] = []
        self.entries: dict[str, tuple[bytes, tuple[int, ...], bytes]] = {}  # article id -> (key, field lengths, word numbers)
        try:
            vocabulary, entries = read_framed(path, 2) if path is not None else ([], {})
        except (OSError, Unreadable, EOFError, ValueError, TypeError):
            return
        # whole and of this version, but perhaps edited by hand: only a list of distinct words is a vocabulary
        if (isinstance(vocabulary, list) and all(isinstance(word, str) for word in vocabulary)
                and len(set(vocabulary)) == len(vocabulary) and isinstance(entries, dict)):
            self.vocabulary, self.entries = vocabulary, entries

    def words(self, docs: list[SearchDoc]) -> Words:
        """Every document's words, from the store where its words_key is unchanged; then the store
        is written again, with the entries of these documents only."""
        known = [self.entries.get(doc.article.id) for doc in docs]
        keys = [doc.words_key() for doc in docs]
        stored = [(entry[1], entry[2]) if _is_entry(entry) and entry[0] == key else None for entry, key in zip(known, keys)]
        try:
            words = words_of_documents(self.vocabulary, stored, lambda ref: docs[ref].words, len(FIELDS))
        except (ValueError, TypeError):  # a damaged store that passed its checks: read every article
            words = words_of_documents([], [None] * len(docs), lambda ref: docs[ref].words, len(FIELDS))
        if self.path is not None:
            vocabulary, numbers = words.compacted()
            write_framed(self.path, vocabulary, {doc.article.id: (key, tuple(int(n) for n in lengths), data)
                                                 for doc, key, lengths, data in zip(docs, keys, words.document_lengths(), numbers)})
        return words


def _is_entry(entry) -> bool:
    return (isinstance(entry, tuple) and len(entry) == 3 and isinstance(entry[0], bytes) and isinstance(entry[1], tuple)
            and all(isinstance(n, int) and n >= 0 for n in entry[1]) and isinstance(entry[2], bytes))


def analyse(docs: list[SearchDoc], store: WordStore | None = None) -> tuple[Words, Analyser]:
    """Read every document's words once, as numbers, and decide each distinct word's term."""
    words = (store or WordStore()).words(docs)
    return words, Analyser({w: n for w, n in zip(words.vocabulary, words.counts.tolist()) if n})


def build_index(docs: list[SearchDoc], analyser: Analyser, words: Words | None = None) -> Index:
    """lunr's Builder, computed on arrays (arshif.postings)."""
    if words is None:
        words = read_words((doc.words for doc in docs), len(FIELDS), len(docs))
    term_of_word = [analyser.index_term(w) for w in words.vocabulary]  # None for a word no document holds now
    form_of_word = [form_of(w, t) if t else None for w, t in zip(words.vocabulary, term_of_word)]
    built = postings.build(words, term_of_word, form_of_word, [boost for _, boost in FIELDS], PHRASE_FIELDS)
    index = Index(dict(zip(built.terms, built.postings)), {t: p for t, p in zip(built.terms, built.positions) if p}, len(docs),
                  dict(zip(built.terms, built.documents_with)), built.form_table)
    analyser.documents_with = index.documents_with
    return index


def _parts(index: Index, analyser: Analyser) -> tuple[list[str], list[tuple[dict, dict]]]:
    """Cut the sorted keys (terms and lexicon words) into parts of about equal size: enough
    parts that the list of their first keys stays small, few enough bytes per part."""
    keys = js_sorted(set(index.postings) | set(analyser.lexicon))
    if not keys:  # nothing to search (every word a common word): one empty part, so every lookup finds its file
        return [""], [({}, {})]
    entries = {}
    total = 0
    for key in keys:
        post = index.postings.get(key)
        size = len(key) * 2 + 6 + (len(post) if post else 3)
        entries[key] = (post, size)
        total += size
    count = max(1, round(math.sqrt(total / 4)))  # balances the manifest (about 12 bytes a part) and a part
    target = max(MIN_PART_BYTES, total / count)
    firsts, parts, size = [], [], 0
    for key in keys:
        post, key_size = entries[key]
        if not parts or (size > 0 and size + key_size > target):
            firsts.append(key)
            parts.append(({}, {}))
            size = 0
        lexicon, postings = parts[-1]
        if post is not None:
            postings[key] = post
        else:
            lexicon[key] = analyser.lexicon[key]
        size += key_size
    return firsts, parts


def search_files(archive: Archive, words_cache: Path | None = None) -> Iterator[tuple[str, str]]:
    """Every file of the search, as (path in the site, text). `words_cache`: the WordStore's file."""
    docs = search_docs(archive)
    words, analyser = analyse(docs, WordStore(words_cache))
    index = build_index(docs, analyser, words)
    firsts, parts = _parts(index, analyser)
    for number, (lexicon, part_postings) in enumerate(parts):
        yield f"search/t/{number}.js", _script("part", number, {"x": lexicon, "p": part_postings})
        positions = {term: index.positions[term] for term in part_postings if term in index.positions}
        yield f"search/p/{number}.js", _script("positions", number, positions)
    for doc in docs:  # one file each: a page of results loads ten of them
        yield f"search/x/{doc.ref}.js", _script("text", doc.ref, doc.snippet_text())
    for start in range(0, len(docs), DOCS_PER_FILE):
        yield f"search/d/{start // DOCS_PER_FILE}.js", _script("docs", start // DOCS_PER_FILE,
                                                               [d.detail() for d in docs[start : start + DOCS_PER_FILE]])
    facets = _facets(archive, docs)
    for kind, data in facets.items():
        yield f"search/f/{kind}.js", _script("facet", kind, data)
    yield "search/pages.js", _script("pages", 0, _pages(archive, analyser))
    manifest = {"version": 2, "fields": [name for name, _ in FIELDS], "pipeline": list(PIPELINE_LABELS),
                "scale": WEIGHT_SCALE, "documents": len(docs), "firsts": firsts, "docsPerFile": DOCS_PER_FILE,
                "forms": index.forms, "formBits": FORM_BITS, "phraseFields": list(PHRASE_FIELDS), "years": _years(docs), "facets": sorted(facets),
                "digits": digits("0123456789", archive.settings.digits)}
    # the search page loads the manifest with its own scripts, before search.js sets ARSHIF_SEARCH up: keep it for later
    yield MANIFEST_PATH, ("(window.ARSHIF_SEARCH = window.ARSHIF_SEARCH || {early: {}, manifest: function (m) "
                          f"{{ this.early[\"manifest:0\"] = m; }}}}).manifest({_json(manifest)});\n")
    yield text_data_file()


def text_data_file() -> tuple[str, str]:
    """The text core's data for the browser (assets/arshif-text-data.js)."""
    return TEXT_DATA_PATH, f"window.ARSHIF_TEXT = {_json(text_core_for_js())};\n"


def _years(docs: list[SearchDoc]) -> list[list]:
    """[year, first ref, last ref] for each year, oldest first; year 0 holds the undated."""
    years: list[list] = []
    for doc in docs:
        year = doc.article.date.year if doc.article.date else 0
        if years and years[-1][0] == year:
            years[-1][2] = doc.ref
        else:
            years.append([year, doc.ref, doc.ref])
    return years


def _facets(archive: Archive, docs: list[SearchDoc]) -> dict[str, dict]:
    """For each kind of filter, its values (id, name) and each value's documents (delta-coded)."""
    tag_names = {t.id: t.name for t in archive.tags}
    entity_names = {e.id: e.name for e in archive.entities}
    values = {"source": {}, "tag": {}, "entity": {}}
    for doc in docs:
        if doc.article.source:
            values["source"].setdefault(doc.article.source, []).append(doc.ref)
        for tag in doc.article.tag_ids:
            values["tag"].setdefault(tag, []).append(doc.ref)
        for entity in doc.entity_ids:
            values["entity"].setdefault(entity, []).append(doc.ref)
    names = {"source": archive.settings.source_name, "tag": lambda t: tag_names.get(t, t), "entity": entity_names.get}
    facets = {}
    for kind, found in values.items():
        ids = sorted(found)
        facets[kind] = {"values": [[key, names[kind](key)] for key in ids],
                        "docs": [[b - a for a, b in zip([0, *found[key]], found[key])] for key in ids]}
    return facets


def _pages(archive: Archive, analyser: Analyser) -> list[list]:
    """Entity and tag pages a query may name: [url, title, kind, "N articles", [terms of each name]]."""
    pages, style = [], archive.settings.digits
    for entity in archive.entities:
        stats = archive.entity_stats.get(entity.id)
        if stats and stats.articles:
            names = [_terms(name, analyser) for name in (entity.name, *entity.aliases)]
            pages.append([relative_url(SEARCH_PATH, entity_path(entity.id)), entity.name, "entity", count_articles(len(stats.articles), style),
                          [n for n in names if n]])
    counts = Counter(t for a in archive.articles for t in a.tag_ids)
    for tag in archive.tags:
        if counts[tag.id]:
            names = [n for n in (_terms(tag.name, analyser),) if n]
            pages.append([relative_url(SEARCH_PATH, tag_path(tag.id)), tag.name, "tag", count_articles(counts[tag.id], style), names])
    return pages


def _terms(text: str, analyser: Analyser) -> list[str]:
    return [t for t in (analyser.query_term(w) for w in tokens(text)) if t]


def _script(kind: str, key, data) -> str:
    return f"ARSHIF_SEARCH.{kind}({_json(key)},{_json(data)});\n"


def _json(value) -> str:
    # "</" never appears in a script's data: a headline holding "</script>" stays inert
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
