"""seeds/*.txt: line 1 the headline, each further non-empty line a paragraph."""

from __future__ import annotations

from pathlib import Path

from ..errors import Problems
from ..model import Article, Paragraph
from ..text import clean_line, has_letters
from .files import read_text, split_lines


def load_seed(path: Path, problems: Problems) -> Article | None:
    text = read_text(path, problems)
    if text is None:
        return None
    lines = split_lines(text)
    if not any(line.strip() for line in lines):
        problems.error(path, None, "the file is empty", "write the headline on line 1 and a paragraph on each line after it")
        return None
    title = clean_line(lines[0])
    if not has_letters(title):
        problems.error(path, 1, "line 1 (the headline) is empty", "put the headline on the first line")
        return None
    paragraphs = tuple(
        Paragraph(cleaned, number)
        for number, line in enumerate(lines[1:], start=2)
        if (cleaned := clean_line(line))
    )
    if not paragraphs:
        problems.error(path, 1, "the article has a headline but no body", "add the paragraphs after line 1, one a line")
        return None
    return Article(id=path.stem, title=title, paragraphs=paragraphs, origin=path)
