"""The interface's words: one file of the theme (strings.toml), a translator's file, not code.

The default theme's file names every string; an archive's own templates/strings.toml may
replace any of them, with the same placeholders ({count}, {name}, ...) or fewer; {site},
the archive's title, any string may show.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import fail
from ..sandbox import links_outside

FILE_NAME = "strings.toml"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
ALWAYS_GIVEN = {"site"}  # the archive's title, which every string may show


@dataclass(frozen=True)
class Strings:
    table: dict[str, str]  # "section.name" -> text

    @classmethod
    def load(cls, template_dirs: list[Path], archive_root: Path) -> Strings:
        """The default theme's strings (the last template folder), then each override in turn."""
        *own, default = template_dirs
        table = _read(default / FILE_NAME)
        for folder in reversed(own):
            path = folder / FILE_NAME
            if path.is_file() and not links_outside(path, archive_root):
                table |= _overrides(path, _read(path), table)
        return cls(table)

    def text(self, key: str, **values) -> str:
        """The string, its {placeholders} filled (plain substitution: a theme's string is never code)."""
        return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), self.table[key])


def _read(path: Path) -> dict[str, str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise fail(path, None, f"the interface strings cannot be read ({exc})", "fix the file, or delete it to use the default theme's") from None
    table = {}
    for section, strings in data.items():
        if not isinstance(strings, dict):
            raise fail(path, None, f"'{section}' is not a [section] of strings", "write each string under a [section] header")
        for name, text in strings.items():
            if not isinstance(text, str):
                raise fail(path, None, f"'{section}.{name}' is not text", 'write it as name = "text"')
            table[f"{section}.{name}"] = text
    return table


def _overrides(path: Path, table: dict[str, str], default: dict[str, str]) -> dict[str, str]:
    """An archive's strings, each replacing a default one and using only its placeholders."""
    for key, text in table.items():
        line = _line_of(path, key)
        if key not in default:
            raise fail(path, line, f"'{key}' is not one of the theme's strings", f"use the names in the default theme's {FILE_NAME}")
        given = set(_PLACEHOLDER.findall(default[key])) | ALWAYS_GIVEN
        unknown = set(_PLACEHOLDER.findall(text)) - given
        if unknown:
            allowed = ", ".join(f"{{{p}}}" for p in sorted(given))
            raise fail(path, line, f"'{key}' uses {{{sorted(unknown)[0]}}}, which it is not given", f"placeholders it may use: {allowed}")
    return table


def _line_of(path: Path, key: str) -> int | None:
    """The line that sets "section.name" (tomllib gives no lines): the first `name =` after `[section]`."""
    section, name = key.split(".", 1)
    inside = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped.strip("[] ").strip('"') == section
        elif inside and re.match(rf'"?{re.escape(name)}"?\s*=', stripped):
            return number
    return None
