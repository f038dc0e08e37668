"""Child side of batch_norm: forward, then backward through the student's own cache."""
from __future__ import annotations

from grader.boundary.wire_types import BatchnormOutcome, BatchnormSpec, Get


def batchnorm(get: Get, spec: BatchnormSpec) -> BatchnormOutcome:
    """Forward, then backward through the student's own cache (it never leaves the child)."""
    forward, backward = get("batch_norm", "batchnorm_forward"), get("batch_norm", "batchnorm_backward")
    x = spec["x"]
    out, cache = forward(x, spec["gamma"], spec["beta"], eps=spec["eps"])
    grads = backward(spec["dout"], cache) if spec["backward"] else None
    return {"out": out, "grads": grads, "x_after": x}
