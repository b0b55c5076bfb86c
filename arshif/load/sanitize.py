"""The HTML a curated Markdown article may hold: an allow-list of tags and attributes.

Anything else is shown as text (a <script> is visible, never run); event attributes
(onclick...) and style are dropped; links and images keep only http(s), mailto,
relative and #fragment addresses (no javascript:, no data:).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

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
VOID = {"br", "hr", "img"}
URL_ATTRIBUTES = {"href", "src", "cite"}
SAFE_URL = re.compile(r"^(https?:|mailto:|#|/(?!/)|\.|[^:/?#]*($|[/?#]))", re.I)


class _Sanitizer(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self.out.append(html.escape(self.get_starttag_text() or f"<{tag}>"))
            return
        kept = [(name, value or "") for name, value in attrs
                if name in ALLOWED[tag] and not (name in URL_ATTRIBUTES and not SAFE_URL.match((value or "").strip()))]
        if tag == "img" and not any(name == "src" for name, _ in kept):
            return  # an image whose address was refused is left out (an <img> needs a src)
        if tag == "img" and not any(name == "alt" for name, _ in kept):
            kept.append(("alt", ""))  # an image with no text: decorative, say so
        self.out.append(f"<{tag}" + "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in kept) + ">")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in ALLOWED and tag not in VOID:
            self.out.append(f"</{tag}>")
        elif tag not in VOID:
            self.out.append(html.escape(f"</{tag}>"))

    def handle_data(self, data):
        self.out.append(html.escape(data, quote=False))

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_comment(self, data):
        pass  # comments are dropped

    def unknown_decl(self, data):
        self.out.append(html.escape(f"<![{data}]>"))


def sanitize(fragment: str) -> str:
    parser = _Sanitizer()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)
