"""Build once and tell the user: every problem (a few of each kind), then a one-line summary.

Shared by the command line and serve, which rebuilds on every change: it lies below both.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from .errors import BuildError, Problems
from .pipeline import build
from .progress import Progress

MAX_WARNINGS_SHOWN = 20
MAX_SHOWN_OF_A_KIND = 20  # then a count: 100,000 rows with one mistake are a screen, not 200,000 lines


def run_build(root: Path, out: Path, quiet: bool = False, strict: bool = False) -> int:
    """Build once; report problems; return the exit status."""
    try:
        result = build(root, out, Progress(not quiet), strict=strict)
    except BuildError as exc:
        show_problems(exc.problems, root)
        count = len([p for p in exc.problems if not p.is_warning])
        print(f"build failed: {count} error(s); the previous site, if any, is unchanged.", file=sys.stderr)
        return 1
    show_problems(result.problems.warnings, root)
    if not quiet:
        print(f"built {result.articles} articles, {result.pages} pages in {result.seconds:.2f} s -> {out}")
    return 0


def show_problems(problems, root: Path, limit: int | None = MAX_WARNINGS_SHOWN) -> None:
    if isinstance(problems, Problems):
        problems = problems.items
    errors = [p for p in problems if not p.is_warning]
    warnings = [p for p in problems if p.is_warning]
    shown = warnings if limit is None else warnings[:limit]
    _show_by_kind(errors, root, "errors")
    _show_by_kind(shown, root, "warnings")
    if len(shown) < len(warnings):
        print(f"... and {len(warnings) - len(shown)} more warnings", file=sys.stderr)


def _show_by_kind(problems, root: Path, noun: str) -> None:
    """Each problem, but of each kind (the same message but for its particulars) only the first
    MAX_SHOWN_OF_A_KIND, then how many more there are. Every one still counts: only the printing stops."""
    counts: Counter = Counter()
    for problem in problems:
        counts[problem.kind] += 1
        if counts[problem.kind] <= MAX_SHOWN_OF_A_KIND:
            print(problem.show(root), file=sys.stderr)
    for kind, count in counts.items():
        if count > MAX_SHOWN_OF_A_KIND:
            print(f"... and {count - MAX_SHOWN_OF_A_KIND:,} more {noun} of this kind: {kind}", file=sys.stderr)
