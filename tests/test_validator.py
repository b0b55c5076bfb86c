"""Zero errors from the W3C Nu HTML checker (npm vnu-jar, run with Java) on the repo's site and the corpus."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from arshif.pipeline import REPO_ROOT

VNU = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(folder) -> str:
    if not VNU.is_file() or shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("the HTML checker is missing: run 'npm ci' and install Java (default-jre-headless)")
        pytest.skip("vnu.jar or java missing (npm ci; apt-get install default-jre-headless)")
    result = subprocess.run(["java", "-jar", str(VNU), "--skip-non-html", "--errors-only", str(folder)],
                            capture_output=True, text=True)
    return result.stderr + result.stdout if result.returncode else ""


def test_repo_site_is_valid_html(repo_site):
    assert vnu_errors(repo_site) == ""


def test_corpus_site_is_valid_html(corpus_site):
    assert vnu_errors(corpus_site) == ""


def test_markdown_headings_do_not_skip_levels(tmp_path):
    from arshif.load.markdown_files import render_markdown

    html, _ = render_markdown("### ثالث\n\nنص\n\n#### رابع\n")
    assert html.startswith("<h2>ثالث</h2>") and "<h3>رابع</h3>" in html
