"""Checks of SGD (optimizers.py): its trajectory, its defaults, state per key, in place."""
from __future__ import annotations

from grader.judging.checks import Topic
from grader.topics.families.optimizer import family_entries, follows, optimizer_topic


CLS = "SGD"


# Non-default settings catch constants written into update(); the defaults are checked too.
SETTINGS = {"learning_rate": 0.1}


DEFAULTS = {"learning_rate": 0.01}


def _sgd_sign(s, w, g, hp, t):
    return w + hp["learning_rate"] * g


MISCONCEPTIONS = family_entries('sgd', CLS, DEFAULTS, [("sign", "hint.sgd_sign", follows(_sgd_sign), "w + lr·g at every update")])


def declare() -> Topic:
    return optimizer_topic('sgd', CLS, SETTINGS, DEFAULTS, MISCONCEPTIONS)
