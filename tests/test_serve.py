"""`serve`: a preview on localhost that rebuilds when a source file changes."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request

from arshif.pipeline import REPO_ROOT


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def test_serve_rebuilds_on_change(small_archive, tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-u", str(REPO_ROOT / "build.py"), "serve", str(small_archive), "--out", str(out), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        url = None
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            url = match.group(1) if match else None
        assert url, "serve did not start"
        assert "عنوان المقال الأول" in fetch(url + "articles/001_a.html")
        (small_archive / "seeds" / "001_a.txt").write_text("عنوان بعد التعديل\nنص.\n", encoding="utf-8")
        deadline = time.monotonic() + 60  # a loaded machine rebuilds slowly; a working serve answers in seconds
        while time.monotonic() < deadline:
            if "عنوان بعد التعديل" in fetch(url + "articles/001_a.html"):
                break
            time.sleep(0.3)
        else:
            raise AssertionError("the page was not rebuilt")
    finally:
        process.terminate()
        process.wait(timeout=10)
