"""One checker per question type: ``check_answer(question, answer) -> Verdict``.

Used by ``grader quiz take``/``check`` and by anything else that shows quizzes (the
notebook renderer), so a question is graded the same everywhere. Answers arrive as the
student wrote them (text, a number from YAML, a list) and are normalised here.
"""
from __future__ import annotations

import dataclasses

from dataclasses import dataclass, field
from typing import Any, Callable

from grader.i18n import t
from grader.quiz.model import Question
from grader.quiz.choices import fold_key
from grader.quiz.normalize import nfkc
from grader.quiz.reading import Rules


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
    readable: bool = True  # False: the answer could not be read at all (take asks again)

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


def _unreadable(question: Question, key: str, **fields: Any) -> Verdict:
    return Verdict(False, 0.0, question.points, key, fields, readable=False)


# --- choices -------------------------------------------------------------------------

def _read_keys(question: Question, answer: Any) -> tuple[list[str], Verdict | None]:
    from grader.quiz.choices import read_choices
    reading = read_choices(question, answer)
    if not reading.keys and not reading.unknown:  # only separators, e.g. "、"
        return [], _unreadable(question, "quiz.verdict.not_a_choice", value=_typed(str(answer)).strip(),
                               keys=_key_list(question))
    if reading.unknown:  # each piece as typed, joined as each language writes a list
        return [], _unreadable(question, "quiz.verdict.not_a_choice",
                               value={"ja": "、".join(reading.unknown), "en": ", ".join(reading.unknown)},
                               keys=_key_list(question))
    return reading.keys, None


def check_single_choice(question: Question, answer: Any) -> Verdict:
    keys, problem = _read_keys(question, answer)
    if problem:
        return problem
    if len(set(keys)) != 1:
        return _unreadable(question, "quiz.verdict.one_choice")
    if keys[0] == fold_key(question.answer):
        return _right(question)
    return _wrong(question, "quiz.verdict.wrong_choice")


def check_multiple_choice(question: Question, answer: Any) -> Verdict:
    keys, problem = _read_keys(question, answer)
    if problem:
        return problem
    chosen, expected = set(keys), {fold_key(k) for k in question.answer}
    if chosen == expected:
        return _right(question)
    if chosen < expected:
        return _wrong(question, "quiz.verdict.missing_choices", count=len(expected - chosen))
    return _wrong(question, "quiz.verdict.wrong_choices")


def _key_list(question: Question) -> str:
    return ", ".join(c.key for c in question.choices)


# --- numbers -------------------------------------------------------------------------

def parse_number(answer: Any, rules: Rules | None = None) -> float | None:
    """A number from ``0.25``, ``"０．２５"``, ``"1/4"`` or ``"0.25^5"``; else None."""
    from grader.quiz.mathparse import ExpressionError
    from grader.quiz.numbers import read_numbers
    try:
        return _as_float(read_numbers(answer, rules or Rules())[-1])
    except ExpressionError:
        return None


def _as_float(value: Any) -> float:
    """The float nearest the value. A fraction is divided as Python's integers divide
    (correctly rounded): sympy's float() of a Rational loses the last bit below 2.2e-308."""
    if getattr(value, "is_Rational", False):
        return int(value.p) / int(value.q)
    return float(value)


def check_numeric(question: Question, answer: Any) -> Verdict:
    from grader.quiz.mathparse import ExpressionError
    from grader.quiz.numbers import NumberRule, expected_value, read_numbers, shown, square_side
    rules = Rules.of(question.data, question.prompt)
    try:
        expected = expected_value(question.answer, Rules.of(question.data))
    except ExpressionError as exc:  # loading for students does not read it (loader.validate_files)
        return _wrong(question, "quiz.verdict.model_unreadable", detail=_bilingual_detail(exc))
    if expected.is_Integer and question.data.get("counters", True):
        rules = dataclasses.replace(rules, counters=True)
    side = square_side(answer) if question.data.get("one_side") else None
    try:
        values = [side] if side is not None else read_numbers(answer, rules)  # "7×7": the side asked
    except ExpressionError as exc:
        return _unreadable(question, "quiz.verdict.not_a_number", value=_typed(answer),
                           detail=_bilingual_detail(exc))
    rule = NumberRule.of(question.data)
    if all(rule.agrees(value, expected) for value in values):
        return _right(question)
    read_as = shown(values[-1]) if values else ""
    if read_as and _typed(answer).strip() != read_as:  # not a plain number: say how it was read
        return _wrong(question, "quiz.verdict.wrong_number_read_as", typed=_typed(answer).strip(), value=read_as)
    return _wrong(question, "quiz.verdict.wrong_number")


def _typed(answer: Any) -> str:
    text = answer if isinstance(answer, str) else repr(answer)
    return text if len(text) <= 80 else text[:77] + "…"


def _bilingual_detail(exc: Any) -> dict[str, str]:
    return {lang: exc.describe(lang) for lang in ("ja", "en")}


# --- expressions ---------------------------------------------------------------------

def check_expression(question: Question, answer: Any) -> Verdict:
    """Read and compare in a child bounded in time and memory (grader/quiz/bounded.py):
    sympy on untrusted text can take unbounded time (``exp(exp(exp(exp(exp(y)))))``)."""
    from grader.quiz import bounded
    try:
        outcome = bounded.call(judge_expression, str(question.answer), str(answer),
                               {**question.data, "prompt": question.prompt},
                               seconds=bounded.WALL_SECONDS, cpu_seconds=bounded.CPU_SECONDS)
    except bounded.OutOfBounds:
        return _wrong(question, "quiz.verdict.expression_too_hard", seconds=f"{bounded.CPU_SECONDS:g}")
    if outcome["verdict"] == "model_unreadable":
        return _wrong(question, "quiz.verdict.model_unreadable", detail=outcome["detail"])
    if outcome["verdict"] == "unreadable":
        return _unreadable(question, "quiz.verdict.bad_expression", typed=_typed(str(answer)),
                           detail=outcome["detail"])
    if outcome["verdict"] == "right":
        return _right(question)
    if outcome.get("read_as"):  # the formula as the grader read it: a misread shows itself
        return _wrong(question, "quiz.verdict.wrong_expression_read_as", form=outcome["read_as"])
    return _wrong(question, "quiz.verdict.wrong_expression")


def judge_expression(model_text: str, typed: str, data: dict) -> dict:
    """``{"verdict": "right" | "wrong" | "unreadable" | "model_unreadable", "detail": {ja, en}}``
    (plain data: it may come back from the bounded child)."""
    from grader.quiz.expression import ExpressionError, equivalent, read_expression
    rules = Rules.of(data, data.get("prompt"))
    try:
        model = read_expression(model_text, Rules.of(data))[-1]
    except ExpressionError as exc:  # loading for students does not read it (loader.validate_files)
        return {"verdict": "model_unreadable", "detail": _bilingual_detail(exc)}
    try:
        forms = read_expression(typed, rules)
    except ExpressionError as exc:
        return {"verdict": "unreadable", "detail": _bilingual_detail(exc)}
    if all(equivalent(form, model) for form in forms):
        return {"verdict": "right"}
    wrong = next(form for form in forms if not equivalent(form, model))
    shown = str(wrong).replace("**", "^")
    return {"verdict": "wrong", "read_as": shown if len(shown) <= 120 else ""}


# --- code ----------------------------------------------------------------------------

def check_code(question: Question, answer: Any) -> Verdict:
    from grader.quiz.code_answers import MAX_CODE_LENGTH, fill_blank_line, prepare_code
    from grader.quiz.sandbox import DEFAULT_TIMEOUT, run_code_answer
    data = question.data
    text = str(answer)
    if len(text) > MAX_CODE_LENGTH:
        return _unreadable(question, "quiz.code.too_long", limit=MAX_CODE_LENGTH)
    compare, model = data.get("compare"), str(question.answer)
    student = prepare_code(text, expression=compare is None)
    if data.get("blank_line"):  # graded as the whole line of the course's code
        model, compare = fill_blank_line(model, data["blank_line"])
        student, _ = fill_blank_line(student, data["blank_line"])
    report = run_code_answer(data["setup"], model, student,
                             compare=compare, seeds=data.get("seeds"),
                             timeout=data.get("timeout"), bare_functions=data.get("bare_functions", []))
    if report.status == "timeout":
        return _wrong(question, "quiz.code.timeout", seconds=f"{data.get('timeout', DEFAULT_TIMEOUT):g}")
    if report.status != "ok" or report.model is None:
        return _wrong(question, "quiz.code.crashed", code=report.exit_code)
    if not report.model.get("ok"):
        return _wrong(question, "quiz.code.model_failed", detail=_error_text(report.model.get("error", {})))
    return _compare_runs(question, report.model, report.student or {})


def _compare_runs(question: Question, model: dict, student: dict) -> Verdict:
    from grader.quiz.code_answers import compare_runs
    if not student.get("ok"):
        return _student_error(question, student.get("error") or {})
    mismatch = compare_runs(model["values"], student["values"], question.data)
    if mismatch:
        where = mismatch.where or {lang: t("quiz.code.result", lang) for lang in ("ja", "en")}
        return _wrong(question, mismatch.key, where=where, **mismatch.fields)
    return _right(question)


def _student_error(question: Question, error: dict) -> Verdict:
    kind = error.get("kind")
    if kind == "syntax":
        return _unreadable(question, "quiz.code.syntax", line=error.get("line") or 1, detail=error.get("message", ""))
    if kind == "undefined":
        return _wrong(question, "quiz.code.undefined", names=error.get("message", ""))
    if kind == "need_expression":
        return _unreadable(question, "quiz.code.need_expression")
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
    if not nfkc(free_text_of(answer)):
        # Nothing written: there is nothing to compare with the key points.
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
