"""Issue 25: `grader status` lists the quizzes in the course's numbering (day1-s2 before
day1-s12, the parts of Day 2 §1 in teaching order) under their current ids."""
from __future__ import annotations

import json

from learn_support import new_student


def test_status_lists_quizzes_in_course_order_with_current_ids(tmp_path):
    student = new_student(tmp_path)
    student.data.mkdir()
    (student.data / "quiz-progress.json").write_text(json.dumps({"version": 2, "sections": {
        "day1-s13": {"best": 4, "max_score": 10, "attempts": 1, "last": ""},  # an id folded into day2-s3
        "day1-s2": {"best": 5, "max_score": 5, "attempts": 2, "last": ""}}}), encoding="utf-8")
    sections = [q["section"] for q in student.json("status")["quizzes"]]
    assert sections.index("day1-s2") < sections.index("day1-s3") < sections.index("day1-s12")
    assert sections.index("day1-s16") < sections.index("day2-s1")
    assert sections[sections.index("day2-s1"):sections.index("day2-s2")] == [
        "day2-s1", "day2-s1-init", "day2-s1-bn", "day2-s1-challenge"]
    assert "day1-s13" not in sections
    rows = {q["section"]: q for q in student.json("status")["quizzes"]}
    assert rows["day2-s3"]["best"] == 4 and rows["day1-s2"]["attempts"] == 2
    text = student.run("status", lang="ja").stdout
    assert text.index("day1-s2 ") < text.index("day1-s12")
