"""Comparing a code answer's values with the model's, with tolerances, and saying where they differ."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Mismatch:
    """Where and how a student's value differs; ``key`` is a message key."""

    key: str
    where: str
    fields: dict[str, Any]


def compare(expected: Any, actual: Any, *, rtol: float, atol: float, where: str = "") -> Mismatch | None:
    """The first difference between ``expected`` and ``actual``, or None when they agree."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return Mismatch("quiz.code.wrong_kind", where, {"expected": "dict", "actual": _kind(actual)})
        if set(expected) != set(actual):
            return Mismatch("quiz.code.wrong_keys", where,
                            {"expected": ", ".join(sorted(expected)), "actual": ", ".join(sorted(actual))})
        for key in expected:
            found = compare(expected[key], actual[key], rtol=rtol, atol=atol, where=_item(where, key))
            if found:
                return found
        return None
    if isinstance(expected, tuple):
        if not isinstance(actual, tuple):
            return Mismatch("quiz.code.wrong_kind", where, {"expected": f"tuple/list of {len(expected)}", "actual": _kind(actual)})
        if len(expected) != len(actual):
            return Mismatch("quiz.code.wrong_length", where, {"expected": len(expected), "actual": len(actual)})
        for i, (e, a) in enumerate(zip(expected, actual)):
            found = compare(e, a, rtol=rtol, atol=atol, where=f"{where}[{i}]")
            if found:
                return found
        return None
    if isinstance(expected, str) or expected is None:
        return None if expected == actual else Mismatch("quiz.code.wrong_value", where, {})
    return _compare_numeric(expected, actual, rtol=rtol, atol=atol, where=where)


def _compare_numeric(expected: Any, actual: Any, *, rtol: float, atol: float, where: str) -> Mismatch | None:
    if not _numeric(actual):
        return Mismatch("quiz.code.wrong_kind", where, {"expected": _kind(expected), "actual": _kind(actual)})
    e, a = np.asarray(expected, dtype=float), np.asarray(actual, dtype=float)
    if e.shape != a.shape:
        return Mismatch("quiz.code.wrong_shape", where, {"expected": _shape(e), "actual": _shape(a)})
    if not np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=True):
        if a.ndim == 0:  # a number has no shape to speak of: say which number came back
            return Mismatch("quiz.code.wrong_scalar", where, {"actual": f"{float(a):.6g}"})
        return Mismatch("quiz.code.wrong_value", where, {})
    return None


def _numeric(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return True
    return isinstance(value, (bool, int, float)) and value is not None


def _kind(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array {_shape(value)}"
    if isinstance(value, tuple):
        return f"tuple/list of {len(value)}"
    if value is None:
        return "None"
    return type(value).__name__


def _shape(array: np.ndarray) -> str:
    return str(tuple(array.shape))


def _item(where: str, key: str) -> str:
    return f"{where}[{key!r}]" if where else key
