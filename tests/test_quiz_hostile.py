"""Hostile and broken input to `grader quiz` (issue 15): YAML alias bombs, self-reference,
deep nesting, huge numbers, formulas built to explode, oversized files and code answers
that leave processes behind. Each one: a clear message, a non-zero exit, no traceback,
and bounded time (the subprocess timeout is the bound)."""
from __future__ import annotations

import os
import shutil
import time
import uuid

import pytest

from grader.quiz.checkers import check_answer
from grader.quiz.loader import find_question
from quiz_support import FIXTURES, assert_no_traceback, run_quiz, shipped_sections

SECTIONS = shipped_sections()
BOMB = ("a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi")))

HOSTILE_ANSWERS = {
    "alias_bomb": (BOMB, "expands to more than"),
    "self_alias": ("d1s0-q2: &a [3, *a]\n", "refers to itself"),
    "deep_nesting": ("d1s0-q2: " + "[" * 3000 + "]" * 3000 + "\n", "nested more than 64 levels"),
    "huge_integer": ("d2s1-q3: " + "7" * 5000 + "\n", "more than 300 digits"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_ANSWERS))
def test_hostile_answers_file_is_refused_clearly(tmp_path, case):
    text, message = HOSTILE_ANSWERS[case]
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_quiz("check", str(path), "--lang", "en", data_dir=tmp_path, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr and str(path) in result.stderr
    assert_no_traceback(result)


@pytest.mark.parametrize("case", sorted(HOSTILE_ANSWERS))
def test_hostile_quiz_file_is_refused_clearly(tmp_path, case):
    text, message = HOSTILE_ANSWERS[case]
    target = tmp_path / "day9-s1.yaml"
    shutil.copy(FIXTURES / "valid" / "day9-s1.yaml", target)
    target.write_text(target.read_text(encoding="utf-8") + "\nextra:\n  " + text.replace("\n", "\n  "), encoding="utf-8")
    result = run_quiz("validate", "--lang", "en", str(target), data_dir=tmp_path, timeout=60)
    assert result.returncode == 1
    assert message in result.stdout
    assert_no_traceback(result)


def test_oversized_answers_file_is_refused_before_reading_it(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("d1s0-q2: [3, 4]\n" + "# padding\n" * 600_000, encoding="utf-8")
    result = run_quiz("check", str(path), "--lang", "en", data_dir=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "larger than 1048576 bytes" in result.stderr
    assert_no_traceback(result)


@pytest.mark.parametrize("qid,answer,message", [
    ("d2s1-q3", "1" * 150, "more than 30 digits"),
    ("d2s1-q3", "1" * 400, "longer than 200"),
    ("d2s1-q3", "1e999999999", "too large or too small"),
    ("d2s1-q3", "1.0e+999", "cannot be read as a number"),
    ("d1s3-q3", "((y+d+1)**100)**100", "too large"),
    ("d1s3-q3", "9^9^9^9", "too large"),
    ("d2s1-q1", "(" * 300 + "x" + ")" * 300, "longer than 200"),
    ("d2s1-q1", "(" * 60 + "x" + ")" * 60, "nested more than 40 deep"),
    ("d2s1-q1", "exp(1000)", "not equivalent"),
    ("d2s1-q1", "2(x+y) + exp(-1000)", "not equivalent"),
    ("d2s1-q1", "1/(x-x)", "divides by zero"),
])
def test_hostile_numbers_and_formulas_are_refused_through_the_command_line(tmp_path, qid, answer, message):
    path = tmp_path / "answers.yaml"
    path.write_text(f"{qid}: '{answer}'\n", encoding="utf-8")
    result = run_quiz("check", str(path), "--json", "--lang", "en", data_dir=tmp_path, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stdout
    assert_no_traceback(result)


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if marker.encode() in f.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


@pytest.mark.parametrize("tail", ["", "while True:\n    pass\n"])
def test_a_code_answers_detached_children_do_not_outlive_the_check(tail):
    marker = f"{1000 + uuid.uuid4().int % 1000}.{uuid.uuid4().int % 10**6}"
    answer = ("import os, subprocess\n"
              f"subprocess.Popen(['setsid', 'sleep', '{marker}'])\n"
              "if os.fork() == 0:\n"
              "    os.setsid()\n"
              f"    os.execvp('sleep', ['sleep', '{marker}'])\n"
              "u2 = np.dot(z1, W2) + b2\n"
              "z2 = functions.relu(u2)\n" + tail)
    q = find_question("d1s1-q3", SECTIONS)
    if tail:
        import dataclasses
        q = dataclasses.replace(q, data={**q.data, "timeout": 2})
    check_answer(q, answer)
    deadline = time.monotonic() + 5
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_with(marker) == []
