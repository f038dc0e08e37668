"""`check("softmax")` in a real Jupyter kernel: what a student sees, and what nbgrader scores.

One kernel (the project's Python, through a kernelspec written for the test) runs cells
the way JupyterLab does; each test looks at the outputs a cell produced.
"""
from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import SOLUTIONS
from grader.authoring.blanks import strip_markers

from grader.topics.registry import declare

SOFTMAX_POINTS = declare("softmax").max_points  # one point per check


class Kernel:
    """Runs cells one at a time in one kernel, keeping each cell's outputs."""

    def __init__(self) -> None:
        self.nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                    "display_name": "Python 3"}})
        self.client = NotebookClient(self.nb, timeout=120, kernel_name="python3", allow_errors=True)

    def run(self, source: str) -> nbformat.NotebookNode:
        cell = nbformat.v4.new_code_cell(textwrap.dedent(source).strip())
        self.nb.cells.append(cell)
        return self.client.execute_cell(cell, len(self.nb.cells) - 1)


@pytest.fixture(scope="module")
def kernel(kernel_env: Path):
    session = Kernel()
    with session.client.setup_kernel():
        session.run("import numpy as np\nfrom grader.notebook import check")
        yield session


def solution(module: str, name: str) -> str:
    """The model answer's source of one function, markers removed."""
    source = strip_markers((SOLUTIONS / f"{module}.py").read_text(encoding="utf-8"))
    node = next(n for n in ast.parse(source).body if getattr(n, "name", None) == name)
    return ast.get_source_segment(source, node)


def of_type(cell, output_type: str) -> list:
    return [o for o in cell.outputs if o.output_type == output_type]


def stderr_of(cell) -> list:
    return [o for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]


def score_of(cell) -> float:
    """What nbgrader's autograder reads: the cell's value as a number."""
    [result] = of_type(cell, "execute_result")
    return float(result.data["text/plain"])


def html_of(cell) -> str:
    return "".join(o.data.get("text/html", "") for o in cell.outputs if "data" in o)


# --- verdicts ---------------------------------------------------------------------------------


def test_a_correct_function_passes_with_the_topics_points_and_nothing_on_stderr(kernel: Kernel) -> None:
    kernel.run(solution("functions", "softmax"))
    cell = kernel.run('check("softmax")')
    assert not stderr_of(cell) and not of_type(cell, "error")
    assert score_of(cell) == SOFTMAX_POINTS
    html = html_of(cell)
    assert 'class="grader-check grader-pass"' in html
    points = f"{SOFTMAX_POINTS:g}"
    assert f"合格: softmax — {points} 点中 {points} 点" in html and f"Passed: softmax — {points} / {points} points" in html


def test_an_unfilled_blank_fails_cleanly_naming_the_blank_and_its_cell(kernel: Kernel) -> None:
    code = kernel.run('''
        def relu(x):
            """ReLU"""
            # (え) 要素ごとに 0 と x の大きい方を np.maximum で返す
            #      return the larger of 0 and x for each element, with np.maximum
            # YOUR CODE HERE
            raise NotImplementedError()
    ''')
    cell = kernel.run('check("activations")')
    [error] = of_type(cell, "error")
    assert error.ename == "CheckFailed" and "activations: 0 / 5" in error.evalue
    # The traceback is the verdict alone: no frames of the grader's own code.
    assert len(error.traceback) == 1 and "File " not in error.traceback[0] and "grader/" not in error.traceback[0]
    assert not stderr_of(cell)
    html = html_of(cell)
    assert "grader-fail" in html
    where = f"Cell In[{code.execution_count}], line 6"
    assert f"Blank (え) in relu is not filled yet ({where})" in html
    assert f"relu の空欄（え）がまだ埋められていません（{where}）" in html


def test_numpy_warnings_become_feedback_not_stderr_and_partial_credit_matches_the_checks(kernel: Kernel) -> None:
    kernel.run('''
        def softmax(x):
            e = np.exp(x)
            return e / np.sum(e, axis=-1, keepdims=True)
    ''')
    cell = kernel.run('check("softmax")')
    assert not stderr_of(cell) and not of_type(cell, "error")
    html = html_of(cell)
    failed = re.findall(r'<li class="grader-fail" data-checks="([^"]*)"', html)
    assert failed and score_of(cell) == SOFTMAX_POINTS - sum(len(group.split()) for group in failed)
    assert "NumPy warned: RuntimeWarning: overflow" in html and "NumPy の警告" in html
    assert "subtract the maximum before exp" in html  # the misconception's hint


def test_a_function_given_by_argument_is_graded_in_place_of_the_notebooks(kernel: Kernel) -> None:
    kernel.run(solution("functions", "softmax").replace("def softmax(", "def my_softmax("))
    kernel.run("def softmax(x):\n    return x")
    assert score_of(kernel.run('check("softmax", my_softmax)')) == SOFTMAX_POINTS
    assert of_type(kernel.run('check("softmax")'), "error")


def test_layer_classes_are_graded_with_the_courses_functions_not_the_notebooks(kernel: Kernel) -> None:
    """Day 2's layers call softmax and sigmoid: a wrong softmax in the notebook is the softmax
    topic's failure, not the layers'; the classes' own code gets full marks."""
    kernel.run("def softmax(x):\n    return x")
    for cls in ("Relu", "Sigmoid", "Affine", "SoftmaxWithLoss"):
        kernel.run(solution("layers", cls))
    cell = kernel.run('check("layers")')
    assert score_of(cell) == 12, html_of(cell)
    assert "Passed: layers — 12 / 12 points" in html_of(cell)


def test_the_last_definition_counts_and_helpers_from_other_cells_come_along(kernel: Kernel) -> None:
    kernel.run("import math as m\nSHIFT_AXIS = -1")
    kernel.run('''
        def _shift(x):
            return x - np.max(x, axis=SHIFT_AXIS, keepdims=True)
    ''')
    kernel.run('''
        def softmax(x):
            e = np.exp(_shift(x)) * m.e / m.e
            return e / np.sum(e, axis=-1, keepdims=True)

        print(softmax(np.array([1.0, 2.0])))
        raise RuntimeError("the student's experiment after the definition")
    ''')
    cell = kernel.run('check("softmax")')
    assert score_of(cell) == SOFTMAX_POINTS, html_of(cell)


MSE_POINTS = declare("mse").max_points
MSE_WITH = """
    def mean_squared_error(d, y):
        y = np.atleast_2d(y)
        d = np.reshape(d, y.shape)
        return {half} * np.sum((y - d) ** 2) / y.shape[0]

    def d_mean_squared_error(d, y):
        d = np.reshape(d, np.shape(y))
        return (y - d) / (y.shape[0] if y.ndim == 2 else 1)
"""


def points_of(cell) -> float:
    """The score a check() cell showed, 0 when it failed (an error, no value)."""
    return score_of(cell) if of_type(cell, "execute_result") else 0.0


def test_values_computed_in_other_cells_come_along_and_their_experiments_do_not_run(
        kernel: Kernel, tmp_path: Path) -> None:
    """Issue 23 item 3: a constant that is no literal (an array, a helper's result), set in
    another cell, is computed again by its cell; what else that cell does never runs."""
    ran = tmp_path / "experiment-ran"
    kernel.run("SCALE_K = np.float64(0.25) * 1")
    kernel.run("def make_half_k():\n    return np.full(1, 2.0) * SCALE_K")
    kernel.run(f"HALF_K = make_half_k()\nW_K = np.eye(3) * SCALE_K\nopen({str(ran)!r}, 'w').close()")
    ran.unlink()
    kernel.run(MSE_WITH.format(half="(HALF_K[0] + W_K[1, 1] - SCALE_K)"))
    cell = kernel.run('check("mse")')
    assert score_of(cell) == MSE_POINTS, html_of(cell)
    assert not ran.exists()  # the grader ran the cell's assignments the function needs, nothing else


def test_a_value_assigned_again_later_counts_as_the_kernel_last_assigned_it(kernel: Kernel) -> None:
    kernel.run("HALF_R = np.ones(1) * 0.5")
    kernel.run(MSE_WITH.format(half="HALF_R[0]"))
    kernel.run("HALF_R = np.ones(1) * 0.75")  # a later cell: the kernel's value now
    assert points_of(kernel.run('check("mse")')) < MSE_POINTS
    kernel.run("HALF_R = np.ones(1)")
    kernel.run("HALF_R *= 0.5")  # an update reads the value before it: both cells count
    cell = kernel.run('check("mse")')
    assert score_of(cell) == MSE_POINTS, html_of(cell)


@pytest.mark.parametrize("assign", [
    'exec("HALF_X = np.ones(1) * 0.5")',  # no cell assigns it
    "HALF_X = np.ones(1) * 0.5",  # its cell's code is gone from IPython's record (below)
])
def test_a_value_no_cell_assigned_is_reported_as_missing_as_before(kernel: Kernel, assign: str) -> None:
    """Nothing can compute HALF_X again, and the student is told which name is missing, the
    same as autograde would say."""
    kernel.run(assign)
    kernel.run("import linecache\nfor _f, _e in list(linecache.cache.items()):\n"
               "    if 'HALF_X = np.ones' in ''.join(_e[2]) and 'linecache' not in ''.join(_e[2]):\n"
               "        del linecache.cache[_f]")
    kernel.run(MSE_WITH.format(half="HALF_X[0]"))
    cell = kernel.run('check("mse")')
    assert points_of(cell) < MSE_POINTS
    assert "name &#x27;HALF_X&#x27; is not defined" in html_of(cell)
    assert "HALF_X is used before anything is assigned to it" in html_of(cell)


def test_an_error_in_the_students_code_points_at_the_cell_and_line(kernel: Kernel) -> None:
    code = kernel.run('''
        def mean_squared_error(d, y):
            d = np.asarray(d)
            return 0.5 * np.sum((y - d) ** 2) / missing_name
    ''')
    cell = kernel.run('check("mse")')
    html = html_of(cell)
    assert f"Cell In[{code.execution_count}], line 3" in html and "NameError" in html
    assert "grader/" not in html and "Traceback" not in html


def test_an_unknown_topic_is_a_plain_error(kernel: Kernel) -> None:
    [error] = of_type(kernel.run('check("sofmax")'), "error")
    assert error.ename == "ValueError" and "'sofmax'" in error.evalue and "softmax" in error.evalue


def test_a_quiz_shows_in_the_notebook_and_checks_typed_answers(kernel: Kernel) -> None:
    kernel.run("from grader.notebook import show_quiz")
    cell = kernel.run('show_quiz("day1-s3", {"d1s3-q3": "y - d", "d1s3-q9": "1"})')
    assert not stderr_of(cell) and not of_type(cell, "error")
    html = html_of(cell)
    assert 'data-question="d1s3-q3"' in html and 'class="grader-question grader-pass" data-question="d1s3-q3"' in html
    assert 'class="grader-question grader-fail" data-question="d1s3-q9"' in html
