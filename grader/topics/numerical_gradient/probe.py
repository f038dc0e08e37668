"""Child side of numerical_gradient: the losses both sides know by name, and the call."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from grader.boundary.wire_types import Get, NumericalGradientOutcome, NumericalGradientSpec


# Loss functions for numerical_gradient checks, known to both sides by name: the parent
# computes the expected gradient with the same function and the reference.
def sum_of_squares(x: np.ndarray) -> float:
    return float(np.sum(x ** 2))


def smooth_mix(x: np.ndarray) -> float:
    return float(np.sum(np.sin(x) * x) + np.sum(x) ** 2)


CUBIC = 100.0


def cubic(x: np.ndarray) -> float:
    """A third derivative the central difference does not cancel: its error is CUBIC·h² in
    every entry, so on small x a step other than the course's h = 1e-4 shows."""
    return float(CUBIC * np.sum(x ** 3))


LOSSES: dict[str, Callable[[np.ndarray], float]] = {
    "sum_of_squares": sum_of_squares,
    "smooth_mix": smooth_mix,
    "cubic": cubic,
}


# Their exact derivatives: the parent's yardstick for a numerical gradient gone wrong.
EXACT_GRADIENTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sum_of_squares": lambda x: 2 * x,
    "smooth_mix": lambda x: np.sin(x) + x * np.cos(x) + 2 * np.sum(x),
    "cubic": lambda x: 3 * CUBIC * x ** 2,
}


def by_reference(name: str, x: np.ndarray) -> Callable[[Any], float]:
    """The course's `lambda W: loss(...)`: ignores its argument, reads x itself."""
    loss = LOSSES[name]
    return lambda _ignored: loss(x)


def numerical_gradient(get: Get, spec: NumericalGradientSpec) -> NumericalGradientOutcome:
    func = get("functions", "numerical_gradient")
    x = spec["x"]
    f = by_reference(spec["loss"], x) if spec["by_reference"] else LOSSES[spec["loss"]]
    result = func(f, x)
    return {"result": result, "x_after": x}
