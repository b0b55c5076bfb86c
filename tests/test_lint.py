"""ruff, with the rules pyproject.toml selects, finds nothing in the code, the tests or the benchmark."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from arshif.pipeline import REPO_ROOT


def _ruff() -> str:
    found = Path(sys.executable).with_name("ruff")
    if found.is_file():
        return str(found)
    on_path = shutil.which("ruff")
    if on_path is None:
        pytest.fail("ruff is not installed: pip install -e .[test]")
    return on_path


def test_ruff_finds_nothing():
    done = subprocess.run([_ruff(), "check", "--no-cache", "--output-format", "concise", "arshif", "tests", "bench", "build.py"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_reads_the_projects_rules(tmp_path):
    """The control: an undefined name and an unsorted import are found, so the check above can fail."""
    bad = tmp_path / "bad.py"
    bad.write_text("import sys\nimport os\n\n\ndef f() -> None:\n    return Mention\n", encoding="utf-8")
    done = subprocess.run([_ruff(), "check", "--no-cache", "--output-format", "concise", "--config", str(REPO_ROOT / "pyproject.toml"), str(bad)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert "F821" in done.stdout and "I001" in done.stdout, done.stdout + done.stderr
