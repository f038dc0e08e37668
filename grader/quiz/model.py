"""The in-memory form of quiz files: sections, questions and the problems found in them."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

QUESTION_TYPES = ("single_choice", "multiple_choice", "numeric", "expression", "code", "free_text")
AUTO_GRADED = frozenset(QUESTION_TYPES) - {"free_text"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a quiz or answers file, located for the author."""

    file: str
    line: int | None
    field: str
    key: str  # message key in grader/messages/quiz.yaml
    fields: dict[str, Any] = field(default_factory=dict)

    def format(self, lang: str) -> str:
        from grader.i18n import t
        where = f"{self.file}:{self.line}" if self.line else self.file
        label = f" {self.field}:" if self.field else ""
        fields = {k: (v[lang] if isinstance(v, dict) and set(v) == {"ja", "en"} else v)
                  for k, v in self.fields.items()}
        return f"{where}:{label} {t(self.key, lang, **fields)}"


@dataclass(frozen=True)
class Choice:
    key: str
    text: dict[str, str]


@dataclass(frozen=True)
class Question:
    """One question; ``data`` keeps the type-specific fields exactly as the file has them."""

    id: str
    type: str
    prompt: dict[str, str]
    answer: Any
    explanation: dict[str, str]
    points: float
    section_id: str
    data: dict[str, Any]

    @property
    def auto_graded(self) -> bool:
        return self.type in AUTO_GRADED

    @property
    def choices(self) -> list[Choice]:
        return [Choice(str(c["key"]), {"ja": c["ja"], "en": c["en"]})
                for c in self.data.get("choices", [])]

    @property
    def key_points(self) -> list[dict[str, str]]:
        return list(self.data.get("key_points", []))

    @property
    def wrong_answers(self) -> list[Any]:
        return list(self.data.get("wrong_answers", []))

    def text(self, name: str, lang: str) -> str:
        """A bilingual field (``prompt``, ``explanation``; ``answer`` for free text)."""
        value = self.data[name]
        return value[lang] if isinstance(value, dict) else str(value)


@dataclass(frozen=True)
class Section:
    id: str
    title: dict[str, str]
    questions: list[Question]
    path: Path

    @property
    def max_score(self) -> float:
        return sum(q.points for q in self.questions if q.auto_graded)
