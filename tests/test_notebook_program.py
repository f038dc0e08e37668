"""One program from a notebook: what the notebook's check() grades is what autograde grades.

The extraction (grader.nb.program) keeps what the graded functions use — helper functions,
constants computed from expressions, imports — decided from the AST, and never runs an
experiment or a magic. A property test builds notebooks with helper cells, experiments and
magics, runs them in a real IPython shell and compares the score of the notebook's own
``check()`` with the score autograde and the batch record for the same notebook (the
batch's staging, the same engine).
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from grader.nb.program import Cell, program_from_cells

TOPIC = "cross_entropy_error"


def program_text(*sources: str) -> str:
    return program_from_cells([Cell(f"Cell In[{i}]", s) for i, s in enumerate(sources, start=1)]).text


# --- what is kept, what never runs -----------------------------------------------------------


def test_a_constant_computed_from_an_expression_is_kept_when_a_graded_function_uses_it() -> None:
    text = program_text("import numpy as np\nDELTA = 10 ** -7\n",
                        "def cross_entropy_error(d, y):\n    return -np.log(y + DELTA).sum()\n")
    assert "DELTA = 10 ** -7" in text
    namespace: dict = {}
    exec(compile(text, "_notebook.py", "exec"), namespace)  # noqa: S102 - our own test program
    assert namespace["DELTA"] == 1e-7


def test_helpers_are_followed_transitively_and_experiments_are_left_out(tmp_path: Path) -> None:
    ran = tmp_path / "ran"
    text = program_text(
        "import numpy as np\nSCALE = np.sqrt(2.0)\nOFFSET = SCALE * 2\n",
        f"x = open({str(ran)!r}, 'w')\nlosses = [relu(np.ones(3)) for _ in range(3)]\n",
        "def _shift(v):\n    return v - OFFSET + OFFSET\n\ndef relu(x):\n    return np.maximum(0, _shift(x))\n",
        "%matplotlib inline\nUNUSED = np.zeros(10 ** 9)\n")
    assert "SCALE = np.sqrt(2.0)" in text and "OFFSET = SCALE * 2" in text
    assert "open(" not in text and "losses" not in text and "UNUSED" not in text  # relu's x is its own
    namespace: dict = {}
    exec(compile(text, "_notebook.py", "exec"), namespace)  # noqa: S102
    assert not ran.exists()
    assert list(namespace["relu"](namespace["np"].array([-1.0, 2.0]))) == [0.0, 2.0]


def test_a_magic_line_keeps_the_cells_definitions_and_a_cell_magic_drops_its_cell() -> None:
    text = program_text("%matplotlib inline\n!pip install nothing\nimport numpy as np\n"
                        "def softmax(x):\n    %timeit x\n    return x\n",
                        "%%time\ndef relu(x):\n    return x\n")
    assert "def softmax(x):" in text and "import numpy as np" in text
    assert "%" not in text and "!" not in text and "def relu" not in text
    compile(text, "_notebook.py", "exec")


def test_a_global_a_function_assigns_and_a_class_body_constant_are_followed() -> None:
    text = program_text("COUNT = int('0')\nBASE = dict(a=1)\n",
                        "class Relu:\n    table = BASE\n    def forward(self, x):\n"
                        "        global COUNT\n        COUNT += 1\n        return x\n")
    assert "COUNT = int('0')" in text and "BASE = dict(a=1)" in text


# --- the property: the notebook's check() and autograde agree --------------------------------

CONSTANTS = ["10 ** -7", "1e-7", "float('1e-7')", "np.float64(1e-7)", "1 / 10 ** 7", "10 ** -1", "0.5 * 2e-7"]
# Values no literal can write down, from another cell: an array, a NumPy expression, a
# helper's result, a product with a constant of another cell (issue 23 item 3).
COMPUTED = ["np.full(1, 1e-7)", "np.float64(1e-7) * 1", "np.eye(1)[0] * SCALE", "_make_delta()",
            "np.array([SCALE]) * 1", "np.full(1, 1e-1)"]
HELPERS = {"SCALE": "SCALE = 10.0 ** -7\n", "_make_delta": "def _make_delta():\n    return np.full(1, 1e-7)\n"}


@st.composite
def notebooks(draw: st.DrawFn) -> list[str]:
    """Cells of a student's notebook: cross_entropy_error with helper cells around it."""
    constant = draw(st.sampled_from(CONSTANTS + COMPUTED))
    helper = draw(st.booleans())
    same_cell = draw(st.booleans())
    through = draw(st.sampled_from(["DELTA", "EPS"]))  # EPS = DELTA * 1: a constant of a constant
    body = ("    return -np.sum(np.log(_pick(y, d, batch_size) + {c})) / batch_size\n" if helper else
            "    return -np.sum(np.log(y[np.arange(batch_size), d] + {c})) / batch_size\n").format(c=through)
    function = ("def cross_entropy_error(d, y):\n    d = np.asarray(d)\n    if y.ndim == 1:\n"
                "        d = d.reshape(1, d.size)\n        y = y.reshape(1, y.size)\n"
                "    if d.size == y.size:\n        d = d.argmax(axis=1)\n    batch_size = y.shape[0]\n" + body)
    delta, eps = f"DELTA = {constant}\n", "EPS = DELTA * 1\n"
    cells = ["import numpy as np\n%matplotlib inline\n"]
    cells += [HELPERS[name] for name in HELPERS if name in constant]
    if same_cell:
        cells += [delta + eps + "\n" + function]
    elif draw(st.booleans()):  # each in its own cell, an experiment beside the constant
        cells += [delta + "print(DELTA)\nprobe = np.log(DELTA)\n", eps, function]
    else:
        cells += [delta + eps, function]
    if helper:
        cells.append("def _pick(y, d, n):\n    return y[np.arange(n), d]\n")
    experiments = draw(st.lists(st.sampled_from([
        "y = np.array([0.1, 0.9])\nd = np.array([0, 1])\nprint(cross_entropy_error(d, y))\n",
        "losses = [cross_entropy_error(np.eye(3), np.eye(3)) for _ in range(2)]\n",
        "batch_size = 'not the function local'\n",
        "%timeit -n 1 -r 1 cross_entropy_error(np.eye(2), np.eye(2))\n",
        "probe = np.full(3, DELTA) * 2\n",
    ]), max_size=3))
    wrong_first = draw(st.sampled_from([None, "DELTA = 10 ** 3\n", "DELTA = np.full(1, 1e3)\n"]))
    if wrong_first:  # a wrong constant first, put right in a later cell: the last one counts
        cells.insert(1, wrong_first)
    if draw(st.booleans()):  # a later cell updates it from its own value: both cells count
        cells.append(draw(st.sampled_from(["DELTA = DELTA * 1\n", "DELTA *= 1\n", "DELTA = DELTA + 0 * SCALE\n"]))
                     + ("EPS = DELTA * 1\n" if through == "EPS" else ""))
        if "SCALE" in cells[-1] and HELPERS["SCALE"] not in cells:
            cells.insert(1, HELPERS["SCALE"])
    return cells + experiments


def kernel_points(cells: list[str]) -> float:
    """The notebook run in a real IPython shell, then its own check(). A new shell for each
    notebook (its record of cells too), numbering the cells as a kernel does."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    from grader.nb.check import check
    from grader.nb.feedback import CheckFailed

    InteractiveShell.clear_instance()
    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # the developer's IPython history is not touched
    shell = InteractiveShell.instance(config=config)
    for source in cells:
        shell.run_cell(source, store_history=True)
    try:
        return check(TOPIC, lang="en", namespace=shell.user_ns).points
    except CheckFailed:
        return 0.0


def autograde_points(cells: list[str]) -> float:
    """The same notebook as autograde (both paths) and the batch grade it: their staging,
    their program, their engine."""
    from grader.instructor.nbgrader_execute import grade_notebook

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in cells])
    return sum(row["points"] for row in grade_notebook(nb, [TOPIC], sandbox="none"))


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cells=notebooks())
def test_the_notebooks_check_and_autograde_give_the_same_score(cells: list[str]) -> None:
    assert kernel_points(cells) == autograde_points(cells)


@pytest.mark.parametrize("constant, full", [("10 ** -7", True), ("10 ** -1", False)])
def test_a_helper_constant_computed_by_an_expression_scores_the_same_in_the_kernel_and_autograde(
        constant: str, full: bool) -> None:
    cells = ["import numpy as np\n", f"DELTA = {constant}\n",
             "def cross_entropy_error(d, y):\n    d = np.asarray(d)\n    if y.ndim == 1:\n"
             "        d = d.reshape(1, d.size)\n        y = y.reshape(1, y.size)\n"
             "    if d.size == y.size:\n        d = d.argmax(axis=1)\n    batch_size = y.shape[0]\n"
             "    return -np.sum(np.log(y[np.arange(batch_size), d] + DELTA)) / batch_size\n"]
    kernel, autograde = kernel_points(cells), autograde_points(cells)
    assert kernel == autograde
    if full:
        assert autograde > 0
    else:  # DELTA = 0.1 shifts every loss: the graded values are wrong on both paths alike
        assert autograde < autograde_points(cells[:1] + ["DELTA = 10 ** -7\n"] + cells[2:])
    if full:
        from grader.instructor.nbgrader_execute import grade_notebook
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in cells])
        rows = grade_notebook(nb, [TOPIC], sandbox="none")
        assert all(row["passed"] for row in rows), rows


CROSS_ENTROPY = ("def cross_entropy_error(d, y):\n    d = np.asarray(d)\n    if y.ndim == 1:\n"
                 "        d = d.reshape(1, d.size)\n        y = y.reshape(1, y.size)\n"
                 "    if d.size == y.size:\n        d = d.argmax(axis=1)\n    batch_size = y.shape[0]\n"
                 "    return -np.sum(np.log(y[np.arange(batch_size), d] + DELTA)) / batch_size\n")


@pytest.mark.parametrize("cells", [
    ["import numpy as np\n", "{f}", "SCALE = 1e-7\n", "W = np.eye(3) * SCALE\nprint(W)\n", "DELTA = W[:1, 0]\n"],
    ["import numpy as np\n", "{f}", "def make_table():\n    return np.full(1, 1e-7)\n", "TABLE = make_table()\n",
     "DELTA = TABLE * 1\n"],
    ["import numpy as np\n", "{f}", "DELTA = np.full(1, 1e3)\n", "DELTA = np.full(1, 1e-7) * 1\n"],
    ["import numpy as np\n", "DELTA = np.full(1, 1e3)\n{f}", "DELTA = np.full(1, 1e-7) * 1\n"],
    ["import numpy as np\n", "{f}", "DELTA = np.ones(1)\n", "DELTA *= 1e-7\n"],
], ids=["W = np.eye(3) * SCALE", "TABLE = make_table()", "assigned again", "assigned again after the function's cell",
        "updated"])
def test_a_value_no_literal_writes_from_another_cell_scores_in_full_in_the_kernel_and_autograde(
        cells: list[str]) -> None:
    """The function's cell comes first (the value is read when it is called): the kernel's
    check() finds the cells that assign DELTA last, as autograde reads them from the file."""
    from grader.topics.registry import declare

    cells = [cell.replace("{f}", CROSS_ENTROPY) for cell in cells]
    assert kernel_points(cells) == autograde_points(cells) == declare(TOPIC).max_points
