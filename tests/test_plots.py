"""`grader check --plot FILE.png`: real PNGs whose pixels show the student's and the reference's lines."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, SOLUTIONS, run_grader
from grader.check import plots
from grader.judging import curves


def png(path) -> np.ndarray:
    import matplotlib.image
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return matplotlib.image.imread(str(path))


def has_colour(image: np.ndarray, colour: str, tolerance: float = 0.03, at_least: int = 50) -> bool:
    from matplotlib.colors import to_rgb
    rgb = np.array(to_rgb(colour))
    return int(np.sum(np.all(np.abs(image[..., :3] - rgb) < tolerance, axis=-1))) >= at_least


def expected_size(panels: int) -> tuple[int, int]:
    columns = min(2, panels)
    rows = -(-panels // columns)
    return round(plots.PANEL_SIZE[1] * rows * plots.DPI), round(plots.PANEL_SIZE[0] * columns * plots.DPI)


def test_training_plot_shows_both_runs_loss_and_accuracy(tmp_path):
    out = tmp_path / "training.png"
    done = run_grader("check", "training", "--submission", str(SOLUTIONS), "--plot", str(out), "--json")
    assert done.returncode == 0 and f"Plot written to {out}" in done.stderr
    image = png(out)
    assert image.shape[:2] == expected_size(2)
    assert has_colour(image, curves.STUDENT_COLOUR) and has_colour(image, curves.REFERENCE_COLOUR)


def test_a_failing_softmax_is_drawn_beside_the_reference(submission, tmp_path):
    folder = submission({"functions": [("x = x - np.max(x, axis=-1, keepdims=True)", "x = x")]})
    out = tmp_path / "softmax.png"
    done = run_grader("check", "softmax", "--submission", str(folder), "--plot", str(out))
    assert done.returncode == 1
    image = png(out)
    assert image.shape[:2] == expected_size(2)  # as given, and shifted by 1000 where it overflows
    assert has_colour(image, curves.STUDENT_COLOUR) and has_colour(image, curves.REFERENCE_COLOUR)


def test_a_failing_activation_is_drawn_and_passing_ones_are_not(submission, tmp_path):
    folder = submission({"functions": [("return (1 - sigmoid(x)) * sigmoid(x)", "return (1 - x) * x")]})
    out = tmp_path / "activations.png"
    done = run_grader("check", "activations", "--submission", str(folder), "--plot", str(out))
    assert done.returncode == 1
    image = png(out)
    assert image.shape[:2] == expected_size(1)
    assert has_colour(image, curves.STUDENT_COLOUR) and has_colour(image, curves.REFERENCE_COLOUR)


def test_nothing_to_draw_is_said_and_no_file_is_written(tmp_path):
    out = tmp_path / "none.png"
    done = run_grader("check", "mse", "--submission", str(SOLUTIONS), "--plot", str(out))
    assert done.returncode == 0 and "Nothing to plot" in done.stderr
    assert not out.exists()


def test_the_figure_has_one_axes_per_recorded_panel(tmp_path):
    curves.request(tmp_path / "x.png")
    try:
        curves.record_training({"loss": [2.0, 1.0], "accuracy": [0.5, 0.9]},
                              {"loss": [1.5, 0.5], "accuracy": [0.8, 0.95]}, 0.85)
        x = np.linspace(-6, 6, 241)
        spec, outcome = {"curve": x}, {"curve": np.minimum(0, x)}
        curves.record_curve("activations", "relu", spec, outcome, lambda v: np.maximum(0, v))
        figure = plots.render(curves.recorded())
        assert len(figure.axes) == 3
        titles = [axes.get_title() for axes in figure.axes]
        assert titles[0].startswith("training: loss") and titles[2] == "activations: relu(x)"
        lines = figure.axes[2].get_lines()
        assert [line.get_label() for line in lines] == ["reference", "yours"]
        assert np.allclose(lines[1].get_ydata(), np.minimum(0, x))
        assert plots.write() == tmp_path / "x.png" and png(tmp_path / "x.png").shape[:2] == expected_size(3)
    finally:
        curves.request(None)


def test_grader_check_without_plot_never_imports_matplotlib():
    code = ("import sys; from grader.check.cli import main; "
            f"status = main(['softmax', '--submission', {str(SOLUTIONS)!r}, '--json']); "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'; sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("name", ["curves.svg", "no_such_folder/curves.png"])
def test_a_plot_file_that_cannot_be_written_is_a_usage_error(tmp_path, name):
    done = run_grader("check", "training", "--plot", str(tmp_path / name))
    assert done.returncode == 2 and "Traceback" not in done.stderr
