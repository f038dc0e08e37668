"""Pictures for `grader check --plot FILE.png`: the student's curves beside the reference's.

The judges record the curves (:mod:`grader.judging.curves`); this renders them into one
PNG at the end. matplotlib is imported only then: `grader check` without --plot never
pays for it.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from grader.judging import curves
from grader.judging.curves import THRESHOLD_COLOUR, Panel

PANEL_SIZE = (5.5, 4.0)  # inches per panel
DPI = 100


def write() -> Path | None:
    """Render what was recorded into the requested file; None when there was nothing to draw."""
    panels = curves.recorded()
    if not curves.wanted() or not panels:
        return None
    figure = render(panels)
    figure.savefig(curves.requested_path(), dpi=DPI)
    return curves.requested_path()


def render(panels: list[Panel]) -> Any:
    """One figure, two panels a row."""
    import matplotlib
    matplotlib.use("Agg")  # files only: no display needed, none assumed
    from matplotlib.figure import Figure

    columns = min(2, len(panels))
    rows = math.ceil(len(panels) / columns)
    figure = Figure(figsize=(PANEL_SIZE[0] * columns, PANEL_SIZE[1] * rows), dpi=DPI, layout="constrained")
    for number, panel in enumerate(panels, start=1):
        draw(figure.add_subplot(rows, columns, number), panel)
    return figure


def draw(axes: Any, panel: Panel) -> None:
    for line in panel.lines:
        if line.y is None:
            axes.text(0.5, 0.5, "(no values: your code raised or returned another shape)",
                      transform=axes.transAxes, ha="center", color=line.colour, wrap=True)
            continue
        finite = np.isfinite(line.y)
        # The reference drawn wide underneath, the student's narrower on top: where they agree both show.
        width = 4.0 if line.label == "reference" else 2.0
        axes.plot(line.x, np.where(finite, line.y, np.nan), color=line.colour, linewidth=width, label=line.label)
        if not finite.all():
            axes.text(0.02, 0.02, f"nan/inf at {int((~finite).sum())} of {finite.size} points",
                      transform=axes.transAxes, color=line.colour)
    if panel.threshold is not None:
        axes.axhline(panel.threshold, color=THRESHOLD_COLOUR, linestyle=":", label=f"pass ≥ {panel.threshold:g}")
    axes.set_title(panel.title)
    axes.set_xlabel(panel.xlabel)
    axes.set_ylabel(panel.ylabel)
    axes.legend(loc="best")
