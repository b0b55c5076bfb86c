"""`arshif new DIR`: a small working archive to start from, so a newsroom never forks the tool."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from arshif import __version__

STARTER = "starter"  # the package folder holding the new archive's files


def starter_files() -> dict[str, str]:
    """Path in the new archive -> its text ({version} becomes this arshif's version)."""
    root = importlib.resources.files("arshif").joinpath(STARTER)
    found: dict[str, str] = {}

    def walk(folder, prefix: str) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            elif entry.name != "__init__.py" and not entry.name.endswith(".pyc"):
                found[prefix + entry.name] = entry.read_text(encoding="utf-8").replace("{version}", __version__)

    walk(root, "")
    return found


def new_archive(target: Path) -> list[str]:
    """Write the starter archive into `target` (a new or empty folder); the paths written.
    Raises FileExistsError when the folder holds anything."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(str(target))
    files = starter_files()
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(files)
