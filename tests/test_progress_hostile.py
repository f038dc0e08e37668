"""Issue 20.8: a progress file holding ``Infinity``, ``NaN``, a number too large for a
float or JSON nested 100 000 deep is set aside as README promises — with a message that
says where it went — by every command that reads it (status, check, hint, solution, watch,
quiz list), never a traceback."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from learn_support import new_student

HOSTILE = {
    "infinity": '{"version": 1, "topics": {"softmax": {"attempts": 1, "best_points": Infinity, "max_points": 1}}}',
    "nan": '{"version": 1, "topics": {"softmax": {"attempts": 1, "best_points": NaN, "max_points": 1}}}',
    "huge_float": '{"version": 1, "topics": {"softmax": {"attempts": 1, "best_points": 1e999, "max_points": 1}}}',
    "deep": "[" * 100_000 + "]" * 100_000,
}
QUIZ_HOSTILE = {
    "infinity": '{"version": 2, "sections": {"day1-s1": {"best": Infinity, "max_score": 5, "attempts": 1}}}',
    "nan": '{"version": 2, "sections": {"day1-s1": {"best": NaN, "max_score": 5, "attempts": 1}}}',
    "huge_float": '{"version": 2, "sections": {"day1-s1": {"best": 1e999, "max_score": 5, "attempts": 1}}}',
    "deep": "[" * 100_000 + "]" * 100_000,
}
COMMANDS = {
    "status": ("status",),
    "check": ("check", "softmax"),
    "hint": ("hint", "softmax"),
    "solution": ("solution", "softmax"),
    "quiz list": ("quiz", "list"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_hostile_progress_file_is_set_aside_by_every_command(tmp_path, case, command):
    student = new_student(tmp_path)
    student.data.mkdir()
    student.progress_file.write_text(HOSTILE[case], encoding="utf-8")
    quiz_file = student.data / "quiz-progress.json"
    quiz_file.write_text(QUIZ_HOSTILE[case], encoding="utf-8")
    done = student.run(*COMMANDS[command], lang="ja")  # asserts no traceback
    assert done.returncode in (0, 1), done.stderr
    names = sorted(p.name for p in student.data.iterdir())
    if command != "quiz list":  # the exercises' file: every command but the quiz's reads it
        [moved] = [p for p in student.data.iterdir() if p.name.startswith("exercise-progress.json.broken-")]
        assert str(moved) in done.stderr, done.stderr
        assert moved.read_text(encoding="utf-8") == HOSTILE[case]  # kept as it was
    if command in ("status", "quiz list"):  # these read the quiz's file too
        [aside] = [p for p in student.data.iterdir() if p.name.startswith("quiz-progress.json.set-aside-")]
        assert str(aside) in done.stderr + done.stdout, names
    if command != "quiz list" and student.progress_file.exists():
        json.loads(student.progress_file.read_text(encoding="utf-8"))  # a fresh, readable file


@pytest.mark.parametrize("case", ["infinity", "deep"])
def test_watch_sets_a_hostile_progress_file_aside_and_grades(tmp_path, case):
    import os
    student = new_student(tmp_path)
    student.data.mkdir()
    student.progress_file.write_text(HOSTILE[case], encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRADER_", "LC_", "LANG"))}
    env.update(GRADER_DATA_DIR=str(student.data), LANG="en_US.UTF-8", PYTHONIOENCODING="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "grader", "watch", "--plain"], cwd=student.home,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        assert first.strip(), "the watch graded nothing"
        process.stdout.readline()  # the second topic: the first one's result is recorded by now
    finally:
        process.terminate()
        _, err = process.communicate(timeout=60)
    assert "Traceback" not in err, err
    [moved] = [p for p in student.data.iterdir() if p.name.startswith("exercise-progress.json.broken-")]
    assert str(moved) in err
