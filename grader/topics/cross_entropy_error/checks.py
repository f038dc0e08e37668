"""Checks of cross_entropy_error (functions.py)."""
from __future__ import annotations


import numpy as np

from grader.judging.checks import Topic
from grader.judging.misconceptions import (Misconception, Part, about_any, any_of, equals, not_finite, raised,
                                           raised_by, value_of)
from grader.topics.families.calls import add_call_check
from reference import functions as ref


M = "functions"


def _cee_without_delta(d, y):
    y2 = np.atleast_2d(y)
    labels = ref.labels_of(d, y2)
    return -np.sum(np.log(y2[np.arange(labels.size), labels])) / labels.size


def _cee_all_classes(d, y):
    return -np.sum(np.log(y + 1e-7)) / np.atleast_2d(y).shape[0]


def _cee_times_labels(d, y):
    """−Σ d·log y taken literally with class indices d, as if they were one-hot rows."""
    y2 = np.atleast_2d(y)
    d2 = np.reshape(d, (1, -1)) if np.ndim(y) == 1 else np.asarray(d)
    return -np.sum(d2 * np.log(y2 + 1e-7)) / y2.shape[0]


def _labels(d, y) -> bool:
    return np.size(d) != np.size(y)


def _one_hot(d, y) -> bool:
    return np.size(d) == np.size(y)


# What a call of cross_entropy_error shows: its value, or the error it raised.
RETURNED, RAISED = value_of("cross_entropy_error"), raised_by("cross_entropy_error")

MISCONCEPTIONS = (
    Misconception("cross_entropy_error.no_delta", RETURNED, "hint.cee_delta",
                  any_of(not_finite, equals(_cee_without_delta, rtol=1e-9)),
                  "inf where a probability is 0: no 1e-7 inside the log"),
    Misconception("cross_entropy_error.no_batch_mean", RETURNED, "hint.cee_batch_mean",
                  equals(lambda d, y: ref.cross_entropy_error(d, y) * np.atleast_2d(y).shape[0]),
                  "one sample right; a batch off by exactly the batch size"),
    Misconception("cross_entropy_error.sign", RETURNED, "hint.cee_sign",
                  equals(lambda d, y: -ref.cross_entropy_error(d, y)), "the reference with the sign flipped"),
    Misconception("cross_entropy_error.all_classes", RETURNED, "hint.cee_all_entries",
                  equals(_cee_all_classes), "−Σ log(y + 1e-7) over every class, not only the true one"),
    Misconception("cross_entropy_error.one_hot_as_index", RAISED, "hint.cee_one_hot_index",
                  raised("exception", "IndexError", when=_one_hot),
                  "labels pass; one-hot d raises IndexError: d used as indices without argmax"),
    Misconception("cross_entropy_error.labels_as_one_hot", (RETURNED, RAISED),
                  "hint.cee_labels_as_one_hot",
                  any_of(raised("exception", "ValueError", ["broadcast"], when=_labels),
                         lambda e: _labels(**e.inputs) and equals(_cee_times_labels)(e)),
                  "one-hot d passes; class labels give −Σ d·log y with d the label numbers, or a broadcast error"),
)


def _about(*parts: Part) -> tuple[Misconception, ...]:
    return about_any(MISCONCEPTIONS, *parts)


def declare() -> Topic:
    topic = Topic("cross_entropy_error")

    def probabilities(rng, shape):
        return ref.softmax(rng.normal(size=shape) * 2)

    cases = {
        "one_hot_1d": lambda rng: {"d": np.eye(5)[rng.integers(5)], "y": probabilities(rng, 5)},
        "label_1d": lambda rng: {"d": np.array(rng.integers(5)), "y": probabilities(rng, 5)},
        "one_hot_batch": lambda rng: {"d": np.eye(4)[rng.integers(4, size=6)], "y": probabilities(rng, (6, 4))},
        "labels_batch": lambda rng: {"d": rng.integers(4, size=6), "y": probabilities(rng, (6, 4))},
        "batch_of_one": lambda rng: {"d": np.array([2]), "y": probabilities(rng, (1, 3))},
        "zero_probability": lambda rng: {"d": np.array([0, 1, 2]), "y": np.array(
            [[0.0, 0.5, 0.5], [0.2, 0.8, 0.0], [0.3, 0.7, 0.0]])},
    }
    for name, make in cases.items():
        add_call_check(topic, name, 1, M, "cross_entropy_error", make, ref.cross_entropy_error,
                       _about(RETURNED, RAISED), rtol=1e-6, scalar=True)
    return topic
