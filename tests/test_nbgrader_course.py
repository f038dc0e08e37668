"""`grader nbgrader init` and the real nbgrader pipeline on the course it writes.

init (nbgrader's generate_assignment on every assignment) → three students' submissions
(solved, blank, one topic broken and its test cell tampered with) placed as collect leaves
them → autograde → the gradebook's scores equal `grader check`'s for the same code →
generate_feedback names what failed.
Every released notebook also runs top to bottom in a real kernel, filled and unfilled.
"""
from __future__ import annotations

import os
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import SOLUTIONS, check_json, run_grader, topic_scores
from course_support import NbgraderShell, copy_of_initialized_course
from grader.grading.engine import DEFAULT_SEED
from grader.authoring.assignments import ASSIGNMENTS, assignment
from grader.authoring.notebooks import filled_in, topic_points

PIPELINE = assignment("day2-init-batchnorm")  # two topics: the pipeline, not the checks, is under test
STUDENTS = ("alice", "bob", "carol")  # solved everything, filled nothing, broke he_init
BROKEN = ("W * np.sqrt(2 / n_in)", "W * np.sqrt(1 / n_in)")
TAMPERED_CELL = "check-weight_init"


@pytest.fixture(scope="module")
def env(kernel_env: Path):
    """The kernelspec of conftest's kernel_env, and this Python's bin/ on PATH (nbgrader runs `alembic`)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
        yield dict(os.environ)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory, env: dict) -> Path:
    """A copy of the run's `grader nbgrader init` course (tests/course_support.py)."""
    folder = tmp_path_factory.mktemp("nbgrader") / "course"
    copy_of_initialized_course(tmp_path_factory, folder, env)
    return folder


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def released(course: Path, name: str) -> nbformat.NotebookNode:
    return read(course / "release" / name / f"{name}.ipynb")


def solved(course: Path, name: str) -> nbformat.NotebookNode:
    return filled_in(released(course, name), read(course / "source" / name / f"{name}.ipynb"))


def cell(nb: nbformat.NotebookNode, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True).execute()
    return nb


class _Verdicts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if "grader-check" in classes and "data-topic" in attributes:
            self.found[attributes["data-topic"]] = next(c for c in classes if c != "grader-check")


def verdicts(html: str) -> dict[str, str]:
    """Topic -> grader-pass / grader-partial / grader-fail, as the check results show it."""
    parser = _Verdicts()
    parser.feed(html)
    return parser.found


def is_check(c) -> bool:
    return bool(c.metadata.get("nbgrader", {}).get("grade"))


# --- init -----------------------------------------------------------------------------------


def test_init_writes_config_sources_and_a_gradebook_with_the_cli_points(course: Path) -> None:
    from nbgrader.api import Gradebook

    assert "c.CourseDirectory.course_id" in (course / "nbgrader_config.py").read_text(encoding="utf-8")
    points = topic_points()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for a in ASSIGNMENTS:
            assert (course / "source" / a.name / a.notebook).is_file()
            assert gb.find_assignment(a.name).max_score == sum(points[t] for t in a.topics)
        assert sorted(x.name for x in gb.assignments) == sorted(a.name for a in ASSIGNMENTS)


def test_init_refuses_to_write_over_a_course(course: Path, env: dict) -> None:
    done = run_grader("nbgrader", "init", str(course), env=env)
    assert done.returncode == 2 and "--force" in done.stderr


def test_init_force_keeps_the_instructors_lines_and_leaves_released_assignments_alone(
        course: Path, env: dict, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "course"
    shutil.copytree(course, copy)
    config = copy / "nbgrader_config.py"
    mine = 'c.Exchange.root = "/srv/nbgrader/exchange"\nc.LateSubmissionPlugin.penalty_method = "zero"\n'
    config.write_text(config.read_text(encoding="utf-8") + mine, encoding="utf-8")
    from grader.batch.course_seed import written_seed
    seed = written_seed(config.read_text(encoding="utf-8"))  # the course's summative seed, drawn by init
    assert seed is not None
    day1 = ASSIGNMENTS[0]
    (copy / "submitted" / "alice" / day1.name).mkdir(parents=True)  # day1 is in the students' hands
    released_before = (copy / "release" / day1.name / day1.notebook).read_bytes()
    (copy / "release" / day1.name / day1.notebook).write_bytes(released_before + b"\n")
    others = [a for a in ASSIGNMENTS if a is not day1]
    (copy / "release" / others[0].name / others[0].notebook).write_text("stale", encoding="utf-8")
    done = run_grader("nbgrader", "init", str(copy), "--force", env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert config.read_text(encoding="utf-8").endswith(mine)
    assert "GradeOutsideKernel" in config.read_text(encoding="utf-8")
    assert written_seed(config.read_text(encoding="utf-8")) == seed  # kept: grades stay reproducible
    assert "c.GradeOutsideKernel.seed" in done.stdout
    assert (copy / "release" / day1.name / day1.notebook).read_bytes() == released_before + b"\n"
    assert day1.name in done.stdout and "--regenerate-released" in done.stdout
    assert (copy / "release" / others[0].name / others[0].notebook).read_text(encoding="utf-8") != "stale"
    done = run_grader("nbgrader", "init", str(copy), "--force", "--regenerate-released", env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (copy / "release" / day1.name / day1.notebook).read_bytes() != released_before + b"\n"


@pytest.mark.parametrize("name", [a.name for a in ASSIGNMENTS])
def test_the_release_keeps_every_blanks_hint_ladder(course: Path, name: str) -> None:
    """The ladder is teaching text, not a solution: generate_assignment must not strip it."""
    from grader.authoring.blanks import parse_file
    from grader.authoring.ladders import ladder_html

    text = "\n".join(c.source for c in released(course, name).cells if c.cell_type == "markdown")
    regions = [r for m in assignment(name).modules for r in parse_file(SOLUTIONS / f"{m}.py")]
    assert regions
    for region in regions:
        assert ladder_html(region) in text, (region.module, region.label)


# --- the pipeline ------------------------------------------------------------------------------


def submit(course: Path, student: str, nb: nbformat.NotebookNode) -> Path:
    """Where `nbgrader collect` leaves a submission, with its timestamp."""
    folder = course / "submitted" / student / PIPELINE.name
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / PIPELINE.notebook)
    (folder / "timestamp.txt").write_text("2026-04-01 10:00:00.000000 UTC", encoding="utf-8")
    return folder / PIPELINE.notebook


def broken_and_tampered(course: Path) -> nbformat.NotebookNode:
    nb = solved(course, PIPELINE.name)
    he_init = cell(nb, "he_init")
    assert BROKEN[0] in he_init.source
    he_init.source = he_init.source.replace(*BROKEN)
    cell(nb, TAMPERED_CELL).source = "pass  # nothing to check here"  # would be full marks if kept
    return nb


def gradebook_scores(course: Path, student: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {topic: gb.find_grade(f"check-{topic}", PIPELINE.name, PIPELINE.name, student).score
                for topic in PIPELINE.topics}


def cli_scores(notebook: Path, out: Path) -> dict[str, float]:
    """`grader check` on the very code of the submitted notebook."""
    done = run_grader("nbgrader", "export", str(notebook), str(out))
    assert done.returncode == 0, done.stderr
    _, report = check_json(out, *PIPELINE.topics)
    return {topic: got for topic, (got, _) in topic_scores(report).items()}


def test_autograde_scores_equal_the_cli_and_feedback_names_the_failing_topic(course: Path, tmp_path: Path) -> None:
    # release/ is nbgrader's generate_assignment's, run by init on the course's config.
    notebooks = {"alice": submit(course, "alice", solved(course, PIPELINE.name)),
                 "bob": submit(course, "bob", released(course, PIPELINE.name)),
                 "carol": submit(course, "carol", broken_and_tampered(course))}

    with NbgraderShell(course, tmp_path / "nbgrader.log") as shell:  # both commands: one start of nbgrader
        logged = shell.nbgrader("autograde", PIPELINE.name)

        # The tampered test cell was caught by its checksum and put back before grading.
        assert f"Attribute 'checksum' for cell {TAMPERED_CELL} has changed" in logged
        restored = read(course / "autograded" / "carol" / PIPELINE.name / PIPELINE.notebook)
        assert cell(restored, TAMPERED_CELL).source.endswith('check("weight_init")')

        points = topic_points()
        scores = {s: gradebook_scores(course, s) for s in STUDENTS}
        for student, notebook in notebooks.items():
            assert scores[student] == cli_scores(notebook, tmp_path / student), student
        assert scores["alice"] == {t: points[t] for t in PIPELINE.topics}
        assert scores["bob"] == {t: 0 for t in PIPELINE.topics}
        assert 0 < scores["carol"]["weight_init"] < points["weight_init"]
        assert scores["carol"]["batch_norm"] == points["batch_norm"]

        shell.nbgrader("generate_feedback", PIPELINE.name)

    html = {s: (course / "feedback" / s / PIPELINE.name / f"{PIPELINE.name}.html").read_text(encoding="utf-8")
            for s in STUDENTS}
    assert verdicts(html["alice"]) == {"weight_init": "grader-pass", "batch_norm": "grader-pass"}
    assert verdicts(html["bob"]) == {"weight_init": "grader-fail", "batch_norm": "grader-fail"}
    assert verdicts(html["carol"]) == {"weight_init": "grader-partial", "batch_norm": "grader-pass"}
    assert "Partly failed: weight_init" in html["carol"] and "一部不合格: weight_init" in html["carol"]
    assert "he_init" in html["carol"]
    assert "CheckFailed" in html["bob"] and "Failed: weight_init" in html["bob"]
    # Graded outside the kernel (the course's GradeOutsideKernel): no execution counts, so the
    # blank is placed by the cell as the student sees it (what it defines), as grader autograde
    # places it, never by a cell number.
    assert "Blank (" in html["bob"] and "is not filled yet (the cell that defines " in html["bob"]
    assert "grader-fail" not in html["alice"] and "CheckFailed" not in html["alice"]
    for text in html.values():  # nothing of the grader's workings: no frames, no seed
        assert "/grader/" not in text and "most recent call last" not in text and str(DEFAULT_SEED) not in text


# --- every release notebook in a real kernel ------------------------------------------------------


@pytest.mark.parametrize("name", [a.name for a in ASSIGNMENTS])
def test_a_released_notebook_filled_in_runs_top_to_bottom_with_full_marks(course: Path, name: str) -> None:
    nb = execute(solved(course, name))
    for c in (c for c in nb.cells if c.cell_type == "code"):
        assert not [o for o in c.outputs if o.output_type == "error" or o.get("name") == "stderr"], c.source
    for c in filter(is_check, nb.cells):
        [result] = [o for o in c.outputs if o.output_type == "execute_result"]
        assert float(result.data["text/plain"]) == c.metadata["nbgrader"]["points"], c.source


@pytest.mark.parametrize("name", [a.name for a in ASSIGNMENTS])
def test_a_released_notebook_left_blank_fails_each_check_cleanly(course: Path, name: str) -> None:
    nb = execute(released(course, name))
    for c in (c for c in nb.cells if c.cell_type == "code"):
        errors = [o for o in c.outputs if o.output_type == "error"]
        assert not [o for o in c.outputs if o.get("name") == "stderr"], c.source
        if not is_check(c):
            assert not errors, c.source
            continue
        [error] = errors
        assert error.ename == "CheckFailed" and len(error.traceback) == 1, error.traceback
        assert "not filled yet" in error.evalue or "not defined" in error.evalue, error.evalue
