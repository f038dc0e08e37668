"""One checker per question type: ``check_answer(question, answer) -> Verdict``.

Used by ``grader quiz take``/``check`` and by anything else that shows quizzes (the
notebook renderer), so a question is graded the same everywhere. Answers arrive as the
student wrote them (text, a number from YAML, a list) and are normalised here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

from grader.i18n import t
from grader.quiz.model import Question
from grader.quiz.normalize import (fold_key, normalize_code, normalize_math, nfkc,
                                   split_choice_keys)


@dataclass(frozen=True)
class Verdict:
    """The outcome for one answer.

    ``passed`` is None for a self-assessed free-text answer, whose ``points`` (key points
    the student ticked) count in neither score. ``key``/``fields`` name the message, so
    one verdict can be shown in either language (a field may be a ``{ja, en}`` pair).
    """

    passed: bool | None
    points: float
    max_points: float
    key: str = ""
    fields: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        if not self.key:
            return ""
        fields = {k: (v[lang] if _bilingual(v) else v) for k, v in self.fields.items()}
        return t(self.key, lang, **fields)


def _bilingual(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"ja", "en"}


def check_answer(question: Question, answer: Any) -> Verdict:
    """Grade ``answer`` (None or blank: not answered) for ``question``."""
    if _blank(answer) and question.type != "free_text":
        return _wrong(question, "quiz.verdict.unanswered")
    return _CHECKERS[question.type](question, answer)


def _blank(answer: Any) -> bool:
    if answer is None:
        return True
    if isinstance(answer, str):
        return not nfkc(answer)
    if isinstance(answer, (list, tuple, dict)):
        return len(answer) == 0
    return False


def _right(question: Question) -> Verdict:
    return Verdict(True, question.points, question.points)


def _wrong(question: Question, key: str, **fields: Any) -> Verdict:
    return Verdict(False, 0.0, question.points, key, fields)


# --- choices -------------------------------------------------------------------------

def _typed_keys(question: Question, answer: Any) -> list[str]:
    valid = {fold_key(c.key) for c in question.choices}
    if isinstance(answer, (list, tuple)):
        keys: list[str] = []
        for item in answer:
            keys.extend(split_choice_keys(str(item), valid))
        return keys
    return split_choice_keys(str(answer), valid)


def _unknown_keys(question: Question, keys: list[str]) -> list[str]:
    valid = {fold_key(c.key) for c in question.choices}
    return [k for k in keys if k not in valid]


def check_single_choice(question: Question, answer: Any) -> Verdict:
    keys = _typed_keys(question, answer)
    unknown = _unknown_keys(question, keys)
    if unknown:
        return _wrong(question, "quiz.verdict.not_a_choice", value=", ".join(unknown), keys=_key_list(question))
    if len(keys) != 1:
        return _wrong(question, "quiz.verdict.one_choice")
    if keys[0] == fold_key(question.answer):
        return _right(question)
    return _wrong(question, "quiz.verdict.wrong_choice")


def check_multiple_choice(question: Question, answer: Any) -> Verdict:
    keys = _typed_keys(question, answer)
    unknown = _unknown_keys(question, keys)
    if unknown:
        return _wrong(question, "quiz.verdict.not_a_choice", value=", ".join(unknown), keys=_key_list(question))
    chosen, expected = set(keys), {fold_key(k) for k in question.answer}
    if chosen == expected:
        return _right(question)
    if chosen < expected:
        return _wrong(question, "quiz.verdict.missing_choices", count=len(expected - chosen))
    return _wrong(question, "quiz.verdict.wrong_choices")


def _key_list(question: Question) -> str:
    return ", ".join(c.key for c in question.choices)


# --- numbers -------------------------------------------------------------------------

def parse_number(answer: Any) -> float | None:
    """A number from ``0.25``, ``"０．２５"``, ``"1/4"``, ``"25%"`` or ``"1,000"``; else None."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, (int, float)):
        return float(answer)
    text = normalize_math(str(answer)).replace(" ", "")
    percent = text.endswith("%")
    text = text.removesuffix("%")
    if "," in text and "." not in text and all(len(g) == 3 for g in text.lstrip("+-").split(",")[1:]):
        text = text.replace(",", "")  # thousands separators, not a decimal comma
    try:
        value = float(Fraction(text))
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    return value / 100 if percent else value


def check_numeric(question: Question, answer: Any) -> Verdict:
    value = parse_number(answer)
    if value is None or not math.isfinite(value):
        return _wrong(question, "quiz.verdict.not_a_number", value=str(answer))
    expected = float(question.answer)
    tolerance = question.data.get("tolerance")
    tolerance = 1e-9 * max(1.0, abs(expected)) if tolerance is None else float(tolerance)
    if abs(value - expected) <= tolerance:
        return _right(question)
    return _wrong(question, "quiz.verdict.wrong_number")


# --- expressions ---------------------------------------------------------------------

def check_expression(question: Question, answer: Any) -> Verdict:
    from grader.quiz.expression import ExpressionError, equivalent, parse_student_expression
    variables = list(question.data["variables"])
    substitutions = dict(question.data.get("substitutions", {}))
    model = parse_student_expression(str(question.answer), variables, substitutions)
    try:
        typed = parse_student_expression(str(answer), variables, substitutions)
    except ExpressionError as exc:
        return _wrong(question, "quiz.verdict.bad_expression", detail={lang: exc.describe(lang) for lang in ("ja", "en")})
    if equivalent(typed, model):
        return _right(question)
    return _wrong(question, "quiz.verdict.wrong_expression")


# --- code ----------------------------------------------------------------------------

def check_code(question: Question, answer: Any) -> Verdict:
    from grader.quiz.sandbox import run_code_answer
    data = question.data
    report = run_code_answer(data["setup"], str(question.answer), normalize_code(str(answer)),
                             compare=data.get("compare"), seeds=data.get("seeds"),
                             timeout=data.get("timeout"))
    if report.status == "timeout":
        from grader.quiz.sandbox import DEFAULT_TIMEOUT
        return _wrong(question, "quiz.code.timeout", seconds=data.get("timeout", DEFAULT_TIMEOUT))
    if report.status != "ok" or report.model is None:
        return _wrong(question, "quiz.code.crashed", code=report.exit_code)
    if not report.model.get("ok"):
        return _wrong(question, "quiz.code.model_failed", detail=_error_text(report.model.get("error", {})))
    return _compare_runs(question, report.model, report.student or {})


def _compare_runs(question: Question, model: dict, student: dict) -> Verdict:
    from grader.quiz.comparison import compare
    if not student.get("ok"):
        return _student_error(question, student.get("error") or {})
    rtol = float(question.data.get("rtol", 1e-6))
    atol = float(question.data.get("atol", 1e-8))
    expected, actual = model["values"], student["values"]
    for e, a in zip(expected, actual):
        mismatch = compare(e, a, rtol=rtol, atol=atol)
        if mismatch:
            where = mismatch.where or {lang: t("quiz.code.result", lang) for lang in ("ja", "en")}
            return _wrong(question, mismatch.key, where=where, **mismatch.fields)
    return _right(question)


def _student_error(question: Question, error: dict) -> Verdict:
    kind = error.get("kind")
    if kind == "syntax":
        return _wrong(question, "quiz.code.syntax", line=error.get("line") or 1, detail=error.get("message", ""))
    if kind == "undefined":
        return _wrong(question, "quiz.code.undefined", names=error.get("message", ""))
    if kind == "need_expression":
        return _wrong(question, "quiz.code.need_expression")
    if kind == "unsupported":
        return _wrong(question, "quiz.code.unsupported", type=error.get("type", "?"))
    if kind == "exit":
        return _wrong(question, "quiz.code.exit")
    if kind == "memory":
        return _wrong(question, "quiz.code.memory")
    if error.get("type") == "NameError" and error.get("names"):
        return _wrong(question, "quiz.code.name_error", detail=_error_text(error),
                      names=", ".join(error["names"]))
    return _wrong(question, "quiz.code.raised", detail=_error_text(error))


def _error_text(error: dict) -> str:
    text = f"{error.get('type', 'Error')}: {error.get('message', '')}".rstrip(": ")
    if error.get("line"):
        text += f" (line {error['line']})"
    return text


# --- free text -----------------------------------------------------------------------

def claimed_points(question: Question, answer: Any) -> list[int]:
    """The 1-based key points the student says they covered (``{text, points}`` form)."""
    if not isinstance(answer, dict):
        return []
    raw = answer.get("points") or []
    raw = raw if isinstance(raw, list) else [raw]
    count = len(question.key_points)
    numbers = []
    for item in raw:
        try:
            n = int(nfkc(str(item)))
        except ValueError:
            continue
        if 1 <= n <= count and n not in numbers:
            numbers.append(n)
    return sorted(numbers)


def free_text_of(answer: Any) -> str:
    if isinstance(answer, dict):
        return str(answer.get("text") or "")
    return "" if answer is None else str(answer)


def check_free_text(question: Question, answer: Any) -> Verdict:
    total = len(question.key_points)
    claimed = claimed_points(question, answer)
    if not nfkc(free_text_of(answer)) and not claimed:
        return Verdict(None, 0.0, float(total), "quiz.verdict.free_text_unanswered",
                       {"answer": dict(question.answer)})
    return Verdict(None, float(len(claimed)), float(total), "quiz.verdict.free_text",
                   {"claimed": len(claimed), "total": total,
                    "answer": dict(question.answer)})


_CHECKERS: dict[str, Callable[[Question, Any], Verdict]] = {
    "single_choice": check_single_choice,
    "multiple_choice": check_multiple_choice,
    "numeric": check_numeric,
    "expression": check_expression,
    "code": check_code,
    "free_text": check_free_text,
}
