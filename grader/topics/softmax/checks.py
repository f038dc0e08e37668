"""Checks of softmax (functions.py)."""
from __future__ import annotations


import numpy as np

from grader.boundary.wire_types import CallOutcome, CallSpec
from grader.judging.checks import Topic, Verdict
from grader.judging.compare import as_array, compare, describe_inputs, error_verdict, same, with_warnings
from grader.judging.misconceptions import (Evidence, Misconception, Part, about_any, diagnose, equals,
                                           modified_by, not_finite, raised, raised_by, value_of)
from grader.topics.families.calls import add_call_check, call_spec
from reference import functions as ref


M = "functions"


def _softmax_axis0(x: np.ndarray) -> np.ndarray:
    """The course's `x = x - np.max(x, axis=0)` for a batch, without transposing it first."""
    e = np.exp(x - x.max(axis=0))
    return e / e.sum(axis=0)


def _axis0(e: Evidence) -> bool:
    """The softmax over columns (nan where a column's maximum underflows a whole row, too)."""
    x, actual = e.inputs["x"], as_array(e.actual)
    with np.errstate(all="ignore"):
        alternative = _softmax_axis0(x)
    return (actual is not None and actual.shape == x.shape
            and bool(np.allclose(actual.astype(float), alternative, rtol=1e-6, atol=1e-9, equal_nan=True)))


def _global_sum(e: Evidence) -> bool:
    """Each row has the right proportions, but the whole batch sums to 1 instead of each row."""
    x, actual = e.inputs["x"], as_array(e.actual).astype(float)
    rows = actual / actual.sum(axis=-1, keepdims=True)
    return x.ndim == 2 and x.shape[0] > 1 and same(rows, ref.softmax(x)) and same(actual.sum(), 1.0)


def _global_max(e: Evidence) -> bool:
    """One maximum for the whole batch: rows far below it underflow to 0/0 (nan) or lose precision."""
    x = e.inputs["x"]
    shifted = np.exp(x - np.max(x))
    alternative = shifted / shifted.sum(axis=-1, keepdims=True)
    actual = as_array(e.actual)
    return (x.ndim == 2 and actual is not None and actual.shape == x.shape and not np.isfinite(alternative).all()
            and bool(np.allclose(actual.astype(float), alternative, rtol=1e-6, atol=1e-9, equal_nan=True)))


def _rows_of_different_scale(rng: np.random.Generator) -> dict:
    """Rows whose values differ by more than 1000 (one global maximum underflows the small
    rows whole) and rows of tied maxima (an argmax-based shift must pick any one of them)."""
    return {"x": np.stack([2000 + rng.normal(size=6), rng.normal(size=6), -1500 + rng.normal(size=6),
                           np.array([3.0, 3.0, 1.0, 3.0, -2.0, 0.0]), np.full(6, 7.0)])}  # not square


MISCONCEPTIONS = (
    Misconception("softmax.global_max", value_of("softmax"), "hint.softmax_global_max", _global_max,
                  "rows far below the batch's maximum come back nan: np.max(x) over the whole batch"),
    Misconception("softmax.axis", value_of("softmax"), "hint.softmax_axis", _axis0,
                  "a batch's result equals the softmax over axis 0 (columns) instead of rows"),
    Misconception("softmax.overflow", value_of("softmax"), "hint.softmax_overflow", not_finite,
                  "right on small inputs, nan/inf at x ≈ 1000: no maximum subtracted before exp"),
    Misconception("softmax.global_sum", value_of("softmax"), "hint.softmax_global_sum", _global_sum,
                  "rows in the right proportions, but the whole batch sums to 1"),
    Misconception("softmax.keepdims", raised_by("softmax"), "hint.softmax_keepdims",
                  raised("exception", "ValueError", ["broadcast"], when=lambda x: x.ndim == 2),
                  "1-D inputs pass, a (B, C) batch raises a broadcasting ValueError: max/sum without keepdims"),
    Misconception("softmax.in_place", modified_by("softmax"), "hint.softmax_in_place",
                  equals(lambda x: x - x.max(axis=-1, keepdims=True)),
                  "the caller's x comes back as x − max: `x -= …` changed the argument"),
)


def _about(*parts: Part) -> tuple[Misconception, ...]:
    return about_any(MISCONCEPTIONS, *parts)


def declare() -> Topic:
    topic = Topic("softmax")
    cases = {
        "1d": lambda rng: {"x": rng.normal(size=6)},
        "batch": lambda rng: {"x": rng.normal(size=(5, 4)) * 2},
        "batch_of_one": lambda rng: {"x": rng.normal(size=(1, 7))},
        "large_inputs": lambda rng: {"x": 1000 + rng.normal(size=(3, 4)) * 5},
        "large_1d": lambda rng: {"x": np.array([1000.0, 1000.0 + np.log(3.0), -1000.0])},
        "rows_of_different_scale": _rows_of_different_scale,
    }
    for name, make in cases.items():
        add_call_check(topic, name, 1, M, "softmax", make, expected=ref.softmax,
                       misconceptions=_about(value_of("softmax"), raised_by("softmax"), modified_by("softmax")),
                       curve=softmax_curve)
    topic.add("rows_sum_to_one", 1, lambda rng: call_spec(M, "softmax", {"x": rng.normal(size=(6, 3)) * 50}),
              _judge_rows_sum_to_one)
    return topic


def softmax_curve() -> np.ndarray:
    """Rows [s, 0, −1] for s across a range, and the same rows shifted by 1000 (where overflow shows)."""
    s = np.linspace(-8, 8, 161)
    rows = np.stack([s, np.zeros_like(s), -np.ones_like(s)], axis=1)
    return np.concatenate([rows, rows + 1000.0])


def _judge_rows_sum_to_one(spec: CallSpec, outcome: CallOutcome) -> Verdict:
    failed = error_verdict(outcome, "softmax")
    if failed:
        return failed
    x = spec["args"][0]
    result = outcome["result"]
    array = as_array(result)
    sums = array.sum(axis=-1) if array is not None and array.shape == x.shape else result
    verdict = compare(sums, np.ones(x.shape[0]), inputs=describe_inputs(x=x), what="softmax(x).sum(axis=1)",
                      diagnose=lambda _: diagnose(MISCONCEPTIONS, value_of("softmax"), Evidence(result, {"x": x})),
                      rtol=1e-9, atol=1e-9)
    return with_warnings(verdict, outcome)
