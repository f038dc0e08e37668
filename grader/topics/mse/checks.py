"""Checks of mean_squared_error and d_mean_squared_error (functions.py)."""
from __future__ import annotations


import numpy as np

from grader.judging.checks import Topic
from grader.judging.misconceptions import Misconception, Part, about_any, equals, raised_by, value_of
from grader.topics.families.calls import add_call_check
from reference import functions as ref


M = "functions"


MISCONCEPTIONS = (
    Misconception("mse.no_half", value_of("mean_squared_error"), "hint.mse_no_half",
                  equals(lambda d, y: 2 * ref.mean_squared_error(d, y)), "exactly twice the reference"),
    Misconception("mse.element_mean", value_of("mean_squared_error"), "hint.mse_element_mean",
                  equals(lambda d, y: 0.5 * np.mean((y - d) ** 2)), "½·mean over every element"),
    Misconception("mse.no_batch_mean", value_of("mean_squared_error"), "hint.mse_no_batch_mean",
                  equals(lambda d, y: 0.5 * np.sum((y - d) ** 2)), "one sample right; a batch off by the batch size"),
    Misconception("mse.d_element_mean", value_of("d_mean_squared_error"), "hint.d_mse_element_mean",
                  equals(lambda d, y: (y - d) / y.size), "(y − d) / y.size: the course's element mean"),
    Misconception("mse.d_sign", value_of("d_mean_squared_error"), "hint.d_mse_sign",
                  equals(lambda d, y: -ref.d_mean_squared_error(d, y)), "the reference with the sign flipped"),
    Misconception("mse.d_no_batch_mean", value_of("d_mean_squared_error"), "hint.d_mse_no_batch_mean",
                  equals(lambda d, y: y - d), "one sample right; a batch's gradient batch_size times too large"),
)


def _about(*parts: Part) -> tuple[Misconception, ...]:
    return about_any(MISCONCEPTIONS, *parts)


def declare() -> Topic:
    topic = Topic("mse")
    one = lambda rng: {"d": rng.normal(size=4), "y": rng.normal(size=4)}  # noqa: E731
    batch = lambda rng: {"d": rng.normal(size=(5, 3)), "y": rng.normal(size=(5, 3))}  # noqa: E731
    for name, func, expected, make, scalar in (
            ("one_sample", "mean_squared_error", ref.mean_squared_error, one, True),
            ("batch", "mean_squared_error", ref.mean_squared_error, batch, True),
            ("gradient_one_sample", "d_mean_squared_error", ref.d_mean_squared_error, one, False),
            ("gradient_batch", "d_mean_squared_error", ref.d_mean_squared_error, batch, False)):
        add_call_check(topic, name, 1, M, func, make, expected,
                       misconceptions=_about(value_of(func), raised_by(func)), scalar=scalar)
    return topic
