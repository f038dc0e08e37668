"""`grader autograde` on a real nbgrader course, and nbgrader's own tools on what it writes.

generate_assignment (by `grader nbgrader init`) → submissions as `nbgrader collect` leaves
them: solved, blank, partial (he_init broken), a deleted grade cell, a tampered locked
cell, a hostile notebook (its code writes outside; an unreadable file), one that redefines
check(), one late → `grader autograde` → the gradebook's scores equal `grader check` on
the same code, each autograded check cell reads (by nbgrader's own determine_grade) as its
gradebook score, generate_feedback names the failing checks, export lists the scores.
The same check() trick fools `nbgrader autograde` (why the gradebook comes from outside the kernel).
"""
from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
import pytest

from conftest import check_json, run_grader, topic_scores
from course_support import NbgraderShell, copy_of_initialized_course
from grader.authoring.notebooks import filled_in, topic_points
from grader.authoring.assignments import assignment

pytestmark = pytest.mark.slow
PIPELINE = assignment("day2-init-batchnorm")  # two topics: the pipeline, not the checks, is under test
NAME = PIPELINE.name
BROKEN = ("W * np.sqrt(2 / n_in)", "W * np.sqrt(1 / n_in)")
CHECK_TRICK = "def check(*a, **k):\n    return None"
DUE = "2026-04-01 12:00:00"
ON_TIME, LATE = "2026-04-01 10:00:00.000000 UTC", "2026-04-02 09:00:00.000000 UTC"


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def cell(nb: nbformat.NotebookNode, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def released(course: Path) -> nbformat.NotebookNode:
    return read(course / "release" / NAME / PIPELINE.notebook)


def solved(course: Path) -> nbformat.NotebookNode:
    return filled_in(released(course), read(course / "source" / NAME / PIPELINE.notebook))


def broken(course: Path) -> nbformat.NotebookNode:
    nb = solved(course)
    cell(nb, "he_init").source = cell(nb, "he_init").source.replace(*BROKEN)
    return nb


def hostile(course: Path, target: Path) -> nbformat.NotebookNode:
    """he_init writes into the course when called, then answers correctly."""
    nb = solved(course)
    he = cell(nb, "he_init")
    he.source = he.source.replace("def he_init(", f"def _he(", 1) + (
        f"\n\ndef he_init(*args, **kwargs):\n    open({str(target)!r}, 'w').write('pwned')\n"
        f"    return _he(*args, **kwargs)\n")
    return nb


def check_trick(course: Path) -> nbformat.NotebookNode:
    nb = released(course)
    setup = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(CHECK_TRICK))
    return nb


def submissions(course: Path, pwned: Path) -> dict[str, nbformat.NotebookNode | str]:
    deleted = solved(course)
    deleted.cells = [c for c in deleted.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "check-batch_norm"]
    tampered = broken(course)
    cell(tampered, "check-weight_init").source = "pass  # full marks, if nbgrader kept it"
    converted = solved(course)
    converted_cell = cell(converted, "check-batch_norm")
    converted_cell.cell_type = "markdown"
    del converted_cell["outputs"], converted_cell["execution_count"]
    return {"alice": solved(course), "bob": released(course), "carol": broken(course),
            "dave": deleted, "erin": tampered, "frank": hostile(course, pwned), "gina": "[" * 5000,
            "mallory": check_trick(course), "oscar": converted, "late": solved(course)}


def submit(course: Path, student: str, nb: nbformat.NotebookNode | str) -> Path:
    folder = course / "submitted" / student / NAME
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PIPELINE.notebook
    if isinstance(nb, str):
        path.write_text(nb, encoding="utf-8")
    else:
        nbformat.write(nb, path)
    (folder / "timestamp.txt").write_text(LATE if student == "late" else ON_TIME, encoding="utf-8")
    return path


def set_due_date(course: Path) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "dl-numpy-exercises") as gb:
        gb.update_or_create_assignment(NAME, duedate=datetime.fromisoformat(DUE))


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory, kernel_env: Path) -> Path:
    """A copy of the run's `grader nbgrader init` course (tests/course_support.py), due at DUE."""
    folder = tmp_path_factory.mktemp("autograde") / "course"
    env = {"PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    said = copy_of_initialized_course(tmp_path_factory, folder, env)
    assert "grader autograde" in said and "nbgrader autograde" in said
    set_due_date(folder)
    return folder


@pytest.fixture(scope="module")
def graded(course: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    pristine = tmp_path_factory.mktemp("pristine") / "course"
    shutil.copytree(course, pristine)  # the course before any submission: for the other tests
    pwned = course / "pwned.txt"
    paths = {s: submit(course, s, nb) for s, nb in submissions(course, pwned).items()}
    done = run_grader("autograde", NAME, "-j", "2", cwd=course, timeout=900)
    return {"done": done, "paths": paths, "pwned": pwned, "pristine": pristine}


def gradebook(course: Path) -> dict[str, dict[str, float]]:
    from grader.instructor.gradebook import gradebook_scores

    return gradebook_scores(f"sqlite:///{course / 'gradebook.db'}", "dl-numpy-exercises", NAME)


def cli_scores(notebook: Path, out: Path) -> dict[str, float]:
    """`grader check` on the very code of the submitted notebook."""
    done = run_grader("nbgrader", "export", str(notebook), str(out))
    assert done.returncode == 0, done.stderr
    _, report = check_json(out, *PIPELINE.topics)
    return {f"check-{topic}": got for topic, (got, _) in topic_scores(report).items()}


def test_autograde_writes_every_submission_and_tells_what_it_put_right(graded: dict) -> None:
    done = graded["done"]
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    out = done.stdout
    assert "10 of 10 submissions written" in out
    assert "erin: " in out and "locked cell check-weight_init was changed" in out
    assert "dave: " in out and "grade cell check-batch_norm was deleted or converted" in out
    assert "oscar: " in out and "check-batch_norm was deleted or converted" in out
    assert "gina: " in out and "not a notebook that can be read" in out
    assert "late by" in out


def test_gradebook_scores_equal_grader_check_on_the_same_code(graded: dict, course: Path, tmp_path: Path) -> None:
    points = {f"check-{t}": topic_points()[t] for t in PIPELINE.topics}
    scores = gradebook(course)
    assert set(scores) == set(graded["paths"])
    for student in ("alice", "bob", "carol", "erin", "mallory", "late"):
        assert scores[student] == cli_scores(graded["paths"][student], tmp_path / student), student
    assert scores["alice"] == points
    assert scores["bob"] == scores["mallory"] == {c: 0 for c in points}  # check() redefined: nothing gained
    assert 0 < scores["carol"]["check-weight_init"] < points["check-weight_init"]  # partial credit
    assert scores["erin"] == scores["carol"]  # the tampered check cell was restored, then graded
    for student in ("dave", "oscar"):  # the deleted/converted cell scores 0, the rest as graded
        assert scores[student] == {"check-weight_init": points["check-weight_init"], "check-batch_norm": 0}
    assert scores["gina"] == {c: 0 for c in points}


def test_hostile_code_ran_sandboxed_and_wrote_nothing(graded: dict) -> None:
    assert not graded["pwned"].exists()


def test_autograded_cells_read_as_their_gradebook_score_by_nbgraders_own_rule(graded: dict, course: Path) -> None:
    from nbgrader.utils import compute_checksum, determine_grade

    scores = gradebook(course)
    for student in ("alice", "bob", "carol", "dave", "erin", "mallory", "oscar"):
        nb = read(course / "autograded" / student / NAME / PIPELINE.notebook)
        for c in (c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")):
            grade_id = c.metadata.nbgrader.grade_id
            assert determine_grade(c)[0] == scores[student][grade_id], (student, grade_id)
            assert compute_checksum(c) == c.metadata.nbgrader.checksum  # the course's own cell
    erin = read(course / "autograded" / "erin" / NAME / PIPELINE.notebook)
    assert cell(erin, "check-weight_init").source.endswith('check("weight_init")')
    assert cell(read(course / "autograded" / "oscar" / NAME / PIPELINE.notebook), "check-batch_norm").cell_type == "code"


def test_late_submission_is_marked_as_nbgrader_does(graded: dict, course: Path) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "dl-numpy-exercises") as gb:
        late = gb.find_submission(NAME, "late")
        on_time = gb.find_submission(NAME, "alice")
        assert late.total_seconds_late == (datetime.fromisoformat("2026-04-02 09:00:00")
                                           - datetime.fromisoformat(DUE)).total_seconds()
        assert on_time.total_seconds_late == 0
        assert all(not g.needs_manual_grade for g in late.notebooks[0].grades)


def test_generate_feedback_and_export_work_on_what_autograde_wrote(graded: dict, course: Path, tmp_path: Path) -> None:
    with NbgraderShell(course, tmp_path / "nbgrader.log") as shell:  # both commands: one start of nbgrader
        shell.nbgrader("generate_feedback", NAME)
        shell.nbgrader("export", "--to", str(course / "grades.csv"))
    html = {s: (course / "feedback" / s / NAME / f"{NAME}.html").read_text(encoding="utf-8")
            for s in ("alice", "bob", "carol", "dave")}
    report = check_json_rows(course, "carol")
    failing = [r["check"] for r in report if not r["passed"]]
    assert failing and all(name in html["carol"] for name in failing)
    assert "Partly failed: weight_init" in html["carol"] and "一部不合格: weight_init" in html["carol"]
    assert "CheckFailed" in html["bob"] and "is not filled yet" in html["bob"]
    assert "was deleted or converted" in html["dave"] and "削除または変換" in html["dave"]
    assert "grader-fail" not in html["alice"]
    rows = {r["student_id"]: float(r["score"]) for r in csv.DictReader(open(course / "grades.csv", encoding="utf-8"))}
    assert rows == {s: sum(cells.values()) for s, cells in gradebook(course).items()}


def check_json_rows(course: Path, student: str) -> list[dict]:
    import json

    results = json.loads((course / ".grader" / NAME / "grades" / "results.json").read_text(encoding="utf-8"))
    return [r for r in results["students"][student]["results"] if r["topic"] in PIPELINE.topics]


def test_a_second_run_resumes_and_changes_nothing(graded: dict, course: Path) -> None:
    before = gradebook(course)
    done = run_grader("autograde", NAME, "-j", "2", cwd=course, timeout=900)
    assert done.returncode == 0, done.stderr
    assert "skipped 9 unchanged" in done.stdout  # gina's file is no notebook: never graded
    assert gradebook(course) == before


def test_a_locked_gradebook_is_refused_and_nothing_is_written(graded: dict, tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(graded["pristine"], course)
    submit(course, "alice", solved(course))
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        f"c = sqlite3.connect({str(course / 'gradebook.db')!r})\n"
        "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(120)\n")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        done = run_grader("autograde", NAME, cwd=course, timeout=300)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 2 and "locked by another process" in done.stderr and "Traceback" not in done.stderr
    assert not (course / "autograded").exists()
    with sqlite3.connect(course / "gradebook.db") as db:
        assert db.execute("SELECT COUNT(*) FROM submitted_assignment").fetchone()[0] == 0


def test_not_a_course_no_submissions_and_unknown_assignment_are_clear_messages(graded: dict, tmp_path: Path) -> None:
    done = run_grader("autograde", NAME, cwd=tmp_path)
    assert done.returncode == 2 and "not an nbgrader course" in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written
    course = tmp_path / "course"
    shutil.copytree(graded["pristine"], course)
    done = run_grader("autograde", NAME, cwd=course, env={"LANG": "ja_JP.UTF-8"})
    assert done.returncode == 2 and "提出物がありません" in done.stderr and "Traceback" not in done.stderr
    done = run_grader("autograde", "day9", cwd=course)
    assert done.returncode == 2 and "no assignment 'day9'" in done.stderr and NAME in done.stderr
    assert not (course / "autograded").exists()


def test_nbgraders_own_autograde_grades_outside_the_kernel_and_is_not_fooled(graded: dict, tmp_path: Path) -> None:
    """The course's config replaces nbgrader's Execute (issue 23, item 1); with nbgrader's
    stock Execute the same notebook is fooled (issue 15, item 10): why the line matters."""
    course = tmp_path / "course"
    shutil.copytree(graded["pristine"], course)
    submit(course, "mallory", check_trick(course))
    with NbgraderShell(course, tmp_path / "nbgrader.log") as shell:  # both commands: one start of nbgrader
        shell.nbgrader("autograde", NAME)
        assert gradebook(course)["mallory"] == {f"check-{t}": 0 for t in PIPELINE.topics}
        stock = course / "nbgrader_config.py"
        stock.write_text(stock.read_text(encoding="utf-8").replace(
            "c.Autograde.autograde_preprocessors", "_ignored"), encoding="utf-8")
        shell.nbgrader("autograde", NAME, "--force")  # a new `nbgrader autograde`: it reads the config again
    fooled = gradebook(course)["mallory"]
    assert fooled == {f"check-{t}": topic_points()[t] for t in PIPELINE.topics}  # full marks, all blank
    done = run_grader("autograde", NAME, "--force", cwd=course, timeout=600)
    assert done.returncode == 0, done.stderr
    assert gradebook(course)["mallory"] == {f"check-{t}": 0 for t in PIPELINE.topics}


def test_stats_of_the_gradebook_and_of_the_autograde_results(graded: dict, course: Path) -> None:
    import json

    done = run_grader("stats", str(course / "gradebook.db"), "--json", timeout=300)
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    scores = gradebook(course)
    assert stats["students"] == len(scores)
    for item in stats["checks"]:  # one item per grade cell: the gradebook keeps no more
        cell_scores = [scores[s][f"check-{item['topic']}"] for s in scores]
        assert item["mean_points"] == pytest.approx(sum(cell_scores) / len(cell_scores))
        assert item["pass_rate"] == pytest.approx(sum(v == item["max_points"] for v in cell_scores) / len(cell_scores))
    detailed = run_grader("stats", str(course / ".grader" / NAME / "grades"), "--json", timeout=300)
    assert detailed.returncode == 0, detailed.stderr
    assert {c["topic"] for c in json.loads(detailed.stdout)["checks"]} == set(PIPELINE.topics)


def test_a_bad_timestamp_is_said_and_a_linked_student_folder_is_refused(graded: dict, tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(graded["pristine"], course)
    submit(course, "alice", solved(course))
    (course / "submitted" / "alice" / NAME / "timestamp.txt").write_text("not a time", encoding="utf-8")
    (course / "submitted" / "mallory").symlink_to(course / "submitted" / "alice")  # alice's marks?
    done = run_grader("autograde", NAME, cwd=course, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "cannot be read as a time" in done.stdout
    assert "symbolic link" in done.stderr and "mallory" in done.stderr
    assert set(gradebook(course)) == {"alice"}


# --- hardening (issue 20, items 5, 6 and 10) ----------------------------------------------------


@pytest.fixture(scope="module")
def hardened(graded: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One run over: a notebook with a cell whose grade_id is a number (alice), a timestamp
    that is a link to the course's solutions (bob), a 50 MiB timestamp (carol), and a
    temporary file a killed run left in autograded/ (dave)."""
    course = tmp_path_factory.mktemp("hardened") / "course"
    shutil.copytree(graded["pristine"], course)
    odd = solved(course)
    odd.cells.append(nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": False, "grade_id": 7, "points": 1, "schema_version": 3}}))
    submit(course, "alice", odd)
    submit(course, "bob", solved(course))
    stamp = course / "submitted" / "bob" / NAME / "timestamp.txt"
    stamp.unlink()
    stamp.symlink_to(course / "source" / NAME / PIPELINE.notebook)
    submit(course, "carol", solved(course))
    with open(course / "submitted" / "carol" / NAME / "timestamp.txt", "ab") as big:
        big.truncate(50 * 2 ** 20)
    submit(course, "dave", solved(course))
    leftover = course / "autograded" / "dave" / NAME / f".{PIPELINE.notebook}.999999.tmp"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("half a notebook", encoding="utf-8")
    started = time.monotonic()
    done = run_grader("autograde", NAME, cwd=course, timeout=600)
    return {"course": course, "done": done, "seconds": time.monotonic() - started, "leftover": leftover}


def test_a_number_as_grade_id_never_stops_the_gradebook_write(hardened: dict) -> None:
    done = hardened["done"]
    assert "Traceback" not in done.stderr and "AttributeError" not in done.stdout + done.stderr
    full = {f"check-{t}": topic_points()[t] for t in PIPELINE.topics}
    assert gradebook(hardened["course"])["alice"] == full


def test_a_timestamp_is_read_bounded_and_never_through_a_link(hardened: dict) -> None:
    course, done = hardened["course"], hardened["done"]
    assert "bob" in done.stdout and "link" in done.stdout
    assert "carol" in done.stdout and "52428800 bytes" in done.stdout
    for student in ("bob", "carol"):  # never copied where generate_feedback hands it out
        assert not (course / "autograded" / student / NAME / "timestamp.txt").exists()
    assert (course / "autograded" / "dave" / NAME / "timestamp.txt").read_text() == ON_TIME
    source = (course / "source" / NAME / PIPELINE.notebook).read_text(encoding="utf-8")
    assert source[:200] not in done.stdout + done.stderr
    scores = gradebook(course)
    assert scores["bob"] == scores["carol"] == scores["dave"]  # graded, taken as on time


def test_temporary_files_a_killed_run_left_are_cleaned_on_the_next_run(hardened: dict) -> None:
    assert not hardened["leftover"].exists()
    folder = hardened["course"] / "autograded" / "dave" / NAME
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_submission_the_gradebook_refuses_is_left_out_alone(graded: dict, tmp_path: Path) -> None:
    """The class is written in one transaction; when the database refuses one submission
    (here a trigger, as a constraint would), only that one is left out, said, and its
    autograded/ folder not written; the others are written as ever."""
    course = tmp_path / "course"
    shutil.copytree(graded["pristine"], course)
    for student in ("alice", "bob", "carol"):
        submit(course, student, solved(course))
    with sqlite3.connect(course / "gradebook.db") as db:
        db.execute("CREATE TRIGGER refuse_bob BEFORE INSERT ON submitted_assignment "
                   "WHEN NEW.student_id = 'bob' BEGIN SELECT RAISE(ABORT, 'bob is refused here'); END")
    done = run_grader("autograde", NAME, cwd=course, timeout=600)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "bob" in done.stdout and "bob is refused here" in done.stdout
    full = {f"check-{t}": topic_points()[t] for t in PIPELINE.topics}
    assert gradebook(course) == {"alice": full, "carol": full}
    assert not [p for p in (course / "autograded" / "bob").rglob("*") if p.is_file()]  # nothing, not even a .tmp
    for student in ("alice", "carol"):
        folder = course / "autograded" / student / NAME
        assert (folder / PIPELINE.notebook).is_file() and not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
