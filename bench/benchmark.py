#!/usr/bin/env python3
"""Benchmark arshif against Pelican and Hugo on the same real articles.

Run from the repository root:

    .venv/bin/python bench/benchmark.py                   # all 20,000 articles, with Pelican and Hugo
    .venv/bin/python bench/benchmark.py --articles 2000   # only the first 2,000
    .venv/bin/python bench/benchmark.py --corpus ../shared/corpus --skip-hugo
    .venv/bin/python bench/benchmark.py --json /tmp/bench.json
    .venv/bin/python bench/benchmark.py --no-entities --skip-matcher   # plain pages, no matcher section
    .venv/bin/python bench/benchmark.py --skip-search     # no search section (no Chromium needed)

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
6. Measures arshif's client-side search (skip: --skip-search) on the site built in step 2
   and on the 2,000 untarred articles of ../shared/corpus (built too): index size, index
   build time on one core, and in Chromium the time to first results, to the whole index,
   per query, and the JS heap; from file:// and, for the big site, over http.
7. Prints a summary table and, with --json PATH, writes it as JSON.

Pelican: .venv/bin/pip install 'pelican[markdown]==4.12.0'.  Hugo: apt-get install -y hugo.
A missing tool is skipped with a note; this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as bench/benchmark.py, the repo root is not on the path

from arshif.enrich.matcher import Matcher  # noqa: E402
from arshif.errors import Problems  # noqa: E402
from arshif.load.entities import load_entities  # noqa: E402
from arshif.text import COMMON_WORDS, tokens  # noqa: E402

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
SEARCH_CORPUS = REPO.parent / "shared" / "corpus"  # the 2,000 untarred articles, a second search site
SEARCH_BYTES_PER_ARTICLE_TARGET = 2 * 1024  # index bytes per article: under 2 KB
SEARCH_FIRST_RESULTS_TARGET_SECONDS = 1.0
SEARCH_QUERY_TARGET_MS = 50.0
SEARCH_PAGE_QUERY = "السعودية"  # the ?q= of the page load; common enough to be in the newest shard
# Fixed, so every run times the same queries: single words, two-word queries, a required
# (+) and an excluded (-) term, a prefix (*).
SEARCH_QUERIES = (
    "السعودية",
    "النفط",
    "الحوثيين",
    "داعش",
    "التعليم",
    "وزير الخارجية",
    "كأس العالم",
    "+اليمن +الحوثي",
    "النفط -إيران",
    "اقتصا*",
)
SEARCH_QUERY_REPEATS = 3
SEARCH_TIMEOUT_MS = 180_000
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


def log_tail(log: Path) -> str:
    lines = log.read_text(errors="replace").splitlines()
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
    with open(content / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    if with_entities:
        # The entity step (entity pages, linked mentions) is part of a real build.
        shutil.copyfile(ENTITIES_FILE, content / "entities.toml")
    return archive


def entity_ids(archive: Path) -> list[str]:
    """Ids in the archive's entities.toml, or none without one; read here so a broken file shows in arshif's log, not ours."""
    path = archive / "content" / "entities.toml"
    if not path.is_file():
        return []
    return [entity.id for entity in load_entities(path, Problems())]


def entity_output(out: Path, ids: list[str], articles: list[Article]) -> dict:
    """What the entity step left in the site: a page per entity, the index, linked mentions in article pages."""
    linked = [_linked_mentions(out / f"articles/{a.id}.html") for a in articles]
    return {
        "entities": len(ids),
        "entity_pages": count_existing(out, [f"entities/{i}.html" for i in ids]),
        "entity_index": (out / "entities/index.html").is_file(),
        "linked_mentions": sum(linked),
        "articles_with_links": sum(1 for n in linked if n),
    }


def _linked_mentions(page: Path) -> int:
    # The class templates/_segments.html gives a mention's link; the tag list under an article has none.
    return page.read_text(encoding="utf-8").count('<a class="entity"') if page.is_file() else 0


def report_entity_output(result: Result, figures: dict) -> None:
    result.extra["entity_output"] = figures
    print(f"  entity pages: {figures['entity_pages']:,} of {figures['entities']:,}"
          f"{'' if figures['entity_index'] else ', NO entities/index.html'}; "
          f"{figures['linked_mentions']:,} linked mentions in {figures['articles_with_links']:,} article pages")
    if result.status != "ok":
        return
    if figures["entity_pages"] != figures["entities"] or not figures["entity_index"]:
        result.note = (result.note + "; " if result.note else "") + f"only {figures['entity_pages']} of {figures['entities']} entity pages found"


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
               "edit_shown": edit_shown, "target_seconds": REBUILD_TARGET_SECONDS}
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


def bench_hugo(articles: list[Article], scratch: Path) -> Result:
    hugo = shutil.which("hugo")
    if hugo is None:
        return skipped("Hugo", "Hugo is not installed: apt-get update && apt-get install -y hugo", len(articles))
    site = write_hugo_site(articles, scratch)
    out = scratch / "out-hugo"
    version = subprocess.run([hugo, "version"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"Hugo: building {len(articles):,} articles with {version.split(' ')[1] if version else 'hugo'} ...", flush=True)
    command = [hugo, "--source", str(site), "--destination", str(out), "--quiet"]
    run = measure(command, scratch / "hugo-build.log", cwd=site)
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


# -- the search index -------------------------------------------------------------

# Times the index step alone, in a fresh process: the archive is loaded exactly as
# arshif.pipeline.build loads it up to the renderer (load_archive, enrich,
# Renderer(...).views), then search_docs and shard_script for every shard run one after
# the other on one core. The real build hands the shards to its worker processes with the
# pages, spread over the cores. Prints one line of JSON.
INDEX_TIMING = textwrap.dedent(
    """
    import hashlib, json, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from arshif.errors import Problems
    from arshif.load import load_archive
    from arshif.pipeline import _updated, enrich, source_date_epoch, template_dirs
    from arshif.render import Renderer
    from arshif.search import SHARD_SIZE, search_docs, shard_script
    root = Path(sys.argv[2])
    started = time.perf_counter()
    problems = Problems()
    archive = enrich(load_archive(root, problems), problems)
    views = Renderer(archive, template_dirs(root), _updated(archive, source_date_epoch())).views
    loaded = time.perf_counter()
    docs = search_docs(archive, views)
    shards = []
    for number, start in enumerate(range(0, len(docs), SHARD_SIZE)):
        data = shard_script(number, docs[start : start + SHARD_SIZE]).encode("utf-8")
        shards.append([len(data), hashlib.sha256(data).hexdigest()])
    done = time.perf_counter()
    print(json.dumps({"articles": len(docs), "shard_size": SHARD_SIZE, "load_seconds": loaded - started,
                      "seconds": done - loaded, "shards": shards}))
    """
)


@dataclass(frozen=True)
class SearchSite:
    label: str  # e.g. "20,000 articles"
    archive: Path
    site: Path
    articles: int
    over_http: bool  # also load it from a local http server


def build_search_corpus(corpus: Path, scratch: Path, with_entities: bool) -> SearchSite | None:
    """The second search site: the untarred corpus folder, arranged and built like the main one."""
    if not corpus.is_dir():
        print(f"search: {corpus} is not a folder; the second search site is left out (give --search-corpus)")
        return None
    folder = _folder_with_metadata(corpus)
    header, rows = read_rows(folder, None)
    work = scratch / "search-corpus"
    archive = arrange_archive(folder, header, rows, work, with_entities)
    out = work / "out-arshif"
    print(f"search: building the {len(rows):,} articles of {folder} with arshif "
          f"({'with' if with_entities else 'without'} entities) for the second search site ...", flush=True)
    run = measure(arshif_command(archive, out), work / "arshif-build.log", cwd=REPO)
    if run.returncode != 0:
        print(f"  arshif FAILED (exit {run.returncode}); last lines of {run.log}:\n{log_tail(run.log)}")
        return None
    print(f"  built in {run.seconds:.2f} s, peak {run.peak_mb:,.0f} MB", flush=True)
    return SearchSite(f"{len(rows):,} articles from {folder.name}/", archive, out, len(rows), over_http=False)


def index_size(site: Path, articles: int) -> dict:
    """Bytes of search/*.js (the shards and the manifest), per article, and the largest shard."""
    files = {path.name: path.stat().st_size for path in sorted((site / "search").glob("*.js"))}
    shards = {name: size for name, size in files.items() if name.startswith("shard-")}
    largest = max(shards, key=shards.get) if shards else None
    total = sum(files.values())
    per_article = total / articles if articles else None
    return {"files": len(files), "shards": len(shards), "total_bytes": total, "shard_bytes": sum(shards.values()),
            "bytes_per_article": per_article, "largest_shard": largest, "largest_shard_bytes": shards.get(largest),
            "target_bytes_per_article": SEARCH_BYTES_PER_ARTICLE_TARGET,
            "meets_target": per_article is not None and per_article < SEARCH_BYTES_PER_ARTICLE_TARGET}


def time_index_build(archive: Path, site: Path, log: Path) -> dict:
    """Runs INDEX_TIMING and checks its shards are the very bytes the build wrote."""
    with open(log, "w") as errors:
        done = subprocess.run([sys.executable, "-c", INDEX_TIMING, str(REPO), str(archive)], stdout=subprocess.PIPE,
                              stderr=errors, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        print(f"  index build timing FAILED (exit {done.returncode}); last lines of {log}:\n{log_tail(log)}")
        return {"status": "failed", "log": str(log)}
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    built = [site / "search" / f"shard-{n}.js" for n in range(len(figures["shards"]))]
    same = all(path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == digest
               for path, (_, digest) in zip(built, figures["shards"]))
    shard_count = len(figures.pop("shards"))
    figures.update(status="ok", shard_count=shard_count, same_bytes_as_build=same,
                   seconds_per_1000_articles=figures["seconds"] / figures["articles"] * 1000 if figures["articles"] else None)
    return figures


class _QuietHandler(SimpleHTTPRequestHandler):
    """Logs nothing, but notes each request it answered with an error in `failed`."""

    def __init__(self, *args, failed: list[str], **kwargs):
        self.failed = failed
        super().__init__(*args, **kwargs)

    def log_request(self, code="-", size="-"):
        if str(code).isdigit() and int(code) >= 400:
            self.failed.append(f"the server answered {int(code)} to {self.path}")

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextmanager
def http_server(folder: Path, failed: list[str]):
    """A `python -m http.server` on 127.0.0.1 and a free port, in a thread; yields the base URL.
    Requests it answers with an error (e.g. 404) are appended to `failed`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder), failed=failed))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def browser_missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed: .venv/bin/pip install playwright (the browser is Debian's /usr/bin/chromium)"
    if not Path(CHROMIUM).is_file():
        return f"{CHROMIUM} is missing: apt-get update && apt-get install -y chromium"
    return None


def time_search_page(playwright, base_url: str) -> dict:
    """One fresh Chromium: load search.html?q=..., time first results and the whole index, then the queries."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        page = browser.new_page()
        page.set_default_timeout(SEARCH_TIMEOUT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.on("console", lambda message: errors.append(f"console.{message.type}: {message.text}")
                if message.type in ("error", "warning") else None)
        page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url} ({request.failure})"))
        figures: dict = {"url": base_url + "search.html?q=" + quote(SEARCH_PAGE_QUERY), "errors": errors}
        started = time.perf_counter()
        page.goto(figures["url"], wait_until="commit")
        try:
            # checked on every frame, and the page loads one shard per frame at most, so the
            # shard count returned is the one the first results were shown with
            shards = page.wait_for_function("() => document.querySelector('#search-results li') ? window.arshifSearch.loaded() : 0",
                                            polling="raf")
            figures["first_results_seconds"] = time.perf_counter() - started
            figures["shards_at_first_results"] = shards.json_value()
        except PlaywrightTimeout:
            figures["first_results_seconds"] = None
        try:
            page.wait_for_function("() => window.arshifSearch && window.arshifSearch.done()", polling=10)
            figures["all_shards_seconds"] = time.perf_counter() - started
        except PlaywrightTimeout:
            figures["all_shards_seconds"] = None
        figures["shards_loaded"] = page.evaluate("() => window.arshifSearch ? window.arshifSearch.loaded() : 0")
        figures["heap_bytes"] = page.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize : null")
        figures["status_text"] = page.text_content("#search-status")
        figures["results_shown"] = page.locator("#search-results li").count()
        if figures["all_shards_seconds"] is not None:
            figures["queries"] = time_queries(page)
            times = [ms for q in figures["queries"] for ms in q["ms"]]
            figures["mean_query_ms"] = sum(times) / len(times)
            figures["slowest_query_ms"] = max(times)
            figures["meets_query_target"] = figures["mean_query_ms"] < SEARCH_QUERY_TARGET_MS
        first = figures["first_results_seconds"]
        figures["meets_first_results_target"] = first is not None and first < SEARCH_FIRST_RESULTS_TARGET_SECONDS
        return figures
    finally:
        browser.close()


def time_queries(page) -> list[dict]:
    """Each query SEARCH_QUERY_REPEATS times, timed inside the page with performance.now()."""
    runs = []
    for query in SEARCH_QUERIES:
        timings, count = [], None
        for _ in range(SEARCH_QUERY_REPEATS):
            count, ms = page.evaluate("q => { const t = performance.now(); const n = window.arshifSearch.count(q);"
                                      " return [n, performance.now() - t]; }", query)
            timings.append(ms)
        runs.append({"query": query, "results": count, "ms": timings, "mean_ms": sum(timings) / len(timings)})
    return runs


def browser_line(figures: dict) -> str:
    first, whole = figures["first_results_seconds"], figures["all_shards_seconds"]
    parts = [f"first results {_seconds(first)} ({'meets' if figures['meets_first_results_target'] else 'MISSES'} "
             f"the {SEARCH_FIRST_RESULTS_TARGET_SECONDS:.0f} s target"
             + (f"; {figures['shards_at_first_results']} shard(s) in" if first is not None else "") + ")",
             f"all {figures['shards_loaded']} shards {_seconds(whole)}"]
    if "mean_query_ms" in figures:
        parts.append(f"query mean {figures['mean_query_ms']:.1f} ms, slowest {figures['slowest_query_ms']:.1f} ms "
                     f"({'meets' if figures['meets_query_target'] else 'MISSES'} the {SEARCH_QUERY_TARGET_MS:.0f} ms target)")
    heap = figures["heap_bytes"]
    parts.append(f"JS heap {heap / 1e6:,.1f} MB" if heap else "JS heap unknown")
    return ", ".join(parts)


def _seconds(value: float | None) -> str:
    return "NEVER (timed out)" if value is None else f"{value:.2f} s"


def measure_in_browser(sites: list[SearchSite]) -> dict[str, dict]:
    """{site label: {"file": figures, "http": figures}}; empty with a note if there is no browser."""
    missing = browser_missing()
    if missing:
        print(f"  search in the browser: SKIPPED. {missing}")
        return {}
    from playwright.sync_api import sync_playwright

    measured: dict[str, dict] = {}
    with sync_playwright() as playwright:
        for site in sites:
            transports = [("file", site.site.as_uri() + "/")]
            measured[site.label] = {}
            for transport, base in transports + ([("http", None)] if site.over_http else []):
                print(f"  {site.label}, Chromium over {transport}:// ...", flush=True)
                if base is None:
                    failed: list[str] = []
                    with http_server(site.site, failed) as url:
                        figures = time_search_page(playwright, url)
                    figures["errors"] += failed
                else:
                    figures = time_search_page(playwright, base)
                measured[site.label][transport] = figures
                print(f"    {browser_line(figures)}", flush=True)
                print("    " + "; ".join(f"{q['query']} {q['results']:,} in {q['mean_ms']:.1f} ms"
                                         for q in figures.get("queries", [])), flush=True)
                for error in figures["errors"][:5]:
                    print(f"    PROBLEM in the page: {error}")
    return measured


def bench_search(sites: list[SearchSite], scratch: Path) -> dict:
    print(f"search: index size, index build time on one core, and Chromium ({CHROMIUM}) on "
          f"{' and '.join(s.label for s in sites)} ...", flush=True)
    report: dict = {"targets": {"bytes_per_article": SEARCH_BYTES_PER_ARTICLE_TARGET,
                                "first_results_seconds": SEARCH_FIRST_RESULTS_TARGET_SECONDS,
                                "query_ms": SEARCH_QUERY_TARGET_MS},
                    "page_query": SEARCH_PAGE_QUERY, "queries": list(SEARCH_QUERIES), "query_repeats": SEARCH_QUERY_REPEATS,
                    "chromium_args": CHROMIUM_ARGS, "sites": {}}
    for number, site in enumerate(sites):
        size = index_size(site.site, site.articles)
        print(f"  {site.label}: {size_line(size)}", flush=True)
        timing = time_index_build(site.archive, site.site, scratch / f"search-index-timing-{number}.log")
        if timing["status"] == "ok":
            print(f"  {site.label}: {timing_line(timing)}", flush=True)
            if not timing["same_bytes_as_build"]:
                print("  PROBLEM: the shards made by the timing process differ from the ones the build wrote")
        report["sites"][site.label] = {"articles": site.articles, "site": str(site.site), "index_size": size,
                                       "index_build": timing, "browser": {}}
    for label, figures in measure_in_browser(sites).items():
        report["sites"][label]["browser"] = figures
    return report


def size_line(size: dict) -> str:
    if not size["files"]:
        return "NO search/*.js in the site"
    return (f"index {size['total_bytes'] / 1e6:,.2f} MB in {size['files']} files of search/*.js "
            f"({size['shards']} shards + manifest), {size['bytes_per_article']:,.0f} bytes per article "
            f"({'meets' if size['meets_target'] else 'MISSES'} the < {SEARCH_BYTES_PER_ARTICLE_TARGET // 1024} KB target); "
            f"largest shard {size['largest_shard']} {size['largest_shard_bytes'] / 1e3:,.0f} KB")


def timing_line(timing: dict) -> str:
    return (f"index build {timing['seconds']:.2f} s for {timing['articles']:,} articles in {timing['shard_count']} shards "
            f"= {timing['seconds_per_1000_articles']:.2f} s per 1,000 articles, one process on one core "
            f"(the real build spreads shards over the cores; loading + enrich + views before it: "
            f"{timing['load_seconds']:.2f} s, not counted)")



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
                  comparisons: list[str]) -> None:
    print("\n== summary ==")
    print(summary_table(results))
    entities = results[0].extra.get("entities", 0) if results else 0
    print(f"arshif built {'with ' + format(entities, ',') + ' entities' if entities else 'without entities'}")
    if rebuilds:
        print(f"arshif rebuild: no change {rebuilds['unchanged_seconds']:.2f} s, one article changed "
              f"{rebuilds['one_changed_seconds']:.2f} s (target < {REBUILD_TARGET_SECONDS:.0f} s)"
              + ("" if rebuilds["edit_shown"] else "; PROBLEM: the changed article's page was not updated"))
    if matcher:
        for run in matcher["runs"]:
            print("matcher, " + matcher_line(run))
    for label, figures in (search or {}).get("sites", {}).items():
        print(f"search, {label}: {size_line(figures['index_size'])}")
        if figures["index_build"].get("status") == "ok":
            print(f"search, {label}: {timing_line(figures['index_build'])}")
        for transport, page in figures["browser"].items():
            print(f"search, {label}, {transport}://: {browser_line(page)}")
    for line in comparisons:
        print(line)


def write_json(path: Path, args: argparse.Namespace, results: list[Result], rebuilds: dict | None, matcher: dict | None,
               search: dict | None, comparisons: list[str]) -> None:
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
        "search": search,
        "comparisons": comparisons,
    }
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


# -- main -----------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark arshif against Pelican and Hugo on real Arabic news articles.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="a .tar.xz of the corpus, or a folder holding articles/ and metadata.csv (default: %(default)s)")
    parser.add_argument("--articles", type=int, metavar="N", help="build only the first N articles (default: all)")
    parser.add_argument("--skip-pelican", action="store_true", help="do not build with Pelican")
    parser.add_argument("--skip-hugo", action="store_true", help="do not build with Hugo")
    parser.add_argument("--skip-rebuild", action="store_true", help="do not measure arshif's rebuilds")
    parser.add_argument("--no-entities", action="store_true",
                        help="build arshif without content/entities.toml (by default the repo's list is copied in)")
    parser.add_argument("--skip-matcher", action="store_true", help="do not time the entity matcher alone")
    parser.add_argument("--skip-search", action="store_true",
                        help="leave out the search section (index size, index build time, Chromium timings)")
    parser.add_argument("--search-corpus", type=Path, default=SEARCH_CORPUS,
                        help="a folder with articles/ and metadata.csv, built as the second search site (default: %(default)s)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the summary as JSON to PATH")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (inputs, outputs, logs) and print its path")
    args = parser.parse_args(argv)
    if args.articles is not None and args.articles < 1:
        parser.error("--articles must be at least 1")
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
    archive = arrange_archive(folder, header, rows, scratch, with_entities=not args.no_entities)
    print(f"{len(articles):,} articles from {folder}; working in {scratch}", flush=True)
    print("entities: none (--no-entities)" if args.no_entities else f"entities: {ENTITIES_FILE.relative_to(REPO)} copied into the archive", flush=True)

    ours = bench_arshif(archive, articles, scratch)
    rebuilds = None if args.skip_rebuild or ours.status != "ok" else bench_rebuilds(archive, articles, scratch)
    results = [ours]
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
    # Also after every build, for the same reason: the index timing runs on one core.
    search = None if args.skip_search else bench_search(search_sites(args, folder, archive, ours, scratch), scratch)
    if args.skip_search:
        print("search: skipped (--skip-search)")

    comparisons = [line for other in results[1:] if (line := comparison(ours, other))]
    print_summary(results, rebuilds, matcher, search, comparisons)
    if args.json:
        write_json(args.json, args, results, rebuilds, matcher, search, comparisons)


def search_sites(args: argparse.Namespace, folder: Path, archive: Path, ours: Result, scratch: Path) -> list[SearchSite]:
    """The site arshif built above (also loaded over http), and the --search-corpus one unless it is the same articles."""
    sites = []
    if ours.status == "ok":
        sites.append(SearchSite(f"{ours.articles:,} articles", archive, scratch / "out-arshif", ours.articles, over_http=True))
    else:
        print("search: arshif's build failed, so its site is left out of the search section")
    second = args.search_corpus.resolve()
    if second.is_dir() and _folder_with_metadata(second) == folder and args.articles is None and sites:
        print(f"search: {second} is the corpus built above; no second search site")
    else:
        extra = build_search_corpus(second, scratch, with_entities=not args.no_entities)
        if extra is not None:
            sites.append(extra)
    return sites


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
