"""What a reader meets (issue 14), checked in the built pages and in a Chromium tab: headlines
without links, no dead-end entity pages."""

from __future__ import annotations

import functools
import http.server
import io
import json
import os
import re
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import pytest
from conftest import write_archive
from test_browser import browser  # noqa: F401  (the Chromium fixture)
from test_entities import ENTITIES_TOML, NISBA_TOML

from arshif.errors import BuildError
from arshif.pipeline import REPO_ROOT, build

UNNAMED = '\n[[entity]]\nid = "nobody"\nname = "شخص لا يذكره أحد"\ntype = "person"\naliases = ["لا أحد يذكره"]\n'


@pytest.fixture
def tab(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def entity_site(tmp_path):
    root = write_archive(
        tmp_path / "archive",
        seeds={"a.txt": "بوتين يزور روسيا\nقال بوتين للكرملين إن روسيا قوية.\nوكرر بوتين قوله.\n",
               "b.txt": "خبر عن الكرملين\nأعلن الكرملين أن الحكومة اجتمعت.\n"},
        metadata="file,source,date,url,author\na.txt,x,2015-08-02,,\nb.txt,x,2015-07-01,,\n", toml='[sources]\nx = "المصدر"\n')
    (root / "content" / "entities.toml").write_text(ENTITIES_TOML + UNNAMED, encoding="utf-8")
    out = tmp_path / "out"
    build(root, out)
    return root, out


@pytest.mark.browser
def test_a_headline_holds_no_link_and_the_body_links_the_first_mention(entity_site, tab):
    _, out = entity_site
    tab.goto((out / "articles" / "a.html").as_uri())
    assert tab.locator("h1").inner_text() == "بوتين يزور روسيا"
    assert tab.locator("h1 a").count() == 0
    body_links = tab.eval_on_selector_all(".article-body a.entity", "links => links.map(a => [a.textContent, a.getAttribute('href')])")
    assert ["بوتين", "../entities/putin.html"] in body_links  # the first mention in the body, where the reader is


@pytest.mark.browser
def test_no_headline_of_this_repos_archive_is_linked(repo_site, tab):
    for page in sorted((repo_site / "articles").glob("*.html")):
        tab.goto(page.as_uri())
        assert tab.locator("h1 a").count() == 0, page.name
        assert tab.locator(".article-body a.entity").count() > 0, page.name


def test_an_entity_no_article_names_has_no_page_no_row_and_check_lists_it(entity_site):
    root, out = entity_site
    assert (out / "entities" / "putin.html").is_file()
    assert not (out / "entities" / "nobody.html").exists()
    index = (out / "entities" / "index.html").read_text(encoding="utf-8")
    assert "شخص لا يذكره أحد" not in index and "nobody" not in index
    assert "٠ مقال" not in index and "0 مقال" not in index
    checked = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "check", str(root), "--sources-only", "--strict"],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr  # a note, not a warning: an entity listed before its articles is no mistake
    assert "note: 1 of 4 entities are named in no article" in checked.stderr
    assert "content/entities.toml:" in checked.stderr and "nobody" in checked.stderr


def test_with_no_entity_named_there_is_no_entity_index_or_nav_link(tmp_path):
    root = write_archive(tmp_path / "archive", seeds={"a.txt": "خبر\nلا أسماء هنا.\n"})
    (root / "content").mkdir(exist_ok=True)
    (root / "content" / "entities.toml").write_text(UNNAMED, encoding="utf-8")
    out = tmp_path / "out"
    build(root, out)
    assert not (out / "entities").exists()
    assert "entities/index.html" not in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.browser
def test_the_entity_index_of_this_repos_archive_lists_only_named_entities(repo_site, tab):
    named = {e for e, found in json.loads((repo_site / "manifest.json").read_text(encoding="utf-8"))["entities"].items() if found["count"]}
    assert 0 < len(named) < 125  # most of the list names nothing in this repo's three articles
    assert {p.stem for p in (repo_site / "entities").glob("*.html")} - {"index"} == named
    tab.goto((repo_site / "entities" / "index.html").as_uri())
    rows = tab.eval_on_selector_all("main li a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert {href.removeprefix("../entities/").removesuffix(".html") for href in rows} == named


class _Host(http.server.SimpleHTTPRequestHandler):
    """A static host as GitHub Pages, Netlify or nginx are set up: a missing file is answered
    with the site's 404.html, at the address that was asked for."""

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) or os.path.isfile(path):
            return super().send_head()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, *args):
        pass


@pytest.mark.browser
@pytest.mark.parametrize("with_base_url", [False, True])
def test_the_404_page_is_styled_and_links_home_at_any_depth(tmp_path, tab, with_base_url):
    root = write_archive(tmp_path / "archive", seeds={"a.txt": "خبر أول\nنص الخبر.\n"},
                         metadata="file,source,date,url,author\na.txt,x,2015-08-02,,\n")
    out = tmp_path / "site"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Host, directory=str(out)))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    if with_base_url:
        (root / "archive.toml").write_text(f'base_url = "{base}"\n', encoding="utf-8")
    build(root, out)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    refused = []
    tab.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    try:
        for missing in ("gone.html", "articles/gone.html", "archive/2015/08/old/gone.html"):  # depth 0, 1 and 3
            answer = tab.goto(base + missing)
            assert answer.status == 404
            assert tab.locator("h1").inner_text() == "الصفحة غير موجودة"
            # styled: the site's stylesheet sets the reading font and the header's layout
            assert "Noto Naskh Arabic" in tab.evaluate("getComputedStyle(document.body).fontFamily"), missing
            assert tab.evaluate("getComputedStyle(document.querySelector('.site-header .wrap')).display") == "flex", missing
            tab.locator("main a").first.click()
            tab.wait_for_load_state()
            assert tab.url in (base, base + "index.html") and tab.locator("ol.items li").count() == 1, missing
        assert refused == []
    finally:
        server.shutdown()
        server.server_close()


def test_the_readmes_build_summary_is_this_repos_archive_as_built(tmp_path):
    """One count of pages: the README's example line is what building this repo's archive says."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    articles, pages = map(int, re.search(r"this repo's archive: `built (\d+) articles, (\d+) pages in", readme).groups())
    result = build(REPO_ROOT, tmp_path / "site", use_cache=False)
    written = [p for p in (tmp_path / "site").rglob("*") if p.is_file() and p.suffix in (".html", ".xml")
               and "assets" not in p.parts and "search" not in p.parts]
    assert (articles, pages) == (result.articles, result.pages) == (result.articles, len(written))


@pytest.mark.browser
def test_an_article_prints_without_the_sites_furniture_on_a4_and_letter(tmp_path, tab):
    root = write_archive(tmp_path / "archive", seeds={"a.txt": "بوتين يزور روسيا\nقال بوتين للكرملين إن روسيا قوية.\n"},
                         metadata="file,source,date,url,author\na.txt,okaz,2015-08-02,https://example.com/original-article,كاتب\n",
                         toml='base_url = "https://archive.example.org/news/"\n')
    (root / "content" / "entities.toml").write_text(ENTITIES_TOML, encoding="utf-8")
    out = tmp_path / "out"
    build(root, out)
    tab.goto((out / "articles" / "a.html").as_uri())
    shown = "selector => [...document.querySelectorAll(selector)].filter(e => getComputedStyle(e).display !== 'none').length"
    assert tab.evaluate(shown, ".site-nav") == 1 and tab.evaluate(shown, ".print-address") == 0  # on screen
    tab.emulate_media(media="print")
    for furniture in (".site-search", ".site-nav", ".skip-link", ".prev-next", ".site-footer .wrap > p:not(.print-address)"):
        assert tab.evaluate(shown, furniture) == 0, furniture
    for kept in ("h1", ".article-body p", "time", "a.source", ".print-address"):
        assert tab.evaluate(shown, kept) >= 1, kept
    assert tab.locator(".print-address").inner_text() == "https://archive.example.org/news/articles/a.html"
    after = tab.evaluate("getComputedStyle(document.querySelector('a.original'), '::after').content")
    assert "https://example.com/original-article" in after  # the original's address written out
    assert tab.evaluate("getComputedStyle(document.querySelector('.article-body a.entity')).textDecorationLine") == "none"
    assert tab.evaluate("getComputedStyle(document.querySelector('a.original'), '::after').marginInlineStart") != "0px"
    tab.emulate_media(media="print", color_scheme="dark")  # black on white whatever the reader's dark mode
    for part in (".site-header", ".site-footer", "body"):
        assert tab.evaluate(f"getComputedStyle(document.querySelector('{part}')).backgroundColor") in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), part
    for paper, width in (("A4", b"595"), ("Letter", b"612")):
        pdf = tab.pdf(format=paper, print_background=False)
        assert pdf.startswith(b"%PDF") and re.search(rb"/MediaBox\s*\[\s*0 0 " + width, pdf), paper
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1, paper  # a short article: one sheet


def test_check_warns_of_a_source_with_no_name_and_the_source_index_shows_names_counts_and_dates(tmp_path):
    rows = "file,source,date,url,author\na.txt,okaz,2015-08-02,,\nb.txt,okaz,2015-07-20,,\nc.txt,aljazirah,2015-08-05,,\n"
    seeds = {name: f"خبر {name}\nنص.\n" for name in ("a.txt", "b.txt", "c.txt")}
    root = write_archive(tmp_path / "archive", seeds=seeds, metadata=rows, toml='[sources]\nokaz = "صحيفة عكاظ"\n')
    checked = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "check", str(root), "--sources-only"],
                             capture_output=True, text=True)
    assert "warning: archive.toml: the source 'aljazirah' has no name" in checked.stderr, checked.stderr
    assert "'okaz'" not in checked.stderr
    out = tmp_path / "out"
    build(root, out)
    html = (out / "sources" / "index.html").read_text(encoding="utf-8")
    items = [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in re.findall(r"<li>(.*?)</li>", html, re.S)]
    rows = [item for item in items if "عكاظ" in item or "aljazirah" in item]
    assert rows[0].startswith("صحيفة عكاظ") and "مقالان" in rows[0]
    assert "٢٠ يوليو ٢٠١٥ – ٢ أغسطس ٢٠١٥" in rows[0]  # the first and the last day of its articles
    assert "٥ أغسطس ٢٠١٥" in rows[1] and "–" not in rows[1]  # one day: no range


@pytest.mark.browser
def test_typography_one_search_box_justified_only_when_wide_and_latin_sized_to_the_arabic(repo_site, browser):  # noqa: F811
    article = (repo_site / "articles" / "002_85baf0633fb13047.html").as_uri()
    for width, aligned in ((390, "start"), (1280, "justify")):
        context = browser.new_context(viewport={"width": width, "height": 900})
        tab = context.new_page()
        tab.goto(article)
        assert tab.evaluate("getComputedStyle(document.querySelector('.article-body p')).textAlign") == aligned, width
        tab.goto((repo_site / "search.html").as_uri())
        boxes = "[...document.querySelectorAll('input[type=search]')].filter(e => e.offsetParent !== null).length"
        assert tab.evaluate(boxes) == 1, width
        context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(article)
    ratio = tab.evaluate("""async () => {
        const plain = new FontFace('Unadjusted', 'url(../assets/fonts/noto-naskh-arabic-latin-400-normal.woff2)');
        document.fonts.add(await plain.load());
        await document.fonts.load('20px "Noto Naskh Arabic"', 'Tu95MS2015');
        const width = family => { const s = document.createElement('span'); s.style.font = `20px ${family}`;
            s.textContent = 'Tu95MS2015'; document.body.append(s); const w = s.getBoundingClientRect().width; s.remove(); return w; };
        return width('"Noto Naskh Arabic"') / width('Unadjusted');
    }""")
    context.close()
    assert 0.86 < ratio < 0.90  # Latin letters and digits drawn at 88%, to sit with the Arabic


def test_an_article_shows_its_reading_time_its_place_in_its_month_and_how_to_cite_it(tmp_path):
    from arshif.render.articles import WORDS_A_MINUTE
    long_text = " ".join(["كلمة"] * (WORDS_A_MINUTE * 4)) + "\n"
    seeds = {"a.txt": "أول خبر\nنص قصير.\n", "b.txt": "ثاني خبر\n" + long_text, "c.txt": "ثالث خبر\nنص.\n", "d.txt": "خبر سابق\nنص.\n"}
    rows = "file,source,date,url,author\na.txt,okaz,2015-08-02,,\nb.txt,okaz,2015-08-10,,\nc.txt,okaz,2015-08-20,,\nd.txt,okaz,2015-07-30,,\n"
    root = write_archive(tmp_path / "archive", seeds=seeds, metadata=rows,
                         toml='title = "أرشيف الاختبار"\nbase_url = "https://example.org/a/"\nlist_page_size = 2\n[sources]\nokaz = "صحيفة عكاظ"\n')
    out = tmp_path / "out"
    build(root, out)

    def text_of(name: str, css_class: str) -> str:
        html = (out / "articles" / name).read_text(encoding="utf-8")
        return " ".join(re.sub(r"<[^>]+>", "", re.search(rf'class="{css_class}">(.*?)</p>', html, re.S).group(1)).split())
    assert text_of("a.html", "meta reading") == "المقال ١ من ٣ في أغسطس ٢٠١٥ · مدة القراءة: دقيقة واحدة"  # oldest first
    assert text_of("b.html", "meta reading") == "المقال ٢ من ٣ في أغسطس ٢٠١٥ · مدة القراءة: ٤ دقائق"
    assert text_of("d.html", "meta reading").startswith("المقال ١ من ١ في يوليو ٢٠١٥")
    # the month's link goes to the page of the month's list that shows the article (2 a page, newest first)
    assert 'href="../archive/2015/08/page-2.html">أغسطس ٢٠١٥</a>' in (out / "articles" / "a.html").read_text(encoding="utf-8")
    assert 'href="articles/a.html"' in (out / "archive" / "2015" / "08" / "page-2.html").read_text(encoding="utf-8").replace("../../../", "")
    citation = text_of("b.html", "citation-text")
    assert citation == "«ثاني خبر»، صحيفة عكاظ، ١٠ أغسطس ٢٠١٥ (الموافق ٢٥ شوال ١٤٣٦ هـ)، أرشيف الاختبار: https://example.org/a/articles/b.html."


@pytest.mark.browser
def test_the_home_page_leads_to_the_latest_months_most_named_entities_and_tags(repo_site, tab):
    tab.goto((repo_site / "index.html").as_uri())
    section = tab.locator("section.latest-month")
    assert "الأكثر ذكرًا في" in section.locator("h2").inner_text()
    links = section.locator("li a")
    assert links.count() >= 2
    first = links.first.inner_text()
    links.first.click()
    tab.wait_for_load_state()
    assert tab.locator("h1").inner_text() == first  # an entity's page, by the name shown


@pytest.fixture(scope="module")
def hostile_layout_site(tmp_path_factory):
    """What lays out badly: a 300-letter headline with no space, a paragraph of 50,000
    characters, headlines all Latin or all digits, an entity 5,000 articles name."""
    root = tmp_path_factory.mktemp("layout") / "archive"
    words = ("قال", "المتحدث", "باسم", "الكرملين", "إن", "روسيا", "ستواصل", "العمل")
    seeds = {
        "long-headline.txt": "ك" * 300 + "\nقال بوتين كلاما.\n",
        "long-paragraph.txt": "فقرة طويلة جدا\n" + " ".join(words[i % len(words)] for i in range(7000))[:50_000] + "\n",
        "latin.txt": "Supercalifragilisticexpialidocious-Tu-95MS-Breaking-News-From-Moscow https://example.com/" + "x" * 120 + "\nنص.\n",
        "digits.txt": "2015" * 40 + "\nنص.\n",
    }
    seeds.update({f"many-{n:04d}.txt": f"خبر رقم {n}\nقال بوتين كلاما في الخبر {n}.\n" for n in range(5000)})
    rows = "".join(f"{name},okaz,2015-08-{1 + n % 28:02d},https://example.com/{'y' * 150},\n" for n, name in enumerate(sorted(seeds)))
    write_archive(root, seeds=seeds, metadata="file,source,date,url,author\n" + rows, toml='[sources]\nokaz = "صحيفة عكاظ"\n')
    (root / "content" / "entities.toml").write_text(ENTITIES_TOML, encoding="utf-8")
    out = root.parent / "site"
    result = build(root, out)
    assert result.articles == 5004
    return out


@pytest.mark.browser
def test_nothing_scrolls_sideways_on_a_phone(hostile_layout_site, browser):  # noqa: F811
    out = hostile_layout_site
    pages = ["index.html", "articles/long-headline.html", "articles/long-paragraph.html", "articles/latin.html",
             "articles/digits.html", "entities/putin.html", "entities/index.html", "archive/2015/08/index.html",
             "archive/index.html", "sources/index.html", "sources/okaz.html", "search.html", "404.html"]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    try:
        for page in pages:
            tab.goto((out / page).as_uri())
            sideways = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert sideways <= 0, f"{page} scrolls {sideways} px sideways at 390 px"
    finally:
        context.close()


@pytest.mark.browser
def test_the_readmes_screenshots_are_made_by_the_script_from_a_real_build(tmp_path):
    """The script the README names makes both images, at the sizes it says, from this repo's archive."""
    import struct

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    made = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "screenshots.py"), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    for name, width in (("article-phone.png", 390), ("article-desktop.png", 1280)):
        assert f"docs/{name}" in readme and (REPO_ROOT / "docs" / name).is_file()
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", data[16:20])[0] == width


@pytest.mark.browser
def test_in_a_tab_the_adjective_is_not_linked_quotes_start_at_words_sources_have_names(tmp_path, tab):
    """Items 2, 4, 6 and 10 as a reader sees them in Chromium."""
    long = "قال المتحدث " * 40
    seeds = {"a.txt": f"خبر أول\nأعلنت الحكومة السعودية خطة جديدة. ثم سافر الوفد إلى السعودية أمس.\n{long}إن بوتين{' في المؤتمر' * 40}.\n"}
    root = write_archive(tmp_path / "archive", seeds=seeds, metadata="file,source,date,url,author\na.txt,okaz,2015-08-02,,\n",
                         toml='[sources]\nokaz = "صحيفة عكاظ"\n')
    (root / "content" / "entities.toml").write_text(ENTITIES_TOML + NISBA_TOML, encoding="utf-8")
    out = tmp_path / "out"
    build(root, out)
    tab.goto((out / "articles" / "a.html").as_uri())
    linked = tab.eval_on_selector_all(".article-body a.entity", "links => links.map(a => a.textContent)")
    assert linked.count("السعودية") == 1  # the name (إلى السعودية), not the adjective (الحكومة السعودية)
    sentence = tab.locator(".article-body p").first.inner_text()
    assert sentence.index("السعودية خطة") < sentence.index("إلى السعودية")
    assert "صحيفة عكاظ" in tab.locator(".article-header").inner_text() and "okaz" not in tab.locator(".article-header").inner_text()
    assert "مدة القراءة" in tab.locator(".reading").inner_text() and "«خبر أول»" in tab.locator(".citation-text").inner_text()
    tab.goto((out / "entities" / "putin.html").as_uri())
    quote = tab.locator("main ol li, main .items li").first.inner_text()
    cut = re.search(r"…(\S+)", quote)
    assert cut and cut.group(1) in long.split() + ["بوتين"], quote  # the quote starts at a whole word


def test_the_404_pages_inline_stylesheet_finds_its_files_from_the_root_and_falls_back_when_it_cannot_be_inline(tmp_path):
    root = write_archive(tmp_path / "archive", seeds={"a.txt": "خبر\nنص.\n"})
    static = root / "templates" / "static"
    static.mkdir(parents=True)
    (static / "style.css").write_text("@font-face { src: url('fonts/x.woff2'); }\nh1 { background: url(\"logo.svg\"); }\n"
                                      "p { background: url(data:image/gif;base64,R0) }\n", encoding="utf-8")
    out = tmp_path / "out"
    build(root, out)
    page = (out / "404.html").read_text(encoding="utf-8")
    assert "url('/assets/fonts/x.woff2')" in page and 'url("/assets/logo.svg")' in page and "url(data:image/gif" in page
    (static / "style.css").write_text("h1 { color: red }\x00\n", encoding="utf-8")  # the browser would read U+FFFD: the hash would fail
    build(root, out)
    page = (out / "404.html").read_text(encoding="utf-8")
    assert "<style>" not in page and 'href="/assets/style.css"' in page


def test_sources_check_and_settings(tmp_path):
    """An Arabic id may be the name itself: no warning; a Latin one gets a fix that is valid
    TOML; a blank name and a base_url with '#' are errors."""
    rows = "file,source,date,url,author\na.txt,صحيفة عكاظ,2015-08-02,,\nb.txt,al yaum,2015-08-03,,\n"
    root = write_archive(tmp_path / "archive", seeds={"a.txt": "خبر\nنص.\n", "b.txt": "خبر\nنص.\n"}, metadata=rows)
    checked = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "check", str(root), "--sources-only"],
                             capture_output=True, text=True)
    assert "صحيفة عكاظ' has no name" not in checked.stderr
    hint = re.search(r'fix: name it under \[sources\] in archive.toml: (.*)', checked.stderr).group(1)
    assert tomllib.loads(hint)["al yaum"]
    for toml, wrong in (('[sources]\nx = "   "\n', "sources"), ('base_url = "https://example.org/a#/"\n', "base_url")):
        (root / "archive.toml").write_text(toml, encoding="utf-8")
        with pytest.raises(BuildError) as caught:
            build(root, tmp_path / "out")
        assert wrong in caught.value.problems[0].message, caught.value.problems
