"""`serve`: a preview on localhost that watches the sources, rebuilds, reloads the open tab when
its page changed, and shows a failed build's errors in the tab as well as in the terminal."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from test_browser import browser  # noqa: F401  (the Chromium fixture)

from arshif.pipeline import REPO_ROOT
from arshif.serve import RELOAD_SCRIPT, is_editor_temp, with_reload_script

ARTICLE = "articles/001_a.html"
TAB_SECONDS = 15  # a working serve updates the tab in about a second; a loaded machine is slower


def fetch(url: str) -> str:
    return fetch_bytes(url).decode("utf-8")


def fetch_bytes(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read()


class Served:
    """`arshif serve` running on a free port, its output (stdout and stderr) gathered line by line."""

    def __init__(self, archive: Path, out: Path, *options: str, **popen):
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-u", str(REPO_ROOT / "build.py"), "serve", str(archive), "--out", str(out), "--port", "0", *options],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8", **popen,
        )
        threading.Thread(target=self._read, daemon=True).start()
        match = self.wait_for(r"at (http://127\.0\.0\.1:\d+/)", timeout=60)
        self.url = match.group(1)

    def _read(self) -> None:
        for line in self.process.stdout:
            with self._seen:
                self.lines.append(line.rstrip("\n"))
                self._seen.notify_all()

    def wait_for(self, pattern: str, after: int = 0, timeout: float = 30) -> re.Match:
        """The first line from `after` on that matches, waiting up to `timeout` seconds for it."""
        found = None

        def search():
            nonlocal found
            found = next((m for line in self.lines[after:] if (m := re.search(pattern, line))), None)
            return found or self.process.poll() is not None

        with self._seen:
            self._seen.wait_for(search, timeout)
        assert found, f"no line matching {pattern!r}; serve said:\n" + "\n".join(self.lines)
        return found

    def count(self, pattern: str) -> int:
        with self._seen:
            return sum(1 for line in self.lines if re.search(pattern, line))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def served(small_archive, tmp_path):
    server = Served(small_archive, tmp_path / "out")
    yield server
    server.stop()


def write_seed(archive: Path, text: str, name: str = "001_a.txt") -> None:
    (archive / "seeds" / name).write_text(f"{text}\nنص.\n", encoding="utf-8")


def wait_until(check, timeout: float = TAB_SECONDS, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.2)


def test_serve_rebuilds_on_change(served, small_archive):
    assert "عنوان المقال الأول" in fetch(served.url + ARTICLE)
    write_seed(small_archive, "عنوان بعد التعديل")
    wait_until(lambda: "عنوان بعد التعديل" in fetch(served.url + ARTICLE), 60, "the page was not rebuilt")


def test_no_request_lines_by_default_and_build_messages_stay(small_archive, tmp_path):
    def request_lines(*options: str) -> list[str]:
        server = Served(small_archive, tmp_path / "out", *options)
        try:
            for address in ("", ARTICLE, *assets_of(server.url, ARTICLE), RELOAD_SCRIPT.lstrip("/")):
                fetch_bytes(server.url + address)
            with pytest.raises(urllib.error.HTTPError):
                fetch(server.url + "no-such-page.html")
            before = len(server.lines)
            write_seed(small_archive, f"عنوان {len(options)}")
            server.wait_for(r"^changed: seeds/001_a\.txt; rebuilding\.\.\.$", after=before)  # build messages are said
            server.wait_for(r"^(built 2 articles|shown \d+ changed file)", after=before)
            return [line for line in server.lines if re.search(r'"(GET|HEAD) /', line) or "code 404" in line]
        finally:
            server.stop()

    assert request_lines() == []
    assert len(request_lines("--verbose")) >= 6  # the control: the same requests are logged when asked


def assets_of(url: str, address: str) -> list[str]:
    """The page's stylesheets and scripts, and the fonts its stylesheets load (addresses from the site's root)."""
    found = []
    for asset in re.findall(r'(?:href|src)="([^"#?:]+\.(?:css|js))"', fetch(url + address)):
        asset = urllib.parse.urljoin(url + address, asset)[len(url):]
        found.append(asset)
        if asset.endswith(".css"):
            fonts = re.findall(r'url\(["\']?([^"\')?#]+\.woff2)', fetch(url + asset))
            found += [urllib.parse.urljoin(url + asset, font)[len(url):] for font in fonts]
    assert any(a.endswith(".woff2") for a in found) and any(a.endswith(".css") for a in found), found
    return found


def test_the_built_site_never_holds_the_reload_script(served, small_archive, tmp_path):
    assert RELOAD_SCRIPT in fetch(served.url + ARTICLE)  # served pages have it...
    before = len(served.lines)
    write_seed(small_archive, "عنوان جديد")
    served.wait_for(r"^search updated in", after=before)  # the site folder written (a quick pass leaves it until then)
    out = tmp_path / "out"
    files = [path for path in out.rglob("*") if path.is_file()]
    assert any(path.suffix == ".html" for path in files)
    assert [path for path in files if b"__arshif" in path.read_bytes()] == []  # ...files on disk never
    assert "connect-src 'none'" in (out / ARTICLE).read_text(encoding="utf-8")  # nor the CSP serve sends


def test_editor_temp_files_do_not_rebuild_but_a_burst_of_saves_is_one_rebuild(served, small_archive):
    builds = served.count(r"^built ")
    seeds, content = small_archive / "seeds", small_archive / "content"
    for path in (seeds / ".001_a.txt.swp", seeds / "001_a.txt~", seeds / ".#001_a.txt", seeds / "4913", content / ".~lock.metadata.csv#"):
        path.write_text("x", encoding="utf-8")
        path.unlink() if path.name == "4913" else None
    time.sleep(2.5)  # watchfiles groups changes for up to 1.6 s, serve waits 0.15 s more
    assert served.count("rebuilding") == 0
    before = len(served.lines)
    for n in range(5):  # the control, and a burst: five saves, one rebuild
        write_seed(small_archive, f"عنوان {n}", f"00{n + 3}_c.txt")
    served.wait_for(r"^built 7 articles", after=before)
    time.sleep(2.5)
    assert served.count("rebuilding") == 1 and served.count(r"^built ") == builds + 1, "\n".join(served.lines)


def test_a_source_folder_made_after_serve_started_is_watched(small_archive, tmp_path):
    (small_archive / "content" / "metadata.csv").unlink()
    (small_archive / "content").rmdir()
    server = Served(small_archive, tmp_path / "out")
    try:
        about = small_archive / "content" / "pages" / "about.md"
        about.parent.mkdir(parents=True)
        time.sleep(0.5)  # serve sees content/ made, and watches it from then on
        about.write_text("---\ntitle: عن الأرشيف\n---\nنص الصفحة.\n", encoding="utf-8")
        wait_until(lambda: "نص الصفحة" in fetch_or_empty(server.url + "pages/about.html"), what="a page in a new content/ was not built")
    finally:
        server.stop()


def fetch_or_empty(url: str) -> str:
    try:
        return fetch(url)
    except urllib.error.HTTPError:
        return ""


def test_the_reload_script_and_csp_are_added_to_the_response_only():
    page = (b'<html><head><meta http-equiv="Content-Security-Policy" content="default-src \'self\'; script-src \'self\'; '
            b'connect-src \'none\'; object-src \'none\'"></head><body><p>x</p></BODY></html>')
    sent = with_reload_script(page, "abc")
    assert sent.count(b"connect-src") == 1 and b"connect-src 'self'" in sent and b"script-src 'self'" in sent
    assert sent.endswith(b'<script src="/__arshif/reload.js" data-digest="abc"></script>\n</BODY></html>')
    no_connect = with_reload_script(page.replace(b"connect-src 'none'; ", b""), "abc")
    assert b"object-src 'none'; connect-src 'self'\"" in no_connect  # a CSP without the directive gains it


def test_editor_temp_names():
    for name in (".a.txt.swp", ".a.txt.swo", "a.txt~", ".#a.txt", "4913", ".~lock.metadata.csv#"):
        assert is_editor_temp(name), name
    for name in ("a.txt", "metadata.csv", "entities.toml", "49130.txt", "about.md"):
        assert not is_editor_temp(name), name


# In a real browser -----------------------------------------------------------------------------

@pytest.fixture
def tab(browser):  # noqa: F811 (the fixture imported above)
    context = browser.new_context()
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("console", lambda message: page.problems.append(message.text) if message.type == "error" else None)
    yield page
    context.close()


def heading(tab) -> str:
    return tab.locator("h1").inner_text()


def wait_in(tab, expression: str) -> None:
    """Until the expression is true in the tab (polled from here: wait_for_function's eval is
    what the site's CSP forbids)."""
    from playwright.sync_api import Error

    def holds() -> bool:
        try:
            return tab.evaluate(expression)
        except Error:  # the tab is reloading
            return False

    wait_until(holds, what=expression)


@pytest.mark.browser
def test_the_open_tab_reloads_after_an_edit_and_shows_a_broken_build(served, small_archive, tab):
    tab.goto(served.url + ARTICLE)
    assert heading(tab) == "عنوان المقال الأول"
    tab.evaluate("window.arshifSameDocument = true")  # gone once the tab reloads
    time.sleep(0.5)  # the script connects

    write_seed(small_archive, "عنوان بعد التعديل")
    wait_in(tab, "document.querySelector('h1').textContent === 'عنوان بعد التعديل'")
    assert tab.evaluate("window.arshifSameDocument") is None  # the tab reloaded itself: nobody navigated

    (small_archive / "archive.toml").write_text('title = "أرشيف\n', encoding="utf-8")  # an unclosed string
    box = tab.locator("#arshif-serve-error")
    box.wait_for(state="visible", timeout=TAB_SECONDS * 1000)
    assert "archive.toml:1" in box.inner_text() and "build failed" in box.inner_text()
    assert heading(tab) == "عنوان بعد التعديل"  # the last good site, still served
    assert "عنوان بعد التعديل" in fetch(served.url + ARTICLE)
    served.wait_for(r"^error: archive\.toml:1")  # and the terminal says so too

    (small_archive / "archive.toml").write_text('title = "أرشيف"\n', encoding="utf-8")  # fixed: the box goes
    box.wait_for(state="detached", timeout=TAB_SECONDS * 1000)
    write_seed(small_archive, "عنوان ثالث")  # and the tab follows edits again, serve never restarted
    wait_in(tab, "document.querySelector('h1').textContent === 'عنوان ثالث'")
    assert tab.locator("#arshif-serve-error").count() == 0
    assert tab.problems == []  # among them, any CSP violation: the script and its requests were allowed


@pytest.mark.browser
def test_a_tab_opened_on_a_broken_build_shows_the_error(served, small_archive, tab):
    (small_archive / "archive.toml").write_text("unknown_setting = 1\n", encoding="utf-8")
    served.wait_for(r"^build failed")
    tab.goto(served.url)
    box = tab.locator("#arshif-serve-error")
    box.wait_for(state="visible", timeout=TAB_SECONDS * 1000)
    assert "unknown_setting" in box.inner_text()
    (small_archive / "archive.toml").unlink()
    box.wait_for(state="detached", timeout=TAB_SECONDS * 1000)
    assert tab.problems == []


@pytest.mark.browser
def test_only_a_tab_whose_page_or_stylesheet_changed_reloads(small_archive, tmp_path, browser):  # noqa: F811
    about = small_archive / "content" / "pages" / "about.md"
    about.parent.mkdir(parents=True)
    about.write_text("---\ntitle: عن الأرشيف\n---\nنص الصفحة.\n", encoding="utf-8")
    server = Served(small_archive, tmp_path / "out")
    context = browser.new_context()
    try:
        article, page = context.new_page(), context.new_page()
        for tab, address in ((article, ARTICLE), (page, "pages/about.html")):
            tab.goto(server.url + address)
            tab.evaluate("window.arshifSameDocument = true")  # gone once the tab reloads
        time.sleep(0.5)  # the scripts connect
        write_seed(small_archive, "عنوان بعد التعديل")  # the article's page changes, the about page does not
        wait_in(article, "document.querySelector('h1').textContent === 'عنوان بعد التعديل'")
        time.sleep(1)
        assert page.evaluate("window.arshifSameDocument") is True

        css = (REPO_ROOT / "templates" / "static" / "style.css").read_text(encoding="utf-8")
        own = small_archive / "templates" / "static" / "style.css"  # the archive's own stylesheet: the page's bytes stay
        own.parent.mkdir(parents=True)
        own.write_text(css + "\nh1 { color: rgb(1, 2, 3); }\n", encoding="utf-8")
        wait_in(page, "getComputedStyle(document.querySelector('h1')).color === 'rgb(1, 2, 3)'")
        assert page.evaluate("window.arshifSameDocument") is None
    finally:
        context.close()
        server.stop()


@pytest.mark.browser
def test_an_edit_is_served_before_the_search_catches_up_and_then_the_search_finds_it(served, small_archive, tab):
    """The first pass after an edit writes the pages (with the previous search files), the second
    the search: the terminal says both, and a search in the tab finds the new word."""
    mark = len(served.lines)
    write_seed(small_archive, "عنوان عن كامتشاتكا")
    served.wait_for(r"updating the search", after=mark)
    assert "كامتشاتكا" in fetch(served.url + ARTICLE)
    served.wait_for(r"^search updated in", after=mark)
    tab.goto(served.url + "search.html?q=" + urllib.parse.quote("كامتشاتكا"))
    tab.wait_for_selector("html[data-search=done]", timeout=TAB_SECONDS * 1000)
    found = tab.eval_on_selector_all("#search-results h2 a", "links => links.map(a => a.getAttribute('href'))")
    assert [href.rsplit("/", 1)[-1] for href in found] == ["001_a.html"]
    assert tab.problems == []
