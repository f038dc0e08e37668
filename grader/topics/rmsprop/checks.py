"""Checks of RMSprop (optimizers.py): its trajectory, its defaults, state per key, in place."""
from __future__ import annotations

import numpy as np

from grader.judging.checks import Topic
from grader.topics.families.optimizer import EPS, family_entries, follows, optimizer_topic, root


CLS = "RMSprop"


# Non-default settings catch constants written into update(); the defaults are checked too.
SETTINGS = {"learning_rate": 0.05, "decay_rate": 0.9}


DEFAULTS = {"learning_rate": 0.01, "decay_rate": 0.99}


def _rmsprop_swapped(s, w, g, hp, t):
    rho = hp["decay_rate"]
    s["h"] = (1 - rho) * s.get("h", 0) + rho * g * g
    return w - hp["learning_rate"] * g / (np.sqrt(s["h"]) + EPS)


def _rmsprop(s, w, g, hp, t):
    rho = hp["decay_rate"]
    s["h"] = rho * s.get("h", 0) + (1 - rho) * g * g
    return w - hp["learning_rate"] * g / root(s["h"], hp)


MISCONCEPTIONS = family_entries('rmsprop', CLS, DEFAULTS, [
    ("decay_swapped", "hint.rmsprop_decay", follows(_rmsprop_swapped),
     "h = (1 − decay_rate)·h + decay_rate·g²"),
], rule=_rmsprop, eps=("none", "inside"))


def declare() -> Topic:
    return optimizer_topic('rmsprop', CLS, SETTINGS, DEFAULTS, MISCONCEPTIONS, small="tiny")
