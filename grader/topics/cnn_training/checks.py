"""Topic cnn_training: a small convolutional net of the student's classes, trained on the digits.

Conv(3×3, 4 filters, pad 1) → Relu → Pooling(2×2, stride 2) → Affine → Relu → Affine →
SoftmaxWithLoss, with the grader's initial weights, split, batch order and SGD (applied in
place to the arrays it handed to the layers). The child sends back the trained weights
only; the held-out digits are scored here, with the reference's layers, and their labels
never leave this process. When training falls short, the first mini-batch's values show
which class computes something other than the reference on the very same inputs.
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from grader.boundary.wire_types import CnnTrainingOutcome, CnnTrainingSpec
from grader.judging.checks import Topic, Verdict
from grader.judging.compare import error_verdict, same, with_warnings
from grader.judging.misconceptions import Evidence, Misconception, diagnose, value_of
from grader.topics.families.digits import load_pixels
from reference import cnn, layers

CLASSES, TEST_SIZE = 10, 360
SPLIT_SEED, INIT_SEED, ORDER_SEED = 20261201, 5, 11
FILTERS, HIDDEN = 4, 32
# One epoch of small batches: one pass already separates a working net from a broken one.
# 60 steps of 24 images cost a quarter less than 90 of 16 (each step calls every layer).
EPOCHS, BATCH_SIZE, LEARNING_RATE = 1, 24, 0.3
THRESHOLD = 0.85  # held-out accuracy to pass; the reference reaches 0.906 (0.74–0.92, median 0.86, over initial-weight seeds 0–11)

TOPIC_OF = {"Convolution": "convolution", "Relu": "layers", "Pooling": "pooling", "Affine": "layers",
            "SoftmaxWithLoss": "layers"}
ORDER = ("Convolution", "Relu", "Pooling", "Affine", "SoftmaxWithLoss")


def _blamed(cls: str):
    return lambda e: e.inputs["broken"][:1] == [cls]


RUN = value_of("run")  # what the training run sent back: its first mini-batch, class by class

MISCONCEPTIONS = tuple(
    Misconception(f"cnn_training.{name}", RUN, f"hint.cnn_training_{name}", _blamed(cls),
                  f"training falls short, and on the first mini-batch {cls} is the first class that differs "
                  "from the reference given the same inputs (or the one training stopped in)")
    for name, cls in (("convolution", "Convolution"), ("relu", "Relu"), ("pooling", "Pooling"),
                      ("affine", "Affine"), ("softmax_with_loss", "SoftmaxWithLoss")))


@functools.cache
def data() -> dict[str, np.ndarray]:
    pixels, labels = load_pixels()
    order = np.random.default_rng(SPLIT_SEED).permutation(len(pixels))
    test, train = order[:TEST_SIZE], order[TEST_SIZE:]
    mean, std = float(pixels[train].mean()), float(pixels[train].std())
    return {"pixels_train": pixels[train], "labels_train": labels[train], "pixels_test": pixels[test],
            "labels_test": labels[test].astype(int), "pixel_mean": mean, "pixel_std": std}


def initial_weights() -> dict[str, np.ndarray]:
    """He initialisation before each ReLU, Xavier for the output layer: the course's choices."""
    rng = np.random.default_rng(INIT_SEED)
    flat = FILTERS * 4 * 4
    return {"W1": rng.standard_normal((FILTERS, 1, 3, 3)) * np.sqrt(2 / 9), "b1": np.zeros(FILTERS),
            "W2": rng.standard_normal((flat, HIDDEN)) * np.sqrt(2 / flat), "b2": np.zeros(HIDDEN),
            "W3": rng.standard_normal((HIDDEN, CLASSES)) / np.sqrt(HIDDEN), "b3": np.zeros(CLASSES)}


def run_spec() -> CnnTrainingSpec:
    """What the child needs to train: never the held-out images or labels."""
    d = data()
    return {"probe": "grader.topics.cnn_training.probe:train", "pixels_train": d["pixels_train"],
            "labels_train": d["labels_train"], "pixel_mean": d["pixel_mean"], "pixel_std": d["pixel_std"],
            "classes": CLASSES, "weights": initial_weights(), "epochs": EPOCHS, "batch_size": BATCH_SIZE,
            "learning_rate": LEARNING_RATE, "order_seed": ORDER_SEED}


def declare() -> Topic:
    topic = Topic("cnn_training")
    topic.add("held_out_accuracy", 4, lambda rng: run_spec(), _judge)
    return topic


def held_out_accuracy(weights: Any) -> float | None:
    """The reference's layers with the student's trained weights, on the held-out digits."""
    try:
        w = {k: np.asarray(weights[k], dtype=float) for k in initial_weights()}
        if any(w[k].shape != v.shape for k, v in initial_weights().items()) or not all(
                np.isfinite(v).all() for v in w.values()):
            return None
    except (TypeError, ValueError, KeyError):
        return None
    d = data()
    h = ((d["pixels_test"] - d["pixel_mean"]) / d["pixel_std"]).reshape(-1, 1, 8, 8)
    for layer in (cnn.Convolution(w["W1"], w["b1"], 1, 1), layers.Relu(), cnn.Pooling(2, 2, 2),
                  layers.Affine(w["W2"], w["b2"]), layers.Relu(), layers.Affine(w["W3"], w["b3"])):
        h = layer.forward(h)
    return float(np.mean(h.argmax(axis=1) == d["labels_test"]))


def _judge(spec: CnnTrainingSpec, outcome: CnnTrainingOutcome) -> Verdict:
    if outcome.get("error") is not None:
        broken = broken_classes(spec, outcome.get("first"))
        failed = error_verdict(outcome, "cnn_training")
        stage = str(outcome.get("stage") or "")
        cls = next((c for c in ORDER if stage.startswith(c)), "")
        stopped = (("fail.cnn_training_stopped", {"stage": stage, "topic": TOPIC_OF[cls]}),) if cls else ()
        blank = outcome["error"].get("kind") == "blank"  # its own message says all
        parts = broken_parts(spec, outcome.get("first"))
        hint = () if blank else diagnose(MISCONCEPTIONS, RUN, Evidence(None, {"broken": broken or [cls]}))
        if hint:
            hint += _first_batch_note(parts, broken) if broken else _later_note(cls, stage, outcome["error"])
        return Verdict.fail(*failed.messages, *stopped, *hint)
    final = held_out_accuracy(outcome.get("weights"))
    if final is not None and final >= THRESHOLD:
        return with_warnings(Verdict.ok(), outcome)
    if final is None:
        failure = ("fail.cnn_training_weights", {})
    else:
        failure = ("fail.cnn_training_accuracy", {"accuracy": f"{final:.1%}", "threshold": f"{THRESHOLD:.0%}",
                                                  "epochs": EPOCHS, "images": TEST_SIZE})
    broken = broken_classes(spec, outcome.get("first"))
    hint = diagnose(MISCONCEPTIONS, RUN, Evidence(None, {"broken": broken}))
    if hint:
        hint += _first_batch_note(broken_parts(spec, outcome.get("first")), broken)
    return with_warnings(Verdict.fail(failure, *hint), outcome)


FIRST_BATCH_NOTES = {"forward": "note.cnn_training_first_forward", "dx": "note.cnn_training_first_dx",
                     "dW": "note.cnn_training_first_dw", "error": "note.cnn_training_first_error"}


def _first_batch_note(parts: dict[str, str], broken: list[str]) -> tuple:
    """Which of the blamed class's values differs on the first mini-batch, as a note after the hint."""
    part = parts.get(broken[0], "forward") if broken else ""
    return ((FIRST_BATCH_NOTES[part], {"cls": broken[0]}),) if part else ()


def _later_note(cls: str, stage: str, error: dict) -> tuple:
    """The class computed the first mini-batch right and raised on a later one."""
    return (("note.cnn_training_later", {"cls": cls, "stage": stage, "type": error.get("type", "")}),)


# ---------------------------------------------------------------- the first mini-batch, class by class
def broken_classes(spec: CnnTrainingSpec, first: Any) -> list[str]:
    """The classes whose values on the first mini-batch differ from the reference's on the same
    inputs (each judged on the student's own upstream values), in the network's order."""
    if not isinstance(first, list):
        return []
    return sorted(set(broken_parts(spec, first)), key=lambda c: ORDER.index(c) if c in ORDER else len(ORDER))


def broken_parts(spec: CnnTrainingSpec, first: Any) -> dict[str, str]:
    """Each class that differs on the first mini-batch -> which of its values differs first
    ("forward", "dx", "dW", "error")."""
    if not isinstance(first, list):
        return {}
    w = spec["weights"]
    made = [lambda: cnn.Convolution(w["W1"], w["b1"], 1, 1), layers.Relu, lambda: cnn.Pooling(2, 2, 2),
            lambda: layers.Affine(w["W2"], w["b2"]), layers.Relu, lambda: layers.Affine(w["W3"], w["b3"]),
            layers.SoftmaxWithLoss]
    found: dict[str, str] = {}
    for make, record in zip(made, first):
        if isinstance(record, dict):
            part = _differs(make(), record)
            if part:
                found.setdefault(record.get("class"), part)
    return found


def _differs(layer: Any, record: dict) -> str:
    """Which of the layer's values on this record differs from the reference's ("" for none)."""
    try:
        with np.errstate(all="ignore"):
            x = np.asarray(record["x"], dtype=float)
            if "d" in record:
                if not same(record.get("out"), layer.forward(x, record["d"])):
                    return "forward"
                return "dx" if "dx" in record and not same(record["dx"], layer.backward()) else ""
            if not same(record.get("out"), layer.forward(x)):
                return "forward"
            if "dout" not in record:
                return ""
            if not same(record["dx"], layer.backward(np.asarray(record["dout"], dtype=float))):
                return "dx"
            return "dW" if "dW" in record and not (same(record["dW"], layer.dW) and same(record["db"], layer.db)) \
                else ""
    except (TypeError, ValueError, IndexError, KeyError, AttributeError):
        return "error"
