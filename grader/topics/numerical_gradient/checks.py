"""Checks of numerical_gradient (functions.py)."""
from __future__ import annotations

from typing import Callable

import numpy as np

from grader.boundary.wire_types import NumericalGradientOutcome, NumericalGradientSpec
from grader.judging.checks import Topic, Verdict
from grader.judging.compare import as_array, compare, describe_inputs, error_verdict, same, with_warnings
from grader.judging.misconceptions import Evidence, Misconception, diagnose, equals, modified_by, value_of
from reference import functions as ref
from grader.topics.numerical_gradient import probe as probes


def _zeros_for_lambda(e: Evidence) -> bool:
    """A loss that reads x by reference never sees a perturbed copy: every difference is 0."""
    return e.inputs["by_reference"] and same(e.actual, np.zeros_like(e.inputs["x"]), rtol=0, atol=1e-12)


def _rounded_off(e: Evidence) -> bool:
    """Exactly 0 everywhere for a loss called with x itself, whose gradient is not 0: the step
    is so small that x + h rounds back to x (the book's h = 1e-50)."""
    return (not e.inputs["by_reference"] and same(e.actual, np.zeros_like(e.inputs["x"]), rtol=0, atol=0)
            and bool(np.any(e.inputs["expected"] != 0)))


def _left_shifted(e: Evidence) -> bool:
    """x came back moved by about ±h: entries were perturbed and not put back."""
    after, x = as_array(e.actual), e.inputs["x"]
    return after.shape == x.shape and bool(np.allclose(after, x, rtol=0, atol=2.5 * ref.H))


def _forward_difference(loss, x: np.ndarray) -> np.ndarray:
    x = x.copy()
    grad = np.zeros_like(x)
    base = loss(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + ref.H
        grad[idx] = (loss(x) - base) / ref.H
        x[idx] = old
    return grad


def _central(loss, x: np.ndarray, h: float) -> np.ndarray:
    x = x.copy()
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = loss(x)
        x[idx] = old - h
        grad[idx] = (plus - loss(x)) / (2 * h)
        x[idx] = old
    return grad


def _row_by_row(e: Evidence) -> bool:
    """The book's batch loop: f called on one row at a time (right only for a loss that is a sum over rows)."""
    x, loss = e.inputs["x"], probes.LOSSES[e.inputs["loss"]]
    return (x.ndim == 2 and not e.inputs["by_reference"]
            and same(e.actual, np.stack([_central(loss, row, ref.H) for row in x]), rtol=1e-4))


def step_used(e: Evidence) -> float | None:
    """The step h a central difference used, read off the cubic's error (CUBIC·h² in every
    entry), or found among the usual wrong ones on other losses; None: not a central difference."""
    x, actual = e.inputs["x"], as_array(e.actual)
    if e.inputs["loss"] == "cubic":
        error = actual.astype(float) - probes.EXACT_GRADIENTS["cubic"](x)
        if error.shape == x.shape and np.all(error > 0) and np.ptp(error) <= 1e-3 * np.max(error) + 1e-12:
            return float(np.sqrt(np.mean(error) / probes.CUBIC))
        return None
    loss = probes.LOSSES[e.inputs["loss"]]
    for h in (1e-1, 1e-2, 1e-3):
        if same(actual, _central(loss, x, h), rtol=1e-6, atol=1e-9):
            return h
    return None


def _other_step(e: Evidence) -> bool:
    h = step_used(e)
    return h is not None and abs(h / ref.H - 1) > 0.05


def _multiple(factor: float, of: str) -> Callable[..., np.ndarray]:
    return lambda **inputs: factor * inputs[of]


# What a call of numerical_gradient shows: the gradient it returned, the x it left behind.
RETURNED, MODIFIED = value_of("numerical_gradient"), modified_by("numerical_gradient")

MISCONCEPTIONS = (
    Misconception("numerical_gradient.step_rounded_off", RETURNED, "hint.numgrad_step_rounded_off",
                  _rounded_off, "exactly 0 for a loss that gets x itself: x + h == x, the step below rounding"),
    Misconception("numerical_gradient.step", RETURNED, "hint.numgrad_step", _other_step,
                  "a central difference with another step: the cubic loss's error CUBIC·h² names it",
                  fields=lambda e: {"h": f"{step_used(e):.2g}"}),
    Misconception("numerical_gradient.forward_difference", RETURNED, "hint.numgrad_forward_difference",
                  lambda e: same(e.actual, _forward_difference(probes.LOSSES[e.inputs["loss"]], e.inputs["x"]),
                                 rtol=1e-4), "equals (f(x + h) − f(x)) / h"),
    Misconception("numerical_gradient.no_2h", RETURNED, "hint.numgrad_no_2h",
                  equals(_multiple(2, "expected"), rtol=1e-4), "exactly twice the central difference"),
    Misconception("numerical_gradient.row_by_row", RETURNED, "hint.numgrad_row_by_row", _row_by_row,
                  "right when the loss is a sum over rows; f(row) for each row of a 2-D x otherwise"),
    Misconception("numerical_gradient.perturbs_copy", RETURNED, "hint.numgrad_by_reference",
                  _zeros_for_lambda, "right for f(x); all zeros for the course's lambda W: loss(...) that reads x"),
    Misconception("numerical_gradient.not_restored", MODIFIED, "hint.numgrad_restore",
                  _left_shifted, "x comes back moved by ±h: entries not put back"),
)


def declare() -> Topic:
    topic = Topic("numerical_gradient")
    cases = {
        "sum_of_squares": (lambda rng: rng.normal(size=(3, 4)), "sum_of_squares", False),
        "smooth_1d": (lambda rng: rng.normal(size=5), "smooth_mix", False),
        "lambda_by_reference": (lambda rng: rng.normal(size=(2, 3)), "smooth_mix", True),
        # A loss that couples the rows, passed by value: f must see the whole 2-D x.
        "matrix_by_value": (lambda rng: rng.normal(size=(3, 4)), "smooth_mix", False),
        # Small entries of a cubic: the central difference's h² error decides.
        "cubic_step": (lambda rng: rng.choice([-1, 1], size=6) * rng.uniform(0.01, 0.02, size=6), "cubic", False),
    }
    for name, (make_x, loss, by_reference) in cases.items():
        topic.add(name, 1,
                  lambda rng, make_x=make_x, loss=loss, by_reference=by_reference: {
                      "probe": "grader.topics.numerical_gradient.probe:numerical_gradient", "x": make_x(rng), "loss": loss,
                      "by_reference": by_reference},
                  _judge_numerical_gradient)
    return topic


def _judge_numerical_gradient(spec: NumericalGradientSpec, outcome: NumericalGradientOutcome) -> Verdict:
    failed = error_verdict(outcome, "numerical_gradient")
    if failed:
        return failed
    x = spec["x"].copy()
    f = probes.by_reference(spec["loss"], x) if spec["by_reference"] else probes.LOSSES[spec["loss"]]
    expected = ref.numerical_gradient(f, x)
    evidence = {"x": spec["x"], "loss": spec["loss"], "by_reference": spec["by_reference"], "expected": expected}
    # Restoring x comes first: a gradient taken around moved entries is wrong for that reason.
    if not same(outcome.get("x_after"), spec["x"], rtol=0, atol=0):
        hint = diagnose(MISCONCEPTIONS, MODIFIED, Evidence(outcome.get("x_after"), evidence))
        return with_warnings(Verdict.fail(("fail.modified", {"what": "numerical_gradient", "arg": "x"}), *hint),
                             outcome)
    rtol, atol = 1e-5, 1e-7
    if spec["loss"] == "cubic":
        # Judged against the exact derivative: any step up to the course's h passes (its error
        # CUBIC·h² is at most half the tolerance), a larger one does not.
        expected, rtol, atol = probes.EXACT_GRADIENTS["cubic"](spec["x"]), 0.0, 2 * probes.CUBIC * ref.H ** 2
    verdict = compare(outcome["result"], expected, inputs=describe_inputs(x=spec["x"]) + f", f={spec['loss']}",
                      what="numerical_gradient", rtol=rtol, atol=atol,
                      diagnose=lambda a: diagnose(MISCONCEPTIONS, RETURNED, Evidence(a, evidence)))
    if not verdict.passed:
        verdict = Verdict.fail(*verdict.messages, *_against_exact_derivative(outcome["result"], spec))
    return with_warnings(verdict, outcome)


def _against_exact_derivative(actual, spec: NumericalGradientSpec) -> tuple:
    """How far the student's gradient is from the loss's exact derivative (not from a method)."""
    exact = probes.EXACT_GRADIENTS[spec["loss"]](spec["x"])
    array = as_array(actual)
    if array is None or array.shape != exact.shape:
        return ()
    error = np.max(np.abs(array - exact)) / max(float(np.max(np.abs(exact))), 1e-12)
    return (("fail.exact_gradient", {"loss": spec["loss"], "error": f"{error:.2g}"}),)
