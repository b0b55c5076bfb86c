"""Data flows one way: each module imports only the steps below it."""

import ast
from pathlib import Path

import arshif

PACKAGE = Path(arshif.__file__).parent
# module -> the arshif modules it may import (directly); anything not listed may import nothing of ours
ALLOWED = {
    "errors": set(),
    "text": set(),
    "cache": set(),
    "config": {"errors"},
    "model": {"config"},
    "dates": set(),
    "charts": set(),
    "load": {"cache", "config", "errors", "model", "text", "load"},
    "render": {"cache", "model", "charts", "dates", "text"},
    "write": {"errors"},
    "progress": set(),
    "pipeline": {"cache", "errors", "load", "model", "progress", "render", "write"},
    "cli": {"errors", "pipeline", "progress", "serve"},
    "serve": {"cli", "pipeline"},
    "__main__": {"cli"},
    "__init__": set(),
}


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        inside_load = path.parent.name == "load" and node.level == 1
        if inside_load:
            found.add("load")
        elif node.module:
            found.add(node.module.split(".")[0])
        else:  # from . import model
            found.update(alias.name for alias in node.names)
    return found


def test_imports_follow_the_flow():
    for path in PACKAGE.rglob("*.py"):
        name = "load" if path.parent.name == "load" else path.stem
        extra = imported_modules(path) - ALLOWED[name]
        assert not extra, f"{path.relative_to(PACKAGE)} imports {extra}"
