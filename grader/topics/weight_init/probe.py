"""Child side of weight_init: draws from the student's initialisers, one per seed."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np


def draw(get: Callable[[str, str], Any], spec: dict) -> dict:
    func = get("weight_init", spec["func"])
    draws = [func(spec["n_in"], spec["n_out"], np.random.default_rng(seed))
             for seed in spec["seeds"]]
    return {"draws": draws}
