"""Child side of minibatch: every pass of iterate_minibatches, one per seed."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np


def iterate(get: Callable[[str, str], Any], spec: dict) -> dict:
    func = get("minibatch", "iterate_minibatches")
    runs = []
    for seed in spec["seeds"]:
        rng = None if seed is None else np.random.default_rng(seed)
        if spec.get("defaults"):  # shuffle and rng left to the signature's defaults
            batches = func(spec["data_x"], spec["data_t"], spec["batch_size"])
        else:
            batches = func(spec["data_x"], spec["data_t"], spec["batch_size"], shuffle=spec["shuffle"], rng=rng)
        runs.append([tuple(pair) for pair in batches])
    return {"runs": runs}
