"""A real browser (Debian's Chromium via playwright) opens the built site from file:// and over http under a sub-path."""

from __future__ import annotations

import functools
import http.server
import os
import threading

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing: apt-get install chromium")
        pytest.skip("no /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    # a request the page itself abandons by navigating away (a search submitted while the index loads) is not an error
    page.on("requestfailed", lambda request: None if "ERR_ABORTED" in (request.failure or "") else page.errors.append(f"failed: {request.url}"))
    yield page
    context.close()


def browse_home_to_article_and_back(page, home_url):
    page.goto(home_url)
    assert page.locator("html").get_attribute("dir") == "rtl"
    first = page.locator("ol.items li h2 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert page.locator(".article-body p").count() >= 1
    assert page.locator("time").first.inner_text()
    page.go_back()
    page.wait_for_load_state()
    assert page.url == home_url
    assert page.locator("ol.items li").count() >= 1
    assert page.errors == []


def test_file_url_home_article_and_back(page, repo_site):
    browse_home_to_article_and_back(page, (repo_site / "index.html").as_uri())


def test_webfont_loads_from_file_url(page, repo_site):
    page.goto((repo_site / "articles" / "002_85baf0633fb13047.html").as_uri())
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Noto Naskh Arabic\"', 'بوتين')")
    loaded = page.evaluate("Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family)")
    assert "Noto Naskh Arabic" in loaded
    assert page.errors == []


def test_latin_and_digits_keep_their_order(page, repo_site):
    """In the RTL paragraph, 'Tu-95MS' still reads left to right: T is left of S on screen."""
    page.goto((repo_site / "articles" / "002_85baf0633fb13047.html").as_uri())
    positions = page.evaluate("""() => {
        const walker = document.createTreeWalker(document.querySelector('.article-body'), NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode, at = node.data.indexOf('Tu-95MS');
            if (at < 0) continue;
            const box = i => { const r = document.createRange(); r.setStart(node, at + i); r.setEnd(node, at + i + 1);
                               return r.getBoundingClientRect().x; };
            return [box(0), box(3), box(6)];
        }
        return null;
    }""")
    assert positions is not None
    assert positions[0] < positions[1] < positions[2]


def test_archive_chart_links_to_a_month(page, repo_site):
    page.goto((repo_site / "archive" / "index.html").as_uri())
    bars = page.locator("svg a")
    assert bars.count() >= 2
    bars.first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/index.html") and "/archive/20" in page.url
    assert page.locator("ol.items li").count() >= 1


def test_http_under_a_sub_path(page, repo_site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(repo_site.parent.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        sub_path = f"{repo_site.parent.name}/{repo_site.name}"
        browse_home_to_article_and_back(page, f"http://127.0.0.1:{server.server_address[1]}/{sub_path}/index.html")
    finally:
        server.shutdown()
        server.server_close()


def test_linked_mention_with_a_clitic_stays_joined_and_navigates(page, repo_site):
    page.goto((repo_site / "articles" / "002_85baf0633fb13047.html").as_uri())
    link = page.locator(".article-body a.entity", has_text="بكامتشاتكا")
    assert link.count() == 1
    shape = link.evaluate("""a => {
        const before = a.previousSibling ? a.previousSibling.textContent.slice(-1) : '';
        const after = a.nextSibling ? a.nextSibling.textContent.slice(0, 1) : '';
        const plain = document.createElement('span');
        plain.textContent = a.textContent;
        a.parentNode.insertBefore(plain, a.nextSibling);
        const widths = [a.getBoundingClientRect().width, plain.getBoundingClientRect().width];
        plain.remove();
        return {text: a.textContent, before, after, widths};
    }""")
    assert shape["text"] == "بكامتشاتكا"  # the clitic is inside the link: the word is never cut
    assert not shape["before"].isalpha() and not shape["after"].isalpha()
    linked, plain = shape["widths"]
    assert abs(linked - plain) < 0.5  # shaped exactly like the same word as plain text (joined letters)
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("/entities/kamchatka.html")
    assert page.locator("h1").inner_text() == "كامتشاتكا"
    assert page.locator("ol.items li").count() >= 1
    assert page.errors == []


def test_hostile_text_never_runs(page, tmp_path):
    """Markup in articles, metadata and Markdown is shown as text; nothing runs, even when clicked."""
    from conftest import write_archive

    from arshif.pipeline import build

    attacks = ['<script>window.__pwned=1</script>', '"><img src=x onerror="window.__pwned=2">', "<svg onload=window.__pwned=3>"]
    root = write_archive(
        tmp_path / "hostile",
        seeds={"a.txt": f"{attacks[0]} عنوان\n{attacks[1]} فقرة\n{attacks[2]}\n"},
        metadata=f'file,source,date,url,author,tags\na.txt,"{attacks[1].replace(chr(34), chr(34) * 2)}",2015-08-01,,{attacks[0]},{attacks[2]}\n',
        articles={"b.md": "---\ntitle: مقال\ndate: 2015-08-02\n---\n[اضغط](javascript:window.__pwned=4) <script>window.__pwned=5</script>\n"},
    )
    out = tmp_path / "site"
    build(root, out)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for rel in ("index.html", "articles/a.html", "articles/b.html", "tags/index.html", "sources/index.html", "search.html?q=عنوان"):
        page.goto((out / rel.split("?")[0]).as_uri() + ("?" + rel.split("?")[1] if "?" in rel else ""))
        page.wait_for_timeout(200)
        for link in page.locator("main a").all()[:5]:
            if (link.get_attribute("href") or "").startswith("javascript"):
                link.click()
        assert page.evaluate("window.__pwned") is None, rel
    page.goto((out / "articles" / "a.html").as_uri())
    assert page.locator("h1").inner_text().startswith("<script>window.__pwned=1</script>")  # shown as text
    assert dialogs == [] and page.errors == []


def test_pages_carry_a_content_security_policy(repo_site):
    for path in repo_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "Content-Security-Policy" in html and "default-src 'self'" in html, path
        assert "<script>" not in html  # no inline script: the policy allows none
