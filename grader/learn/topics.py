"""Which blanks belong to a topic, and which confirmation test follows it.

The topic registry says which names a topic grades and in which module each is defined
(:mod:`grader.topics.registry`); a blank belongs to a topic when its enclosing function or
class is one of those names ("Adam.update" belongs to class Adam, so to topic adam).
:func:`topic_blanks` is the one place that joins the two.
"""
from __future__ import annotations

from pathlib import Path

from grader.authoring.blanks import BlankRegion, parse_file
from grader.topics import registry

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"

# The confirmation test of the course section each topic practises (declared by the
# topic): `grader status` suggests it once the topic is finished.
QUIZ_OF_TOPIC: dict[str, str] = {about.name: about.quiz for about in registry.topics() if about.quiz}


def topic_names() -> tuple[str, ...]:
    """Every topic, in the order a student meets them."""
    return registry.names()


def topic_blanks(topic: str, solutions: Path = SOLUTIONS) -> list[BlankRegion]:
    """The blanks a student fills for ``topic``, module by module in file order.

    Raises KeyError for an unknown topic."""
    names = registry.about(topic).calls
    defined = registry.defined_names()
    modules = dict.fromkeys(defined[name] for name in names)
    return [region for module in modules for region in parse_file(solutions / f"{module}.py")
            if region.qualname.split(".")[0] in names]


def blank_key(region: BlankRegion) -> str:
    """How the progress store names a blank: its stable id, ``QUALNAME#ID``.

    Not its kana: those are positions, and adding a blank before it would re-key it."""
    return region.key
