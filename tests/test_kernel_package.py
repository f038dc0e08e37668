"""A graded course's kernel package: no answer key in it, and check() still gives verdicts and hints.

`grader kernel-package` is run as an instructor runs it (on a few topics, to stay quick);
its wheel is installed into a fresh virtual environment (no grader, no reference: only
the wheel and the light packages a kernel needs), searched for anything that answers an
exercise, and a real Jupyter kernel of that environment runs a notebook's check cells.
"""
from __future__ import annotations

import ast
import gzip
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT
from venv_support import CACHE_BYTECODE, fresh_venv, kernel_spec, pip_install
from grader.boundary import wire
from grader.grading.defaults import DEFAULT_SEED
from grader.grading.engine import Plan
from grader.i18n import catalogue
from grader.instructor.kernel_package import FORMATIVE_SEED

pytestmark = pytest.mark.slow  # a venv, a wheel, a kernel: about a minute
TOPICS = ("softmax", "activations", "layers", "dropout")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kernel-package")
    done = subprocess.run([sys.executable, "-m", "grader", "kernel-package", str(out), "--topics", *TOPICS],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    [built] = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment with the wheel (no dependencies resolved from the grader's) and
    only numpy, pyyaml and ipykernel besides."""
    folder = tmp_path_factory.mktemp("students-kernel") / "venv"
    python = fresh_venv(folder)  # no pip in it: pip runs from outside (see venv_support)
    pip_install(python, str(wheel), no_deps=True)
    pip_install(python, "numpy<2.6", "pyyaml==6.0.3", "ipykernel")
    return folder


def site_packages(venv: Path) -> Path:
    [found] = (venv / "lib").glob("python3*/site-packages")
    return found


def run_python(venv: Path, code: str) -> subprocess.CompletedProcess:
    env = {**{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}, **CACHE_BYTECODE}
    return subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True,
                          cwd=venv, env=env, timeout=120)


# --- nothing that answers an exercise -------------------------------------------------------


def answer_bodies() -> set[str]:
    """Every function and method body of reference/ and solutions/ (docstrings aside), and
    the expression of each one-line body, as AST dumps: what an answer looks like, however laid out."""
    found: set[str] = set()
    for path in [*(ROOT / "reference").glob("*.py"), *(ROOT / "solutions").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.Lambda)):
                body = _body(node)
                if body and not _trivial(body):
                    found.add(_dump(body))
                    if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
                        found.add(ast.dump(body[0].value))
    return found


def installed_bodies(root: Path) -> dict[str, str]:
    """The same for every Python file of an installed tree: dump -> where."""
    found = {}
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.Lambda)):
                body = _body(node)
                found[_dump(body)] = f"{path}:{node.lineno}"
                if isinstance(node, ast.Lambda):
                    found[ast.dump(node.body)] = f"{path}:{node.lineno}"
                elif len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
                    found[ast.dump(body[0].value)] = f"{path}:{node.lineno}"
    return found


def _body(node: ast.AST) -> list[ast.stmt]:
    if isinstance(node, ast.Lambda):
        return [ast.Return(node.body)]
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    return body


def _trivial(body: list[ast.stmt]) -> bool:
    """pass, or the blank's raise NotImplementedError: nothing answers with it."""
    return len(body) == 1 and isinstance(body[0], (ast.Pass, ast.Raise))


def _dump(body: list[ast.stmt]) -> str:
    return "\n".join(ast.dump(statement) for statement in body)


def test_the_installed_package_holds_no_reference_solution_or_judge(venv: Path) -> None:
    root = site_packages(venv)
    grader = root / "grader"
    files = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    ours = [f for f in files if f.startswith(("grader/", "dl_exercises_grader_kernel"))]
    assert any(f == "grader/bundle/formative.json.gz" for f in ours)
    assert not [f for f in files if f.split("/")[0] in ("reference", "solutions", "exercises")]
    topic_files = [f for f in ours if f.startswith("grader/topics/")]
    assert not [f for f in topic_files if Path(f).name.startswith(("checks.py", "checks.cpython"))]  # judges, bytecode
    assert not [f for f in ours if Path(f).stem in ("solution_cli", "ladders", "blanks", "hint")]
    # the library the child lends (a right softmax, im2col, relu) is not there either
    course = (grader / "topics" / "families" / "course.py").read_text(encoding="utf-8")
    assert "def " not in course and "lambda" not in course
    answers = answer_bodies()
    assert len(answers) > 80  # the search looks for something
    shipped = installed_bodies(grader)
    assert not {where for body, where in shipped.items() if body in answers}


def test_nothing_in_the_students_kernel_imports_an_answer(venv: Path) -> None:
    for module in ("reference", "reference.functions", "grader.topics.softmax.checks", "grader.learn.solution_cli"):
        done = run_python(venv, f"import {module}")
        assert done.returncode != 0 and "ModuleNotFoundError" in done.stderr, module


def test_the_summative_seed_is_not_in_the_students_kernel(venv: Path, wheel: Path) -> None:
    """Neither the grading defaults nor the bundle hold it (training's data split happens to
    use the same number as its own, unrelated seed: that is not a grading seed)."""
    with zipfile.ZipFile(wheel) as archive:
        bundle = gzip.decompress(archive.read("grader/bundle/formative.json.gz"))
        defaults = archive.read("grader/grading/defaults.py")
    assert str(DEFAULT_SEED).encode() not in bundle and str(FORMATIVE_SEED).encode() not in bundle
    assert str(DEFAULT_SEED).encode() not in defaults
    assert run_python(venv, "from grader.grading.defaults import DEFAULT_SEED; print(DEFAULT_SEED)").stdout.strip() \
        == "None"


def bundle_of(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as archive:
        return json.loads(gzip.decompress(archive.read("grader/bundle/formative.json.gz")))


def test_the_bundle_holds_the_formative_inputs_only_never_the_graded_ones(wheel: Path) -> None:
    bundle = bundle_of(wheel)
    assert FORMATIVE_SEED != DEFAULT_SEED
    formative, summative = Plan(FORMATIVE_SEED), Plan(DEFAULT_SEED)
    assert set(bundle["topics"]) == set(TOPICS)
    differing = 0
    for topic, checks in bundle["topics"].items():
        assert [c["name"] for c in checks] == list(formative.checks(topic))
        for entry in checks:
            check = formative.checks(topic)[entry["name"]]
            recorded = json.dumps(entry["spec"], sort_keys=True)
            assert recorded == json.dumps(wire.encode(formative.spec(check)), sort_keys=True)
            graded = json.dumps(wire.encode(summative.spec(check)), sort_keys=True)
            differing += recorded != graded
            assert {r["source"] for r in entry["recorded"]} >= {"reference"}
    # every check whose inputs are drawn from the seed differs (a few use fixed inputs)
    assert differing >= 0.8 * sum(len(c) for c in bundle["topics"].values())


def test_building_with_the_summative_seed_or_an_unknown_topic_is_refused(tmp_path: Path) -> None:
    for options, said in ((["--topics", "softmax", "--seed", str(DEFAULT_SEED)], "summative"),
                          (["--topics", "sofmax"], "unknown topic")):
        done = subprocess.run([sys.executable, "-m", "grader", "kernel-package", str(tmp_path), *options, "--lang", "en"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr
    assert not list(tmp_path.iterdir())


# --- check() in a real kernel of that environment -----------------------------------------


class Kernel:
    def __init__(self, folder: Path) -> None:
        self.nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "students", "language": "python",
                                                                    "display_name": "students"}})
        # the notebook's folder is a student's, not this repository (whose reference/ it would import)
        self.client = NotebookClient(self.nb, timeout=180, kernel_name="students", allow_errors=True,
                                     resources={"metadata": {"path": str(folder)}})

    def run(self, source: str) -> nbformat.NotebookNode:
        cell = nbformat.v4.new_code_cell(textwrap.dedent(source).strip())
        self.nb.cells.append(cell)
        return self.client.execute_cell(cell, len(self.nb.cells) - 1)


@pytest.fixture(scope="module")
def kernel(venv: Path, tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("jupyter-data")
    kernel_spec(data, "students", venv / "bin" / "python", "students",
                env={"PYTHONPATH": "", "GRADER_DATA_DIR": str(data / "grader")})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_DATA_DIR", str(data))
        patch.setenv("JUPYTER_PLATFORM_DIRS", "1")
        patch.delenv("PYTHONPATH", raising=False)
        home = tmp_path_factory.mktemp("student-home")
        session = Kernel(home)
        with session.client.setup_kernel():
            session.run("import numpy as np\nfrom grader.notebook import check")
            yield session


def text_of(cell) -> str:
    parts = []
    for output in cell.outputs:
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
        parts.append(output.get("data", {}).get("text/html", ""))
        parts.append(output.get("evalue", ""))
    return "\n".join(parts)


def english(key: str) -> str:
    """The fixed opening of a catalogue sentence (up to its first field)."""
    return catalogue()[key]["en"].split("{")[0].strip()


def test_a_correct_function_passes_in_the_students_kernel(kernel: Kernel) -> None:
    kernel.run("""
        def softmax(x):
            x = x - np.max(x, axis=-1, keepdims=True)
            e = np.exp(x)
            return e / np.sum(e, axis=-1, keepdims=True)
    """)
    cell = kernel.run('check("softmax")')
    text = text_of(cell)
    assert not [o for o in cell.outputs if o.output_type == "error"], text
    assert "Passed: softmax — 7 / 7 points" in text or "Passed: softmax" in text
    assert not [o for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]


def test_a_known_mistake_fails_with_its_hint_in_the_students_kernel(kernel: Kernel) -> None:
    kernel.run("""
        def softmax(x):
            e = np.exp(x)
            return e / np.sum(e, axis=-1, keepdims=True)
    """)
    text = text_of(kernel.run('check("softmax")'))
    assert "Partly failed: softmax" in text
    assert english("hint.softmax_overflow")[:40] in text


def test_an_unknown_mistake_fails_naming_the_value_that_differs(kernel: Kernel) -> None:
    kernel.run("""
        def sigmoid(x):
            return 1 / (1 + np.exp(-2 * x))
    """)
    text = text_of(kernel.run('check("activations")'))
    assert "failed: activations" in text.lower()
    assert english("fail.value")[:20] in text
    assert english("bundle.unrecorded")[:40] in text


def test_an_error_gets_the_engines_verdict_and_a_recorded_mistakes_hint(kernel: Kernel) -> None:
    kernel.run("""
        def softmax(x):
            c = np.max(x, axis=-1)
            e = np.exp(x - c)
            return e / np.sum(e, axis=-1)
    """)
    text = text_of(kernel.run('check("softmax")'))
    assert "ValueError" in text
    assert english("hint.softmax_keepdims")[:40] in text


def test_a_class_topic_uses_the_students_own_helpers(kernel: Kernel) -> None:
    """layers' Sigmoid calls the student's own sigmoid in the kernel (it lends no right one,
    as the full grader does): right, both sigmoid checks pass; wrong, they fail too."""
    layer = """
        class Sigmoid:
            def __init__(self):
                self.out = None
            def forward(self, x):
                self.out = sigmoid(x)
                return self.out
            def backward(self, dout):
                return dout * (1.0 - self.out) * self.out
    """
    kernel.run("def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n" + textwrap.dedent(layer))
    right = text_of(kernel.run('check("layers")'))
    kernel.run("def sigmoid(x):\n    return 1 / (1 + np.exp(x))\n")
    wrong = text_of(kernel.run('check("layers")'))
    assert "Traceback" not in right + wrong and "could not run" not in right + wrong
    assert 'data-points="2"' in right and 'data-points="0"' in wrong


def test_import_reference_fails_in_the_students_kernel(kernel: Kernel) -> None:
    cell = kernel.run("import reference")
    [error] = [o for o in cell.outputs if o.output_type == "error"]
    assert error.ename == "ModuleNotFoundError"


def test_hint_says_it_is_not_in_the_students_kernel(kernel: Kernel) -> None:
    cell = kernel.run('from grader.notebook import hint\nhint("softmax")')
    [error] = [o for o in cell.outputs if o.output_type == "error"]
    assert error.ename == "RuntimeError" and "hint() is not part of this course's kernel" in error.evalue


def test_a_topic_with_no_check_judged_here_is_not_a_failure(kernel: Kernel) -> None:
    """Every dropout check draws a mask: one drawn unlike the recorded ones scores 0 of 0 here,
    says why, and raises nothing (nbgrader would count an exception as a failed cell)."""
    cell = kernel.run("""
        class Dropout:
            def __init__(self, dropout_ratio=0.5):
                self.dropout_ratio = dropout_ratio
                self.mask = None
            def forward(self, x, train_flg=True):
                if train_flg:
                    self.mask = np.random.rand(*x.shape[::-1]).T > self.dropout_ratio
                    return x * self.mask
                return x * (1.0 - self.dropout_ratio)
            def backward(self, dout):
                return dout * self.mask

        check("dropout")
    """)
    text = text_of(cell)
    assert not [o for o in cell.outputs if o.output_type == "error"], text
    assert english("bundle.drawn")[:40] in text and 'data-max-points="0"' in text
