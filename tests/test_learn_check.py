"""What `grader check` does for the learner: it records the student's own folder only,
and a failing run ends with the command for the next hint — never inside --json."""
from __future__ import annotations

import json

import pytest

from learn_support import LANGS, SOLUTIONS, new_student
from grader.topics.registry import declare as _declare

SOFTMAX = _declare("softmax").max_points  # the points follow its checks



@pytest.mark.parametrize("lang, line", [("en", "Next hint: grader hint softmax"),
                                        ("ja", "次のヒント: grader hint softmax")])
def test_a_failing_check_ends_with_the_next_hint_command(tmp_path, lang, line):
    student = new_student(tmp_path)
    done = student.run("check", "softmax", "mse", lang=lang)
    assert done.returncode == 1
    assert done.stdout.rstrip().splitlines()[-1] == line


def test_the_next_hint_names_the_first_failing_topic(tmp_path):
    student = new_student(tmp_path)
    student.solve("functions", "step_function", "sigmoid", "d_sigmoid", "relu", "d_relu")
    done = student.run("check", "activations", "softmax", "mse")
    assert done.returncode == 1
    assert done.stdout.rstrip().splitlines()[-1] == "Next hint: grader hint softmax"


def test_a_passing_check_names_no_hint(tmp_path):
    done = new_student(tmp_path, filled=True).run("check", "softmax")
    assert done.returncode == 0
    assert "grader hint" not in done.stdout


@pytest.mark.parametrize("lang", LANGS)
def test_json_output_keeps_the_contracts_shape(tmp_path, lang):
    done = new_student(tmp_path).run("check", "softmax", "--json", "--lang", lang)
    assert done.returncode == 1
    report = json.loads(done.stdout)  # the whole of stdout is the one JSON object
    assert set(report) == {"score", "max_score", "results", "isolation"}
    assert "grader hint" not in done.stdout


def test_the_own_folder_is_recorded_topic_by_topic(tmp_path):
    student = new_student(tmp_path)
    student.solve("functions", "softmax")
    assert student.run("check", "softmax", "mse").returncode == 1
    rows = {r["topic"]: r for r in student.json("status")["exercises"]}
    assert (rows["softmax"]["best_points"], rows["softmax"]["max_points"], rows["softmax"]["attempts"]) == (SOFTMAX, SOFTMAX, 1)
    assert rows["softmax"]["last_passed"] and rows["softmax"]["first_full_marks"]
    assert (rows["mse"]["best_points"], rows["mse"]["attempts"], rows["mse"]["last_passed"]) == (0, 1, False)
    assert rows["adam"]["attempts"] == 0 and rows["adam"]["best_points"] is None


def test_an_explicit_submission_of_the_own_folder_is_recorded_too(tmp_path):
    student = new_student(tmp_path)
    student.run("check", "softmax", "--submission", "exercises")
    student.run("check", "softmax", "--submission", str(student.exercises))
    rows = {r["topic"]: r for r in student.json("status")["exercises"]}
    assert rows["softmax"]["attempts"] == 2


def test_someone_elses_folder_is_not_recorded_unless_asked(tmp_path):
    student = new_student(tmp_path)
    assert student.run("check", "softmax", "--submission", str(SOLUTIONS)).returncode == 0
    assert not student.progress_file.exists()
    assert student.run("check", "softmax", "--submission", str(SOLUTIONS), "--record").returncode == 0
    rows = {r["topic"]: r for r in student.json("status")["exercises"]}
    assert (rows["softmax"]["attempts"], rows["softmax"]["best_points"]) == (1, SOFTMAX)


def test_the_best_is_kept_and_the_first_full_marks_date_is_not_moved(tmp_path):
    student = new_student(tmp_path)
    student.solve("functions", "softmax")
    student.run("check", "softmax")
    first = {r["topic"]: r for r in student.json("status")["exercises"]}["softmax"]["first_full_marks"]
    path = student.exercises / "functions.py"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "x = x - np.max(x, axis=-1, keepdims=True)", "x = x"), encoding="utf-8")
    assert student.run("check", "softmax").returncode == 1
    row = {r["topic"]: r for r in student.json("status")["exercises"]}["softmax"]
    assert (row["attempts"], row["best_points"], row["last_passed"]) == (2, SOFTMAX, False)
    assert row["first_full_marks"] == first
