"""Topics sgd, momentum, adagrad, rmsprop, adam: trajectories of several update() calls."""
from __future__ import annotations

from typing import Callable

import numpy as np

from grader.checks import Topic, Verdict
from grader.judge import compare, error_verdict, same, with_warnings
from reference import optimizers as ref

EPS = 1e-7
STEPS = 5
# Non-default hyper-parameters catch constants written into update(); the defaults are
# checked too, so the keywords' default values are graded.
SETTINGS = {
    "SGD": {"learning_rate": 0.1},
    "Momentum": {"learning_rate": 0.05, "momentum": 0.8},
    "AdaGrad": {"learning_rate": 0.1},
    "RMSprop": {"learning_rate": 0.05, "decay_rate": 0.9},
    "Adam": {"learning_rate": 0.01, "beta1": 0.8, "beta2": 0.95},
}
DEFAULTS = {
    "SGD": {"learning_rate": 0.01},
    "Momentum": {"learning_rate": 0.01, "momentum": 0.9},
    "AdaGrad": {"learning_rate": 0.01},
    "RMSprop": {"learning_rate": 0.01, "decay_rate": 0.99},
    "Adam": {"learning_rate": 0.001, "beta1": 0.9, "beta2": 0.999},
}
TOPICS = {"sgd": "SGD", "momentum": "Momentum", "adagrad": "AdaGrad", "rmsprop": "RMSprop", "adam": "Adam"}

# A mistaken update: (state of one key, w, g, hyper-parameters, t) -> new w.
Step = Callable[[dict, np.ndarray, np.ndarray, dict, int], np.ndarray]


def _momentum_sign(s, w, g, hp, t):
    s["v"] = hp["momentum"] * s.get("v", 0) + hp["learning_rate"] * g
    return w + s["v"]


def _adagrad_no_accumulation(s, w, g, hp, t):
    return w - hp["learning_rate"] * g / (np.sqrt(g * g) + EPS)


def _rmsprop_swapped(s, w, g, hp, t):
    rho = hp["decay_rate"]
    s["h"] = (1 - rho) * s.get("h", 0) + rho * g * g
    return w - hp["learning_rate"] * g / (np.sqrt(s["h"]) + EPS)


def _adam_no_bias_correction(s, w, g, hp, t):
    s["m"] = hp["beta1"] * s.get("m", 0) + (1 - hp["beta1"]) * g
    s["v"] = hp["beta2"] * s.get("v", 0) + (1 - hp["beta2"]) * g * g
    return w - hp["learning_rate"] * s["m"] / (np.sqrt(s["v"]) + EPS)


def _adam_t_per_key(s, w, g, hp, t):
    s["t"] = s.get("t", 0) + 1
    return _adam_corrected(s, w, g, hp, s["t"])


def _adam_corrected(s, w, g, hp, t):
    s["m"] = hp["beta1"] * s.get("m", 0) + (1 - hp["beta1"]) * g
    s["v"] = hp["beta2"] * s.get("v", 0) + (1 - hp["beta2"]) * g * g
    m_hat, v_hat = s["m"] / (1 - hp["beta1"] ** t), s["v"] / (1 - hp["beta2"] ** t)
    return w - hp["learning_rate"] * m_hat / (np.sqrt(v_hat) + EPS)


def _momentum(s, w, g, hp, t):
    s["v"] = hp["momentum"] * s.get("v", 0) - hp["learning_rate"] * g
    return w + s["v"]


def _adagrad(s, w, g, hp, t):
    s["h"] = s.get("h", 0) + g * g
    return w - hp["learning_rate"] * g / (np.sqrt(s["h"]) + EPS)


def _rmsprop(s, w, g, hp, t):
    rho = hp["decay_rate"]
    s["h"] = rho * s.get("h", 0) + (1 - rho) * g * g
    return w - hp["learning_rate"] * g / (np.sqrt(s["h"]) + EPS)


def _sgd_sign(s, w, g, hp, t):
    return w + hp["learning_rate"] * g


CORRECT: dict[str, Step] = {"Momentum": _momentum, "AdaGrad": _adagrad, "RMSprop": _rmsprop, "Adam": _adam_corrected}
MISTAKES: dict[str, list[tuple[str, Step]]] = {
    "SGD": [("hint.sgd_sign", _sgd_sign)],
    "Momentum": [("hint.momentum_sign", _momentum_sign)],
    "AdaGrad": [("hint.adagrad_accumulate", _adagrad_no_accumulation)],
    "RMSprop": [("hint.rmsprop_decay", _rmsprop_swapped)],
    "Adam": [("hint.adam_bias_correction", _adam_no_bias_correction), ("hint.adam_one_t", _adam_t_per_key)],
}


def simulate(step: Step, params: dict, grads: list[dict], hp: dict, shared_state: bool = False) -> list[dict]:
    """Parameters after each update when every key's update is ``step``."""
    params = {k: v.copy() for k, v in params.items()}
    shared: dict = {}
    states: dict[str, dict] = {k: shared if shared_state else {} for k in params}
    seen = []
    for t, g in enumerate(grads, start=1):
        for key in params:
            params[key] = step(states[key], params[key], g[key], hp, t)
        seen.append({k: v.copy() for k, v in params.items()})
    return seen


def reference_trajectory(cls: str, params: dict, grads: list[dict], hp: dict) -> list[dict]:
    optimizer = getattr(ref, cls)(**hp)
    params = {k: v.copy() for k, v in params.items()}
    seen = []
    for g in grads:
        optimizer.update(params, g)
        seen.append({k: v.copy() for k, v in params.items()})
    return seen


def gradients(rng: np.random.Generator, shapes: dict, steps: int) -> list[dict]:
    """Gradients with |g| ≥ 1e-2, where both correct forms of Adam agree within tolerance."""
    grads = []
    for _ in range(steps):
        g = {}
        for key, shape in shapes.items():
            raw = rng.normal(size=shape)
            g[key] = np.sign(raw) * (0.02 + np.abs(raw))
        grads.append(g)
    return grads


def optimizer_topic(topic_name: str) -> Topic:
    cls = TOPICS[topic_name]
    topic = Topic(topic_name)
    shapes = {"W": (3, 4), "b": (4,)}
    same_shapes = {"W1": (3, 3), "W2": (3, 3)}  # shared state would not crash here: values show it

    def spec(rng, shapes=shapes, kwargs=SETTINGS[cls]):
        params = {k: rng.normal(size=s) for k, s in shapes.items()}
        return {"probe": "optimizer", "cls": cls, "kwargs": dict(kwargs), "params": params,
                "grads": gradients(rng, shapes, STEPS)}

    topic.add("trajectory", 2, spec, _judge_trajectory)
    topic.add("defaults", 1, lambda rng: spec(rng, kwargs={}), _judge_trajectory)
    topic.add("state_per_key", 1, lambda rng: spec(rng, shapes=same_shapes), _judge_trajectory)
    topic.add("in_place", 1, spec, _judge_in_place)
    return topic


def _judge_trajectory(spec: dict, outcome: dict) -> Verdict:
    cls = spec["cls"]
    failed = error_verdict(outcome, f"{cls}.update")
    if failed:
        return failed
    hp = {**DEFAULTS[cls], **spec["kwargs"]}
    expected = reference_trajectory(cls, spec["params"], spec["grads"], hp)
    actual = outcome.get("params")
    if not isinstance(actual, list) or len(actual) != len(expected):
        return Verdict.fail(("fail.type", {"what": f"{cls}.update", "inputs": "", "actual": "?"}))
    settings = ", ".join(f"{k}={v}" for k, v in spec["kwargs"].items()) or "defaults"
    for step, (got, want) in enumerate(zip(actual, expected), start=1):
        for key in want:
            verdict = compare(got.get(key) if isinstance(got, dict) else None, want[key],
                              inputs=f"{cls}({settings}), update #{step}", what=f"params['{key}']",
                              rtol=1e-4, atol=1e-7)
            if not verdict.passed:
                return with_warnings(Verdict.fail(*verdict.messages, *_hints(spec, hp, actual)), outcome)
    return with_warnings(Verdict.ok(), outcome)


def _hints(spec: dict, hp: dict, actual: list) -> tuple:
    """The known mistake whose whole trajectory the student's reproduces, if any."""
    cls = spec["cls"]
    candidates = list(MISTAKES[cls])
    if cls in CORRECT:
        candidates.append(("hint.state_shared", lambda *a: None))
    for key, step in candidates:
        if key == "hint.state_shared":
            mistaken = simulate(CORRECT[cls], spec["params"], spec["grads"], hp, shared_state=True)
        else:
            mistaken = simulate(step, spec["params"], spec["grads"], hp)
        with np.errstate(all="ignore"):
            if all(isinstance(a, dict) and all(same(a.get(k), m[k], rtol=1e-4, atol=1e-7) for k in m)
                   for a, m in zip(actual, mistaken)):
                return ((key, {}),)
    if spec["kwargs"] == {}:
        return (("hint.optimizer_defaults", {"cls": cls, "defaults": DEFAULTS[cls]}),)
    return ()


def _judge_in_place(spec: dict, outcome: dict) -> Verdict:
    """The arrays the caller holds must be the ones that change (whatever their values)."""
    cls = spec["cls"]
    failed = error_verdict(outcome, f"{cls}.update")
    if failed:
        return failed
    if changed_in_place(spec["params"], outcome.get("held"), outcome.get("params")):
        return Verdict.ok()
    return Verdict.fail(("fail.not_in_place", {"what": f"{cls}.update"}), ("hint.not_in_place", {}))


def changed_in_place(before: dict, held: list | None, after: list | None) -> bool:
    """True when the held arrays changed and equal the dict's final entries."""
    if not held or not after or not isinstance(held[-1], dict) or not isinstance(after[-1], dict):
        return False
    last_held, last = held[-1], after[-1]
    return (all(same(last_held.get(k), last.get(k), 0, 0) for k in before)
            and not all(same(last_held.get(k), before[k], 0, 0) for k in before))
