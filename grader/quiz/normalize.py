"""NFKC helpers for free text and code lines.

The rules for numbers, formulas and choices live in grader.quiz.reading (the one
normaliser), grader.quiz.choices and grader.quiz.code_answers.
"""
from __future__ import annotations

import unicodedata


def nfkc(text: str) -> str:
    """``text`` in NFKC with surrounding whitespace removed."""
    return unicodedata.normalize("NFKC", text).strip()
