"""Searching in Chromium, as a reader does: from file:// and over http under a sub-path,
on this repo's archive and on the 2,000-article corpus."""

from __future__ import annotations

import bisect
import functools
import http.server
import json
import shutil
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import CORPUS
from test_browser import browser, page  # noqa: F401  (the Chromium fixtures)

from arshif.text import form_of, normalise, readings, tokens

pytestmark = pytest.mark.browser

# Spellings a reader may type for one word (hamza, ى/ي, ة/ه, a conjunction typed): the same results, in the same order.
VARIANTS = [("أمريكا", "امريكا"), ("مستشفى", "مستشفي"), ("روسيا", "وروسيا", "فروسيا"),
            ("السعودية", "السعوديه", "والسعودية"), ("إيران", "ايران", "وإيران")]
# The same word with a preposition or the article: the same articles, those holding the form typed first.
FORMS = [("الكهرباء", "كهرباء"), ("روسيا", "بروسيا"), ("السعودية", "للسعودية")]
BAD_QUERIES = ["بوتين " * 1000, "!!! ؟؟ ... ،،", "في من على", "\u200f\u200e\u202b", "😀🔥", "+", "*", "~2", "-", '"',
               "حقل:بوتين", "(بوتين)", "[روسيا]", "بوتين^10", "بوتين~1", "title:روسيا", "\\", "<script>alert(1)</script>"]


def open_search(tab, url: str, query: str, **params) -> dict:
    """Open search.html?q=...; wait for the page to say it is done; the last result it recorded."""
    extra = "".join(f"&{k}={quote(str(v))}" for k, v in params.items())
    tab.goto(f"{url}?q={quote(query)}{extra}")
    tab.wait_for_selector("html[data-search=done], html[data-search=error]", timeout=30_000)
    return tab.evaluate("window.arshifSearch.last()")


def links(tab) -> list[str]:
    return tab.eval_on_selector_all("#search-results h2 a", "links => links.map(a => a.getAttribute('href'))")


def status(tab) -> str:
    return tab.locator("#search-status").inner_text()


class Served:
    """A local http server over a folder, for as long as the with-block lasts."""

    def __init__(self, folder):
        handler = functools.partial(_Quiet, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def article_words(href: str) -> list[str]:
    """The words of a corpus article (headline and body), from its seed file."""
    name = Path(href).stem + ".txt"
    return tokens((CORPUS / "articles" / name).read_text(encoding="utf-8"))


def holds(words: list[str], word: str) -> bool:
    """The article holds the word, maybe with other proclitics or the article (the readings the analyser allows)."""
    forms = {word, *readings(word)}
    return any(forms & {w, *readings(w)} for w in words)


def test_the_query_runs_on_load_with_headline_date_source_and_marks(page, repo_site):  # noqa: F811
    result = open_search(page, (repo_site / "search.html").as_uri(), "لبوتين")
    first = page.locator("#search-results li").first
    assert first.locator("h2 a").inner_text() and first.locator(".meta").inner_text()
    assert "عدد النتائج" in status(page) and result["mode"] == "all"
    assert page.locator("#search-input").input_value() == "لبوتين"
    marked = page.eval_on_selector_all("#search-results mark", "marks => marks.map(m => m.textContent)")
    assert "بوتين" in marked and set(marked) <= {"بوتين", "لبوتين", "وبوتين"}  # the word as written, whole
    first.locator("h2 a").click()
    page.wait_for_load_state()
    assert "/articles/" in page.url and page.locator("h1").count() == 1
    assert page.errors == []


def test_a_query_naming_an_entity_shows_its_page_first(page, repo_site):  # noqa: F811
    open_search(page, (repo_site / "search.html").as_uri(), "بوتين")
    card = page.locator("#search-named li a").first
    assert card.inner_text() == "فلاديمير بوتين" and card.get_attribute("href") == "entities/vladimir-putin.html"
    assert "مقال" in page.locator("#search-named li").first.inner_text()


def test_header_box_opens_the_search_page(page, repo_site):  # noqa: F811
    page.goto((repo_site / "articles" / "002_85baf0633fb13047.html").as_uri())
    page.fill("#site-q", "كامتشاتكا")
    with page.expect_navigation():
        page.press("#site-q", "Enter")
    page.wait_for_selector("html[data-search=done]")
    assert page.url.split("?")[0].endswith("/search.html")
    assert links(page) == ["articles/002_85baf0633fb13047.html"]


@pytest.mark.corpus
def test_spelling_variants_give_the_same_results_from_file_and_http(page, corpus_site):  # noqa: F811
    def check(url):
        for group in VARIANTS:
            found = [open_search(page, url, word)["refs"] for word in group]
            assert found[0] and all(f == found[0] for f in found), (url, group, [len(f) for f in found])
        for group in FORMS:
            found = [open_search(page, url, word)["refs"] for word in group]
            assert found[0] and all(sorted(f) == sorted(found[0]) for f in found), (url, group, [len(f) for f in found])

    check((corpus_site / "search.html").as_uri())
    with Served(corpus_site.parent) as root:
        check(f"{root}/{corpus_site.name}/search.html")
    assert page.errors == []


@pytest.mark.corpus
def test_every_word_required_phrases_and_exclusions(page, corpus_site):  # noqa: F811
    url = (corpus_site / "search.html").as_uri()
    for query in ("هيئة الأمر بالمعروف", "الأمير محمد بن نايف", "أسعار النفط"):
        result = open_search(page, url, query)
        assert result["mode"] == "all" and result["total"] >= 1, query
        words = [w for w in tokens(query) if w not in ("بن",)]
        for href in links(page):
            assert all(holds(article_words(href), w) for w in words), (query, href)
    loose = open_search(page, url, "حزب الله")["refs"]
    exact = open_search(page, url, '"حزب الله"')
    assert exact["total"] and set(exact["refs"]) <= set(loose) and exact["total"] < len(loose)
    for href in links(page):
        text = article_words(href)
        assert any(holds([a], "حزب") and holds([b], "الله") for a, b in zip(text, text[1:])), href
    open_search(page, url, "النفط -إيران")
    assert links(page)
    for href in links(page):
        assert not holds(article_words(href), "ايران"), href
    assert page.errors == []


@pytest.mark.corpus
def test_no_article_with_every_word_offers_any_word(page, corpus_site):  # noqa: F811
    result = open_search(page, (corpus_site / "search.html").as_uri(), "بوتين كامتشاتكا الزبداني")
    assert result["mode"] == "any" and result["total"] > 0
    assert "كل كلمات البحث معًا" in status(page)


@pytest.mark.corpus
def test_pages_of_results(page, corpus_site):  # noqa: F811
    url = (corpus_site / "search.html").as_uri()
    result = open_search(page, url, "السعودية")
    assert result["total"] > 20 and len(links(page)) == 10
    first = links(page)
    with page.expect_navigation():
        page.locator("#search-pager a").last.click()
    page.wait_for_selector("html[data-search=done]")
    assert "الصفحة ٢" in status(page) and len(links(page)) == 10 and not set(links(page)) & set(first)
    last_page = -(-result["total"] // 10)
    open_search(page, url, "السعودية", page=last_page)
    assert len(links(page)) == result["total"] - (last_page - 1) * 10


@pytest.mark.corpus
def test_narrowing_by_source_and_year_and_sorting_by_date(page, corpus_site):  # noqa: F811
    url = (corpus_site / "search.html").as_uri()
    result = open_search(page, url, "النفط")
    page.locator("#search-narrow summary").click()
    source_link = page.locator("#search-narrow [data-facet=source] a").first
    label = source_link.inner_text()
    with page.expect_navigation():
        source_link.click()
    page.wait_for_selector("html[data-search=done]")
    narrowed = page.evaluate("window.arshifSearch.last()")
    assert 0 < narrowed["total"] < result["total"] and set(narrowed["refs"]) <= set(result["refs"])
    assert str(narrowed["total"]) in label.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
    dated = open_search(page, url, "النفط", sort="date")
    assert dated["refs"] == sorted(result["refs"], reverse=True)
    assert open_search(page, url, "النفط", year=1999)["total"] == 0
    assert open_search(page, url, "النفط", year=2015)["total"] == result["total"]  # the corpus is all 2015
    assert page.errors == []


def test_marks_are_whole_words(page, corpus_site):  # noqa: F811
    open_search(page, (corpus_site / "search.html").as_uri(), "سعود")
    marked = page.eval_on_selector_all("#search-results mark", "marks => marks.map(m => m.textContent)")
    assert marked and all("سعودي" not in m and not m.endswith((".", "،", ":")) for m in marked)


@pytest.mark.parametrize("query", BAD_QUERIES, ids=range(len(BAD_QUERIES)))
def test_any_query_gets_results_or_an_arabic_message(page, repo_site, query):  # noqa: F811
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    open_search(page, (repo_site / "search.html").as_uri(), query)
    assert page.evaluate("document.documentElement.dataset.search") == "done"
    said = status(page)
    assert said and any("\u0621" <= ch <= "\u064a" for ch in said), said
    assert page.errors == [] and console == []


@pytest.mark.corpus
def test_a_missing_index_part_is_named_and_the_rest_still_shows(page, corpus_site, tmp_path):  # noqa: F811
    site = tmp_path / "site"
    for name in ("assets", "search"):
        shutil.copytree(corpus_site / name, site / name)
    shutil.copy(corpus_site / "search.html", site / "search.html")
    url = (site / "search.html").as_uri()
    oil = open_search(page, url, "النفط")
    text = (site / "search" / "manifest.js").read_text(encoding="utf-8")
    manifest = json.loads(text[text.index(".manifest(") + len(".manifest(") : -3])
    firsts = [f.encode("utf-16-be") for f in manifest["firsts"]]
    part = f"search/t/{max(bisect.bisect_right(firsts, 'بوتين'.encode('utf-16-be')) - 1, 0)}.js"  # the part holding the term
    assert part not in oil["files"]
    (site / part).unlink()
    page.errors.clear()
    result = open_search(page, url, "بوتين النفط")
    assert part in status(page) and result["total"] == oil["total"] and links(page)
    assert page.errors and all(e.startswith("failed:") for e in page.errors)  # the missing file, and no script error


HOSTILE_SEEDS = {
    "q?x.txt": "نفط في عنوان غريب\nأمل كامل في الأسواق. روسيا وأوكرانيا. الاتحاد أكبر، والأوروبي أصغر.\n",
    "a#b.txt": "خبر آخر عن النفط\nالاتحاد الأوروبي وروسيا يبحثان النفط.\n",
}


@pytest.fixture
def odd_site(tmp_path):
    from conftest import write_archive

    from arshif.pipeline import build

    root = write_archive(tmp_path / "archive", seeds=HOSTILE_SEEDS)
    build(root, tmp_path / "site")
    return tmp_path / "site"


def test_links_are_percent_encoded_and_marks_follow_the_index(page, odd_site):  # noqa: F811
    url = (odd_site / "search.html").as_uri()
    open_search(page, url, "نفط")
    assert sorted(links(page)) == ["articles/a%23b.html", "articles/q%3Fx.html"]
    page.locator("#search-results h2 a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1 and "/articles/" in page.url
    open_search(page, url, "أمل")
    marked = page.eval_on_selector_all("#search-results mark", "marks => marks.map(m => m.textContent)")
    assert marked == ["أمل"]  # not كامل
    assert open_search(page, url, 'روسيا -"الاتحاد الأوروبي"')["total"] == 1  # an excluded phrase
    assert open_search(page, url, '-"روسيا"')["total"] == 0


def test_damaged_or_missing_files_are_named(page, odd_site):  # noqa: F811
    url = (odd_site / "search.html").as_uri()
    files = open_search(page, url, "نفط")["files"]
    part = next(f for f in files if f.startswith("search/t/"))
    (odd_site / part).write_text((odd_site / part).read_text(encoding="utf-8")[:20], encoding="utf-8")  # cut short
    open_search(page, url, "نفط")
    assert part in status(page)
    (odd_site / "assets" / "arshif-text.js").unlink()
    page.goto(url + "?q=" + quote("نفط"))
    page.wait_for_selector("html[data-search=error]")
    assert "assets/arshif-text.js" in status(page)


def test_an_archive_of_common_words_only_has_nothing_to_find(page, tmp_path):  # noqa: F811
    from conftest import write_archive

    from arshif.pipeline import build

    root = write_archive(tmp_path / "archive", seeds={"a.txt": "في من على\nهذا هو في من على إلى عن مع ثم أو.\n"})
    build(root, tmp_path / "site")
    result = open_search(page, (tmp_path / "site" / "search.html").as_uri(), "روسيا")
    assert result["total"] == 0 and result["failed"] == [] and "لا توجد نتائج" in status(page)
    assert page.errors == []


@pytest.mark.corpus
def test_filter_counts_are_what_their_links_give(page, corpus_site):  # noqa: F811
    url = (corpus_site / "search.html").as_uri()
    source = open_search(page, url, "النفط")
    page.locator("#search-narrow summary").click()
    chosen = page.locator("#search-narrow [data-facet=source] a").first.get_attribute("href")
    page.goto(url + chosen)
    page.wait_for_selector("html[data-search=done]")
    page.wait_for_selector("#search-narrow [data-facet=source] li")
    for anchor in page.locator("#search-narrow [data-facet=source] a").all()[:3]:
        label, href = anchor.inner_text(), anchor.get_attribute("href")
        if "إلغاء" in label:
            continue
        count = int(label.rsplit("(", 1)[1].rstrip(")").translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")))
        other = page.context.new_page()
        other.goto(url + href)
        other.wait_for_selector("html[data-search=done]")
        assert other.evaluate("window.arshifSearch.last().total") == count, label
        other.close()
    assert source["total"] > 0
    assert "إلغاء" in page.locator("#search-narrow").inner_text()  # the active filter can be removed
    open_search(page, url, "النفط", year=1999)
    assert "مع تضييق النتائج" in status(page) and page.locator("#search-narrow a", has_text="إلغاء").count() == 1


@pytest.mark.corpus
def test_prefixes_keep_the_typed_word(page, corpus_site):  # noqa: F811
    url = (corpus_site / "search.html").as_uri()
    for word in ("الجزائر", "الله"):
        assert set(open_search(page, url, word)["refs"]) <= set(open_search(page, url, word + "*")["refs"]), word
    open_search(page, url, "ال*")
    assert "كثيرة جدًا" in status(page)


@pytest.mark.corpus
def test_words_as_typed_rank_above_matches_through_a_clitic(page, corpus_site, corpus_search):  # noqa: F811
    """Within headline matches, and within the rest, the articles holding the word as typed
    (بالعراق; a conjunction does not count: وبالعراق too) come before those holding it only
    with other clitics (العراق, للعراق)."""
    _, docs, analyser = corpus_search
    url = (corpus_site / "search.html").as_uri()
    for typed in ("بالعراق", "لبنان", "والنفط", "الكهرباء"):
        word = normalise(typed)
        term = analyser.query_term(word)
        form = form_of(word, term)
        refs = open_search(page, url, typed)["refs"]
        keys = [(any(analyser.base.get(w) == term for w in docs[r].words[0]),
                 any(analyser.base.get(w) == term and form_of(w, term) == form for w in docs[r].words[0] + docs[r].words[4]))
                for r in refs]
        assert keys == sorted(keys, reverse=True), typed
        assert any(exact for _, exact in keys) and not all(exact for _, exact in keys), typed
    assert page.errors == []
