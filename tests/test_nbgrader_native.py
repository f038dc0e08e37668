"""nbgrader's own autograde grades outside the kernel, and writes the gradebook `grader autograde` writes.

A real course, configured the documented way for several courses: ``~/.jupyter`` (here
JUPYTER_CONFIG_DIR) names the course's root, a gradebook elsewhere (``db_url``) and the
exchange. `grader nbgrader init` → release → three students fetch and submit through the
exchange, each from their own home (alice solves it, bob breaks he_init, mallory leaves it
blank and redefines check()) → collect → `nbgrader autograde` (what formgrader's button
runs) → generate_feedback, release_feedback → `grader autograde --force` → the same
gradebook, feedback again. Every instructor command runs outside the course folder.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import run_grader
from course_support import NbgraderShell
from grader.authoring.assignments import assignment
from grader.authoring.notebooks import filled_in

pytestmark = pytest.mark.slow
PIPELINE = assignment("day2-init-batchnorm")
NAME, COURSE_ID = PIPELINE.name, "dl-numpy-exercises"
CHECK_TRICK = "def check(*a, **k):\n    return None"
BROKEN = ("W * np.sqrt(2 / n_in)", "W * np.sqrt(1 / n_in)")


def write_config(folder: Path, lines: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nbgrader_config.py").write_text("c = get_config()\n" + "".join(f"{line}\n" for line in lines))
    return folder


def cell(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def answer(student: str, fetched: nbformat.NotebookNode, source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    if student == "mallory":
        setup = next(i for i, c in enumerate(fetched.cells)
                     if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
        fetched.cells.insert(setup + 1, nbformat.v4.new_code_cell(CHECK_TRICK))
        return fetched
    solved = filled_in(fetched, source)
    if student == "bob":
        cell(solved, "he_init").source = cell(solved, "he_init").source.replace(*BROKEN)
    return solved


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, kernel_env: Path, request: pytest.FixtureRequest) -> dict:
    base = tmp_path_factory.mktemp("native")
    course, exchange, elsewhere = base / "courses" / "dl", base / "exchange", base / "grades"
    exchange.mkdir()
    elsewhere.mkdir()
    db_url = f"sqlite:///{elsewhere / 'dl.db'}"
    home = base / "instructor"
    env = {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
           "LANG": "en_US.UTF-8", "USER": "instructor", "LOGNAME": "instructor"}
    write_config(home / ".jupyter", [f"c.CourseDirectory.root = {str(course)!r}",
                                     f"c.CourseDirectory.db_url = {db_url!r}",
                                     f"c.Exchange.root = {str(exchange)!r}"])
    done = run_grader("nbgrader", "init", str(course), env=env, timeout=900)
    assert done.returncode == 0, done.stderr
    instructor = NbgraderShell(home, base / "instructor.log", env)  # every instructor command: one nbgrader
    request.addfinalizer(instructor.close)
    instructor.nbgrader("release_assignment", NAME)
    source = nbformat.read(course / "source" / NAME / PIPELINE.notebook, as_version=4)
    for student in ("alice", "bob", "mallory"):
        student_home = base / student
        student_env = {**env, "HOME": str(student_home), "USER": student, "LOGNAME": student,
                       "JUPYTER_CONFIG_DIR": str(write_config(student_home / ".jupyter",
                                                              [f"c.Exchange.root = {str(exchange)!r}"]))}
        with NbgraderShell(student_home, base / f"{student}.log", student_env, student) as shell:  # one nbgrader
            shell.nbgrader("fetch_assignment", NAME, "--course", COURSE_ID)
            path = student_home / NAME / PIPELINE.notebook
            nbformat.write(answer(student, nbformat.read(path, as_version=4), source), path)
            shell.nbgrader("submit", NAME, "--course", COURSE_ID)
    instructor.nbgrader("collect", NAME)
    return {"course": course, "home": home, "env": env, "db_url": db_url, "exchange": exchange, "base": base,
            "instructor": instructor}


def snapshot(db_url: str) -> dict:
    """Everything autograde writes into the gradebook, per student."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(db_url, COURSE_ID) as gradebook:
        for submission in gradebook.assignment_submissions(NAME):
            found[submission.student.id] = {
                "timestamp": submission.timestamp,
                "notebooks": {nb.name: {
                    "grades": sorted((g.cell.name, g.auto_score, g.manual_score, g.needs_manual_grade)
                                     for g in nb.grades),
                    "comments": sorted((c.cell.name, c.auto_comment) for c in nb.comments),
                    "penalty": nb.late_submission_penalty} for nb in submission.notebooks}}
    return found


def autograded_files(course: Path) -> dict[str, list[str]]:
    return {s.name: sorted(p.name for p in (s / NAME).iterdir()) for s in sorted((course / "autograded").iterdir())}


def check_points(snap: dict, student: str) -> dict[str, float]:
    return {name: auto for nb in snap[student]["notebooks"].values() for name, auto, _, _ in nb["grades"]}


@pytest.fixture(scope="module")
def graded(setup: dict) -> dict:
    course, home, env = setup["course"], setup["home"], setup["env"]
    setup["instructor"].nbgrader("autograde", NAME)  # what formgrader's Autograde button runs
    native = snapshot(setup["db_url"])
    native_files = autograded_files(course)
    setup["instructor"].nbgrader("generate_feedback", NAME)
    setup["instructor"].nbgrader("release_feedback", NAME)
    done = run_grader("autograde", NAME, "--force", cwd=home, env=env, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return {"native": native, "native_files": native_files, "grader": snapshot(setup["db_url"]),
            "grader_files": autograded_files(course)}


def test_nbgrader_autograde_and_grader_autograde_write_identical_gradebooks(graded: dict) -> None:
    assert set(graded["native"]) == {"alice", "bob", "mallory"}
    assert graded["native"] == graded["grader"]
    assert check_points(graded["native"], "alice") == {"check-weight_init": 8.0, "check-batch_norm": 6.0}
    bob = check_points(graded["native"], "bob")
    assert 0 < bob["check-weight_init"] < 8.0 and bob["check-batch_norm"] == 6.0


def test_the_student_who_redefines_check_gets_nothing_on_either_path(graded: dict) -> None:
    for path in ("native", "grader"):
        assert check_points(graded[path], "mallory") == {"check-weight_init": 0.0, "check-batch_norm": 0.0}


def test_both_paths_copy_every_submitted_file_and_feedback_goes_back(graded: dict, setup: dict) -> None:
    assert graded["native_files"] == graded["grader_files"]
    assert all("submission_secret.txt" in files and "timestamp.txt" in files
               for files in graded["grader_files"].values())
    setup["instructor"].nbgrader("generate_feedback", NAME, "--force")
    setup["instructor"].nbgrader("release_feedback", NAME)
    feedback = list((setup["exchange"] / COURSE_ID / "feedback").glob("*.html"))
    assert len(feedback) >= 3


def test_db_url_and_root_from_the_jupyter_config_folder_are_honoured(graded: dict, setup: dict) -> None:
    assert not (setup["course"] / "gradebook.db").exists()  # nothing went to a gradebook nobody reads
    assert Path(setup["db_url"].removeprefix("sqlite:///")).is_file()
    assert (setup["course"] / "autograded" / "alice" / NAME / PIPELINE.notebook).is_file()



def test_the_course_grades_with_a_seed_of_its_own_that_no_student_was_given(graded: dict, setup: dict) -> None:
    """The seed init drew is in the instructor's nbgrader_config.py only: nothing released,
    fetched, submitted or fed back holds it (the gradebooks above agree under it)."""
    from grader.batch.course_seed import written_seed
    from grader.grading.defaults import DEFAULT_SEED

    seed = written_seed((setup["course"] / "nbgrader_config.py").read_text(encoding="utf-8"))
    assert seed is not None and seed != DEFAULT_SEED
    students = [setup["base"] / name for name in ("alice", "bob", "mallory")]
    for folder in (setup["exchange"], setup["course"] / "release", setup["course"] / "source", *students):
        for path in folder.rglob("*"):
            if path.is_file():
                assert str(seed) not in path.read_text(encoding="utf-8", errors="replace"), path
