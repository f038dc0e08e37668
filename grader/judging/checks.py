"""How a topic is declared: checks as data (inputs, probe, judge, points).

A check builds its inputs from a seed (in the parent), names the probe the child runs on
them, and judges the plain values that come back against the reference. Adding a case
means adding a Check, not a new code path.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

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
    build: Callable[[np.random.Generator], dict]  # rng -> the spec sent to the child
    judge: Callable[[dict, dict], Verdict]  # (spec, outcome) -> verdict


@dataclass
class Topic:
    name: str
    checks: list[Check] = field(default_factory=list)

    def add(self, name: str, points: float, build: Callable, judge: Callable) -> None:
        self.checks.append(Check(self.name, name, points, build, judge))

    @property
    def max_points(self) -> float:
        return sum(c.points for c in self.checks)


def check_rng(seed: int, topic: str, check: str) -> np.random.Generator:
    """The same inputs for the same seed, different inputs for every check."""
    return np.random.default_rng([seed, zlib.crc32(f"{topic}/{check}".encode())])
