"""Child side of batch_norm: forward, then backward through the student's own cache."""
from __future__ import annotations

from typing import Any, Callable



def batchnorm(get: Callable[[str, str], Any], spec: dict) -> dict:
    """Forward, then backward through the student's own cache (it never leaves the child)."""
    forward, backward = get("batch_norm", "batchnorm_forward"), get("batch_norm", "batchnorm_backward")
    x = spec["x"]
    out, cache = forward(x, spec["gamma"], spec["beta"], eps=spec["eps"])
    grads = backward(spec["dout"], cache) if spec.get("backward") else None
    return {"out": out, "grads": grads, "x_after": x}
