"""A graded course's summative seed (issue 23 item 2): `grader nbgrader init` draws one at
random into the course's nbgrader_config.py (the instructor's file, never released), `--force`
keeps it, and every summative path of the course grades with it — nbgrader's own autograde
step, `grader batch` pointed at the course, the Gradescope bundle built with `--course` —
while a course without one keeps the public default. A wrong function's messages quote the
inputs it failed on, so they show which seed generated them."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import SOLUTIONS, check_json, run_grader
from grader.batch.course_seed import configured_seed, written_seed
from grader.grading.defaults import DEFAULT_SEED, MAX_SEED
from grader.instructor.course import BEGIN_MARK, END_MARK, config_text

SEED = 1234567890123
WRONG_SOFTMAX = ("np.sum(np.exp(x), axis=-1, keepdims=True)", "np.sum(np.exp(x), axis=0, keepdims=True)")


def run_config(text: str):
    from traitlets.config import Config

    config = Config()
    exec(compile(text, "nbgrader_config.py", "exec"), {"get_config": lambda: config})  # noqa: S102
    return config


def block_of(text: str) -> str:
    return text[text.index(BEGIN_MARK):text.index(END_MARK)]


def test_init_draws_a_seed_of_the_courses_own_and_force_keeps_it() -> None:
    first, second = config_text("course-a"), config_text("course-b")
    seed = configured_seed(run_config(first))
    assert seed is not None and 0 <= seed <= MAX_SEED and seed != DEFAULT_SEED
    assert configured_seed(run_config(second)) != seed  # drawn per course
    assert written_seed(block_of(first)) == seed  # in the generated block
    mine = first + 'c.Exchange.root = "/srv/nbgrader/exchange"\n'
    assert config_text("course-a", mine) == mine  # --force: the same seed, every line kept


def test_a_course_from_before_keeps_the_default_seed_and_is_told_how_to_add_one() -> None:
    old = "c = get_config()\nc.CourseDirectory.course_id = 'old'\n"
    updated = config_text("old", old)
    assert configured_seed(run_config(updated)) is None  # grading goes on with DEFAULT_SEED
    assert "# c.GradeOutsideKernel.seed = " in block_of(updated)
    added = updated + f"c.GradeOutsideKernel.seed = {SEED}\n"  # what README says to do
    again = config_text("old", added)
    assert configured_seed(run_config(again)) == SEED and "# c.GradeOutsideKernel.seed" not in again


def test_grader_autograde_reads_the_seed_through_nbgraders_configuration_chain(tmp_path: Path, monkeypatch) -> None:
    """The seed of a course is found as nbgrader finds its settings: in the course's file, or
    in ~/.jupyter for the documented layout of several courses (CourseDirectory.root)."""
    from grader.instructor.autograde import open_course, summative_seed

    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text(config_text("c", seed=SEED), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "no-jupyter"))
    assert summative_seed(open_course(course)) == SEED
    (course / "nbgrader_config.py").write_text("c = get_config()\n", encoding="utf-8")
    assert summative_seed(open_course(course)) == DEFAULT_SEED  # a course without one
    jupyter = tmp_path / "jupyter"
    jupyter.mkdir()
    (jupyter / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\nc.GradeOutsideKernel.seed = {SEED + 1}\n",
        encoding="utf-8")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(jupyter))
    assert summative_seed(open_course(tmp_path)) == SEED + 1


def _wrong_exercises(where: Path) -> Path:
    folder = where / "alice"
    shutil.copytree(SOLUTIONS, folder)
    functions = folder / "functions.py"
    functions.write_text(functions.read_text(encoding="utf-8").replace(*WRONG_SOFTMAX), encoding="utf-8")
    return folder


def _messages(results: Path) -> list[str]:
    report = json.loads(results.read_text(encoding="utf-8"))["students"]["alice"]
    return [r["message"] for r in report["results"] if r["topic"] == "softmax" and not r["passed"]]


def test_a_batch_of_a_course_folder_grades_with_the_courses_seed(tmp_path: Path) -> None:
    course = tmp_path / "course"
    (course / "exercises").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(config_text("c", seed=SEED), encoding="utf-8")
    _wrong_exercises(course / "exercises")
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(course / "exercises", elsewhere)
    said = {}
    for name, folder, extra in [("course", course / "exercises", ()), ("seeded", elsewhere, ("--seed", str(SEED))),
                                ("default", elsewhere, ())]:
        out = tmp_path / f"grades-{name}"
        done = run_grader("batch", str(folder), "--out", str(out), "--lang", "en", "--sandbox", "none",
                          *extra, timeout=300)
        assert done.returncode == 0, done.stderr
        said[name] = _messages(out / "results.json")
    assert said["course"] and said["course"] == said["seeded"] != said["default"]


def test_a_bad_course_seed_is_refused_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "nbgrader_config.py").write_text(f"c.GradeOutsideKernel.seed = {MAX_SEED + 1}\n", encoding="utf-8")
    _wrong_exercises(tmp_path / "exercises")
    done = run_grader("batch", str(tmp_path / "exercises"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert str(tmp_path / "nbgrader_config.py") in done.stderr and str(MAX_SEED + 1) in done.stderr


def test_nbgraders_autograde_step_grades_with_the_configured_seed() -> None:
    from grader.authoring.assignments import assignment
    from grader.authoring.notebooks import build_notebook, topic_points
    from grader.instructor.nbgrader_execute import GradeOutsideKernel, grade_notebook

    day1 = assignment("day1")
    nb = build_notebook(day1, SOLUTIONS, topic_points())
    for cell in nb.cells:
        cell.source = cell.source.replace(*WRONG_SOFTMAX)
    step = GradeOutsideKernel(config=run_config(config_text("c", seed=SEED)))
    assert step.seed == SEED
    step.sandbox = "none"
    graded, _ = step.preprocess(nbformat.from_dict(json.loads(json.dumps(nb))), {})
    outputs = json.dumps([c.get("outputs", []) for c in graded.cells if c.cell_type == "code"])
    seeded = grade_notebook(nb, ["softmax"], "none", 0.0, SEED)
    default = grade_notebook(nb, ["softmax"], "none", 0.0, None)
    wrong = [row["messages"]["en"] for row in seeded if not row["passed"]]
    assert wrong and wrong != [row["messages"]["en"] for row in default if not row["passed"]]
    assert all(json.dumps(message)[1:-1] in outputs for message in wrong)


@pytest.mark.slow
def test_the_gradescope_bundle_of_a_course_grades_with_its_seed(tmp_path: Path) -> None:
    from test_instructor_gradescope import autograder_root, run_autograder

    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text(config_text("c", seed=SEED), encoding="utf-8")
    out = tmp_path / "autograder.zip"
    done = run_grader("gradescope", "build", str(out), "--topics", "softmax", "--course", str(course))
    assert done.returncode == 0, done.stderr
    upload = tmp_path / "upload"
    student = _wrong_exercises(upload)
    results = run_autograder(autograder_root(out, tmp_path, upload))
    _, seeded = check_json(student, "softmax", extra=("--seed", str(SEED)))
    _, default = check_json(student, "softmax")
    said = [t["output"].splitlines()[-1] for t in results["tests"] if t["status"] == "failed"]
    assert said and said == [r["message"] for r in seeded["results"] if not r["passed"]]
    assert said != [r["message"] for r in default["results"] if not r["passed"]]
