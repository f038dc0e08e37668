"""What a test run builds once and all its pytest-xdist workers share (no tests here): a
folder inside the run's own temporary folder, and a lock under which the first worker to
ask builds while the others wait (tests/venv_support.py's wheel, tests/course_support.py's
course)."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

try:
    import fcntl
except ImportError:  # not a POSIX system: no lock, so each worker gets a folder of its own
    fcntl = None


def shared_folder(factory: pytest.TempPathFactory, name: str) -> Path:
    """The folder ``name`` that every worker of this run sees: under xdist each worker's base
    temporary folder (pytest-N/popen-gwK) sits inside the run's own (pytest-N)."""
    if fcntl is None:
        return factory.mktemp(name)
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / name
    folder.mkdir(exist_ok=True)
    return folder


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One process at a time in ``folder`` (the others wait); the lock goes with the
    process, so a build that fails or is killed never leaves the others waiting."""
    if fcntl is None:
        yield
        return
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
