"""`grader gradescope build`: the bundle unzipped into a temporary AUTOGRADER_ROOT, its
run_autograder run on a student's exercises/ folder and on an nbgrader notebook, and the
results.json checked against Gradescope's documented format (a JSON schema written here
from the "Output format" section of Gradescope's autograder specification) and against
`grader check` on the same code."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from conftest import SOLUTIONS, check_json, run_grader
from grader.authoring.notebooks import build_notebook, topic_points
from grader.authoring.assignments import assignment

VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
# Gradescope's results.json: "score" (or per-test scores), "execution_time", "output",
# "visibility", "stdout_visibility", "extra_data", and "tests": name, score, max_score,
# status (passed/failed), number, output, tags, visibility, extra_data.
GRADESCOPE_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["score", "tests"],
    "properties": {
        "score": {"type": "number"}, "execution_time": {"type": "number"}, "output": {"type": "string"},
        "output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
        "visibility": VISIBILITY, "stdout_visibility": VISIBILITY, "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["name", "score", "max_score", "status"],
            "properties": {"name": {"type": "string"}, "score": {"type": "number"}, "max_score": {"type": "number"},
                           "status": {"enum": ["passed", "failed"]}, "number": {"type": "string"},
                           "output": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
                           "visibility": VISIBILITY, "extra_data": {"type": "object"}}}},
    },
}
TOPICS = ("softmax", "mse")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    done = run_grader("gradescope", "build", str(out), "--topics", *TOPICS)
    assert done.returncode == 0, done.stderr
    return out


def autograder_root(bundle: Path, tmp_path: Path, submission: Path) -> Path:
    """Gradescope's layout: source/ (the bundle unzipped), submission/, results/."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():  # zipfile drops the modes: restore them as unzip does
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(root / "source" / info.filename, mode)
    shutil.copytree(submission, root / "submission", symlinks=True)
    return root


def run_autograder(root: Path, python: str = sys.executable) -> dict:
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "GRADER_PYTHON": python, "PYTHONPATH": ""}
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=600, cwd=root)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    return results


def test_the_bundle_holds_setup_run_pinned_requirements_and_no_solutions(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        modes = {i.filename: (i.external_attr >> 16) for i in archive.infolist()}
        requirements = archive.read("requirements.txt").decode()
        config = json.loads(archive.read("grader-gradescope.json"))
    assert {"setup.sh", "run_autograder", "requirements.txt", "grader/batch/cli.py", "reference/functions.py"} <= names
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert not any(n.startswith(("solutions/", "exercises/")) or "__pycache__" in n for n in names)
    assert all("==" in line for line in requirements.split())  # pinned
    assert config == {"topics": list(TOPICS)}


def test_run_autograder_grades_an_exercises_folder_like_grader_check(bundle: Path, tmp_path: Path) -> None:
    student = tmp_path / "upload" / "exercises"
    shutil.copytree(SOLUTIONS, student)
    functions = student / "functions.py"
    functions.write_text(functions.read_text(encoding="utf-8").replace(
        "np.sum(np.exp(x), axis=-1, keepdims=True)", "np.sum(np.exp(x), axis=0, keepdims=True)"), encoding="utf-8")
    results = run_autograder(autograder_root(bundle, tmp_path, tmp_path / "upload"))
    _, report = check_json(student, *TOPICS)
    expected = {f"{r['topic']} › {r['check']}": (r["points"], r["max_points"], r["passed"]) for r in report["results"]}
    found = {t["name"]: (t["score"], t["max_score"], t["status"] == "passed") for t in results["tests"]}
    assert found == expected
    assert results["score"] == report["score"] == sum(t["score"] for t in results["tests"])
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    assert failed and all(t["visibility"] == "visible" for t in results["tests"])
    # The verdict and its hint in both languages, Japanese first: what grader check says.
    _, report_ja = check_json(student, *TOPICS, extra=("--lang", "ja"))
    said = {f"{r['topic']} › {r['check']}": (ja["message"], r["message"])
            for r, ja in zip(report["results"], report_ja["results"])}
    for test in failed:
        ja, en = said[test["name"]]
        assert ja and en and test["output"] == f"{ja}\n{en}", test["name"]
    assert results["execution_time"] > 0


def test_run_autograder_grades_an_nbgrader_notebook(bundle: Path, tmp_path: Path) -> None:
    day1 = assignment("day1")
    points = topic_points()
    notebook = build_notebook(day1, SOLUTIONS, points)  # the source notebook: every blank solved
    upload = tmp_path / "upload"
    upload.mkdir()
    import nbformat

    nbformat.write(notebook, upload / day1.notebook)
    results = run_autograder(autograder_root(bundle, tmp_path, upload))
    assert {t["name"].split(" › ")[0] for t in results["tests"]} == set(TOPICS)
    assert results["score"] == sum(points[t] for t in TOPICS)


def test_an_empty_submission_still_gets_a_valid_results_file(bundle: Path, tmp_path: Path) -> None:
    empty = tmp_path / "upload"
    empty.mkdir()
    results = run_autograder(autograder_root(bundle, tmp_path, empty))
    assert results["score"] == 0 and "empty" in results["output"]


@pytest.mark.parametrize("args, words", [(["--topics", "softmaxx"], "unknown topics"),
                                         ([], "is a .zip file")])
def test_bad_arguments_write_nothing(tmp_path: Path, args: list[str], words: str) -> None:
    out = tmp_path / ("bundle.zip" if args else "bundle.tar")
    done = run_grader("gradescope", "build", str(out), *args)
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


# -- links, depth, metadata and failures (issue 20: 1, 7) ----------------------------------

def _solved_score(results: dict) -> float:
    return sum(t["max_score"] for t in results["tests"])


@pytest.mark.parametrize("links", [
    {"exercises": "../source/reference"},                       # the whole folder: the reference
    {"my_hw": "../source/reference"},                           # a zip's single folder, linked
    {"exercises/functions.py": "../../source/reference/functions.py"},  # one module
    {"functions.py": "/autograder-elsewhere/functions.py", "network.py": "../source/reference/network.py"},
], ids=["exercises", "single-folder", "module", "absolute-and-module"])
def test_links_out_of_the_submission_are_never_followed_and_always_reported(
        bundle: Path, tmp_path: Path, links: dict[str, str]) -> None:
    upload = tmp_path / "upload"
    upload.mkdir()
    root = autograder_root(bundle, tmp_path, upload)
    for name, target in links.items():
        link = root / "submission" / name
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)
    results = run_autograder(root)
    assert results["score"] == 0, results["output"]
    assert results["tests"] and _solved_score(results) > 0  # graded, every check failed
    assert "links are never followed" in results["output"] and "リンクはたどりません" in results["output"]
    # Each link is named: in the note of what was left out, or in the failing module's reason.
    said = results["output"] + "".join(t["output"] for t in results["tests"])
    assert all(Path(name).name in said for name in links)


def test_a_folder_600_levels_deep_is_left_out_with_a_note_and_the_rest_graded(bundle: Path, tmp_path: Path) -> None:
    root = autograder_root(bundle, tmp_path, SOLUTIONS)
    _deep_folders(root / "submission", 600)  # made in place: copying it would recurse 600 deep
    results = run_autograder(root)
    assert results["score"] == _solved_score(results) > 0
    assert "nested too deep" in results["output"]


def _deep_folders(where: Path, levels: int) -> None:
    fd = os.open(where, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(levels):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)


@pytest.mark.parametrize("claimed", ["/tmp/grader-gradescope-escape-{}", "../../escape-{}", "day1/../../x-{}", 7])
def test_notebook_metadata_never_names_a_path(bundle: Path, tmp_path: Path, claimed: object) -> None:
    import nbformat

    if isinstance(claimed, str):
        claimed = claimed.format(os.getpid())
    notebook = build_notebook(assignment("day1"), SOLUTIONS, topic_points())
    notebook.metadata["dl_grader"] = {"assignment": claimed}
    upload = tmp_path / "upload"
    upload.mkdir()
    nbformat.write(notebook, upload / "homework.ipynb")  # not the assignment's name either
    results = run_autograder(autograder_root(bundle, tmp_path, upload))
    assert results["score"] == sum(topic_points()[t] for t in TOPICS)
    if isinstance(claimed, str) and claimed.startswith("/"):
        assert not Path(claimed).exists()
    assert not any(p.name.startswith(("escape-", "x-")) for p in tmp_path.rglob("*"))


def test_a_missing_dependency_still_writes_a_results_file_saying_so(bundle: Path, tmp_path: Path) -> None:
    """An image where setup.sh did not complete: a Python without numpy grades nothing."""
    blocker = tmp_path / "bin" / "no_numpy.py"
    blocker.parent.mkdir()
    blocker.write_text("import runpy, sys\n"
                       "sys.modules['numpy'] = None  # import numpy: ModuleNotFoundError, as where it is absent\n"
                       "sys.argv = sys.argv[2:]\n"
                       "runpy.run_module('grader.instructor.gradescope_run', run_name='__main__')\n")
    without_numpy = tmp_path / "bin" / "python"
    without_numpy.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{blocker}" "$@"\n')
    without_numpy.chmod(0o755)
    upload = tmp_path / "upload"
    shutil.copytree(SOLUTIONS, upload)
    results = run_autograder(autograder_root(bundle, tmp_path, upload), python=str(without_numpy))
    assert results["score"] == 0 and "numpy" in results["output"] and "setup.sh" in results["output"]


def test_a_grader_that_cannot_start_still_leaves_a_results_file(bundle: Path, tmp_path: Path) -> None:
    upload = tmp_path / "upload"
    shutil.copytree(SOLUTIONS, upload)
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\nkill -SEGV $$\n")
    broken.chmod(0o755)
    results = run_autograder(autograder_root(bundle, tmp_path, upload), python=str(broken))
    assert results["score"] == 0 and "could not start" in results["output"]


def test_an_error_while_grading_becomes_a_results_file_with_the_reason(tmp_path: Path, monkeypatch) -> None:
    from grader.instructor import gradescope_run, gradescope_upload

    def deep(*_: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(gradescope_upload, "find_upload", deep)
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "functions.py").write_text("x = 1\n")
    assert gradescope_run.main([str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    assert results["score"] == 0 and "RecursionError" in results["output"] and "採点できませんでした" in results["output"]
