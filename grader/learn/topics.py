"""Which blanks belong to a topic, and which confirmation test follows it.

The topic table is :mod:`grader.nb.assignments` (topic -> the names it grades, name ->
module); a blank belongs to a topic when its enclosing function or class is one of those
names ("Adam.update" belongs to class Adam, so to topic adam). :func:`topic_blanks` is
the one place that joins the two: point it at another registry and every learner
command follows.
"""
from __future__ import annotations

from pathlib import Path

from grader.authoring.blanks import BlankRegion, parse_file
from grader.nb.assignments import NAMES, TOPICS

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"

# The confirmation test (quizzes/<section>.yaml) of the course section each topic
# practises: `grader status` suggests it once the topic is finished.
QUIZ_OF_TOPIC: dict[str, str] = {
    "activations": "day1-s2", "softmax": "day1-s3", "mse": "day1-s3",
    "cross_entropy_error": "day1-s3", "numerical_gradient": "day1-s4", "forward": "day1-s1",
    "backward": "day1-s5", "sgd_update": "day1-s4", "minibatch": "day2-s4",
    "training": "day1-s4", "sgd": "day2-s5", "momentum": "day2-s5", "adagrad": "day2-s5",
    "rmsprop": "day2-s5", "adam": "day2-s5", "weight_init": "day2-s2", "batch_norm": "day2-s3",
}


def topic_names() -> tuple[str, ...]:
    """Every topic, in the order a student meets them."""
    return tuple(TOPICS)


def topic_blanks(topic: str, solutions: Path = SOLUTIONS) -> list[BlankRegion]:
    """The blanks a student fills for ``topic``, module by module in file order.

    Raises KeyError for an unknown topic."""
    names = TOPICS[topic]
    modules = dict.fromkeys(NAMES[name] for name in names)
    return [region for module in modules for region in parse_file(solutions / f"{module}.py")
            if region.qualname.split(".")[0] in names]


def blank_key(region: BlankRegion) -> str:
    """How the progress store names a blank: labels restart in every module."""
    return f"{region.module}.py ({region.label})"
