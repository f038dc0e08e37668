"""The ladder in notebooks: every generated notebook shows each blank's ladder (one
collapsed block per level), and `hint("softmax")` in a kernel renders the same HTML,
remembering levels in the same store as `grader hint`."""
from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from grader.authoring.blanks import parse_file
from grader.authoring.ladders import ladder_html, level_html
from grader.authoring.assignments import ASSIGNMENTS
from learn_support import ROOT, SOLUTIONS, new_student

SOFTMAX = [r for r in parse_file(SOLUTIONS / "functions.py") if r.qualname == "softmax"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=lambda a: a.name)
def test_every_generated_notebook_shows_each_blanks_ladder_level_by_level(assignment):
    nb = nbformat.read(ROOT / "notebooks" / "source" / assignment.notebook, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for module in assignment.modules:
        for region in parse_file(SOLUTIONS / f"{module}.py"):
            assert ladder_html(region) in text, (module, region.label)
            assert text.count(f"<summary>({region.label}) ヒント 1 / hint 1</summary>") >= 1
    solutions = [c.source for c in nb.cells if c.metadata["nbgrader"].get("solution")]
    assert solutions  # the ladder sits in the read-only text, never in an answer cell
    assert not any("<details>" in source for source in solutions)


def run_cells(*sources: str) -> list[nbformat.NotebookNode]:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return nb.cells


def html_of(cell: nbformat.NotebookNode) -> str:
    [result] = [o for o in cell.outputs if o.output_type == "execute_result"]
    return result.data["text/html"]


def test_hint_in_a_kernel_renders_the_next_level_and_shares_the_store_with_the_cli(tmp_path, kernel_env, monkeypatch):
    student = new_student(tmp_path)
    monkeypatch.setenv("GRADER_DATA_DIR", str(student.data))
    first, second = run_cells('from grader.notebook import hint\nhint("softmax")', 'hint("softmax")')
    assert level_html(SOFTMAX[0], 1, opened=True) in html_of(first)
    assert level_html(SOFTMAX[0], 2, opened=True) in html_of(second)
    assert SOFTMAX[0].hints[1][0] in html_of(second) and SOFTMAX[0].hints[1][1] in html_of(second)
    third = student.json("hint", "softmax")  # the command line goes on where the notebook stopped
    assert (third["blank"], third["level"]) == ("(か)", 3)


def test_hint_all_in_a_kernel_renders_every_level_collapsed(tmp_path, kernel_env, monkeypatch):
    student = new_student(tmp_path)
    monkeypatch.setenv("GRADER_DATA_DIR", str(student.data))
    [cell] = run_cells('from grader.notebook import hint\nhint("softmax", all=True)')
    shown = html_of(cell)
    for region in SOFTMAX:
        assert ladder_html(region) in shown  # the very blocks the generated notebook has
    status = {r["topic"]: r for r in student.json("status")["exercises"]}["softmax"]
    assert status["hint_levels_seen"] == status["hint_levels"] == 6


def test_hint_of_an_unknown_topic_says_so_in_both_languages(tmp_path, kernel_env, monkeypatch):
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path / "data"))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('from grader.notebook import hint\nhint("nope")')])
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    [error] = [o for o in nb.cells[0].outputs if o.output_type == "error"]
    assert error.ename == "ValueError"
    assert "トピック 'nope' はありません" in error.evalue and "Unknown topic 'nope'" in error.evalue


ACTIVATIONS_WITH_D_SIGMOID_WRONG = '''import numpy as np
from grader.notebook import check, hint
def step_function(x):
    return np.where(x > 0, 1, 0)
def sigmoid(x):
    return 1 / (1 + np.exp(-x))
def d_sigmoid(x):
    return x * (1 - x)
def relu(x):
    return np.maximum(0, x)
def d_relu(x):
    return np.where(x > 0, 1.0, 0.0)
'''


def test_hint_in_a_kernel_follows_the_first_failing_check(tmp_path, kernel_env, monkeypatch):
    """Issue 22: after check() with step_function right and d_sigmoid wrong, hint() opens on
    d_sigmoid's blank and says which check it is about."""
    student = new_student(tmp_path)
    monkeypatch.setenv("GRADER_DATA_DIR", str(student.data))
    d_sigmoid = next(r for r in parse_file(SOLUTIONS / "functions.py") if r.qualname == "d_sigmoid")
    _, _, shown = run_cells(ACTIVATIONS_WITH_D_SIGMOID_WRONG, 'check("activations", lang="en")',
                            'hint("activations", lang="en")')
    text = html_of(shown)
    assert level_html(d_sigmoid, 1, opened=True) in text
    assert "The first failing check is activations › d_sigmoid; it is about d_sigmoid" in text
