"""Build once and tell the user: every problem (a few of each kind), then a one-line summary.

Shared by the command line and serve, which rebuilds on every change: it lies below both.
"""

from __future__ import annotations

import sys
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError, Problems, printable
from .pipeline import BuildResult, build
from .progress import Progress, StepTimes

MAX_WARNINGS_SHOWN = 20
MAX_SHOWN_OF_A_KIND = 20  # then a count: 100,000 rows with one mistake are a screen, not 200,000 lines
MAX_PROBLEMS_IN_TAB = 50  # serve's error box in the browser tab


def run_build(root: Path, out: Path, quiet: bool = False, strict: bool = False, profile: bool = False) -> int:
    """Build once; report problems (and with `profile`, the time per step); return the exit status."""
    times = StepTimes()
    try:
        result = build(root, out, Progress(not quiet), strict=strict, times=times)
    except BuildError as exc:
        show_problems(exc.problems, root)
        count = len([p for p in exc.problems if not p.is_warning])
        print(f"build failed: {count} error(s); the previous site, if any, is unchanged.", file=sys.stderr)
        return 1
    show_warnings_and_notes(result, root)
    if not quiet:
        print(f"built {result.articles} articles, {result.pages} pages in {result.seconds:.2f} s -> {out}")
    if profile:
        print(times.table(), file=sys.stderr)
    return 0


def show_warnings_and_notes(result: BuildResult, root: Path) -> None:
    show_problems(result.problems.warnings, root)
    for note in result.notes:  # not a warning: --strict does not stop for it
        print(f"note: {printable(note)}", file=sys.stderr)


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


@dataclass(frozen=True)
class Outcome:
    """A build as serve tells it to the open tabs: the terminal has been told already."""

    ok: bool
    summary: str
    problems: tuple[str, ...] = ()  # errors first, as the terminal showed them
    search_pending: bool = False  # the pages are new, their search files still the previous build's


def try_build(build_once: Callable[[Progress], BuildResult], root: Path, quiet: bool = False, debug: bool = False) -> Outcome:
    """Build once through `build_once(progress)` (serve's long-lived preview) and tell the terminal:
    on bad input every problem, and that the last good site is still served; a bug is said, and
    serve goes on (with `debug`, its traceback)."""
    try:
        result = build_once(Progress(not quiet))
    except BuildError as exc:
        return failed(exc, root)
    except Exception as exc:  # a bug, not bad input
        if debug:
            traceback.print_exc()
        summary = f"internal error: {type(exc).__name__}: {printable(exc)}"
        print(f"{summary}\n  (run again with --debug for the traceback, and report it)", file=sys.stderr, flush=True)
        return Outcome(False, "build failed: " + summary)
    show_warnings_and_notes(result, root)
    if not quiet and result.in_memory is not None:  # the quick pass: the folder is written with the search
        print(f"shown {result.in_memory} changed file(s) in {result.seconds:.2f} s"
              + ("; updating the search and the site folder..." if result.search_pending else ""), flush=True)
    elif not quiet:
        print(f"built {result.articles} articles, {result.pages} pages in {result.seconds:.2f} s -> {printable(result.out)}"
              + ("; updating the search..." if result.search_pending else ""), flush=True)
    return Outcome(True, "built", search_pending=result.search_pending)


def failed(exc: BuildError, root: Path) -> Outcome:
    """A build stopped by bad input, told to the terminal (every problem), and for the tabs."""
    show_problems(exc.problems, root)
    errors = [p for p in exc.problems if not p.is_warning]
    summary = f"build failed: {len(errors)} error(s); the previous site, if any, is unchanged"
    print(summary, file=sys.stderr, flush=True)
    shown = errors + [p for p in exc.problems if p.is_warning]
    return Outcome(False, summary, tuple(p.show(root) for p in shown[:MAX_PROBLEMS_IN_TAB]))


def show_changes(names: list[str]) -> None:
    """The line serve prints before a rebuild: the changed files (their names are the archive's)."""
    more = f" and {len(names) - 1} more" if len(names) > 1 else ""
    print(f"changed: {printable(names[0]) if names else 'sources'}{more}; rebuilding...", flush=True)
