"""One course written by `grader nbgrader init` per test run, copied by every test file
that grades on it; nbgrader's commands run in one process of nbgrader (no tests here).

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

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import run_grader
from once_per_run import locked, shared_folder

_NAME = "nbgrader-init-course"


def copy_of_initialized_course(factory: pytest.TempPathFactory, target: Path, env: dict | None = None) -> str:
    """Copies the run's course (built first if no worker has yet) to ``target``; returns
    what `grader nbgrader init` printed when it wrote it."""
    shared = shared_folder(factory, _NAME)
    with locked(shared):
        said = shared / "init-stdout.json"
        if not said.is_file():
            shutil.rmtree(shared / "course", ignore_errors=True)  # what a failed attempt left
            done = run_grader("nbgrader", "init", str(shared / "course"), env=env, timeout=900)
            assert done.returncode == 0, done.stderr
            said.write_text(json.dumps(done.stdout), encoding="utf-8")  # last: the course is whole
    shutil.copytree(shared / "course", target)
    return json.loads(said.read_text(encoding="utf-8"))


# nbgrader's own program run as a shell would, one command line after another, in one
# process: it reads each command's arguments, runs it as `nbgrader` does, and says "done".
# A start of nbgrader costs about a CPU-second; a test's commands pay it once. (formgrader,
# too, runs every command of a course in one long-lived process.) A student is their own
# account on a hub: here one OS user, so the user name nbgrader's exchange asks the OS for
# is the student's.
NBGRADER_SHELL = """\
import json, sys
import nbgrader.utils as u
if sys.argv[1:]:
    name = sys.argv[1]
    u.get_osusername = lambda: name
from traitlets.config.configurable import SingletonConfigurable
from nbgrader.apps.nbgraderapp import NbGraderApp

def forget(cls):  # every app object of the command before: each command is a new `nbgrader`
    for sub in cls.__subclasses__():
        sub._instance = None
        forget(sub)

for line in sys.stdin:
    forget(SingletonConfigurable)
    NbGraderApp.launch_instance(json.loads(line))
    print("done", flush=True)
"""


class NbgraderShell:
    """nbgrader commands run one after another in ``cwd`` (as ``student``, if given), with
    ``env`` (default: this process's); what they log goes to ``log``. A command that fails
    ends the shell, and the test with it."""

    def __init__(self, cwd: Path, log: Path, env: dict | None = None, student: str | None = None) -> None:
        self.log = log
        cwd.mkdir(parents=True, exist_ok=True)
        with log.open("w", encoding="utf-8") as out:
            self.proc = subprocess.Popen([sys.executable, "-c", NBGRADER_SHELL, *([student] if student else [])],
                                         cwd=cwd, env=env, text=True, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=out)

    def nbgrader(self, *args: str, timeout: float = 900) -> str:
        """Runs `nbgrader ARGS`; returns what it logged (nbgrader logs on stderr). A command
        still running after ``timeout`` seconds is ended, and fails."""
        assert self.proc.stdin and self.proc.stdout
        start = self.log.stat().st_size
        self.proc.stdin.write(json.dumps(args) + "\n")
        self.proc.stdin.flush()
        watchdog = threading.Timer(timeout, self.proc.kill)
        watchdog.start()
        try:
            for line in self.proc.stdout:  # what the command itself prints, then "done"
                if line == "done\n":
                    with self.log.open("rb") as out:
                        out.seek(start)
                        return out.read().decode("utf-8", errors="replace")
        finally:
            watchdog.cancel()
        raise AssertionError(f"nbgrader {' '.join(args)}: {self.log.read_text(encoding='utf-8')[-4000:]}")

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        assert self.proc.wait(timeout=600) == 0, self.log.read_text(encoding="utf-8")[-4000:]

    def __enter__(self) -> NbgraderShell:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            self.close()
        else:  # the test failed already: end the shell without a second error
            self.proc.kill()
            self.proc.wait()
