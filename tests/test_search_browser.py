"""Searching in Chromium, as a reader does: from file:// and over http, on the seeds and on the 2,000-article corpus."""

from __future__ import annotations

import functools
import http.server
import threading
from urllib.parse import quote

import pytest

from test_browser import browser, page  # noqa: F401  (the Chromium fixtures)
from test_search import PAIRS

pytestmark = pytest.mark.browser


def results(page, search_url: str, query: str) -> list[str]:
    """Type the query into the search page's box, submit, wait for every shard, read the result links."""
    page.goto(search_url)
    page.fill("#search-input", query)
    with page.expect_navigation():  # the form submits to search.html?q=...
        page.press("#search-input", "Enter")
    page.wait_for_function("() => window.arshifSearch && window.arshifSearch.done()")
    return sorted(page.eval_on_selector_all("#search-results a", "links => links.map(a => a.getAttribute('href'))"))


def check_pairs(page, search_url: str, minimum: int):
    for pair in PAIRS:
        found = [results(page, search_url, word) for word in pair]
        assert all(f == found[0] for f in found), (search_url, pair, [len(f) for f in found], [sorted(set(f) ^ set(found[0]))[:3] for f in found])
        assert len(found[0]) >= minimum, pair
    assert page.errors == []


class Served:
    """A local http server over a folder, for as long as the with-block lasts."""

    def __init__(self, folder):
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_pairs_on_the_seeds_from_file_and_http(page, repo_site):  # noqa: F811
    check_pairs(page, (repo_site / "search.html").as_uri(), minimum=0)  # the seeds have no hospital or school
    assert "articles/000_d54b0313dd64e2d7.html" in results(page, (repo_site / "search.html").as_uri(), "لبوتين")
    with Served(repo_site.parent) as root:
        check_pairs(page, f"{root}/{repo_site.name}/search.html", minimum=0)


def test_result_shows_headline_date_source_and_highlight(page, repo_site):  # noqa: F811
    page.goto((repo_site / "search.html").as_uri() + "?q=" + quote("الناتو"))
    page.wait_for_selector("#search-results li")
    first = page.locator("#search-results li").first
    assert first.locator("h2 a").inner_text()
    assert first.locator(".meta").inner_text()
    assert "عدد النتائج" in page.locator("#search-status").inner_text()
    assert page.locator("#search-input").input_value() == "الناتو"  # the query in the URL runs on load
    first.locator("h2 a").click()
    page.wait_for_load_state()
    assert "/articles/" in page.url and page.locator("h1").count() == 1


def test_no_results_and_bad_query_messages(page, repo_site):  # noqa: F811
    url = (repo_site / "search.html").as_uri()
    assert results(page, url, "كلمةغيرموجودةأبدا") == []
    assert "لا توجد نتائج" in page.locator("#search-status").inner_text()
    # lunr throws on some inputs (an unknown field, a lone operator): the page says so and keeps working
    assert results(page, url, "حقل:بوتين") == []
    assert "تعذر فهم البحث" in page.locator("#search-status").inner_text()
    assert results(page, url, "بوتين") != []
    assert page.errors == []


def test_required_and_excluded_words(page, repo_site):  # noqa: F811
    url = (repo_site / "search.html").as_uri()
    both = results(page, url, "+الناتو +بوتين")
    without = results(page, url, "بوتين -الناتو")
    assert both and without and not set(both) & set(without)


def test_header_box_opens_the_search_page(page, repo_site):  # noqa: F811
    page.goto((repo_site / "articles" / "002_85baf0633fb13047.html").as_uri())
    page.fill("#site-q", "كامتشاتكا")
    with page.expect_navigation():
        page.press("#site-q", "Enter")
    page.wait_for_selector("#search-results li")
    assert page.url.split("?")[0].endswith("/search.html")
    assert page.locator("#search-results a").first.get_attribute("href") == "articles/002_85baf0633fb13047.html"


@pytest.mark.corpus
def test_pairs_on_the_corpus_from_file_and_http(page, corpus_site):  # noqa: F811
    check_pairs(page, (corpus_site / "search.html").as_uri(), minimum=1)
    with Served(corpus_site.parent) as root:
        check_pairs(page, f"{root}/{corpus_site.name}/search.html", minimum=1)
