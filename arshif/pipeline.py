"""The one place that owns the order of the steps: load -> render -> write."""

from __future__ import annotations

import gc
import importlib.resources
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from .cache import BuildCache, cache_path, code_version, page_key
from .enrich.delta import Matchers, with_edits
from .enrich.entities import link_entities, lint_entities
from .enrich.related import with_related
from .enrich.suggest import as_toml, suggest_entities
from .enrich.tags import tag_articles
from .errors import BuildError, Problem, Problems, SourcesChanged, fail
from .inputs import content_inputs, kind, listed, source_folder_names, source_folders
from .load import kept_rows, load_archive, reload_articles
from .model import NOT_FOUND_PATH as NOT_FOUND_PATH  # check's: 404.html alone may link from the server's root
from .model import Archive
from .progress import Progress, StepTimes
from .publish import MANIFEST, FileDigests, check_unchanged, input_digests, input_hash, manifest, manifest_json, write_snapshot
from .render import Site, site_pages, templates_digest
from .render.delta import pages_showing, site_with
from .sandbox import links_outside
from .search import search_files, text_data_file
from .write import Cancelled as Cancelled  # raised by build(cancel=...): serve catches it
from .write import SiteWriter, check_output_folder, resolved_or_fail, site_id

REPO_ROOT = Path(__file__).resolve().parent.parent  # the checkout, when arshif runs from one (tests, bench)
# The default theme: the repo's top-level templates/, which is also the package arshif.theme
# (arshif/theme links to it), so a wheel ships it and an installed arshif finds it; it holds
# the vendored webfont and lunr.js (see templates/VENDORED.md): a build needs Python only.
DEFAULT_TEMPLATES = Path(str(importlib.resources.files("arshif.theme"))).resolve()
LAST_EPOCH = int(datetime(2107, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp())  # zip's dates end there


@dataclass(frozen=True)
class BuildResult:
    articles: int
    pages: int
    seconds: float
    out: Path
    problems: Problems
    notes: tuple[str, ...] = ()  # what the user should know that is no problem (a cache ignored)
    search_pending: bool = False  # built with search_later: the search files are the previous build's
    in_memory: int | None = None  # serve's quick pass: this many pages changed, kept in memory (Session.overlay)


STALE_SEARCH = b"stale"  # the key recorded for search files carried over unchanged by a search_later build


def source_date_epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):  # isdigit() alone passes '²', which int() refuses
        raise fail(None, None, f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds", "set it to a Unix time, e.g. $(git log -1 --format=%ct)")
    if int(value) > LAST_EPOCH:
        raise fail(None, None, f"SOURCE_DATE_EPOCH={value!r} is after 2107-12-31, the last day a snapshot's zip archive can record",
                   "set it to a Unix time, e.g. $(git log -1 --format=%ct)")
    return int(value)


def template_dirs(root: Path) -> list[Path]:
    """The archive's own templates first, so it can override any of the defaults."""
    own = root / kind("templates").path
    return [own, DEFAULT_TEMPLATES] if own.is_dir() and own.resolve() != DEFAULT_TEMPLATES else [DEFAULT_TEMPLATES]


@dataclass(frozen=True)
class Shown:
    """What the site serve shows was made from: the last whole build's, or a quick pass's since."""

    archive: Archive  # enriched
    site: Site  # the pages' views, templates and keys' base
    keys: dict[str, bytes | None]  # each page's key
    digests: dict[Path, bytes]  # each input file's SHA-256
    rows: dict | None  # the metadata's rows (None: not kept, so no quick pass)
    warnings: tuple[Problem, ...]


class Session:
    """What a long-running preview (serve) keeps between builds: the build cache, in memory, so
    a rebuild neither reads nor writes it. `save` writes it once, when the preview stops.

    After an edit of some articles' text, a quick pass (build with `changed`) renders only the
    pages that can show them, into `overlay`, which serve answers from before the site folder:
    the tab shows the edit at once, and the folder stays the last whole build's until the next
    one (serve's second pass) replaces it and empties the overlay."""

    def __init__(self, out: Path):
        self.out = out
        self.cache: BuildCache | None = None  # the last build's, with what it found and wrote
        self.site_id = None
        self.summary: dict = {}
        self.file_digests = FileDigests()  # the sources' SHA-256: a file seen unchanged is not read again
        self.warmed: dict = {}  # what warm() made, for the first build that loads (BuildCache.memory)
        self.shown: Shown | None = None
        self.overlay: dict[str, bytes | Callable[[], bytes]] = {}  # site path -> its file, newer than the folder's
        self.matchers = Matchers()
        self._overlay_lock = threading.Lock()

    def overlay_file(self, rel_path: str) -> bytes | None:
        """The file at `rel_path` if a quick pass made it since the last whole build (made now
        if it was left for when it is asked for: the manifest), else None."""
        with self._overlay_lock:
            made = self.overlay.get(rel_path)
            if callable(made):
                made = self.overlay[rel_path] = made()
            return made

    def pending(self) -> bool:
        """Whether the site folder is behind the site shown: pages in the overlay, or the search
        files of a whole build made with search_later."""
        return bool(self.overlay) or ("fingerprint" in self.summary and self.summary["fingerprint"] is None)

    def show(self, shown: Shown | None, overlay: dict) -> None:
        with self._overlay_lock:
            self.shown = shown
            self.overlay = overlay

    def next_cache(self) -> BuildCache:
        if self.cache is None:
            cache = BuildCache.load(self.out)
            cache.memory = self.warmed
            return cache
        last = self.cache
        cache = BuildCache(last.new_seeds, last.new_pages, self.site_id, last.new_mentions, last.new_contents)
        cache.memory = last.new_memory
        return cache

    def header(self) -> dict:
        return {"site": self.site_id, **self.summary} if self.cache is not None else BuildCache.read_header(self.out)

    def keep(self, cache: BuildCache, site_id, summary: dict, shown: Shown | None = None) -> None:
        """The last whole build's, its site swapped in: the overlay's files are in it."""
        self.cache, self.site_id, self.summary = cache, site_id, summary
        self.show(shown, {})

    def warm(self, root: Path) -> bool:
        """Load and enrich the archive into memory, writing nothing: serve's first build finds the
        site up to date and stops at once, so without this its first edit would load every
        source from the cache on disk rather than from memory. Done once, when serve is idle;
        bad input is left for the builds to report. Whether it loaded anything."""
        if self.cache is not None or self.warmed:
            return False
        cache = self.next_cache()
        try:
            digests, dirs, epoch = input_digests(root, self.file_digests), template_dirs(root), source_date_epoch()
            fingerprint, _, templates = _fingerprint(root, digests, dirs, epoch, False, False)
            problems = Problems()
            archive = enrich(load_archive(root, problems, None, cache, digests), problems, cache, self.matchers)
        except (BuildError, SourcesChanged, OSError):
            return False
        self.warmed = cache.new_memory
        header = BuildCache.read_header(self.out)
        if header.get("fingerprint") == fingerprint and cache.site_id == header.get("site") == site_id(self.out):
            # what the site folder was built from: quick passes may start from it
            site = Site(archive, dirs, templates, _updated(archive, epoch), None, own_templates=dirs != [DEFAULT_TEMPLATES])
            site.positions, site.related_by  # noqa: B018 (made now, while serve is idle, for the first quick pass)
            self.show(Shown(archive, site, dict(cache.pages), digests, kept_rows(root, cache), tuple(_warnings(header))), {})
        return True

    @staticmethod
    def collect_garbage() -> None:
        """Each build freezes what it made (gc.freeze: millions of long-lived objects the collector
        need not scan again and again). What a later build lets go of is freed by its reference
        count alone, unless it is in a cycle: serve calls this when it is idle, not in a build,
        where a full collection over the kept archive costs a second at 20,000 articles."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def save(self) -> None:
        if self.cache is not None:
            self.cache.save(self.out, self.site_id, self.summary)


READ_ATTEMPTS = 3  # a source saved while the build reads it: start again, this many times in all


def build(root: Path, out: Path, progress: Progress | None = None, use_cache: bool = True, strict: bool = False,
          as_snapshot: bool = False, times: StepTimes | None = None, session: Session | None = None,
          search_later: bool = False, cancel: threading.Event | None = None, changed: set[str] | None = None) -> BuildResult:
    """Build the archive folder `root` into `out`; raises BuildError on bad input. A `session`
    keeps the cache in memory from one build to the next (serve). With `search_later` (serve's
    first pass after an edit), changed search inputs leave the previous build's search files in
    place, and the result says so (`search_pending`): the next build brings them up to date.
    `cancel`, when set, stops the build while it waits for the search (raising Cancelled): the
    site stays as it was. A source saved between the fingerprint's reading and the loader's
    starts the build again: the fingerprint must be of the text the site shows. `changed`: the
    paths serve's watcher saw change since the last build; with `session` and `search_later`,
    an edit of articles' text that keeps the archive's shape takes the quick pass (Session)."""
    if changed and session is not None and search_later and not (strict or as_snapshot):
        quick = _quick(root, out, session, changed)
        if quick is not None:
            return quick
    try:
        for _ in range(READ_ATTEMPTS):
            try:
                return _build(root, out, progress, use_cache, strict, as_snapshot, times, session, search_later, cancel)
            except SourcesChanged as exc:
                changed_path = exc.path
        raise fail(changed_path, None, "the file changed each time the build read it", "build again once it is saved")
    except Exception as exc:
        if session is not None and not isinstance(exc, Cancelled):  # the sources hold a change no build has taken:
            session.show(None, session.overlay)  # no quick pass until one does (the last good pages are still shown)
        raise


def _build(root: Path, out: Path, progress: Progress | None, use_cache: bool, strict: bool, as_snapshot: bool,
           times: StepTimes | None, session: Session | None, search_later: bool, cancel: threading.Event | None) -> BuildResult:
    started = time.perf_counter()
    progress = progress or Progress(False)
    step = (times or StepTimes()).step
    epoch = source_date_epoch()
    check_output_folder(out, [root, REPO_ROOT / "arshif"], [*source_folders(root), DEFAULT_TEMPLATES])
    dirs = template_dirs(root)
    with step("fingerprint"):
        digests = input_digests(root, session.file_digests if session else None)
        fingerprint, sources, templates = _fingerprint(root, digests, dirs, epoch, as_snapshot, strict)
    if use_cache and not (session and session.overlay):  # a quick pass since: the pages shown are not the folder's
        unchanged = _unchanged_site(out, fingerprint, session.header() if session else BuildCache.read_header(out))
        if unchanged is not None:
            return replace(unchanged, seconds=time.perf_counter() - started)
    problems = Problems()
    with step("cache (read)"):
        cache = (session.next_cache() if session else BuildCache.load(out)) if use_cache else BuildCache()
    if session is None:  # a build in a process that builds again (tests): the last build's objects may go
        gc.unfreeze()  # (serve keeps them, and collects when idle: Session.collect_garbage)
    with step("load"):
        archive = load_archive(root, problems, progress, cache, digests)  # seeds: checked against digests as read
        seeds = str(root / kind("seeds").path) + os.sep
        check_unchanged(digests, [path for path in digests if not str(path).startswith(seeds)])
        gc.freeze()  # millions of long-lived objects: the collector need not scan them again and again
    with step("enrich"):
        archive = enrich(archive, problems, cache, session.matchers if session else None)
        gc.freeze()
    assets = asset_files(dirs, root, problems)
    if strict:
        lint_entities(archive.entities, problems)
        if problems.warnings:  # strict: a warning stops the build before anything is written
            raise BuildError(problems.warnings)
    snapshot_info = None
    if as_snapshot:  # only a snapshot shows its date and input hash on every page: a change anywhere changes them all
        snapshot_info = {"date": _updated(archive, epoch).date().isoformat(), "articles": len(archive.articles), "input_hash": sources}
    with step("page keys"):
        site, jobs = site_pages(archive, dirs, templates, _updated(archive, epoch), snapshot_info, own_templates=dirs != [DEFAULT_TEMPLATES])
    progress.start("writing", len(jobs))
    with SiteWriter(out, epoch) as writer:
        reuse = cache.site_id is not None and cache.site_id == writer.previous_site_id()
        with step("search (start)"):
            words_cache = cache_path(out, "words") if use_cache else None
            search_key = _search_key(archive, content_inputs(root, digests))
            finish_search, search_pending = _start_search(archive, search_key, writer, cache, reuse, search_later, cancel, words_cache)
        with step("manifest"):
            snapshot_date = _updated(archive, epoch).date().isoformat()
            writer.write(MANIFEST, manifest_json(manifest(archive, sources, snapshot_date)))
        with step("reuse unchanged pages"):
            to_render = []
            for path, key, render in jobs:
                same_inputs = cache.unchanged(path, key)  # also records the key for the next build
                if reuse and same_inputs and writer.reuse_previous(path):
                    progress.advance()
                else:
                    to_render.append((path, render))
        with step("render and write"):
            writer.write_rendered(to_render, progress)
            _copy_assets(writer, assets)
        with step("search (wait)"):
            finish_search()
        with step("swap in"):
            writer.commit()
        with step("cache (write)"):
            # a site whose search is pending is never "unchanged": the next build must finish it
            summary = {"fingerprint": None if search_pending else fingerprint, "articles": len(archive.articles), "pages": len(jobs),
                       "files": tuple(sorted(writer.written)), "warnings": _marshalled(problems.warnings)}
            if session is not None:
                shown = Shown(archive, site, dict(cache.new_pages), digests, kept_rows(root, cache), tuple(problems.warnings))
                session.keep(cache, writer.previous_site_id(), summary, shown if not (strict or as_snapshot) else None)
            elif use_cache:
                cache.save(out, writer.previous_site_id(), summary)
    progress.finish()
    notes = (cache.ignored,) if cache.ignored else ()
    return BuildResult(len(archive.articles), len(jobs), time.perf_counter() - started, out, problems, notes, search_pending)


def _quick(root: Path, out: Path, session: Session, changed: set[str]) -> BuildResult | None:
    """serve's quick pass, when every changed path is the source of an article the site shows
    and the edit keeps the archive's shape (enrich.delta): the pages that can show the edited
    articles, rendered into the session's overlay where their keys changed; the manifest is
    made when asked for; the search waits for the second pass. None: a whole build is needed."""
    started, shown = time.perf_counter(), session.shown
    edited = _edited_sources(root, shown, changed, session.file_digests) if shown is not None else None
    if edited is None:
        return None
    if not edited:  # saved with the same bytes: the site shown is up to date, and what is pending still is
        return BuildResult(len(shown.archive.articles), session.summary.get("pages", 0), time.perf_counter() - started, out,
                           Problems(list(shown.warnings)), search_pending=session.pending(), in_memory=0)
    problems = Problems()
    try:
        loaded = reload_articles(root, edited, shown.rows, problems) if shown.rows is not None else None
    except SourcesChanged:  # saved again while read: the whole build reads it again
        return None
    archive = with_edits(shown.archive, loaded, session.matchers, shown.site.positions) if loaded else None
    if archive is None:
        return None
    ids = {a.id for a in loaded}
    site = site_with(shown.site, archive, {a.id: a for a in archive.articles if a.id in ids})
    keys, overlay = dict(shown.keys), dict(session.overlay)
    for path, key, render in pages_showing(site, ids):
        if key is None or keys.get(path) != key:
            overlay[path], keys[path] = render().encode("utf-8"), key
    digests, epoch = {**shown.digests, **edited}, source_date_epoch()
    overlay[MANIFEST] = lambda: manifest_json(manifest(archive, input_hash(root, digests), _updated(archive, epoch).date().isoformat())).encode("utf-8")
    warnings = tuple(p for p in shown.warnings if p.path not in edited) + tuple(problems.warnings)
    session.show(Shown(archive, site, keys, digests, shown.rows, warnings), overlay)
    return BuildResult(len(archive.articles), session.summary.get("pages", len(keys)), time.perf_counter() - started, out,
                       Problems(list(warnings)), search_pending=True, in_memory=len(overlay))


def _edited_sources(root: Path, shown: Shown, changed: set[str], known: FileDigests) -> dict[Path, bytes] | None:
    """Each changed path, as the source of the article the site shows from it (its origin),
    with its SHA-256 now; None if one is not such a source. A file whose bytes are those the
    site was made from is left out (an editor's save that changed nothing)."""
    edited = {}
    for name in changed:
        view = shown.site.view_of.get(Path(name).stem)
        try:
            if view is None or not os.path.samefile(name, view.article.origin):
                return None
        except OSError:  # gone
            return None
        origin = view.article.origin
        digest = known.of(origin)
        if digest != shown.digests.get(origin):
            edited[origin] = digest
    return edited


def _fingerprint(root: Path, digests: dict[Path, bytes], dirs: list[Path], epoch: int | None, as_snapshot: bool,
                 strict: bool) -> tuple[bytes, str, bytes]:
    """What a build's output is made of (the code, the sources, the templates, the settings that
    are not in a file), and of that the sources' input hash and the templates' digest."""
    sources, templates = input_hash(root, digests), templates_digest(dirs, root)
    return page_key(code_version(), sources, templates, epoch, as_snapshot, strict), sources, templates


def _unchanged_site(out: Path, fingerprint: bytes, header: dict) -> BuildResult | None:
    """The result of the last build (its cache's `header`) when nothing it read has changed (same
    sources, theme, code and settings, by content) and its site is still whole in `out`."""
    if header.get("fingerprint") != fingerprint or header.get("site") != site_id(out):
        return None
    if not all(os.path.isfile(out / rel_path) for rel_path in header.get("files", ())):
        return None  # a page was deleted from the site: build it again
    return BuildResult(header["articles"], header["pages"], 0.0, out, Problems(_warnings(header)))


def _warnings(header: dict) -> list[Problem]:
    return [Problem(Path(path) if path is not None else None, *rest) for path, *rest in header.get("warnings", ())]


def _marshalled(problems: list[Problem]) -> tuple:
    return tuple((str(p.path) if p.path is not None else None, p.line, p.message, p.hint, p.is_warning) for p in problems)


def _search_key(archive: Archive, content: tuple[tuple[str, bytes], ...]) -> bytes:
    """What the search files are made of: the content's files (by digest; never the templates),
    but of the settings only the two the search reads. (The code is the cache's own.)"""
    settings = kind("settings").path
    return page_key("search", tuple(item for item in content if item[0] != settings), archive.settings.digits,
                    tuple(sorted(archive.settings.sources.items())))


def _start_search(archive: Archive, key: bytes, writer, cache: BuildCache, reuse: bool, later: bool,
                  cancel: threading.Event | None, words_cache: Path | None) -> tuple[Callable[[], None], bool]:
    """The search files, from the archive alone (a template edit never changes them): when their
    inputs are the previous build's, the previous files are linked; else, with `later`, the
    previous files are linked as they are, recorded as stale (the search is then pending); else
    they are built by a forked process while the pages render. Returns what finishes them, and
    whether the search is pending. `key`: what the search files are made of (the content's inputs)."""
    previous = sorted(path for path, old in cache.pages.items() if path.startswith("search/"))
    current = all(cache.pages[path] == key for path in previous)
    if previous and reuse and (current or later) and writer.reuse_all(previous):
        for path in previous:
            cache.unchanged(path, key if current else STALE_SEARCH)
            if path in cache.contents:
                cache.new_contents[path] = cache.contents[path]
        writer.write(*text_data_file())
        return (lambda: None), not current
    # a file whose bytes are the previous build's is linked from it, not written (most of the
    # articles' snippet files after an edit: creating a file costs ten times a link)
    background = writer.write_in_background(lambda: search_files(archive, words_cache), cache.contents if reuse else None)

    def finish() -> None:
        for path in background.finish(cancel):
            if path.startswith("search/"):
                cache.unchanged(path, key)
                cache.new_contents[path] = background.digests[path]
    return finish, False


def enrich(archive: Archive, problems: Problems, cache: BuildCache | None = None, matchers: Matchers | None = None) -> Archive:
    """The enrich steps, in order: each returns a new archive. `matchers`: serve's, kept."""
    archive = link_entities(archive, cache, matchers.entities(archive.entities) if matchers and archive.entities else None)
    archive = tag_articles(archive, cache, matchers.tags(archive.tags) if matchers else None)
    return replace(archive, articles=with_related(archive.articles, cache=cache))


def check(root: Path) -> Problems:
    """The pipeline without the writer: every problem in the sources, and the curators' likely mistakes."""
    problems = Problems()
    try:
        archive = enrich(load_archive(root, problems), problems)
    except BuildError as exc:
        return Problems(list(exc.problems) + [p for p in problems.items if p.is_warning])
    lint_entities(archive.entities, problems)
    _note_unnamed_entities(archive, problems)
    _warn_of_unnamed_sources(archive, problems)
    asset_files(template_dirs(root), root, problems)  # static files that link outside the archive
    return problems


def _warn_of_unnamed_sources(archive: Archive, problems: Problems) -> None:
    """A source with a Latin id that archive.toml gives no name is shown to readers by its id
    ("aljazirah", in Latin letters in the Arabic date line)."""
    used = dict.fromkeys(a.source for a in archive.articles if a.source)
    for source in used:
        if source not in archive.settings.sources and source.isascii():  # an id in Arabic may be the name itself
            key = json.dumps(source)  # a TOML basic string too
            problems.warn(archive.root / kind("settings").path, None,
                          f"the source '{source}' has no name: its articles show it as '{source}'",
                          f"name it under [sources] in {kind('settings').path}: {key} = \"the name readers know\"")


def _note_unnamed_entities(archive: Archive, problems: Problems) -> None:
    """Entities no article names get no page and no row in the index: a list prepared ahead of
    the articles is no mistake, so this is a note, not a warning (check --strict passes)."""
    unnamed = [e for e in archive.entities if not archive.entity_stats[e.id].articles]
    if unnamed:
        where = "\n".join(f"  {kind('entities').path}:{e.line}  {e.id}  {e.name}" for e in unnamed)
        problems.notes.append(f"{len(unnamed)} of {len(archive.entities)} entities are named in no article, "
                              f"so they have no page and no row in the entity index:\n{where}")


def snapshot(root: Path, out: Path, dest: Path, progress: Progress | None = None) -> tuple[BuildResult, list[Path]]:
    """Build, then pack the site as arshif-<archive id>-<date>.zip and .tar.gz in `dest`."""
    _check_snapshot_folder(root, out, dest)
    result = build(root, out, progress, as_snapshot=True)
    data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    epoch = source_date_epoch()
    if epoch is None:
        epoch = int(datetime.fromisoformat(data["date"]).replace(tzinfo=UTC).timestamp())
    try:
        return result, write_snapshot(out, dest, f"arshif-{data['archive']}-{data['date']}", epoch)
    except OSError as exc:  # a full disk, a read-only folder: write_snapshot left the previous archives as they were
        raise fail(dest, None, f"the snapshot could not be written: {exc.strerror or exc}",
                   "free some space or choose another --dest; the previous archives of that name are unchanged") from None


def _check_snapshot_folder(root: Path, out: Path, dest: Path) -> None:
    """The archives must not land where the build reads sources (they would become input) or
    in the site folder (each build replaces it), checked before anything is built."""
    target = resolved_or_fail(dest)
    for folder in (*source_folders(root), DEFAULT_TEMPLATES, out):
        folder = resolved_or_fail(folder)
        if target == folder or folder in target.parents:
            outside = listed([f"{name}/" for name in source_folder_names()] + ["the site folder"])
            raise fail(dest, None, f"the snapshot folder is inside {folder}, which the build reads or replaces",
                       f"choose a folder outside {outside} (the default is ARCHIVE/snapshots)")


def suggest(root: Path, min_count: int, limit: int) -> str:
    """Likely entity names the archive's list lacks, as TOML to paste into content/entities.toml."""
    archive = load_archive(root, Problems())
    return as_toml(suggest_entities(archive, min_count, limit))


def _updated(archive: Archive, epoch: int | None) -> datetime:
    """The feed's time stamp: SOURCE_DATE_EPOCH, else the newest article's day; never the clock."""
    if epoch is not None:
        return datetime.fromtimestamp(epoch, UTC)
    dated = [a.date for a in archive.articles if a.date]
    if dated:
        newest = max(dated)
        return datetime(newest.year, newest.month, newest.day, tzinfo=UTC)
    return datetime(1970, 1, 1, tzinfo=UTC)


def asset_files(dirs: list[Path], root: Path, problems: Problems) -> dict[str, Path]:
    """assets/<name> -> the file under a template folder's static/ (the archive's own first). A link
    of the archive's that leads outside it (a file, a folder, static/ itself) is skipped with a
    warning, as for seeds: a build publishes only what the archive holds. A link to a file inside
    it is followed; a linked folder is not entered."""
    found: dict[str, Path] = {}
    for directory in dirs:
        static = directory / "static"
        if links_outside(static, root):
            _warn_link_outside(static, problems)
            continue
        for source in sorted(static.rglob("*")) if static.is_dir() else ():
            try:
                outside = links_outside(source, root)
            except (OSError, RuntimeError):  # a link in a loop leads nowhere
                problems.warn(source, None, "a link that leads nowhere (a loop of links): skipped", "remove the link")
                continue
            if outside:
                _warn_link_outside(source, problems)
            elif source.is_file():
                found.setdefault(f"assets/{source.relative_to(static).as_posix()}", source)
    return found


def _warn_link_outside(path: Path, problems: Problems) -> None:
    problems.warn(path, None, f"a link to {path.resolve()}, outside the archive: skipped, not published",
                  "copy the file into the archive instead of linking it")


def _copy_assets(writer, assets: dict[str, Path]) -> None:
    for rel_path, source in assets.items():
        writer.copy(source, rel_path)
