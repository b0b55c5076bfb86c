"""What converting one Markdown body would cost, measured before converting it.

Python-Markdown looks ahead from some marks for the mark that closes them: from each
'[' to its ']', from a link's '(' to its ')', from a run of backquotes to the next run
as long, from a '<' to its '>', from a code fence to its closing fence; it splits a
paragraph at each heading or rule in it, and copies the rest of the text at some matches.
On ordinary text every look is short. Marks left open make each look run to the end of
the paragraph or of the text, so the work grows with the square of the length: 30,000 '['
took 137 s, 12,500 setext headings 25 s, 25,000 unclosed fences 30 s. Lists and quotes
nested some hundreds deep exhaust Python's stack (RecursionError).

So a body is measured first, in a linear pass per kind of mark: how far each look would
run, weighted by what a step of it was measured to cost, plus what each line and table
cell costs. A body over its budget, or nested deeper than MAX_DEPTH, is refused with the
mark that costs most, its line, and what to do. The measure is a formula of the text alone:
an article is refused or accepted on every machine alike. The budget is about a second of
conversion for a 100 KB body (the weights are the worst measured: the costliest body found
that passes converts in 0.5 to 1 s), and grows with the body's length beyond that.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

MAX_DEPTH = 32  # lists and quotes; Python-Markdown recurses a few frames per level
WORK_PER_CHARACTER = 20  # the budget: this many units per character of the body...
MIN_WORK = 2_000_000  # ...and never less than this (what a 100 KB body gets)

# What one step of each look costs, in units: the unit is a step of the loop that matches
# brackets, run by three patterns (0.3 to 0.5 microseconds). Measured on Python-Markdown 3.11,
# each on the input that made it costliest.
BRACKET_STEP = 1  # LinkInlineProcessor.getText, for link, reference and short reference
ADDRESS_STEP = 0.5  # LinkInlineProcessor.getLink
CODE_STEP = 0.3  # BacktickInlineProcessor.find_code_spans
TAG_STEP, CDATA_STEP = 0.3, 2  # the HTML reader's look for '>', and for ']]>'
FENCE_STEP = 0.1  # fenced_code's regular expression
SPLIT_STEP = 0.15  # a paragraph split at a heading or rule: the rest is copied and read again
COPY_STEP = 0.003  # an inline match: the rest of the paragraph is copied
HTML_COPY_STEP = 0.002  # a tag or '&': the HTML reader copies the rest of the text
PIECE = 80  # a line or table cell: fifteen inline patterns tried on it (some 25 microseconds)
QUEUE_STEP = 0.001  # a paragraph taken off the front of the list of those left

_ESCAPED_OR_BRACKET = re.compile(r"\\.|[\[\]]", re.S)
_PAREN = re.compile(r"[()]")
_QUOTE = re.compile(r"[\"']")
_TAG_START = re.compile(r"<(?:!\[CDATA\[|!--|[!?/A-Za-z])")
_INLINE_MARK = re.compile(r"[*_`\\&<\[!]| {2}\n")
_BACKQUOTES = re.compile(r"`+")
_HTML_EVENT = re.compile(r"[<&]")
# lines that end a paragraph where they stand, in a quote or not: a heading, a setext underline, a rule
_SPLITTING_LINE = re.compile(r"^[ \t>]*(?:#|=+[ \t]*$|-+[ \t]*$|(?:[-*_][ \t]*){3,}$)", re.M)
_NESTING = re.compile(r"([ \t]*)(?:>|[-*+][ \t]|\d{1,9}[.)][ \t])")
_FENCE_OPENING = re.compile(r"(`{3,}|~{3,})[ ]*(?:\{[^\n]*\}|\.?[\w#.+-]*)[ ]*")  # as Python-Markdown's fenced_code


@dataclass(frozen=True)
class Excess:
    """Why a body is refused: its line (from 1, within the body), what, and the fix."""

    line: int
    message: str
    hint: str


@dataclass(frozen=True)
class _Paragraph:
    line: int  # its first line within the body, from 1
    text: str


@dataclass(frozen=True)
class _Cost:
    work: float
    line: int
    what: str  # the marks that cost it, as a reader would count them
    hint: str


def excess(body: str) -> Excess | None:
    """None if `body` is cheap enough to convert; else why not."""
    lines, fences = _without_fenced_code(body.split("\n"))
    too_deep = _too_deep(lines)
    if too_deep is not None:
        return too_deep
    costs = [fences, *_costs("\n".join(lines), lines)]
    budget = max(MIN_WORK, WORK_PER_CHARACTER * len(body))
    if sum(c.work for c in costs) <= budget:
        return None
    worst = max(costs, key=lambda c: c.work)
    return Excess(worst.line, f"the Markdown is too costly to convert: {worst.what}", worst.hint)


def _without_fenced_code(lines: list[str]) -> tuple[list[str], _Cost]:
    """The lines with fenced code blanked (it is set aside before anything else reads the text),
    and what finding the fences costs: a regular expression reads from each opening line to its
    closing line, or to the end of the text."""
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    closings: dict[str, list[int]] = {}
    for number, line in enumerate(lines):
        if line[:1] in "`~":
            closings.setdefault(line.rstrip(" "), []).append(number)
    kept, work, left_open, first_open, number = list(lines), 0, 0, 0, 0
    while number < len(lines):
        opening = _FENCE_OPENING.fullmatch(lines[number]) if lines[number][:1] in "`~" else None
        candidates = closings.get(opening.group(1), []) if opening else []
        after = bisect_right(candidates, number)
        if opening is None or after == len(candidates):
            if opening is not None:
                work += offsets[-1] - offsets[number]
                left_open, first_open = left_open + 1, first_open or number + 1
            number += 1
            continue
        closing = candidates[after]
        work += offsets[closing] - offsets[number]
        kept[number : closing + 1] = [""] * (closing + 1 - number)
        number = closing + 1
    return kept, _Cost(work * FENCE_STEP, first_open or 1, f"{left_open:,} code fences (``` or ~~~) that are never closed",
                       "close each fence with a line of the same backquotes or tildes and nothing else")


def _too_deep(lines: list[str]) -> Excess | None:
    for number, line in enumerate(lines, 1):
        depth = _depth(line)
        if depth > MAX_DEPTH:
            return Excess(number, f"lists or quotes nested {depth} deep (at most {MAX_DEPTH})",
                          "nest lists and quotes less deeply; a '>' or a list mark ('-', '*', '1.') at the start of a line, "
                          "or four spaces before one, is one more level")
    return None


def _depth(line: str) -> int:
    """Levels of nesting a line opens: each quote '>', each list mark, each four columns of indent before one."""
    depth, at = 0, 0
    while match := _NESTING.match(line, at):
        depth += 1 + len(match.group(1).expandtabs(4)) // 4
        at = match.end()
    return depth


def _paragraphs(lines: list[str]) -> list[_Paragraph]:
    found, start = [], None
    for number, line in enumerate(lines + [""], 1):
        if line.strip() and start is None:
            start = number
        elif not line.strip() and start is not None:
            found.append(_Paragraph(start, "\n".join(lines[start - 1 : number - 1])))
            start = None
    return found


def _costs(text: str, lines: list[str]) -> list[_Cost]:
    paragraphs = _paragraphs(lines)
    costs = [_tags(text), _nodes(text, len(paragraphs))]
    for paragraph in paragraphs:
        costs.append(_inline_marks(paragraph))
        if "[" in paragraph.text:
            costs += [_brackets(paragraph), _link_addresses(paragraph)]
        if "`" in paragraph.text:
            costs.append(_code_spans(paragraph))
        if "\n" in paragraph.text:
            costs.append(_splitting_lines(paragraph))
    return [c for c in costs if c.work]


def _nodes(body: str, paragraphs: int) -> _Cost:
    """Every line and table cell is a piece of text the converter tries its inline patterns on;
    and it takes each paragraph off the front of a list (a copy of the list's rest)."""
    pieces = body.count("\n") + body.count("|") + 1
    return _Cost(pieces * PIECE + paragraphs**2 * QUEUE_STEP, 1, f"{pieces:,} lines and table cells in {len(body):,} characters",
                 "split it into several files")


def _pairs(text: str, marks: re.Pattern, opening: str, closing: str) -> list[tuple[int, int | None]]:
    """Each opening mark's offset and its closing mark's (nested ones counted), or None if it is left open."""
    stack, pairs = [], []
    for match in marks.finditer(text):
        if match.group() == opening:
            stack.append(match.start())
        elif match.group() == closing and stack:
            pairs.append((stack.pop(), match.start()))
    return pairs + [(start, None) for start in stack]


def _brackets(paragraph: _Paragraph) -> _Cost:
    """Each '[' is read up to its ']' (counting the '[' and ']' between) by the link, reference and short-reference patterns alike."""
    text = paragraph.text
    pairs = _pairs(text, _ESCAPED_OR_BRACKET, "[", "]")
    work = sum((end if end is not None else len(text)) - start for start, end in pairs)
    left_open = sum(1 for _, end in pairs if end is None)
    what = (f"{left_open:,} '[' with no matching ']' in the paragraph starting here" if left_open
            else f"'[' nested {_deepest(text):,} deep, or far from their ']', in the paragraph starting here")
    return _Cost(work * BRACKET_STEP, paragraph.line, what, "close each '[' with a ']' near it, or write a bracket that is not a link as \\[")


def _deepest(text: str) -> int:
    depth, deepest = 0, 0
    for match in _ESCAPED_OR_BRACKET.finditer(text):
        depth = depth + 1 if match.group() == "[" else max(0, depth - (match.group() == "]"))
        deepest = max(deepest, depth)
    return deepest


def _link_addresses(paragraph: _Paragraph) -> _Cost:
    """After a closed '[...]', a '(' is read up to its ')'; past a quote, to the end of the paragraph."""
    text = paragraph.text
    opens = {end + 1 for _, end in _pairs(text, _ESCAPED_OR_BRACKET, "[", "]") if end is not None and text[end + 1 : end + 2] == "("}
    quotes = [m.start() for m in _QUOTE.finditer(text)]
    work, left_open = 0, 0
    for start, end in _pairs(text, _PAREN, "(", ")"):
        if start not in opens:
            continue
        next_quote = bisect_right(quotes, start)
        if end is None or (next_quote < len(quotes) and quotes[next_quote] < end):
            end, left_open = len(text), left_open + 1
        work += end - start
    return _Cost(work * ADDRESS_STEP, paragraph.line, f"{left_open:,} links whose '(' has no matching ')' (or holds a quote) in the paragraph starting here",
                 "close each link's address with ')' and keep quotes out of it, or write a '(' after ']' as \\(")


def _tags(body: str) -> _Cost:
    """Python-Markdown's HTML reader looks from each '<' that may start a tag to its '>' (a CDATA
    section to its ']]>', slowly), in the whole text; and copies the rest of the text at each tag or '&'."""
    closers = {"![CDATA[": "]]>", "!--": "-->", "?": "?>"}
    ends = {closer: [m.start() for m in re.finditer(re.escape(closer), body)] for closer in set(closers.values()) | {">"}}
    work, left_open, first_line = 0.0, 0, 0
    for match in _TAG_START.finditer(body):
        mark = match.group()[1:]
        closer = closers.get(mark, ">")
        after = bisect_right(ends[closer], match.start())
        end = ends[closer][after] if after < len(ends[closer]) else None
        if end is None:
            end = len(body)
            left_open += 1
            first_line = first_line or body.count("\n", 0, match.start()) + 1
        work += (end - match.start()) * (CDATA_STEP if closer == "]]>" else TAG_STEP)
    events = len(_HTML_EVENT.findall(body))
    work += events * len(body) * HTML_COPY_STEP
    what = (f"{left_open:,} '<' that start an HTML tag with no '>' after them" if left_open
            else f"{events:,} HTML tags and '&' in {len(body):,} characters")
    return _Cost(work, first_line or 1, what, "close each tag with '>', or write a '<' that is not a tag as &lt;")


def _code_spans(paragraph: _Paragraph) -> _Cost:
    """A run of backquotes is read up to the next run exactly as long. A run with none is read to
    the end, and the search goes on as many characters past the run as it is long: inside the next
    run, if it is near, which then has no partner either (`` `a``` `a``` ... costs the square)."""
    text = paragraph.text
    runs = [(m.start(), m.end()) for m in _BACKQUOTES.finditer(text)]
    ends = [end for _, end in runs]
    by_length: dict[int, list[tuple[int, int]]] = {}
    for start, end in runs:
        by_length.setdefault(end - start, []).append((start, end))
    work, left_open, resume = 0, 0, 0
    while (index := bisect_right(ends, resume)) < len(runs):  # the first run not wholly before `resume`
        start, end = runs[index]
        start = max(start, resume)
        if text[start - 1 : start] == "\\":  # an escaped backquote opens nothing; the one after it may
            start += 1
        if start >= end:
            resume = end
            continue
        same = by_length[end - start] if end - start in by_length else []
        partner = bisect_right(same, (end, -1))
        if partner < len(same):
            work, resume = work + same[partner][0] - start, same[partner][1]
        else:
            work, left_open, resume = work + len(text) - start, left_open + 1, end + (end - start)
    return _Cost(work * CODE_STEP, paragraph.line, f"{left_open:,} runs of backquotes (`) with no closing run as long in the paragraph starting here",
                 "close each code span with as many backquotes as opened it, or write a backquote that is not code as \\`")


def _inline_marks(paragraph: _Paragraph) -> _Cost:
    """Each inline match copies the rest of its paragraph: marks x length."""
    text = paragraph.text
    marks = len(_INLINE_MARK.findall(text))
    return _Cost(marks * len(text) * COPY_STEP, paragraph.line,
                 f"{marks:,} marks (* _ ` \\ & < [ !) in a paragraph of {len(text):,} characters starting here",
                 "split the paragraph with blank lines, or use fewer marks")


def _splitting_lines(paragraph: _Paragraph) -> _Cost:
    """A heading, underline or rule inside a paragraph splits it there, and the rest is copied."""
    splits = len(_SPLITTING_LINE.findall(paragraph.text))
    return _Cost(splits * len(paragraph.text) * SPLIT_STEP, paragraph.line,
                 f"{splits:,} headings or rules ('#', '===', '---', '***') in a paragraph starting here with no blank line between them",
                 "put a blank line before and after each heading and rule")
