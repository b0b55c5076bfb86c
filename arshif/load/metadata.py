"""content/metadata.csv: one row per seed article (file,source,date,url,author[,tags][,title])."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import Problems
from ..text import clean_line
from .files import decode_text, read_text
from .values import parse_date, parse_tags, safe_url

REQUIRED = ("file", "source", "date", "url", "author")
_ROW_INSIDE = re.compile(r"\n[^,\n]*\.txt,")  # a line break, then what looks like the next row
OPTIONAL = ("tags", "title")


@dataclass(frozen=True)
class MetadataRow:
    file: str
    line: int
    source: str
    date: date | None
    url: str
    author: str
    tags: tuple[str, ...]
    title: str


def load_metadata(path: Path, problems: Problems, data: bytes | None = None) -> dict[str, MetadataRow]:
    """Rows keyed by file name; rows with errors are reported and left out. `data`: the file's
    bytes, when the caller has read them."""
    text = read_text(path, problems) if data is None else decode_text(path, data, problems)
    if text is None:
        return {}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not _header_ok(path, reader.fieldnames or [], problems):
        return {}
    lines = re.split(r"\r\n|\r|\n", text)
    rows: dict[str, MetadataRow] = {}
    while True:
        before = reader.line_num
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.error(path, reader.line_num, f"malformed CSV: {exc}", "check the quotes on that line")
            break
        row = _parse_row(path, _first_line(lines, before, reader.line_num), record, problems)
        if row is None:
            continue
        if row.file in rows:
            first = rows[row.file].line
            problems.error(path, row.line, f"a second row for '{row.file}' (the first is on line {first})", "keep one row per file")
            continue
        rows[row.file] = row
    return rows


def _first_line(lines: list[str], before: int, last: int) -> int:
    """A row's first line. The reader counts to its last (a quoted field may hold line breaks),
    having skipped any blank lines before it."""
    first = before + 1
    while first < last and not lines[first - 1]:
        first += 1
    return first


def _header_ok(path: Path, columns: list[str], problems: Problems) -> bool:
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.error(path, 1, f"missing column(s): {', '.join(missing)}", "the header must be: " + ",".join(REQUIRED) + "[,tags][,title]")
        return False
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        problems.warn(path, 1, f"unknown column(s) ignored: {', '.join(unknown)}", "remove them or rename them to one of " + ", ".join(REQUIRED + OPTIONAL))
    return True


def _parse_row(path: Path, line: int, record: dict, problems: Problems) -> MetadataRow | None:
    if None in record or any(v is None for v in record.values()):
        problems.error(path, line, "the row does not have as many fields as the header", "add or remove commas so each row has one field per column")
        return None
    for column, value in record.items():
        if isinstance(value, str) and _ROW_INSIDE.search(value):
            problems.error(path, line, f"the quote in the '{column}' field is never closed: it takes in the rows after it",
                           'close it with a " (write a " inside a field as "")')
            return None
    file = record["file"].strip()
    if not file:
        problems.error(path, line, "the 'file' field is empty", "name the seed file, e.g. 000_d54b0313dd64e2d7.txt")
        return None
    before = len(problems.items)
    day = parse_date(record["date"], path, line, problems)
    url = safe_url(record["url"], path, line, problems)
    if problems.erred_since(before):
        return None
    return MetadataRow(
        file=file,
        line=line,
        source=clean_line(record["source"]),
        date=day,
        url=url,
        author=clean_line(record["author"]),
        tags=parse_tags(record.get("tags") or ""),
        title=clean_line(record.get("title") or ""),
    )
