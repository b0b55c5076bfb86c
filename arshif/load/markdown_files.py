"""content/articles/*.md and content/pages/*.md: front matter, then Markdown."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import markdown
from markdown.treeprocessors import Treeprocessor

from ..errors import Problems
from ..model import Article, Page, Paragraph
from ..text import FORBIDDEN, clean_line, shorten
from .files import read_text
from .frontmatter import FrontMatter, split_front_matter
from .markdown_cost import excess
from .sanitize import as_xml, sanitize
from .values import parse_date, parse_tags, safe_url

ARTICLE_FIELDS = ("title", "date", "source", "url", "author", "tags", "summary")
PAGE_FIELDS = ("title", "summary")
_SAFE_SCHEME = re.compile(r"^(https?:|mailto:|#|/|\.|[^:/?#]*($|[/?#]))", re.I)


class _SafeTree(Treeprocessor):
    """Headings shift so the body's highest is an <h2> (the page's title is its
    only <h1>, and no level is skipped); links and images with a scheme other
    than http(s)/mailto (javascript:, data:) lose it."""

    def run(self, root):
        headings = [e for e in root.iter() if re.fullmatch(r"h[1-6]", e.tag)]
        shift = 2 - min((int(h.tag[1]) for h in headings), default=2)
        for heading in headings:
            heading.tag = f"h{min(6, int(heading.tag[1]) + shift)}"
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not _SAFE_SCHEME.match(value.strip()):
                    element.set(attribute, "#")


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="xhtml")
    # Raw HTML passes through Markdown, then the whole result through the allow-list
    # (load/sanitize.py): a curator's <sup> or <abbr> stays, a <script> is shown as text.
    md.treeprocessors.register(_SafeTree(md), "arshif_safe", 0)
    return md


_MD = _markdown()


def _renew_converter() -> None:
    global _MD
    _MD = _markdown()


def render_markdown(text: str, tree_step: Treeprocessor | None = None) -> tuple[str, tuple[str, ...]]:
    """HTML, and the plain text of each block (for descriptions and, later, search).

    `tree_step`, if given, runs on the parsed tree after inline markup (the entity
    step uses it to link names without touching the Markdown source)."""
    text = FORBIDDEN.sub("", text)  # as article text is cleaned: no control or bidi override reaches the page
    md = _MD
    md.reset()
    if tree_step is not None:
        md.treeprocessors.register(tree_step, "arshif_extra", 1)
    try:
        html = sanitize(md.convert(text))
    except RecursionError:
        _renew_converter()  # a RecursionError leaves the converter half-reset: every later body would come out as raw text
        raise
    finally:
        if tree_step is not None:
            md.treeprocessors.deregister("arshif_extra")
    try:
        tree = ElementTree.fromstring(f"<div>{as_xml(html)}</div>")
        blocks = tuple(clean_line(" ".join(el.itertext())) for el in tree)
    except ElementTree.ParseError:
        blocks = (clean_line(re.sub(r"<[^>]+>", " ", html)),)
    return html, tuple(b for b in blocks if b)


def load_markdown_article(path: Path, problems: Problems) -> Article | None:
    front = _read(path, ARTICLE_FIELDS, problems)
    if front is None:
        return None
    f, lines = front.fields, front.lines
    html, blocks = _convert(path, front, problems)
    if html is None:
        return None
    if not blocks:
        problems.error(path, front.body_line, "the article has no body after its front matter", "write the article's text after the closing '---'")
        return None
    tags = f.get("tags", [])
    return Article(
        id=path.stem,
        title=clean_line(_text(f, "title")),
        paragraphs=tuple(Paragraph(b, front.body_line) for b in blocks),
        origin=path,
        date=parse_date(_text(f, "date"), path, lines.get("date"), problems),
        source=clean_line(_text(f, "source")),
        url=safe_url(_text(f, "url"), path, lines.get("url"), problems),
        author=clean_line(_text(f, "author")),
        tags=tuple(clean_line(t) for t in tags) if isinstance(tags, list) else parse_tags(tags),
        summary=clean_line(_text(f, "summary")),
        body_html=html,
        markdown=front.body,
    )


def load_page(path: Path, problems: Problems) -> Page | None:
    front = _read(path, PAGE_FIELDS, problems)
    if front is None:
        return None
    html, blocks = _convert(path, front, problems)
    if html is None:
        return None
    summary = clean_line(_text(front.fields, "summary")) or shorten(blocks[0] if blocks else "", 160)
    return Page(slug=path.stem, title=clean_line(_text(front.fields, "title")), body_html=html, origin=path, summary=summary)


def _read(path: Path, allowed: tuple[str, ...], problems: Problems) -> FrontMatter | None:
    text = read_text(path, problems)
    if text is None:
        return None
    front = split_front_matter(path, text.replace("\r\n", "\n").replace("\r", "\n"), problems)
    if front is None:
        return None
    ok = True
    for key, line in front.lines.items():
        if key not in allowed:
            problems.error(path, line, f"unknown front matter field '{key}'", "use one of: " + ", ".join(allowed))
            ok = False
    if not clean_line(_text(front.fields, "title")):
        problems.error(path, 1, "the front matter has no title", "add a line 'title: ...' between the '---' lines")
        ok = False
    too_costly = excess(front.body)  # before converting: one article must not stall or crash the build
    if too_costly is not None:
        problems.error(path, front.body_line + too_costly.line - 1, too_costly.message, too_costly.hint)
        ok = False
    return front if ok else None


def _convert(path: Path, front: FrontMatter, problems: Problems) -> tuple[str | None, tuple[str, ...]]:
    """The body's HTML and blocks; (None, ()) if the converter ran out of stack (excess() bounds the
    nesting it knows of: this is the net under it)."""
    try:
        return render_markdown(front.body)
    except RecursionError:
        problems.error(path, front.body_line, "the Markdown is nested too deeply to convert", "nest lists, quotes, links and emphasis less deeply")
        return None, ()


def _text(fields: dict, key: str) -> str:
    value = fields.get(key, "")
    return ", ".join(value) if isinstance(value, list) else value
