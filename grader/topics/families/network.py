"""The course's two-layer network, as the forward, backward and sgd_update topics build it."""
from __future__ import annotations

import numpy as np


M = "network"


KEYS = ("W1", "b1", "W2", "b2")


def make_network(rng: np.random.Generator, d: int, h: int, o: int) -> dict:
    return {"W1": rng.normal(size=(d, h)) * 0.5, "b1": rng.normal(size=h) * 0.1,
            "W2": rng.normal(size=(h, o)) * 0.5, "b2": rng.normal(size=o) * 0.1}


SHAPES = {"batch": (6, 4, 5, 3), "batch_of_one": (1, 3, 4, 2)}  # B, D, H, O
