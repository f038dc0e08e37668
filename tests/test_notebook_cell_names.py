"""Notebook feedback names cells as the student sees them: ``Cell In[5]`` for a cell that
ran, else the cell by what it defines ("the cell that defines softmax"), never by its
position in the file ("cell 41"), which Jupyter shows nowhere."""
from __future__ import annotations

import json
import re

from conftest import SOLUTIONS
from grader.nb.program import cell_label, notebook_cells
from test_batch import batch, results


def _day1() -> dict:
    from grader.authoring.notebooks import generate_notebooks

    return json.loads(generate_notebooks(SOLUTIONS)["day1.ipynb"])


def test_a_cell_is_named_by_its_count_else_by_what_it_defines_else_by_its_first_line():
    assert cell_label("def softmax(x):\n    return x\n", 5) == "Cell In[5]"
    assert cell_label("import numpy as np\n\ndef softmax(x):\n    return x\n", None) == "the cell that defines softmax"
    assert cell_label("class Relu:\n    pass\ndef f():\n    pass\n", None) == "the cell that defines Relu, f"
    assert cell_label("# setup\nx = np.arange(3)\n", None) == "the cell that begins `x = np.arange(3)`"
    assert cell_label("\n# only a comment\n", None) == "an empty cell"
    labels = [cell.label for cell in notebook_cells(_day1())]
    assert "the cell that defines softmax" in labels
    assert not any(re.fullmatch(r"cell \d+", label) for label in labels)


def test_a_batch_failure_in_a_never_run_notebook_names_the_cell_that_defines_the_function(tmp_path):
    notebook = _day1()
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code"
                and "def softmax(" in "".join(c["source"]))
    source = "".join(cell["source"])
    cell["source"] = source.replace("def softmax(x):\n", "def softmax(x):\n    x = x.no_such_attribute\n", 1)
    assert cell["source"] != source and cell.get("execution_count") is None
    folder = tmp_path / "course" / "submitted" / "alice" / "day1"
    folder.mkdir(parents=True)
    (folder / "day1.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    done = batch(tmp_path / "course", tmp_path / "grades")
    assert done.returncode == 0 and "Traceback" not in done.stderr  # the batch ran; alice failed
    report = results(tmp_path / "grades")["alice"]
    said = " ".join(r["message"] for r in report["results"] if r["topic"] == "softmax")
    assert "AttributeError" in said and "the cell that defines softmax, line" in said
    assert not re.search(r"\bcell \d+", said)
