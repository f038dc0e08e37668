"""How far the batch is: a rich progress bar on a terminal, one plain line per student
otherwise (a log file or CI reads those)."""
from __future__ import annotations

import sys
import threading
from typing import TextIO


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total, self.done = total, 0
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self._lock = threading.Lock()
        self._bar = None

    def __enter__(self) -> "Progress":
        if self.tty and self.total:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)
            self._bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TimeRemainingColumn(),
                            console=Console(file=self.stream), transient=False)
            self._bar.start()
            self._task = self._bar.add_task("grader batch", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def step(self, line: str) -> None:
        """One student finished (or skipped); ``line`` says how, for the plain log."""
        with self._lock:
            self.done += 1
            if self._bar is not None:
                self._bar.update(self._task, advance=1, description=line[:40])
            else:
                width = len(str(self.total))
                print(f"[{self.done:>{width}}/{self.total}] {line}", file=self.stream, flush=True)

    def say(self, text: str) -> None:
        """A line outside the per-student log (the isolation in use, the summary)."""
        with self._lock:
            if self._bar is not None:
                self._bar.console.print(text, markup=False, highlight=False)
            else:
                print(text, file=self.stream, flush=True)
