"""A derivative is judged with the course's helpers: a slip in sigmoid costs the sigmoid
check only, not d_sigmoid's too ("a slip counts once"), while a d_sigmoid that is wrong on
its own still fails."""
from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SOLUTIONS, check_json

SIGMOID = "return 1 / (1 + np.exp(-x))"


def submission(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "sub"
    shutil.copytree(SOLUTIONS, folder)
    path = folder / "functions.py"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def failing_checks(report: dict) -> set[str]:
    return {r["check"] for r in report["results"] if not r["passed"]}


def test_a_wrong_sigmoid_costs_the_sigmoid_check_only(tmp_path: Path) -> None:
    status, report = check_json(submission(tmp_path, SIGMOID, "return 1 / (1 + np.exp(x))"), "activations")
    assert status == 1
    assert failing_checks(report) == {"sigmoid"}


def test_a_wrong_d_sigmoid_still_fails_with_the_course_sigmoid(tmp_path: Path) -> None:
    folder = submission(tmp_path, "return (1 - sigmoid(x)) * sigmoid(x)", "return (1 + sigmoid(x)) * sigmoid(x)")
    status, report = check_json(folder, "activations")
    assert status == 1
    assert failing_checks(report) == {"d_sigmoid"}


def test_a_d_sigmoid_written_without_sigmoid_is_judged_as_written(tmp_path: Path) -> None:
    folder = submission(tmp_path, "return (1 - sigmoid(x)) * sigmoid(x)",
                        "s = 1 / (1 + np.exp(-x))\n    return (1 - s) * s")
    status, report = check_json(folder, "activations")
    assert status == 0, failing_checks(report)
