"""Precision before coverage: which of a topic's hints the student is shown, once every check is judged.

Each check's judge explains its own failure alone: the catalogue's hint where a recogniser
matched, else how the wrong value relates to the right one on that check's inputs
(``relations``). Read together, the verdicts of one topic tell more than any one of them:

* a catalogue hint wins: a verdict that carries one shows it alone, right after the failure
  (a generic relation beside it would be a second story about the same value);
* a relation that claims a cause (a constant factor, a sign, an axis, right rows and wrong
  ones, ...) is stated as a diagnosis only when the same relation holds on every failing
  check of that function; where it does not, a factor is told as what was observed on that
  input ("here … about 6× the expected value") and the other kinds are not told at all.

Relations that only state what the values are (a single number where an array belongs,
another shape, values outside the right range, an error's reading) are facts on any input
and stay. Nothing here knows a topic.
"""
from __future__ import annotations

import re
from typing import Sequence

from grader.judging.checks import Message, Verdict

# Relations that name a cause: a diagnosis only when every failing check of the function agrees.
DIAGNOSES = frozenset({
    "relation.factor", "relation.sign", "relation.axes", "relation.term_missing", "relation.term_extra",
    "relation.term_sign", "relation.where_input", "relation.rows", "relation.columns", "relation.entries",
    "relation.stale", "relation.constant", "relation.direction", "relation.shared",
})
# What a diagnosis that does not hold everywhere still truthfully says about its own input.
OBSERVATIONS = {"relation.factor": "observe.factor"}


def is_catalogue(key: str) -> bool:
    """A catalogue misconception's hint (the topics' ``hint.*`` keys)."""
    return key.startswith("hint.")


def subject(what: str) -> str:
    """The value a message is about, without the update it was seen at: "update #2 of
    params['W']" and "params['W'] after update #3" are both about params['W']."""
    return re.sub(r"\s*after update #\d+|update #\d+ of\s*", "", what).strip()


# A check whose value was compared and found wrong (not an error, not a missing blank).
VALUE_FAILURES = frozenset({"fail.value", "fail.scalar_value", "fail.shape", "fail.not_scalar", "fail.not_finite"})


def settle(verdicts: Sequence[Verdict]) -> list[Verdict]:
    """The verdicts of one topic's checks, in order, with the hints the evidence supports."""
    alone = [_catalogue_alone(v) for v in verdicts]
    failing = [v for v in alone if not v.passed]
    alone = [v if v.passed else _uncontradicted(v, failing) for v in alone]
    failing = [v for v in alone if not v.passed]
    return [v if v.passed else _narrowed(v, failing) for v in alone]


def _uncontradicted(verdict: Verdict, failing: Sequence[Verdict]) -> Verdict:
    """A catalogue hint that other failing checks of the same value contradict is dropped.
    A recogniser computes what the mistaken formula gives, so where the student's value is
    wrong and no recogniser matched, that formula is not what the code does: the inputs where
    it matched could not tell it apart (a single sample's element mean and batch mean). And
    where the checks of one value carry different hints, the one most of them agree on stands."""
    hints = [key for key, _ in verdict.messages if is_catalogue(key)]
    if not hints:
        return verdict
    about = _subjects(Verdict(False, verdict.messages[:1]))
    votes: dict[str, int] = {}
    for other in failing:
        first = other.messages[0][0] if other.messages else ""
        if first not in VALUE_FAILURES or not _subjects(Verdict(False, other.messages[:1])) & about:
            continue
        keys = [key for key, _ in other.messages if is_catalogue(key)]
        if not keys:
            return _without_catalogue(verdict)
        for key in set(keys):
            votes[key] = votes.get(key, 0) + 1
    if votes and votes.get(hints[0], 0) < max(votes.values()):
        return _without_catalogue(verdict)
    return verdict


def _without_catalogue(verdict: Verdict) -> Verdict:
    return Verdict(False, tuple(m for m in verdict.messages if not is_catalogue(m[0])))


def _catalogue_alone(verdict: Verdict) -> Verdict:
    """A verdict with a catalogue hint: its failure, that hint first, no relation beside it."""
    if verdict.passed or not any(is_catalogue(key) for key, _ in verdict.messages):
        return verdict
    hints = [m for m in verdict.messages if is_catalogue(m[0])][:1]
    rest = [m for m in verdict.messages if not is_catalogue(m[0]) and not m[0].startswith("relation.")]
    return Verdict(False, (*rest[:1], *hints, *rest[1:]))


def _narrowed(verdict: Verdict, failing: Sequence[Verdict]) -> Verdict:
    messages: list[Message] = []
    for key, fields in verdict.messages:
        if key not in DIAGNOSES or _holds_everywhere(key, fields, failing):
            messages.append((key, fields))
        elif key in OBSERVATIONS:
            messages.append((OBSERVATIONS[key], fields))
    return Verdict(False, tuple(messages))


def _holds_everywhere(key: str, fields: dict, failing: Sequence[Verdict]) -> bool:
    """Every failing check about the same value shows this very relation (same kind, same words)."""
    about = subject(str(fields.get("what", "")))
    signature = (key, _comparable(fields))
    for verdict in failing:
        if about not in _subjects(verdict):
            continue
        if not any((k, _comparable(f)) == signature for k, f in verdict.messages):
            return False
    return True


def _subjects(verdict: Verdict) -> set[str]:
    """The values a failing verdict is about: its messages' ``what`` (or the function that raised)."""
    found = set()
    for _, fields in verdict.messages:
        for name in ("what", "function"):
            if fields.get(name):
                found.add(subject(str(fields[name])))
    return found


def _comparable(fields: dict) -> tuple:
    """A relation's words without the update it was seen at."""
    return tuple(sorted((k, subject(str(v)) if k == "what" else str(v)) for k, v in fields.items()))
