"""Checks of Nesterov (optimizers.py): its trajectory, its defaults, state per key, in place."""
from __future__ import annotations

from grader.judging.checks import Topic
from grader.topics.families.optimizer import family_entries, follows, optimizer_topic

CLS = "Nesterov"

SETTINGS = {"learning_rate": 0.05, "momentum": 0.8}

DEFAULTS = {"learning_rate": 0.01, "momentum": 0.9}


def _velocity(s, g, hp):
    s["v"] = hp["momentum"] * s.get("v", 0) - hp["learning_rate"] * g
    return s["v"]


def _plain_momentum(s, w, g, hp, t):
    return w + _velocity(s, g, hp)


def _torch_form(s, w, g, hp, t):
    return w + hp["momentum"] * _velocity(s, g, hp) - hp["learning_rate"] * g


def _momentum_not_squared(s, w, g, hp, t):
    return w + hp["momentum"] * _velocity(s, g, hp) - (1 + hp["momentum"]) * hp["learning_rate"] * g


def _gradient_term_without_momentum(s, w, g, hp, t):
    return w + hp["momentum"] ** 2 * _velocity(s, g, hp) - hp["learning_rate"] * g


def _velocity_order(s, w, g, hp, t):
    s["v"] = (s.get("v", 0) - hp["learning_rate"] * g) * hp["momentum"]
    return w + hp["momentum"] ** 2 * s["v"] - (1 + hp["momentum"]) * hp["learning_rate"] * g


def _nesterov(s, w, g, hp, t):
    """The course's rule, per key: the family of state mistakes is simulated from it."""
    return w + hp["momentum"] ** 2 * _velocity(s, g, hp) - (1 + hp["momentum"]) * hp["learning_rate"] * g


MISCONCEPTIONS = family_entries('nesterov', CLS, DEFAULTS, [
    ("plain_momentum", "hint.nesterov_plain_momentum", follows(_plain_momentum),
     "w += v: the trajectory of plain Momentum"),
    ("torch_form", "hint.nesterov_torch_form", follows(_torch_form),
     "w += μ·v − lr·g: PyTorch's SGD(nesterov=True) variables, another trajectory"),
    ("momentum_not_squared", "hint.nesterov_momentum_not_squared", follows(_momentum_not_squared),
     "w += μ·v − (1 + μ)·lr·g: μ instead of μ²"),
    ("gradient_term_without_momentum", "hint.nesterov_gradient_term", follows(_gradient_term_without_momentum),
     "w += μ²·v − lr·g: the gradient term without (1 + μ)"),
    ("velocity_order", "hint.nesterov_velocity_order", follows(_velocity_order),
     "v = μ·(v − lr·g): the gradient subtracted before the decay"),
], rule=_nesterov)


def declare() -> Topic:
    return optimizer_topic('nesterov', CLS, SETTINGS, DEFAULTS, MISCONCEPTIONS)
