"""Child side of weight_init: draws from the student's initialisers, one per seed."""
from __future__ import annotations

import numpy as np

from grader.boundary.wire_types import DrawOutcome, DrawSpec, Get


def draw(get: Get, spec: DrawSpec) -> DrawOutcome:
    func = get("weight_init", spec["func"])
    draws = [func(spec["n_in"], spec["n_out"], np.random.default_rng(seed))
             for seed in spec["seeds"]]
    return {"draws": draws}
