"""Shared helpers for the quiz tests (no tests here): run the real `grader quiz` command line."""
from __future__ import annotations

import copy
import functools
import os
import subprocess
import sys
from pathlib import Path

from grader.quiz.loader import load_sections
from grader.quiz.model import Section

REPO = Path(__file__).resolve().parents[1]
QUIZ_DIR = REPO / "quizzes"
FIXTURES = Path(__file__).resolve().parent / "quiz_fixtures"


def shipped_sections() -> list[Section]:
    """The shipped quiz bank as `load_sections` reads it: validated once per test process
    (eight test files read it at import), a fresh copy for each caller to change at will."""
    return copy.deepcopy(_shipped_sections())


@functools.cache
def _shipped_sections() -> list[Section]:
    return load_sections(QUIZ_DIR)


def run_quiz(*args: str, data_dir: Path, stdin: str | None = None, quiz_dir: Path | None = None,
             cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m grader quiz ARGS`` with a private progress folder, as a student runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRADER_", "LC_", "LANG"))}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["GRADER_DATA_DIR"] = str(data_dir)
    env["LANG"] = "C.UTF-8"
    env["PYTHONIOENCODING"] = "utf-8"
    if quiz_dir is not None:
        env["GRADER_QUIZ_DIR"] = str(quiz_dir)
    return subprocess.run([sys.executable, "-m", "grader", "quiz", *args], input=stdin,
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          cwd=cwd or REPO, timeout=timeout)


def assert_no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
