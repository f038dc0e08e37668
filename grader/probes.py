"""What the child does for one check: call the student's code, report plain values.

Probes run in the child, beside student code. They only gather values (results, the
arguments after the call, the arrays a caller still holds); every verdict is made in
the parent from those values, so a student who patches these functions can at most
send wrong values, which fail.
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np


# Loss functions for numerical_gradient checks, known to both sides by name: the parent
# computes the expected gradient with the same function and the reference.
def sum_of_squares(x: np.ndarray) -> float:
    return float(np.sum(x ** 2))


def smooth_mix(x: np.ndarray) -> float:
    return float(np.sum(np.sin(x) * x) + np.sum(x) ** 2)


LOSSES: dict[str, Callable[[np.ndarray], float]] = {
    "sum_of_squares": sum_of_squares,
    "smooth_mix": smooth_mix,
}
# Their exact derivatives: the parent's yardstick for a numerical gradient gone wrong.
EXACT_GRADIENTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sum_of_squares": lambda x: 2 * x,
    "smooth_mix": lambda x: np.sin(x) + x * np.cos(x) + 2 * np.sum(x),
}


def by_reference(name: str, x: np.ndarray) -> Callable[[Any], float]:
    """The course's `lambda W: loss(...)`: ignores its argument, reads x itself."""
    loss = LOSSES[name]
    return lambda _ignored: loss(x)


def call(get: Callable[[str, str], Any], spec: dict) -> dict:
    func = get(spec["module"], spec["func"])
    args = list(spec["args"])
    held = [dict(a) if isinstance(a, dict) else None for a in args]
    result = func(*args, **spec.get("kwargs", {}))
    outcome = {
        "result": result,
        "args_after": args,
        "held_after": held,
    }
    if "curve" in spec:
        outcome["curve"] = _on_curve(func, spec["curve"])
    return outcome


def _on_curve(func: Callable, x: np.ndarray) -> Any:
    """The function over an input range, for a plot; a failure there costs nothing, and its
    warnings (overflow at x + 1000, say) are not the graded call's: they stay unreported."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return func(x.copy())
    except Exception:  # noqa: BLE001 - the graded call already reported what matters
        return None


def numerical_gradient(get: Callable[[str, str], Any], spec: dict) -> dict:
    func = get("functions", "numerical_gradient")
    x = spec["x"]
    f = by_reference(spec["loss"], x) if spec.get("by_reference") else LOSSES[spec["loss"]]
    result = func(f, x)
    return {"result": result, "x_after": x}


def optimizer(get: Callable[[str, str], Any], spec: dict) -> dict:
    cls = get("optimizers", spec["cls"])
    start = {k: np.array(v, copy=True) for k, v in spec["params"].items()}
    outcome = _trajectory(cls(**spec.get("kwargs", {})), spec["params"], spec["grads"])
    if "explicit" in spec:
        try:
            outcome["explicit"] = _trajectory(cls(**spec["explicit"]), start, spec["grads"])["params"]
        except Exception:  # noqa: BLE001 - only evidence for a hint; the graded run stands
            outcome["explicit"] = None
    return outcome


def _trajectory(opt: Any, params: dict, all_grads: list) -> dict:
    """The parameters after each update(), and what the caller's own references hold then."""
    held = dict(params)
    params_seen, held_seen = [], []
    for grads in all_grads:
        opt.update(params, grads)
        params_seen.append({k: np.array(v, copy=True) for k, v in params.items()})
        held_seen.append({k: np.array(v, copy=True) for k, v in held.items()})
    return {"params": params_seen, "held": held_seen}


def iterate(get: Callable[[str, str], Any], spec: dict) -> dict:
    func = get("minibatch", "iterate_minibatches")
    runs = []
    for seed in spec["seeds"]:
        rng = None if seed is None else np.random.default_rng(seed)
        batches = func(spec["data_x"], spec["data_t"], spec["batch_size"],
                       shuffle=spec["shuffle"], rng=rng)
        runs.append([tuple(pair) for pair in batches])
    return {"runs": runs}


def draw(get: Callable[[str, str], Any], spec: dict) -> dict:
    func = get("weight_init", spec["func"])
    draws = [func(spec["n_in"], spec["n_out"], np.random.default_rng(seed))
             for seed in spec["seeds"]]
    return {"draws": draws}


def batchnorm(get: Callable[[str, str], Any], spec: dict) -> dict:
    """Forward, then backward through the student's own cache (it never leaves the child)."""
    forward, backward = get("batch_norm", "batchnorm_forward"), get("batch_norm", "batchnorm_backward")
    x = spec["x"]
    out, cache = forward(x, spec["gamma"], spec["beta"], eps=spec["eps"])
    grads = backward(spec["dout"], cache) if spec.get("backward") else None
    return {"out": out, "grads": grads, "x_after": x}


PROBES: dict[str, Callable[[Callable[[str, str], Any], dict], dict]] = {
    "call": call,
    "numerical_gradient": numerical_gradient,
    "optimizer": optimizer,
    "iterate": iterate,
    "draw": draw,
    "batchnorm": batchnorm,
}


# ---------------------------------------------------------------- training
TRAINING_FUNCTIONS = (("minibatch", "iterate_minibatches"), ("network", "forward"), ("functions", "softmax"),
                      ("functions", "cross_entropy_error"), ("network", "backward"), ("network", "sgd_update"))


def train(get: Callable[[str, str], Any], spec: dict) -> dict:
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
        from grader.child import describe
        return {"error": describe(exc, Path(sys.path[0]).resolve(), phase="call"), "stage": stage[0]}


def train_with(f: dict[str, Callable], spec: dict, stage: list[str] | None = None) -> dict:
    """The training loop of the course's SGD notebook, with softmax and cross entropy on top.

    ``f`` maps the six function names to implementations (the student's in the child, the
    reference's in the parent, for the curves a plot compares); ``stage`` is kept pointing
    at the function being called, so that a failure can be blamed on it."""
    from grader.training import inputs_of
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
            before = {k: np.array(v, copy=True) for k, v in network.items()} if not first else None
            stage[0] = "forward"
            z1, scores = f["forward"](network, x_batch)
            stage[0] = "softmax"
            y = f["softmax"](scores)
            stage[0] = "cross_entropy_error"
            loss = f["cross_entropy_error"](d_batch, y)
            stage[0] = "backward"
            grad = f["backward"](network, x_batch, d_batch, z1, y)
            stage[0] = "sgd_update"
            f["sgd_update"](network, grad, spec["learning_rate"])
            if before is not None:
                first = {"x_batch": x_batch, "t_batch": t_batch, "z1": z1, "scores": scores, "y": y,
                         "loss": loss, "grad": grad, "before": before,
                         "after": {k: np.array(v, copy=True) for k, v in network.items()}}
            epoch_losses.append(_number(loss))
            stage[0] = "iterate_minibatches"
        losses.append(float(np.mean(epoch_losses)) if epoch_losses else float("nan"))
        stage[0] = "forward"
        scores_test = f["forward"](network, x_test)[1]
        predictions.append(_classes(scores_test))
    first["epoch_batches"] = first_epoch  # every sample's turn in the first epoch: coverage and sizes
    # The final scores as they are: the parent grades from them, not from anything computed here.
    return {"losses": losses, "predictions": predictions, "test_scores": scores_test, "first_step": first}


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


PROBES["train"] = train
