"""What the child does for one check: call the student's code, report plain values.

Probes run in the child, beside student code. They only gather values (results, the
arguments after the call, the arrays a caller still holds); every verdict is made in
the parent from those values, so a student who patches these functions can at most
send wrong values, which fail.
"""
from __future__ import annotations

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


def by_reference(name: str, x: np.ndarray) -> Callable[[Any], float]:
    """The course's `lambda W: loss(...)`: ignores its argument, reads x itself."""
    loss = LOSSES[name]
    return lambda _ignored: loss(x)


def call(get: Callable[[str, str], Any], spec: dict) -> dict:
    func = get(spec["module"], spec["func"])
    args = list(spec["args"])
    held = [dict(a) if isinstance(a, dict) else None for a in args]
    result = func(*args, **spec.get("kwargs", {}))
    return {
        "result": result,
        "args_after": args,
        "held_after": held,
    }


def numerical_gradient(get: Callable[[str, str], Any], spec: dict) -> dict:
    func = get("functions", "numerical_gradient")
    x = spec["x"]
    f = by_reference(spec["loss"], x) if spec.get("by_reference") else LOSSES[spec["loss"]]
    result = func(f, x)
    return {"result": result, "x_after": x}


def optimizer(get: Callable[[str, str], Any], spec: dict) -> dict:
    cls = get("optimizers", spec["cls"])
    opt = cls(**spec.get("kwargs", {}))
    params = spec["params"]
    held = dict(params)
    params_seen, held_seen = [], []
    for grads in spec["grads"]:
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
