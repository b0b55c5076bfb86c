"""The HTML a curated Markdown article may hold: an allow-list of tags and attributes.

nh3 (the Rust html5ever parser and ammonia sanitiser) reads the HTML as a browser does,
keeps only the allow-list and closes what is left open, so a stray </div> or an unclosed
<a> stays inside the article. Before it, a tag outside the allow-list has its "<" escaped:
it is shown as text (a curator sees their <script> on the page rather than losing it);
nh3 removes any it would miss. Event attributes (onclick...) and style are dropped;
addresses keep only http(s), mailto, and relative ones that stay on the site.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3

ALLOWED = {
    "a": {"href", "title", "class"}, "abbr": {"title"}, "b": set(), "blockquote": {"cite"}, "br": set(), "caption": set(),
    "cite": set(), "code": set(), "del": set(), "dd": set(), "div": set(), "dl": set(), "dt": set(), "em": set(),
    "figcaption": set(), "figure": set(), "h2": set(), "h3": set(), "h4": set(), "h5": set(), "h6": set(), "hr": set(),
    "i": set(), "img": {"src", "alt", "width", "height"}, "ins": set(), "kbd": set(), "li": set(), "mark": set(),
    "ol": set(), "p": set(), "pre": set(), "q": set(), "s": set(), "small": set(), "span": set(), "strong": set(),
    "sub": set(), "sup": set(), "table": set(), "tbody": set(), "td": {"colspan", "rowspan"}, "tfoot": set(),
    "th": {"colspan", "rowspan", "scope"}, "thead": set(), "time": {"datetime"}, "tr": set(), "u": set(), "ul": set(),
    "bdi": set(), "bdo": {"dir"},
}
URL_ATTRIBUTES = {"href", "src", "cite"}
SCHEMES = {"http", "https", "mailto"}

# a start or end tag as the HTML tokenizer reads its name (up to a space, "/" or ">")
_TAG = re.compile(r"<(/?)([A-Za-z][^\t\n\f\r />]*)")
# nh3 writes every attribute as name="value" (a quote in a value as &quot;), so this is exact
_IMG = re.compile(r'<img((?: [a-z-]+="[^"]*")*)>')
# what a browser strips from an address before reading it: C0 controls and spaces around it, tabs and line ends inside
_IGNORED_AROUND = "".join(map(chr, range(0x21)))
_IGNORED_INSIDE = re.compile(r"[\t\n\r]")


def stays_safe(address: str) -> bool:
    """An http(s) or mailto address, or a relative one that stays on the site. A browser reads
    "//host", "/\\host" and "\\\\host" (any mix of the two slashes, with tabs between) as another
    site's address with the page's scheme: a link that looks internal would leave the site, so
    it is refused; an external link is written with its https://."""
    address = _IGNORED_INSIDE.sub("", address).strip(_IGNORED_AROUND).replace("\\", "/")
    try:
        scheme = urlsplit(address).scheme
    except ValueError:  # an address no browser would read either (an unclosed "[")
        return False
    if scheme:
        return scheme.lower() in SCHEMES
    return not address.startswith("//")


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    return None if name in URL_ATTRIBUTES and not stays_safe(value) else value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED),
    attributes={"*": set(), **ALLOWED},
    attribute_filter=_keep_attribute,
    url_schemes=SCHEMES,
    link_rel=None,  # no rel added: links are the curator's own, and none opens a window
    strip_comments=True,
)


def _shown_as_text(fragment: str) -> str:
    """Escapes the "<" of every tag outside the allow-list. Only how a refused tag looks: nh3,
    after it, drops whatever tag this misses."""
    return _TAG.sub(lambda m: m.group(0) if m.group(2).lower() in ALLOWED else "&lt;" + m.group(0)[1:], fragment)


def _with_image_rules(html: str) -> str:
    """An image whose address was refused is left out (an <img> needs a src); one with no text
    gets alt="" (decorative, say so)."""
    def fix(match: re.Match) -> str:
        attributes = match.group(1)
        if ' src="' not in attributes:
            return ""
        return match.group(0) if ' alt="' in attributes else f'<img{attributes} alt="">'
    return _IMG.sub(fix, html)


def sanitize(fragment: str) -> str:
    return _with_image_rules(_CLEANER.clean(_shown_as_text(fragment)))


_VOID = re.compile(r"<(br|hr|img)((?: [a-z-]+=\"[^\"]*\")*)>")


def as_xml(html: str) -> str:
    """sanitize()'s HTML as XML, for reading its blocks' text: nh3 writes one named entity
    (&nbsp;) and three void tags without a closing slash, which XML does not read."""
    return _VOID.sub(r"<\1\2/>", html.replace("&nbsp;", "\u00a0"))
