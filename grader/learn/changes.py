"""How `grader watch` learns that a module was saved: the system's file notifications
(watchfiles), or, where watchfiles cannot watch (no native backend for this system, or
the system's watch limit reached), a scan of the folder twice a second (``polling``)."""
from __future__ import annotations

import os
import queue
import threading
from pathlib import Path
from typing import Callable

POLL_SECONDS = 0.5


def native_watcher() -> Callable | None:
    """watchfiles' watch, or None where it cannot be imported (its compiled part is missing)."""
    try:
        from watchfiles import watch
    except ImportError:
        return None
    return watch


def watch_files(folder: Path, events: queue.Queue, stop: threading.Event,
                on_polling: Callable[[], None] = lambda: None) -> None:
    """Saved modules, as ("saved", {module names}); ("end", None) once it stops.
    ``on_polling`` is called if it falls back to scanning the folder."""
    try:
        watch = native_watcher()
        if watch is not None:
            try:
                _notified(watch, folder, events, stop)
                return
            except OSError:  # e.g. the system's limit of watches: scanning still works
                pass
        on_polling()
        _polled(folder, events, stop)
    finally:
        events.put(("end", None))


def _notified(watch: Callable, folder: Path, events: queue.Queue, stop: threading.Event) -> None:
    # A short step: a save is graded at once.
    for changes in watch(folder, stop_event=stop, step=10, debounce=400, recursive=False,
                         raise_interrupt=False):
        modules = {Path(path).stem for _, path in changes
                   if path.endswith(".py") and Path(path).parent == folder}
        if modules:
            events.put(("saved", modules))


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Each top-level module's (modification time, size)."""
    found = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    try:
                        info = entry.stat()
                    except OSError:
                        continue
                    found[entry.name[:-3]] = (info.st_mtime_ns, info.st_size)
    except OSError:
        pass
    return found


def _polled(folder: Path, events: queue.Queue, stop: threading.Event) -> None:
    before = snapshot(folder)
    while not stop.wait(POLL_SECONDS):
        now = snapshot(folder)
        modules = {name for name in now.keys() | before.keys() if now.get(name) != before.get(name)}
        before = now
        if modules:
            events.put(("saved", modules))
