"""One error type for everything a user can get wrong, and a collector for them.

A build reports every problem in its input in one run, so loaders append to a
`Problems` list instead of raising at the first one; the pipeline stops once,
after loading, if any problem is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_PARTICULARS = re.compile(r"'[^']*'|\"[^\"]*\"|\d[\d,.]*")


# What a terminal must not be handed raw from a file's name or content: C0 and C1 controls
# (ESC repaints, CR overwrites a line), line and paragraph separators, bidi embeddings,
# overrides and isolates, lone surrogates (names that are not UTF-8).
UNPRINTABLE = [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A),
               *range(0xD800, 0xE000)]
_ESCAPES = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in UNPRINTABLE} | {9: "\\t", 10: "\\n", 13: "\\r"}


UNPRINTABLE_TEXT = re.compile("[" + "".join(re.escape(chr(c)) for c in UNPRINTABLE) + "]")


def printable(text: object) -> str:
    """Text from an archive, safe to print on a terminal (one line, nothing it can redraw)."""
    return str(text).translate(_ESCAPES)


@dataclass(frozen=True)
class Problem:
    path: Path | None
    line: int | None
    message: str
    hint: str = ""
    is_warning: bool = False

    def show(self, root: Path | None = None) -> str:
        where = ""
        if self.path is not None:
            where = _display_path(self.path, root)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        kind = "warning" if self.is_warning else "error"
        text = f"{kind}: {printable(where)}{printable(self.message)}"  # names and values come from the archive
        if self.hint:
            text += f"\n  fix: {printable(self.hint)}"
        return text

    @property
    def kind(self) -> str:
        """The message without its particulars (quoted values, numbers): what repeats when one
        mistake is made many times, e.g. "a row for '…', which is not in seeds/"."""
        return _PARTICULARS.sub(lambda m: "'…'" if m.group()[0] in "'\"" else "…", self.message)


def _display_path(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except (ValueError, OSError, RuntimeError):  # outside the root, or a link in a loop
            pass
    return str(path)


@dataclass
class Problems:
    """Errors and warnings gathered while loading an archive."""

    items: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what check tells the curator that is no problem (--strict ignores them)

    def error(self, path, line, message, hint=""):
        self.items.append(Problem(path, line, message, hint))

    def warn(self, path, line, message, hint=""):
        self.items.append(Problem(path, line, message, hint, is_warning=True))

    def erred_since(self, mark: int) -> bool:
        """Whether an error was added after len(self.items) was `mark` (counting only the new
        ones: a check per row or tag over all problems made loading quadratic)."""
        return any(not problem.is_warning for problem in self.items[mark:])

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if not p.is_warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.is_warning]


class BuildError(Exception):
    """Raised to stop a build; carries every problem found so far."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(p.show() for p in problems))
        self.problems = problems

    def __reduce__(self):  # pickled whole, so a worker process's error reaches the build as it was raised
        return BuildError, (self.problems,)


class SourcesChanged(Exception):
    """A source file's bytes are not those the build's fingerprint read: it changed during the build."""

    def __init__(self, path):
        super().__init__(str(path))
        self.path = path


def fail(path, line, message, hint="") -> BuildError:
    return BuildError([Problem(path, line, message, hint)])
