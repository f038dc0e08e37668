"""The same class of notebooks through `nbgrader autograde` and through `grader batch`.

Writes an nbgrader course (`grader nbgrader init`), then N students' submissions of one
assignment (default: 30 of day1) as `nbgrader collect` leaves them: solved, left blank,
partly blank, or solved with one typical bug. Then, in this one run, each in its own copy
of the course taken before anything was graded:

* ``nbgrader autograde ASSIGNMENT`` with nbgrader's stock ``Execute`` (the course's
  ``autograde_preprocessors`` line taken out): every notebook executed in a kernel, each
  check cell grading its topic in a process of its own;
* ``nbgrader autograde ASSIGNMENT`` as ``grader nbgrader init`` configures it (the
  nbgrader-native path: the grader's ``GradeOutsideKernel`` in place of ``Execute``);
* ``grader batch COURSE --assignment ASSIGNMENT -j 2``: scores from results.json;
* ``grader autograde ASSIGNMENT -j 2``: nbgrader's safeguards, autograded/ notebooks and
  the gradebook written through nbgrader's API;
* ``grader autograde`` on one submission: its fixed cost (goal ≤ 3 s);

and prints the wall times, the ratios (goals: batch ≥ 20×, autograde ≥ 50× faster than
stock nbgrader), whether every student's score is identical, and whether the native path
and ``grader autograde`` wrote identical gradebooks (every grade, comment and penalty).

Usage: python benchmarks/vs_nbgrader.py [--count N] [--assignment NAME] [--jobs N]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# One typical bug each: (the solution cell's grade_id, code appended to that cell).
BUGS = [
    ("softmax", "\n\ndef softmax(x):\n    e = np.exp(x)\n    return e / e.sum(axis=-1, keepdims=True)\n"),
    ("d_relu", "\n\ndef d_relu(x):\n    return np.where(x >= 0, 1.0, 0.0)\n"),
    ("mean_squared_error", "\n\ndef mean_squared_error(d, y):\n    return np.sum((y - d) ** 2)\n"),
    ("sgd_update", "\n\ndef sgd_update(network, grad, learning_rate):\n    for key in grad:\n"
                   "        network[key] = network[key] - learning_rate * grad[key]\n"),
    ("get_minibatch", "\n\ndef get_minibatch(data_x, data_t, i, batch_size):\n"
                      "    return data_x[i:i + batch_size - 1], data_t[i:i + batch_size - 1]\n"),
]


def jupyter_env(folder: Path) -> dict[str, str]:
    """A python3 kernelspec for this Python, and its bin/ on PATH (nbgrader runs `alembic`)."""
    from ipykernel.kernelspec import write_kernel_spec

    write_kernel_spec(folder / "kernels" / "python3")
    return {**os.environ, "JUPYTER_DATA_DIR": str(folder), "JUPYTER_PLATFORM_DIRS": "1", "LANG": "en_US.UTF-8",
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}


def run(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def solution_cells(notebook: dict) -> list[dict]:
    return [c for c in notebook["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]


def make_class(course: Path, assignment: str, count: int, seed: int = 11) -> dict[str, int]:
    """``count`` submissions of ``assignment``: solved, blank, partly blank, one bug."""
    import nbformat

    from grader.authoring.notebooks import filled_in

    name = f"{assignment}.ipynb"
    released = nbformat.read(course / "release" / assignment / name, as_version=4)
    solved = filled_in(released, nbformat.read(course / "source" / assignment / name, as_version=4))
    rng = random.Random(seed)
    kinds = {"solved": 0, "blank": 0, "partly blank": 0, "one bug": 0}
    for index in range(count):
        roll = rng.random()
        notebook = json.loads(json.dumps(solved))
        if roll < 0.1:
            kind, notebook = "blank", json.loads(json.dumps(released))
        elif roll < 0.5:
            kind = "solved"
        elif roll < 0.75:
            kind = "partly blank"
            blanks = {c["metadata"]["nbgrader"]["grade_id"]: c["source"] for c in solution_cells(released)}
            for cell in rng.sample(solution_cells(notebook), 3):
                cell["source"] = blanks[cell["metadata"]["nbgrader"]["grade_id"]]
        else:
            kind = "one bug"
            grade_id, code = rng.choice(BUGS)
            for cell in solution_cells(notebook):
                if cell["metadata"]["nbgrader"]["grade_id"] == grade_id:
                    cell["source"] += code
        folder = course / "submitted" / f"student{index:03d}" / assignment
        folder.mkdir(parents=True)
        nbformat.write(nbformat.from_dict(notebook), folder / name)
        (folder / "timestamp.txt").write_text("2026-04-01 10:00:00.000000 UTC", encoding="utf-8")
        kinds[kind] += 1
    return kinds


def stock_nbgrader(course: Path) -> None:
    """The course as nbgrader runs it out of the box: Execute, in the student's kernel."""
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "c.Autograde.autograde_preprocessors =", "_stock_execute ="), encoding="utf-8")


def gradebook_rows(course: Path, assignment: str) -> dict:
    """Every grade, comment and late penalty autograde writes, per student."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for submission in gradebook.assignment_submissions(assignment):
            found[submission.student.id] = sorted(
                [("grade", nb.name, g.cell.name, g.auto_score, g.needs_manual_grade) for nb in submission.notebooks
                 for g in nb.grades] +
                [("comment", nb.name, c.cell.name, c.auto_comment or "") for nb in submission.notebooks
                 for c in nb.comments] +
                [("penalty", nb.name, "", nb.late_submission_penalty or 0.0) for nb in submission.notebooks])
    return found


def nbgrader_scores(course: Path, assignment: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {s.student.id: float(s.score) for s in gradebook.assignment_submissions(assignment)}


def same_cells(theirs: Path, ours: Path, assignment: str) -> tuple[int, int]:
    """How many (student, grade cell) scores the two gradebooks share, of all of nbgrader's."""
    from grader.instructor.gradebook import gradebook_scores

    a = gradebook_scores(f"sqlite:///{theirs / 'gradebook.db'}", "dl-numpy-exercises", assignment)
    b = gradebook_scores(f"sqlite:///{ours / 'gradebook.db'}", "dl-numpy-exercises", assignment)
    pairs = [(s, c) for s in a for c in a[s]]
    return sum(abs(a[s][c] - b.get(s, {}).get(c, float("nan"))) < 1e-9 for s, c in pairs), len(pairs)


def batch_scores(out: Path) -> dict[str, float]:
    students = json.loads((out / "results.json").read_text(encoding="utf-8"))["students"]
    return {name: float(report["score"]) for name, report in students.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--assignment", default="day1")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grader-vs-nbgrader-") as tmp:
        env = jupyter_env(Path(tmp) / "jupyter")
        course = Path(tmp) / "course"
        run([sys.executable, "-m", "grader", "nbgrader", "init", str(course)], ROOT, env)
        one = Path(tmp) / "course-one"
        shutil.copytree(course, one)
        make_class(one, args.assignment, 1)
        kinds = make_class(course, args.assignment, args.count)
        print(f"{args.count} submissions of {args.assignment}: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
        native, ours_course = Path(tmp) / "course-native", Path(tmp) / "course-grader"
        shutil.copytree(course, native)  # nothing graded yet: each tool fills its own gradebook
        shutil.copytree(course, ours_course)
        stock_nbgrader(course)
        nbgrader_time = run([sys.executable, "-m", "nbgrader", "autograde", args.assignment], course, env)
        native_time = run([sys.executable, "-m", "nbgrader", "autograde", args.assignment], native, env)
        autograde_time = run([sys.executable, "-m", "grader", "autograde", args.assignment, "-j", str(args.jobs)],
                             ours_course, env)
        fixed_time = run([sys.executable, "-m", "grader", "autograde", args.assignment, "-j", str(args.jobs)],
                         one, env)
        out = Path(tmp) / "grades"
        batch_time = run([sys.executable, "-m", "grader", "batch", str(ours_course), "--assignment", args.assignment,
                          "--out", str(out), "-j", str(args.jobs)], ROOT, env)
        theirs, ours = nbgrader_scores(course, args.assignment), batch_scores(out)
        gradebook = nbgrader_scores(ours_course, args.assignment)
        cells = same_cells(course, ours_course, args.assignment)
        native_rows, grader_rows = gradebook_rows(native, args.assignment), gradebook_rows(ours_course, args.assignment)
    same = [s for s in theirs if abs(theirs[s] - ours.get(s, float("nan"))) < 1e-9]
    same_gradebook = [s for s in theirs if abs(theirs[s] - gradebook.get(s, float("nan"))) < 1e-9]
    identical = [s for s in grader_rows if native_rows.get(s) == grader_rows[s]]
    per = (autograde_time - fixed_time) / max(args.count - 1, 1)
    print(f"nbgrader autograde (stock Execute, kernel): {nbgrader_time:7.2f} s ({nbgrader_time / args.count:.2f} s per submission)")
    print(f"nbgrader autograde (native, grader's step): {native_time:7.2f} s ({native_time / args.count:.2f} s per submission)")
    print(f"grader batch -j {args.jobs}:                         {batch_time:7.2f} s ({batch_time / args.count:.3f} s per submission)")
    print(f"grader autograde -j {args.jobs}:                     {autograde_time:7.2f} s ({autograde_time / args.count:.3f} s per submission)")
    print(f"grader autograde, 1 submission:              {fixed_time:7.2f} s (fixed cost ≈ {fixed_time - per:.2f} s, goal ≤ 3 s)")
    print(f"grader batch is {nbgrader_time / batch_time:.1f}× faster than stock nbgrader (goal ≥ 20×)")
    print(f"grader autograde is {nbgrader_time / autograde_time:.1f}× faster end to end (goal ≥ 50×)")
    print(f"the native nbgrader path is {nbgrader_time / native_time:.1f}× faster than stock nbgrader; "
          f"grader autograde is {native_time / autograde_time:.1f}× faster than it")
    print(f"identical scores, batch: {len(same)}/{len(theirs)} students (goal: all)")
    print(f"identical gradebook scores, autograde vs stock nbgrader: {len(same_gradebook)}/{len(theirs)} students, "
          f"{cells[0]}/{cells[1]} grade cells (goal: all)")
    print(f"identical gradebooks (grades, comments, penalties), native nbgrader vs grader autograde: "
          f"{len(identical)}/{len(grader_rows)} students (goal: all)")
    for student in sorted(set(theirs) - set(same)):
        print(f"  {student}: nbgrader {theirs[student]:g}, grader batch {ours.get(student)}")
    for student in sorted(set(theirs) - set(same_gradebook)):
        print(f"  {student}: nbgrader {theirs[student]:g}, grader autograde {gradebook.get(student)}")


if __name__ == "__main__":
    main()
