"""Checks of the L2 and L1 penalties and gradients (regularization.py)."""
from __future__ import annotations

import numpy as np

from grader.judging.checks import Topic
from grader.judging.misconceptions import Misconception, about_any, any_of, equals, not_finite, value_of
from grader.topics.families.calls import add_call_check
from reference import regularization as ref

M = "regularization"
LAMBDA = 0.1  # not 1: a missing λ shows


def _sum(weights, term) -> float:
    return float(sum(np.sum(term(W)) for W in weights))


MISCONCEPTIONS = (
    Misconception("regularization.l2_norm_not_squared", value_of("l2_penalty"), "hint.l2_norm_not_squared",
                  equals(lambda weights, weight_decay_lambda: 0.5 * weight_decay_lambda * sum(
                      np.sqrt(np.sum(W ** 2)) for W in weights)),
                  "½·λ·Σ √(ΣW²): the norm, not its square (the course's own slip)"),
    Misconception("regularization.l2_no_half", value_of("l2_penalty"), "hint.l2_no_half",
                  equals(lambda weights, weight_decay_lambda: weight_decay_lambda * _sum(weights, np.square)),
                  "λ·ΣW²: twice the reference, the ½ left out"),
    Misconception("regularization.l2_last_array_only", value_of("l2_penalty"), "hint.penalty_last_array_only",
                  equals(lambda weights, weight_decay_lambda: 0.5 * weight_decay_lambda * np.sum(weights[-1] ** 2)),
                  "only the last array of the list counts: = instead of +="),
    Misconception("regularization.l2_gradient_doubled", value_of("l2_gradient"), "hint.l2_gradient_doubled",
                  equals(lambda W, weight_decay_lambda: 2 * weight_decay_lambda * W),
                  "2λW: the derivative of λ·ΣW² rather than of ½·λ·ΣW²"),
    Misconception("regularization.l1_signed_sum", value_of("l1_penalty"), "hint.l1_signed_sum",
                  equals(lambda weights, weight_decay_lambda: weight_decay_lambda * _sum(weights, lambda W: W)),
                  "λ·ΣW: the signed sum, without |·|"),
    Misconception("regularization.l1_with_half", value_of("l1_penalty"), "hint.l1_with_half",
                  equals(lambda weights, weight_decay_lambda: 0.5 * weight_decay_lambda * _sum(weights, np.abs)),
                  "½·λ·Σ|W|: the L2 penalty's ½ carried over"),
    Misconception("regularization.l1_gradient_nan_at_zero", value_of("l1_gradient"), "hint.l1_gradient_nan_at_zero",
                  not_finite, "nan where W = 0: λ·W/|W| instead of λ·sign(W)"),
    Misconception("regularization.l1_gradient_without_sign", value_of("l1_gradient"), "hint.l1_gradient_without_sign",
                  any_of(equals(lambda W, weight_decay_lambda: weight_decay_lambda * np.ones_like(W)),
                         lambda e: np.size(e.actual) == 1 and np.size(e.inputs["W"]) > 1
                         and equals(lambda W, weight_decay_lambda: weight_decay_lambda)(e)),
                  "λ everywhere (or λ alone, one number): the sign of W left out"),
    Misconception("regularization.l1_gradient_is_l2", value_of("l1_gradient"), "hint.l1_gradient_is_l2",
                  equals(lambda W, weight_decay_lambda: weight_decay_lambda * W), "λ·W: the L2 gradient"),
)


def _about(func: str) -> tuple[Misconception, ...]:
    return about_any(MISCONCEPTIONS, value_of(func))


def _weights(rng: np.random.Generator) -> list[np.ndarray]:
    """Three arrays of different shapes, with negative entries (|·| matters) and norms ≠ 1."""
    return [rng.normal(size=(4, 3)) * 2, rng.normal(size=(3, 5)), rng.normal(size=(5, 2)) * 0.5]


def _with_zeros(rng: np.random.Generator) -> np.ndarray:
    W = rng.normal(size=(4, 5))
    W[0, :2] = 0.0  # sign(0) = 0: where λ·W/|W| breaks
    return W


def declare() -> Topic:
    topic = Topic("regularization")
    cases = (
        ("l2_penalty", "l2_penalty", lambda rng: {"weights": _weights(rng), "weight_decay_lambda": LAMBDA}, True),
        ("l2_penalty_one_array", "l2_penalty",
         lambda rng: {"weights": [rng.normal(size=(3, 4)) * 2], "weight_decay_lambda": 0.05}, True),
        ("l2_gradient", "l2_gradient", lambda rng: {"W": rng.normal(size=(4, 3)), "weight_decay_lambda": LAMBDA}, False),
        ("l1_penalty", "l1_penalty", lambda rng: {"weights": _weights(rng), "weight_decay_lambda": LAMBDA}, True),
        ("l1_gradient", "l1_gradient", lambda rng: {"W": _with_zeros(rng), "weight_decay_lambda": LAMBDA}, False),
    )
    for name, func, make, scalar in cases:
        add_call_check(topic, name, 1, M, func, make, expected=getattr(ref, func), misconceptions=_about(func),
                       scalar=scalar)
    return topic
