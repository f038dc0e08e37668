"""Child side of the optimizer topics: several update() calls, and what the caller holds."""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.boundary.wire_types import Get, OptimizerOutcome, OptimizerSpec


def optimizer(get: Get, spec: OptimizerSpec) -> OptimizerOutcome:
    cls = get("optimizers", spec["cls"])
    start = {k: np.array(v, copy=True) for k, v in spec["params"].items()}
    try:
        made = cls(**spec["kwargs"])
    except Exception as exc:  # noqa: BLE001 - the constructor's fault, not update's: say so
        import sys
        from pathlib import Path
        from grader.boundary.child import describe
        error = describe(exc, Path(sys.path[0]).resolve(), phase="call")
        return {"error": {**error, "function": f"{spec['cls']}()"}}
    outcome = _trajectory(made, spec["params"], spec["grads"])
    if "explicit" in spec:
        try:
            outcome["explicit"] = _trajectory(cls(**spec["explicit"]), start, spec["grads"])["params"]
        except Exception:  # noqa: BLE001 - only evidence for a hint; the graded run stands
            outcome["explicit"] = None
    return outcome


def _trajectory(opt: Any, params: dict, all_grads: list) -> OptimizerOutcome:
    """The parameters after each update(), and what the caller's own references hold then."""
    held = dict(params)
    params_seen, held_seen = [], []
    for grads in all_grads:
        opt.update(params, grads)
        params_seen.append({k: np.array(v, copy=True) for k, v in params.items()})
        held_seen.append({k: np.array(v, copy=True) for k, v in held.items()})
    return {"params": params_seen, "held": held_seen}
