"""The `training` topic's run: the digits data, the network's start, and what a run scores.

The data is the 8×8 handwritten digits (1797 images, the set `sklearn.datasets.load_digits`
returns) that the grader ships (grader/topics/families/data/: source and licence there), read
in milliseconds and without scikit-learn. A test proves the arrays equal scikit-learn's.

Everything is fixed — the split, the initial weights, the order of the mini-batches —
so a correct submission meets the threshold on every run and on every machine.
"""
from __future__ import annotations

import numpy as np

from grader.boundary.wire_types import TrainingSpec
from grader.topics.families.digits import load_pixels

CLASSES = 10
TEST_SIZE = 360  # held out: a fifth of the 1797 images
SPLIT_SEED, INIT_SEED, ORDER_SEED = 20260401, 7, 11
HIDDEN = 32
EPOCHS = 3  # three passes with a larger step learn what six smaller ones did, in half the time
BATCH_SIZE = 48
LEARNING_RATE = 0.4
THRESHOLD = 0.85  # held-out accuracy to pass; the reference reaches 0.90–0.95 whatever the batch order


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Pixel values scaled to [0, 1], as the network sees them, and the labels."""
    pixels, labels = load_pixels()
    return scaled(pixels), labels.astype(int)


def scaled(pixels: np.ndarray) -> np.ndarray:
    return pixels / 16.0


def split() -> dict[str, np.ndarray]:
    """The fixed training / held-out split, as pixel values 0–16 and labels."""
    pixels, labels = load_pixels()
    order = np.random.default_rng(SPLIT_SEED).permutation(len(pixels))
    test, train = order[:TEST_SIZE], order[TEST_SIZE:]
    return {"x_train": pixels[train], "labels_train": labels[train], "x_test": pixels[test],
            "labels_test": labels[test].astype(int)}


def initial_network(n_in: int) -> dict[str, np.ndarray]:
    """He initialisation for the ReLU layer, Xavier for the output: the course's choices."""
    rng = np.random.default_rng(INIT_SEED)
    return {"W1": rng.standard_normal((n_in, HIDDEN)) * np.sqrt(2 / n_in), "b1": np.zeros(HIDDEN),
            "W2": rng.standard_normal((HIDDEN, CLASSES)) / np.sqrt(HIDDEN), "b2": np.zeros(CLASSES)}


def run_spec(data: dict[str, np.ndarray]) -> TrainingSpec:
    """What the child needs to train: never the held-out labels, which decide the grade.
    (Pixels and training labels travel compactly; the child scales them and makes d one-hot.)"""
    return {"probe": "grader.topics.training.probe:train", "pixels_train": data["x_train"], "labels_train": data["labels_train"],
            "pixels_test": data["x_test"], "classes": CLASSES, "network": initial_network(data["x_train"].shape[1]),
            "epochs": EPOCHS, "batch_size": BATCH_SIZE, "learning_rate": LEARNING_RATE, "order_seed": ORDER_SEED}


def inputs_of(spec: TrainingSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x_train, one-hot d_train and x_test as the training loop uses them (the same in child and parent)."""
    return (scaled(spec["pixels_train"]), np.eye(spec["classes"])[spec["labels_train"]],
            scaled(spec["pixels_test"]))


def accuracy(scores, labels: np.ndarray) -> float | None:
    """Share of held-out images whose largest score is the true class (None: unreadable scores)."""
    try:
        scores = np.asarray(scores, dtype=float)
    except (TypeError, ValueError):
        return None
    if scores.shape != (len(labels), CLASSES) or not np.isfinite(scores).all():
        return None
    return float(np.mean(scores.argmax(axis=1) == labels))


def accuracy_of_predictions(predictions, labels: np.ndarray) -> float:
    """For the per-epoch curve: predicted classes as the child reported them (nan: unreadable)."""
    try:
        predictions = np.asarray(predictions, dtype=float)
    except (TypeError, ValueError):
        return float("nan")
    return float(np.mean(predictions == labels)) if predictions.shape == labels.shape else float("nan")
