"""check: the pipeline without the writer, then the built site itself.

Sources: every problem the build would stop on, and the curators' likely mistakes.
Site: every internal link resolves to a file inside the site; the W3C Nu HTML checker
(npm vnu-jar, with Java) finds no error; axe-core (npm) finds no WCAG 2 A/AA violation
in Chromium on one page of each kind. A tool that is missing is reported, not ignored.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import Problem, Problems
from .pipeline import NOT_FOUND_PATH, REPO_ROOT
from .pipeline import check as check_sources

VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
# one page of each kind, for the accessibility check (first match of each pattern)
PAGE_KINDS = ("index.html", "articles/*.html", "archive/index.html", "archive/*/index.html", "archive/*/*/index.html",
              "entities/index.html", "entities/*.html", "tags/index.html", "tags/*.html", "sources/index.html",
              "sources/*.html", "pages/*.html", "search.html", "404.html", "page/2.html")


def check_archive(root: Path, site: Path | None) -> Problems:
    problems = check_sources(root)
    if site is not None and site.is_dir():
        problems.items += check_links(site) + check_html(site) + check_accessibility(site)
    elif site is not None:
        problems.warn(site, None, "no built site to check", f"build it first: python build.py {root}")
    return problems


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append((self.getpos()[0], value))


def check_links(site: Path) -> list[Problem]:
    """Every relative href and src of every page names a file inside the site."""
    found, root = [], site.resolve()
    for page in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for line, link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("#", "//", "mailto:")) or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve() if not link.startswith("/") else site.resolve() / unquote(parts.path).lstrip("/")
            if link.startswith("/") and page != site / NOT_FOUND_PATH:  # 404.html is served at any depth: see render.single
                found.append(Problem(page, line, f"the link {link} starts at the server's root", "links must be relative, for file:// and sub-paths"))
            elif root not in target.parents or not target.is_file():
                found.append(Problem(page, line, f"broken link: {link}", "fix the template or the source that makes it"))
    return found


def check_html(site: Path) -> list[Problem]:
    if not VNU_JAR.is_file() or shutil.which("java") is None:
        return [Problem(VNU_JAR, None, "the HTML checker did not run: vnu.jar or Java is missing", "run 'npm ci' and install Java (default-jre-headless)", is_warning=True)]
    result = subprocess.run(["java", "-jar", str(VNU_JAR), "--skip-non-html", "--errors-only", "--format", "gnu", str(site)],
                            capture_output=True, text=True)
    found = []
    for line in (result.stderr + result.stdout).splitlines():
        match = re.match(r'"?(?:file:)?([^":]+)"?:(\d+)[.:\-\d]*: (?:error|fatal): (.*)', line)
        if match:
            found.append(Problem(Path(match.group(1)), int(match.group(2)), f"HTML checker: {match.group(3)}", "fix the template that makes this page"))
    if result.returncode and not found:
        found.append(Problem(site, None, f"the HTML checker failed: {result.stderr.strip()[:300]}", "run it by hand to see why"))
    return found


def sample_pages(site: Path) -> list[Path]:
    pages = []
    for pattern in PAGE_KINDS:
        match = next(iter(sorted(site.glob(pattern))), None)
        if match is not None and match not in pages:
            pages.append(match)
    return pages


def check_accessibility(site: Path) -> list[Problem]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not CHROMIUM.exists() or not AXE_JS.is_file():
        return [Problem(AXE_JS, None, "the accessibility check did not run: playwright, /usr/bin/chromium or axe-core is missing",
                        "install them (see the README's test command)", is_warning=True)]
    found = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(bypass_csp=True)  # axe is injected as a script the pages' policy would refuse
        page = context.new_page()
        for path in sample_pages(site):
            page.goto(path.resolve().as_uri())  # as_uri() refuses a relative path (`check chk`)
            page.add_script_tag(path=str(AXE_JS))
            result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})")
            for violation in result["violations"]:
                where = ", ".join(node["target"][0] for node in violation["nodes"][:3])
                found.append(Problem(path, None, f"accessibility ({violation['id']}, {violation['impact']}): {violation['help']} at {where}",
                                     violation["helpUrl"]))
        browser.close()
    return found
