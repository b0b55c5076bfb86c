"""arshif as users install it: the wheel, in a fresh virtual environment, outside the repo,
with no Node.js on the PATH; and the vendored webfont and lunr.js, the npm packages' bytes."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path
from urllib.parse import quote

import pytest
from test_browser import browser, page  # noqa: F401  (the Chromium fixtures)

from arshif import __version__
from arshif.pipeline import DEFAULT_TEMPLATES, REPO_ROOT

VENDORED = {  # file of the theme -> the npm package's file it copies
    "static/lunr.min.js": "lunr/lunr.min.js",
    "static/lunr-LICENSE.txt": "lunr/LICENSE",
    "static/fonts/LICENSE.txt": "@fontsource/noto-naskh-arabic/LICENSE",
    **{f"static/fonts/noto-naskh-arabic-{s}-{w}-normal.woff2": f"@fontsource/noto-naskh-arabic/files/noto-naskh-arabic-{s}-{w}-normal.woff2"
       for s in ("arabic", "latin") for w in (400, 700)},
}


def test_vendored_files_are_the_npm_packages_bytes():
    modules = REPO_ROOT / "node_modules"
    if not modules.is_dir():
        pytest.skip("npm ci has not been run")
    for ours, theirs in VENDORED.items():
        assert (DEFAULT_TEMPLATES / ours).read_bytes() == (modules / theirs).read_bytes(), ours


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment holding only the wheel of this checkout (its dependencies are
    this environment's, read through a path file: no network needed for them)."""
    base = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO_ROOT), "--no-deps", "-q", "-w", str(base / "dist")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    [wheel] = list((base / "dist").glob("arshif-*.whl"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return venv


def run_installed(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PATH": str(venv / "bin"), "HOME": str(cwd), "LANG": "C.UTF-8"}  # no node, npm or java: only the venv
    return subprocess.run([str(venv / "bin" / "arshif"), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


def test_the_installed_wheel_builds_checks_and_searches_an_archive_outside_the_repo(installed, tmp_path, page):  # noqa: F811
    where = subprocess.run([str(installed / "bin" / "python"), "-c", "import arshif, arshif.theme; print(arshif.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert where.returncode == 0 and str(installed) in where.stdout, where  # the wheel's arshif, not the checkout's
    version = run_installed(installed, "--version", cwd=tmp_path)
    assert version.stdout.strip() == f"arshif {__version__}", version
    root = tmp_path / "archive"
    started = run_installed(installed, "new", str(root), cwd=tmp_path)  # the newcomer's path: new, build, open, search
    assert started.returncode == 0, started.stderr
    (root / "seeds" / "b.txt").write_text("أسعار النفط\nارتفعت أسعار النفط في الأسواق العالمية.\n", encoding="utf-8")
    done = run_installed(installed, "build", str(root), "--out", str(tmp_path / "site"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    for asset in ("assets/lunr.min.js", "assets/fonts/noto-naskh-arabic-arabic-400-normal.woff2", "assets/fonts/LICENSE.txt"):
        assert (site / asset).is_file(), asset
    checked = run_installed(installed, "check", str(root), "--out", str(site), cwd=tmp_path)
    assert checked.returncode == 0 and "check: 0 error(s)" in checked.stderr, checked.stderr
    page.goto((site / "search.html").as_uri() + "?q=" + quote("معرض الكتاب"))
    page.wait_for_selector("html[data-search=done]", timeout=30_000)
    result = page.evaluate("window.arshifSearch.last()")
    assert result["total"] == 1 and result["shown"][0]["path"].endswith("example.html")
    assert page.errors == []
