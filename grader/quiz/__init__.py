"""The course's confirmation tests (確認テスト): quiz files, their checkers and ``grader quiz``.

Other parts of the project (e.g. the notebook renderer) should use these names:
``load_sections``, ``load_file``, ``find_question``, ``check_answer`` and ``Verdict``.
They are imported on first use, so ``grader quiz list`` does not pay for sympy.
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Verdict": "grader.quiz.checkers", "check_answer": "grader.quiz.checkers",
    "QuizLoadError": "grader.quiz.loader", "find_question": "grader.quiz.loader",
    "load_file": "grader.quiz.loader", "load_sections": "grader.quiz.loader",
    "Problem": "grader.quiz.model", "Question": "grader.quiz.model", "Section": "grader.quiz.model",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'grader.quiz' has no attribute {name!r}")
