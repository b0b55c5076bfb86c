"""What users' machines do to a build: other processes and locales, hostile names and text
in the sources, disks that fill, folders that are mount points or read-only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from arshif.pipeline import REPO_ROOT
from test_build import site_digest

BUILD_PY = str(REPO_ROOT / "build.py")


def copy_of_repo_archive(root: Path) -> Path:
    """This repo's archive, plus a seed with an Arabic file name and base_url set (feeds, sitemap)."""
    root.mkdir(parents=True)
    for name in ("seeds", "content"):
        shutil.copytree(REPO_ROOT / name, root / name)
    toml = (REPO_ROOT / "archive.toml").read_text(encoding="utf-8")
    (root / "archive.toml").write_text(toml.replace('# base_url = "https', 'base_url = "https'), encoding="utf-8")
    (root / "seeds" / "مقال روسي.txt").write_text("بوتين في موسكو\nقال بوتين إن روسيا مستعدة.\n", encoding="utf-8")
    return root


def run(args: list[str], env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, BUILD_PY, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


def test_two_processes_build_the_same_bytes_for_a_site_and_a_snapshot(tmp_path):
    """Different hash seeds and LANG=C, each build in its own process: every byte the same."""
    root = copy_of_repo_archive(tmp_path / "archive")
    results = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "LANG": "C", "LC_ALL": "C", "SOURCE_DATE_EPOCH": "1700000000"}
        site, snap_site, dest = tmp_path / f"site{seed}", tmp_path / f"snap-site{seed}", tmp_path / f"snap{seed}"
        for args in (["build", str(root), "--out", str(site), "--quiet"],
                     ["snapshot", str(root), "--out", str(snap_site), "--dest", str(dest), "--quiet"]):
            done = run(args, env, tmp_path)
            assert done.returncode == 0, done.stderr
        snapshots = {p.name: p.read_bytes() for p in sorted(dest.iterdir())}
        assert len(snapshots) == 2
        results.append((site_digest(site), site_digest(snap_site), snapshots))
    assert results[0] == results[1]
