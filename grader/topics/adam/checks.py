"""Checks of Adam (optimizers.py): its trajectory, its defaults, state per key, in place."""
from __future__ import annotations

import numpy as np

from grader.judging.checks import Topic
from grader.topics.families.optimizer import EPS, Step, family_entries, follows, follows_fresh, optimizer_topic, root


CLS = "Adam"


# Non-default settings catch constants written into update(); the defaults are checked too.
SETTINGS = {"learning_rate": 0.01, "beta1": 0.8, "beta2": 0.95}


DEFAULTS = {"learning_rate": 0.001, "beta1": 0.9, "beta2": 0.999}


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
    return w - hp["learning_rate"] * m_hat / root(v_hat, hp)


def _adam_t_from_zero(s, w, g, hp, t):
    return _adam_corrected(s, w, g, hp, t - 1)


MISCONCEPTIONS = family_entries('adam', CLS, DEFAULTS, [
    ("no_bias_correction", "hint.adam_bias_correction", follows(_adam_no_bias_correction),
     "m and v used without dividing by 1 − βᵗ"),
    ("t_per_key", "hint.adam_one_t", follows_fresh(_adam_t_per_key),
     "t advanced once per key, not once per call"),
    ("t_from_zero", "hint.adam_t_from_one", follows(_adam_t_from_zero),
     "nan from the first update: 1 − β⁰ = 0, t incremented after use"),
], rule=_adam_corrected, eps=("none",), counts_steps=True)


def declare() -> Topic:
    return optimizer_topic('adam', CLS, SETTINGS, DEFAULTS, MISCONCEPTIONS, small="zeros")
