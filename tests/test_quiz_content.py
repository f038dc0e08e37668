"""The shipped quizzes: every model answer passes its own checker, every listed wrong answer
fails, every section has enough questions, and the seed's 確認テスト are all listed."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from grader.quiz.checkers import check_answer
from grader.quiz.loader import quiz_files, validate_files
from grader.quiz.model import QUESTION_TYPES
from quiz_support import QUIZ_DIR, assert_no_traceback, run_quiz, shipped_sections

SECTIONS = shipped_sections()
QUESTIONS = [q for s in SECTIONS for q in s.questions]
CASES = ([(q, q.answer, True) for q in QUESTIONS if q.auto_graded]
         + [(q, wrong, False) for q in QUESTIONS for wrong in q.wrong_answers])


@pytest.fixture(scope="module")
def verdicts():
    # Code answers each start a child process; run them side by side once for all tests.
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(lambda case: check_answer(case[0], case[1]), CASES))
    return {(q.id, repr(answer)): v for (q, answer, _), v in zip(CASES, found)}


@pytest.mark.parametrize("question,answer,right", CASES,
                         ids=[f"{q.id}-{'model' if right else 'wrong'}-{i}" for i, (q, _, right) in enumerate(CASES)])
def test_model_answer_passes_and_wrong_answers_fail(verdicts, question, answer, right):
    verdict = verdicts[(question.id, repr(answer))]
    if right:
        assert verdict.passed is True, verdict.message("en")
    else:
        assert verdict.passed is False, f"wrong answer {answer!r} was accepted"
        assert verdict.message("en") and verdict.message("ja")


def test_every_auto_graded_question_has_a_wrong_answer():
    missing = [q.id for q in QUESTIONS if q.auto_graded and not q.wrong_answers]
    assert not missing


def test_free_text_model_answer_is_self_assessed():
    for q in QUESTIONS:
        if q.type == "free_text":
            verdict = check_answer(q, {"text": q.answer["ja"], "points": list(range(1, len(q.key_points) + 1))})
            assert verdict.passed is None
            assert verdict.points == verdict.max_points == len(q.key_points)


def test_there_is_one_file_per_section_with_at_least_three_questions():
    expected = ([f"day1-s{i}" for i in (0, 1, 2, 3, 4, 5, 12, 14, 16)]
                + ["day2-s1", "day2-s1-init", "day2-s1-bn", "day2-s1-challenge"]
                + [f"day2-s{i}" for i in range(2, 6)])
    assert [s.id for s in SECTIONS] == expected  # the course's order, parts as the course teaches them
    assert sorted(p.stem for p in quiz_files(QUIZ_DIR)) == sorted(expected)
    for section in SECTIONS:
        assert len(section.questions) >= 3, section.id


# Issue 11: Day 2 §3-§5 and Day 1 §12, §14, §16 (§13 and §15 are folded into day2-s3/-s4).
LATER_SECTIONS = ["day2-s3", "day2-s4", "day2-s5", "day1-s12", "day1-s14", "day1-s16"]


@pytest.mark.parametrize("section_id", LATER_SECTIONS)
def test_later_sections_have_five_questions_of_mixed_types(section_id):
    section = next(s for s in SECTIONS if s.id == section_id)
    types = {q.type for q in section.questions}
    assert len(section.questions) >= 5
    assert {"numeric", "code", "expression"} <= types, types
    assert types & {"single_choice", "multiple_choice"}, types


def test_the_course_tests_of_day2_s3_and_s4_are_there():
    by_id = {q.id: q for q in QUESTIONS}
    expected = {"d2-overfit-q1": ("day2-s3", "確認テスト 17"), "d2-overfit-q2": ("day2-s3", "ridge"),
                "d2-overfit-q3": ("day2-s3", "lasso"), "d2-cnn-q1": ("day2-s4", "確認テスト 18")}
    for qid, (section_id, named) in expected.items():
        assert by_id[qid].section_id == section_id
        assert by_id[qid].data["source"].startswith("course:") and named in by_id[qid].data["source"]
    assert by_id["d2-cnn-q1"].answer == 7  # 6×6, 2×2 filter, stride 1, pad 1 → 7×7
    # The course's 例題チャレンジ: the blank sits inside grad += rate * (…) (issue 25).
    assert by_id["d2-overfit-q2"].answer == "param"
    assert by_id["d2-overfit-q3"].answer == "np.sign(param)"
    assert by_id["d2-overfit-q2"].data["blank_line"] == by_id["d2-overfit-q3"].data["blank_line"] == "grad += rate * ({})"


def test_every_question_type_is_used():
    assert {q.type for q in QUESTIONS} == set(QUESTION_TYPES)


def test_texts_are_bilingual_and_japanese_is_japanese():
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    for q in QUESTIONS:
        for name in ("prompt", "explanation"):
            ja, en = q.data[name]["ja"], q.data[name]["en"]
            assert japanese.search(ja), (q.id, name)
            assert ja != en and re.search(r"[A-Za-z]{3}", en), (q.id, name)


def test_seed_tests_are_listed_in_the_readme():
    readme = (QUIZ_DIR / "README.md").read_text(encoding="utf-8")
    from_seed = [q.id for q in QUESTIONS if q.data.get("source", "").startswith(("seed:", "course:"))]
    assert len(from_seed) >= 29
    for qid in from_seed:
        assert qid in readme, qid


def test_shipped_files_validate_deeply():
    _, problems = validate_files(quiz_files(QUIZ_DIR), deep=True)
    assert [p.format("en") for p in problems] == []


def test_validate_command_accepts_the_shipped_files(tmp_path):
    result = run_quiz("validate", "--lang", "en", data_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "17 quiz file(s) valid" in result.stdout
    assert_no_traceback(result)


def test_every_message_key_the_quiz_code_names_is_in_the_catalogue():
    from pathlib import Path

    from grader.i18n import catalogue
    source = "\n".join(p.read_text(encoding="utf-8") for p in (Path(__file__).parents[1] / "grader" / "quiz").glob("*.py"))
    named = set(re.findall(r'"(quiz\.[a-z_]+\.[a-z_]+|quiz\.[a-z_]+)"', source))
    named |= {f"quiz.type.{kind}" for kind in QUESTION_TYPES} | {f"quiz.hint.{kind}" for kind in QUESTION_TYPES}
    named |= {f"quiz.help.{cmd}" for cmd in ("list", "take", "template", "check", "validate", "reset")}
    assert len(named) > 80
    assert named <= set(catalogue()), sorted(named - set(catalogue()))
