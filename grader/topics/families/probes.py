"""Child-side probes shared by topics: call one student function, report plain values.

Probes run in the child, beside student code. They only gather values (results, the
arguments after the call, the arrays a caller still holds); every verdict is made in the
parent from those values, so a student who patches these functions can at most send
wrong values, which fail. Nothing here may import the reference.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np


def call(get: Callable[[str, str], Any], spec: dict) -> dict:
    func = get(spec["module"], spec["func"])
    args = list(spec["args"])
    held = [dict(a) if isinstance(a, dict) else None for a in args]
    result = func(*args, **spec.get("kwargs", {}))
    outcome = {
        "result": result,
        "args_after": args,
        "held_after": held,
    }
    if "curve" in spec:
        outcome["curve"] = _on_curve(func, spec["curve"])
    return outcome


def _on_curve(func: Callable, x: np.ndarray) -> Any:
    """The function over an input range, for a plot; a failure there costs nothing, and its
    warnings (overflow at x + 1000, say) are not the graded call's: they stay unreported."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return func(x.copy())
    except Exception:  # noqa: BLE001 - the graded call already reported what matters
        return None
