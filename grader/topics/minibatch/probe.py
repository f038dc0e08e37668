"""Child side of minibatch: every pass of iterate_minibatches, one per seed."""
from __future__ import annotations

import numpy as np

from grader.boundary.wire_types import Get, IterateOutcome, IterateSpec


def iterate(get: Get, spec: IterateSpec) -> IterateOutcome:
    func = get("minibatch", "iterate_minibatches")
    runs = []
    if spec.get("defaults"):  # shuffle and rng left to the signature's defaults, then given as such
        calls = [lambda: func(spec["data_x"], spec["data_t"], spec["batch_size"]),
                 lambda: func(spec["data_x"], spec["data_t"], spec["batch_size"], shuffle=True, rng=None)]
    else:
        calls = [lambda seed=seed: func(spec["data_x"], spec["data_t"], spec["batch_size"], shuffle=spec["shuffle"],
                                        rng=None if seed is None else np.random.default_rng(seed))
                 for seed in spec["seeds"]]
    for call in calls:
        runs.append([tuple(pair) for pair in call()])
    return {"runs": runs}
