"""`grader batch`: an unreadable notebook is told as itself, and --out never takes a student's folder.

Issue 20, item 12: the message of a notebook that cannot be read named a generated module
and its code (``functions.py:1 raise ImportError(…)``); ``--out`` set to a student's folder
dropped that student without a word. Now the notebook is named with the reason, nothing of
the submission runs, and such an ``--out`` is refused (exit 2) before anything is written.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import SOLUTIONS, run_grader


def test_an_unreadable_notebook_is_named_with_its_reason_not_a_generated_module(tmp_path: Path) -> None:
    for student, text in (("alice", "not a notebook"), ("bob", '{"cells": 5, "nbformat": 4}')):
        folder = tmp_path / "class" / "submitted" / student / "day1"
        folder.mkdir(parents=True)
        (folder / "day1.ipynb").write_text(text, encoding="utf-8")
    done = run_grader("batch", str(tmp_path / "class"), "--out", str(tmp_path / "out"), "--sandbox", "none",
                      "-j", "1", timeout=300)
    assert done.returncode == 0, done.stderr  # every student recorded (with 0 points)
    students = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))["students"]
    for student in ("alice", "bob"):
        messages = {row["message"] for row in students[student]["results"]}
        assert len(messages) == 1, messages
        message = messages.pop()
        assert "day1.ipynb" in message and "Not graded" in message
        assert "functions.py" not in message and "raise ImportError" not in message and "_notebook" not in message
    assert "JSONDecodeError" in students["alice"]["results"][0]["message"]


@pytest.mark.parametrize("inside", ["bob", "bob/results", "submitted/bob", "submitted/bob/day1/out"])
def test_out_inside_a_students_folder_is_refused_before_anything_is_written(tmp_path: Path, inside: str) -> None:
    root = tmp_path / "class"
    nbgrader = inside.startswith("submitted")
    for student in ("alice", "bob"):
        folder = root / "submitted" / student / "day1" if nbgrader else root / student
        folder.mkdir(parents=True)
        if nbgrader:
            (folder / "day1.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
        else:
            shutil.copy(SOLUTIONS / "functions.py", folder)
    before = sorted(str(p) for p in root.rglob("*"))
    done = run_grader("batch", str(root), "--out", str(root / inside), "--sandbox", "none", timeout=300)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "bob" in done.stderr and "--out" in done.stderr and "Traceback" not in done.stderr
    assert sorted(str(p) for p in root.rglob("*")) == before


def test_a_results_folder_inside_the_class_is_still_left_out_of_the_class(tmp_path: Path) -> None:
    root = tmp_path / "class"
    (root / "alice").mkdir(parents=True)
    shutil.copy(SOLUTIONS / "functions.py", root / "alice")
    for _ in range(2):  # new, then holding the batch's own records
        done = run_grader("batch", str(root), "--out", str(root / "results"), "--sandbox", "none",
                          "--assignment", "day1", timeout=300)
        assert done.returncode in (0, 1), done.stderr
        assert set(json.loads((root / "results" / "results.json").read_text())["students"]) == {"alice"}
