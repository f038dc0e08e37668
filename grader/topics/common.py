"""Building blocks for topic declarations: a call of one student function, judged."""
from __future__ import annotations

import copy
from typing import Any, Callable, Sequence

import numpy as np

from grader.checks import Topic, Verdict
from grader.judge import Hint, all_of, compare, describe_inputs, error_verdict, same, with_warnings

Args = dict[str, Any]  # named arguments, in call order


def call_spec(module: str, func: str, args: Args) -> dict:
    return {"probe": "call", "module": module, "func": func,
            "args": list(args.values()), "names": list(args)}


def named_args(spec: dict) -> Args:
    return dict(zip(spec["names"], copy.deepcopy(spec["args"])))


def add_call_check(topic: Topic, name: str, points: float, module: str, func: str,
                   make_args: Callable[[np.random.Generator], Args],
                   expected: Callable[..., Any],
                   hints: Callable[..., Sequence[Hint]] = lambda **_: (),
                   rtol: float = 1e-6, atol: float = 1e-8, scalar: bool = False) -> None:
    """A check that calls ``func(**args)`` and compares its result with ``expected(**args)``;
    the arguments must come back unmodified."""

    def build(rng: np.random.Generator) -> dict:
        return call_spec(module, func, make_args(rng))

    def judge(spec: dict, outcome: dict) -> Verdict:
        failed = error_verdict(outcome, func)
        if failed:
            return failed
        args = named_args(spec)
        verdict = compare(outcome["result"], expected(**named_args(spec)),
                          inputs=describe_inputs(**args), what=func, rtol=rtol, atol=atol,
                          hints=hints(**named_args(spec)), scalar=scalar)
        return with_warnings(all_of(verdict, unmodified(spec, outcome, func)), outcome)

    topic.add(name, points, build, judge)


def unmodified(spec: dict, outcome: dict, func: str) -> Verdict:
    """Fail when the student's function changed an array it was given."""
    for name, before, after in zip(spec["names"], spec["args"], outcome.get("args_after", [])):
        if isinstance(before, np.ndarray) and not same(after, before, rtol=0, atol=0):
            return Verdict.fail(("fail.modified", {"what": func, "arg": name}))
    return Verdict.ok()


def output_is(alternative: Callable[[], Any], rtol: float = 1e-5) -> Callable[[np.ndarray], bool]:
    """A recogniser: the student's output equals what ``alternative`` (the mistake) computes."""
    def recognise(actual: np.ndarray) -> bool:
        with np.errstate(all="ignore"):
            return same(actual, alternative(), rtol=rtol, atol=1e-9)
    return recognise


def not_finite(actual: np.ndarray) -> bool:
    return not np.isfinite(np.asarray(actual, dtype=float)).all()
