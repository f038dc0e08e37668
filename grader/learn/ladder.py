"""A topic's hint ladders: which level comes next, and how a ladder looks.

The ladder of a blank is written once at the blank in ``solutions/`` (``### hint N ja/en``);
the CLI prints it as text, notebooks show it as HTML — :func:`level_html` is the one
HTML form, used by the generated notebooks and by ``hint()`` in a kernel alike.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


def next_step(blanks: list[BlankRegion], entry: TopicProgress, submission: Path | None) -> Step | None:
    """The next unseen level of the first unfinished blank: blanks still unfilled in the
    student's files come first, then the others in order. None when all were seen."""
    first = unfilled(blanks, submission)
    for region in [*first, *(b for b in blanks if b not in first)]:
        seen = entry.seen(blank_key(region))
        for level in range(1, len(region.hints) + 1):
            if level not in seen:
                return Step(region, level)
    return None


def current_blank(blanks: list[BlankRegion], entry: TopicProgress, submission: Path | None) -> BlankRegion:
    """The blank ``--level N`` is about: the one the next hint would be for, else the first."""
    step = next_step(blanks, entry, submission)
    if step is not None:
        return step.blank
    return (unfilled(blanks, submission) or blanks)[0]


def ladder_json(topic: str, blanks: list[BlankRegion]) -> dict:
    """Contract §5: ``{"topic", "blanks": [{"blank", "function", "levels": [{"ja", "en"}]}]}``."""
    return {"topic": topic, "blanks": [
        {"blank": f"({b.label})", "function": b.qualname,
         "levels": [{"ja": ja, "en": en} for ja, en in b.hints]} for b in blanks]}
