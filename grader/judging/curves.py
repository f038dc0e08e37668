"""Curves worth a picture, recorded by the judges while they grade (for `--plot FILE.png`).

A failing activation or softmax over an input range, the training run's loss and
accuracy per epoch: the student's values beside the reference's. Drawing them is the
command line's business (:mod:`grader.check.plots`); nothing here needs matplotlib.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from grader.boundary.wire_types import CallOutcome, CallSpec

STUDENT_COLOUR = "#d62728"  # red: the student's run
REFERENCE_COLOUR = "#1f77b4"  # blue: the reference's
THRESHOLD_COLOUR = "#7f7f7f"


@dataclass
class Line:
    label: str
    x: np.ndarray
    y: np.ndarray | None  # None: the student's code gave nothing to draw (it raised)
    colour: str


@dataclass
class Panel:
    title: str
    xlabel: str
    ylabel: str
    lines: list[Line]
    threshold: float | None = None


@dataclass
class _Request:
    path: Path | None = None
    panels: dict[str, list[Panel]] = field(default_factory=dict)  # by what they show, recorded once


_request = _Request()


def request(path: Path | None) -> None:
    """Ask the judges to record pictures for ``path`` (None: no plot, record nothing)."""
    global _request
    _request = _Request(path)


def wanted() -> bool:
    return _request.path is not None


def record_curve(topic: str, func: str, spec: CallSpec, outcome: CallOutcome,
                 expected: Callable[[np.ndarray], Any]) -> None:
    """A failing function over the input range its check also sent (see ``call_spec``)."""
    x = spec.get("curve")
    if not wanted() or x is None or func in _request.panels:
        return
    student = _numbers(outcome.get("curve"), np.shape(expected(x)))
    if func == "softmax":
        _request.panels[func] = softmax_panels(x, student, expected(x))
    else:
        _request.panels[func] = [Panel(f"{topic}: {func}(x)", "x", f"{func}(x)", [
            Line("reference", x, np.asarray(expected(x), dtype=float), REFERENCE_COLOUR),
            Line("yours", x, student, STUDENT_COLOUR)])]


def softmax_panels(x: np.ndarray, student: np.ndarray | None, reference: np.ndarray) -> list[Panel]:
    """The first probability of rows [s, 0, −1] against s, as given and shifted by 1000."""
    half = len(x) // 2
    panels = []
    for title, rows in (("softmax([s, 0, −1])[0]", slice(0, half)),
                        ("softmax([s, 0, −1] + 1000)[0]", slice(half, None))):
        s = x[rows, 0] - x[rows, 1]  # s itself, with or without the shift
        panels.append(Panel(title, "s", "probability", [
            Line("reference", s, reference[rows, 0], REFERENCE_COLOUR),
            Line("yours", s, None if student is None else student[rows, 0], STUDENT_COLOUR)]))
    return panels


def record_training(student: dict[str, list[float]], reference: dict[str, list[float]], threshold: float) -> None:
    """Loss and held-out accuracy per epoch, of the student's run and of the reference's."""
    if not wanted():
        return
    epochs = np.arange(1, len(reference["loss"]) + 1)
    panels = []
    for name, title, limit in (("loss", "training: loss per epoch (cross entropy)", None),
                               ("accuracy", "training: held-out accuracy per epoch", threshold)):
        lines = [Line("reference", epochs, np.asarray(reference[name], dtype=float), REFERENCE_COLOUR)]
        mine = _numbers(student.get(name), None)
        lines.append(Line("yours", np.arange(1, 0 if mine is None else len(mine) + 1), mine, STUDENT_COLOUR))
        panels.append(Panel(title, "epoch", name, lines, limit))
    _request.panels["training"] = panels


def _numbers(value: Any, shape: tuple | None) -> np.ndarray | None:
    """The student's values as floats when they can be drawn, else None."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    if value is None or (shape is not None and array.shape != shape) or array.ndim == 0:
        return None
    return array


def requested_path() -> Path | None:
    return _request.path


def recorded() -> list[Panel]:
    return [panel for panels in _request.panels.values() for panel in panels]


