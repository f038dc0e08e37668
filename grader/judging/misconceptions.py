"""The misconception catalogue: every known mistake, how to recognise it, what to say.

A misconception is data: a stable id (``topic.name``), the part of a check's result its
evidence is about (a function's return value, one gradient, an optimizer's trajectory,
the error a call raised, ...: a :class:`Part` made by ``value_of``, ``raised_by``,
``modified_by`` or ``updated_in_place_by``), the message key of its hint (Japanese and English in
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


# What a check can show about a function (or one named output of a check): the kinds of Part.
VALUE, ERROR, MODIFIED, IN_PLACE = "value", "error", "modified", "in_place"
KINDS = (VALUE, ERROR, MODIFIED, IN_PLACE)


@dataclass(frozen=True)
class Part:
    """Which value of a check a misconception's evidence is about: what ``name`` (a function,
    a class, or one named output of a check such as ``"grad"`` or ``"trajectory"``) returned,
    raised, changed in its arguments, or left in the arrays its caller holds.

    Made by the constructors below, never by hand: a misspelt constructor is a NameError
    when the topic is imported, where a misspelt string suffix was a hint that never showed."""
    name: str
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"a misconception part's kind is one of {KINDS}, not {self.kind!r}")
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"a misconception part names a function or an output (an identifier), not "
                             f"{self.name!r}{_instead(self.name)}")


# The old string suffixes, and the constructor that says the same.
_SUFFIXES = {"error": "raised_by", "modified": "modified_by", "in_place": "updated_in_place_by"}


def _instead(name: object) -> str:
    """What to write instead of an old-style string part (``"f"``, ``"f.error"``), when it is one."""
    if not isinstance(name, str):
        return ""
    base, _, suffix = name.rpartition(".")
    if suffix in _SUFFIXES and base.isidentifier():
        return f": write {_SUFFIXES[suffix]}({base!r})"
    return f": write value_of({name!r})" if name.isidentifier() else ""


def value_of(name: str) -> Part:
    """The value ``name`` returned (or the check's output called ``name``)."""
    return Part(name, VALUE)


def raised_by(name: str) -> Part:
    """The error the call of ``name`` raised instead of returning (see the ``raised`` recogniser)."""
    return Part(name, ERROR)


def modified_by(name: str) -> Part:
    """An argument the call of ``name`` changed although it should have come back unchanged."""
    return Part(name, MODIFIED)


def updated_in_place_by(name: str) -> Part:
    """The arrays the caller holds after ``name`` updated them (they must be the ones that change)."""
    return Part(name, IN_PLACE)


def _parts(part: object) -> tuple[Part, ...]:
    """``part`` as a tuple of Parts, or a TypeError that says what a part must be."""
    parts = part if isinstance(part, tuple) else (part,)
    if not parts or not all(isinstance(p, Part) for p in parts):
        raise TypeError(f"a misconception part is made by value_of, raised_by, modified_by or "
                        f"updated_in_place_by (or is a tuple of those), not {part!r}{_instead(part)}")
    return parts


def _one(part: object) -> Part:
    """``part`` itself when it is one Part (what a check asks about), else a TypeError."""
    if not isinstance(part, Part):
        raise TypeError(f"a check asks about one part made by value_of, raised_by, modified_by or "
                        f"updated_in_place_by, not {part!r}{_instead(part)}")
    return part


@dataclass(frozen=True)
class Misconception:
    id: str  # stable: "topic.name"
    part: Part | tuple[Part, ...]  # which value(s) of a check its evidence is about
    key: str  # message key of the hint
    recognise: Recogniser
    evidence: str  # how the mistake shows, in words: for reviewers and the catalogue listing
    fields: Callable[[Evidence], dict] = lambda evidence: {}

    def __post_init__(self) -> None:
        try:
            _parts(self.part)
        except TypeError as problem:
            raise TypeError(f"misconception {self.id}: {problem}") from None

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]

    def about(self, part: Part) -> bool:
        return _one(part) in _parts(self.part)

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


def about_any(entries: Iterable[Misconception], *parts: Part) -> tuple[Misconception, ...]:
    """The entries about one of ``parts`` (what one check can show), in declaration order."""
    parts = tuple(_one(part) for part in parts)
    return tuple(entry for entry in entries if any(entry.about(part) for part in parts))


def diagnose(entries: Iterable[Misconception], part: Part, evidence: Evidence) -> tuple[Message, ...]:
    """The hint of the first entry about ``part`` whose recogniser matches, or nothing.

    One hint at most: a student told two different stories about one wrong value learns
    neither. Entries are tried in declaration order, most specific first."""
    _one(part)
    for entry in entries:
        if entry.about(part) and entry.matches(evidence):
            return ((entry.key, entry.fields(evidence)),)
    return ()


def diagnoser(entries: Iterable[Misconception], part: Part,
              inputs: Mapping[str, Any]) -> Callable[[Any], tuple[Message, ...]]:
    """``diagnose`` with the inputs bound, for ``judge.compare``."""
    entries, _ = tuple(entries), _one(part)
    return lambda actual: diagnose(entries, part, Evidence(actual, inputs))
