"""Grading a set of answers and summing the scores the contract defines."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from grader.quiz.checkers import Verdict, check_answer
from grader.quiz.model import Question, Section


@dataclass(frozen=True)
class Result:
    question: Question
    answer: Any
    verdict: Verdict

    def as_json(self, lang: str) -> dict[str, Any]:
        return {"id": self.question.id, "type": self.question.type, "passed": self.verdict.passed,
                "points": float(self.verdict.points), "max_points": float(self.verdict.max_points),
                "message": self.verdict.message(lang)}


@dataclass(frozen=True)
class Totals:
    score: float
    max_score: float
    self_points: float
    self_max: float
    all_right: bool


def grade(question: Question, answer: Any) -> Result:
    return Result(question, answer, check_answer(question, answer))


def grade_all(pairs: list[tuple[Question, Any]]) -> list[Result]:
    """Grade many answers, in order. Code answers each wait on a child process, so they
    run a few at a time; the others are quick and stay in this thread."""
    from concurrent.futures import ThreadPoolExecutor
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending = {i: pool.submit(grade, q, a) for i, (q, a) in enumerate(pairs) if q.type == "code"}
        results = [None if i in pending else grade(q, a) for i, (q, a) in enumerate(pairs)]
        return [pending[i].result() if r is None else r for i, r in enumerate(results)]


def totals(results: list[Result]) -> Totals:
    """Auto-graded and self-assessed points, kept apart: free text counts in neither score."""
    graded = [r for r in results if r.verdict.passed is not None]
    assessed = [r for r in results if r.verdict.passed is None]
    return Totals(
        score=sum(r.verdict.points for r in graded),
        max_score=sum(r.verdict.max_points for r in graded),
        self_points=sum(r.verdict.points for r in assessed),
        self_max=sum(r.verdict.max_points for r in assessed),
        all_right=all(r.verdict.passed for r in graded),
    )


def section_scores(results: list[Result], sections: list[Section]) -> dict[str, tuple[float, float]]:
    """Score per section touched by ``results``, out of the whole section's maximum, so a
    partly answered section never records a full best."""
    touched = {r.question.section_id for r in results}
    scores = {}
    for section in sections:
        if section.id in touched:
            score = sum(r.verdict.points for r in results
                        if r.question.section_id == section.id and r.verdict.passed is not None)
            scores[section.id] = (score, section.max_score)
    return scores
