"""Checks of Momentum (optimizers.py): its trajectory, its defaults, state per key, in place."""
from __future__ import annotations

from grader.judging.checks import Topic
from grader.topics.families.optimizer import family_entries, follows, optimizer_topic


CLS = "Momentum"


# Non-default settings catch constants written into update(); the defaults are checked too.
SETTINGS = {"learning_rate": 0.05, "momentum": 0.8}


DEFAULTS = {"learning_rate": 0.01, "momentum": 0.9}


def _momentum_sign(s, w, g, hp, t):
    s["v"] = hp["momentum"] * s.get("v", 0) + hp["learning_rate"] * g
    return w + s["v"]


def _momentum(s, w, g, hp, t):
    s["v"] = hp["momentum"] * s.get("v", 0) - hp["learning_rate"] * g
    return w + s["v"]


MISCONCEPTIONS = family_entries('momentum', CLS, DEFAULTS, [
    ("sign", "hint.momentum_sign", follows(_momentum_sign), "v = momentum·v + lr·g; w += v"),
], rule=_momentum)


def declare() -> Topic:
    return optimizer_topic('momentum', CLS, SETTINGS, DEFAULTS, MISCONCEPTIONS)
