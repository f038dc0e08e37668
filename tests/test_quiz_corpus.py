"""The realistic-answer corpus (tests/quiz_corpus/answers.yaml): answers as Japanese students
write them, each with its expected verdict, over every auto-graded question. One test runs
them all and reports the agreement; the goal is 100 %."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from grader.quiz.checkers import check_answer
from grader.quiz.loader import load_sections
from quiz_support import QUIZ_DIR

CORPUS = Path(__file__).parent / "quiz_corpus" / "answers.yaml"
QUESTIONS = {q.id: q for s in load_sections(QUIZ_DIR) for q in s.questions}


def corpus_cases() -> list[tuple[str, str, bool, str]]:
    """(question id, answer, expected verdict, why) for every corpus entry."""
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    cases = []
    for qid, entry in data.items():
        cases += [(qid, a, True, "") for a in entry.get("right", [])]
        cases += [(qid, a, False, "") for a in entry.get("wrong", [])]
        cases += [(qid, r["answer"], False, r["why"]) for r in entry.get("refused", [])]
    return cases


CASES = corpus_cases()


# Sections written after the corpus (Day 1 §12–16, Day 2 §3–§5): their questions are checked
# by their own model and wrong answers (tests/test_quiz_content.py); the realistic corpus does
# not cover them yet — an open gap, not a pass.
NOT_IN_CORPUS_YET = {"day1-s12", "day1-s14", "day1-s16", "day2-s3", "day2-s4", "day2-s5"}


def test_corpus_covers_every_auto_graded_question():
    covered = {qid for qid, *_ in CASES}
    assert covered <= set(QUESTIONS), sorted(covered - set(QUESTIONS))
    auto = {qid for qid, q in QUESTIONS.items() if q.auto_graded and q.section_id not in NOT_IN_CORPUS_YET}
    assert auto <= covered, sorted(auto - covered)
    assert len(CASES) >= 300
    for qid in auto:
        verdicts = [right for q, _, right, _ in CASES if q == qid]
        assert verdicts.count(True) >= 2 and verdicts.count(False) >= 2, qid


def test_corpus_agreement_is_complete():
    def verdict(case):
        qid, answer, _, _ = case
        return check_answer(QUESTIONS[qid], answer)

    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(verdict, CASES))
    disagreements = [f"{qid}: {answer!r} expected {'right' if right else 'not right'}, "
                     f"got {v.passed} ({v.message('en')})"
                     for (qid, answer, right, _), v in zip(CASES, found) if (v.passed is True) != right]
    agreement = 1 - len(disagreements) / len(CASES)
    assert not disagreements, (f"agreement {agreement:.1%} on {len(CASES)} answers; "
                               f"{len(disagreements)} disagree:\n" + "\n".join(disagreements))
