"""Reading choice answers: keys, 丸数字, the text of an option, and the separators students use.

An answer is read in this order: the whole answer as one key; the whole answer as the text
of an option (its ja or en text or one of its declared ``aliases``, compared after NFKC,
lower case, without spaces: ``（２，３）`` is the option ``(2, 3)``); otherwise it is split
on spaces, commas (, 、，), ・, ;, /, と, 及び, and, & and each piece is read the same way
(``34`` and ``③④`` are split into keys when every character is one). Unknown pieces are
quoted exactly as typed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from grader.quiz.model import Question
from grader.quiz.reading import fold_text

_SEPARATORS = re.compile(r"[\s,、，;；/／・･&＆+＋]+|と|及び|および|(?<![a-z])and(?![a-z])", re.IGNORECASE)
_KEY_TRIM = "()[]<>「」【】.。番"


def fold_key(key: object) -> str:
    """A choice key as compared: NFKC, lower case, surrounding brackets and 番 removed."""
    text = unicodedata.normalize("NFKC", str(key)).strip().lower()
    return text.strip(_KEY_TRIM).strip()


@dataclass(frozen=True)
class ChoiceReading:
    keys: list[str]
    unknown: list[str]  # pieces as the student typed them


def _texts(question: Question) -> dict[str, str]:
    """Folded option text (and alias) → key."""
    texts: dict[str, str] = {}
    for raw in question.data.get("choices", []):
        key = fold_key(raw["key"])
        for text in [raw["ja"], raw["en"], *raw.get("aliases", [])]:
            texts.setdefault(fold_text(text), key)
    return texts


def read_choices(question: Question, answer: Any) -> ChoiceReading:
    valid = {fold_key(c.key) for c in question.choices}
    texts = _texts(question)
    pieces = answer if isinstance(answer, (list, tuple)) else [answer]
    keys: list[str] = []
    unknown: list[str] = []
    for piece in pieces:
        _read_piece(str(piece), valid, texts, keys, unknown)
    return ChoiceReading(keys, unknown)


def _read_piece(raw: str, valid: set[str], texts: dict[str, str], keys: list[str], unknown: list[str]) -> None:
    single = _one(raw, valid, texts)
    if single is not None:
        keys.append(single)
        return
    for token in _SEPARATORS.split(raw):
        if not token or not token.strip(_KEY_TRIM + " "):
            continue
        found = _one(token, valid, texts)
        if found is not None:
            keys.append(found)
            continue
        folded = fold_key(token)
        if folded and all(ch in valid for ch in folded):
            keys.extend(folded)
        else:
            unknown.append(token.strip())


def _one(raw: str, valid: set[str], texts: dict[str, str]) -> str | None:
    key = fold_key(raw)
    if key in valid:
        return key
    return texts.get(fold_text(raw))
