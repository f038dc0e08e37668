"""One course written by `grader nbgrader init` per test run, copied by every test file
that grades on it (no tests here).

`grader nbgrader init` runs nbgrader's generate_assignment on every assignment and creates
the gradebook (nbgrader starts `alembic` for it): about four CPU-seconds, the same course
each time. tests/test_nbgrader_course.py and tests/test_instructor_autograde.py each get
their own copy of one real init, built by whichever asks first. pytest-xdist runs files on
several worker processes: the course is kept in the folder of the run that all its
workers share, built under a file lock, so a second worker waits for the first's course
instead of writing one again. The course is relocatable (no absolute path in its config or
gradebook); tests that need init itself on a folder of their own (`--force`, a gradebook
elsewhere through ~/.jupyter) still run it.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import run_grader

_NAME = "nbgrader-init-course"


def run_folder(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this run, shared by all its workers: under xdist each worker's
    base folder (pytest-N/popen-gwK) is in the run's own pytest-N; without xdist, the base."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def copy_of_initialized_course(factory: pytest.TempPathFactory, target: Path, env: dict | None = None) -> str:
    """Copies the run's course (built first if no worker has yet) to ``target``; returns
    what `grader nbgrader init` printed when it wrote it."""
    shared = run_folder(factory) / _NAME
    with open(run_folder(factory) / f"{_NAME}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, even when init fails
        said = shared / "init-stdout.json"
        if not said.is_file():
            shutil.rmtree(shared, ignore_errors=True)
            done = run_grader("nbgrader", "init", str(shared / "course"), env=env, timeout=900)
            assert done.returncode == 0, done.stderr
            said.write_text(json.dumps(done.stdout), encoding="utf-8")  # last: the course is whole
    shutil.copytree(shared / "course", target)
    return json.loads(said.read_text(encoding="utf-8"))
