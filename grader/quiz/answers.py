"""The answers file of ``grader quiz check``: a YAML mapping from question id to answer.

Single choice: a key (``3`` or ``③``). Multiple choice: a list (``[3, 4]``) or ``"3, 4"``.
Numeric, expression, code: the value or text. Free text: the text, or
``{text: ..., points: [1, 3]}`` to record which key points the student covered.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.quiz.model import Problem, Question
from grader.quiz.yamlsource import FileTooLarge, YamlSyntaxError, duplicate_keys, parse, read_limited


@dataclass
class AnswersFile:
    answers: dict[str, Any]
    lines: dict[str, int | None]


class AnswersError(Exception):
    """The answers file cannot be graded at all (exit status 2)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("unusable answers file")
        self.problems = problems


def read_answers(path: Path, name: str, known: dict[str, Question]) -> AnswersFile:
    """The answers in ``path``; AnswersError with every reason when it is unusable."""
    try:
        text = read_limited(path)
    except FileTooLarge as exc:
        raise AnswersError([Problem(name, None, "", "quiz.problem.too_large", {"limit": exc.limit})]) from None
    except FileNotFoundError:
        raise AnswersError([Problem(name, None, "", "quiz.problem.not_found", {})]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersError([Problem(name, None, "", "quiz.problem.unreadable", {"detail": str(exc)})]) from None
    try:
        doc = parse(text)
    except YamlSyntaxError as exc:
        raise AnswersError([Problem(name, exc.line, "", "quiz.problem.yaml_syntax", {"detail": exc.detail})]) from None
    if doc.data is None:
        raise AnswersError([Problem(name, None, "", "quiz.answers.empty", {})])
    if not isinstance(doc.data, dict):
        raise AnswersError([Problem(name, doc.line_of(()), "", "quiz.answers.not_mapping", {})])
    problems = [Problem(name, d.line, str(d.key), "quiz.problem.duplicate_key", {"key": d.key})
                for d in duplicate_keys(doc) if not d.path]
    for key in doc.data:
        if str(key) not in known:
            problems.append(Problem(name, doc.line_of((key,), key=True), str(key),
                                    "quiz.answers.unknown_id", {"id": key}))
    if problems:
        raise AnswersError(problems)
    answers = {str(k): v for k, v in doc.data.items()}
    return AnswersFile(answers, {qid: doc.line_of((qid,), key=True) for qid in answers})
