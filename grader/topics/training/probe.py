"""Child side of training: the course's SGD loop run with the student's own functions.

Also run in the parent with the reference's functions, for the curves a plot compares.
Nothing here may import the reference."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np

from grader.boundary.wire_types import Get, TrainingOutcome, TrainingSpec
from grader.topics.training.data import inputs_of


TRAINING_FUNCTIONS = (("minibatch", "iterate_minibatches"), ("network", "forward"), ("functions", "softmax"),
                      ("functions", "cross_entropy_error"), ("network", "backward"), ("network", "sgd_update"))


def train(get: Get, spec: TrainingSpec) -> TrainingOutcome:
    """The two-layer net trained with the student's own functions on the data the parent sent.

    Only raw values come back: the loss the student's cross_entropy_error reported, the
    network's outputs on the held-out inputs after every epoch (the parent, which alone
    knows the held-out labels, turns them into accuracy) and every value of the first
    step, from which the parent can tell which function breaks training."""
    functions = {name: get(module, name) for module, name in TRAINING_FUNCTIONS}  # import errors first
    stage = ["iterate_minibatches"]
    try:
        return train_with(functions, spec, stage)
    except Exception as exc:  # noqa: BLE001 - say where training stopped, then the usual error facts
        from grader.boundary.child import describe
        return {"error": describe(exc, Path(sys.path[0]).resolve(), phase="call"), "stage": stage[0]}


def train_with(f: dict[str, Callable], spec: TrainingSpec, stage: list[str] | None = None) -> TrainingOutcome:
    """The training loop of the course's SGD notebook, with softmax and cross entropy on top.

    ``f`` maps the six function names to implementations (the student's in the child, the
    reference's in the parent, for the curves a plot compares); ``stage`` is kept pointing
    at the function being called, so that a failure can be blamed on it."""
    stage = stage if stage is not None else [""]
    network = spec["network"]
    x_train, d_train, x_test = inputs_of(spec)
    index = np.arange(len(x_train))  # iterated beside x, so the parent can see every sample's turn
    losses, predictions, first, first_epoch = [], [], {}, []
    scores_test = None
    for epoch in range(spec["epochs"]):
        rng = np.random.default_rng([spec["order_seed"], epoch])
        epoch_losses = []
        stage[0] = "iterate_minibatches"
        for x_batch, t_batch in f["iterate_minibatches"](x_train, index, spec["batch_size"], shuffle=True, rng=rng):
            if epoch == 0:
                first_epoch.append(t_batch)
            d_batch = d_train[np.asarray(t_batch).astype(int)]
            # The first step's values are copied the moment each is made: a later function
            # that writes into an array in place must not make an earlier one look wrong.
            record = _Recorder(not first)
            record(x_batch=x_batch, t_batch=t_batch, before=network)
            stage[0] = "forward"
            z1, scores = f["forward"](network, x_batch)
            record(z1=z1, scores=scores)
            stage[0] = "softmax"
            y = f["softmax"](scores)
            record(y=y)
            stage[0] = "cross_entropy_error"
            loss = f["cross_entropy_error"](d_batch, y)
            record(loss=loss)
            stage[0] = "backward"
            grad = f["backward"](network, x_batch, d_batch, z1, y)
            record(grad=grad)
            stage[0] = "sgd_update"
            f["sgd_update"](network, grad, spec["learning_rate"])
            record(after=network)
            if record.on:
                first = record.values
            epoch_losses.append(_number(loss))
            stage[0] = "iterate_minibatches"
        losses.append(float(np.mean(epoch_losses)) if epoch_losses else float("nan"))
        stage[0] = "forward"
        scores_test = f["forward"](network, x_test)[1]
        predictions.append(_classes(scores_test))
    first["epoch_batches"] = first_epoch  # every sample's turn in the first epoch: coverage and sizes
    # The trained weights go back too: the parent scores the held-out images from them with
    # its own forward, so scores that forward made up (memorised, say) cannot pass.
    return {"losses": losses, "predictions": predictions, "test_scores": scores_test, "first_step": first,
            "trained": _copied(network)}


class _Recorder:
    """Copies of the first step's values, taken as they are made (only when ``on``)."""

    def __init__(self, on: bool) -> None:
        self.on, self.values = on, {}

    def __call__(self, **values: Any) -> None:
        if self.on:
            self.values.update({name: _copied(value) for name, value in values.items()})


def _copied(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return np.array(value, copy=True)
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copied(v) for v in value) if type(value) in (list, tuple) else value
    return value


def _classes(scores: Any) -> Any:
    """Each held-out image's predicted class, for the accuracy curve (None: unreadable scores)."""
    try:
        return np.argmax(np.asarray(scores, dtype=float), axis=1)
    except (TypeError, ValueError, IndexError, np.exceptions.AxisError):
        return None


def _number(value: Any) -> float:
    try:
        return float(np.asarray(value, dtype=float).reshape(-1)[0]) if np.size(value) == 1 else float("nan")
    except (TypeError, ValueError):
        return float("nan")
