"""`arshif new DIR`: a second newsroom starts with two commands and never forks the tool."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from arshif import __version__
from arshif.config import _SCHEMA
from arshif.pipeline import REPO_ROOT


def arshif(*args, cwd=None):
    return subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_new_writes_an_archive_that_builds_and_checks_clean(tmp_path):
    target = tmp_path / "myarchive"
    done = arshif("new", target)
    assert done.returncode == 0, done.stderr
    toml = (target / "archive.toml").read_text(encoding="utf-8")
    assert set(_SCHEMA) <= {line.lstrip("# ").split(" ", 1)[0].strip("[]") for line in toml.splitlines() if line.strip()}  # every setting, each commented
    tomllib.loads(toml)
    workflow = (target / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    assert f'pip install "arshif=={__version__}"' in workflow and "pull_request" in workflow
    built = arshif(target, "--quiet")
    assert built.returncode == 0, built.stderr
    article = (target / "site" / "articles" / "example.html").read_text(encoding="utf-8")
    assert "معرض الكتاب" in article and "../entities/riyadh.html" in article and "../tags/culture.html" in article
    assert (target / "site" / "pages" / "about.html").is_file()
    checked = arshif("check", target, "--sources-only", "--strict")
    assert checked.returncode == 0 and "0 error(s), 0 warning(s)" in checked.stderr, checked.stderr


def test_new_refuses_a_folder_that_holds_anything(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("keep me", encoding="utf-8")
    done = arshif("new", tmp_path / "busy")
    assert done.returncode == 1 and "not empty" in done.stderr and "fix:" in done.stderr
    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["notes.txt"]
