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
    options = _options(question.data.get("choices", []))
    for piece in pieces:
        _read_piece(str(piece), valid, texts, keys, unknown, options)
    return ChoiceReading(keys, unknown)


_RANGE = re.compile(r"^\s*\(?(\d+)\)?\s*[〜~～\-–−ー]\s*\(?(\d+)\)?\s*$")
_BRACKETED = re.compile(r"\s*[(（]\s*([0-9０-９]+)\s*[)）]\s*")
_CIRCLED = re.compile(r"[\u2460-\u2473\u24f5-\u24fe\u2776-\u277f]")
_TRAILING_SEPARATORS = "、,，と・;；/ 　"


def _range(raw: str, valid: set[str]) -> list[str] | None:
    """``1〜3``, ``①〜③``, ``1~3``: every key from the first to the last."""
    match = _RANGE.match(unicodedata.normalize("NFKC", raw))
    if not match:
        return None
    first, last = int(match.group(1)), int(match.group(2))
    keys = [str(k) for k in range(first, last + 1)]
    return keys if first < last and all(k in valid for k in keys) else None


def _bracketed(raw: str, valid: set[str]) -> list[str] | None:
    """``(3)(4)``: keys written in brackets one after the other."""
    if not _BRACKETED.fullmatch(raw) and not re.fullmatch(f"(?:{_BRACKETED.pattern})+", raw):
        return None
    keys = [fold_key(k) for k in _BRACKETED.findall(raw)]
    return keys if keys and all(k in valid for k in keys) else None


def _keys_with_text(raw: str, valid: set[str], options: dict[str, list[str]]) -> list[str] | None:
    """``②0.25``, ``①Adam``, ``①欠損値が多いデータ、②誤差の大きい…``: each circled key
    followed by (the start of) its own text, whose 、 and と do not split it."""
    starts = [m.start() for m in _CIRCLED.finditer(raw)]
    if not starts or raw[:starts[0]].strip():
        return None
    keys = []
    for start, end in zip(starts, starts[1:] + [len(raw)]):
        key = fold_key(raw[start])
        text = fold_text(raw[start + 1:end]).rstrip(_TRAILING_SEPARATORS)
        if key not in valid or (text and not any(o.startswith(text) for o in options.get(key, []))):
            return None
        keys.append(key)
    return keys


def _short_text(raw: str, options: dict[str, list[str]]) -> str | None:
    """An option's text up to its bracketed note (``右`` for ``右（ひし形の…）``), when it
    names one option only."""
    typed = fold_text(raw)
    if not typed or typed.isdigit():
        return None
    found = {key for key, texts in options.items() for t in texts
             if t.startswith(typed) and t[len(typed):len(typed) + 1] in ("(", "（")}
    return found.pop() if len(found) == 1 else None


def _options(question_choices: list[dict]) -> dict[str, list[str]]:
    return {fold_key(c["key"]): [fold_text(c["ja"]), fold_text(c["en"]), *map(fold_text, c.get("aliases", []))]
            for c in question_choices}


def _read_piece(raw: str, valid: set[str], texts: dict[str, str], keys: list[str], unknown: list[str],
                options: dict[str, list[str]] | None = None) -> None:
    single = _one(raw, valid, texts)
    if single is not None:
        keys.append(single)
        return
    options = options or {}
    for rule in (lambda: _range(raw, valid), lambda: _bracketed(raw, valid),
                 lambda: _keys_with_text(raw, valid, options)):
        found = rule()
        if found:
            keys.extend(found)
            return
    short = _short_text(raw, options)
    if short is not None:
        keys.append(short)
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
