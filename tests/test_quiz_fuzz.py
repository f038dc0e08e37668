"""Property tests with a fixed budget: whatever an answers file or a quiz file contains,
reading and grading it ends in a result or a listed problem, never an exception."""
from __future__ import annotations

import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.quiz.answers import AnswersError, read_answers
from grader.quiz.checkers import check_answer
from grader.quiz.loader import validate_files
from quiz_support import FIXTURES, shipped_sections

SECTIONS = shipped_sections()
# Code answers each start a process; the fuzz budget goes to the readers instead.
QUESTIONS = {q.id: q for s in SECTIONS for q in s.questions if q.type != "code"}
TYPED = string.printable + "０１２３４５６７８９．／－＋×÷・、。①②③④²³⁻√σπ約個％ーｱｲｳ（）＝"
VALID_QUIZ = (FIXTURES / "valid" / "day9-s1.yaml").read_text(encoding="utf-8")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(TYPED, max_size=40))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(TYPED, max_size=8), inner, max_size=4)),
                      max_leaves=12)
yaml_noise = st.sampled_from(["&a ", "*a ", "[", "]", "{", "}", ": ", "- ", "\n", "  ", "!!python/object ",
                              "'", '"', "#", "9" * 400, "1e999999999", "<<: *a", "? "])


@SETTINGS
@given(st.dictionaries(st.sampled_from(sorted(QUESTIONS)), values, max_size=6),
       st.lists(st.tuples(st.integers(0, 400), yaml_noise), max_size=4))
def test_any_answers_file_is_graded_or_refused(tmp_path, answers, noise):
    text = yaml.safe_dump(answers, allow_unicode=True)
    for position, piece in noise:
        text = text[:position] + piece + text[position:]
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        parsed = read_answers(path, "answers.yaml", QUESTIONS)
    except AnswersError as exc:
        assert exc.problems and all(p.format("en") and p.format("ja") for p in exc.problems)
        return
    for qid, answer in parsed.answers.items():
        verdict = check_answer(QUESTIONS[qid], answer)
        assert verdict.passed in (True, False, None)
        assert verdict.passed is True or verdict.message("en")


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, len(VALID_QUIZ)), st.one_of(yaml_noise, st.text(TYPED, max_size=10))),
                min_size=1, max_size=5))
def test_any_quiz_file_is_loaded_or_its_problems_listed(tmp_path, edits):
    text = VALID_QUIZ
    for position, piece in edits:
        text = text[:position] + piece + text[position:]
    path = tmp_path / "day9-s1.yaml"
    path.write_text(text, encoding="utf-8")
    sections, problems = validate_files([path], deep=True)
    assert sections or problems
    for problem in problems:
        assert problem.format("en") and problem.format("ja")
