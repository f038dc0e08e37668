"""The topics, found rather than listed: every folder of ``grader/topics/`` that declares one.

A topic folder holds everything about its topic:

    grader/topics/softmax/
        __init__.py     ABOUT: its name, its place in the course, the functions it grades
        checks.py       declare() -> Topic (inputs, judges, points) and MISCONCEPTIONS
        probe.py        the child-side call, when the shared ones in families/ do not fit
        messages.yaml   its sentences (hints), Japanese and English

``__init__.py`` imports nothing heavy (never the reference), so listing the topics costs
a few file reads and can happen before the grader forks the child that runs student
code. Only ``declare`` and ``misconceptions`` import the checks, and with them the oracle.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.judging.checks import Topic
    from grader.judging.misconceptions import Misconception

PACKAGE = "grader.topics"
SHARED = ("families",)  # folders of shared check shapes, not topics
MESSAGES = "messages.yaml"


@dataclass(frozen=True)
class About:
    """What the rest of the grader needs to know about a topic without declaring its checks."""

    name: str
    order: int  # where a student meets it: the course's order, and the report's
    module: str  # the submission module (course file) it grades
    functions: tuple[str, ...] = ()  # the names of that module it grades
    uses: tuple[str, ...] = ()  # an integration topic: the functions of other topics it calls
    quiz: str = ""  # the confirmation test (quizzes/<section>.yaml) of the course section it practises

    @property
    def calls(self) -> tuple[str, ...]:
        """Every student function the topic calls."""
        return self.functions or self.uses


def topic_folder() -> Path:
    return Path(__file__).resolve().parent


@cache
def topics() -> tuple[About, ...]:
    """Every topic, in the order a student meets them."""
    found = []
    for info in pkgutil.iter_modules([str(topic_folder())]):
        if not info.ispkg or info.name in SHARED:
            continue
        about = importlib.import_module(f"{PACKAGE}.{info.name}").ABOUT
        if about.name != info.name:
            raise ValueError(f"topic folder {info.name!r} declares the topic {about.name!r}")
        found.append(about)
    found.sort(key=lambda about: about.order)
    orders = [about.order for about in found]
    if len(set(orders)) != len(orders):
        raise ValueError(f"two topics share an order: {orders}")
    return tuple(found)


def names() -> tuple[str, ...]:
    return tuple(about.name for about in topics())


def about(name: str) -> About:
    for candidate in topics():
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def student_modules() -> tuple[str, ...]:
    """The modules a submission holds, in the course's order."""
    return tuple(dict.fromkeys(about.module for about in topics()))


def defined_names() -> dict[str, str]:
    """Each graded function or class -> the submission module that defines it."""
    return {name: about.module for about in topics() for name in about.functions}


def declare(name: str) -> "Topic":
    """The topic's checks (imports the reference)."""
    return _checks(name).declare()


def misconceptions() -> tuple["Misconception", ...]:
    """Every misconception of every topic, in the order a student meets the topics."""
    entries = tuple(entry for name in names() for entry in getattr(_checks(name), "MISCONCEPTIONS", ()))
    ids = [entry.id for entry in entries]
    duplicated = {i for i in ids if ids.count(i) > 1}
    if duplicated:
        raise ValueError(f"misconception ids declared twice: {sorted(duplicated)}")
    return entries


def topic_misconceptions(name: str) -> tuple["Misconception", ...]:
    """One topic's misconceptions (its checks are imported already when it was declared)."""
    return tuple(getattr(_checks(name), "MISCONCEPTIONS", ()))


def misconception_by_id() -> dict[str, "Misconception"]:
    return {entry.id: entry for entry in misconceptions()}


def message_files() -> list[Path]:
    """The sentence files of the topics and of their shared families."""
    return sorted(topic_folder().glob(f"*/{MESSAGES}"))


def _checks(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}.checks")
