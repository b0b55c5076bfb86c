"""Command line: `arshif [build] [ARCHIVE_DIR] [--out OUT]` and `arshif serve`. Prints user errors, never tracebacks."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from arshif import __version__

from .errors import BuildError, printable
from .pipeline import suggest
from .progress import Progress
from .report import run_build, show_problems

COMMANDS = ("build", "serve", "check", "suggest-entities", "snapshot", "diff", "verify", "new")


def parse_args(argv: list[str], default_root: Path) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="arshif", description="Build a static site from an Arabic news archive.")
    sub = parser.add_subparsers(dest="command")
    commands = (
        ("build", "build the site (the default command)"),
        ("serve", "build, serve on localhost, and rebuild when a source changes"),
        ("check", "check the sources and report every problem and likely curator mistake, without building"),
        ("suggest-entities", "print likely names that content/entities.toml lacks, as TOML to paste"),
        ("snapshot", "build, then pack the site as a verifiable .zip and .tar.gz with manifest.json and SHA256SUMS"),
    )
    for name, text in commands:
        command = sub.add_parser(name, help=text, description=text)
        command.add_argument("archive", nargs="?", type=Path, default=default_root, help="archive folder (holds seeds/ and/or content/); default: %(default)s")
        command.add_argument("--out", type=Path, help="output folder; default: ARCHIVE/site")
        command.add_argument("--quiet", action="store_true", help="print errors and warnings only")
        command.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
        if name == "serve":
            command.add_argument("--port", type=int, default=8000)
            command.add_argument("--host", default="127.0.0.1")
            command.add_argument("-v", "--verbose", action="store_true", help="log every request (quiet by default)")
        if name == "check":
            command.add_argument("--strict", action="store_true", help="fail on warnings too")
            command.add_argument("--sources-only", action="store_true", help="do not check the built site")
        if name == "snapshot":
            command.add_argument("--dest", type=Path, help="where the archives go; default: ARCHIVE/snapshots")
        if name == "build":
            command.add_argument("--strict", action="store_true", help="treat warnings as errors: nothing is written")
            command.add_argument("--profile", action="store_true", help="print the time each step of the build took")
        if name == "suggest-entities":
            command.add_argument("--min-count", type=int, default=2, help="how often a name must occur (default 2)")
            command.add_argument("--limit", type=int, default=50, help="how many suggestions to print (default 50)")
    compare = sub.add_parser("diff", help="compare two snapshots or built folders", description="compare two snapshots or built folders")
    compare.add_argument("old", type=Path)
    compare.add_argument("new", type=Path)
    compare.add_argument("--json", action="store_true", help="print JSON for machines")
    check_one = sub.add_parser("verify", help="check a snapshot against its SHA256SUMS and manifest", description="check a snapshot against its SHA256SUMS and manifest")
    check_one.add_argument("snapshot", type=Path)
    start = sub.add_parser("new", help="write a small working archive to start from", description="write a small working archive to start from "
                           "(archive.toml with every setting, an example seed, entity, tag, metadata row and page, a publishing workflow)")
    start.add_argument("folder", type=Path, help="a new or empty folder")
    start.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    for command in (compare, check_one):
        command.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    parser.add_argument("--version", action="version", version=f"arshif {__version__}")
    if not argv or argv[0] not in COMMANDS + ("-h", "--help", "--version"):
        argv = ["build", *argv]
    args = parser.parse_args(argv)
    if hasattr(args, "archive"):
        args.out = args.out or args.archive / "site"
    return args


def main(argv: list[str] | None = None, default_root: Path | None = None) -> int:
    if argv is None:
        _run_in_utf8_mode()
    if not _utf8_file_names():
        print(f"error: the locale's encoding ({sys.getfilesystemencoding()}) is not UTF-8: Arabic file names cannot be read\n"
              "  fix: run with PYTHONUTF8=1 (or LANG=C.UTF-8)", file=sys.stderr)
        return 1
    args = parse_args(sys.argv[1:] if argv is None else argv, default_root or Path.cwd())
    try:
        if args.command == "new":
            return run_new(args.folder)
        if args.command in ("diff", "verify"):
            return run_compare(args)
        if not args.archive.is_dir():
            print(f"error: {args.archive}: no such archive folder\n  fix: give a folder that holds seeds/ and/or content/", file=sys.stderr)
            return 1
        if args.command == "serve":
            from .serve import serve

            return serve(args.archive, args.out, args.host, args.port, args.verbose, args.quiet, args.debug)
        if args.command == "check":
            return run_check(args.archive, None if args.sources_only else args.out, args.strict)
        if args.command == "snapshot":
            return run_snapshot(args.archive, args.out, args.dest or args.archive / "snapshots", args.quiet)
        if args.command == "suggest-entities":
            print(suggest(args.archive, args.min_count, args.limit))
            return 0
        return run_build(args.archive, args.out, args.quiet, args.strict, args.profile)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug, not bad input: say so, briefly
        if getattr(args, "debug", False):  # robust here above all: this is where a bug is reported
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc}\n  (run again with --debug for the traceback, and report it)", file=sys.stderr)
        return 2


def _utf8_file_names() -> bool:
    return sys.getfilesystemencoding().lower().replace("-", "") == "utf8"


def _run_in_utf8_mode() -> None:
    """Under a locale that is not UTF-8 (LC_ALL=C with PYTHONUTF8=0, a Latin-1 locale),
    Python reads file names in that encoding and Arabic names cannot be written back:
    the command runs again in Python's UTF-8 mode, which reads every name as UTF-8."""
    if not _utf8_file_names() and not sys.flags.utf8_mode and getattr(sys, "orig_argv", None):
        os.execv(sys.executable, [sys.executable, "-X", "utf8", *sys.orig_argv[1:]])


def run_new(folder: Path) -> int:
    from .new import new_archive

    try:
        written = new_archive(folder)
    except FileExistsError:
        print(f"error: {printable(folder)}: the folder is not empty\n  fix: give a new or empty folder", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} files into {printable(folder)}: " + ", ".join(written))
    print(f"next: arshif build {printable(folder)}   (then open {printable(folder / 'site' / 'index.html')})")
    return 0


def run_check(root: Path, site: Path | None, strict: bool) -> int:
    from .check import check_archive

    problems = check_archive(root, site)
    show_problems(problems.items, root, limit=None)
    for note in problems.notes:  # each line made printable: names come from the archive
        print("note: " + "\n".join(printable(line) for line in note.split("\n")), file=sys.stderr)
    errors, warnings = len(problems.errors), len(problems.warnings)
    print(f"check: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors or (strict and warnings) else 0


def run_snapshot(root: Path, out: Path, dest: Path, quiet: bool) -> int:
    from .pipeline import snapshot

    try:
        result, files = snapshot(root, out, dest, Progress(not quiet))
    except BuildError as exc:
        show_problems(exc.problems, root)
        print("snapshot failed: nothing was written; the previous archives of that name, if any, are unchanged.", file=sys.stderr)
        return 1
    show_problems(result.problems.warnings, root)
    if not quiet:
        print(f"snapshot of {result.articles} articles: " + ", ".join(str(f) for f in files))
    return 0


MAX_PROBLEMS_SHOWN = 100


def run_compare(args) -> int:
    """verify or diff. Their input may come from anyone: every text from it (ids, titles,
    paths, and the paths given, which may be a download's name) is printed through printable()."""
    from .publish import SnapshotError, diff, printable, printable_json, verify

    for path in [args.snapshot] if args.command == "verify" else [args.old, args.new]:
        if not path.exists():
            print(f"error: {printable(path)}: no such snapshot or folder", file=sys.stderr)
            return 1
    if args.command == "verify":
        problems = verify(args.snapshot)
        for problem in problems[:MAX_PROBLEMS_SHOWN]:
            print(f"error: {problem}", file=sys.stderr)
        if len(problems) > MAX_PROBLEMS_SHOWN:
            print(f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more problems", file=sys.stderr)
        print(f"verify: {printable(args.snapshot)}: " + ("ok" if not problems else f"{len(problems)} problem(s)"))
        return 1 if problems else 0
    try:
        changes = diff(args.old, args.new)
    except SnapshotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(printable_json(changes))
        return 0
    print(f"{printable(args.old)} ({changes['old']['articles']} articles) -> {printable(args.new)} ({changes['new']['articles']} articles)")
    for label in ("added", "removed", "changed"):
        print(f"{label}: {len(changes[label])}" + "".join(f"\n  {printable(i)}" for i in changes[label]))
    for kind in ("entities", "tags"):
        for key, moved in changes[kind].items():
            print(f"{kind[:-1] if kind == 'tags' else 'entity'} {printable(key)}: +{len(moved['added'])} -{len(moved['removed'])}")
    return 0
