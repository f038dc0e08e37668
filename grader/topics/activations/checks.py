"""Checks of the activation functions and their derivatives (functions.py)."""
from __future__ import annotations


import numpy as np

from grader.boundary.wire_types import CallOutcome, CallSpec
from grader.judging.checks import Topic, Verdict
from grader.judging.compare import all_of, as_array, compare, describe_inputs, error_verdict, same, with_warnings
from grader.judging.misconceptions import (Evidence, Misconception, Part, about_any, any_of, diagnose, equals,
                                           modified_by, raised, raised_by, value_of)
from grader.topics.families.calls import add_call_check, call_spec, unmodified
from reference import functions as ref


M = "functions"


def _step_reversed(e: Evidence) -> bool:
    x, actual = e.inputs["x"], as_array(e.actual)
    decided = x != 0  # at exactly 0 either value is allowed, so only the rest is evidence
    return actual.shape == x.shape and same(actual[decided], (x < 0)[decided])


MISCONCEPTIONS = (
    Misconception("activations.step_reversed", value_of("step_function"), "hint.step_negative", _step_reversed,
                  "1 exactly where x < 0: the comparison turned round"),
    Misconception("activations.sigmoid_sign", value_of("sigmoid"), "hint.sigmoid_sign",
                  equals(lambda x: 1 / (1 + np.exp(x))), "equals 1/(1 + exp(+x)) = sigmoid(−x)"),
    Misconception("activations.d_sigmoid_of_output", value_of("d_sigmoid"), "hint.d_sigmoid_of_output",
                  equals(lambda x: x * (1 - x)), "equals x·(1 − x): s·(1 − s) applied to u instead of s = sigmoid(u)"),
    Misconception("activations.d_sigmoid_plus", value_of("d_sigmoid"), "hint.d_sigmoid_formula",
                  equals(lambda x: ref.sigmoid(x) * (1 + ref.sigmoid(x))), "equals s·(1 + s)"),
    Misconception("activations.relu_minimum", value_of("relu"), "hint.relu_minimum",
                  equals(lambda x: np.minimum(0, x)), "equals np.minimum(0, x)"),
    Misconception("activations.relu_np_max", raised_by("relu"), "hint.relu_np_max",
                  any_of(raised("exception", "TypeError", ["only integer scalar arrays", "cannot be interpreted"]),
                         raised("exception", "ValueError", ["truth value of an array"])),
                  "np.max(0, x) takes x as an axis (TypeError); max(0, x) compares a whole array (ValueError)"),
    Misconception("activations.d_relu_at_zero", value_of("d_relu"), "hint.d_relu_at_zero",
                  equals(lambda x: np.where(x >= 0, 1.0, 0.0)), "right except 1 at exactly x = 0 (x >= 0)"),
    Misconception("activations.d_relu_is_relu", value_of("d_relu"), "hint.d_relu_is_relu",
                  equals(lambda x: ref.relu(x)), "equals relu(x) itself"),
)


def _about(*parts: Part) -> tuple[Misconception, ...]:
    return about_any(MISCONCEPTIONS, *parts)


def _curve() -> np.ndarray:
    return np.linspace(-6, 6, 241)  # holds 0, where step_function and d_relu are decided


def declare() -> Topic:
    topic = Topic("activations")
    topic.add("step_function", 1, _step_spec, _judge_step_function)
    funcs = {"sigmoid": (ref.sigmoid, lambda rng: {"x": rng.uniform(-20, 20, size=(3, 6))}),
             "d_sigmoid": (ref.d_sigmoid, lambda rng: {"x": rng.uniform(-6, 6, size=(3, 6))}),
             "relu": (ref.relu, lambda rng: {"x": _with_zeros(rng.normal(size=(4, 5)) * 3)}),
             "d_relu": (ref.d_relu, lambda rng: {"x": _with_zeros(rng.normal(size=(4, 5)) * 3)})}
    # d_sigmoid is judged with the course's sigmoid: a slip in sigmoid costs the sigmoid check only
    helpers = {"d_sigmoid": ("sigmoid",)}
    for func, (expected, make) in funcs.items():
        add_call_check(topic, func, 1, M, func, make, expected=expected,
                       misconceptions=_about(value_of(func), raised_by(func), modified_by(func)), curve=_curve,
                       helpers=helpers.get(func, ()))
    return topic


def _with_zeros(x: np.ndarray) -> np.ndarray:
    x.flat[::4] = 0.0  # the kink: where step_function and d_relu are decided
    return x


def _step_spec(rng: np.random.Generator) -> CallSpec:
    from grader.judging import curves
    return call_spec(M, "step_function", {"x": _with_zeros(rng.normal(size=(4, 5)) * 3)},
                     _curve() if curves.wanted() else None)


def _judge_step_function(spec: CallSpec, outcome: CallOutcome) -> Verdict:
    """At exactly 0 the course allows either value, so there the student's 0 or 1 stands."""
    failed = error_verdict(outcome, "step_function")
    if failed:
        return failed
    x = spec["args"][0]
    expected = ref.step_function(x).astype(float)
    actual = as_array(outcome["result"])
    if actual is not None and actual.shape == x.shape and np.isin(actual[x == 0], (0, 1)).all():
        expected[x == 0] = actual[x == 0]
    verdict = compare(outcome["result"], expected, inputs=describe_inputs(x=x), what="step_function",
                      diagnose=lambda a: diagnose(MISCONCEPTIONS, value_of("step_function"), Evidence(a, {"x": x})))
    verdict = all_of(verdict, unmodified(spec, outcome, "step_function"))
    if not verdict.passed:
        from grader.judging import curves
        curves.record_curve("activations", "step_function", spec, outcome, ref.step_function)
    return with_warnings(verdict, outcome)
