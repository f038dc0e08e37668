"""Child-side probes shared by topics: call one student function, report plain values.

Probes run in the child, beside student code. They only gather values (results, the
arguments after the call, the arrays a caller still holds); every verdict is made in the
parent from those values, so a student who patches these functions can at most send
wrong values, which fail. Nothing here may import the reference.
"""
from __future__ import annotations

import warnings
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from grader.boundary.wire_types import CallOutcome, CallSpec, Get
from grader.topics.families import course


# Helpers a function under test may call, as the contract defines them: while it runs, its
# module's own names are bound to these, so that a mistake in relu costs the activations
# topic and not forward's too (the unit is judged given right helpers).
# (They live with the course's other helpers: a graded course's kernel package leaves them out.)
HELPERS: dict[str, Callable[[Any], Any]] = course.HELPERS


def call(get: Get, spec: CallSpec) -> CallOutcome:
    func = get(spec["module"], spec["func"])
    args = list(spec["args"])
    held = [dict(a) if isinstance(a, dict) else None for a in args]
    with right_helpers(func, spec.get("helpers", ()), spec.get("own_helpers", ())):
        result = func(*args)
    outcome: CallOutcome = {
        "result": result,
        "args_after": args,
        "held_after": held,
    }
    if "curve" in spec:
        outcome["curve"] = _on_curve(func, spec["curve"])
    return outcome


def _on_curve(func: Callable, x: np.ndarray) -> Any:
    """The function over an input range, for a plot; a failure there costs nothing, and its
    warnings (overflow at x + 1000, say) are not the graded call's: they stay unreported."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return func(x.copy())
    except Exception:  # noqa: BLE001 - the graded call already reported what matters
        return None


@contextmanager
def right_helpers(func: Callable, names: Sequence[str], own: Sequence[str] = ()) -> Iterator[None]:
    """Bind ``names`` in the function's module to the contract's helpers while it runs,
    where the module imported them from another module; bind ``own`` (graded functions of
    the module itself, judged by their own checks) wherever they are defined."""
    namespace = getattr(func, "__globals__", None)
    saved = {}
    if isinstance(namespace, dict):
        for name in [*names, *own]:
            helper = namespace.get(name)
            # one imported from another module (graded in its own topic); a helper the
            # function's own module defines is part of what this check grades, unless the
            # check names it as graded elsewhere (own)
            elsewhere = name in own or getattr(helper, "__module__", None) != func.__module__
            if name in HELPERS and callable(helper) and elsewhere:
                saved[name] = namespace[name]
                namespace[name] = HELPERS[name]
    try:
        yield
    finally:
        if isinstance(namespace, dict):
            namespace.update(saved)
