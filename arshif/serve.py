"""Local preview: serve the built folder on localhost, rebuild when a source file changes, and
reload the open tab when its page changed (or show the build's errors in it).

Three parts, each in its own thread: the watcher (watchfiles, over the archive's inputs as
arshif.inputs lists them and the default theme, never the output folder), the builder (one
long-lived Preview that owns every build call, so what it keeps stays in memory between
rebuilds), and the HTTP server. Live reload lives in this module alone: the handler adds
one external script to the HTML it sends (the site's CSP allows 'self' scripts, no inline
one), and the files on disk never hold it.

What a hostile or careless user can do to it, and what holds (tests/test_serve_hostile.py):
nothing outside the built folder is served (not through a link planted in it either), only
requests to serve's own names are answered (DNS rebinding) and another site's pages cannot
use its event streams, a folder linked inside a source folder is not watched through (a link
to / or to the site), a watch that fails (watchfiles cannot decode a name that is not UTF-8)
starts again, a deleted site folder is built again, and Ctrl+C during a rebuild stops serve
once the build has finished.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import http.server
import ipaddress
import json
import os
import posixpath
import queue
import re
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import watchfiles

from . import inputs
from .inputs import NEVER_INPUT, source_folder_names, source_folders
from .pipeline import DEFAULT_TEMPLATES, BuildError, BuildResult, Cancelled, Progress, Session, build
from .report import Outcome, failed, printable, show_changes, try_build

QUIET_SECONDS = 0.15  # a burst of saves (an editor's temp file, rename and backup; a git checkout) is one rebuild
MAX_BURST_SECONDS = 2.0  # ...unless it never ends: then build what there is
HEARTBEAT_SECONDS = 15  # an idle event stream sends a comment this often, so a closed tab ends its thread
WATCH_READY_SECONDS = 5.0  # the longest the first build waits for the watches to be up
WATCH_TICK_MS = 200  # an idle watch says it is up after this long (watchfiles' rust_timeout)
MAX_EVENT_STREAMS = 32  # open tabs in view: each holds a thread; more are refused, not a thread each
IDLE_SECONDS = 30  # a connection that sends no request (or reads no answer) for this long is closed
PREFIX = "/__arshif/"  # what serve answers itself; a built site never has this folder
RELOAD_SCRIPT, EVENTS, STATUS = PREFIX + "reload.js", PREFIX + "events", PREFIX + "status"


@dataclass(frozen=True)
class Status:
    """The last build's outcome, which the open tabs follow: each finished build has a new generation."""

    generation: int = 0
    ok: bool = True
    summary: str = ""
    problems: tuple[str, ...] = ()

    def as_json(self) -> bytes:
        return json.dumps({"generation": self.generation, "ok": self.ok, "summary": self.summary, "problems": list(self.problems)},
                          ensure_ascii=False).encode("utf-8")


class Preview:
    """One serve session's builds: the only caller of the pipeline in serve, kept for as long as
    serve runs, so whatever a build can keep in memory is kept here between rebuilds."""

    def __init__(self, root: Path, out: Path, quiet: bool = False, debug: bool = False):
        self.root, self.out, self.quiet, self.debug = root, out, quiet, debug
        self.status = Status()
        self._finished = threading.Condition()
        self.session = Session(out)  # the build cache, in memory from one rebuild to the next
        self._building = threading.Lock()
        self._closed = False
        self.search_pending = False  # the last build left the previous search files in place
        self._built_since_collected = False

    def _build(self, progress: Progress, search_later: bool = True, cancel=None, changed: set[str] | None = None) -> BuildResult:
        """The one call of the pipeline."""
        return build(self.root, self.out, progress, session=self.session, search_later=search_later, cancel=cancel, changed=changed)

    def rebuild(self, changed: set[str] | None = None) -> bool:
        """Build the pages, with the previous search files if the search's inputs changed (the tab
        shows the edit at once; update_search follows). With the `changed` paths the watcher saw,
        an edit of articles' text takes the pipeline's quick pass: the pages that can show them,
        in memory (Session.overlay), the site folder left as it was until update_search.
        Tell the terminal, then the open tabs. A failed build leaves the last good site served."""
        with self._building:
            if self._closed:
                return False
            build_once = functools.partial(self._build, changed=changed)
            outcome = try_build(build_once, self.root, self.quiet, self.debug) if self.root.is_dir() else self._archive_gone()
            self.search_pending = outcome.search_pending
            self._built_since_collected = True
        self._publish(outcome.ok, outcome.summary, outcome.problems)
        return outcome.ok

    def update_search(self, cancel) -> None:
        """The second pass after an edit: every page is the first pass's, the search files are
        built. `cancel` set (a newer edit) stops it: the site keeps the first pass's, and the
        newer edit's build leaves the search pending again."""
        started = time.perf_counter()
        with self._building:
            if self._closed or cancel.is_set() or not self.search_pending:
                return
            try:
                self._build(Progress(False), search_later=False, cancel=cancel)
            except Cancelled:
                return
            except BuildError as exc:  # bad input the first pass did not read (a quick pass reads the edited files only)
                self.search_pending = False  # not tried again and again: the next edit builds
                outcome = failed(exc, self.root)
                self._publish(outcome.ok, outcome.summary, outcome.problems)
                return
            except Exception as exc:  # a bug
                self.search_pending = False
                if self.debug:
                    traceback.print_exc()
                print(f"the search was not updated: internal error: {type(exc).__name__}: {printable(exc)}", file=sys.stderr, flush=True)
                return
            self.search_pending = False
        if not self.quiet:
            print(f"search updated in {time.perf_counter() - started:.2f} s", flush=True)
        self._publish(True, "search updated", ())

    def warm(self) -> None:
        """Once, when idle after the first build: the archive loaded into memory (Session.warm),
        and the garbage of doing so collected; then the terminal says `ready`, from when the
        first edit takes the quick pass."""
        started = time.perf_counter()
        with self._building:
            if self._closed or not self.root.is_dir():
                return
            if self.session.warm(self.root):  # (else the first build loaded it: it was not up to date)
                self.session.collect_garbage()
                self._built_since_collected = False
        if not self.quiet:
            print(f"ready in {time.perf_counter() - started:.2f} s: the archive is in memory", flush=True)

    def collect_garbage(self) -> None:
        """When idle after builds: what they let go of in cycles (see Session.collect_garbage)."""
        with self._building:
            if self._built_since_collected:
                self.session.collect_garbage()
                self._built_since_collected = False

    def _archive_gone(self) -> Outcome:
        """The archive folder deleted (or moved) while serving: a build would make an empty site of
        nothing and put it in place of the last good one (the command line refuses a missing
        folder before it builds). Keep the site and say so; the folder coming back builds again."""
        problem = f"error: {printable(self.root)}: the archive folder is gone\n  fix: put it back, and serve builds it again"
        summary = "build failed: the archive folder is gone; the previous site is unchanged"
        print(f"{problem}\n{summary}", file=sys.stderr, flush=True)
        return Outcome(False, summary, (problem,))

    def close(self) -> None:
        """Write the cache once, for the next build from the command line: the last finished
        build's, never mid-build. A build in progress is waited for (its workers ignore Ctrl+C,
        see _stop_handler); a second Ctrl+C stops at once, the cache left as it was."""
        self._closed = True
        if not self._building.acquire(blocking=False):
            print("stopping once the build in progress has finished (Ctrl+C again to stop now, without saving the build cache)", flush=True)
            self._building.acquire()
        try:
            self.session.save()
        finally:
            self._building.release()

    def site_removed(self) -> bool:
        """The output folder deleted (by hand) since the last build, which was good: build it again
        at once, rather than answer 404 until the next edit."""
        return self.status.ok and self.status.generation > 0 and not self.out.is_dir()

    def _publish(self, ok: bool, summary: str, problems: tuple[str, ...]) -> None:
        with self._finished:
            self.status = Status(self.status.generation + 1, ok, summary, problems)
            self._finished.notify_all()

    def wait(self, seen: int, timeout: float) -> Status | None:
        """The status once a build other than generation `seen` has finished; None after `timeout`."""
        with self._finished:
            if self._finished.wait_for(lambda: self.status.generation != seen, timeout):
                return self.status
            return None


# Watching ------------------------------------------------------------------------------------

def is_editor_temp(name: str) -> bool:
    """Files editors write beside the one being saved: vim's swap files and its write test (4913),
    backups (~), Emacs' locks (.#name), LibreOffice's (.~lock.metadata.csv#)."""
    return name.endswith((".swp", ".swo", ".swx", "~")) or name.startswith((".#", ".~lock.")) or name == "4913"


class _Either:
    """Set when either event is: watchfiles stops on it."""

    def __init__(self, *events: threading.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)


def watched_folders(root: Path) -> list[Path]:
    """What serve watches, each folder on its own (not recursively): the archive's source folders
    that exist (arshif.inputs, read at each call) and the default theme, and the folders inside
    them, never through a link inside one, as the build never reads through such a link either
    (inputs.input_files): one to / had watchfiles walk the whole disk and give up, one to the
    archive folder had it watch the output folder, which check_output_folder keeps out of the
    source folders. A source folder that is a link (seeds kept elsewhere) is watched where it
    leads, unless its kind refuses links out of the archive (templates/), as the build does."""
    real_root = os.path.realpath(root)
    found = {}
    for top in [*source_folders(root), DEFAULT_TEMPLATES]:
        if not top.is_dir() or (top.name in _refusing_links_out() and not _inside(top, real_root)):
            continue
        for folder, subfolders, _ in os.walk(top):  # followlinks=False: not into a linked folder inside
            subfolders[:] = [name for name in subfolders if name not in NEVER_INPUT]
            found.setdefault(os.path.realpath(folder), Path(folder))
    return list(found.values())


def _refusing_links_out() -> set[str]:
    """The archive's top-level folders whose kinds are never read through a link out of the archive."""
    return {name for name in source_folder_names() if not any(k.links_out for k in inputs.INPUT_KINDS if k.top == name)}


def _inside(path: Path, real_root: str) -> bool:
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def top_names() -> set[str]:
    """What serve watches in the archive folder itself: its top-level input files, and its source
    folders coming or going."""
    return {k.path for k in inputs.INPUT_KINDS if k.at_top} | set(source_folder_names())


def is_watched(path: Path) -> bool:
    """A change in a watched folder that makes a rebuild: not an editor's temp file, not __pycache__."""
    return not is_editor_temp(path.name) and NEVER_INPUT.isdisjoint(path.parts)


def source_state(root: Path) -> tuple:
    """Names, sizes and modification times of every file serve watches: it changes when any of
    them does (tests/test_inputs.py holds the watcher to the registry of inputs with it)."""
    files = [root / name for name in top_names() if (root / name).is_file()]
    for folder in watched_folders(root):
        try:
            files += [Path(entry.path) for entry in os.scandir(folder) if entry.is_file() and is_watched(Path(entry.path))]
        except OSError:  # removed meanwhile
            continue
    state = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            continue
        state.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(sorted(state))


class SourceWatcher:
    """Puts each batch of changed paths on `changes`. Two watches, so the output folder (by
    default inside the archive folder) is never watched: the archive folder itself, not
    recursively (top_names), and each of watched_folders on its own; the second starts again
    when a folder comes or goes. A watch that starts again may miss what changes meanwhile:
    once it is up, a change since it stopped asks for a build."""

    def __init__(self, root: Path, changes: queue.Queue, stop: threading.Event):
        self.root, self.changes, self.stop = root, changes, stop
        self._rewatch = threading.Event()
        self._ready = (threading.Event(), threading.Event())  # each watch is up

    def start(self) -> None:
        for target in (self._watch_top, self._watch_folders):
            threading.Thread(target=target, daemon=True, name=f"arshif{target.__name__}").start()

    def wait_ready(self, timeout: float) -> None:
        """Until both watches are up (at most `timeout` seconds): an edit made from then on is seen."""
        deadline = time.monotonic() + timeout
        for ready in self._ready:
            ready.wait(max(0.0, deadline - time.monotonic()))

    def _watch_top(self) -> None:
        names, folders = top_names(), set(source_folder_names())
        root = {str(self.root), os.path.abspath(self.root)}
        gone = threading.Event()  # the archive folder itself was deleted: watch it again once it is back

        def archive() -> list[Path]:
            gone.clear()
            return [self.root]

        def went(change: watchfiles.Change, path: str) -> bool:
            return change == watchfiles.Change.deleted and path in root

        def is_input(change: watchfiles.Change, path: str) -> bool:
            return went(change, path) or Path(path).name in names

        for batch in self._watch(archive, is_input, _Either(self.stop, gone), self._ready[0], came_back=self._rewatch.set):
            if any(went(change, path) for change, path in batch):
                gone.set()
            if any(went(change, path) or Path(path).name in folders for change, path in batch):
                self._rewatch.set()  # watch the source folders that are there now
            self.changes.put({path for _, path in batch})

    def _watch_folders(self) -> None:
        watching: set[str] = set()

        def folders() -> list[Path]:
            self._rewatch.clear()
            found = watched_folders(self.root)
            watching.clear()
            watching.update(str(folder) for folder in found)
            return found

        for batch in self._watch(folders, lambda _, path: is_watched(Path(path)), _Either(self.stop, self._rewatch), self._ready[1]):
            if any(_folder_came_or_went(change, path, watching) for change, path in batch):
                self._rewatch.set()  # watch the folders that are there now
            self.changes.put({path for _, path in batch})

    def _watch(self, folders, is_input, restart, ready: threading.Event, came_back=lambda: None):
        """Each batch of changes to the `folders()` (each on its own), until serve stops; the watch
        starts again when `restart` is set or when it fails: watchfiles raises on a file name that
        is not UTF-8 (and loses the changes it held), a folder may go as the watch begins (or be
        gone: the archive folder deleted). `came_back` is called each time it is up again."""
        missed, said = False, ""
        while not self.stop.is_set():
            watched, before = folders(), (source_state(self.root) if ready.is_set() else None)
            try:  # a folder that is gone must raise: watchfiles' ignore_permission_denied ignores it too
                for batch in watchfiles.watch(*watched, watch_filter=is_input, recursive=False, stop_event=restart, raise_interrupt=False,
                                              ignore_permission_denied=False, yield_on_timeout=True, rust_timeout=WATCH_TICK_MS):
                    if before is not None or missed:  # up again: what changed while it was not?
                        if missed or source_state(self.root) != before:
                            self.changes.put({str(folder) for folder in watched})
                        before, missed, said = None, False, ""
                        came_back()
                    ready.set()
                    if batch:
                        yield batch
            except Exception as exc:  # whatever it is: a dead watcher would leave serve showing an old site
                message = f"watching the sources: {printable(exc) or type(exc).__name__}; watching again"
                if message != said:  # once, not each second while it lasts (the archive folder deleted)
                    print(message, file=sys.stderr, flush=True)
                missed, said = True, message
                self.stop.wait(1.0)


def _folder_came_or_went(change: watchfiles.Change, path: str, watching: set[str]) -> bool:
    if change == watchfiles.Change.added:
        return os.path.isdir(path) and not os.path.islink(path)
    return change == watchfiles.Change.deleted and path in watching


class Changes(queue.Queue):
    """The watcher's batches of changed paths, for the builder; `arrived` is set by each new one
    (the builder clears it when it takes them), so a search being built for older ones stops."""

    def __init__(self):
        super().__init__()
        self.arrived = threading.Event()

    def _put(self, item) -> None:
        super()._put(item)
        self.arrived.set()


def rebuild_on_change(preview: Preview, changes: Changes, stop: threading.Event) -> None:
    """The builder: one rebuild per burst of changes; changes during a build make one more."""
    if changes.empty():
        preview.warm()
    while not stop.is_set():
        if preview.search_pending and changes.empty():
            preview.update_search(_Either(stop, changes.arrived))
        try:
            changed = set(changes.get(timeout=0.5))
        except queue.Empty:
            if not preview.search_pending:
                preview.collect_garbage()
            if preview.site_removed():
                if not preview.quiet:
                    print(f"the site folder {printable(preview.out)} was removed; building it again...", flush=True)
                preview.rebuild()
            continue
        deadline = time.monotonic() + MAX_BURST_SECONDS
        while time.monotonic() < deadline:
            try:
                changed |= changes.get(timeout=QUIET_SECONDS)
            except queue.Empty:
                break
        if stop.is_set():
            return
        changes.arrived.clear()  # the burst is taken: only a newer change stops its search
        if not preview.quiet:
            show_changes(sorted(_relative(Path(path), preview.root) for path in changed))
        preview.rebuild(changed)


def _relative(path: Path, root: Path) -> str:
    for base in (root.resolve(), root, DEFAULT_TEMPLATES):
        if path.is_relative_to(base):
            return str(path.relative_to(base)) if base != DEFAULT_TEMPLATES else f"(theme) {path.relative_to(base)}"
    return str(path)


# Serving -------------------------------------------------------------------------------------

RELOAD_JS = r"""// arshif serve's live reload. serve adds this script to the pages it sends; no built site holds it.
(function () {
  "use strict";
  var script = document.currentScript;
  var query = new URLSearchParams({page: location.pathname, digest: script.dataset.digest});
  var events = null, box = null;
  // Only a tab in view holds a connection (a browser allows six to a host, and a curator may have
  // more tabs open than that); a tab shown again is told at once whether its page changed meanwhile.
  document.addEventListener("visibilitychange", function () { if (document.hidden) disconnect(); else connect(); });
  if (!document.hidden) connect();

  function connect() {
    if (events) return;
    events = new EventSource("/__arshif/events?" + query.toString());
    events.addEventListener("reload", function () { disconnect(); location.reload(); });
    events.addEventListener("ok", hide);
    events.addEventListener("failed", show);
  }

  function disconnect() {
    if (events) { events.close(); events = null; }
  }

  function hide() {
    if (box) { box.remove(); box = null; }
  }

  function show() {
    fetch("/__arshif/status", {cache: "no-store"}).then(function (response) { return response.json(); }).then(function (status) {
      if (status.ok) { hide(); return; }
      if (!box) {
        box = document.createElement("div");
        box.id = "arshif-serve-error";
        box.setAttribute("role", "alert");
        box.dir = "ltr";
        box.lang = "en";
        var s = box.style;  // the CSSOM, which the site's CSP (style-src 'self') allows
        s.position = "fixed"; s.top = "0"; s.left = "0"; s.right = "0"; s.zIndex = "2147483647";
        s.maxHeight = "60vh"; s.overflow = "auto"; s.margin = "0"; s.padding = "0.75em 1em";
        s.background = "#fff4f4"; s.color = "#5c0000"; s.borderBottom = "4px solid #c00";
        s.font = "14px/1.5 monospace"; s.textAlign = "left"; s.boxShadow = "0 2px 8px rgba(0,0,0,.3)";
        document.body.appendChild(box);
      }
      var title = document.createElement("strong");
      title.textContent = "arshif serve: " + status.summary + " (this page is from the last good build)";
      var text = document.createElement("pre");
      text.style.whiteSpace = "pre-wrap"; text.style.unicodeBidi = "plaintext"; text.style.margin = "0.5em 0 0";
      text.textContent = status.problems.join("\n");  // archive text: never parsed as HTML
      box.replaceChildren(title, text);
    }).catch(function () {});
  }
})();
"""

_CSP_META = re.compile(rb"<meta\b[^>]*http-equiv\s*=\s*[\"']?content-security-policy[\"']?[^>]*>", re.IGNORECASE)
_CSP_CONTENT = re.compile(rb"(\bcontent\s*=\s*)([\"'])(.*?)\2", re.IGNORECASE | re.DOTALL)
_STYLESHEET = re.compile(rb"<link\b(?=[^>]*\brel\s*=\s*[\"']?stylesheet)[^>]*\bhref\s*=\s*[\"']([^\"'>]+)", re.IGNORECASE)
_BODY_END = b"</body>"


def with_reload_script(html: bytes, digest: str) -> bytes:
    """The page as serve sends it: the reload script before </body>, and a CSP that lets it
    reach serve (connect-src 'self'). Only the response changes: never the file."""
    tag = f'<script src="{RELOAD_SCRIPT}" data-digest="{digest}"></script>\n'.encode()
    html = _CSP_META.sub(lambda meta: _CSP_CONTENT.sub(_connect_self, meta.group(0), count=1), html, count=1)
    at = html.lower().rfind(_BODY_END)
    return html + tag if at < 0 else html[:at] + tag + html[at:]


def _connect_self(match: re.Match) -> bytes:
    directives = [d.strip() for d in match.group(3).split(b";") if d.strip()]
    directives = [d for d in directives if d.split()[0].lower() != b"connect-src"] + [b"connect-src 'self'"]
    return match.group(1) + match.group(2) + b"; ".join(directives) + match.group(2)


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """The built folder, with the pages' reload script and serve's own three addresses."""

    preview: Preview
    verbose = False
    timeout = IDLE_SECONDS

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, with_body: bool) -> None:
        url = urlsplit(self.path)
        refused = self._refused(url.path)
        if refused:
            return self.send_error(403, refused)
        if url.path == RELOAD_SCRIPT:
            return self._send("text/javascript; charset=utf-8", RELOAD_JS.encode(), with_body)
        if url.path == STATUS:
            return self._send("application/json; charset=utf-8", self.preview.status.as_json(), with_body)
        if url.path == EVENTS:
            query = parse_qs(url.query)
            return self._events(query.get("page", ["/"])[0], query.get("digest", [""])[0], with_body)
        rel_path, newer = self._overlay_file(url.path)
        if newer is not None and not rel_path.endswith(".html"):
            return self._send(self.guess_type(rel_path), newer, with_body)
        html = newer if newer is not None else self._page_html(url.path)
        if html is not None:
            return self._send("text/html; charset=utf-8", with_reload_script(html, self._digest(url.path, html)), with_body)
        del self.headers["If-Modified-Since"]  # a rebuilt file may keep its time (SOURCE_DATE_EPOCH): always send it
        super().do_GET() if with_body else super().do_HEAD()

    def _refused(self, url_path: str) -> str:
        """Why a request is not answered ('' if it is). Bound to this computer only (the default),
        serve answers only requests to its own names: a web page whose site's name was made to
        point at 127.0.0.1 (DNS rebinding) could otherwise read the preview. And its own
        addresses answer no other site's page: its event streams would hold the browser's few
        connections to serve, so that the curator's tabs could not reach it."""
        host = self.headers.get("Host", "")
        try:
            name = urlsplit("//" + host).hostname
        except ValueError:
            return "a malformed Host header"
        if self.server.loopback_only and name is not None and not _is_loopback(name):
            return "serve answers requests to localhost and 127.0.0.1 only"
        origin = self.headers.get("Origin")
        if url_path.startswith(PREFIX) and origin is not None and origin.lower() != f"http://{host}".lower():
            return "serve's own addresses answer its own pages only"
        return ""

    def translate_path(self, path: str) -> str:
        """The file an address names, never outside the built folder: a link in it that leads out
        (a build writes none; someone may plant one), or a name no file system holds (a NUL, a
        lone surrogate), gives a path that does not exist, so the answer is a 404."""
        found = super().translate_path(path)
        nowhere = os.path.join(self.directory, PREFIX.strip("/"), "nowhere")  # a site has no such folder
        try:
            real, base = os.path.realpath(found), os.path.realpath(self.directory)
        except ValueError:  # a NUL, or a surrogate that cannot be a file name
            return nowhere
        return found if real == base or real.startswith(base.rstrip(os.sep) + os.sep) else nowhere

    def list_directory(self, path):
        """A folder without index.html is not listed: a static host shows none either, and a
        link to a folder must look as broken here as it will there."""
        self.send_error(404, "No index.html in this folder")
        return None

    def _overlay_file(self, url_path: str) -> tuple[str, bytes | None]:
        """The site path an address names, and its file if a quick pass made it since the site
        folder was written (Session.overlay; a folder's address is its index.html)."""
        rel_path = posixpath.normpath(unquote(url_path)).lstrip("/") if url_path.startswith("/") else ""
        if url_path.endswith("/"):
            rel_path = posixpath.join(rel_path, "index.html") if rel_path not in ("", ".") else "index.html"
        return rel_path, self.preview.session.overlay_file(rel_path) if rel_path else None

    def _page_html(self, url_path: str) -> bytes | None:
        """The page an address shows, as the site serve shows it (the overlay over the folder)."""
        newer = self._overlay_file(url_path)[1]
        if newer is not None:
            return newer
        page = self._page_file(url_path)
        try:
            return page.read_bytes() if page else None
        except OSError:  # swapped out by a build at that moment
            return None

    def _page_file(self, url_path: str) -> Path | None:
        """The HTML file an address shows ('/' and '/archive/' are their index.html), if any."""
        try:
            path = Path(self.translate_path(url_path))
            if path.is_dir():
                if not url_path.endswith("/"):
                    return None  # SimpleHTTPRequestHandler redirects to the address with '/'
                path = path / "index.html"
            elif url_path.endswith("/"):
                return None  # a file's name with '/' after it (a.html/): not found, as on a static host
            return path if path.suffix == ".html" and path.is_file() else None
        except (OSError, ValueError):  # a name too long for the file system: not a page
            return None

    def _digest(self, url_path: str, html: bytes | None) -> str:
        """What the page looks like: its bytes and its stylesheets' (a CSS edit reloads it too)."""
        if html is None:
            return ""
        digest = hashlib.sha256(html)
        for href in _STYLESHEET.findall(html):
            sheet = Path(self.translate_path(urlsplit(urljoin(url_path, href.decode("utf-8", "replace"))).path))
            try:
                digest.update(hashlib.sha256(sheet.read_bytes()).digest())
            except OSError:
                digest.update(b"-")
        return digest.hexdigest()[:24]

    def _current_digest(self, url_path: str) -> str:
        return self._digest(url_path, self._page_html(url_path))

    def _events(self, page: str, digest: str, with_body: bool) -> None:
        """Server-sent events for one open tab: after each build, `failed`, `reload` (its page
        changed) or `ok`; also at once, so a tab opened on a broken build shows its errors.
        Each stream holds a thread: past MAX_EVENT_STREAMS, more are refused."""
        if not with_body:
            return self._send("text/event-stream", b"", with_body=False)
        if not self.server.streams.acquire(blocking=False):
            return self.send_error(503, f"more than {MAX_EVENT_STREAMS} event streams are open")
        try:
            self._stream_events(page, digest)
        finally:
            self.server.streams.release()

    def _stream_events(self, page: str, digest: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            self.wfile.write(b"retry: 1000\n\n")  # after serve restarts, the tab is back within a second
            self.wfile.flush()
            while True:
                status = self.preview.wait(seen, HEARTBEAT_SECONDS)
                if status is None:
                    self.wfile.write(b": still here\n\n")
                elif not status.ok:
                    self.wfile.write(f"event: failed\ndata: {status.generation}\n\n".encode())
                elif self._current_digest(page) != digest:
                    self.wfile.write(f"event: reload\ndata: {status.generation}\n\n".encode())
                    self.wfile.flush()
                    return
                else:
                    self.wfile.write(f"event: ok\ndata: {status.generation}\n\n".encode())
                seen = status.generation if status else seen
                self.wfile.flush()
        except OSError:  # the tab was closed or reloaded
            return

    def _send(self, content_type: str, body: bytes, with_body: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")  # a preview shows the latest build, never a cached page
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        if self.verbose:
            super().log_message(format, *args)


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # with socketserver's 5, some of a burst of connections waited a second to be accepted
    verbose = False
    loopback_only = True  # bound to this computer only: requests to other names are refused

    def server_activate(self) -> None:
        self.streams = threading.BoundedSemaphore(MAX_EVENT_STREAMS)
        super().server_activate()

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # a browser that cancelled a request (a font, a page left), or went quiet: nothing to tell
        if self.verbose:
            super().handle_error(request, client_address)
        else:
            print(f"serve: {type(sys.exc_info()[1]).__name__} answering a request (--verbose shows the traceback)", file=sys.stderr, flush=True)


def serve(root: Path, out: Path, host: str, port: int, verbose: bool = False, quiet: bool = False, debug: bool = False) -> int:
    preview = Preview(root, out, quiet, debug)
    handler = type("Handler", (PreviewHandler,), {"preview": preview, "verbose": verbose})
    try:  # the port first: a busy one is said at once, not after a build
        server = PreviewServer((host, port), lambda *args: handler(*args, directory=str(out.resolve())))
    except OSError as exc:
        print(_listen_error(exc, host, port), file=sys.stderr)
        return 1
    server.verbose, server.loopback_only = verbose, _is_loopback(host)
    stop, changes = threading.Event(), Changes()
    stop_handler = _stop_handler(os.getpid())
    previous = {signum: signal.signal(signum, stop_handler) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        watcher = SourceWatcher(root, changes, stop)
        watcher.start()
        watcher.wait_ready(WATCH_READY_SECONDS)  # before the first build, so an edit made during it is seen
        if not preview.rebuild() and not out.is_dir():
            return 1
        threading.Thread(target=rebuild_on_change, args=(preview, changes, stop), daemon=True, name="arshif-builder").start()
        print(f"serving {out} at http://{host}:{server.server_address[1]}/ (Ctrl+C to stop)", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        preview.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0


def _stop_handler(serve_pid: int):
    """Ctrl+C and SIGTERM stop serve (its cache saved, see Preview.close). The processes a build
    forks (its page workers, the search writer) inherit this handler: in them, SIGTERM (how a
    pool ends its workers) ends them quietly, not with a traceback each, and Ctrl+C, which a
    terminal sends to every process of its group, is left to serve, so that a worker is never
    killed mid-page and the build (and serve, waiting for it) hangs for ever."""
    def stop(signum, frame):
        if os.getpid() == serve_pid:
            raise KeyboardInterrupt
        if signum == signal.SIGTERM:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
    return stop


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _listen_error(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        what, hint = f"port {port} on {host} is already in use (another server, or another arshif serve)", f"stop it, or choose another port: --port {port + 1}"
    elif exc.errno == errno.EACCES:
        what, hint = f"port {port} needs administrator rights", "choose a port above 1023, e.g. --port 8000"
    else:
        what, hint = f"cannot listen on {host}:{port}: {exc.strerror or exc}", "check --host and --port (the default is 127.0.0.1:8000)"
    return f"error: {what}\n  fix: {hint}"
