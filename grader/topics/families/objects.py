"""Child side of the stateful topics: a script of calls on one object of a student's class.

A layer keeps what its backward needs from its last forward, so it is graded by a script:
construct it, call its methods in order (forward, then backward; two forwards in a row;
train then test mode), read attributes it stores (dW, db), change an array it was given
in place (a trainer updates W; the layer must see it), seed np.random. ``perform`` runs a
script on any class: here on the student's, in the parent on the reference's (see
scripts.py), so both sides run the very same steps. Nothing here imports the reference.

Where a topic is not about the helpers a class calls (softmax inside SoftmaxWithLoss,
im2col inside Convolution), the probe puts the course's own helpers (course.py) into the
class's module for the duration of the script: a slip in functions.py or im2col is graded
by its own topic, not twice.
"""
from __future__ import annotations

import contextlib
import copy
import sys
from typing import Any, Iterator

import numpy as np

from grader.boundary.wire_types import Get, ScriptOutcome, ScriptSpec, Step
from grader.topics.families import course


def script(get: Get, spec: ScriptSpec) -> ScriptOutcome:
    cls = get(spec["module"], spec["cls"])
    with injected(cls, spec["inject"]):
        return {"outputs": perform(cls, spec)}


def perform(cls: Any, spec: ScriptSpec) -> list:
    """Every step's output (None for steps that return nothing to judge)."""
    args = copy.deepcopy(list(spec["args"]))  # the arrays the object is given, kept to change later
    obj = cls(*args, **spec["kwargs"])
    return [_step(obj, args, step) for step in spec["steps"]]


def _step(obj: Any, args: list, step: Step) -> Any:
    do = step["do"]
    if do == "call":  # a copy of every input: a backward may change its dout, as the course's Relu does
        result = getattr(obj, step["method"])(*copy.deepcopy(step["args"]), **step["kwargs"])
        return _plain(result)
    if do == "read":
        return _plain(getattr(obj, step["attr"], None))
    if do == "change":  # in place, as a trainer's update does
        args[step["arg"]][...] = step["value"]
        return None
    if do == "seed":
        np.random.seed(step["seed"])
        return None
    raise ValueError(f"unknown step {do!r}")


def _plain(value: Any) -> Any:
    """A copy the object can no longer change (a later step must not rewrite an earlier output)."""
    return np.array(value, copy=True) if isinstance(value, np.ndarray) else value


@contextlib.contextmanager
def injected(cls: Any, names: tuple[str, ...] | list[str]) -> Iterator[None]:
    """The course's helpers ``names`` in the module that defines ``cls``, put back afterwards."""
    module = sys.modules.get(getattr(cls, "__module__", ""), None)
    if module is None or not names:
        yield
        return
    names = [name for name in names if hasattr(course, name)]  # a kernel package lends none
    space = vars(module)
    missing = object()
    saved = {name: space.get(name, missing) for name in names}
    space.update({name: getattr(course, name) for name in names})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                space.pop(name, None)
            else:
                space[name] = value
