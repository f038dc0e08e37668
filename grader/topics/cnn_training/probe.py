"""Child side of cnn_training: Conv → Relu → Pool → Affine → Relu → Affine → SoftmaxWithLoss,
built from the student's classes, trained by the grader's SGD on the arrays it handed them.

Only raw values come back: the trained weights (the parent scores the held-out digits with
the reference's layers from them; the held-out images and labels never come here) and
every layer's values on the first mini-batch, from which the parent names the class that
breaks training. The course's im2col, col2im and functions are put in place of the
student's (families/objects.injected): those are graded by their own topics.
Nothing here may import the reference."""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import numpy as np

from grader.boundary.wire_types import CnnTrainingOutcome, CnnTrainingSpec, Get
from grader.topics.families import course
from grader.topics.families.objects import injected

CLASSES = (("cnn", "Convolution"), ("layers", "Relu"), ("cnn", "Pooling"), ("layers", "Affine"),
           ("layers", "SoftmaxWithLoss"))
PARAMETERS = (("W1", "b1"), ("W2", "b2"), ("W3", "b3"))  # of layers 0, 3 and 5


def train(get: Get, spec: CnnTrainingSpec) -> CnnTrainingOutcome:
    classes = {name: get(module, name) for module, name in CLASSES}  # import errors first
    stage, first = ["Convolution.__init__"], []
    try:
        with contextlib.ExitStack() as stack:
            stack.enter_context(injected(classes["Convolution"], course.CNN))
            stack.enter_context(injected(classes["Affine"], course.FUNCTIONS))
            weights = train_with(classes, spec, stage, first)
        return {"weights": weights, "first": first[0] if first else []}
    except Exception as exc:  # noqa: BLE001 - say where training stopped, then the usual error facts
        from grader.boundary.child import describe
        return {"error": describe(exc, Path(sys.path[0]).resolve(), phase="call"), "stage": stage[0],
                "first": first[0] if first else []}


def network(classes: dict, weights: dict) -> list:
    """The layers, holding the very arrays of ``weights`` (which the update changes in place)."""
    conv, relu, pool, affine = (classes[n] for n in ("Convolution", "Relu", "Pooling", "Affine"))
    return [conv(weights["W1"], weights["b1"], stride=1, pad=1), relu(), pool(2, 2, stride=2),
            affine(weights["W2"], weights["b2"]), relu(), affine(weights["W3"], weights["b3"])]


def train_with(classes: dict, spec: CnnTrainingSpec, stage: list[str], first: list) -> dict[str, np.ndarray]:
    weights = spec["weights"]
    layers = network(classes, weights)
    last = classes["SoftmaxWithLoss"]()
    x_train = images(spec["pixels_train"], spec)
    d_train = np.eye(spec["classes"])[spec["labels_train"]]
    for epoch in range(spec["epochs"]):
        order = np.random.default_rng([spec["order_seed"], epoch]).permutation(len(x_train))
        for start in range(0, len(order), spec["batch_size"]):
            batch = order[start:start + spec["batch_size"]]
            record = [] if not first and epoch == 0 and start == 0 else None
            if record is not None:
                first.append(record)
            step(layers, last, x_train[batch], d_train[batch], spec["learning_rate"], weights, stage, record)
    return weights


def images(pixels: np.ndarray, spec: CnnTrainingSpec) -> np.ndarray:
    """(N, 1, 8, 8), standardised with the training set's mean and spread (the same in the parent)."""
    return ((pixels - spec["pixel_mean"]) / spec["pixel_std"]).reshape(-1, 1, 8, 8)


def step(layers: list, last: Any, x: np.ndarray, d: np.ndarray, lr: float, weights: dict,
         stage: list[str], record: list | None) -> None:
    """Forward, backward and the grader's SGD update (in place) on one mini-batch; ``record``
    gets each layer's input, output, dout, dx (and dW, db) as they come."""
    h = x
    for layer in layers:
        stage[0] = f"{type(layer).__name__}.forward"
        out = layer.forward(h)
        _note(record, {"class": type(layer).__name__, "x": h, "out": out})
        h = out
    stage[0] = "SoftmaxWithLoss.forward"
    loss = last.forward(h, d)
    _note(record, {"class": "SoftmaxWithLoss", "x": h, "d": d, "out": loss})
    stage[0] = "SoftmaxWithLoss.backward"
    g = last.backward()
    if record is not None:
        record[-1]["dx"] = _copy(g)
    for index in reversed(range(len(layers))):
        layer = layers[index]
        stage[0] = f"{type(layer).__name__}.backward"
        dx = layer.backward(_copy(g))
        if record is not None:
            record[index].update({"dout": _copy(g), "dx": _copy(dx)})
            if index in (0, 3, 5):
                record[index].update({"dW": _copy(getattr(layer, "dW", None)), "db": _copy(getattr(layer, "db", None))})
        g = dx
    for index, (w, b) in zip((0, 3, 5), PARAMETERS):
        stage[0] = f"{type(layers[index]).__name__} update"
        weights[w] -= lr * layers[index].dW
        weights[b] -= lr * layers[index].db


def _note(record: list | None, values: dict) -> None:
    if record is not None:
        record.append({k: _copy(v) for k, v in values.items()})


def _copy(value: Any) -> Any:
    return np.array(value, copy=True) if isinstance(value, np.ndarray) else value
