"""Plain-text rendering of questions and answers, shared by ``take``, ``check`` and ``template``."""
from __future__ import annotations

import os
import sys
import re
import unicodedata
from typing import Any, TextIO

from grader.i18n import t
from grader.quiz.model import Question

_COLORS = {"green": "32", "red": "31", "yellow": "33", "bold": "1", "dim": "2", "cyan": "36"}


def use_color(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def style(text: str, color: str, stream: TextIO = sys.stdout) -> str:
    if not use_color(stream):
        return text
    return f"\033[{_COLORS[color]}m{text}\033[0m"


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# Never at the start of a line (禁則): they stay with what they close.
_NO_LINE_START = "。、，．）」』】〕！？!?,.):;：；ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
_UNIT = re.compile(r"`[^`]*`|[A-Za-z0-9_\-./<>=:'\"()\[\]{}#@$%^&*+|~]+|\s+|.", re.S)


def wrap(text: str, columns: int) -> list[str]:
    """``text`` in lines of at most ``columns`` terminal columns, broken only at spaces or
    between Japanese characters: never inside a word or a `command`, and never with 。 or
    、 (or a closing bracket) at the start of a line. A unit wider than a line keeps its line."""
    units: list[str] = []
    for match in _UNIT.finditer(text):
        unit = match.group(0)
        if units and unit[0] in _NO_LINE_START and not units[-1].isspace():
            units[-1] += unit
        else:
            units.append(unit)
    lines, line = [], ""
    for unit in units:
        if unit.isspace():
            if line and width(line) + 1 <= columns:
                line += " "
            continue
        if line and width(line.rstrip() + unit) > columns:
            lines.append(line.rstrip())
            line = ""
        line += unit
    if line.strip():
        lines.append(line.rstrip())
    return lines


def terminal_columns() -> int:
    """The terminal's width (``$COLUMNS`` first); without a terminal, no limit: a file or
    a pipe keeps every row on one line."""
    import shutil
    if not os.environ.get("COLUMNS") and not _isatty(sys.stdout):
        return 10 ** 6
    return max(40, shutil.get_terminal_size((80, 24)).columns)


def _isatty(stream: Any) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def type_label(question: Question, lang: str) -> str:
    return t(f"quiz.type.{question.type}", lang)


def answer_hint(question: Question, lang: str) -> str:
    fields: dict[str, Any] = {}
    if question.type == "expression":
        names = list(question.data["variables"]) + list(question.data.get("substitutions", {}))
        fields["variables"] = ", ".join(names)
    return t(f"quiz.hint.{question.type}", lang, **fields)


def choice_lines(question: Question, lang: str) -> list[str]:
    return [f"  {c.key}) {c.text[lang]}" for c in question.choices]


def model_answer(question: Question, lang: str) -> str:
    """The model answer as a student should read it."""
    if question.type == "single_choice":
        return _choice_text(question, question.answer, lang)
    if question.type == "multiple_choice":
        return " / ".join(_choice_text(question, key, lang) for key in question.answer)
    if question.type == "free_text":
        return question.text("answer", lang)
    if question.type == "numeric":
        value = question.answer
        if isinstance(value, str):  # an exact form such as 1/1024
            return value
        return str(int(value)) if float(value).is_integer() else str(value)
    return str(question.answer)


def _choice_text(question: Question, key: Any, lang: str) -> str:
    for choice in question.choices:
        if str(choice.key) == str(key):
            return f"{choice.key}) {choice.text[lang]}"
    return str(key)


def key_point_lines(question: Question, lang: str) -> list[str]:
    return [f"  ({i}) {point[lang]}" for i, point in enumerate(question.key_points, 1)]


def indent(text: str, prefix: str = "  ") -> str:
    return "\n".join(prefix + line if line else line for line in text.rstrip("\n").split("\n"))


def score_text(points: float) -> str:
    return str(int(points)) if float(points).is_integer() else f"{points:.2f}".rstrip("0")
