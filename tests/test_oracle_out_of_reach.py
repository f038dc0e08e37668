"""The reference never lies in the memory of a process that runs student code: not in the
first child (forked before the grader imports it), not in the children that take over after
a timeout (fresh interpreters), not when `--sandbox auto` finds bubblewrap broken (a child
forked early stands by). Student code that searches the garbage collector for the
reference's softmax finds nothing to copy."""
from __future__ import annotations

import os
import stat

import pytest

from conftest import check_json, messages_of

HANG = "\n\ndef step_function(x):\n    while True:\n        pass\n"
STEAL = '''

def softmax(x):
    import gc
    for found in gc.get_objects():
        if getattr(found, "__name__", "") == "softmax" and str(getattr(found, "__module__", "")).startswith("reference"):
            return found(x)
    return x  # nothing found: a wrong answer of its own
'''


def _softmax_results(report: dict) -> list[bool]:
    return [r["passed"] for r in report["results"] if r["topic"] == "softmax"]


def test_the_first_child_cannot_find_the_reference(submission):
    _, report = check_json(submission(append={"functions": STEAL}), "softmax", extra=("--sandbox", "none"))
    assert not any(_softmax_results(report))


def test_a_child_started_after_a_timeout_cannot_find_the_reference(submission):
    folder = submission(append={"functions": HANG + STEAL})
    _, report = check_json(folder, "activations", "softmax", extra=("--sandbox", "none", "--time-limit", "2"))
    assert "did not finish within 2 s" in messages_of(report, "activations")
    assert not any(_softmax_results(report)), messages_of(report, "softmax")


def test_auto_with_a_broken_bubblewrap_grades_without_the_reference_in_reach(submission, tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    folder = submission(append={"functions": STEAL})
    env = {"PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"}
    status, report = check_json(folder, "softmax", "mse", extra=("--sandbox", "auto"), env=env)
    assert status == 1
    assert all(r["passed"] for r in report["results"] if r["topic"] == "mse")  # graded, limits only
    assert not any(_softmax_results(report)), messages_of(report, "softmax")


@pytest.mark.parametrize("mode", ["none", "auto"])
def test_the_solutions_still_get_full_marks(mode):
    from conftest import SOLUTIONS
    status, report = check_json(SOLUTIONS, "activations", "softmax", extra=("--sandbox", mode))
    assert status == 0 and report["score"] == report["max_score"]
