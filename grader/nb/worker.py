"""Grades a notebook's submission folder for a kernel, in a process of its own.

    python -m grader.nb.worker SUBMISSION ORIGINS TOPIC [TOPIC ...]

prints one JSON object: ``{"results": [{"topic", "check", "passed", "points",
"max_points", "message": {"en": ..., "ja": ...}}]}``. Running here and not in the
kernel keeps the kernel from forking (its threads make that unsafe, and Python warns on
stderr, which nbgrader counts as a failed test) and keeps the reference implementation
out of the student's kernel.

The engine's messages are made to fit a notebook: ``_notebook.py:57`` becomes the cell
and line, nbgrader's ``raise NotImplementedError()`` stub becomes the blank it fills,
and a function the engine cannot find is "not defined in this notebook".
"""
from __future__ import annotations

import dataclasses
import json
import re
import sys
from pathlib import Path

from grader.judging.checks import Message

LANGS = ("ja", "en")
_LOCATION = re.compile(r"^(?P<file>[\w.]+):(?P<line>\d+)")
_LABEL = re.compile(r"#\s*\((?P<label>[^)\s])\)")


def grade_topics(submission: Path, origins: Path, topics: list[str]) -> list[dict]:
    from grader.grading import recorded
    from grader.nb.program import read_origins, relabel
    from grader.check.report import message_text

    program = read_origins(origins)
    lines = _program_lines(submission)
    results = []
    # A graded course's kernel package holds a check bundle instead of the reference.
    if recorded.available():
        grade = recorded.grade
    else:
        from grader.grading.engine import grade
    for result in grade(submission, topics):
        notebook_result = dataclasses.replace(
            result, messages=tuple(notebook_message(m, lines) for m in result.messages))
        results.append({
            "topic": result.topic, "check": result.check, "passed": result.passed,
            "points": float(result.points), "max_points": float(result.max_points),
            "message": {lang: relabel(message_text(notebook_result, lang), program) for lang in LANGS},
        })
    return results


def _program_lines(submission: Path) -> list[str]:
    from grader.nb.program import PROGRAM_FILE
    path = submission / PROGRAM_FILE
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []


def notebook_message(message: Message, program_lines: list[str]) -> Message:
    """The engine's message, said the way a notebook user needs it."""
    key, fields = message
    if key == "error.exception" and fields.get("type") == "NotImplementedError" and not fields.get("message"):
        return _stub_message(fields, program_lines)
    if key == "error.missing_function":
        return "notebook.missing", {"function": fields.get("function", "")}
    if key in ("error.import", "error.syntax"):
        return "notebook.import", {"type": fields.get("type", ""), "message": fields.get("message", ""),
                                   "where": fields.get("where", "")}
    return message


def _stub_message(fields: dict, program_lines: list[str]) -> Message:
    """nbgrader's stub raises a bare NotImplementedError: name the blank it stands in."""
    where = fields.get("where", "").split(" `")[0]
    found = _LOCATION.match(where)
    label = _blank_label(program_lines, int(found["line"])) if found else None
    if label:
        return "error.blank", {"function": fields.get("function", ""), "label": label, "where": where}
    return "notebook.stub", {"function": fields.get("function", ""), "where": where}


def _blank_label(lines: list[str], line: int) -> str | None:
    """The (あ) of the instruction comment just above the stub, within its function."""
    for text in reversed(lines[:line - 1]):
        stripped = text.strip()
        if stripped.startswith(("def ", "class ")):
            return None
        found = _LABEL.match(stripped)
        if found:
            return found["label"]
    return None


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    submission, origins, topics = Path(argv[0]), Path(argv[1]), argv[2:]
    print(json.dumps({"results": grade_topics(submission, origins, topics)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
