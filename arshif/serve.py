"""Local preview: serve the built folder on localhost and rebuild when a source file changes."""

from __future__ import annotations

import errno
import functools
import http.server
import sys
import threading
import time
from pathlib import Path

from .inputs import input_files
from .pipeline import DEFAULT_TEMPLATES
from .report import run_build

POLL_SECONDS = 1.0


def source_state(root: Path) -> tuple:
    """Names, sizes and modification times of every input file (the registry's, arshif.inputs) and
    of the default theme: it changes when any of them does."""
    files = input_files(root) + list(DEFAULT_TEMPLATES.rglob("*"))
    state = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            continue
        state.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(sorted(state))


def watch(root: Path, out: Path, stop: threading.Event) -> None:
    last = source_state(root)
    while not stop.wait(POLL_SECONDS):
        current = source_state(root)
        if current != last:
            last = current
            print("change seen, rebuilding...", flush=True)
            run_build(root, out)


def serve(root: Path, out: Path, host: str, port: int) -> int:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out.resolve()))
    try:  # the port first: a busy one is said at once, not after a build
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        print(_listen_error(exc, host, port), file=sys.stderr)
        return 1
    status = run_build(root, out)
    if status != 0 and not out.is_dir():
        server.server_close()
        return status
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(root, out, stop), daemon=True)
    watcher.start()
    print(f"serving {out} at http://{host}:{server.server_address[1]}/ (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        time.sleep(0)
    return 0


def _listen_error(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        what, hint = f"port {port} on {host} is already in use (another server, or another arshif serve)", f"stop it, or choose another port: --port {port + 1}"
    elif exc.errno == errno.EACCES:
        what, hint = f"port {port} needs administrator rights", "choose a port above 1023, e.g. --port 8000"
    else:
        what, hint = f"cannot listen on {host}:{port}: {exc.strerror or exc}", "check --host and --port (the default is 127.0.0.1:8000)"
    return f"error: {what}\n  fix: {hint}"
