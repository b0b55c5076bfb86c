"""A progress bar on a terminal, silent elsewhere (CI logs, pipes, --quiet)."""

from __future__ import annotations

import sys


class Progress:
    def __init__(self, enabled: bool, stream=sys.stderr):
        self.enabled = enabled and stream.isatty()
        self.stream = stream
        self.label, self.total, self.done, self._shown = "", 0, 0, -1

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self.done, self._shown = label, total, 0, -1

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        if not self.enabled or not self.total:
            return
        percent = min(100, self.done * 100 // self.total)
        if percent != self._shown:
            self._shown = percent
            bar = "#" * (percent // 4)
            self.stream.write(f"\r{self.label:<9} [{bar:<25}] {percent:3d}% ({self.done}/{self.total})")
            self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self._shown >= 0:
            self.stream.write("\r" + " " * 70 + "\r")
            self.stream.flush()
