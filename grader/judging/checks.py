"""How a topic is declared: checks as data (inputs, probe, judge, points).

A check builds its inputs from a seed (in the parent), names the probe the child runs on
them, and judges the plain values that come back against the reference. Adding a case
means adding a Check, not a new code path.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from grader.boundary.wire_types import Spec

Message = tuple[str, dict]  # (catalogue key, fields)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    messages: tuple[Message, ...] = ()

    @staticmethod
    def ok(*messages: Message) -> "Verdict":
        return Verdict(True, tuple(messages))

    @staticmethod
    def fail(*messages: Message) -> "Verdict":
        return Verdict(False, tuple(messages))


@dataclass(frozen=True)
class Check:
    topic: str
    name: str
    points: float
    build: Callable[[np.random.Generator], Spec]  # rng -> the spec sent to the child
    # (that spec, the child's outcome) -> verdict: typed by each judge as its probe's pair
    # (grader/boundary/wire_types.py: CallSpec and CallOutcome, …), a narrower dict than Spec
    judge: Callable[[Any, Any], Verdict]


@dataclass
class Topic:
    name: str
    checks: list[Check] = field(default_factory=list)

    def add(self, name: str, points: float, build: Callable[[np.random.Generator], Spec],
            judge: Callable[[Any, Any], Verdict]) -> None:
        self.checks.append(Check(self.name, name, points, build, judge))

    @property
    def max_points(self) -> float:
        return sum(c.points for c in self.checks)


def check_rng(seed: int, topic: str, check: str) -> np.random.Generator:
    """The same inputs for the same seed, different inputs for every check."""
    return np.random.default_rng([seed, zlib.crc32(f"{topic}/{check}".encode())])
