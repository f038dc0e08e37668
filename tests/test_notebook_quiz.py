"""`show_quiz(SECTION, answers)` renders a confirmation test and grades it like `grader quiz check`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import run_grader
from grader.nb.quiz import show_quiz
from grader.quiz.loader import load_sections

SECTION = "day1-s3"


def questions() -> list:
    return next(s for s in load_sections() if s.id == SECTION).questions


def answers_with_mistakes() -> dict:
    """The model answers, except a wrong choice, a wrong code answer and a self-assessed text."""
    answers = {}
    for q in questions():
        if q.type == "single_choice":
            answers[q.id] = next(c.key for c in q.choices if c.key != str(q.answer))
        elif q.type == "free_text":
            answers[q.id] = {"text": "二乗すると符号が消えるから", "points": [1]}
        else:
            answers[q.id] = q.answer
    first_code = next(q for q in questions() if q.type == "code")
    answers[first_code.id] = "np.log(x)"
    return answers


def test_the_questions_are_shown_in_both_languages_with_how_to_answer() -> None:
    view = show_quiz(SECTION)
    html = view.html()
    for q in questions():
        assert f'data-question="{q.id}"' in html
        assert q.prompt["ja"].splitlines()[0][:20] in html.replace("<br>", "\n")
        assert q.prompt["en"].splitlines()[0][:20].replace("'", "&#x27;") in html.replace("<br>", "\n")
    assert f'show_quiz(&quot;{SECTION}&quot;' in html
    assert "grader-pass" not in html and "grader-fail" not in html  # nothing graded yet


def test_typed_answers_get_the_same_verdicts_as_grader_quiz_check(tmp_path: Path) -> None:
    answers = answers_with_mistakes()
    view = show_quiz(SECTION, answers)
    shown = {r.question.id: (r.verdict.passed, r.verdict.points) for r in view.results}

    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    done = run_grader("quiz", "check", str(path), "--json", env={"GRADER_DATA_DIR": str(tmp_path / "data")})
    assert done.returncode in (0, 1), done.stderr
    cli = {r["id"]: (r["passed"], r["points"]) for r in json.loads(done.stdout)["results"]}

    assert shown == cli
    assert sorted(passed for passed, _ in shown.values() if passed is not None).count(False) == 2
    html = view.html()
    assert "grader-fail" in html and "grader-pass" in html and "grader-self" in html
    assert "模範解答:" in html and "Model answer:" in html  # shown once a question was tried


def test_an_unknown_section_names_the_sections_there_are() -> None:
    with pytest.raises(ValueError, match=SECTION):
        show_quiz("day9-s9")
