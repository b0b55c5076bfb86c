"""Search: one pipeline in Python and JavaScript, a compact sharded Lunr index, and a search page that works from file://."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from lunr.pipeline import Pipeline

from arshif.model import Article, Paragraph
from arshif.pipeline import REPO_ROOT
from arshif.search import PIPELINE_LABELS, SearchDoc, build_index, compact
from arshif.text import normalise, stem, tokens

VECTORS = Path(__file__).parent / "data" / "search_vectors.json"
PAIRS = [
    ("بوتين", "لبوتين", "بُوتين", "بـوتين"),
    ("الناتو", "والناتو", "للناتو"),
    ("أوكرانيا", "اوكرانيا", "بأوكرانيا"),
    ("الإرهاب", "إرهاب", "الإرهابية"),
    ("مستشفى", "مستشفي"),
    ("مدرسة", "مدرسه"),
]


def test_pairs_reduce_to_one_token():
    for pair in PAIRS:
        assert len({stem(normalise(w)) for w in pair}) == 1, pair


def test_vectors_through_the_python_side():
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    assert len(vectors) > 3000 and len({kind for _, _, kind in vectors}) >= 25
    search_pipeline = Pipeline.load([PIPELINE_LABELS[0], PIPELINE_LABELS[2]])
    for word, token, kind in vectors:
        words = tokens(word)
        assert stem(words[0]) == token, (word, kind)
        assert search_pipeline.run_string(words[0]) == [token], (word, kind)  # lunr.py's own pipeline, by label


def test_vectors_through_the_javascript_side(repo_site):
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    result = subprocess.run(["node", str(Path(__file__).parent / "js" / "check_vectors.js"),
                             str(repo_site / "assets" / "arshif-text-data.js"), str(VECTORS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ", 0 failed" in result.stdout


def expand(c: dict) -> dict:
    """The inverse of search.compact, as assets/search.js does it."""
    inverted = [[term, {"_index": i, **{f: {} for f in c["f"]}}] for i, term in enumerate(c["t"])]
    vectors = []
    for field_number, ref, coded in c["x"]:
        field, flat, term = c["f"][field_number], [], 0
        for i in range(0, len(coded), 2):
            term += coded[i]
            flat += [term, coded[i + 1] / c["w"]]
            inverted[term][1][field][ref] = {}
        vectors.append([f"{field}/{ref}", flat])
    return {"invertedIndex": inverted, "fieldVectors": vectors}


def test_compact_index_expands_to_lunrs_own():
    docs = [SearchDoc(str(i), f"a{i}.html", "روسيا والناتو", "", "تاس", "", Article(str(i), "روسيا والناتو", (Paragraph(f"الإرهاب بوتين بوتين w{i}", 2),), Path("x")), "", "")
            for i in range(5)]
    original = build_index(docs)
    back = expand(compact(original))
    terms = {term: sorted(k for k, v in posting.items() if k != "_index" and v) for term, posting in original["invertedIndex"]}
    assert {term: sorted(k for k, v in posting.items() if k != "_index" and v) for term, posting in back["invertedIndex"]} == terms
    assert [t for t, _ in back["invertedIndex"]] == sorted(terms)  # still sorted, as lunr.TokenSet needs
    weights = {}
    names = {posting["_index"]: term for term, posting in original["invertedIndex"]}
    for key, flat in original["fieldVectors"]:
        weights[key] = {names[flat[i]]: flat[i + 1] for i in range(0, len(flat), 2)}
    sorted_terms = [t for t, _ in back["invertedIndex"]]
    for key, flat in back["fieldVectors"]:
        assert {sorted_terms[flat[i]]: flat[i + 1] for i in range(0, len(flat), 2)} == pytest.approx(weights[key], abs=0.006)
    assert compact(original)["p"] == list(PIPELINE_LABELS[::2])  # the search pipeline: normalise, stem


def test_search_files_in_the_site(repo_site):
    manifest = (repo_site / "search" / "manifest.js").read_text(encoding="utf-8")
    assert manifest.startswith("ARSHIF_SEARCH.manifest(")
    info = json.loads(manifest[len("ARSHIF_SEARCH.manifest("):-3])
    assert info == {"shards": 1, "articles": 3, "pipeline": list(PIPELINE_LABELS)}
    shard = (repo_site / "search" / "shard-0.js").read_text(encoding="utf-8")
    data = json.loads(shard[len("ARSHIF_SEARCH.add(0,"):-3])
    assert {d[0] for d in data["docs"].values()} == {p.relative_to(repo_site).as_posix() for p in (repo_site / "articles").glob("*.html")}
    assert "وت" in data["index"]["t"]  # بوتين, as the index holds it
    for page in ("index.html", "articles/000_d54b0313dd64e2d7.html"):
        assert 'name="q"' in (repo_site / page).read_text(encoding="utf-8")  # a search box on every page
