"""`grader solution`: gated on the student's own last check; --anyway is recorded."""
from __future__ import annotations

import pytest

from grader.authoring.blanks import parse_file
from learn_support import LANGS, SOLUTIONS, new_student

SOFTMAX_CODE = [line.strip() for r in parse_file(SOLUTIONS / "functions.py") if r.qualname == "softmax"
                for line in r.solution]
from grader.topics.registry import declare as _declare

SOFTMAX = _declare("softmax").max_points  # the points follow its checks



@pytest.mark.parametrize("lang", LANGS)
def test_before_any_check_it_refuses_and_says_how_to_get_a_hint(tmp_path, lang):
    done = new_student(tmp_path).run("solution", "softmax", lang=lang)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "grader hint softmax" in done.stderr and "--anyway" in done.stderr
    assert ("まだ採点されていません" if lang == "ja" else "you have not checked it yet") in done.stderr
    assert not any(line in done.stderr for line in SOFTMAX_CODE)


@pytest.mark.parametrize("lang", LANGS)
def test_after_a_failing_check_it_names_the_last_score(tmp_path, lang):
    student = new_student(tmp_path)
    assert student.run("check", "softmax").returncode == 1
    done = student.run("solution", "softmax", lang=lang)
    assert done.returncode == 1
    assert f"0/{SOFTMAX:g}" in done.stderr and "grader hint softmax" in done.stderr


def test_after_a_passing_check_of_the_own_folder_it_shows_the_model_code(tmp_path):
    student = new_student(tmp_path)
    student.solve("functions", "softmax")
    assert student.run("check", "softmax").returncode == 0
    done = student.run("solution", "softmax")
    assert done.returncode == 0, done.stderr
    for line in SOFTMAX_CODE:
        assert line in done.stdout
    assert "(か)" in done.stdout and "(き)" in done.stdout
    # a later failing check locks it again: the gate is the last recorded check
    (student.exercises / "functions.py").write_text(
        (student.exercises / "functions.py").read_text(encoding="utf-8").replace(
            "x = x - np.max(x, axis=-1, keepdims=True)", "x = x"), encoding="utf-8")
    assert student.run("check", "softmax").returncode == 1
    assert student.run("solution", "softmax").returncode == 1


def test_a_pass_of_someone_elses_folder_does_not_unlock_it(tmp_path):
    student = new_student(tmp_path)
    assert student.run("check", "softmax", "--submission", str(SOLUTIONS)).returncode == 0
    assert student.run("solution", "softmax").returncode == 1


@pytest.mark.parametrize("lang", LANGS)
def test_anyway_shows_it_and_status_records_that_it_was_seen(tmp_path, lang):
    student = new_student(tmp_path)
    before = student.json("status")
    assert not next(r for r in before["exercises"] if r["topic"] == "adam")["solution_viewed"]
    done = student.run("solution", "adam", "--anyway", lang=lang)
    assert done.returncode == 0
    assert "params[key] -= self.learning_rate * m_hat / (np.sqrt(v_hat) + 1e-7)" in done.stdout
    assert ("合格する前に模範解答を見ました" if lang == "ja" else "before it passed") in done.stderr
    after = student.json("status")
    assert next(r for r in after["exercises"] if r["topic"] == "adam")["solution_viewed"]
    table = student.run("status", lang=lang).stdout
    row = next(line for line in table.splitlines() if " adam " in line)
    assert ("閲覧済み" if lang == "ja" else "viewed") in row


def test_an_unknown_topic_exits_2(tmp_path):
    done = new_student(tmp_path).run("solution", "nope")
    assert done.returncode == 2 and "unknown topic 'nope'" in done.stderr
