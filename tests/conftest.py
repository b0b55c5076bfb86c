"""Shared fixtures: small archives made in the test, and the real corpus built once per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from arshif.errors import Problems
from arshif.pipeline import REPO_ROOT, build

SHARED = REPO_ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def write_archive(root: Path, seeds: dict[str, str] | None = None, metadata: str | None = None,
                  articles: dict[str, str] | None = None, pages: dict[str, str] | None = None,
                  toml: str | None = None) -> Path:
    """Make an archive folder from strings: {file name: text}."""
    for folder, files in (("seeds", seeds), ("content/articles", articles), ("content/pages", pages)):
        for name, text in (files or {}).items():
            path = root / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if metadata is not None:
        (root / "content").mkdir(parents=True, exist_ok=True)
        (root / "content" / "metadata.csv").write_text(metadata, encoding="utf-8")
    if toml is not None:
        (root / "archive.toml").write_text(toml, encoding="utf-8")
    return root


SEED_TEXT = "عنوان المقال الأول\nالفقرة الأولى من المقال.\n\nالفقرة الثانية من المقال.\n"


@pytest.fixture
def small_archive(tmp_path) -> Path:
    return write_archive(
        tmp_path / "archive",
        seeds={"001_a.txt": SEED_TEXT, "002_b.txt": "عنوان المقال الثاني\nنص المقال الثاني.\n"},
        metadata="file,source,date,url,author\n001_a.txt,okaz,2015-08-01,https://example.com/a,كاتب\n002_b.txt,sabq,2015-07-20,,\n",
    )


@pytest.fixture(scope="session")
def repo_site(tmp_path_factory) -> Path:
    """The repository's own archive, built once."""
    out = tmp_path_factory.mktemp("repo") / "site"
    build(REPO_ROOT, out)
    return out


@pytest.fixture(scope="session")
def corpus_archive(tmp_path_factory) -> Path:
    """An archive folder over the 2,000 real articles (read in place, never copied into the repo)."""
    if not (CORPUS / "articles").is_dir():
        pytest.skip("../shared/corpus is not here")
    root = tmp_path_factory.mktemp("corpus") / "archive"
    (root / "content").mkdir(parents=True)
    os.symlink(CORPUS / "articles", root / "seeds")
    shutil.copy(CORPUS / "metadata.csv", root / "content" / "metadata.csv")
    return root


@pytest.fixture(scope="session")
def corpus_site(corpus_archive, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus-site") / "site"
    result = build(corpus_archive, out)
    assert result.articles == 2000
    return out


def no_problems() -> Problems:
    return Problems()


@pytest.fixture(scope="session")
def corpus_search(corpus_archive):
    """The corpus as the index step sees it: (archive, search documents, analyser)."""
    from arshif.load import load_archive
    from arshif.pipeline import enrich
    from arshif.search import analyse, build_index, search_docs

    problems = Problems()
    archive = enrich(load_archive(corpus_archive, problems), problems)
    docs = search_docs(archive)
    words, analyser = analyse(docs)
    build_index(docs, analyser, words)  # also tells the analyser how many documents hold each term
    return archive, docs, analyser
