"""The corpus of realistic mistakes (YAML beside this file), each labelled with its true cause.

Shared by tests/test_hint_corpus.py and benchmarks/hint_precision.py. An entry changes one
module of solutions/ as tests/variants/ does and names its cause: a misconception id of the
catalogue, or ``observe`` when no entry is about it (an honest observation of the values is
then right; ``accept`` lists the relation keys that state the cause truthfully).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
OBSERVE = "observe"


@dataclass(frozen=True)
class Mistake:
    name: str
    topic: str
    module: str
    cause: str  # a misconception id, or OBSERVE
    edits: tuple[dict, ...]
    accept: tuple[str, ...] = ()  # message keys that name the cause truthfully (for OBSERVE)
    replace: str = ""

    @property
    def topics(self) -> tuple[str, ...]:
        return (self.topic,)


def mistakes() -> list[Mistake]:
    found = []
    for file in sorted(HERE.glob("*.yaml")):
        for name, entry in yaml.safe_load(file.read_text(encoding="utf-8")).items():
            found.append(Mistake(name, entry["topic"], entry["module"], entry["cause"],
                                 tuple(entry.get("edits", ())), tuple(entry.get("accept", ())),
                                 entry.get("replace", "")))
    return found


def right_keys(mistake: Mistake) -> set[str]:
    """The message keys whose hint names this mistake's cause."""
    keys = set(mistake.accept)
    if mistake.cause == OBSERVE:
        return keys
    from grader.topics.registry import misconception_by_id
    entry = misconception_by_id().get(mistake.cause)  # an entry not (yet) in the catalogue: none is right
    return keys | ({entry.key} if entry else set())


# Relations that state what the values are, not why: true on any input, so an honest
# observation where no catalogue entry names the cause.
FACTS = frozenset({"relation.range", "relation.reshaped", "relation.empty", "relation.outputs"})


def is_hint(key: str) -> bool:
    return key.startswith(("hint.", "relation.", "observe."))


def first_hint(results) -> str | None:
    """The key of the first hint a student reads: the first failing check's first hint."""
    for result in results:
        if result.passed:
            continue
        for key, _ in result.messages:
            if is_hint(key):
                return key
    return None


def judge(mistake: Mistake, results) -> str:
    """caught-right / caught-misleading / caught-silent / missed, for one graded mistake."""
    if all(r.passed for r in results):
        return "missed"
    key = first_hint(results)
    if key is None:
        return "silent"
    if key in right_keys(mistake) or (mistake.cause == OBSERVE and (key.startswith("observe.") or key in FACTS)):
        return "right"
    return "misleading"
