"""The student notebooks (notebooks/student/) and the light student install.

They are generated from solutions/ like nbgrader's source notebooks (a test fails when they
drift), never hold a line of the model code, and their check cells run in a real kernel of a
student's install — the package as pip installs it, with only the student's dependencies,
no nbgrader, no JupyterLab — once with the oldest IPython/ipykernel that Google Colab runs
and once with the newest. "Run all" goes through every cell: each topic's result is shown,
a failing one does not stop the run.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT, SOLUTIONS
from venv_support import CACHE_BYTECODE, fresh_venv, grader_wheel, kernel_spec, pip_install
from grader.authoring.assignments import ASSIGNMENTS, assignment
from grader.authoring.blanks import parse_file
from grader.cli import EXTRA_OF_MODULE
from grader.authoring.notebooks import (STUDENT_CHECK_IMPORT, generate_student_notebooks,
                                        student_install)

STUDENT = ROOT / "notebooks" / "student"
SOURCE = ROOT / "notebooks" / "source"
EXERCISES = ROOT / "exercises"

# Google Colab's runtime kept IPython 7.34.0 with ipykernel 5.5.6 and jupyter_client 6.1.12
# for years (its oldest still in use); the newest are whatever pip picks today.
KERNELS = {
    "colab-oldest": ["ipykernel==5.5.6", "ipython==7.34.0", "jupyter_client==6.1.12"],
    "newest": ["ipykernel", "ipython", "jupyter_client"],
}
# What a student's install must not bring (the instructor and plots extras, the old data source).
NOT_FOR_STUDENTS = ("nbgrader", "jupyterlab", "notebook", "nbformat", "jupytext", "matplotlib",
                    "sklearn", "scipy")
# Where modules that need an extra may live: the instructor's commands, the notebooks' generator.
INSTRUCTOR_PLACES = ("grader.instructor.", "grader.authoring.notebooks")


def code_lines(nb: nbformat.NotebookNode) -> set[str]:
    return {line.strip() for cell in nb.cells for line in cell.source.splitlines() if line.strip()}


def model_lines() -> set[str]:
    """Every line of code inside a blank of the solutions that the exercises do not show
    anyway (a blank's ``return y`` may also stand outside any blank)."""
    public = {line.strip() for path in EXERCISES.glob("*.py") for line in path.read_text(encoding="utf-8").splitlines()}
    return {line.strip() for path in SOLUTIONS.glob("*.py") for region in parse_file(path)
            for line in region.solution
            if line.strip() and not line.strip().startswith("#") and line.strip() not in public}


# --- what the notebooks hold ----------------------------------------------------------------


def test_committed_student_notebooks_equal_a_fresh_generation() -> None:
    expected = generate_student_notebooks(SOLUTIONS)
    assert {p.name for p in STUDENT.glob("*.ipynb")} == set(expected)
    for name, text in expected.items():
        assert (STUDENT / name).read_text(encoding="utf-8") == text, (
            f"notebooks/student/{name} is stale: run `python -m grader.authoring.build notebooks`")


def test_no_student_notebook_holds_a_line_of_the_model_code() -> None:
    secret = model_lines()
    assert len(secret) > 80  # the blanks' solutions (91 lines today), not an empty set that proves nothing
    for a in ASSIGNMENTS:
        shown = code_lines(nbformat.read(STUDENT / a.notebook, as_version=4))
        assert not secret & shown, (a.notebook, sorted(secret & shown)[:5])
        # The same lines are in nbgrader's source notebook: the check above can fail.
        assert secret & code_lines(nbformat.read(SOURCE / a.notebook, as_version=4))


def test_each_student_notebook_installs_then_checks_every_topic_of_its_assignment() -> None:
    for a in ASSIGNMENTS:
        nb = nbformat.read(STUDENT / a.notebook, as_version=4)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        assert f'%pip install --quiet "{student_install()}"' in code[0]
        assert 'except importlib.metadata.PackageNotFoundError:' in code[0]  # only where missing
        assert code[1].endswith(STUDENT_CHECK_IMPORT)
        checks = [re.search(r'^check\("(\w+)"\)$', s, re.M) for s in code]
        assert [m.group(1) for m in checks if m] == list(a.topics)
        assert not any("nbgrader" in c.metadata for c in nb.cells)
        assert "NotImplementedError" in "\n".join(code)


# --- a student's install, in a real kernel ----------------------------------------------------


@pytest.fixture(scope="module", params=sorted(KERNELS))
def student_kernel(request, tmp_path_factory) -> tuple[str, Path]:
    """A fresh venv holding the grader as pip installs it (its wheel, package data and all;
    built once per run, see venv_support) with only the student's dependencies, and the
    kernel packages ``KERNELS[param]``; and a kernel spec that runs it. Returns (kernel
    name, the venv's python)."""
    name = request.param
    tmp = tmp_path_factory.mktemp(f"kernel-{name}")
    python = fresh_venv(tmp / "venv")
    pip_install(python, str(grader_wheel(tmp_path_factory)), *KERNELS[name])
    kernel_spec(tmp / "jupyter", name, python, f"student ({name})")
    os.environ["JUPYTER_PATH"] = f"{tmp / 'jupyter'}{os.pathsep}{os.environ.get('JUPYTER_PATH', '')}"
    return name, python


def venv_run(python: Path, code: str) -> str:
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=300, cwd=python.parent,
                          env={**os.environ, **CACHE_BYTECODE})
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_the_student_install_has_no_instructor_packages_and_imports_every_student_module(student_kernel) -> None:
    _name, python = student_kernel
    found = json.loads(venv_run(python, "import importlib.util, json; print(json.dumps("
                                        f"[m for m in {NOT_FOR_STUDENTS!r} if importlib.util.find_spec(m)]))"))
    assert found == []
    script = ("import importlib, json, pkgutil, grader\n"
              "failed = {}\n"
              "for m in pkgutil.walk_packages(grader.__path__, 'grader.'):\n"
              "    if m.name == 'grader.__main__': continue\n"
              "    try: importlib.import_module(m.name)\n"
              "    except ImportError as e: failed[m.name] = str(e)\n"
              "print(json.dumps(failed))")
    failed = json.loads(venv_run(python, script))
    # Every module of the student's path imports; what fails is an instructor's module, for
    # want of a package of an extra (never a broken import of the grader's own).
    assert "grader.authoring.notebooks" in failed
    assert all(name.startswith(INSTRUCTOR_PLACES) for name in failed), failed
    missing = {name: re.search(r"No module named '([\w.]+)'", why) for name, why in failed.items()}
    assert all(m and m.group(1).split(".")[0] in EXTRA_OF_MODULE for m in missing.values()), failed
    assert all(re.search(r"No module named '(nbgrader|nbformat|traitlets)", why) for why in failed.values()), failed
    # The digits ship inside the wheel (package data), as the training topics read them.
    assert venv_run(python, "from grader.topics.families.digits import load_pixels\n"
                            "p, l = load_pixels(); print(p.shape, l.shape, int(p.max()), sorted(set(l.tolist())))"
                    ) == f"(1797, 64) (1797,) 16 {list(range(10))}\n"
    versions = venv_run(python, "import IPython, ipykernel; print(IPython.__version__, ipykernel.__version__)")
    print("kernel:", versions)


@pytest.mark.slow
def test_a_command_that_needs_an_extra_says_which_and_exits_2(student_kernel, tmp_path) -> None:
    _name, python = student_kernel
    grader = [str(python), "-m", "grader"]
    plot = subprocess.run([*grader, "check", "softmax", "--submission", str(SOLUTIONS), "--lang", "en",
                           "--plot", str(tmp_path / "softmax.png")], capture_output=True, text=True, timeout=120)
    assert plot.returncode == 2 and 'pip install "dl-exercises-grader[plots]"' in plot.stderr, plot.stderr
    assert not (tmp_path / "softmax.png").exists() and "Traceback" not in plot.stderr
    course = subprocess.run([*grader, "nbgrader", "init", str(tmp_path / "course")], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "LANG": "C.UTF-8"})
    assert course.returncode == 2 and 'dl-exercises-grader[instructor]' in course.stderr, course.stderr
    assert "Traceback" not in course.stderr


def executed(nb: nbformat.NotebookNode, kernel: str, folder: Path = ROOT) -> nbformat.NotebookNode:
    """Run all, as a student would: nbclient stops at the first cell that raises."""
    NotebookClient(nb, timeout=300, kernel_name=kernel, resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def solved(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The student notebook with each blank cell answered as nbgrader's source notebook
    answers it (the model code without its markers): a student who solved everything."""
    source = {c.id: c.source for c in nbformat.read(SOURCE / name, as_version=4).cells}
    for cell in nb.cells:
        if cell.cell_type == "code" and "NotImplementedError" in cell.source:
            cell.source = "\n".join(line for line in source[cell.id].splitlines()
                                    if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return nb


def topic_results(nb: nbformat.NotebookNode) -> dict[str, tuple[float, float]]:
    """Each check cell's shown result: topic -> (points, max points)."""
    results = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            for topic, points, most in re.findall(
                    r'data-topic="(\w+)" data-points="([\d.]+)" data-max-points="([\d.]+)"', html):
                results[topic] = (float(points), float(most))
    return results


@pytest.mark.slow
def test_run_all_shows_every_topic_of_an_unsolved_and_a_solved_notebook(student_kernel, tmp_path) -> None:
    kernel, _python = student_kernel
    day2 = assignment("day2-optimizers")
    # In a folder of the student's: in this repository the kernel would import its grader/
    # (the notebook's folder comes first on the kernel's path), not the installed one.
    unsolved = executed(nbformat.read(STUDENT / day2.notebook, as_version=4), kernel, tmp_path)
    results = topic_results(unsolved)
    assert set(results) == set(day2.topics) and all(points == 0 for points, _ in results.values()), results
    text = json.dumps([c.get("outputs", []) for c in unsolved.cells], ensure_ascii=False)
    assert "空欄" in text and "is not filled yet" in text  # the blanks are named, in both languages
    solved_nb = executed(solved(nbformat.read(STUDENT / day2.notebook, as_version=4), day2.notebook), kernel,
                         tmp_path)
    results = topic_results(solved_nb)
    assert set(results) == set(day2.topics) and all(p == most > 0 for p, most in results.values()), results


@pytest.mark.slow
def test_the_first_cell_installs_the_grader_into_a_kernel_that_lacks_it(tmp_path, tmp_path_factory,
                                                                         monkeypatch) -> None:
    """The Colab route: a kernel with no grader runs the notebook's first cell — here with
    the requirement pointing at the grader's wheel built from this repository instead of
    the course's URL — and the notebook's check cells grade at once, with no restart."""
    wheel = grader_wheel(tmp_path_factory)  # what pip builds from the repository: built once per run
    # pip stays in this venv: the notebook's first cell runs it (%pip install).
    python = fresh_venv(tmp_path / "venv")
    pip_install(python, "pip", "ipykernel")
    assert venv_run(python, "import importlib.util; print(importlib.util.find_spec('grader'))") == "None\n"
    kernel_spec(tmp_path / "jupyter", "bare", python, "a kernel without the grader")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    # The kernel's %pip byte-compiles nothing (sympy alone takes seconds): imports compile
    # what they load. The cell's command is the notebook's own, unchanged.
    monkeypatch.setenv("PIP_COMPILE", "0")
    day2 = assignment("day2-regularization")
    nb = nbformat.read(STUDENT / day2.notebook, as_version=4)
    install = nb.cells[1]
    assert student_install() in install.source
    install.source = install.source.replace(student_install(), f"dl-exercises-grader @ {wheel.as_uri()}")
    executed(solved(nb, day2.notebook), "bare", tmp_path)  # in a folder of its own, as in Colab
    assert topic_results(nb) == {"regularization": (5.0, 5.0)}
