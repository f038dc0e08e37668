"""What an install promises before anything is graded: Python 3.11 or newer, said in one
sentence on an older one (a checkout run with `python -m grader`, or a notebook's import)."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

OLD_PYTHON = "import sys; sys.version_info = (3, 10, 12, 'final', 0)\n"


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_the_command_on_an_older_python_says_what_it_needs_and_exits_2() -> None:
    done = run_python(OLD_PYTHON + "sys.argv = ['grader', 'check']\nfrom grader.cli import run\nrun()")
    assert done.returncode == 2, done.stderr
    assert "The grader needs Python 3.11 or newer (this is Python 3.10.12)" in done.stderr
    assert "Python 3.11 以上が必要です" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_notebook_on_an_older_python_gets_the_same_sentence_as_its_import_error() -> None:
    done = run_python(OLD_PYTHON + "try:\n    import grader.notebook\nexcept ImportError as e:\n    print(e)")
    assert done.returncode == 0, done.stderr
    assert "The grader needs Python 3.11 or newer (this is Python 3.10.12)" in done.stdout


def test_this_python_is_new_enough() -> None:
    import grader
    assert grader.python_too_old() is None
    assert grader.python_too_old((3, 11, 0)) is None and grader.python_too_old((3, 10, 0)) is not None
