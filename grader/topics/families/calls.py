"""Checks that call one student function and judge its result: the commonest topic shape."""
from __future__ import annotations

import copy
from typing import Any, Callable, Sequence

import numpy as np

from grader.boundary.wire_types import CallOutcome, CallSpec
from grader.judging.checks import Topic, Verdict
from grader.judging.compare import all_of, compare, describe_inputs, error_verdict, same, with_warnings
from grader.judging.misconceptions import (Evidence, Misconception, diagnose, diagnoser, modified_by,
                                           raised_by, value_of)
from grader.topics import registry

PROBE = "grader.topics.families.probes:call"


Args = dict[str, Any]  # named arguments, in call order


def call_spec(module: str, func: str, args: Args, curve: np.ndarray | None = None,
              helpers: Sequence[str] = (), own_helpers: Sequence[str] = ()) -> CallSpec:
    """``helpers``: names of the contract's helpers (relu, d_relu) bound to right ones during the
    call where the module imported them; ``own_helpers``: graded functions of the module itself
    (sigmoid beside d_sigmoid), bound to right ones too, since another check grades them."""
    spec: CallSpec = {"probe": PROBE, "module": module, "func": func,
            "args": list(args.values()), "names": list(args)}
    if helpers:
        spec["helpers"] = list(helpers)
    if own_helpers:
        spec["own_helpers"] = list(own_helpers)
    if curve is not None:
        spec["curve"] = curve  # also evaluated on an input range, for a plot
    return spec


def named_args(spec: CallSpec) -> Args:
    return dict(zip(spec["names"], copy.deepcopy(spec["args"])))


def add_call_check(topic: Topic, name: str, points: float, module: str, func: str,
                   make_args: Callable[[np.random.Generator], Args],
                   expected: Callable[..., Any],
                   misconceptions: Sequence[Misconception] = (),
                   rtol: float = 1e-6, atol: float = 1e-8, scalar: bool = False,
                   curve: Callable[[], np.ndarray] | None = None,
                   helpers: Sequence[str] = ()) -> None:
    """A check that calls ``func(**args)`` and compares its result with ``expected(**args)``;
    the arguments must come back unmodified. ``misconceptions`` about ``value_of(func)``
    explain a wrong value, those about ``raised_by(func)`` an exception, and those about
    ``modified_by(func)`` a changed argument. ``helpers``: the course's functions ``func``
    calls that other checks grade (``d_sigmoid`` calls ``sigmoid``): during this call they
    are the course's own (``families/course.py``), so one slip costs one check."""
    graded_here = {name for name, where in registry.defined_names().items() if where == module}
    own = tuple(h for h in helpers if h in graded_here)
    imported = tuple(h for h in helpers if h not in graded_here)

    def build(rng: np.random.Generator) -> CallSpec:
        from grader.judging import curves
        return call_spec(module, func, make_args(rng), curve() if curve and curves.wanted() else None,
                         helpers=imported, own_helpers=own)

    def judge(spec: CallSpec, outcome: CallOutcome) -> Verdict:
        if outcome.get("error") is not None:
            hint = diagnose(misconceptions, raised_by(func), Evidence(None, named_args(spec), outcome["error"]))
            return error_verdict(outcome, func, hint)
        args = named_args(spec)
        verdict = compare(outcome["result"], expected(**named_args(spec)),
                          inputs=describe_inputs(**args), what=func, rtol=rtol, atol=atol,
                          diagnose=diagnoser(misconceptions, value_of(func), named_args(spec)), scalar=scalar,
                          given=named_args(spec), recompute=expected)
        verdict = all_of(verdict, unmodified(spec, outcome, func, misconceptions))
        if curve is not None and not verdict.passed:
            from grader.judging import curves
            curves.record_curve(topic.name, func, spec, outcome, expected)
        return with_warnings(verdict, outcome)

    topic.add(name, points, build, judge)


def unmodified(spec: CallSpec, outcome: CallOutcome, func: str,
               misconceptions: Sequence[Misconception] = ()) -> Verdict:
    """Fail when the student's function changed an array it was given."""
    for name, before, after in zip(spec["names"], spec["args"], outcome.get("args_after", [])):
        if isinstance(before, np.ndarray) and not same(after, before, rtol=0, atol=0):
            hint = diagnose(misconceptions, modified_by(func), Evidence(after, named_args(spec)))
            return Verdict.fail(("fail.modified", {"what": func, "arg": name}), *hint)
    return Verdict.ok()
