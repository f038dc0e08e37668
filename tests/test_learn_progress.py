"""The progress store: kept across runs beside the quiz progress, written atomically, and a
corrupt or future-version file set aside with a message — never a crash, never lost."""
from __future__ import annotations

import json

import pytest

from learn_support import LANGS, new_student


def test_progress_lives_in_the_data_folder_not_in_the_submission(tmp_path):
    student = new_student(tmp_path)
    student.run("hint", "softmax")
    student.run("check", "softmax")
    assert student.progress_file.is_file()
    assert not list(student.home.rglob("*progress*"))
    saved = json.loads(student.progress_file.read_text(encoding="utf-8"))
    assert saved["version"] == 2
    assert saved["topics"]["softmax"]["hints_seen"] == {"softmax#shift_max": [1]}
    assert saved["topics"]["softmax"]["attempts"] == 1
    assert [p.name for p in student.data.iterdir()] == ["exercise-progress.json"]  # no temporary left


@pytest.mark.parametrize("lang, said", [("en", "could not be read"), ("ja", "読めませんでした")])
def test_a_corrupt_file_is_set_aside_with_a_message_naming_where(tmp_path, lang, said):
    student = new_student(tmp_path)
    student.data.mkdir()
    student.progress_file.write_text('{"version": 1, "topics": {"softmax": ', encoding="utf-8")
    done = student.run("hint", "softmax", lang=lang)
    assert done.returncode == 0
    [moved] = [p for p in student.data.iterdir() if p.name.startswith("exercise-progress.json.broken-")]
    assert said in done.stderr and str(moved) in done.stderr
    assert moved.read_text(encoding="utf-8") == '{"version": 1, "topics": {"softmax": '  # untouched
    fresh = json.loads(student.progress_file.read_text(encoding="utf-8"))
    assert fresh["topics"]["softmax"]["hints_seen"] == {"softmax#shift_max": [1]}
    assert student.run("status").stderr == ""  # the fresh file is fine: no message again


def test_a_file_of_the_wrong_shape_is_set_aside_too(tmp_path):
    student = new_student(tmp_path)
    student.data.mkdir()
    student.progress_file.write_text('{"version": 1, "topics": ["softmax"]}', encoding="utf-8")
    done = student.run("status", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["exercises"]
    assert "exercise-progress.json.broken-" in done.stderr


@pytest.mark.parametrize("lang, said", [("en", "newer grader (version 7)"), ("ja", "バージョン 7")])
def test_a_future_version_file_is_set_aside_not_overwritten(tmp_path, lang, said):
    student = new_student(tmp_path)
    student.data.mkdir()
    future = json.dumps({"version": 7, "topics": {"softmax": {"stars": 3}}})
    student.progress_file.write_text(future, encoding="utf-8")
    done = student.run("check", "softmax", lang=lang)
    assert done.returncode == 1
    [moved] = [p for p in student.data.iterdir() if p.name.startswith("exercise-progress.json.v7-")]
    assert said in done.stderr and str(moved) in done.stderr
    assert moved.read_text(encoding="utf-8") == future
    assert json.loads(student.progress_file.read_text(encoding="utf-8"))["topics"]["softmax"]["attempts"] == 1


def test_status_json_shows_exercises_quizzes_and_next(tmp_path):
    student = new_student(tmp_path)
    student.run("hint", "activations")
    status = student.json("status")
    assert set(status) == {"exercises", "quizzes", "next"}
    assert [r["topic"] for r in status["exercises"]][:3] == ["activations", "softmax", "mse"]
    row = status["exercises"][0]
    assert set(row) == {"topic", "best_points", "max_points", "attempts", "first_full_marks", "last_passed",
                        "hints_seen", "hint_levels_seen", "hint_levels", "solution_viewed"}
    assert (row["best_points"], row["max_points"], row["hint_levels_seen"], row["hint_levels"]) == (None, 5, 1, 15)
    assert {q["section"] for q in status["quizzes"]} >= {"day1-s2", "day1-s3", "day2-s5"}
    assert all(q["best"] is None for q in status["quizzes"])
    assert status["next"] == {"kind": "topic", "topic": "activations", "section": None,
                              "command": "grader check activations"}


def test_a_quiz_taken_shows_its_best_score(tmp_path):
    student = new_student(tmp_path)
    template = student.run("quiz", "template", "day1-s2")
    assert template.returncode == 0
    (student.home / "answers.yaml").write_text(template.stdout, encoding="utf-8")
    student.run("quiz", "check", "answers.yaml")
    quiz = {q["section"]: q for q in student.json("status")["quizzes"]}
    assert quiz["day1-s2"]["attempts"] == 1 and quiz["day1-s2"]["best"] == 0
    assert quiz["day1-s2"]["max_score"] > 0


@pytest.mark.parametrize("lang", LANGS)
def test_next_is_the_quiz_of_the_topic_just_finished_then_the_next_topic(tmp_path, lang):
    student = new_student(tmp_path)
    student.solve("functions", "step_function", "sigmoid", "d_sigmoid", "relu", "d_relu")
    assert student.run("check", "activations").returncode == 0
    status = student.json("status")
    assert status["next"] == {"kind": "quiz", "topic": "activations", "section": "day1-s2",
                              "command": "grader quiz take day1-s2"}
    text = student.run("status", lang=lang).stdout
    assert "grader quiz take day1-s2" in text
    assert student.run("check", "softmax").returncode == 1  # nothing new finished
    status = student.json("status")
    assert status["next"]["kind"] == "topic" and status["next"]["topic"] == "softmax"
    text = student.run("status", lang=lang).stdout
    assert ("次: softmax" if lang == "ja" else "Next: softmax") in text


def test_every_topic_full_and_every_quiz_taken_is_done(tmp_path):
    student = new_student(tmp_path, filled=True)
    assert student.run("check").returncode == 0
    status = student.json("status")
    assert all(r["best_points"] == r["max_points"] for r in status["exercises"])
    assert status["next"]["kind"] == "quiz"  # the tests are still to take
