"""Index step: a Lunr search index built with lunr.py, split into shards that load from file://.

The index's pipeline is the Arabic text core, registered under versioned labels
in lunr.py here and in lunr.js by assets/arshif-text.js, so a word becomes the same
token at build time and at query time. Each shard is a plain script that hands its
data to a global (`ARSHIF_SEARCH.add(...)`): from file://, fetch and XHR fail, a
<script> element does not. Shards hold the oldest articles first, so a new article
changes only the last shard; the search page loads the newest shard first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterator

from lunr import builder as lunr_builder
from lunr.builder import Builder
from lunr.token import Token
from lunr.pipeline import Pipeline

from .cache import page_key
from .model import Archive, Article
from .text import COMMON_WORDS, normalise, shorten, stem, text_core_for_js, tokens

SHARD_SIZE = 1000  # articles per shard: a few hundred KB, parsed in well under a second
SUMMARY_SHOWN = 120  # characters of each article shown (and highlighted) under a result
FIELDS = (("t", 10), ("n", 3), ("g", 3), ("s", 2), ("b", 1))  # title, names, tags, source, body
PIPELINE_LABELS = ("arshif-normalise-v1", "arshif-stopwords-v1", "arshif-stem-v1")
WEIGHT_SCALE = 100
MANIFEST_PATH = "search/manifest.js"
TEXT_DATA_PATH = "assets/arshif-text-data.js"


def _normalise_token(token, i=None, tokens_=None):
    token.update(lambda s, metadata: normalise(s).lower())
    return token if str(token) else None


def _drop_stop_word(token, i=None, tokens_=None):
    return None if str(token) in COMMON_WORDS else token


def _stem_token(token, i=None, tokens_=None):
    return token.update(lambda s, metadata: stem(s))


for _function, _label in zip((_normalise_token, _drop_stop_word, _stem_token), PIPELINE_LABELS):
    Pipeline.register_function(_function, _label)


@dataclass(frozen=True)
class SearchDoc:
    ref: str
    path: str
    title: str
    date: str
    source: str
    summary: str
    article: Article
    names: str  # the entities it names
    tags: str  # its tags' names

    @property
    def fields(self) -> dict:
        """Field name -> the field's search tokens (stems, common words left out); made when a shard is built."""
        a = self.article
        return {"t": index_tokens(a.title), "n": index_tokens(self.names), "g": index_tokens(self.tags),
                "s": index_tokens(self.source), "b": index_tokens(" ".join(p.text for p in a.paragraphs))}

    @property
    def key(self) -> tuple:
        """Everything the document's part of the index depends on."""
        a = self.article
        return (self.ref, self.path, self.title, self.date, self.source, self.summary, self.names, self.tags,
                a.digest or tuple(p.text for p in a.paragraphs))


def search_docs(archive: Archive, views) -> list[SearchDoc]:
    """One document per article, oldest first (so shards fill in date order); `views` are the renderer's, newest first."""
    entity_names = {e.id: e.name for e in archive.entities}
    tag_names = {t.id: t.name for t in archive.tags}
    docs = []
    for number, view in enumerate(reversed(views)):
        article = view.article
        source = view.source_name
        names = " ".join(entity_names[e] for e in dict.fromkeys(m.entity for m in article.mentions))
        tags = " ".join(tag_names.get(t, t) for t in article.tag_ids)
        docs.append(SearchDoc(_ref(number), article.path, article.title, view.date_text, source,
                              shorten(view.summary, SUMMARY_SHOWN), article, names, tags))
    return docs


@lru_cache(maxsize=200_000)
def _index_token(word: str) -> str | None:
    return None if word in COMMON_WORDS else stem(word)


def index_tokens(text: str) -> tuple[str, ...]:
    """The text's search tokens: the index pipeline's functions, applied once per distinct word."""
    return tuple(t for t in map(_index_token, tokens(text)) if t)


def _ref(number: int) -> str:
    """Short document refs (base 36) keep the index small."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


def build_index(docs: list[SearchDoc]) -> dict:
    """lunr.py's index of the documents. Their fields arrive as tokens already reduced by
    the text core (the same functions the pipeline labels name, applied once per distinct
    word instead of once per word: lunr.py's per-token pipeline took most of the build);
    the search pipeline saved in the index runs them on the reader's words in lunr.js."""
    builder = Builder()
    builder.search_pipeline.add(Pipeline.registered_functions[PIPELINE_LABELS[0]], Pipeline.registered_functions[PIPELINE_LABELS[2]])
    builder.ref("r")
    for name, boost in FIELDS:
        builder.field(name, boost=boost)
    builder.metadata_whitelist = []  # no positions: half the size
    # lunr.py's tokenizer deep-copies an empty metadata dict for every token of a list;
    # the tokens here carry none, so a plain one does the same work in a third of the time.
    original, lunr_builder.Tokenizer = lunr_builder.Tokenizer, _plain_tokens
    try:
        for doc in docs:
            builder.add({"r": doc.ref, **doc.fields})
    finally:
        lunr_builder.Tokenizer = original
    return builder.build().serialize()


def _plain_tokens(words, metadata=None):
    return [Token(word, {}) for word in words]


def compact(index: dict) -> dict:
    """lunr's serialized index without its redundancy, for arshif-search.js to expand back
    exactly: the inverted index is implied by the field vectors (which terms each document
    field holds), term ids become positions in the sorted term list, ids are delta-coded
    and weights written in hundredths (lunr keeps three decimals; ranking barely moves,
    and a fifth of the index goes)."""
    terms = [term for term, _ in index["invertedIndex"]]  # sorted by lunr.py
    position = {posting["_index"]: at for at, (_, posting) in enumerate(index["invertedIndex"])}
    fields = index["fields"]
    vectors = []
    for key, flat in index["fieldVectors"]:
        field, ref = key.split("/", 1)
        pairs = sorted((position[flat[i]], round(flat[i + 1] * WEIGHT_SCALE)) for i in range(0, len(flat), 2))
        coded, previous = [], 0
        for term, weight in pairs:
            coded += [term - previous, weight]
            previous = term
        vectors.append([fields.index(field), ref, coded])
    return {"v": index["version"], "f": fields, "p": index["pipeline"], "t": terms, "x": vectors, "w": WEIGHT_SCALE}


def shard_script(number: int, docs: list[SearchDoc]) -> str:
    data = {"index": compact(build_index(docs)), "docs": {d.ref: [d.path, d.title, d.date, d.source, d.summary] for d in docs}}
    return f"ARSHIF_SEARCH.add({number},{_json(data)});\n"


def search_files(docs: list[SearchDoc], base_key: bytes) -> Iterator[tuple[str, bytes | None, Callable[[], str]]]:
    """Every file of the search: the shards (each with a key, so an unchanged shard is reused), the manifest, the text data."""
    shards = [docs[start : start + SHARD_SIZE] for start in range(0, len(docs), SHARD_SIZE)]
    for number, shard in enumerate(shards):
        key = page_key(base_key, "search", number, tuple(d.key for d in shard))
        yield f"search/shard-{number}.js", key, (lambda n=number, s=shard: shard_script(n, s))
    manifest = {"shards": len(shards), "articles": len(docs), "pipeline": list(PIPELINE_LABELS)}
    yield MANIFEST_PATH, None, lambda: f"ARSHIF_SEARCH.manifest({_json(manifest)});\n"
    yield TEXT_DATA_PATH, None, lambda: f"window.ARSHIF_TEXT = {_json(text_core_for_js())};\n"


def _json(value) -> str:
    # "</" never appears in a script's data: a headline holding "</script>" stays inert
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
