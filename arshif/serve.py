"""Local preview: serve the built folder on localhost and rebuild when a source file changes."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

from .cli import run_build
from .pipeline import DEFAULT_TEMPLATES

POLL_SECONDS = 1.0


def source_state(root: Path) -> tuple:
    """Names, sizes and modification times of every source file: it changes when any source does."""
    folders = [root / "seeds", root / "content", root / "templates", DEFAULT_TEMPLATES]
    files = [root / "archive.toml"] + [p for f in folders if f.is_dir() for p in f.rglob("*")]
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
    status = run_build(root, out)
    if status != 0 and not out.is_dir():
        return status
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out.resolve()))
    server = http.server.ThreadingHTTPServer((host, port), handler)
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
