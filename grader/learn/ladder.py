"""A topic's hint ladders: which level comes next, and how a ladder looks.

The ladder of a blank is written once at the blank in ``solutions/`` (``### hint N ja/en``);
the CLI prints it as text, notebooks show it as HTML — :func:`level_html` is the one
HTML form, used by the generated notebooks and by ``hint()`` in a kernel alike.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from grader.authoring.blanks import BlankRegion, not_filled_message
from grader.learn.progress import TopicProgress
from grader.learn.topics import blank_key


@dataclass(frozen=True)
class Step:
    """One level of one blank's ladder."""

    blank: BlankRegion
    level: int  # 1-based

    @property
    def levels(self) -> int:
        return len(self.blank.hints)

    def text(self, lang: str) -> str:
        ja, en = self.blank.hints[self.level - 1]
        return ja if lang == "ja" else en


def unfilled(blanks: list[BlankRegion], submission: Path | None) -> list[BlankRegion]:
    """The blanks still left as the generated ``raise NotImplementedError(...)`` in the
    student's files (none when there is no such folder to look at)."""
    if submission is None:
        return []
    texts: dict[str, str] = {}
    for region in blanks:
        if region.module not in texts:
            try:
                texts[region.module] = (submission / f"{region.module}.py").read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                texts[region.module] = ""
    return [r for r in blanks if not_filled_message(r.label, r.qualname) in texts[r.module]]


@dataclass(frozen=True)
class Focus:
    """What the ladder follows: the first failing check and the function behind it."""

    check: str  # the first failing check's name
    function: str  # the qualname whose blanks come first
    label: str | None = None  # the blank the error's line lies in, when the check raised


def focus_of(results: Sequence[Any], blanks: list[BlankRegion], submission: Path | None) -> Focus | None:
    """The first failing check of ``results`` (the grader's Result rows of one topic) and the
    function behind it: the one its messages name (a failure's ``what`` or the function that
    raised), else the topic's only function. None when every check passed or none is named."""
    failing = next((r for r in results if not r.passed), None)
    if failing is None or not blanks:
        return None
    functions = list(dict.fromkeys(b.qualname for b in blanks))
    function = _named_function(failing.messages, functions)
    if function is None:
        roots = {f.split(".")[0] for f in functions}
        if len(roots) != 1:
            return None
        function = functions[0]
    return Focus(failing.check, function, _blank_at_error(failing.messages, blanks, function, submission))


def _named_function(messages: Sequence[tuple[str, dict]], functions: list[str]) -> str | None:
    for _, fields in messages:
        for name in ("function", "what"):
            token = re.split(r"[\s\[(→:]", str(fields.get(name) or ""), maxsplit=1)[0]
            if not token:
                continue
            if token in functions:
                return token
            same_class = [f for f in functions if f.split(".")[0] == token.split(".")[0]]
            if same_class:
                method = [f for f in same_class if token.endswith(f.split(".")[-1])]
                return (method or same_class)[0]
    return None


def _blank_at_error(messages: Sequence[tuple[str, dict]], blanks: list[BlankRegion], function: str,
                    submission: Path | None) -> str | None:
    """The blank whose ``# (label)`` comment is the nearest above the line that raised."""
    where = next((str(f["where"]) for _, f in messages if f.get("where")), "")
    match = re.match(r"(\w+)\.py:(\d+)", where)
    if submission is None or not match:
        return None
    try:
        lines = (submission / f"{match.group(1)}.py").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    labels = {b.label for b in blanks if b.qualname == function and b.module == match.group(1)}
    for line in reversed(lines[:int(match.group(2))]):
        found = re.match(r"\s*# \((\w+)\) ", line)
        if found and found.group(1) in labels:
            return found.group(1)
        if re.match(r"\s*(def|class) ", line):
            return None
    return None


def _led_by(focus: Focus | None, blanks: list[BlankRegion], first: list[BlankRegion]) -> list[BlankRegion]:
    """The focused function's blanks, in the order the ladder takes them: the blank the error
    lies in, its unfilled blanks, then the rest of it."""
    if focus is None:
        return []
    own = [b for b in blanks if b.qualname == focus.function]
    return [*(b for b in own if b.label == focus.label), *(b for b in own if b in first), *own]


def next_step(blanks: list[BlankRegion], entry: TopicProgress, submission: Path | None,
              focus: Focus | None = None) -> Step | None:
    """The next unseen level of the first unfinished blank: the blanks of the function behind
    the first failing check first (``focus``), then blanks still unfilled in the student's
    files, then the others in order. None when all were seen."""
    first = unfilled(blanks, submission)
    ordered: list[BlankRegion] = []
    for region in [*_led_by(focus, blanks, first), *first, *blanks]:
        if region not in ordered:
            ordered.append(region)
    for region in ordered:
        seen = entry.seen(blank_key(region))
        for level in range(1, len(region.hints) + 1):
            if level not in seen:
                return Step(region, level)
    return None


def current_blank(blanks: list[BlankRegion], entry: TopicProgress, submission: Path | None,
                  focus: Focus | None = None) -> BlankRegion:
    """The blank ``--level N`` is about: the one the next hint would be for, else the first."""
    step = next_step(blanks, entry, submission, focus)
    if step is not None:
        return step.blank
    return (_led_by(focus, blanks, []) or unfilled(blanks, submission) or blanks)[0]


def ladder_json(topic: str, blanks: list[BlankRegion]) -> dict:
    """The JSON of ``grader hint --json``: ``{"topic", "blanks": [{"blank", "id", "function", "levels": [{"ja", "en"}]}]}``."""
    return {"topic": topic, "blanks": [
        {"blank": f"({b.label})", "id": b.key, "function": b.qualname,
         "levels": [{"ja": ja, "en": en} for ja, en in b.hints]} for b in blanks]}
