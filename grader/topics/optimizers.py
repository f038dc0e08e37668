"""Topics sgd, momentum, adagrad, rmsprop, adam: trajectories of several update() calls."""
from __future__ import annotations

from typing import Callable

import numpy as np

from grader.checks import Topic, Verdict
from grader.hints import Evidence, Misconception, diagnose
from grader.judge import as_array, compare, error_verdict, same, with_warnings
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


def _adam_t_per_key() -> Step:
    """`self.t += 1` inside the loop over keys: t advances once per parameter, not per call."""
    updates = [0]

    def step(s, w, g, hp, t):
        updates[0] += 1
        return _adam_corrected(s, w, g, hp, updates[0])
    return step


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


def _adagrad_no_sqrt(s, w, g, hp, t):
    s["h"] = s.get("h", 0) + g * g
    return w - hp["learning_rate"] * g / (s["h"] + EPS)


def _adam_t_from_zero(s, w, g, hp, t):
    return _adam_corrected(s, w, g, hp, t - 1)


CORRECT: dict[str, Step] = {"Momentum": _momentum, "AdaGrad": _adagrad, "RMSprop": _rmsprop, "Adam": _adam_corrected}


def simulate(step: Step, params: dict, grads: list[dict], hp: dict, shared_state: bool = False,
             keep_state: bool = True) -> list[dict]:
    """Parameters after each update when every key's update is ``step``: with one state per
    key (correct), one state for all keys (``shared_state``), or a state forgotten after
    every call (``keep_state=False``)."""
    params = {k: v.copy() for k, v in params.items()}
    shared: dict = {}
    states: dict[str, dict] = {k: shared if shared_state else {} for k in params}
    seen = []
    for t, g in enumerate(grads, start=1):
        if not keep_state:
            states = {k: {} for k in params}
        for key in params:
            params[key] = step(states[key], params[key], g[key], hp, t)
        seen.append({k: v.copy() for k, v in params.items()})
    return seen


def same_trajectory(actual, expected: list[dict]) -> bool:
    """Every update's parameters agree (nan where the mistake gives nan counts as agreeing)."""
    if not isinstance(actual, list) or len(actual) != len(expected):
        return False
    for got, want in zip(actual, expected):
        for key, value in want.items():
            array = as_array(got.get(key)) if isinstance(got, dict) else None
            if array is None or array.shape != value.shape or not np.allclose(
                    array.astype(float), value, rtol=1e-4, atol=1e-7, equal_nan=True):
                return False
    return True


def _follows(step: Step, **how) -> Callable[[Evidence], bool]:
    """A recogniser: the student's trajectory is the one ``step`` makes (on the same inputs)."""
    return _follows_fresh(lambda: step, **how)


def _follows_fresh(make_step: Callable[[], Step], **how) -> Callable[[Evidence], bool]:
    """The same, for a mistaken step that counts its own calls (a fresh one per trajectory)."""
    def recognise(e: Evidence) -> bool:
        return same_trajectory(e.actual, simulate(make_step(), e.inputs["params"], e.inputs["grads"],
                                                  e.inputs["hp"], **how))
    return recognise


def _explicit_defaults_right(e: Evidence) -> bool:
    """Wrong when built with no arguments, right when given the defaults by name: the defaults are off."""
    return (e.inputs["kwargs"] == {} and e.inputs["explicit"] is not None
            and same_trajectory(e.inputs["explicit"], e.inputs["expected"]))


def rebound(e: Evidence) -> bool:
    """The dict holds new arrays while the arrays the caller holds kept their old values:
    ``params[key] = params[key] - …`` instead of ``params[key] -= …``."""
    held, after = e.actual
    before = e.inputs["before"]
    return (bool(held) and bool(after) and all(same(held[-1].get(k), before[k], 0, 0) for k in before)
            and not all(same(after[-1].get(k), before[k], 0, 0) for k in before))


def _entries(topic: str, specific: list[tuple[str, str, Callable, str]]) -> tuple[Misconception, ...]:
    cls = TOPICS[topic]
    entries = [Misconception(f"{topic}.{name}", "trajectory", key, recognise, evidence)
               for name, key, recognise, evidence in specific]
    entries.append(Misconception(f"{topic}.defaults", "trajectory", "hint.optimizer_defaults",
                                 _explicit_defaults_right,
                                 f"{cls}() goes wrong, {cls}(**the course's defaults) is right",
                                 fields=lambda e, cls=cls: {"cls": cls, "defaults": DEFAULTS[cls]}))
    entries.append(Misconception(f"{topic}.not_in_place", "in_place", "hint.not_in_place", rebound,
                                 "new arrays in the dict, the caller's arrays unchanged"))
    return tuple(entries)


MISCONCEPTIONS = (
    *_entries("sgd", [("sign", "hint.sgd_sign", _follows(_sgd_sign), "w + lr·g at every update")]),
    *_entries("momentum", [
        ("sign", "hint.momentum_sign", _follows(_momentum_sign), "v = momentum·v + lr·g; w += v"),
        ("state_shared", "hint.state_shared", _follows(_momentum, shared_state=True),
         "equal shapes: one velocity for all keys; different shapes crash"),
        ("state_not_kept", "hint.state_not_kept", _follows(_momentum, keep_state=False),
         "v starts from 0 at every call: plain SGD"),
    ]),
    *_entries("adagrad", [
        ("no_accumulation", "hint.adagrad_accumulate", _follows(_adagrad_no_accumulation),
         "h = g² (replaced, not added): every step ±lr"),
        ("no_sqrt", "hint.adagrad_sqrt", _follows(_adagrad_no_sqrt), "divided by h + 1e-7, not √h + 1e-7"),
    ]),
    *_entries("rmsprop", [
        ("decay_swapped", "hint.rmsprop_decay", _follows(_rmsprop_swapped),
         "h = (1 − decay_rate)·h + decay_rate·g²"),
        ("state_shared", "hint.state_shared", _follows(_rmsprop, shared_state=True),
         "equal shapes: one h for all keys"),
    ]),
    *_entries("adam", [
        ("no_bias_correction", "hint.adam_bias_correction", _follows(_adam_no_bias_correction),
         "m and v used without dividing by 1 − βᵗ"),
        ("t_per_key", "hint.adam_one_t", _follows_fresh(_adam_t_per_key),
         "t advanced once per key, not once per call"),
        ("t_from_zero", "hint.adam_t_from_one", _follows(_adam_t_from_zero),
         "nan from the first update: 1 − β⁰ = 0, t incremented after use"),
    ]),
)


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

    def defaults_spec(rng):
        # The same run once more with the defaults given by name: tells wrong defaults from a wrong update.
        return {**spec(rng, kwargs={}), "explicit": dict(DEFAULTS[cls])}

    topic.add("trajectory", 2, spec, _judge_trajectory)
    topic.add("defaults", 1, defaults_spec, _judge_trajectory)
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
    evidence = Evidence(actual, {"params": spec["params"], "grads": spec["grads"], "hp": hp,
                                 "kwargs": spec["kwargs"], "explicit": outcome.get("explicit"),
                                 "expected": expected})
    for step, (got, want) in enumerate(zip(actual, expected), start=1):
        for key in want:
            verdict = compare(got.get(key) if isinstance(got, dict) else None, want[key],
                              inputs=f"{cls}({settings}), update #{step}", what=f"params['{key}']",
                              rtol=1e-4, atol=1e-7)
            if not verdict.passed:
                hint = diagnose(_topic_entries(cls), "trajectory", evidence)
                return with_warnings(Verdict.fail(*verdict.messages, *hint), outcome)
    return with_warnings(Verdict.ok(), outcome)


def _topic_entries(cls: str) -> tuple[Misconception, ...]:
    topic = next(name for name, c in TOPICS.items() if c == cls)
    return tuple(m for m in MISCONCEPTIONS if m.topic == topic)


def _judge_in_place(spec: dict, outcome: dict) -> Verdict:
    """The arrays the caller holds must be the ones that change (whatever their values)."""
    cls = spec["cls"]
    failed = error_verdict(outcome, f"{cls}.update")
    if failed:
        return failed
    held, after = outcome.get("held"), outcome.get("params")
    if changed_in_place(spec["params"], held, after):
        return Verdict.ok()
    hint = diagnose(_topic_entries(cls), "in_place", Evidence((held, after), {"before": spec["params"]}))
    return Verdict.fail(("fail.not_in_place", {"what": f"{cls}.update"}), *hint)


def changed_in_place(before: dict, held: list | None, after: list | None) -> bool:
    """True when the held arrays changed and equal the dict's final entries."""
    if not held or not after or not isinstance(held[-1], dict) or not isinstance(after[-1], dict):
        return False
    last_held, last = held[-1], after[-1]
    return (all(same(last_held.get(k), last.get(k), 0, 0) for k in before)
            and not all(same(last_held.get(k), before[k], 0, 0) for k in before))
