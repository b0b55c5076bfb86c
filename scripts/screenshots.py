"""The README's screenshots, from a real build of this repo's archive: an article page on a
phone (390 px wide) and on a desktop (1280 px), in Debian's Chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/]

Run it after a change to the theme; the images are committed beside the README.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from arshif.pipeline import build  # noqa: E402  (after the path above: run from a checkout)

CHROMIUM = Path("/usr/bin/chromium")
ARTICLE = "articles/002_85baf0633fb13047.html"  # this repo's archive: entities, tags, related articles
SHOTS = {"article-phone.png": {"width": 390, "height": 844}, "article-desktop.png": {"width": 1280, "height": 900}}


def take(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        build(REPO, site, use_cache=False)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
            for name, viewport in SHOTS.items():
                context = browser.new_context(viewport=viewport, device_scale_factor=1, color_scheme="light")
                page = context.new_page()
                page.goto((site / ARTICLE).as_uri())
                page.evaluate("document.fonts.ready")
                page.screenshot(path=str(out / name))  # the first screen, as a reader lands on it
                written.append(out / name)
                context.close()
            browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs", help="where the PNG files go (default: docs/)")
    args = parser.parse_args()
    for path in take(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
