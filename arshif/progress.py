"""A progress bar on a terminal, silent elsewhere (CI logs, pipes, --quiet)."""

from __future__ import annotations

import contextlib
import sys
import time


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


class StepTimes:
    """Wall time per step of a build, for `--profile`: where the time goes, measured in place."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._started = time.perf_counter()

    @contextlib.contextmanager
    def step(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def table(self) -> str:
        total = time.perf_counter() - self._started
        width = max(map(len, self.seconds), default=0)
        lines = [f"  {name:<{width}}  {seconds:7.2f} s  {seconds / total:4.0%}" for name, seconds in self.seconds.items()]
        rest = total - sum(self.seconds.values())
        lines.append(f"  {'other':<{width}}  {rest:7.2f} s  {rest / total:4.0%}")
        return "time per step:\n" + "\n".join(lines) + f"\n  {'total':<{width}}  {total:7.2f} s"
