#!/usr/bin/env python3
"""Benchmark arshif against Pelican and Hugo, and arshif's search beside Pagefind's, on the same real articles.

Run from the repository root:

    .venv/bin/python bench/benchmark.py                   # all 20,000 articles, with Pelican and Hugo
    .venv/bin/python bench/benchmark.py --articles 2000   # only the first 2,000
    .venv/bin/python bench/benchmark.py --corpus ../shared/corpus --skip-hugo
    .venv/bin/python bench/benchmark.py --json /tmp/bench.json
    .venv/bin/python bench/benchmark.py --no-entities --skip-matcher   # plain pages, no matcher section
    .venv/bin/python bench/benchmark.py --skip-search     # no search section (no Chromium needed)
    .venv/bin/python bench/benchmark.py --search-only     # the search section alone: arshif beside Pagefind
    .venv/bin/python bench/benchmark.py --scale-only      # arshif beside Hugo at 2,000, 20,000 and 100,000 articles
    .venv/bin/python bench/benchmark.py --scale-only --sizes 2000,20000 --skip-serve

What it does:
1. Unpacks the corpus (by default ../shared/corpus/bench-20k.tar.xz) into a temporary
   folder outside the repository; the corpus licence forbids copying it into the repo.
2. Lays the first N articles out as an arshif archive (seeds/ + content/metadata.csv, and
   the repository's content/entities.toml unless --no-entities), builds it with build.py
   in a fresh subprocess, and reports time, peak memory, output size and file count.
3. Rebuilds with no change, then after appending a paragraph to one article.
4. Converts the same articles to Pelican and Hugo input, builds each with its own tool,
   measured the same way, and prints arshif's time as a ratio to theirs.
5. Measures the entity matcher alone: MB of article text per second that Matcher.find
   gets through on one core, with 1,000, 10,000 and 50,000 aliases (skip: --skip-matcher).
6. Scale (skip: --skip-scale): at each of --sizes (default 2,000, 20,000 and 100,000: the
   first 2,000 of the corpus, all of it, and five copies of it with new ids, dates shifted
   by whole years and a marker word ending each copy's headline), arshif and then Hugo:
   full build, no-change and one-edit rebuilds from the CLI, and their preview servers
   (`build.py serve`, `hugo server`; skip: --skip-serve) from saving an edit to the page
   showing it over http; peak memory, output size and files; ratios to Hugo, and the time
   per article at each size, flagged where the largest size's is over 1.3x a smaller one's.
7. Measures arshif's client-side search beside Pagefind 1.6 (skip: --skip-search) on
   three sets: the 2,000 untarred articles of ../shared/corpus, the articles of step 2
   and five copies of those (100,000, the scale section's site when it built it; skip:
   --skip-100k): bytes per query session over
   http and from file://, time to first results, query time, JS heap, index size and
   index build time on one core, precision@10 of 40 queries drawn from the headlines,
   and spelling variants that must give the same results (see bench/README.md).
8. Prints summary tables and, with --json PATH, writes them as JSON.

Pelican: .venv/bin/pip install 'pelican[markdown]==4.12.0'.  Hugo: apt-get install -y hugo.
Pagefind: npm ci (a devDependency).  A missing tool is skipped with a note; this is a
benchmark, not a test.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import functools
import gzip
import html
import http.client
import importlib.util
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as bench/benchmark.py, the repo root is not on the path

from arshif.enrich.matcher import Matcher  # noqa: E402
from arshif.errors import Problems  # noqa: E402
from arshif.load.entities import load_entities  # noqa: E402
from arshif.text import COMMON_WORDS, normalise, tokens  # noqa: E402

try:  # the browser part of the search section needs it; without it that part is skipped with a note
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:
    PlaywrightError = PlaywrightTimeout = RuntimeError

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "bench-20k.tar.xz"
ENTITIES_FILE = REPO / "content" / "entities.toml"  # the curated list the product ships with
HOME_PAGE_SIZE = 20  # arshif's default home_page_size; the other tools use the same
LIST_PAGE_SIZE = 50  # arshif's default list_page_size (month lists)
FEED_SIZE = 50  # arshif's default feed_size
REBUILD_TARGET_SECONDS = 2.0
APPENDED_PARAGRAPH = "فقرة أضيفت لقياس إعادة البناء بعد تغيير مقال واحد."
LOG_TAIL_LINES = 15
MATCHER_TARGET_MB_PER_SECOND = 8.0
MATCHER_ALIAS_COUNTS = (1_000, 10_000, 50_000)  # 10,000 is the figure the target is for
MATCHER_TARGET_ALIASES = 10_000
SYNTHETIC_ALIAS_SEED = 20_000  # fixed, so every run times the same aliases
SYNTHETIC_DRAWS_PER_ALIAS = 20  # give up drawing after this many tries per alias wanted
SEARCH_CORPUS = REPO.parent / "shared" / "corpus"  # the 2,000 untarred articles: the small search set
SEARCH_COPIES = 5  # the large search set: five copies of the articles built (100,000 of the 20,000)
SEARCH_QUERY_SEED = 2026  # fixed, so every run asks the same queries
SEARCH_KINDS = ("names", "topics", "phrases", "quoted")
SEARCH_QUERIES_PER_KIND = 10
VARIANT_KINDS = (("hamza", 4), ("alef maqsura", 3), ("ta marbuta", 4), ("clitic و", 3))  # 14 pairs
PRECISION_AT = 10
HEAP_QUERIES = 10
MB = 1024 * 1024
SEARCH_TARGETS = {
    "session_bytes": 300 * 1024,  # median bytes of a query session, small and main set
    "session_growth": 1.2,  # the main set's median at most 1.2x the small set's
    "session_bytes_copies": 400 * 1024,  # the 100,000
    "first_results_ms": 300,
    "query_ms": 50,
    "heap_bytes": 30 * MB,
    "index_bytes_per_article": 2 * 1024,
    "index_build_seconds": 5.0,  # the main set (20,000), one core
}
SEARCH_TIMEOUT_MS = 120_000
PAGEFIND_TIMEOUT_SECONDS = 1800.0
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 # without it performance.memory is rounded to coarse buckets and cached for 20 minutes
                 "--enable-precise-memory-info"]

# Runs one command and reports its wall time and peak RSS as JSON. It runs in its own
# process so RUSAGE_CHILDREN covers exactly one tool: ru_maxrss of children is a
# high-water mark that never goes down, so measuring from the benchmark process itself
# would carry the largest earlier tool's peak into every later figure.
MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    result_path, command = sys.argv[1], sys.argv[2:]
    started = time.perf_counter()
    code = subprocess.call(command)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    with open(result_path, "w") as handle:
        json.dump({"seconds": seconds, "peak_kb": peak_kb, "returncode": code}, handle)
    """
)


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    paragraphs: tuple[str, ...]
    date: str
    author: str
    source: str


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    returncode: int
    log: Path


@dataclass
class Result:
    """One row of the summary table."""

    tool: str
    status: str = "ok"  # "ok", "failed" or "skipped"
    note: str = ""
    articles: int = 0
    seconds: float | None = None
    articles_per_second: float | None = None
    peak_mb: float | None = None
    output_mb: float | None = None
    files: int | None = None
    article_pages: int | None = None  # pages found for the input articles
    extra: dict = field(default_factory=dict)


# -- the corpus -----------------------------------------------------------------


def corpus_folder(corpus: Path, scratch: Path) -> Path:
    """The folder holding articles/ and metadata.csv; a .tar.xz is unpacked into scratch first."""
    if corpus.is_dir():
        return _folder_with_metadata(corpus)
    if not corpus.is_file():
        raise SystemExit(f"error: corpus not found: {corpus}\n  fix: give --corpus a .tar.xz or a folder with articles/ and metadata.csv")
    target = scratch / "corpus"
    print(f"unpacking {corpus} ...", flush=True)
    with tarfile.open(corpus) as archive:
        archive.extractall(target, filter="data")
    return _folder_with_metadata(target)


def _folder_with_metadata(root: Path) -> Path:
    for candidate in [root, *sorted(p.parent for p in root.glob("*/metadata.csv"))]:
        if (candidate / "metadata.csv").is_file() and (candidate / "articles").is_dir():
            return candidate
    raise SystemExit(f"error: no metadata.csv beside an articles/ folder in {root}")


def read_rows(folder: Path, limit: int | None) -> tuple[list[str], list[dict]]:
    """The CSV header and the first `limit` rows, in the corpus's own order."""
    with open(folder / "metadata.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    if limit is not None and limit > len(rows):
        raise SystemExit(f"error: --articles {limit}, but the corpus has only {len(rows)}")
    return list(reader.fieldnames or []), rows[:limit] if limit else rows


def read_article(folder: Path, row: dict) -> Article:
    """Line 1 the headline, each further non-empty line a paragraph."""
    text = (folder / "articles" / row["file"]).read_text(encoding="utf-8-sig")
    lines = [line.strip() for line in text.split("\n")]
    return Article(
        id=Path(row["file"]).stem,
        title=lines[0],
        paragraphs=tuple(line for line in lines[1:] if line),
        date=row["date"],
        author=row["author"].strip(),
        source=row["source"],
    )


# -- measuring ------------------------------------------------------------------


def measure(command: list[str], log: Path, cwd: Path | None = None) -> Run:
    """Run `command` via the MEASURE wrapper; its output goes to `log`."""
    result_path = log.with_suffix(".json")
    with open(log, "w") as output:
        subprocess.run([sys.executable, "-c", MEASURE, str(result_path), *command], stdout=output, stderr=subprocess.STDOUT, cwd=cwd, check=False)
    measured = json.loads(result_path.read_text())
    return Run(measured["seconds"], measured["peak_kb"] / 1024, measured["returncode"], log)


def tree_size(folder: Path) -> tuple[int, int]:
    """(bytes, files): the sum of file sizes, like `du --apparent-size`, and the file count."""
    total = count = 0
    for directory, _, names in os.walk(folder):
        for name in names:
            total += os.lstat(os.path.join(directory, name)).st_size
            count += 1
    return total, count


def log_tail(log: Path, skip: re.Pattern | None = None) -> str:
    """The log's last lines (those `skip` does not match), indented."""
    lines = [line for line in log.read_text(errors="replace").splitlines() if not (skip and skip.search(line))]
    return "\n".join("    " + line for line in lines[-LOG_TAIL_LINES:])


def fill_result(result: Result, run: Run, out: Path, pages_found: int) -> Result:
    if run.returncode != 0:
        result.status = "failed"
        result.note = f"exit status {run.returncode}; log: {run.log}"
        print(f"  {result.tool} FAILED (exit {run.returncode}); last lines of {run.log}:\n{log_tail(run.log)}")
    size, files = tree_size(out) if out.is_dir() else (0, 0)
    result.seconds = run.seconds
    result.articles_per_second = result.articles / run.seconds if run.seconds else None
    result.peak_mb = run.peak_mb
    result.output_mb = size / 1e6
    result.files = files
    result.article_pages = pages_found
    if result.status == "ok" and pages_found != result.articles:
        result.note = f"only {pages_found} of {result.articles} article pages found"
    print(f"  {result.tool}: {run.seconds:.2f} s, {result.articles_per_second or 0:,.0f} articles/s, "
          f"peak {run.peak_mb:,.0f} MB, output {result.output_mb:,.1f} MB in {files:,} files", flush=True)
    return result


def count_existing(out: Path, relative_paths: list[str]) -> int:
    return sum(1 for rel in relative_paths if (out / rel).is_file())


# -- arshif ---------------------------------------------------------------------


def arrange_archive(folder: Path, header: list[str], rows: list[dict], scratch: Path, with_entities: bool) -> Path:
    """seeds/ holds copies (not links), so the rebuild test's edit never touches the corpus."""
    archive = scratch / "archive"
    seeds = archive / "seeds"
    content = archive / "content"
    seeds.mkdir(parents=True)
    content.mkdir()
    for row in rows:
        shutil.copyfile(folder / "articles" / row["file"], seeds / row["file"])
    # Only the chosen rows: arshif rightly rejects a row whose file is not in seeds/.
    write_content(content, header, rows, with_entities)
    return archive


# The corpus's source ids (../shared/corpus/SOURCE.md) and the names Arabic readers know them by:
# a curated archive names its sources (check warns of one it does not), so the benchmark's does.
SOURCE_NAMES = {
    "alriyadh": "جريدة الرياض", "aljazirah": "صحيفة الجزيرة", "aawsat": "الشرق الأوسط", "alyaum": "صحيفة اليوم",
    "okaz": "صحيفة عكاظ", "aleqtisadiya": "الاقتصادية", "3alyoum": "عاليوم", "alwatan": "صحيفة الوطن",
    "alweeam": "صحيفة الوئام", "sabq": "صحيفة سبق", "almadina": "صحيفة المدينة", "was": "وكالة الأنباء السعودية (واس)",
    "arreyadi": "الرياضي", "arriyadiyah": "الرياضية",
}


def write_content(content: Path, header: list[str], rows: list[dict], with_entities: bool) -> None:
    """content/metadata.csv with the rows, archive.toml naming the sources, and the repository's
    entity list when asked (the entity step, entity pages and linked mentions, is part of a real build)."""
    with open(content / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    names = "".join(f'"{key}" = {toml_string(name)}\n' for key, name in sorted(SOURCE_NAMES.items()))
    (content.parent / "archive.toml").write_text("[sources]\n" + names, encoding="utf-8")
    if with_entities:
        shutil.copyfile(ENTITIES_FILE, content / "entities.toml")


def entity_ids(archive: Path) -> list[str]:
    """Ids in the archive's entities.toml, or none without one; read here so a broken file shows in arshif's log, not ours."""
    path = archive / "content" / "entities.toml"
    if not path.is_file():
        return []
    return [entity.id for entity in load_entities(path, Problems())]


def entity_output(out: Path, ids: list[str], articles: list[Article]) -> dict:
    """What the entity step left in the site: a page per entity, the index, linked mentions in article pages."""
    linked = [_linked_mentions(out / f"articles/{a.id}.html") for a in articles]
    named = _named_entities(out, ids)  # an entity no article names has no page (a dead end for a reader)
    return {
        "entities": len(ids),
        "named_entities": len(named),
        "entity_pages": count_existing(out, [f"entities/{i}.html" for i in named]),
        "entity_index": (out / "entities/index.html").is_file(),
        "linked_mentions": sum(linked),
        "articles_with_links": sum(1 for n in linked if n),
    }


def _named_entities(out: Path, ids: list[str]) -> list[str]:
    """The entities some article names, from the site's manifest.json."""
    try:
        found = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["entities"]
    except (OSError, ValueError, KeyError):
        return ids
    return [i for i in ids if found.get(i, {}).get("count")]


def _linked_mentions(page: Path) -> int:
    # The class templates/_segments.html gives a mention's link; the tag list under an article has none.
    return page.read_text(encoding="utf-8").count('<a class="entity"') if page.is_file() else 0


def report_entity_output(result: Result, figures: dict) -> None:
    result.extra["entity_output"] = figures
    print(f"  entity pages: {figures['entity_pages']:,} of the {figures['named_entities']:,} named of {figures['entities']:,} entities"
          f"{'' if figures['entity_index'] else ', NO entities/index.html'}; "
          f"{figures['linked_mentions']:,} linked mentions in {figures['articles_with_links']:,} article pages")
    if result.status != "ok":
        return
    if figures["entity_pages"] != figures["named_entities"] or not figures["entity_index"]:
        result.note = (result.note + "; " if result.note else "") + f"only {figures['entity_pages']} of {figures['named_entities']} entity pages found"


def arshif_command(archive: Path, out: Path) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), str(archive), "--out", str(out), "--quiet"]


def bench_arshif(archive: Path, articles: list[Article], scratch: Path) -> Result:
    ids = entity_ids(archive)
    with_what = f"with {len(ids):,} entities from content/entities.toml" if ids else "without entities"
    print(f"arshif: building {len(articles):,} articles {with_what} ...", flush=True)
    out = scratch / "out-arshif"
    run = measure(arshif_command(archive, out), scratch / "arshif-build.log", cwd=REPO)
    result = fill_result(Result("arshif", articles=len(articles)), run, out, count_existing(out, [f"articles/{a.id}.html" for a in articles]))
    result.extra["entities"] = len(ids)
    if ids:
        report_entity_output(result, entity_output(out, ids, articles))
    cache = out.parent / f".{out.name}.arshif-cache"  # kept beside the output, not in it
    if cache.is_file():
        result.extra["cache_mb"] = cache.stat().st_size / 1e6
        print(f"  arshif's build cache beside the output: {result.extra['cache_mb']:,.1f} MB")
    warnings = [line for line in run.log.read_text(errors="replace").splitlines() if line.strip()]
    if warnings and run.returncode == 0:
        result.note = (result.note + "; " if result.note else "") + f"{len(warnings)} line(s) of warnings; see {run.log}"
        print(f"  arshif printed {len(warnings)} line(s) of warnings, first: {warnings[0]}")
    return result


def bench_rebuilds(archive: Path, articles: list[Article], scratch: Path) -> dict:
    """Same build again with no change, then after one article gains a paragraph."""
    out = scratch / "out-arshif"
    print("arshif: rebuild with no change ...", flush=True)
    unchanged = measure(arshif_command(archive, out), scratch / "arshif-rebuild-unchanged.log", cwd=REPO)
    changed = articles[len(articles) // 2]
    changed_file = archive / "seeds" / f"{changed.id}.txt"
    with open(changed_file, "a", encoding="utf-8") as handle:
        handle.write(APPENDED_PARAGRAPH + "\n")
    print(f"arshif: rebuild after appending a paragraph to {changed_file.name} ...", flush=True)
    one_changed = measure(arshif_command(archive, out), scratch / "arshif-rebuild-one-changed.log", cwd=REPO)
    # A fast rebuild is worthless if it serves the old page, so check the edit shows.
    page = out / f"articles/{changed.id}.html"
    edit_shown = page.is_file() and APPENDED_PARAGRAPH in page.read_text(encoding="utf-8")
    if not edit_shown:
        print(f"  PROBLEM: after the rebuild, {page} does not show the appended paragraph")
    figures = {"unchanged_seconds": unchanged.seconds, "one_changed_seconds": one_changed.seconds,
               "unchanged_peak_mb": unchanged.peak_mb, "one_changed_peak_mb": one_changed.peak_mb,
               "unchanged_returncode": unchanged.returncode, "one_changed_returncode": one_changed.returncode,
               "edit_shown": edit_shown, "target_seconds": REBUILD_TARGET_SECONDS, "changed_article": changed.id}
    for label, run in (("no change", unchanged), ("one article changed", one_changed)):
        verdict = "within" if run.seconds < REBUILD_TARGET_SECONDS else "over"
        status = "" if run.returncode == 0 else f"  FAILED (exit {run.returncode}):\n{log_tail(run.log)}"
        print(f"  rebuild, {label}: {run.seconds:.2f} s ({verdict} the {REBUILD_TARGET_SECONDS:.0f} s target){status}")
    return figures


# -- Markdown shared by Pelican and Hugo ------------------------------------------


def markdown_paragraph(text: str) -> str:
    """Keep a paragraph a plain paragraph: escape what would start a heading, list, quote or rule."""
    if text[:1] in "#>-+*=_|":
        return "\\" + text
    digits = len(text) - len(text.lstrip("0123456789"))
    if 0 < digits < len(text) and text[digits] in ".)":
        return text[:digits] + "\\" + text[digits:]
    return text


def markdown_body(article: Article) -> str:
    return "\n\n".join(markdown_paragraph(p) for p in article.paragraphs) + "\n"


# -- Pelican --------------------------------------------------------------------

# Kept comparable to arshif's output: article pages, a home list paginated by 20,
# the archives page and one feed of 50. Each article's category is its source, so the
# category lists stand in for arshif's month lists (one more paginated list of every
# article). Author pages are off: arshif makes none, and the corpus has thousands of
# bylines. (Emptying CATEGORY_SAVE_AS instead breaks Pelican's default theme.)
PELICAN_CONF = f"""\
SITENAME = "أرشيف الأخبار"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "ar"
RELATIVE_URLS = True
DEFAULT_PAGINATION = {HOME_PAGE_SIZE}
FEED_MAX_ITEMS = {FEED_SIZE}
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
"""


def pelican_missing() -> str | None:
    if importlib.util.find_spec("pelican") is None:
        return "Pelican is not installed: .venv/bin/pip install 'pelican[markdown]==4.12.0'"
    if importlib.util.find_spec("markdown") is None:  # without it Pelican silently ignores .md files
        return "Python-Markdown is missing, so Pelican would skip every .md file: .venv/bin/pip install 'pelican[markdown]==4.12.0'"
    return None


def pelican_markdown(article: Article) -> str:
    header = [f"Title: {article.title}", f"Date: {article.date}", f"Slug: {article.id}", f"Category: {article.source}"]
    if article.author:
        header.append(f"Author: {article.author}")
    return "\n".join(header) + "\n\n" + markdown_body(article)


def write_pelican_site(articles: list[Article], scratch: Path) -> Path:
    site = scratch / "pelican"
    content = site / "content"
    content.mkdir(parents=True)
    (site / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    for article in articles:
        (content / f"{article.id}.md").write_text(pelican_markdown(article), encoding="utf-8")
    return site


def bench_pelican(articles: list[Article], scratch: Path) -> Result:
    missing = pelican_missing()
    if missing:
        return skipped("Pelican", missing, len(articles))
    site = write_pelican_site(articles, scratch)
    out = site / "output"
    print(f"Pelican: building {len(articles):,} articles ...", flush=True)
    command = [sys.executable, "-m", "pelican", "content", "-o", str(out), "-s", "pelicanconf.py", "-q", "--log-handler", "plain"]
    run = measure(command, scratch / "pelican-build.log", cwd=site)
    return fill_result(Result("Pelican", articles=len(articles)), run, out, count_existing(out, [f"{a.id}.html" for a in articles]))


# -- Hugo -----------------------------------------------------------------------

# Comparable to arshif's output: one page per article, a home list paginated by 20,
# a section list paginated by 50 (like arshif's month lists) and feeds of 50 items.
# Taxonomy and sitemap pages are turned off because arshif makes none without base_url.
HUGO_CONFIG = f"""\
baseURL = "/"
title = "أرشيف الأخبار"
languageCode = "ar"
defaultContentLanguage = "ar"
relativeURLs = true
paginate = {HOME_PAGE_SIZE}
rssLimit = {FEED_SIZE}
disableKinds = ["taxonomy", "term", "sitemap", "robotsTXT"]
"""

HUGO_HEAD = """<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | {{ .Site.Title }}</title></head><body>
<nav><a href="{{ "/" | relURL }}">الرئيسية</a> <a href="{{ "/posts/" | relURL }}">الأرشيف</a></nav>
"""

HUGO_ITEMS = """<ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time>
<p>{{ .Summary }}</p></li>{{ end }}
</ul>
"""

HUGO_LAYOUTS = {
    "_default/single.html": HUGO_HEAD + """<article><h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time>{{ with .Params.author }} · {{ . }}{{ end }}</p>
{{ .Content }}</article>
<nav>{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }} {{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</body></html>
""",
    "_default/list.html": HUGO_HEAD + "<h1>{{ .Title }}</h1>\n{{ $pager := .Paginate .Pages " + str(LIST_PAGE_SIZE) + " }}{{ with $pager }}"
    + HUGO_ITEMS + "{{ end }}{{ template \"_internal/pagination.html\" . }}\n</body></html>\n",
    # Every regular page is a post here. A `where` filter would be run again on each of
    # the 1,000 home pages (about 40 ms each for 20,000 articles): unfair to Hugo.
    "index.html": HUGO_HEAD + "<h1>{{ .Site.Title }}</h1>\n{{ $pager := .Paginate .Site.RegularPages }}{{ with $pager }}"
    + HUGO_ITEMS + "{{ end }}{{ template \"_internal/pagination.html\" . }}\n</body></html>\n",
}


def toml_string(text: str) -> str:
    """A TOML basic string: quote, backslash and control characters escaped."""
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def hugo_markdown(article: Article) -> str:
    front = [f"title = {toml_string(article.title)}", f"date = {article.date}", f"slug = {toml_string(article.id)}"]
    if article.author:
        front.append(f"author = {toml_string(article.author)}")
    return "+++\n" + "\n".join(front) + "\n+++\n\n" + markdown_body(article)


def write_hugo_site(articles: list[Article], scratch: Path) -> Path:
    site = scratch / "hugo"
    posts = site / "content" / "posts"
    posts.mkdir(parents=True)
    (site / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for relative, template in HUGO_LAYOUTS.items():
        path = site / "layouts" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template, encoding="utf-8")
    for article in articles:
        (posts / f"{article.id}.md").write_text(hugo_markdown(article), encoding="utf-8")
    return site


def hugo_command(hugo: str, site: Path, out: Path) -> list[str]:
    return [hugo, "--source", str(site), "--destination", str(out), "--quiet"]


def bench_hugo(articles: list[Article], scratch: Path) -> Result:
    hugo = shutil.which("hugo")
    if hugo is None:
        return skipped("Hugo", "Hugo is not installed: apt-get update && apt-get install -y hugo", len(articles))
    site = write_hugo_site(articles, scratch)
    out = scratch / "out-hugo"
    version = subprocess.run([hugo, "version"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"Hugo: building {len(articles):,} articles with {version.split(' ')[1] if version else 'hugo'} ...", flush=True)
    run = measure(hugo_command(hugo, site, out), scratch / "hugo-build.log", cwd=site)
    result = fill_result(Result("Hugo", articles=len(articles)), run, out, count_existing(out, [f"posts/{a.id}/index.html" for a in articles]))
    result.extra["version"] = version
    return result


# -- the entity matcher alone -----------------------------------------------------

# One alias list per size. The repo's real aliases come first; synthetic ones fill the
# rest, drawn as 1-3 consecutive words at random places in the corpus text, so they
# start with words the text really uses, as names do, and the matcher's cheap "can a
# name start here?" test passes as often as it would on a real list this long. Words
# from COMMON_WORDS and numbers are skipped: no curator would list them as names.


def real_alias_entries() -> list[tuple[str, str, bool]]:
    """(alias, entity id, is adjective) for every alias and adjective in the repo's entities.toml."""
    entries = []
    for entity in load_entities(ENTITIES_FILE, Problems()):
        entries += [(alias, entity.id, False) for alias in entity.aliases]
        entries += [(adjective, entity.id, True) for adjective in entity.adjectives]
    return entries


def synthetic_aliases(paragraphs: list[str], count: int, taken: set[tuple[str, ...]]) -> list[str]:
    """`count` distinct name-like word sequences from the corpus, the same ones on every run
    (fewer if a small --articles leaves too few: the draws are capped so it always ends)."""
    rng = random.Random(SYNTHETIC_ALIAS_SEED)
    found: list[str] = []
    seen = set(taken)
    for _ in range(count * SYNTHETIC_DRAWS_PER_ALIAS):
        if len(found) == count:
            break
        words = tokens(rng.choice(paragraphs))
        if not words:
            continue
        length = rng.randint(1, 3)
        start = rng.randrange(len(words))
        chosen = tuple(words[start : start + length])
        if chosen in seen or not all(_name_like(w) for w in chosen):
            continue
        seen.add(chosen)
        found.append(" ".join(chosen))
    return found


def _name_like(word: str) -> bool:
    return len(word) > 1 and word.isalpha() and word not in COMMON_WORDS


def alias_lists(paragraphs: list[str], sizes: tuple[int, ...]) -> dict[int, list[tuple[str, str, bool]]]:
    """For each size, the real aliases topped up with synthetic ones; a smaller list is the start of a larger."""
    real = real_alias_entries()
    fill = synthetic_aliases(paragraphs, max(sizes) - min(len(real), max(sizes)), {tuple(tokens(a)) for a, _, _ in real})
    synthetic = [(alias, f"synthetic-{n}", False) for n, alias in enumerate(fill)]
    return {size: (real + synthetic)[:size] for size in sizes}


def time_matcher(entries: list[tuple[str, str, bool]], paragraphs: list[str], megabytes: float) -> dict:
    """One pass of Matcher.find over every paragraph, in this process, on one core."""
    started = time.perf_counter()
    matcher = Matcher(entries)
    built = time.perf_counter()
    matches = sum(len(matcher.find(text)) for text in paragraphs)
    seconds = time.perf_counter() - built
    speed = megabytes / seconds
    return {"aliases": len(entries), "synthetic_aliases": sum(1 for _, e, _ in entries if e.startswith("synthetic-")),
            "build_seconds": built - started, "megabytes": megabytes, "seconds": seconds,
            "mb_per_second": speed, "matches": matches, "meets_target": speed >= MATCHER_TARGET_MB_PER_SECOND}


def corpus_paragraphs(folder: Path, rows: list[dict]) -> list[str]:
    """Each non-empty line of each article file (headline included), as the build hands them to the matcher."""
    lines = []
    for row in rows:
        text = (folder / "articles" / row["file"]).read_text(encoding="utf-8-sig")
        lines += [line.strip() for line in text.split("\n") if line.strip()]
    return lines


def bench_matcher(folder: Path, rows: list[dict]) -> dict:
    paragraphs = corpus_paragraphs(folder, rows)
    megabytes = sum(len(p.encode("utf-8")) for p in paragraphs) / 1e6
    print(f"matcher: drawing up to {max(MATCHER_ALIAS_COUNTS):,} aliases; timing Matcher.find over "
          f"{len(paragraphs):,} paragraphs ({megabytes:,.1f} MB) on one core ...", flush=True)
    lists = alias_lists(paragraphs, MATCHER_ALIAS_COUNTS)
    runs = [time_matcher(lists[size], paragraphs, megabytes) for size in MATCHER_ALIAS_COUNTS]
    for run in runs:
        print("  " + matcher_line(run), flush=True)
    return {"target_mb_per_second": MATCHER_TARGET_MB_PER_SECOND, "target_aliases": MATCHER_TARGET_ALIASES,
            "synthetic_seed": SYNTHETIC_ALIAS_SEED, "paragraphs": len(paragraphs), "runs": runs}


def matcher_line(run: dict) -> str:
    verdict = "meets" if run["meets_target"] else "MISSES"
    return (f"{run['aliases']:,} aliases ({run['synthetic_aliases']:,} synthetic): {run['megabytes']:,.1f} MB in "
            f"{run['seconds']:.2f} s = {run['mb_per_second']:.2f} MB/s, {run['matches']:,} matches; "
            f"{verdict} the {MATCHER_TARGET_MB_PER_SECOND:.0f} MB/s target")


# -- search: arshif beside Pagefind -------------------------------------------------
#
# Three sets of articles: the 2,000 of --search-corpus, the articles built above (20,000
# by default) and 100,000 made from those: five copies, each with new ids and file names,
# dates shifted by whole years and a marker word at the end of the headline. Each set is
# built with arshif (search.html, the index under search/) and, for Pagefind, written as
# one plain HTML page per article and indexed by `pagefind --site`. One query set, drawn
# with a fixed seed from the headlines of the articles built above, runs on every site.


@dataclass(frozen=True)
class Query:
    kind: str  # one of SEARCH_KINDS
    text: str  # as typed in the search box
    source: str  # id of the article whose headline it came from: it holds every word


@dataclass(frozen=True)
class VariantPair:
    kind: str  # one of the VARIANT_KINDS
    first: str
    second: str


@dataclass
class SearchSet:
    """One set of articles, built with arshif and written for Pagefind."""

    key: str  # "2k", "20k", "100k": the column names and the JSON keys
    articles: list[Article]
    work: Path  # everything for this set lives under it
    archive: Path | None = None  # arshif's input
    out: Path | None = None  # arshif's site
    build: dict = field(default_factory=dict)  # how the arshif site was made
    role: str = ""  # "small", "main" or "copies"
    _texts: dict | None = None

    @property
    def label(self) -> str:
        return f"{len(self.articles):,} articles"

    def texts(self) -> dict[str, Article]:
        if self._texts is None:
            self._texts = {a.id: a for a in self.articles}
        return self._texts


def set_key(count: int) -> str:
    return f"{count // 1000}k" if count >= 1000 and count % 1000 == 0 else f"{count:,}"


# -- the query set ------------------------------------------------------------------

_SURFACE_WORD = re.compile(r"[^\W_]+")


@functools.cache
def _kept(char: str) -> bool:
    return bool(normalise(char))  # diacritics, tatweel and invisible marks normalise to nothing


def surface_words(text: str) -> list[str]:
    """The words as written (hamza, ى and ة kept), without diacritics, tatweel or invisible marks."""
    return _SURFACE_WORD.findall("".join(ch for ch in text if _kept(ch)))


def _norm(word: str) -> str:
    found = tokens(word)
    return found[0] if len(found) == 1 else ""


_CLITIC_STARTS = ("وال", "فال", "بال", "كال", "لل", "ولل", "فلل")


def clean_word(word: str, vocabulary: Counter) -> bool:
    """A word as it would be typed on its own: not a proclitic glued to a word the headlines also
    use bare (والنفط, بروسيا), so that "the query word, maybe after a proclitic" judges it fairly."""
    if len(word) < 2 or word.startswith(_CLITIC_STARTS):
        return False
    return not (word[0] in "وفبكل" and len(word) >= 4 and vocabulary[word[1:]] > 0)


def _headlines(articles: list[Article]) -> list[tuple[str, list[str], list[str]]]:
    """(id, surface words, normalised words) of each headline, in a fixed order."""
    rows = []
    for article in sorted(articles, key=lambda a: a.id):
        words = surface_words(article.title)
        norms = [_norm(w) for w in words]
        if all(norms):
            rows.append((article.id, words, norms))
    return rows


def draw_queries(articles: list[Article], per_kind: int) -> list[Query]:
    """`per_kind` queries of each kind, the same on every run (random.Random(SEARCH_QUERY_SEED)),
    interleaved: names, topic word, phrase, quoted phrase, names, ..."""
    rng = random.Random(SEARCH_QUERY_SEED)
    headlines = _headlines(articles)
    vocabulary = Counter(w for _, _, norms in headlines for w in set(norms))
    by_kind = {"names": _draw_names(rng, headlines, per_kind), "topics": _draw_topics(rng, headlines, vocabulary, per_kind),
               "phrases": _draw_phrases(rng, headlines, vocabulary, per_kind),
               "quoted": _draw_quoted(rng, headlines, vocabulary, per_kind)}
    ordered, seen = [], set()
    for number in range(per_kind):
        for kind in SEARCH_KINDS:
            if number < len(by_kind[kind]) and by_kind[kind][number].text not in seen:
                seen.add(by_kind[kind][number].text)
                ordered.append(by_kind[kind][number])
    return ordered


def _draw_names(rng: random.Random, headlines, count: int) -> list[Query]:
    """Aliases of content/entities.toml that headlines use (half one word, half several), as written there."""
    entity_of = {}
    for entity in load_entities(ENTITIES_FILE, Problems()):
        for alias in entity.aliases:
            entity_of.setdefault(" ".join(surface_words(alias)), entity.id)
    aliases = sorted(entity_of)
    by_word: dict[str, list[int]] = {}
    for number, (_, _, norms) in enumerate(headlines):
        for word in set(norms):
            by_word.setdefault(word, []).append(number)
    found: dict[str, str] = {}  # alias -> first headline using it
    for alias in aliases:
        norms = [_norm(w) for w in surface_words(alias)]
        if not norms or not all(norms) or all(w in COMMON_WORDS for w in norms):
            continue
        forms = [word_forms(w) for w in norms]
        maybe = sorted({n for form in forms[0] for n in by_word.get(form, ())})
        uses = [headlines[n][0] for n in maybe if _adjacent(forms, headlines[n][2])]
        if len(uses) >= 2:  # a name the archive really uses
            found[alias] = uses[0]
    chosen: list[str] = []
    for several, wanted in ((True, count // 2), (False, count)):  # half of several words, the rest of one
        pool = [a for a in found if (" " in a) == several]
        rng.shuffle(pool)
        for alias in pool:
            if len(chosen) >= wanted:
                break
            if entity_of[alias] not in {entity_of[c] for c in chosen}:  # one name per entity
                chosen.append(alias)
    return [Query("names", alias, found[alias]) for alias in chosen]


def _draw_topics(rng: random.Random, headlines, vocabulary: Counter, count: int) -> list[Query]:
    """Single words of headlines, neither common words nor in names, used by 0.1% to 2% of the headlines."""
    names = {w for entity in load_entities(ENTITIES_FILE, Problems()) for alias in entity.aliases for w in tokens(alias)}
    least, most = max(3, len(headlines) // 1000), max(5, len(headlines) // 50)
    surface: dict[str, Counter] = {}
    first: dict[str, str] = {}
    for hid, words, norms in headlines:
        for word, norm in zip(words, norms):
            if (len(norm) >= 4 and norm.isalpha() and norm not in COMMON_WORDS and norm not in names
                    and least <= vocabulary[norm] <= most and clean_word(norm, vocabulary)):
                surface.setdefault(norm, Counter())[word] += 1
                first.setdefault(norm, hid)
    candidates = sorted(surface)
    chosen = rng.sample(candidates, min(count, len(candidates)))
    # the spelling most headlines use (ties: the first in sort order)
    return [Query("topics", min(surface[n].items(), key=lambda kv: (-kv[1], kv[0]))[0], first[n]) for n in chosen]


def _phrase_ok(norms: list[str], vocabulary: Counter) -> bool:
    """At least two words that are neither common nor short, and neither end a common word (a phrase
    as someone would type it: not «أشعة الشمس في»); no numbers; no proclitic glued to a known word."""
    return (sum(1 for w in norms if w not in COMMON_WORDS and len(w) >= 3) >= 2
            and norms[0] not in COMMON_WORDS and norms[-1] not in COMMON_WORDS
            and not any(w.isdigit() or not clean_word(w, vocabulary) for w in norms))


def _draw_phrases(rng: random.Random, headlines, vocabulary: Counter, count: int) -> list[Query]:
    """2 to 4 consecutive words at a random place of a random headline: part of a headline, typed or pasted."""
    found: list[Query] = []
    seen = set()
    for _ in range(count * 200):
        if len(found) == count:
            break
        hid, words, norms = rng.choice(headlines)
        length = rng.randint(2, 4)
        if len(words) < length:
            continue
        start = rng.randrange(len(words) - length + 1)
        text = " ".join(words[start:start + length])
        if text not in seen and _phrase_ok(norms[start:start + length], vocabulary):
            seen.add(text)
            found.append(Query("phrases", text, hid))
    return found


def _draw_quoted(rng: random.Random, headlines, vocabulary: Counter, count: int) -> list[Query]:
    """Phrases of 2 or 3 words that at least 3 headlines use (ولي العهد، مجلس الأمن), in quotation marks."""
    uses: Counter = Counter()
    first: dict[tuple[str, ...], tuple[str, str]] = {}  # normalised words -> (headline id, words as written there)
    for hid, words, norms in headlines:
        for length in (2, 3):
            for start in range(len(words) - length + 1):
                key = tuple(norms[start:start + length])
                uses[key] += 1
                first.setdefault(key, (hid, " ".join(words[start:start + length])))
    candidates = sorted(k for k, n in uses.items() if n >= 3 and _phrase_ok(list(k), vocabulary))
    chosen = rng.sample(candidates, min(count, len(candidates)))
    return [Query("quoted", f'"{first[k][1]}"', first[k][0]) for k in chosen]


def draw_variant_pairs(articles: list[Article]) -> list[VariantPair]:
    """VARIANT_KINDS pairs of one-word queries that differ only in spelling, from frequent headline words."""
    rng = random.Random(SEARCH_QUERY_SEED + 1)
    headlines = _headlines(articles)
    vocabulary = Counter(w for _, _, norms in headlines for w in set(norms))
    words = sorted({w for _, surface, norms in headlines for w, n in zip(surface, norms)
                    if len(n) >= 4 and n.isalpha() and n not in COMMON_WORDS and vocabulary[n] >= 5
                    and clean_word(n, vocabulary)})
    makers = {
        "hamza": (lambda w: any(c in w for c in "أإآ"), lambda w: w.translate(str.maketrans("أإآ", "ااا"))),
        "alef maqsura": (lambda w: w.endswith("ى"), lambda w: w[:-1] + "ي"),
        "ta marbuta": (lambda w: w.endswith("ة"), lambda w: w[:-1] + "ه"),
        "clitic و": (lambda w: not w.startswith(("و", "ف")), lambda w: "و" + w),
    }
    pairs, used = [], set()
    for kind, count in VARIANT_KINDS:
        test, variant = makers[kind]
        candidates = [w for w in words if test(w) and normalise(w) not in used]
        for word in rng.sample(candidates, min(count, len(candidates))):
            used.add(normalise(word))
            pairs.append(VariantPair(kind, word, variant(word)))
    return pairs


# -- judging results -------------------------------------------------------------------

_LEADS = tuple(c + p + a for c in ("", "و", "ف") for p in ("", "ب", "ك", "ل") for a in ("", "ال"))


@functools.lru_cache(maxsize=4096)
def word_forms(word: str) -> frozenset[str]:
    """A normalised query word and the same word after a proclitic: و ف, ب ك ل, ال, لل (والنفط, بالنفط, للنفط)."""
    forms = {lead + word for lead in _LEADS} | {c + "لل" + word for c in ("", "و", "ف")}
    if word.startswith("ال") and len(word) > 3:
        forms |= {c + "لل" + word[2:] for c in ("", "و", "ف")}
    return frozenset(forms)


def _adjacent(forms: list[frozenset[str]], words: list[str]) -> bool:
    n = len(forms)
    return any(all(words[i + j] in forms[j] for j in range(n)) for i in range(len(words) - n + 1))


class Judge:
    """Whether an article holds a query: every word (title or body), or for a quoted phrase the
    words next to each other in order (within the headline or one paragraph)."""

    def __init__(self, texts: dict[str, Article]):
        self.texts = texts
        self._words: dict[str, tuple[list[list[str]], set[str]]] = {}

    def words(self, article_id: str):
        if article_id not in self._words:
            article = self.texts[article_id]
            runs = [tokens(article.title)] + [tokens(p) for p in article.paragraphs]
            self._words[article_id] = (runs, {w for run in runs for w in run})
        return self._words[article_id]

    def holds(self, query: str, article_id: str) -> bool:
        if article_id not in self.texts:
            return False
        wanted = tokens(query)
        runs, vocabulary = self.words(article_id)
        forms = [word_forms(w) for w in wanted]
        if is_quoted(query):
            return any(_adjacent(forms, run) for run in runs)
        return all(f & vocabulary for f in forms)

    def any_holds(self, query: Query) -> bool:
        """Whether some article of the set holds the query (then a query with no results misses)."""
        if query.source in self.texts:
            return True
        return any(self.holds(query.text, article_id) for article_id in self.texts)


def is_quoted(query: str) -> bool:
    return len(query) > 2 and query.startswith('"') and query.endswith('"')


def article_id(path: str) -> str:
    """`articles/<id>.html` (arshif) or `/articles/<id>.html` (Pagefind) -> id."""
    return Path(unquote(urlsplit(path).path)).stem


def precision(judge: Judge, queries: list[Query], runs: list[dict]) -> dict:
    """Precision@10 per kind and over all: the share of the top 10 (or fewer) results that hold the
    query. A query no article holds is left out; one with no results though some article holds it scores 0."""
    scored: dict[str, list[float]] = {kind: [] for kind in SEARCH_KINDS}
    per_query, no_results, left_out = [], 0, 0
    for query, run in zip(queries, runs):
        if run is None or not judge.any_holds(query):
            left_out += 1
            per_query.append({"query": query.text, "kind": query.kind, "precision": None})
            continue
        top = [article_id(s["path"]) for s in run["shown"][:PRECISION_AT]]
        hits = sum(1 for a in top if judge.holds(query.text, a))
        value = hits / len(top) if top else 0.0
        no_results += not top
        scored[query.kind].append(value)
        per_query.append({"query": query.text, "kind": query.kind, "precision": value, "top": len(top),
                          "total": run.get("total"), "mode": run.get("mode")})
    means = {kind: (sum(v) / len(v) if v else None) for kind, v in scored.items()}
    every = [x for v in scored.values() for x in v]
    means["all"] = sum(every) / len(every) if every else None
    return {"at": PRECISION_AT, "by_kind": means, "counted": {k: len(v) for k, v in scored.items()},
            "no_results": no_results, "left_out": left_out, "queries": per_query}


# -- the 100,000: copies of the articles built above ------------------------------------


def shift_years(day: str, years: int) -> str:
    """'2015-08-08' (or a longer ISO date) moved by whole years; 29 February becomes the 28th if need be."""
    year, rest = int(day[:4]) + years, day[4:]
    if rest.startswith("-02-29") and not calendar.isleap(year):
        rest = "-02-28" + rest[6:]
    return f"{year:04d}{rest}"


def copy_id(original: str, copy: int) -> str:
    return original if copy == 0 else f"{original}-c{copy}"


def arrange_copies(folder: Path, header: list[str], rows: list[dict], articles: list[Article], work: Path,
                   with_entities: bool, copies: int) -> tuple[Path, list[Article]]:
    """`copies` times the articles: copy 0 as it is, copy k with new ids and file names, dates k years
    earlier, and the marker word `copyk` at the end of the headline, so no two headlines are alike."""
    archive = work / "archive"
    seeds, content = archive / "seeds", archive / "content"
    seeds.mkdir(parents=True)
    content.mkdir()
    by_id = {a.id: a for a in articles}
    out_rows, out_articles = [], []
    for copy in range(copies):
        marker = f"copy{copy}"
        for row in rows:
            original = by_id[Path(row["file"]).stem]
            new_id = copy_id(original.id, copy)
            name = new_id + Path(row["file"]).suffix
            new_row = dict(row, file=name)
            if copy == 0:
                shutil.copyfile(folder / "articles" / row["file"], seeds / name)
                out_articles.append(original)
            else:
                text = (folder / "articles" / row["file"]).read_text(encoding="utf-8-sig")
                first, newline, rest = text.partition("\n")
                (seeds / name).write_text(f"{first.rstrip()} {marker}{newline}{rest}", encoding="utf-8")
                new_row["date"] = shift_years(row["date"], -copy) if row.get("date") else row.get("date", "")
                if row.get("url"):
                    new_row["url"] = f"{row['url']}#{marker}"
                if row.get("title"):  # a headline given in metadata.csv wins over the file's first line
                    new_row["title"] = f"{row['title']} {marker}"
                out_articles.append(replace(original, id=new_id, title=f"{(row.get('title') or original.title)} {marker}",
                                            date=new_row["date"]))
            out_rows.append(new_row)
    write_content(content, header, out_rows, with_entities)
    return archive, out_articles


# -- index size and index build time ------------------------------------------------------

# Times arshif's index step alone, in a fresh process held to one core: the archive is loaded
# and enriched as the build does (not timed), then every search file is made, one after the
# other. Prints one line of JSON: `bytes` counts the files under search/ (the index), as the
# size does; `other_bytes` the rest (the text core's data under assets/).
INDEX_TIMING = textwrap.dedent(
    """
    import json, os, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    os.sched_setaffinity(0, {int(sys.argv[3])})
    from arshif.errors import Problems
    from arshif.load import load_archive
    from arshif.pipeline import enrich
    from arshif.search import search_files
    started = time.perf_counter()
    problems = Problems()
    archive = enrich(load_archive(Path(sys.argv[2]), problems), problems)
    loaded = time.perf_counter()
    files = list(search_files(archive))
    done = time.perf_counter()
    index = [len(text.encode("utf-8")) for path, text in files if path.startswith("search/")]
    print(json.dumps({"load_seconds": loaded - started, "seconds": done - loaded, "files": len(files),
                      "bytes": sum(index), "search_files": len(index),
                      "other_bytes": sum(len(text.encode("utf-8")) for path, text in files if not path.startswith("search/"))}))
    """
)


def one_cpu() -> int:
    return max(os.sched_getaffinity(0))


def arshif_index(search_set: SearchSet, log: Path) -> dict:
    """Bytes of everything under search/, and the index step timed on one core."""
    total, files = tree_size(search_set.out / "search") if (search_set.out / "search").is_dir() else (0, 0)
    articles = len(search_set.articles)
    figures = {"bytes": total, "files": files, "bytes_per_article": total / articles if articles else None}
    with open(log, "w") as errors:
        done = subprocess.run([sys.executable, "-c", INDEX_TIMING, str(REPO), str(search_set.archive), str(one_cpu())],
                              stdout=subprocess.PIPE, stderr=errors, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        print(f"    index build timing FAILED (exit {done.returncode}); last lines of {log}:\n{log_tail(log)}")
        figures["build"] = {"status": "failed", "log": str(log)}
        return figures
    timing = json.loads(done.stdout.strip().splitlines()[-1])
    timing.update(status="ok", cpu=one_cpu(), same_bytes_as_build=timing["bytes"] == total)
    figures["build"] = timing
    figures["build_seconds"] = timing["seconds"]
    return figures


def pagefind_command() -> list[str] | None:
    """The platform binary npm installed (what `npx pagefind` runs), or npx itself."""
    for name in ("pagefind_extended", "pagefind"):
        for path in sorted((REPO / "node_modules" / "@pagefind").glob(f"*/bin/{name}")):
            if os.access(path, os.X_OK):
                return [str(path)]
    npx = shutil.which("npx")
    return [npx, "pagefind"] if npx and (REPO / "node_modules" / "pagefind").is_dir() else None


PAGEFIND_DATA = ("index/", "fragment/", "filter/", "pagefind-entry.json")  # and *.pf_meta: the index, not the code


def pagefind_data_file(relative: str) -> bool:
    """Under pagefind/: the index (entry, meta, index chunks, fragments, filters), not its JS, CSS or WebAssembly."""
    inside = relative.removeprefix("pagefind/")
    return relative.startswith("pagefind/") and (inside.startswith(PAGEFIND_DATA) or inside.endswith(".pf_meta"))


def article_page(article: Article) -> str:
    """The page Pagefind indexes: the headline in <h1>, then the paragraphs."""
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in article.paragraphs)
    title = html.escape(article.title)
    return (f'<!doctype html>\n<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title></head>\n'
            f"<body><h1>{title}</h1>\n{body}</body></html>\n")


# The search page for Pagefind, with the same contract as arshif's: ?q= runs at load,
# documentElement.dataset.search goes "loading" then "done", results are #search-results > li
# with a link, and window.benchSearch.run(q) / .last() give {total, mode, shown, ms, files}.
# run() preloads the query's index chunks first, so `ms` is the search alone, as arshif's is.
# &worker=0 keeps Pagefind in the page's thread (so its memory is in the page's heap);
# &n= is how many results the first page shows (the data of each is loaded).
PAGEFIND_PAGE = """<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>بحث</title><link rel="icon" href="data:,"></head>
<body><ol id="search-results"></ol>
<script type="module">
const root = document.documentElement;
const params = new URLSearchParams(location.search);
const pageSize = Number(params.get("n")) || 10;
const list = document.getElementById("search-results");
let pagefind = null, last = null;
async function engine() {
  if (!pagefind) {
    pagefind = await import("./pagefind/pagefind.js");
    if (params.get("worker") === "0") await pagefind.options({noWorker: true});
  }
  return pagefind;
}
const files = () => performance.getEntriesByType("resource").map(e => decodeURI(new URL(e.name).pathname).replace(/^\\//, ""));
async function run(q, preload = true) {
  root.dataset.search = "loading";
  const pf = await engine();
  if (preload) await pf.preload(q);
  const started = performance.now();
  const found = await pf.search(q);
  const ms = performance.now() - started;
  const data = await Promise.all(found.results.slice(0, pageSize).map(r => r.data()));
  const shown = data.map(d => ({path: d.url.replace(/^\\//, ""), title: d.meta.title || ""}));
  list.replaceChildren(...shown.map(s => {
    const li = document.createElement("li"), a = document.createElement("a");
    a.href = s.path; a.textContent = s.title; li.append(a); return li;
  }));
  last = {total: found.results.length, mode: found.results.length ? "all" : "none", shown, ms, files: files()};
  root.dataset.search = "done";
  return last;
}
window.benchSearch = {run, last: () => last};
const q = params.get("q");
if (q) run(q, false).catch(error => { console.error(error); root.dataset.search = "error"; });
else root.dataset.search = "done";
</script></body></html>
"""


def write_pagefind_site(search_set: SearchSet) -> Path:
    site = search_set.work / "pagefind-site"
    (site / "articles").mkdir(parents=True)
    for article in search_set.articles:
        (site / "articles" / f"{article.id}.html").write_text(article_page(article), encoding="utf-8")
    return site


def pagefind_index(search_set: SearchSet, command: list[str], timeout: float) -> dict:
    """Write the pages, index them with Pagefind held to one core, then add the search page."""
    site = write_pagefind_site(search_set)
    log = search_set.work / "pagefind.log"
    taskset = ["taskset", "-c", str(one_cpu())] if shutil.which("taskset") else []
    started = time.perf_counter()
    try:
        with open(log, "w") as output:
            code = subprocess.run([*taskset, *command, "--site", str(site)], stdout=output, stderr=subprocess.STDOUT,
                                  timeout=timeout, check=False).returncode
    except subprocess.TimeoutExpired:
        return {"status": "timed out", "site": str(site), "timeout_seconds": timeout}
    seconds = time.perf_counter() - started
    if code != 0:
        print(f"    Pagefind FAILED (exit {code}); last lines of {log}:\n{log_tail(log)}")
        return {"status": "failed", "site": str(site), "log": str(log)}
    indexed = re.search(r"Indexed ([\d,]+) pages", log.read_text(errors="replace"))
    (site / "search.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    data = code_bytes = 0
    for path in (site / "pagefind").rglob("*"):
        if path.is_file():
            if pagefind_data_file(path.relative_to(site).as_posix()):
                data += path.stat().st_size
            else:
                code_bytes += path.stat().st_size
    articles = len(search_set.articles)
    return {"status": "ok", "site": str(site), "pages_indexed": int(indexed.group(1).replace(",", "")) if indexed else None,
            "bytes": data, "code_bytes": code_bytes, "bytes_per_article": data / articles if articles else None,
            "build_seconds": seconds, "one_cpu": bool(taskset)}


# -- the browser --------------------------------------------------------------------------


# The http server: the standard library's, in a process of its own (in a thread of the
# benchmark it would wait for the GIL while Playwright works, and answer later than any real
# server), speaking HTTP/1.1 with keep-alive as real servers do. It appends one JSON line per
# response to a log file: path, status, body bytes and bytes with headers.
SERVER = textwrap.dedent(
    """
    import functools, json, sys, threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import unquote, urlsplit
    folder, log_path = sys.argv[1], sys.argv[2]
    lock = threading.Lock()
    log = open(log_path, "a", buffering=1)

    class Counting:
        def __init__(self, inner):
            self.inner, self.count = inner, 0
        def write(self, data):
            self.count += len(data)
            return self.inner.write(data)
        def __getattr__(self, name):
            return getattr(self.inner, name)

    class Handler(SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait for an ACK between them
        def setup(self):
            super().setup()
            self.wfile = Counting(self.wfile)
        def send_response(self, code, message=None):
            self.status = code
            super().send_response(code, message)
        def end_headers(self):
            super().end_headers()
            self.head_end = self.wfile.count
        def do_GET(self):
            self.status, start = None, self.wfile.count
            self.head_end = start
            super().do_GET()
            self.wfile.flush()
            entry = {"path": unquote(urlsplit(self.path).path).lstrip("/"), "status": self.status,
                     "bytes": self.wfile.count - self.head_end, "with_headers": self.wfile.count - start}
            with lock:
                log.write(json.dumps(entry) + "\\n")
        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=folder))
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """
)


class ServerLog:
    """The responses the server has logged so far, read from its log file."""

    def __init__(self, path: Path):
        self.path = path

    def entries(self) -> list[dict]:
        if not self.path.is_file():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]


@contextmanager
def counting_server(folder: Path):
    """The SERVER on 127.0.0.1 and a free port; yields (base URL, ServerLog)."""
    log = Path(tempfile.mkstemp(prefix="arshif-bench-http-", suffix=".jsonl")[1])
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(folder), str(log)], stdout=subprocess.PIPE, text=True)
    try:
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}/", ServerLog(log)
    finally:
        process.terminate()
        process.wait()
        log.unlink(missing_ok=True)


def browser_missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed: .venv/bin/pip install playwright (the browser is Debian's /usr/bin/chromium)"
    if not Path(CHROMIUM).is_file():
        return f"{CHROMIUM} is missing: apt-get update && apt-get install -y chromium"
    return None


# Notes, on the page's own clock, each value documentElement.dataset.search takes.
MARKS_SCRIPT = """(() => {
  const marks = window.__searchMarks = [];
  new MutationObserver(() => document.documentElement && marks.push([document.documentElement.dataset.search, performance.now()]))
    .observe(document, {subtree: true, attributes: true, attributeFilter: ["data-search"]});
})();"""
FINISHED = "() => !!document.documentElement && ['done', 'error'].includes(document.documentElement.dataset.search)"
RESULT_FIELDS = """r => r && ({total: r.total, mode: r.mode, ms: r.ms, files: (r.files || []).length,
  shown: (r.shown || []).map(s => ({path: s.path, title: s.title}))})"""


@dataclass(frozen=True)
class Engine:
    name: str  # "arshif" or "Pagefind"
    site: Path  # the folder served (and opened from file://)
    api: str  # the window property with run() and last()
    index_file: Callable[[str], bool]  # which served paths are index data
    extra: str = ""  # added to every search.html URL

    def url(self, base: str, query: str) -> str:
        return f"{base}search.html?q={quote(query)}{self.extra}"


class Gzip:
    """What a server that compresses text files would send: gzip -6 of each .html/.js/.css/.json, once per file."""

    def __init__(self, site: Path):
        self.site, self.sizes = site, {}

    def size(self, relative: str, raw: int) -> int:
        if not relative.endswith((".html", ".js", ".css", ".json", ".svg", ".txt")):
            return raw
        if relative not in self.sizes:
            path = self.site / (relative or "index.html")
            self.sizes[relative] = len(gzip.compress(path.read_bytes(), 6)) if path.is_file() else raw
        return self.sizes[relative]


def _new_page(browser, errors: list[str]):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(SEARCH_TIMEOUT_MS)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url} ({r.failure})"))
    return context, page


def query_session(browser, engine: Engine, base: str, query: str, server_log: ServerLog | None, gz: Gzip) -> dict:
    """A fresh browser context (empty cache) opens search.html?q=query: time to the first results
    and every byte it loaded until the network was idle after them."""
    errors: list[str] = []
    context, page = _new_page(browser, errors)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.add_init_script(MARKS_SCRIPT)
    start = len(server_log.entries()) if server_log is not None else 0
    figures: dict = {"query": query, "errors": errors}
    try:
        page.goto(engine.url(base, query), wait_until="commit")
        page.wait_for_function(FINISHED, polling="raf")
        try:
            page.wait_for_load_state("networkidle", timeout=10_000)
        except PlaywrightTimeout:
            errors.append("the network was not idle 10 s after the results")
        state = page.evaluate("() => ({marks: window.__searchMarks || [], "
                              "html: (performance.getEntriesByType('navigation')[0] || {}).responseEnd || 0})")
        done = next((t for value, t in state["marks"] if value in ("done", "error")), None)
        figures["state"] = next((value for value, _ in state["marks"] if value in ("done", "error")), None)
        figures["first_results_ms"] = None if done is None else done - state["html"]
        figures["from_navigation_ms"] = done
        figures["result"] = page.evaluate(f"() => ({RESULT_FIELDS})(window.{engine.api} && window.{engine.api}.last())")
    except PlaywrightError as error:
        errors.append(f"no results within {SEARCH_TIMEOUT_MS / 1000:.0f} s" if isinstance(error, PlaywrightTimeout)
                      else f"the page failed: {str(error).splitlines()[0]}")
        figures.update(state=None, first_results_ms=None, result=None)
    finally:
        context.close()
    if server_log is not None:  # over http: what the server sent
        served = server_log.entries()[start:]
        figures["files"] = [entry["path"] for entry in served]
        figures["bytes"] = sum(entry["bytes"] for entry in served)
        figures["with_headers"] = sum(entry["with_headers"] for entry in served)
        figures["index_bytes"] = sum(entry["bytes"] for entry in served if engine.index_file(entry["path"]))
        figures["gzip_bytes"] = sum(gz.size(entry["path"], entry["bytes"]) for entry in served)
        errors += [f"the server answered {e['status']} to /{e['path']}" for e in served if (e["status"] or 0) >= 400]
    else:  # from file://: the sizes of the files the page asked for
        root = engine.site.as_uri() + "/"
        paths = [unquote(urlsplit(url).path)[len(urlsplit(root).path):] for url in requested if url.startswith(root)]
        figures["files"] = paths
        sizes = [(engine.site / p).stat().st_size if (engine.site / p).is_file() else 0 for p in paths]
        figures["bytes"] = sum(sizes)
        figures["index_bytes"] = sum(s for p, s in zip(paths, sizes) if engine.index_file(p))
    return figures


def sessions(playwright, engine: Engine, queries: list[Query], transport: str) -> dict:
    """One fresh session per query over `transport` ("http" or "file")."""
    gz = Gzip(engine.site)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        if transport == "http":
            with counting_server(engine.site) as (base, log):
                runs = [query_session(browser, engine, base, q.text, log, gz) for q in queries]
        else:
            runs = [query_session(browser, engine, engine.site.as_uri() + "/", q.text, None, gz) for q in queries]
    finally:
        browser.close()
    return {"runs": runs, **session_summary(runs)}


def compare_file_with_http(site: Path, http: dict, file: dict) -> None:
    """The file:// bytes again, from the list of files the same query loaded over http; and whether
    the page asked for the same files both ways."""
    same = 0
    for over_http, from_file in zip(http["runs"], file["runs"]):
        listed = [p for p in over_http.get("files", []) if (site / p).is_file()]
        from_file["bytes_from_http_list"] = sum((site / p).stat().st_size for p in listed)
        from_file["same_files_as_http"] = sorted(listed) == sorted(p for p in from_file.get("files", []) if (site / p).is_file())
        same += from_file["same_files_as_http"]
    file["same_files_as_http"] = same
    done = [r["bytes_from_http_list"] for r in file["runs"] if r.get("state") == "done"]
    file["bytes_from_http_list_median"] = _median(done)
    if same < len(file["runs"]):
        print(f"      file:// loaded other files than http for {len(file['runs']) - same} of {len(file['runs'])} queries; "
              f"median by the http lists: {_kb(file['bytes_from_http_list_median'])}")


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def session_summary(runs: list[dict]) -> dict:
    ok = [r for r in runs if r.get("state") == "done"]
    first = [r["first_results_ms"] for r in ok if r.get("first_results_ms") is not None]
    summary = {"sessions": len(runs), "finished": len(ok),
               "bytes_median": _median([r["bytes"] for r in ok]), "bytes_max": max((r["bytes"] for r in ok), default=None),
               "index_bytes_median": _median([r["index_bytes"] for r in ok]),
               "first_results_ms_median": _median(first), "first_results_ms_max": max(first, default=None),
               "errors": sorted({e for r in runs for e in r["errors"]})}
    if any("gzip_bytes" in r for r in ok):
        summary["gzip_bytes_median"] = _median([r["gzip_bytes"] for r in ok])
    return summary


def in_page(playwright, engine: Engine, queries: list[Query], pairs: list[VariantPair]) -> dict:
    """One page over http: every query through run() (query time, results for precision), the JS
    heap after the first HEAP_QUERIES, then each spelling-variant pair."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    errors: list[str] = []
    figures: dict = {"errors": errors}
    runs: list[dict | None] = []
    variants: list[dict] = []
    try:
        with counting_server(engine.site) as (base, _log):
            context, page = _new_page(browser, errors)
            cdp = context.new_cdp_session(page)
            page.goto(engine.url(base, queries[0].text), wait_until="commit")
            page.wait_for_function(FINISHED, polling="raf")

            def run(text: str) -> dict | None:
                try:
                    return page.evaluate(f"""async q => {{ const t = performance.now();
                        const r = ({RESULT_FIELDS})(await window.{engine.api}.run(q));
                        r.wall_ms = performance.now() - t; return r; }}""", text)
                except PlaywrightError as error:
                    errors.append(f"run({text!r}): {str(error).splitlines()[0]}")
                    return None

            for number, query in enumerate(queries):
                runs.append(run(query.text))
                if number + 1 == min(HEAP_QUERIES, len(queries)):
                    cdp.send("HeapProfiler.collectGarbage")
                    figures["heap"] = cdp.send("Runtime.getHeapUsage")
                    figures["heap_bytes"] = figures["heap"]["usedSize"]
                    figures["heap_after_queries"] = number + 1
            for pair in pairs:
                first, second = run(pair.first), run(pair.second)
                tops = [[s["path"] for s in r["shown"][:PRECISION_AT]] if r else None for r in (first, second)]
                variants.append({"kind": pair.kind, "first": pair.first, "second": pair.second,
                                 "totals": [r and r["total"] for r in (first, second)], "tops": tops,
                                 "identical": tops[0] is not None and tops[0] == tops[1]})
            context.close()
    except PlaywrightError as error:
        errors.append(f"the page failed: {str(error).splitlines()[0]}")
    finally:
        browser.close()
    runs += [None] * (len(queries) - len(runs))
    times = [r["ms"] for r in runs if r and isinstance(r.get("ms"), (int, float))]
    figures.update(runs=runs, query_ms_median=_median(times), query_ms_max=max(times, default=None),
                   variants=variants, variants_identical=sum(v["identical"] for v in variants),
                   page_size=max((len(r["shown"]) for r in runs if r), default=None))
    return figures


def measure_engine(playwright, engine: Engine, transports: tuple[str, ...], queries: list[Query],
                   pairs: list[VariantPair], judge: Judge, page_engine: Engine | None = None) -> dict:
    """Fresh sessions over each transport, then the in-page runs (with `page_engine` if given)."""
    label = engine.name
    figures: dict = {"sessions": {}}
    for transport in transports:
        print(f"    {label}: a fresh page for each of {len(queries)} queries over {transport}:// ...", flush=True)
        figures["sessions"][transport] = sessions(playwright, engine, queries, transport)
        print(f"      {session_line(figures['sessions'][transport])}", flush=True)
    if "http" in figures["sessions"] and "file" in figures["sessions"]:
        compare_file_with_http(engine.site, figures["sessions"]["http"], figures["sessions"]["file"])
    print(f"    {label}: {len(queries)} queries and {len(pairs)} spelling-variant pairs in one page"
          f"{' (Pagefind in the page thread)' if page_engine else ''} ...", flush=True)
    figures["page"] = in_page(playwright, page_engine or engine, queries, pairs)
    figures["precision"] = precision(judge, queries, figures["page"]["runs"])
    print(f"      {page_line(figures)}", flush=True)
    for transport, found in figures["sessions"].items():
        for error in found["errors"][:5]:
            print(f"      PROBLEM in the page ({transport}): {error}")
    for error in figures["page"]["errors"][:5]:
        print(f"      PROBLEM in the page: {error}")
    return figures


def _kb(value) -> str:
    return "-" if value is None else f"{value / 1024:,.0f} KB"


def _ms(value) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


def session_line(s: dict) -> str:
    line = (f"{s['finished']}/{s['sessions']} finished; bytes median {_kb(s['bytes_median'])}, max {_kb(s['bytes_max'])} "
            f"(index files {_kb(s['index_bytes_median'])}")
    if s.get("gzip_bytes_median") is not None:
        line += f"; gzipped {_kb(s['gzip_bytes_median'])}"
    return line + f"); first results median {_ms(s['first_results_ms_median'])}, max {_ms(s['first_results_ms_max'])}"


def page_line(figures: dict) -> str:
    page, p = figures["page"], figures["precision"]
    heap = page.get("heap_bytes")
    kinds = ", ".join(f"{k} {_pct(p['by_kind'][k])}" for k in (*SEARCH_KINDS, "all"))
    return (f"query median {_ms(page['query_ms_median'])}, max {_ms(page['query_ms_max'])}; JS heap after "
            f"{HEAP_QUERIES} queries {'-' if heap is None else f'{heap / MB:,.1f} MB'}; P@{PRECISION_AT} {kinds} "
            f"({p['no_results']} with no results, {p['left_out']} left out); spelling variants with the same top "
            f"{PRECISION_AT}: {page['variants_identical']}/{len(page['variants'])}")


def _pct(value) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


# -- the search section --------------------------------------------------------------------


def build_set(search_set: SearchSet, folder: Path, header: list[str], rows: list[dict], with_entities: bool,
              copies: int = 1) -> bool:
    """Arrange (or copy) the archive and build it with arshif; False if the build failed."""
    search_set.work.mkdir(parents=True, exist_ok=True)
    if copies > 1:
        search_set.archive, search_set.articles = arrange_copies(folder, header, rows, search_set.articles, search_set.work,
                                                                 with_entities, copies)
    else:
        search_set.archive = arrange_archive(folder, header, rows, search_set.work, with_entities)
    search_set.out = search_set.work / "out-arshif"
    print(f"  {search_set.label}: building with arshif ...", flush=True)
    run = measure(arshif_command(search_set.archive, search_set.out), search_set.work / "arshif-build.log", cwd=REPO)
    search_set.build = {"seconds": run.seconds, "peak_mb": run.peak_mb, "returncode": run.returncode}
    if run.returncode != 0:
        print(f"    arshif FAILED (exit {run.returncode}); last lines of {run.log}:\n{log_tail(run.log)}")
        return False
    print(f"    built in {run.seconds:.1f} s, peak {run.peak_mb:,.0f} MB", flush=True)
    return True


def bench_search(args: argparse.Namespace, main_set: SearchSet,
                 main_input: tuple[Path, list[str], list[dict], list[Article]], scratch: Path,
                 built_copies: SearchSet | None = None) -> dict:
    """arshif's search beside Pagefind's on 2,000, the main set and five copies of it (`built_copies`:
    the scale section's site of those, when it made one, so it is not built twice)."""
    folder, header, rows, original_articles = main_input
    with_entities = not args.no_entities
    queries = draw_queries(main_set.articles, SEARCH_QUERIES_PER_KIND)
    pairs = draw_variant_pairs(main_set.articles)
    print(f"search: arshif beside Pagefind; {len(queries)} queries drawn from the headlines of the "
          f"{len(main_set.articles):,} articles (seed {SEARCH_QUERY_SEED}), {len(pairs)} spelling-variant pairs", flush=True)
    for query in queries:
        print(f"  query, {query.kind}: {query.text}")
    print("  variant pairs: " + "; ".join(f"{p.first} / {p.second}" for p in pairs), flush=True)

    sets: list[tuple[SearchSet, tuple]] = []  # each with (corpus folder, header, rows, copies)
    small = args.search_corpus.resolve()
    if small.is_dir() and _folder_with_metadata(small) != folder:
        small_folder = _folder_with_metadata(small)
        small_header, small_rows = read_rows(small_folder, None)
        small_set = SearchSet("", [read_article(small_folder, r) for r in small_rows], scratch / "search-small", role="small")
        small_set.key = set_key(len(small_set.articles))
        sets.append((small_set, (small_folder, small_header, small_rows, 1)))
    elif not small.is_dir():
        print(f"  {small} is not a folder: no small set (give --search-corpus)")
    sets.append((main_set, (folder, header, rows, 1)))
    if not args.skip_100k:
        copies = built_copies or SearchSet("", original_articles, scratch / "search-copies", role="copies")
        copies.key = set_key(len(main_set.articles) * SEARCH_COPIES)
        if built_copies:
            print(f"  {copies.key}: the site the scale section built (its edits included in the judged texts)")
        sets.append((copies, (folder, header, rows, SEARCH_COPIES)))
    else:
        print("  100,000: skipped (--skip-100k)")
    taken: set[str] = set()
    for search_set, _ in sets:  # with a small --articles two sets may have as many articles
        if search_set.key in taken:
            search_set.key += f" {search_set.role}"
        taken.add(search_set.key)

    missing_browser = browser_missing()
    if missing_browser:
        print(f"  the browser part is SKIPPED. {missing_browser}")
    pagefind = None if args.skip_pagefind else pagefind_command()
    if args.skip_pagefind:
        print("  Pagefind: skipped (--skip-pagefind)")
    elif pagefind is None:
        print("  Pagefind: SKIPPED. It is not installed: npm ci (package.json lists pagefind 1.6 among the devDependencies)")
    else:
        version = subprocess.run([*pagefind, "--version"], capture_output=True, text=True, check=False).stdout.strip()
        print(f"  Pagefind: {version or pagefind[0]}", flush=True)

    report: dict = {"targets": SEARCH_TARGETS, "query_seed": SEARCH_QUERY_SEED, "queries": [asdict(q) for q in queries],
                    "variant_pairs": [asdict(p) for p in pairs], "chromium_args": CHROMIUM_ARGS, "precision_at": PRECISION_AT,
                    "heap_after_queries": HEAP_QUERIES, "sets": {}, "arshif": {}, "Pagefind": {}}
    page_size = None
    playwright_manager = None if missing_browser else _sync_playwright()
    playwright = playwright_manager.__enter__() if playwright_manager else None
    try:
        for search_set, (set_folder, set_header, set_rows, copies) in sets:
            search_set.work.mkdir(parents=True, exist_ok=True)
            print(f"search, {search_set.key} ({search_set.label if copies == 1 else f'{len(set_rows) * copies:,} articles'}):", flush=True)
            if search_set.out is None and not build_set(search_set, set_folder, set_header, set_rows, with_entities, copies):
                report["arshif"][search_set.key] = {"status": "build failed"}
            else:
                report["arshif"][search_set.key] = ours = {"status": "ok", "build": search_set.build}
                ours["index"] = arshif_index(search_set, search_set.work / "index-timing.log")
                print(f"    arshif: {index_line(ours['index'], len(search_set.articles))}", flush=True)
                if playwright:
                    engine = Engine("arshif", search_set.out, "arshifSearch", lambda p: p.startswith("search/"))
                    with _carry_on(ours, "arshif"):
                        ours.update(measure_engine(playwright, engine, ("http", "file"), queries, pairs,
                                                   Judge(search_set.texts())))
                        page_size = page_size or ours["page"].get("page_size")
            report["sets"][search_set.key] = {"articles": len(search_set.articles), "role": search_set.role,
                                              "archive": str(search_set.archive), "arshif_site": str(search_set.out)}
            if pagefind is None:
                continue
            timeout = args.pagefind_timeout
            print(f"    Pagefind: writing {len(search_set.articles):,} pages and indexing them on one core ...", flush=True)
            theirs = report["Pagefind"][search_set.key] = pagefind_index(search_set, pagefind, timeout)
            if theirs["status"] != "ok":
                print(f"    Pagefind: {theirs['status']}" + (f" after {timeout:.0f} s (--pagefind-timeout)" if theirs["status"] == "timed out" else ""))
                continue
            print(f"    Pagefind: {index_line(theirs, len(search_set.articles))}"
                  + ("" if theirs["pages_indexed"] == len(search_set.articles) else f"; PROBLEM: {theirs['pages_indexed']} pages indexed"),
                  flush=True)
            if playwright:
                size = max(page_size or PRECISION_AT, PRECISION_AT)
                site = Path(theirs["site"])
                engine = Engine("Pagefind", site, "benchSearch", pagefind_data_file, f"&n={size}")
                # query time and heap with Pagefind in the page's own thread, as arshif runs
                page_engine = Engine("Pagefind", site, "benchSearch", pagefind_data_file, f"&n={size}&worker=0")
                with _carry_on(theirs, "Pagefind"):
                    theirs.update(measure_engine(playwright, engine, ("http",), queries, pairs, Judge(search_set.texts()),
                                                 page_engine))
    finally:
        if playwright_manager:
            playwright_manager.__exit__(None, None, None)
    report["table"] = search_table(report)
    return report


@contextmanager
def _carry_on(figures: dict, engine: str):
    """A measurement that breaks is noted (status "failed") and the benchmark goes on with the next."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 - an hour-long run should still print what it has
        figures["status"], figures["error"] = "failed", f"{type(error).__name__}: {error}"
        print(f"    {engine}: the browser measurement FAILED: {figures['error']}", flush=True)


def _sync_playwright():
    from playwright.sync_api import sync_playwright

    return sync_playwright()


def index_line(index: dict, articles: int) -> str:
    per = index.get("bytes_per_article")
    line = (f"index {index['bytes'] / MB:,.2f} MB = {'-' if per is None else f'{per:,.0f}'} bytes per article "
            f"(target ≤ {SEARCH_TARGETS['index_bytes_per_article'] // 1024} KB)")
    build = index.get("build", {})
    if index.get("build_seconds") is not None:
        line += f"; index build on one core {index['build_seconds']:.2f} s for {articles:,} articles"
        if build.get("load_seconds") is not None:
            line += f" (loading and enriching before it, not counted: {build['load_seconds']:.1f} s)"
            if not build.get("same_bytes_as_build"):
                line += "; PROBLEM: the timed index is not the size of the built one"
        else:
            line += " (reading the HTML pages included)"
    return line


# -- the table --------------------------------------------------------------------------------


def _get(*keys):
    def getter(figures: dict):
        value = figures
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value
    return getter


def _bytes_verdict(role: str, value, small_value) -> bool | None:
    if value is None:
        return None
    limit = SEARCH_TARGETS["session_bytes_copies"] if role == "copies" else SEARCH_TARGETS["session_bytes"]
    ok = value <= limit
    if role == "main" and small_value:
        ok = ok and value <= SEARCH_TARGETS["session_growth"] * small_value
    return ok


def search_table(report: dict) -> list[dict]:
    """Rows of measures; cells per engine and set; ok is the verdict against arshif's target (None: no target)."""
    session_target = (f"≤ {SEARCH_TARGETS['session_bytes'] // 1024} KB; main ≤ {SEARCH_TARGETS['session_growth']}× small; "
                      f"100k ≤ {SEARCH_TARGETS['session_bytes_copies'] // 1024} KB")
    rows = [
        ("bytes/session http, median", session_target, _get("sessions", "http", "bytes_median"), "kb", "bytes"),
        ("bytes/session http, max", "", _get("sessions", "http", "bytes_max"), "kb", None),
        ("  index files, median", "", _get("sessions", "http", "index_bytes_median"), "kb", None),
        ("  if the server gzips, median", "", _get("sessions", "http", "gzip_bytes_median"), "kb", None),
        ("bytes/session file://, median", session_target, _get("sessions", "file", "bytes_median"), "kb", "bytes"),
        ("bytes/session file://, max", "", _get("sessions", "file", "bytes_max"), "kb", None),
        ("first results http, median", f"≤ {SEARCH_TARGETS['first_results_ms']} ms",
         _get("sessions", "http", "first_results_ms_median"), "ms", "first"),
        ("first results http, max", "", _get("sessions", "http", "first_results_ms_max"), "ms", None),
        ("first results file://, median", f"≤ {SEARCH_TARGETS['first_results_ms']} ms",
         _get("sessions", "file", "first_results_ms_median"), "ms", "first"),
        ("first results file://, max", "", _get("sessions", "file", "first_results_ms_max"), "ms", None),
        ("query time, median", f"≤ {SEARCH_TARGETS['query_ms']} ms", _get("page", "query_ms_median"), "ms", "query"),
        ("query time, max", "", _get("page", "query_ms_max"), "ms", None),
        (f"JS heap after {HEAP_QUERIES} queries", f"≤ {SEARCH_TARGETS['heap_bytes'] // MB} MB", _get("page", "heap_bytes"), "mb", "heap"),
        ("index bytes per article", f"≤ {SEARCH_TARGETS['index_bytes_per_article'] // 1024} KB",
         lambda f: _get("index", "bytes_per_article")(f) if "index" in f else f.get("bytes_per_article"), "b", "index"),
        ("index total", "", lambda f: _get("index", "bytes")(f) if "index" in f else f.get("bytes"), "mb", None),
        ("index build, one core", f"main ≤ {SEARCH_TARGETS['index_build_seconds']:.0f} s",
         lambda f: _get("index", "build_seconds")(f) if "index" in f else f.get("build_seconds"), "s", "build"),
        *[(f"P@{PRECISION_AT} {kind}", "", _get("precision", "by_kind", kind), "pct", None) for kind in (*SEARCH_KINDS, "all")],
        ("queries judged (some article matches)", "", lambda f: _judged(f), "n", None),
        ("no results (some article matches)", "", _get("precision", "no_results"), "n", None),
        ("spelling variants, same top 10", "all", _get("page", "variants_identical"), "n", "variants"),
    ]
    sets = report["sets"]
    small_key = next((k for k, s in sets.items() if s["role"] == "small"), None)
    table = []
    for label, target, getter, unit, verdict in rows:
        cells = {}
        for engine in ("arshif", "Pagefind"):
            for key, info in sets.items():
                figures = report[engine].get(key)
                if figures is None:
                    continue
                value = getter(figures) if figures.get("status") == "ok" else None
                ok = None
                if engine == "arshif" and verdict and value is not None:
                    if verdict == "bytes":
                        small_value = getter(report["arshif"].get(small_key, {})) if small_key else None
                        ok = _bytes_verdict(info["role"], value, small_value)
                    elif verdict == "first":
                        ok = value <= SEARCH_TARGETS["first_results_ms"]
                    elif verdict == "query":
                        ok = value <= SEARCH_TARGETS["query_ms"]
                    elif verdict == "heap":
                        ok = value <= SEARCH_TARGETS["heap_bytes"]
                    elif verdict == "index":
                        ok = value <= SEARCH_TARGETS["index_bytes_per_article"]
                    elif verdict == "build" and info["role"] == "main":
                        ok = value <= SEARCH_TARGETS["index_build_seconds"]
                    elif verdict == "variants":
                        ok = value == len(report["variant_pairs"])
                text = _format(value, unit)
                if verdict == "variants" and value is not None:
                    text = f"{value}/{len(report['variant_pairs'])}"
                cells[f"{engine} {key}"] = {"value": value, "text": text, "ok": ok}
        table.append({"measure": label, "target": target, "cells": cells})
    return table


def _judged(figures: dict) -> int | None:
    counted = _get("precision", "counted")(figures)
    return None if counted is None else sum(counted.values())


def _format(value, unit: str) -> str:
    if value is None:
        return "-"
    return {"kb": lambda v: f"{v / 1024:,.0f} KB", "mb": lambda v: f"{v / MB:,.1f} MB", "ms": lambda v: f"{v:,.0f} ms",
            "s": lambda v: f"{v:,.2f} s", "b": lambda v: f"{v:,.0f} B", "pct": lambda v: f"{v * 100:.0f}%",
            "n": lambda v: f"{v:,}"}[unit](value)


def print_search_table(report: dict) -> None:
    table = report["table"]
    columns = list(dict.fromkeys(c for row in table for c in row["cells"]))
    if not columns:
        print("search: nothing measured")
        return
    width = max(12, *(len(c) for c in columns))
    label_width = max(len(row["measure"]) for row in table)
    target_width = max(len("target"), *(len(row["target"]) for row in table))
    header = f"{'search':<{label_width}}  {'target':<{target_width}}  " + "  ".join(c.rjust(width) for c in columns)
    print(header)
    print("-" * len(header))
    for row in table:
        cells = []
        for column in columns:
            cell = row["cells"].get(column)
            text = "" if cell is None else cell["text"] + {True: " ✓", False: " ✗", None: "  "}[cell["ok"]]
            cells.append(text.rjust(width))
        print(f"{row['measure']:<{label_width}}  {row['target']:<{target_width}}  " + "  ".join(cells))
    for engine in ("arshif", "Pagefind"):
        for key, figures in report[engine].items():
            if figures.get("status") != "ok":
                print(f"{engine} {key}: {figures.get('status')}")
    print(f"(✓/✗: arshif against its target. KB = 1,024 bytes, MB = 1,024 KB. {len(report['queries'])} queries, "
          f"{len(report['variant_pairs'])} variant pairs; Pagefind's query time and heap with it in the page's thread, "
          f"its WebAssembly memory not counted; see bench/README.md)")


# -- scale: arshif beside Hugo at 2,000, 20,000 and 100,000 articles ------------------------
#
# One archive per size: the first N articles of the corpus or, for a size above its count,
# whole copies of it made by arrange_copies (the generator the search section's 100,000 uses
# too: new ids, dates shifted by whole years, a marker word at the end of each copy's
# headline). arshif and then Hugo build it, each the same way: a full build; the same build
# again with nothing changed; the same after one article gained a paragraph (checked on its
# page); and its preview server (`build.py serve`, `hugo server`): from saving a second
# paragraph into another article to that article's page showing it over http.

SCALE_SIZES = (2_000, 20_000, 100_000)
LINEAR_LIMIT = 1.3  # a time per article at the largest size above this many times a smaller size's is flagged
SERVE_PARAGRAPH = "فقرة أضيفت أثناء المعاينة لقياس الزمن من الحفظ إلى ظهورها في الصفحة."
# After the save the page is asked for every SERVE_POLL_SECONDS, or every 1% of the time since
# the save when that is longer (at most 1 s): the figure is precise to 50 ms or 1%, and a slow
# rebuild is not slowed further by a flood of requests to the process that runs it.
SERVE_POLL_SECONDS = 0.05
SERVE_POLL_SHARE, SERVE_POLL_MAX = 0.01, 1.0
# Wait this long after the server says it serves before saving, so that its watcher has taken
# its first look at the sources (a polling watcher that stats every file takes seconds at 100,000).
SERVE_SETTLE_SECONDS = (2.0, 0.00015)  # seconds, plus per article: 2.3 s at 2,000, 17 s at 100,000
SERVE_START_SECONDS = (300.0, 0.03)  # give up a server that is not serving after this many seconds, plus per article
SERVE_EDIT_SECONDS = 120.0  # ...or an edit not served after this, plus twice the tool's full build (or 5 ms an article)
SERVE_STOP_SECONDS = 120.0  # after Ctrl+C, a server may write its cache before it ends
SCALE_TARGETS = {  # issue 13's targets for arshif: measure -> {articles: limit}; full_seconds is a ratio to Hugo's
    "full_seconds": {20_000: 1.0, 100_000: 1.0},
    "full_peak_mb": {100_000: 1024.0},
    "unchanged_seconds": {20_000: 1.5},
    "one_edit_seconds": {20_000: 2.0},
    "serve_edit_seconds": {20_000: 0.5, 100_000: 1.0},
}
SCALE_ROWS = (  # (key in a tool's figures, label, unit)
    ("full_seconds", "full build", "s"),
    ("full_peak_mb", "  peak memory, full build", "MB"),
    ("unchanged_seconds", "no-change rebuild, CLI", "s"),
    ("one_edit_seconds", "one-edit rebuild, CLI", "s"),
    ("serve_start_seconds", "serve: start until serving", "s"),
    ("serve_ready_seconds", "  serve: until ready (arshif: archive in memory)", "s"),
    ("serve_edit_seconds", "serve: one edit until served", "s"),
    ("serve_search_seconds", "  serve: until its search is updated", "s"),
    ("serve_peak_mb", "  peak memory, server process", "MB"),
    ("output_mb", "output", "MB1"),
    ("files", "files", "n"),
    ("article_pages", "article pages", "n"),
)
PER_ARTICLE = ("full_seconds", "unchanged_seconds", "one_edit_seconds", "serve_edit_seconds")
SCALE_TOOLS = ("arshif", "Hugo")
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # localhost: never through a proxy
_REQUEST_LOG = re.compile(r'"(GET|HEAD) \S+ HTTP/')  # a server's line per request: left out of the log tails shown


def parse_sizes(text: str) -> tuple[int, ...]:
    """'2000,20000,100000' -> (2000, 20000, 100000), sorted, each once."""
    try:
        sizes = {int(part.strip().replace("_", "")) for part in text.split(",") if part.strip()}
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {text!r} (e.g. 2000,20000,100000)") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"sizes must be whole numbers of at least 1: {text!r}")
    return tuple(sorted(sizes))


def scale_plan(sizes: tuple[int, ...], available: int) -> list[tuple[int, int]]:
    """(size, copies) per size: up to the corpus's count, its first articles (copies 1); above it, whole copies."""
    plan = []
    for size in sizes:
        if size <= available:
            plan.append((size, 1))
        elif size % available == 0:
            plan.append((size, size // available))
        else:
            raise SystemExit(f"error: --sizes {size:,}: the corpus has {available:,} articles, and {size:,} is neither at most "
                             f"that nor a whole number of copies of it\n  fix: use sizes up to {available:,} or multiples of it")
    return plan


def made_by(size: int, copies: int, available: int) -> str:
    if copies == 1:
        return "the whole corpus" if size == available else f"the first {size:,} articles of the corpus"
    return f"{copies} copies of the corpus's {available:,} (copy k: new ids, dates k years earlier, 'copyk' ending the headline)"


def tool_figures(result: Result) -> dict:
    """A tool's figures at one size, flat, so every row of the table is one key."""
    return {"status": result.status, "note": result.note, "full_seconds": result.seconds, "full_peak_mb": result.peak_mb,
            "articles_per_second": result.articles_per_second, "output_mb": result.output_mb, "files": result.files,
            "article_pages": result.article_pages, "extra": result.extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int | None, str]:
    """(status, body); (None, why) when nothing answered."""
    try:
        with _DIRECT.open(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (OSError, http.client.HTTPException) as error:
        return None, f"{type(error).__name__}: {error}"


def peak_rss_mb(pid: int) -> float | None:
    """The process's own high-water mark of resident memory (VmHWM), children not included."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def stop_server(process: subprocess.Popen) -> None:
    """Ctrl+C, as a curator stops it; then its whole process group (its own, see served_edit) if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(SERVE_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # what is left of the group: forked workers, if any
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def served_edit(tool: str, command: list[str], cwd: Path, log: Path, port: int, page_url: str,
                edited: Path, addition: str, articles: int, full_seconds: float | None) -> dict:
    """Start the server, wait until it says it serves on `port` and the page answers, save
    `addition` at the end of `edited`, then ask for the page until it holds the new paragraph:
    the seconds from the save to that answer."""
    start_limit = SERVE_START_SECONDS[0] + SERVE_START_SECONDS[1] * articles
    edit_limit = SERVE_EDIT_SECONDS + max(2 * (full_seconds or 0), 0.005 * articles)
    settle = SERVE_SETTLE_SECONDS[0] + SERVE_SETTLE_SECONDS[1] * articles
    marker = addition.strip()
    figures: dict = {"status": "ok", "command": command, "url": page_url, "log": str(log), "edited": str(edited),
                     "poll_seconds": SERVE_POLL_SECONDS, "settle_seconds": settle}
    ready, search_updated, warmed = threading.Event(), threading.Event(), threading.Event()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with open(log, "w", encoding="utf-8", errors="replace") as output:
        # A session of its own, so stop_server can end the server and only what it started.
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, text=True, encoding="utf-8", errors="replace",
                                   start_new_session=True)

        def read() -> None:
            for line in process.stdout:
                output.write(line)
                output.flush()
                if f":{port}/" in line:
                    ready.set()
                if line.startswith("ready in"):  # arshif: the archive is in memory (serve's warm-up, after serving)
                    figures["ready_seconds"] = time.perf_counter() - started
                    warmed.set()
                if figures.get("saved") and line.startswith("search updated"):  # arshif's second pass after an edit
                    figures["search_seconds"] = time.perf_counter() - saved_at[0]
                    search_updated.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()

        def give_up(why: str) -> dict:
            figures.update(status="failed", note=why)
            output.flush()
            print(f"  {tool}, serve: NOT MEASURED: {why}; log: {log}\n{log_tail(log, skip=_REQUEST_LOG)}", flush=True)
            return figures

        try:
            started = time.perf_counter()
            while not ready.wait(0.1):
                if process.poll() is not None:
                    return give_up(f"the server ended (exit {process.returncode}) before it served")
                if time.perf_counter() - started > start_limit:
                    return give_up(f"not serving after {start_limit:.0f} s")
            while True:  # it said so; now the page itself
                status, body = fetch(page_url)
                if status == 200 or process.poll() is not None or time.perf_counter() - started > start_limit:
                    break
                time.sleep(SERVE_POLL_SECONDS)
            figures["start_seconds"] = time.perf_counter() - started
            if status != 200:
                return give_up(f"{page_url} answered {status or body}")
            if marker in body:
                return give_up("the page holds the new paragraph before the edit")
            if tool == "arshif" and not warmed.wait(max(0.0, start_limit - (time.perf_counter() - started))):
                return give_up(f"not ready (its warm-up) after {start_limit:.0f} s")
            time.sleep(settle)
            saved_at = [time.perf_counter()]
            figures["saved"] = True
            with open(edited, "a", encoding="utf-8") as handle:
                handle.write(addition)
            saved = saved_at[0]
            polls = 0
            while True:
                status, body = fetch(page_url)
                polls += 1
                now = time.perf_counter()
                if status == 200 and marker in body:
                    figures.update(edit_seconds=now - saved, polls=polls)
                    break
                if process.poll() is not None:
                    return give_up(f"the server ended (exit {process.returncode}) after the edit")
                if now - saved > edit_limit:
                    return give_up(f"the edit was not served within {edit_limit:.0f} s (last answer: {status or body})")
                time.sleep(min(SERVE_POLL_MAX, max(SERVE_POLL_SECONDS, SERVE_POLL_SHARE * (now - saved))))
            if tool == "arshif":  # serve writes the pages first, then the search: wait for the search too
                search_updated.wait(max(0.0, edit_limit - (time.perf_counter() - saved)))
        finally:
            figures["peak_mb"] = peak_rss_mb(process.pid)  # before it stops: then /proc forgets it
            stop_server(process)
            reader.join(5)
    peak = "-" if figures["peak_mb"] is None else f"{figures['peak_mb']:,.0f} MB"
    search = f"; its search updated {figures['search_seconds']:.2f} s after the save" if "search_seconds" in figures else ""
    ready = f" (ready after {figures['ready_seconds']:.2f} s)" if "ready_seconds" in figures else ""
    print(f"  {tool}, serve: serving after {figures['start_seconds']:.2f} s{ready}; one edit served {figures['edit_seconds']:.2f} s "
          f"after the save ({polls} polls){search}; server process peak {peak}", flush=True)
    return figures


def add_serve(figures: dict, serve: dict) -> None:
    figures["serve"] = serve
    if serve["status"] == "ok":
        figures.update(serve_start_seconds=serve["start_seconds"], serve_edit_seconds=serve["edit_seconds"],
                       serve_search_seconds=serve.get("search_seconds"), serve_peak_mb=serve["peak_mb"],
                       serve_ready_seconds=serve.get("ready_seconds"))
    elif serve.get("start_seconds") is not None:
        figures["serve_start_seconds"] = serve["start_seconds"]


def scale_arshif(archive: Path, articles: list[Article], work: Path, args: argparse.Namespace) -> tuple[dict, dict]:
    """arshif's figures at one size, and what the edits left: {"edits": {id: paragraphs}, "site_current": bool}."""
    figures = tool_figures(bench_arshif(archive, articles, work))
    state = {"edits": {}, "site_current": figures["status"] == "ok"}
    if figures["status"] != "ok":
        return figures, state
    out = work / "out-arshif"
    if not args.skip_rebuild:
        rebuilt = bench_rebuilds(archive, articles, work)
        ok = rebuilt["unchanged_returncode"] == 0 and rebuilt["one_changed_returncode"] == 0
        figures.update(unchanged_seconds=rebuilt["unchanged_seconds"] if rebuilt["unchanged_returncode"] == 0 else None,
                       unchanged_peak_mb=rebuilt["unchanged_peak_mb"], one_edit_peak_mb=rebuilt["one_changed_peak_mb"],
                       one_edit_seconds=rebuilt["one_changed_seconds"] if ok else None, edit_shown=rebuilt["edit_shown"],
                       edited_article=rebuilt["changed_article"])
        state["edits"][rebuilt["changed_article"]] = (APPENDED_PARAGRAPH,)
        state["site_current"] = ok and rebuilt["edit_shown"]
    if args.skip_serve:
        return figures, state
    target = articles[len(articles) // 3]
    port = free_port()
    command = [sys.executable, str(REPO / "build.py"), "serve", str(archive), "--out", str(out), "--host", "127.0.0.1",
               "--port", str(port)]
    print(f"arshif: serve (build.py serve, port {port}); then a paragraph appended to seeds/{target.id}.txt ...", flush=True)
    serve = served_edit("arshif", command, REPO, work / "arshif-serve.log", port,
                        f"http://127.0.0.1:{port}/articles/{quote(target.id)}.html",
                        archive / "seeds" / f"{target.id}.txt", SERVE_PARAGRAPH + "\n", len(articles), figures["full_seconds"])
    add_serve(figures, serve)
    if serve.get("saved"):
        state["edits"][target.id] = state["edits"].get(target.id, ()) + (SERVE_PARAGRAPH,)
    state["site_current"] = state["site_current"] and serve["status"] == "ok"
    return figures, state


def scale_hugo(articles: list[Article], work: Path, args: argparse.Namespace) -> dict:
    """Hugo's figures at one size: `hugo`, `hugo` again, `hugo` after one post gained a paragraph, `hugo server`."""
    figures = tool_figures(bench_hugo(articles, work))
    if figures["status"] != "ok":
        return figures
    hugo = shutil.which("hugo") or "hugo"
    site, out = work / "hugo", work / "out-hugo"
    figures["extra"]["server_renders_to"] = "memory (hugo server's default in 0.111)"
    if not args.skip_rebuild:
        print("Hugo: rebuild with no change (hugo again) ...", flush=True)
        unchanged = measure(hugo_command(hugo, site, out), work / "hugo-rebuild-unchanged.log", cwd=site)
        changed = articles[len(articles) // 2]
        post = site / "content" / "posts" / f"{changed.id}.md"
        with open(post, "a", encoding="utf-8") as handle:
            handle.write("\n" + APPENDED_PARAGRAPH + "\n")
        print(f"Hugo: rebuild after appending a paragraph to {post.name} ...", flush=True)
        one = measure(hugo_command(hugo, site, out), work / "hugo-rebuild-one-changed.log", cwd=site)
        page = out / "posts" / changed.id / "index.html"
        shown = page.is_file() and APPENDED_PARAGRAPH in page.read_text(encoding="utf-8")
        figures.update(unchanged_seconds=unchanged.seconds if unchanged.returncode == 0 else None,
                       unchanged_peak_mb=unchanged.peak_mb, one_edit_seconds=one.seconds if one.returncode == 0 else None,
                       one_edit_peak_mb=one.peak_mb, edit_shown=shown, edited_article=changed.id)
        for label, run in (("no change", unchanged), ("one article changed", one)):
            status = "" if run.returncode == 0 else f"  FAILED (exit {run.returncode}):\n{log_tail(run.log)}"
            print(f"  rebuild, {label}: {run.seconds:.2f} s, peak {run.peak_mb:,.0f} MB{status}", flush=True)
        if not shown:
            print(f"  PROBLEM: after the rebuild, {page} does not show the appended paragraph")
    if args.skip_serve:
        return figures
    target = articles[len(articles) // 3]
    port = free_port()
    command = [hugo, "server", "--source", str(site), "--bind", "127.0.0.1", "--port", str(port)]
    print(f"Hugo: hugo server (in memory, port {port}); then a paragraph appended to {target.id}.md ...", flush=True)
    add_serve(figures, served_edit("Hugo", command, site, work / "hugo-server.log", port,
                                   f"http://127.0.0.1:{port}/posts/{quote(target.id)}/",
                                   site / "content" / "posts" / f"{target.id}.md", "\n" + SERVE_PARAGRAPH + "\n", len(articles),
                                   figures["full_seconds"]))
    return figures


def with_edits(articles: list[Article], edits: dict[str, tuple[str, ...]]) -> list[Article]:
    """The articles as their seeds now read, after the paragraphs the rebuilds appended."""
    return [replace(a, paragraphs=a.paragraphs + edits[a.id]) if a.id in edits else a for a in articles]


def bench_scale(args: argparse.Namespace, corpus: tuple[Path, list[str], list[dict], list[Article]], scratch: Path,
                search_rows: int) -> tuple[dict, SearchSet | None]:
    """Every size in turn; returns the report and, when one size is the search section's 100,000
    (SEARCH_COPIES copies of the rows it searches) and its site is current, that site for it to reuse."""
    folder, header, rows, articles = corpus
    plan = scale_plan(args.sizes, len(rows))
    with_entities = not args.no_entities
    print(f"\nscale: arshif beside Hugo at {', '.join(f'{size:,}' for size, _ in plan)} articles"
          + ("" if not args.skip_serve else "; serve not measured (--skip-serve)")
          + ("" if not args.skip_rebuild else "; rebuilds not measured (--skip-rebuild)"), flush=True)
    report: dict = {"sizes": [size for size, _ in plan], "corpus_articles": len(rows), "linear_limit": LINEAR_LIMIT,
                    "serve_poll_seconds": [SERVE_POLL_SECONDS, SERVE_POLL_SHARE, SERVE_POLL_MAX],
                    "serve_settle_seconds": list(SERVE_SETTLE_SECONDS),
                    "targets": {key: {str(size): limit for size, limit in limits.items()} for key, limits in SCALE_TARGETS.items()},
                    "sets": {}}
    reusable = None
    for size, copies in plan:
        key = set_key(size)
        work = scratch / f"scale-{key}"
        work.mkdir(parents=True)
        print(f"\nscale, {key}: {size:,} articles, {made_by(size, copies, len(rows))} ...", flush=True)
        if copies == 1:
            archive, set_articles = arrange_archive(folder, header, rows[:size], work, with_entities), articles[:size]
        else:
            archive, set_articles = arrange_copies(folder, header, rows, articles, work, with_entities, copies)
        entry = report["sets"][key] = {"articles": len(set_articles), "copies": copies,
                                       "made_by": made_by(size, copies, len(rows)), "archive": str(archive)}
        entry["arshif"], state = scale_arshif(archive, set_articles, work, args)
        if args.skip_hugo:
            print("Hugo: skipped (--skip-hugo)")
            entry["Hugo"] = {"status": "skipped", "note": "--skip-hugo"}
        else:
            entry["Hugo"] = scale_hugo(set_articles, work, args)
        print_scale_set(key, entry)
        if copies == SEARCH_COPIES and search_rows == len(rows) and state["site_current"]:
            reusable = SearchSet(key, with_edits(set_articles, state["edits"]), work, archive=archive, out=work / "out-arshif",
                                 build={"seconds": entry["arshif"]["full_seconds"], "peak_mb": entry["arshif"]["full_peak_mb"],
                                        "returncode": 0, "reused": f"the scale section's {key}"}, role="copies")
    report["per_article"], report["flags"] = per_article(report["sets"])
    return report, reusable


def per_article(sets: dict) -> tuple[list[dict], list[str]]:
    """Milliseconds per article of each timed measure at each size, the largest size's as a ratio
    to each smaller one's, and a flag line for every ratio above LINEAR_LIMIT."""
    keys = list(sets)  # in size order
    rows, flags = [], []
    labels = dict((key, label.strip()) for key, label, _ in SCALE_ROWS)
    for tool in SCALE_TOOLS:
        for measure in PER_ARTICLE:
            ms = {}
            for key, entry in sets.items():
                figures = entry.get(tool, {})
                if figures.get("status") == "ok" and figures.get(measure) is not None:
                    ms[key] = figures[measure] * 1000 / entry["articles"]
            if not ms:
                continue
            largest = keys[-1]
            ratios = {f"{largest}/{key}": ms[largest] / ms[key] for key in keys[:-1] if largest in ms and ms.get(key)}
            over = {pair: ratio for pair, ratio in ratios.items() if ratio > LINEAR_LIMIT}
            rows.append({"tool": tool, "measure": measure, "label": labels[measure], "ms_per_article": ms, "ratios": ratios,
                         "flag": bool(over)})
            if over:
                flags.append(f"{tool}, {labels[measure]}: {ms[largest]:.3f} ms per article at {largest}, "
                             + ", ".join(f"{ratio:.2f}x that at {pair.split('/')[1]}" for pair, ratio in over.items())
                             + f" (over {LINEAR_LIMIT}x: the cost grows faster than the archive)")
    return rows, flags


def _scale_format(value, unit: str) -> str:
    if value is None:
        return "-"
    return {"s": f"{value:,.2f} s", "MB": f"{value:,.0f} MB", "MB1": f"{value:,.1f} MB", "n": f"{value:,}"}[unit]


def scale_target(measure: str, articles: int, figures: dict, hugo: dict) -> tuple[str, bool | None]:
    """Issue 13's target for arshif at this size, if it has one, and whether arshif meets it."""
    limit = SCALE_TARGETS.get(measure, {}).get(articles)
    if limit is None:
        return "", None
    value = figures.get(measure)
    if measure == "full_seconds":
        theirs = hugo.get("full_seconds") if hugo.get("status") == "ok" else None
        ok = None if value is None or not theirs else value / theirs <= limit
        return f"≤ {limit:.1f}× Hugo", ok
    unit = "MB" if measure.endswith("_mb") else "s"
    return f"≤ {_scale_format(limit, unit)}", None if value is None else value <= limit


def print_scale_set(key: str, entry: dict) -> None:
    ours, theirs = entry["arshif"], entry["Hugo"]
    width, label_width = 12, max(len(label) for _, label, _ in SCALE_ROWS)
    header = f"{'scale, ' + key + ' (' + format(entry['articles'], ',') + ' articles)':<{label_width}}  " \
             f"{'arshif':>{width}}  {'Hugo':>{width}}  {'arshif/Hugo':>{width}}  issue 13 target"
    print("\n" + header)
    print("-" * len(header))
    for measure, label, unit in SCALE_ROWS:
        mine = ours.get(measure) if ours.get("status") == "ok" else None
        other = theirs.get(measure) if theirs.get("status") == "ok" else None
        ratio = f"{mine / other:.2f}x" if mine is not None and other else "-"
        target, ok = scale_target(measure, entry["articles"], ours, theirs)
        verdict = {True: " ✓", False: " ✗", None: ""}[ok] if target else ""
        print(f"{label:<{label_width}}  {_scale_format(mine, unit):>{width}}  {_scale_format(other, unit):>{width}}  "
              f"{ratio:>{width}}  {target}{verdict}")
    for tool, figures in (("arshif", ours), ("Hugo", theirs)):
        if figures.get("status") != "ok":
            print(f"  {tool}: {figures.get('status')}{': ' + figures['note'] if figures.get('note') else ''}")
            continue
        if figures.get("note"):
            print(f"  {tool}: {figures['note']}")
        if figures.get("edit_shown") is False:
            print(f"  {tool}: PROBLEM: after the one-edit rebuild the article's page did not show the new paragraph")
        serve = figures.get("serve")
        if serve and serve["status"] != "ok":
            print(f"  {tool}, serve: not measured: {serve.get('note')}")
    print(flush=True)


def print_per_article(report: dict) -> None:
    keys = list(report["sets"])
    if not report["per_article"]:
        return
    ratio_keys = list(dict.fromkeys(pair for row in report["per_article"] for pair in row["ratios"]))
    label_width = max(len("ms per article"), *(len(f"{row['tool']}, {row['label']}") for row in report["per_article"]))
    header = (f"{'ms per article':<{label_width}}  " + "  ".join(f"{k:>9}" for k in keys) + "  "
              + "  ".join(f"{pair:>10}" for pair in ratio_keys))
    print(header)
    print("-" * len(header))
    for row in report["per_article"]:
        cells = [f"{row['ms_per_article'][k]:9.3f}" if k in row["ms_per_article"] else f"{'-':>9}" for k in keys]
        ratios = [(f"{row['ratios'][p]:.2f}x" + (" !" if row["ratios"][p] > LINEAR_LIMIT else "  ")).rjust(10)
                  if p in row["ratios"] else f"{'-':>10}" for p in ratio_keys]
        print(f"{row['tool'] + ', ' + row['label']:<{label_width}}  " + "  ".join(cells) + "  " + "  ".join(ratios))
    for flag in report["flags"]:
        print(f"FLAG: {flag}")
    if not ratio_keys:
        return
    if not report["flags"]:
        print(f"no time per article at {keys[-1]} is more than {LINEAR_LIMIT}x that at a smaller size")
    print(f"(! marks a ratio over {LINEAR_LIMIT}x; a rebuild that does only the work an edit needs should cost about the "
          f"same at every size, so its ms per article falls as the archive grows)")


def print_scale(report: dict) -> None:
    for key, entry in report["sets"].items():
        print_scale_set(key, entry)
    print_per_article(report)


# -- reporting ------------------------------------------------------------------


def skipped(tool: str, why: str, articles: int) -> Result:
    print(f"{tool}: SKIPPED. {why}", flush=True)
    return Result(tool, status="skipped", note=why, articles=articles)


def comparison(ours: Result, theirs: Result) -> str | None:
    """'arshif is 2.3x faster than Hugo', or None when either build did not finish."""
    if ours.status != "ok" or theirs.status != "ok" or not ours.seconds or not theirs.seconds:
        return None
    ratio = theirs.seconds / ours.seconds
    if ratio >= 1:
        return f"arshif is {ratio:.1f}x faster than {theirs.tool} ({ours.seconds:.2f} s vs {theirs.seconds:.2f} s)"
    return f"arshif is {1 / ratio:.1f}x slower than {theirs.tool} ({ours.seconds:.2f} s vs {theirs.seconds:.2f} s)"


def summary_table(results: list[Result]) -> str:
    header = f"{'tool':<8} {'status':<8} {'articles':>8} {'seconds':>8} {'art/s':>8} {'peak MB':>8} {'out MB':>8} {'files':>7} {'art.pages':>9}"
    lines = [header, "-" * len(header)]
    for r in results:
        cells = [_cell(r.seconds, ".2f", 8), _cell(r.articles_per_second, ",.0f", 8), _cell(r.peak_mb, ",.0f", 8),
                 _cell(r.output_mb, ",.1f", 8), _cell(r.files, ",", 7), _cell(r.article_pages, ",", 9)]
        lines.append(f"{r.tool:<8} {r.status:<8} {r.articles:>8,} " + " ".join(cells))
    lines.extend(f"  {r.tool}: {r.note}" for r in results if r.note)
    return "\n".join(lines)


def _cell(value, spec: str, width: int) -> str:
    return ("-" if value is None else format(value, spec)).rjust(width)


def print_summary(results: list[Result], rebuilds: dict | None, matcher: dict | None, search: dict | None,
                  comparisons: list[str], scale: dict | None = None) -> None:
    print("\n== summary ==")
    if results:
        print(summary_table(results))
        entities = results[0].extra.get("entities", 0)
        print(f"arshif built {'with ' + format(entities, ',') + ' entities' if entities else 'without entities'}")
    if rebuilds:
        print(f"arshif rebuild: no change {rebuilds['unchanged_seconds']:.2f} s, one article changed "
              f"{rebuilds['one_changed_seconds']:.2f} s (target < {REBUILD_TARGET_SECONDS:.0f} s)"
              + ("" if rebuilds["edit_shown"] else "; PROBLEM: the changed article's page was not updated"))
    if matcher:
        for run in matcher["runs"]:
            print("matcher, " + matcher_line(run))
    for line in comparisons:
        print(line)
    if scale:
        print_scale(scale)
    if search:
        print()
        print_search_table(search)


def write_json(path: Path, args: argparse.Namespace, results: list[Result], rebuilds: dict | None, matcher: dict | None,
               search: dict | None, comparisons: list[str], scale: dict | None = None) -> None:
    report = {
        "corpus": str(args.corpus),
        "articles": results[0].articles if results else 0,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "arshif": arshif_version(),
        "entities_file": None if args.no_entities else str(ENTITIES_FILE),
        "results": [asdict(r) for r in results],
        "arshif_rebuild": rebuilds,
        "matcher": matcher,
        "scale": scale,
        "search": search,
        "comparisons": comparisons,
    }
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


# -- main -----------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark arshif against Pelican and Hugo, and its search beside Pagefind's, "
                                                 "on real Arabic news articles.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="a .tar.xz of the corpus, or a folder holding articles/ and metadata.csv (default: %(default)s)")
    parser.add_argument("--articles", type=int, metavar="N", help="build only the first N articles (default: all)")
    parser.add_argument("--skip-pelican", action="store_true", help="do not build with Pelican")
    parser.add_argument("--skip-hugo", action="store_true", help="do not build with Hugo")
    parser.add_argument("--skip-rebuild", action="store_true", help="do not measure arshif's rebuilds")
    parser.add_argument("--no-entities", action="store_true",
                        help="build arshif without content/entities.toml (by default the repo's list is copied in)")
    parser.add_argument("--skip-matcher", action="store_true", help="do not time the entity matcher alone")
    parser.add_argument("--skip-search", action="store_true", help="leave out the search section (no Chromium, no Pagefind)")
    parser.add_argument("--search-only", action="store_true",
                        help="only the search section: no Pelican, Hugo, matcher or rebuilds, and arshif's build not measured")
    parser.add_argument("--skip-100k", action="store_true", help="leave the five copies (100,000 articles) out of the search section")
    parser.add_argument("--sizes", type=parse_sizes, default=SCALE_SIZES, metavar="N,N,...",
                        help="the scale section's sizes: the first N articles of the corpus, or whole copies of it above its "
                             "count (default: 2000,20000,100000)")
    parser.add_argument("--skip-serve", action="store_true", help="do not measure arshif serve and hugo server in the scale section")
    parser.add_argument("--skip-scale", action="store_true", help="leave out the scale section (arshif beside Hugo at each size)")
    parser.add_argument("--scale-only", action="store_true",
                        help="only the scale section: no Pelican, matcher or search, and no separate build of --articles")
    parser.add_argument("--skip-pagefind", action="store_true", help="leave Pagefind out of the search section")
    parser.add_argument("--pagefind-timeout", type=float, default=PAGEFIND_TIMEOUT_SECONDS, metavar="SECONDS",
                        help="give up a Pagefind index that takes longer (default: %(default).0f)")
    parser.add_argument("--search-corpus", type=Path, default=SEARCH_CORPUS,
                        help="a folder with articles/ and metadata.csv: the small search set (default: %(default)s)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the summary as JSON to PATH")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (inputs, outputs, logs) and print its path")
    args = parser.parse_args(argv)
    if args.articles is not None and args.articles < 1:
        parser.error("--articles must be at least 1")
    if args.search_only and args.skip_search:
        parser.error("--search-only and --skip-search leave nothing to do")
    if args.scale_only and args.skip_scale:
        parser.error("--scale-only and --skip-scale leave nothing to do")
    if args.scale_only and args.search_only:
        parser.error("--scale-only and --search-only: choose one (or neither, for everything)")
    return args


def arshif_version() -> str:
    """The commit being measured, and whether the work tree differs from it."""
    def git(*words):
        try:
            return subprocess.run(["git", "-C", str(REPO), *words], capture_output=True, text=True, check=False).stdout.strip()
        except OSError:  # no git here: the figures are still worth having
            return ""
    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "arshif", "templates")
    return commit + (" with uncommitted changes to arshif/ or templates/" if dirty else "")


def run_benchmark(args: argparse.Namespace, scratch: Path) -> None:
    print(f"arshif at {arshif_version()}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs", flush=True)
    folder = corpus_folder(args.corpus.resolve(), scratch)
    header, rows = read_rows(folder, args.articles)
    articles = [read_article(folder, row) for row in rows]
    print(f"{len(articles):,} articles from {folder}; working in {scratch}", flush=True)
    print("entities: none (--no-entities)" if args.no_entities else f"entities: {ENTITIES_FILE.relative_to(REPO)} copied into the archive", flush=True)

    results: list[Result] = []
    rebuilds = matcher = scale = built_copies = None
    main_set = SearchSet(set_key(len(articles)), articles, scratch / "search-main", role="main")
    if args.search_only:
        print("search only (--search-only): no Pelican, Hugo, matcher, rebuilds or scale section")
    elif args.scale_only:
        print("scale only (--scale-only): arshif beside Hugo at each of --sizes; no Pelican, matcher or search")
    else:
        archive = arrange_archive(folder, header, rows, scratch, with_entities=not args.no_entities)
        ours = bench_arshif(archive, articles, scratch)
        rebuilds = None if args.skip_rebuild or ours.status != "ok" else bench_rebuilds(archive, articles, scratch)
        results.append(ours)
        if args.skip_pelican:
            print("Pelican: skipped (--skip-pelican)")
        else:
            results.append(bench_pelican(articles, scratch))
        if args.skip_hugo:
            print("Hugo: skipped (--skip-hugo)")
        else:
            results.append(bench_hugo(articles, scratch))
        # Last, after every build: it runs in this process and must not share the cores with one.
        matcher = None if args.skip_matcher else bench_matcher(folder, rows)
        if args.skip_matcher:
            print("matcher: skipped (--skip-matcher)")
        if ours.status == "ok":  # the search section uses this site rather than build it again
            changed = rebuilds.get("changed_article") if rebuilds else None
            main_set.articles = [replace(a, paragraphs=a.paragraphs + (APPENDED_PARAGRAPH,)) if a.id == changed else a
                                 for a in articles]
            main_set.archive, main_set.out = archive, scratch / "out-arshif"
            main_set.build = {"seconds": ours.seconds, "peak_mb": ours.peak_mb, "returncode": 0, "reused": True}
    # After the matcher (it runs in this process), before the search (which reuses its 100,000).
    if args.skip_scale:
        print("scale: skipped (--skip-scale)")
    elif not args.search_only:
        if args.articles is None:
            everything = (folder, header, rows, articles)
        else:  # the sizes are counted in the whole corpus, whatever --articles says
            all_header, all_rows = read_rows(folder, None)
            everything = (folder, all_header, all_rows, [read_article(folder, row) for row in all_rows])
        scale, built_copies = bench_scale(args, everything, scratch, len(rows))
    # After every build too: the index timing runs on one core, the browser wants the cores.
    search = None
    if args.skip_search or args.scale_only:
        print("search: skipped (" + ("--skip-search" if args.skip_search else "--scale-only") + ")")
    else:
        search = bench_search(args, main_set, (folder, header, rows, articles), scratch, built_copies)

    comparisons = [line for other in results[1:] if (line := comparison(results[0], other))]
    print_summary(results, rebuilds, matcher, search, comparisons, scale)
    if args.json:
        write_json(args.json, args, results, rebuilds, matcher, search, comparisons, scale)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="arshif-bench-"))
    try:
        run_benchmark(args, scratch)
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
