"""How `grader watch` reads single keys, on every system (what a key does is watch.py's).

* a POSIX terminal: cbreak mode (termios/tty), one key without Enter, put back on exit;
* a Windows console: ``msvcrt.getwch``, one key without Enter;
* anything else (no termios, no msvcrt): lines — each key is typed and followed by Enter
  (``line_mode``; the watch says so).
"""
from __future__ import annotations

import os
import queue
import sys
import threading
from typing import Any


class KeyReader:
    """Puts ("key", k) on ``events`` for every key, ("end", None) when the terminal is gone."""

    line_mode = False  # whether each key needs Enter

    def __init__(self, events: queue.Queue, stop: threading.Event) -> None:
        self.events, self.stop = events, stop

    def start(self) -> None:
        threading.Thread(target=self._loop, daemon=True, name="grader-keys").start()

    def _loop(self) -> None:
        while not self.stop.is_set():
            keys = self.read()
            if not keys:  # the terminal is gone
                self.events.put(("end", None))
                return
            for key in keys:
                self.events.put(("key", key))

    def read(self) -> str:
        raise NotImplementedError

    def restore(self) -> None:
        """Put the terminal back as it was."""


class TerminalKeys(KeyReader):
    """A POSIX terminal in cbreak mode."""

    def __init__(self, events: queue.Queue, stop: threading.Event) -> None:
        import termios

        super().__init__(events, stop)
        self.fd = sys.stdin.fileno()
        self.saved: Any = termios.tcgetattr(self.fd)

    def start(self) -> None:
        import tty

        tty.setcbreak(self.fd)
        super().start()

    def read(self) -> str:
        try:
            return os.read(self.fd, 1).decode("utf-8", "replace").lower()
        except OSError:
            return ""

    def restore(self) -> None:
        import termios

        termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)


class ConsoleKeys(KeyReader):
    """A Windows console: msvcrt reads one key as it is pressed."""

    def __init__(self, events: queue.Queue, stop: threading.Event) -> None:
        import msvcrt

        super().__init__(events, stop)
        self.msvcrt = msvcrt

    def read(self) -> str:
        key = self.msvcrt.getwch()
        if key in ("\x00", "\xe0"):  # a function or arrow key: its second half, ignored
            self.msvcrt.getwch()
            return " "
        return "q" if key == "\x03" else key.lower()  # Ctrl-C in a raw console


class LineKeys(KeyReader):
    """No way to read one key: each line typed is its keys (the letters before Enter)."""

    line_mode = True

    def read(self) -> str:
        try:
            line = sys.stdin.readline()
        except (OSError, ValueError):
            return ""
        if not line:
            return ""
        return line.strip().lower() or " "


def key_reader(events: queue.Queue, stop: threading.Event) -> KeyReader:
    """The best reader this system has for the terminal on stdin."""
    for kind in (TerminalKeys, ConsoleKeys):
        try:
            return kind(events, stop)
        except (ImportError, OSError, AttributeError):
            continue
    return LineKeys(events, stop)
