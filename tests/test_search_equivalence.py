"""The split index scores exactly as one lunr index of the whole archive.

The reference is lunr.py's own Builder over the 2,000-article corpus, fed the same words
and the same pipeline (arshif's analyser); the split index is what the build wrote, read
back by the browser's code (search-core.js) in node and queried by lunr.js."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from lunr import builder as lunr_builder
from lunr.builder import Builder
from lunr.pipeline import Pipeline
from lunr.token import Token

from arshif.postings import CONTINUE, TERMINAL
from arshif.search import FIELDS, Analyser, build_index
from arshif.text import COMMON_WORDS, tokens

pytestmark = pytest.mark.corpus
HERE = Path(__file__).parent
QUERIES = 300


def _plain_tokens(words, metadata=None):
    return [Token(word, {}) for word in words]


def reference_index(docs, analyser: Analyser):
    """lunr.py's Builder with arshif's pipeline: the index of the whole archive."""

    def index_term(token, i=None, tokens_=None):
        term = analyser.index_term(str(token))
        return token.update(lambda s, m: term) if term else None

    def query_term(token, i=None, tokens_=None):
        term = analyser.query_term(str(token))
        return token.update(lambda s, m: term) if term else None

    def stop(token, i=None, tokens_=None):
        return None if str(token) in COMMON_WORDS else token

    Pipeline.register_function(index_term, "test-index-term")
    Pipeline.register_function(query_term, "test-query-term")
    Pipeline.register_function(stop, "test-stop")
    builder = Builder()
    builder.pipeline.add(stop, index_term)
    builder.search_pipeline.add(stop, query_term)
    builder.ref("r")
    for name, boost in FIELDS:
        builder.field(name, boost=boost)
    builder.metadata_whitelist = []
    original, lunr_builder.Tokenizer = lunr_builder.Tokenizer, _plain_tokens  # the words are already normalised
    try:
        for doc in docs:
            builder.add({"r": str(doc.ref), **{name: list(words) for (name, _), words in zip(FIELDS, doc.words)}})
    finally:
        lunr_builder.Tokenizer = original
    return builder.build()


@pytest.fixture(scope="module")
def corpus_index(corpus_search):
    archive, docs, analyser = corpus_search
    return archive, docs, analyser, reference_index(docs, analyser)


def make_queries(archive, count: int) -> list[str]:
    """Words drawn from the corpus headlines (seeded): single words, every-word (+) and
    any-word queries, excluded words, prefixes, and words typed with a clitic."""
    rng = random.Random(20261201)
    words = sorted({w for a in archive.articles for w in tokens(a.title) if w not in COMMON_WORDS and len(w) > 2})
    queries = []
    while len(queries) < count:
        kind = len(queries) % 6
        a, b, c = rng.choice(words), rng.choice(words), rng.choice(words)
        if kind == 0:
            queries.append(a)
        elif kind == 1:
            queries.append(f"+{a} +{b}")
        elif kind == 2:
            queries.append(f"{a} {b} {c}")
        elif kind == 3:
            queries.append(f"{a} -{b}")
        elif kind == 4 and len(a) > 4:
            queries.append(a[:3] + "*")
        else:
            queries.append(rng.choice("وبل") + a)
    return queries


def run_in_node(site: Path, queries: list[str]) -> list[list]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    done = subprocess.run([node, str(HERE / "js" / "search_queries.js"), str(site)], input=json.dumps(queries),
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_weights_equal_lunr_builders(corpus_index):
    """Every weight the build writes is the one lunr.py's Builder computes, for every term."""
    archive, docs, analyser, reference = corpus_index
    index = build_index(docs, analyser)
    assert set(index.postings) == set(reference.inverted_index)
    digits = {ch: n for n, ch in enumerate(TERMINAL)} | {ch: n + 32 for n, ch in enumerate(CONTINUE)}

    def decode(text):
        out, n = [], 0
        for ch in text:
            v = digits[ch]
            if v < 32:
                out.append(n * 32 + v)
                n = 0
            else:
                n = n * 32 + v - 32
        return out

    names = [name for name, _ in FIELDS]
    checked = 0
    for term, coded in index.postings.items():
        numbers, at = decode(coded), 0
        term_index = reference.inverted_index[term]["_index"]
        while at < len(numbers):
            field, count, ref = names[numbers[at]], numbers[at + 1], 0
            at += 2
            for _ in range(count):
                ref += numbers[at]
                vector = reference.field_vectors[f"{field}/{ref}"]
                expected = dict(zip(vector.elements[::2], vector.elements[1::2]))[term_index]
                assert numbers[at + 1] / 1000 == pytest.approx(expected, abs=1e-9), (term, field, ref)
                at += 2
                checked += 1
    assert checked > 300_000


def test_queries_score_as_one_index(corpus_index, corpus_site):
    """Hundreds of queries: the same results, in the same order, scores within 1e-3."""
    archive, docs, analyser, reference = corpus_index
    queries = make_queries(archive, QUERIES)
    got = run_in_node(corpus_site, queries)
    nonempty = 0
    for query, results in zip(queries, got):
        expected = {r["ref"]: r["score"] for r in reference.search(query)}
        assert {ref for ref, _ in results} == set(expected), query
        for ref, score in results:
            assert score == pytest.approx(expected[ref], abs=1e-3), (query, ref)
        scores = [expected[ref] for ref, _ in results]
        assert all(a >= b - 1e-6 for a, b in zip(scores, scores[1:])), f"order differs for {query!r}"
        nonempty += bool(results)
    assert nonempty > QUERIES // 2
