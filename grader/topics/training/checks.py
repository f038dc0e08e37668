"""Topic training: the two-layer net trained on the digits with the student's own functions.

The child trains and sends back raw values only; the held-out labels never leave this
process, and the accuracy that decides the grade is computed here from the network's
outputs. When training falls short, the first mini-batch's values show which of the
six functions computes something other than the reference on the very same inputs.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from grader.boundary.wire_types import TrainingOutcome, TrainingSpec
from grader.topics.training import data as run
from grader.topics.training.probe import train_with
from grader.judging.checks import Topic, Verdict
from grader.judging.misconceptions import Evidence, Misconception, diagnose, value_of
from grader.judging.compare import as_array, error_verdict, same, show, with_warnings

# Which topic grades each function training calls (directly, or inside forward/backward).
TOPIC_OF = {"iterate_minibatches": "minibatch", "forward": "forward", "softmax": "softmax",
            "cross_entropy_error": "cross_entropy_error", "backward": "backward", "sgd_update": "sgd_update",
            "relu": "activations", "d_relu": "activations", "sigmoid": "activations", "d_sigmoid": "activations"}


def _names(functions: list[str]) -> str:
    return ", ".join(f"{f} ({TOPIC_OF[f]})" for f in functions)


RUN = value_of("run")  # what the training run sent back: its first step, function by function


def _update_not_stored(e: Evidence) -> bool:
    """After the first sgd_update every array of the network is what it was before, though the
    gradients are not zero: w − ε·∇E computed and dropped (a bare expression, or a local name
    such as ``w = w - …``), so the network never learns."""
    before, after, grad = e.actual["before"], e.actual["after"], e.actual["grad"]
    moved = any(np.any(np.asarray(grad[key], dtype=float) != 0) for key in before)
    return moved and set(after) == set(before) and all(same(after[key], before[key], 0, 0) for key in before)


# Most specific first: a mistake recognised by its fingerprint before the function it is in.
MISCONCEPTIONS = (
    Misconception("training.update_not_stored", RUN, "hint.training_update_not_stored", _update_not_stored,
                  "accuracy near chance: after the first sgd_update every array of network equals what it was "
                  "before, although the gradients are not zero"),
    Misconception("training.broken_part", RUN, "hint.training_broken_part",
                  lambda e: bool(e.inputs["broken"]),
                  "accuracy below the threshold, and on the first mini-batch one of the six functions "
                  "differs from the reference given the same inputs",
                  fields=lambda e: {"functions": _names(e.inputs["broken"])}),
)


@functools.cache
def data() -> dict[str, np.ndarray]:
    return run.split()


def declare() -> Topic:
    topic = Topic("training")
    topic.add("held_out_accuracy", 4, lambda rng: run.run_spec(data()), _judge)
    return topic


def _judge(spec: TrainingSpec, outcome: TrainingOutcome) -> Verdict:
    failed = error_verdict(outcome, "training")
    if failed:
        return Verdict.fail(*failed.messages, *_stopped_in(outcome))
    labels = data()["labels_test"]
    scores = held_out_scores(spec, outcome.get("trained"))
    final = run.accuracy(scores, labels)
    _record_plot(spec, outcome)
    if final is not None and final >= run.THRESHOLD:
        if not same(outcome.get("test_scores"), scores, rtol=1e-5, atol=1e-6):
            return _scores_differ(spec, outcome)
        return with_warnings(Verdict.ok(), outcome)
    threshold = f"{run.THRESHOLD:.0%}"
    if final is None:
        failure = ("fail.training_outputs", {"actual": _shape_of(scores if scores is not None else outcome.get("trained")),
                                             "expected": f"({len(labels)}, {run.CLASSES})"})
    else:
        failure = ("fail.training_accuracy", {"accuracy": f"{final:.1%}", "threshold": threshold,
                                              "epochs": run.EPOCHS, "images": len(labels)})
    broken = broken_functions(spec, outcome.get("first_step"))
    hint = diagnose(MISCONCEPTIONS, RUN, Evidence(outcome.get("first_step"), {"broken": broken}))
    return with_warnings(Verdict.fail(failure, *hint), outcome)


def _scores_differ(spec: TrainingSpec, outcome: TrainingOutcome) -> Verdict:
    """The network the student's updates produced scores well, but their forward reported other
    scores for the held-out images. Most often forward is simply wrong (a missing ReLU trains
    a linear net that still learns): the first mini-batch names the function, and only when
    every function agrees there does forward stand accused of not computing from the weights."""
    broken = broken_functions(spec, outcome.get("first_step"))
    hint = diagnose(MISCONCEPTIONS, RUN, Evidence(outcome.get("first_step"), {"broken": broken}))
    if hint:
        return Verdict.fail(("fail.training_scores_differ", {}), *hint)
    return Verdict.fail(("fail.training_scores_forged", {}), ("fail.training_stopped", {
        "function": "forward", "topic": TOPIC_OF["forward"]}))


def held_out_scores(spec: TrainingSpec, trained: Any) -> np.ndarray | None:
    """The held-out scores of the network the student's own updates produced, computed here
    with the reference's forward (None: no usable network came back)."""
    from reference import network
    start = spec["network"]
    if not isinstance(trained, dict) or set(trained) != set(start):
        return None
    weights = {k: as_array(v) for k, v in trained.items()}
    if any(w is None or w.shape != start[k].shape for k, w in weights.items()):
        return None
    with np.errstate(all="ignore"):
        return network.forward({k: w.astype(float) for k, w in weights.items()}, run.inputs_of(spec)[2])[1]


def _stopped_in(outcome: TrainingOutcome) -> tuple:
    """Which function (and so which topic) training stopped in."""
    error = outcome["error"]
    function = error.get("function") if error.get("kind") == "blank" else outcome.get("stage")
    if function not in TOPIC_OF:
        return ()
    return (("fail.training_stopped", {"function": function, "topic": TOPIC_OF[function]}),)


def _shape_of(value: Any) -> str:
    array = as_array(value)
    if array is None:
        return show(value)
    return f"shape {array.shape}" + ("" if np.isfinite(array).all() else " with nan/inf")


def _record_plot(spec: TrainingSpec, outcome: TrainingOutcome) -> None:
    from grader.judging import curves
    if not curves.wanted():
        return
    reference, labels = reference_run(spec), data()["labels_test"]

    def curve(run_outcome: TrainingOutcome) -> list[float]:
        predictions = run_outcome.get("predictions")
        return [run.accuracy_of_predictions(p, labels) for p in predictions] if isinstance(predictions, list) else []

    curves.record_training({"loss": outcome.get("losses"), "accuracy": curve(outcome)},
                          {"loss": reference["losses"], "accuracy": curve(reference)}, run.THRESHOLD)


# ---------------------------------------------------------------- the first step, function by function
def broken_functions(spec: TrainingSpec, first: Any) -> list[str]:
    """The functions whose value on the first mini-batch differs from the reference's on the
    same inputs (each judged on the student's own upstream values, so one mistake is blamed once)."""
    if not isinstance(first, dict) or not isinstance(first.get("before"), dict):
        return []
    checks: dict[str, Callable[[dict, dict], bool]] = {
        "iterate_minibatches": _iterate_right, "forward": _forward_right, "softmax": _softmax_right,
        "cross_entropy_error": _loss_right, "backward": _backward_right, "sgd_update": _update_right}
    return [name for name, right in checks.items() if _judged(right, spec, first) is False]


def _judged(right: Callable[[TrainingSpec, dict], bool], spec: TrainingSpec, first: dict) -> bool | None:
    """True or False, or None when the upstream values are too broken to judge this one."""
    try:
        with np.errstate(all="ignore"):
            return bool(right(spec, first))
    except (TypeError, ValueError, IndexError, KeyError, AttributeError):
        return None


def _d_batch(spec: TrainingSpec, first: dict) -> np.ndarray:
    return run.inputs_of(spec)[1][np.asarray(first["t_batch"]).astype(int)]


def _iterate_right(spec: TrainingSpec, first: dict) -> bool:
    x_train = run.inputs_of(spec)[0]
    n, size = len(x_train), spec["batch_size"]
    batches = [np.asarray(t).astype(int) for t in first["epoch_batches"]]
    every_sample_once = sorted(np.concatenate(batches).tolist()) == list(range(n))
    sizes = [len(t) for t in batches] == [min(size, n - i) for i in range(0, n, size)]
    aligned = same(first["x_batch"], x_train[np.asarray(first["t_batch"]).astype(int)], 0, 0)
    return every_sample_once and sizes and aligned


def _forward_right(spec: TrainingSpec, first: dict) -> bool:
    from reference import network
    z1, scores = network.forward(first["before"], first["x_batch"])
    return same(first["z1"], z1) and same(first["scores"], scores)


def _softmax_right(spec: TrainingSpec, first: dict) -> bool:
    from reference import functions
    return same(first["y"], functions.softmax(np.asarray(first["scores"], dtype=float)))


def _loss_right(spec: TrainingSpec, first: dict) -> bool:
    from reference import functions
    return same(first["loss"], functions.cross_entropy_error(_d_batch(spec, first), np.asarray(first["y"], dtype=float)))


def _backward_right(spec: TrainingSpec, first: dict) -> bool:
    from reference import network
    z1, y = np.asarray(first["z1"], dtype=float), np.asarray(first["y"], dtype=float)
    expected = network.backward(first["before"], first["x_batch"], _d_batch(spec, first), z1, y)
    return all(same(first["grad"][k], expected[k], rtol=1e-6, atol=1e-9) for k in expected)


def _update_right(spec: TrainingSpec, first: dict) -> bool:
    before, after, grad = first["before"], first["after"], first["grad"]
    return all(same(after[k], before[k] - spec["learning_rate"] * np.asarray(grad[k], dtype=float))
               for k in before)


def reference_run(spec: TrainingSpec) -> TrainingOutcome:
    """The same run with the reference's functions (for the plot beside the student's)."""
    from reference import functions, minibatch, network
    implementations = {"iterate_minibatches": minibatch.iterate_minibatches, "forward": network.forward,
                       "softmax": functions.softmax, "cross_entropy_error": functions.cross_entropy_error,
                       "backward": network.backward, "sgd_update": network.sgd_update}
    fresh = {**spec, "network": {k: v.copy() for k, v in spec["network"].items()}}
    return train_with(implementations, fresh)
