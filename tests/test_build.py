"""Building small archives: the pages, their structure, escaping, feeds, and the output folder's safety."""

from __future__ import annotations

import hashlib
import os
import re
from xml.etree import ElementTree

import pytest
from conftest import write_archive
from htmlcheck import broken_links, parse_page, svg_links

from arshif.errors import BuildError
from arshif.pipeline import build
from arshif.write import MARKER

ATOM = "{http://www.w3.org/2005/Atom}"


def site_digest(site):
    digest = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        digest.update(path.relative_to(site).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def test_small_archive_pages(small_archive, tmp_path):
    out = tmp_path / "out"
    result = build(small_archive, out)
    assert result.articles == 2
    for rel in ("index.html", "articles/001_a.html", "articles/002_b.html", "archive/index.html", "archive/2015/index.html",
                "archive/2015/08/index.html", "archive/2015/07/index.html", "feed.xml", "404.html", "assets/style.css",
                "assets/fonts/noto-naskh-arabic-arabic-400-normal.woff2", MARKER):
        assert (out / rel).is_file(), rel
    assert not (out / "sitemap.xml").exists()  # no base_url, no sitemap
    page = parse_page(out / "articles" / "001_a.html")
    assert page.texts["h1"] == ["عنوان المقال الأول"]
    assert page.texts["p"][2:4] == ["الفقرة الأولى من المقال.", "الفقرة الثانية من المقال."] or \
        "الفقرة الأولى من المقال." in page.texts["p"]
    html = (out / "articles" / "001_a.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert '<time datetime="2015-08-01">١ أغسطس ٢٠١٥</time>' in html
    assert "١٦ شوال ١٤٣٦ هـ" in html  # the Hijri date beside it
    assert '<a class="source" href="../sources/okaz.html">okaz</a>' in html  # the source's page
    assert '<a class="original" href="https://example.com/a" rel="external noopener">' in html  # and the original
    assert 'rel="next" href="../articles/002_b.html"' not in html  # 002 is older: it is "prev"
    assert 'rel="prev" href="../articles/002_b.html"' in html
    assert broken_links(out) == []


def test_every_page_has_landmarks_and_one_h1(repo_site):
    for page_path in repo_site.rglob("*.html"):
        page = parse_page(page_path)
        tags = [t for t, _ in page.tags]
        assert len(page.texts.get("h1", [])) == 1, page_path
        for landmark in ("header", "nav", "main", "footer"):
            assert landmark in tags, (page_path, landmark)
        metas = [a for t, a in page.tags if t == "meta"]
        assert {"charset": "utf-8"} in metas
        assert any(a.get("name") == "viewport" for a in metas)
        assert any(a.get("name") == "description" and a.get("content") for a in metas)
        assert page.texts["title"][0].strip()
        assert page.links[1] == "#main" or "#main" in page.links  # skip link
    assert broken_links(repo_site) == []


def test_untrusted_text_is_shown_not_run(tmp_path):
    hostile = '<script>alert("x")</script>'
    root = write_archive(tmp_path / "a", seeds={"x.txt": f'{hostile} عنوان\n"><img src=x onerror=alert(1)> فقرة\n'},
                         metadata=f'file,source,date,url,author\nx.txt,"<b>src</b>",2015-08-01,,{hostile}\n')
    out = tmp_path / "out"
    build(root, out)
    for path in out.rglob("*.html"):
        # the only scripts are arshif's own, by src (the search page's)
        html = re.sub(r'<script src="(\.\./)*(assets/[a-z.-]+|search/manifest)\.js"></script>', "", path.read_text(encoding="utf-8"))
        assert "<script" not in html and "<img" not in html and "<b>" not in html, path
    article = (out / "articles" / "x.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; عنوان" in article
    search = "".join(p.read_text(encoding="utf-8") for p in sorted((out / "search").rglob("*.js")))
    assert "</script" not in search.lower() and "<\\/script>" in search  # inert inside a script
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    ElementTree.fromstring(feed)  # still well-formed XML
    assert "<script" not in feed


def test_pagination_and_month_pages(tmp_path):
    seeds = {f"{i:03d}.txt": f"عنوان رقم {i}\nنص المقال {i}.\n" for i in range(7)}
    rows = "".join(f"{i:03d}.txt,okaz,2015-0{7 + i % 2}-{10 + i},,\n" for i in range(7))
    root = write_archive(tmp_path / "a", seeds=seeds, metadata="file,source,date,url,author\n" + rows,
                         toml="home_page_size = 3\nlist_page_size = 2\n")
    out = tmp_path / "out"
    build(root, out)
    assert (out / "page" / "3.html").is_file() and not (out / "page" / "4.html").exists()
    assert (out / "archive" / "2015" / "07" / "page-2.html").is_file()  # 4 July articles, 2 a page
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'rel="next" href="page/2.html"' in home
    page3 = (out / "page" / "3.html").read_text(encoding="utf-8")
    assert 'rel="prev" href="../page/2.html"' in page3
    assert page3.count('class="item"') == 1
    year = out / "archive" / "2015" / "index.html"
    assert sorted(svg_links(year)) == ["../../archive/2015/07/index.html", "../../archive/2015/08/index.html"]
    assert "<svg" in year.read_text(encoding="utf-8")
    assert broken_links(out) == []


def test_feed_and_sitemap_with_base_url(small_archive, tmp_path):
    (small_archive / "archive.toml").write_text('base_url = "https://example.org/news/"\n', encoding="utf-8")
    out = tmp_path / "out"
    build(small_archive, out)
    feed = ElementTree.parse(out / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["عنوان المقال الأول", "عنوان المقال الثاني"]
    assert entries[0].find(f"{ATOM}link").get("href") == "https://example.org/news/articles/001_a.html"
    assert feed.find(f"{ATOM}updated").text == "2015-08-01T00:00:00Z"
    sitemap = ElementTree.parse(out / "sitemap.xml").getroot()
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.org/news/articles/002_b.html" in locs


def test_same_input_same_bytes(small_archive, tmp_path, monkeypatch):
    build(small_archive, tmp_path / "one")
    build(small_archive, tmp_path / "two")
    assert site_digest(tmp_path / "one") == site_digest(tmp_path / "two")


def test_source_date_epoch(small_archive, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "out"
    build(small_archive, out)
    assert "<updated>2023-11-14T22:13:20Z</updated>" in (out / "feed.xml").read_text(encoding="utf-8")
    assert {int(p.stat().st_mtime) for p in out.rglob("*")} == {1700000000}


def test_failed_build_leaves_previous_site(small_archive, tmp_path):
    out = tmp_path / "out"
    build(small_archive, out)
    before = site_digest(out)
    (small_archive / "seeds" / "bad.txt").write_bytes(b"\xff\xfe broken")
    with pytest.raises(BuildError):
        build(small_archive, out)
    assert site_digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if "arshif-tmp" in p.name] == []


def test_rebuild_replaces_the_site(small_archive, tmp_path):
    out = tmp_path / "out"
    build(small_archive, out)
    (small_archive / "seeds" / "002_b.txt").unlink()
    metadata = small_archive / "content" / "metadata.csv"
    metadata.write_text("".join(metadata.read_text().splitlines(True)[:2]))
    build(small_archive, out)
    assert not (out / "articles" / "002_b.html").exists()
    assert (out / "articles" / "001_a.html").is_file()


@pytest.mark.parametrize("where", ["archive", "parent", "seeds", "content"])
def test_refuses_output_that_holds_sources(small_archive, where):
    out = {"archive": small_archive, "parent": small_archive.parent, "seeds": small_archive / "seeds",
           "content": small_archive / "content" / "site"}[where]
    with pytest.raises(BuildError, match="output folder"):
        build(small_archive, out)
    assert (small_archive / "seeds" / "001_a.txt").is_file()


def test_refuses_a_folder_it_did_not_make(small_archive, tmp_path):
    precious = tmp_path / "docs"
    precious.mkdir()
    (precious / "thesis.txt").write_text("do not delete")
    with pytest.raises(BuildError, match="not made by arshif"):
        build(small_archive, precious)
    assert (precious / "thesis.txt").read_text() == "do not delete"
    empty = tmp_path / "empty"
    empty.mkdir()
    build(small_archive, empty)  # an empty folder is fine
    assert (empty / "index.html").is_file()


def test_archive_templates_override_defaults(small_archive, tmp_path):
    (small_archive / "templates").mkdir()
    (small_archive / "templates" / "404.html").write_text('{% extends "base.html" %}{% block content %}<h1>مفقود</h1>{% endblock %}')
    out = tmp_path / "out"
    build(small_archive, out)
    assert "<h1>مفقود</h1>" in (out / "404.html").read_text(encoding="utf-8")
    assert "<h1>عنوان المقال الأول</h1>" in (out / "articles" / "001_a.html").read_text(encoding="utf-8")


def test_markdown_article_and_page(tmp_path):
    root = write_archive(tmp_path / "a", articles={"note.md": "---\ntitle: مذكرة\ndate: 2020-01-02\n---\nنص **المذكرة**.\n"},
                         pages={"about.md": "---\ntitle: عن الأرشيف\n---\n# عنوان\n\nنص الصفحة.\n"})
    out = tmp_path / "out"
    build(root, out)
    note = (out / "articles" / "note.html").read_text(encoding="utf-8")
    assert "<strong>المذكرة</strong>" in note
    about = parse_page(out / "pages" / "about.html")
    assert about.texts["h1"] == ["عن الأرشيف"]
    assert "pages/about.html" in (out / "index.html").read_text(encoding="utf-8")  # linked from the nav
    assert broken_links(out) == []
    assert os.path.getsize(out / "404.html") > 0
