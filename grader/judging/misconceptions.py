"""The misconception catalogue: every known mistake, how to recognise it, what to say.

A misconception is data: a stable id (``topic.name``), the part of a check's result its
evidence is about (a function's return value, one gradient, an optimizer's trajectory,
the error a call raised, ...), the message key of its hint (Japanese and English in
the topic's ``messages.yaml``, e.g.
``grader/topics/activations/messages.yaml``) and a recogniser. A recogniser looks at the student's
value beside the check's inputs and answers one question: does this output carry the
fingerprint of that mistake? Mostly that means "equals what the mistaken formula
computes on the same inputs" (a cheap alternative computation in the grader's process),
sometimes a property: inf only at large inputs, off by exactly the batch size, the
reference on the other axis, state leaking between keys.

Topics declare their entries in ``MISCONCEPTIONS`` (``grader/topics/<topic>/checks.py``);
``grader.topics.registry.misconceptions()`` gathers them all, so tests and benchmarks can
iterate over every entry.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from grader.judging.checks import Message
from grader.judging.compare import same

# Recognisers may fail on strange student values: that simply means "not this mistake".
NOT_APPLICABLE = (ValueError, TypeError, IndexError, KeyError, AttributeError,
                  FloatingPointError, ZeroDivisionError, OverflowError)


@dataclass(frozen=True)
class Evidence:
    """What a recogniser may look at: the student's value, the check's inputs, an error."""
    actual: Any = None
    inputs: Mapping[str, Any] = field(default_factory=dict)
    error: Mapping[str, Any] | None = None


Recogniser = Callable[[Evidence], bool]


@dataclass(frozen=True)
class Misconception:
    id: str  # stable: "topic.name"
    part: str | tuple[str, ...]  # which value(s) of a check its evidence is about
    key: str  # message key of the hint
    recognise: Recogniser
    evidence: str  # how the mistake shows, in words: for reviewers and the catalogue listing
    fields: Callable[[Evidence], dict] = lambda evidence: {}

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]

    def about(self, part: str) -> bool:
        return part == self.part if isinstance(self.part, str) else part in self.part

    def matches(self, evidence: Evidence) -> bool:
        with np.errstate(all="ignore"):
            return _safely(self.recognise, evidence)


def equals(alternative: Callable[..., Any], rtol: float = 1e-5, atol: float = 1e-9) -> Recogniser:
    """The student's value is what ``alternative(**inputs)`` — the mistaken formula — computes."""
    def recognise(evidence: Evidence) -> bool:
        return same(evidence.actual, alternative(**evidence.inputs), rtol=rtol, atol=atol)
    return recognise


def raised(kind: str = "exception", type_name: str | None = None, words: Iterable[str] = (),
           when: Callable[..., bool] = lambda **_: True) -> Recogniser:
    """The call raised ``type_name`` with one of ``words`` in its message (on inputs ``when`` accepts)."""
    words = tuple(words)

    def recognise(evidence: Evidence) -> bool:
        error = evidence.error or {}
        return (error.get("kind") == kind and (type_name is None or error.get("type") == type_name)
                and (not words or any(w in error.get("message", "") for w in words))
                and when(**evidence.inputs))
    return recognise


def any_of(*recognisers: Recogniser) -> Recogniser:
    """One mistake, several fingerprints (e.g. a wrong value on some inputs, a crash on others)."""
    def recognise(evidence: Evidence) -> bool:
        return any(_safely(r, evidence) for r in recognisers)
    return recognise


def _safely(recognise: Recogniser, evidence: Evidence) -> bool:
    try:
        return bool(recognise(evidence))
    except NOT_APPLICABLE:
        return False


def not_finite(evidence: Evidence) -> bool:
    return not np.isfinite(np.asarray(evidence.actual, dtype=float)).all()


def diagnose(entries: Iterable[Misconception], part: str, evidence: Evidence) -> tuple[Message, ...]:
    """The hint of the first entry about ``part`` whose recogniser matches, or nothing.

    One hint at most: a student told two different stories about one wrong value learns
    neither. Entries are tried in declaration order, most specific first."""
    for entry in entries:
        if entry.about(part) and entry.matches(evidence):
            return ((entry.key, entry.fields(evidence)),)
    return ()


def diagnoser(entries: Iterable[Misconception], part: str,
              inputs: Mapping[str, Any]) -> Callable[[Any], tuple[Message, ...]]:
    """``diagnose`` with the inputs bound, for ``judge.compare``."""
    entries = tuple(entries)
    return lambda actual: diagnose(entries, part, Evidence(actual, inputs))
