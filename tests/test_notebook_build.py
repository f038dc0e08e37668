"""The nbgrader notebooks are generated from solutions/: in sync, complete, same points as the CLI."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from conftest import ROOT, SOLUTIONS, check_json, run_grader, topic_scores
from grader.authoring.blanks import parse_file
from grader.authoring.build import run_notebooks
from grader.authoring.assignments import ASSIGNMENTS, MODULES, NAMES, TOPICS, Assignment
from grader.authoring.notebooks import build_notebook, generate_notebooks
from grader.nb.program import Cell, program_from_cells, relabel
from grader.topics.registry import names

NOTEBOOKS = ROOT / "notebooks" / "source"  # nbgrader's; the students' are in notebooks/student/


def run_build(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader.authoring.build", "notebooks", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def committed() -> dict[str, nbformat.NotebookNode]:
    return {a.name: nbformat.read(NOTEBOOKS / a.notebook, as_version=4) for a in ASSIGNMENTS}


def cells_of(nb: nbformat.NotebookNode, kind: str) -> list:
    """Cells by nbgrader role: "check" (autograder tests), "solution", "locked" (read-only)."""
    def role(cell) -> str:
        meta = cell.metadata["nbgrader"]
        return "check" if meta["grade"] else "solution" if meta["solution"] else "locked"
    return [c for c in nb.cells if role(c) == kind]


# --- in sync with solutions/ --------------------------------------------------------------


def test_committed_notebooks_equal_a_fresh_generation() -> None:
    expected = generate_notebooks(SOLUTIONS)
    assert {p.name for p in NOTEBOOKS.glob("*.ipynb")} == set(expected)
    for name, text in expected.items():
        assert (NOTEBOOKS / name).read_text(encoding="utf-8") == text, (
            f"notebooks/{name} is stale: run `python -m grader.authoring.build notebooks`")


def test_editing_a_solution_makes_the_check_fail_until_regenerated(tmp_path: Path) -> None:
    solutions, out = tmp_path / "solutions", tmp_path / "notebooks"
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__"))
    assert run_notebooks(solutions, out, check=False) == 0
    path = solutions / "optimizers.py"
    path.write_text(path.read_text(encoding="utf-8").replace("itself (in place)", "itself (in place, the same array)", 1),
                    encoding="utf-8")

    stale = run_build("--check", "--solutions", solutions, "--out", out)
    assert stale.returncode == 1
    assert "day2-optimizers.ipynb: differs" in stale.stdout and "day1.ipynb" not in stale.stdout

    assert run_notebooks(solutions, out, check=False) == 0
    assert run_build("--check", "--solutions", solutions, "--out", out).returncode == 0
    assert "itself (in place, the same array)" in (out / "source" / "day2-optimizers.ipynb").read_text(encoding="utf-8")


# --- the same topics, worth the same points, as `grader check` ----------------------------


def test_every_graded_topic_has_exactly_one_autograder_cell() -> None:
    graded = list(names())
    cells = [c for nb in committed().values() for c in cells_of(nb, "check")]
    topics = [c.metadata["nbgrader"]["grade_id"].removeprefix("check-") for c in cells]
    assert sorted(topics) == sorted(graded)
    assert set(TOPICS) == set(graded)
    for cell, topic in zip(cells, topics):
        assert cell.source.splitlines()[-1] == f'check("{topic}")'


def test_autograder_points_equal_the_cli_points_topic_by_topic() -> None:
    _, report = check_json(SOLUTIONS)
    cli = {topic: total for topic, (_, total) in topic_scores(report).items()}
    notebook = {c.metadata["nbgrader"]["grade_id"].removeprefix("check-"): c.metadata["nbgrader"]["points"]
                for nb in committed().values() for c in cells_of(nb, "check")}
    assert notebook == cli
    assert sum(notebook.values()) == report["max_score"]


# --- what the notebooks hold -----------------------------------------------------------------


def test_module_names_are_the_solutions_definitions() -> None:
    for module in MODULES:
        tree = ast.parse((SOLUTIONS / f"{module}.py").read_text(encoding="utf-8"))
        defined = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        assert defined == [name for name, m in NAMES.items() if m == module]


def test_every_blank_sits_between_solution_markers_under_its_instructions() -> None:
    notebooks = committed()
    for assignment in ASSIGNMENTS:
        code = "\n".join(c.source for c in cells_of(notebooks[assignment.name], "solution"))
        regions = [r for m in assignment.modules for r in parse_file(SOLUTIONS / f"{m}.py")]
        assert code.count("### BEGIN SOLUTION") == code.count("### END SOLUTION") == len(regions)
        for r in regions:
            block = "\n".join([f"{r.indent}# ({r.label}) {r.ja}", f"{r.indent}#      {r.en}",
                               f"{r.indent}### BEGIN SOLUTION", *r.solution, f"{r.indent}### END SOLUTION"])
            assert block in code, f"{r.module}.py blank ({r.label}) in {r.qualname}"


def test_markdown_explains_each_function_with_its_formula_in_both_languages() -> None:
    notebooks = committed()
    for assignment in ASSIGNMENTS:
        text = "\n".join(c.source for c in notebooks[assignment.name].cells if c.cell_type == "markdown")
        for module in assignment.modules:
            tree = ast.parse((SOLUTIONS / f"{module}.py").read_text(encoding="utf-8"))
            for node in (n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))):
                ja, en = ast.get_docstring(node).splitlines()[:2]
                assert ja.strip() in text and en.strip() in text, node.name
            for r in parse_file(SOLUTIONS / f"{module}.py"):
                assert f"| ({r.label}) | {r.ja} | {r.en} |" in text.replace("\\|", "|")


def test_cells_carry_nbgrader_metadata_that_nbgrader_accepts() -> None:
    for nb in committed().values():
        ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells]
        assert len(ids) == len(set(ids)) and [c.id for c in nb.cells] == ids
        for cell in nb.cells:
            meta = cell.metadata["nbgrader"]
            assert meta["schema_version"] == 3 and meta["locked"] is not meta["solution"]
            assert set(cell.metadata) == {"nbgrader"}
        assert all(c.cell_type == "code" for c in cells_of(nb, "solution") + cells_of(nb, "check"))
        assert nb.metadata["kernelspec"]["name"] == "python3"


def test_a_notebook_never_contains_code_from_outside_its_modules() -> None:
    day1 = committed()["day1"]
    assert not [c for c in day1.cells if c.metadata["nbgrader"]["grade_id"].startswith("given-")]


def test_a_module_whose_imports_lie_in_another_notebook_gets_them_as_given_code() -> None:
    network_only = Assignment("network-only", ("network",), "ネットワーク", "Network")
    nb = build_notebook(network_only, SOLUTIONS)
    given = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "given-functions")
    assert given.metadata["nbgrader"]["locked"] and "def relu(" in given.source and "def d_relu(" in given.source
    assert "### BEGIN SOLUTION" not in given.source
    checks = [c.metadata["nbgrader"]["grade_id"] for c in cells_of(nb, "check")]
    assert checks == ["check-forward", "check-backward", "check-sgd_update"]  # training needs softmax too


# --- the notebook's code, graded by the CLI ---------------------------------------------------


def test_a_notebooks_code_exported_grades_like_the_solutions(tmp_path: Path) -> None:
    out = tmp_path / "day1"
    done = run_grader("nbgrader", "export", str(NOTEBOOKS / "day1.ipynb"), str(out))
    assert done.returncode == 0, done.stderr
    status, report = check_json(out)
    day1 = ASSIGNMENTS[0]
    scores = topic_scores(report)
    assert status == 1  # optimizers etc. are not in this notebook
    assert all(scores[t][0] == scores[t][1] > 0 for t in day1.topics)
    assert all(scores[t][0] == 0 for t in scores if t not in day1.topics)


def test_a_program_keeps_definitions_and_drops_what_a_student_tries_out() -> None:
    cells = [
        Cell("Cell In[1]", "import numpy as np\nfrom grader.notebook import check\nEPS = 1e-7\n"),
        Cell("Cell In[2]", "x = np.arange(3)\nprint(softmax(x))\nget_ipython().run_line_magic('timeit', 'x')\n"
                           "\n@staticmethod\ndef softmax(x):\n    return x\n1 / 0\n"),
        Cell("Cell In[3]", "def broken(:\n"),
    ]
    program = program_from_cells(cells)
    assert program.text.splitlines() == [
        "import numpy as np", "EPS = 1e-7", "", "@staticmethod", "def softmax(x):", "    return x", ""]
    assert relabel("at _notebook.py:6 and _notebook.py:2", program) == (
        "at Cell In[2], line 7 and Cell In[1], line 3")
