"""Issue 20.3: every path that evaluates a code answer runs it in the one sandboxed
boundary (grader/quiz/boundary_slot.py), never in the grader's own process or with the
instructor's rights: `grader quiz stats` on collected answers, `grader quiz check`.

A code answer that reads /etc/shadow or a file of the instructor's, or writes beside the
answers, is confined (the read fails, nothing is written) and is not marked right; the
right answer in the same folder still is. Issue 20.9b: a formula built to make sympy run
for ever is answered within seconds, with a verdict and a message.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
import yaml

from quiz_support import assert_no_traceback, run_quiz

QUESTION = "d1s2-q4"  # z = functions.sigmoid(u), compared by name
RIGHT = "z = functions.sigmoid(u)"
CONFINED = shutil.which("bwrap") is not None or os.geteuid() == 0


def hostile_answers(secret: Path, marker: Path) -> dict[str, str]:
    """Each answer is right only when its forbidden read or write succeeded."""
    return {
        "reads_shadow": f"z = functions.sigmoid(u) if open('/etc/shadow').read() is not None else None",
        "reads_instructor_file": f"z = functions.sigmoid(u) if open({str(secret)!r}).read() == 'secret' else None",
        "writes_a_file": (f"open({str(marker)!r}, 'w').write('x')\n" + RIGHT),
    }


@pytest.mark.skipif(not CONFINED, reason="neither bubblewrap nor root: the limits-only child "
                    "runs as the instructor's own user (README: What is isolated)")
@pytest.mark.parametrize("command", ["stats", "check"])
def test_hostile_code_answers_are_confined_and_not_marked_right(tmp_path, command):
    secret = tmp_path / "instructor" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("secret")
    secret.chmod(0o600)
    marker = tmp_path / "written-by-a-student.txt"
    folder = tmp_path / "answers"
    folder.mkdir()
    hostile = hostile_answers(secret, marker)
    for student, answer in {**hostile, "honest": RIGHT}.items():
        (folder / f"{student}.yaml").write_text(yaml.safe_dump({QUESTION: answer}), encoding="utf-8")
    if command == "stats":
        done = run_quiz("stats", str(folder), "--json", "--lang", "en", data_dir=tmp_path / "data")
        assert_no_traceback(done)
        assert done.returncode == 0, done.stderr
        item = json.loads(done.stdout)["questions"][0]
        assert item["id"] == QUESTION and item["answered"] == 4
        assert item["facility"] == pytest.approx(1 / 4)  # only the honest answer is right
        assert "root:" not in done.stdout
    else:
        for student in hostile:
            done = run_quiz("check", str(folder / f"{student}.yaml"), "--json", "--lang", "en",
                            data_dir=tmp_path / "data")
            assert_no_traceback(done)
            assert done.returncode == 1, (student, done.stdout, done.stderr)
            result = json.loads(done.stdout)["results"][0]
            assert result["passed"] is False and result["message"], student
            assert "root:" not in result["message"]
        honest = run_quiz("check", str(folder / "honest.yaml"), "--json", data_dir=tmp_path / "data")
        assert honest.returncode == 0, honest.stdout + honest.stderr
    assert not marker.exists()


def test_a_formula_built_to_run_for_ever_is_answered_within_seconds(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({
        "d1s3-q3": "exp(exp(exp(exp(exp(y))))) - exp(exp(exp(exp(exp(d)))))"}), encoding="utf-8")
    started = time.monotonic()
    done = run_quiz("check", str(answers), "--json", "--lang", "ja", data_dir=tmp_path / "data")
    elapsed = time.monotonic() - started
    assert_no_traceback(done)
    assert done.returncode == 1, done.stdout + done.stderr
    result = json.loads(done.stdout)["results"][0]
    assert result["passed"] is False and "等価ではありません" in result["message"]
    assert elapsed < 40, elapsed  # the case ran past 45 s; a generous bound for a loaded CI


def test_symbolic_work_that_never_ends_is_stopped_by_its_bounds():
    from grader.quiz import bounded
    if not bounded.can_fork():
        pytest.skip("no fork here: the in-process time limit applies instead")
    started = time.monotonic()
    with pytest.raises(bounded.OutOfBounds):
        bounded.call(_spin, seconds=10.0, cpu_seconds=1.0)
    with pytest.raises(bounded.OutOfBounds):
        bounded.call(_hoard, seconds=10.0, cpu_seconds=5.0)
    assert time.monotonic() - started < 30


def test_a_formula_whose_check_runs_out_of_time_gets_a_clear_verdict(monkeypatch):
    from grader.quiz import bounded, checkers
    from grader.quiz.loader import find_question, load_sections
    question = find_question("d1s3-q3", load_sections())
    monkeypatch.setattr(checkers, "judge_expression", lambda *args: _spin())
    monkeypatch.setattr(bounded, "CPU_SECONDS", 1.0)
    verdict = checkers.check_answer(question, "y - d")
    assert verdict.passed is False
    assert "1 秒以内に確かめられなかった" in verdict.message("ja")
    assert "within 1 seconds" in verdict.message("en")


def _spin() -> None:
    while True:
        pass


def _hoard() -> list:
    hoard = []
    while True:
        hoard.append(bytearray(100 * 1024 * 1024))
