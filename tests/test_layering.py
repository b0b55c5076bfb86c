"""Data flows one way: each module imports only the steps below it."""

import ast
import re
from pathlib import Path

import arshif

PACKAGE = Path(arshif.__file__).parent
PACKAGES = ("load", "enrich", "render")  # steps that are packages: their modules share the package's name
# module -> the arshif modules it may import (directly); anything not listed may import nothing of ours
ALLOWED = {
    "errors": set(),
    "text": set(),
    "cache": set(),
    "inputs": set(),
    "config": {"errors", "inputs", "text"},
    "model": {"config"},
    "dates": {"text"},
    "charts": set(),
    "load": {"cache", "config", "errors", "inputs", "model", "text", "load"},
    "enrich": {"cache", "enrich", "errors", "load", "model", "text", "workers"},
    "render": {"cache", "model", "charts", "dates", "errors", "inputs", "render", "text", "sandbox"},
    "sandbox": {"errors"},
    "workers": set(),
    "write": {"errors", "inputs", "workers"},
    "search": {"cache", "dates", "model", "postings", "text"},
    "postings": set(),
    "publish": {"errors", "inputs", "model"},
    "progress": set(),
    "pipeline": {"cache", "enrich", "errors", "inputs", "load", "model", "progress", "publish", "render", "sandbox", "search", "write"},
    "report": {"errors", "pipeline", "progress"},
    "cli": {"errors", "pipeline", "progress", "report", "serve", "check", "publish", "new"},
    "new": set(),
    "check": {"errors", "pipeline"},
    "serve": {"inputs", "pipeline", "report"},
    "__main__": {"cli"},
    "__init__": set(),
}


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        if path.parent.name in PACKAGES and node.level == 1:
            found.add(path.parent.name)
        elif node.module:
            found.add(node.module.split(".")[0])
        else:  # from . import model
            found.update(alias.name for alias in node.names)
    return found


def test_imports_follow_the_flow():
    for path in PACKAGE.rglob("*.py"):
        name = path.parent.name if path.parent.name in PACKAGES else path.stem
        extra = imported_modules(path) - ALLOWED[name]
        assert not extra, f"{path.relative_to(PACKAGE)} imports {extra}"


def test_the_readme_layout_names_every_module():
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    layout = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    for path in PACKAGE.rglob("*.py"):
        if "starter" in path.parts or "theme" in path.parts:
            continue
        name = f"{path.parent.name}/" if path.name == "__init__.py" and path.parent != PACKAGE else path.name
        assert re.search(rf"(?<![\w/]){re.escape(name)}", layout), f"README's Layout omits {path.relative_to(PACKAGE)}"
