"""Checks of AdaGrad (optimizers.py): its trajectory, its defaults, state per key, in place."""
from __future__ import annotations

import numpy as np

from grader.judging.checks import Topic
from grader.topics.families.optimizer import EPS, family_entries, follows, optimizer_topic, root


CLS = "AdaGrad"


# Non-default settings catch constants written into update(); the defaults are checked too.
SETTINGS = {"learning_rate": 0.1}


DEFAULTS = {"learning_rate": 0.01}


def _adagrad_no_accumulation(s, w, g, hp, t):
    return w - hp["learning_rate"] * g / (np.sqrt(g * g) + EPS)


def _adagrad(s, w, g, hp, t):
    s["h"] = s.get("h", 0) + g * g
    return w - hp["learning_rate"] * g / root(s["h"], hp)


def _adagrad_no_sqrt(s, w, g, hp, t):
    s["h"] = s.get("h", 0) + g * g
    return w - hp["learning_rate"] * g / (s["h"] + EPS)


MISCONCEPTIONS = family_entries('adagrad', CLS, DEFAULTS, [
    ("no_accumulation", "hint.adagrad_accumulate", follows(_adagrad_no_accumulation),
     "h = g² (replaced, not added): every step ±lr"),
    ("no_sqrt", "hint.adagrad_sqrt", follows(_adagrad_no_sqrt), "divided by h + 1e-7, not √h + 1e-7"),
], rule=_adagrad, eps=("none", "inside"), same_as_own=("state_not_kept",))


def declare() -> Topic:
    return optimizer_topic('adagrad', CLS, SETTINGS, DEFAULTS, MISCONCEPTIONS, small="tiny")
