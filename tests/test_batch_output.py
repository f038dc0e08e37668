"""Where `grader batch` writes: a full disk, an unwritable folder, two classes, spreadsheets.

Nothing the batch writes may be lost or half-written, and a folder that cannot take the
results is known before anyone is graded.
"""
from __future__ import annotations

import csv
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_grader
from test_batch import a_class, batch, csv_rows, graded_lines, results, student

CAN_MOUNT = os.geteuid() == 0 and shutil.which("unshare") is not None


@pytest.mark.skipif(not CAN_MOUNT, reason="a tiny tmpfs needs root and unshare(1)")
def test_a_full_output_disk_stops_the_batch_cleanly_and_keeps_what_was_written(tmp_path):
    submissions = tmp_path / "class"
    submissions.mkdir()
    for i in range(8):
        student(submissions, f"s{i}")
    out, kept = tmp_path / "grades", tmp_path / "kept"
    out.mkdir()
    command = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "grader", "batch", str(submissions),
                                                "--out", str(out), "--lang", "en", "-j", "1"])
    # A 40 KiB disk holds a few students' records, not eight and the class-wide files.
    script = (f"mount -t tmpfs -o size=40k tmpfs {shlex.quote(str(out))} && {{ {command}; echo rc=$?; "
              f"cp -a {shlex.quote(str(out))}/. {shlex.quote(str(kept))}/; }}")
    kept.mkdir()
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "LANG": "en_US.UTF-8"})
    assert "rc=1" in done.stdout, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "cannot be written" in done.stderr and "No space left on device" in done.stderr
    left = [p.name for p in kept.rglob("*") if p.name.endswith(".tmp")]
    assert left == []
    records = list((kept / ".batch").glob("*.json"))
    assert 0 < len(records) < 8
    if (kept / "results.csv").exists():  # the old file or a whole new one, never a part
        with open(kept / "results.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        assert rows[0][0] == "student" and all(len(row) == len(rows[0]) for row in rows)


def test_an_unwritable_output_folder_is_noticed_before_anyone_is_graded(tmp_path):
    submissions = a_class(tmp_path)
    (tmp_path / "a-file").write_text("x")
    done = batch(submissions, tmp_path / "a-file" / "grades")
    assert done.returncode == 2
    assert "cannot be written" in done.stderr and "Traceback" not in done.stderr
    assert graded_lines(done.stdout) == []


def test_two_classes_cannot_share_one_output_folder_silently(tmp_path):
    first, second = tmp_path / "section-a", tmp_path / "section-b"
    first.mkdir()
    second.mkdir()
    student(first, "alice")
    student(second, "bob")
    out = tmp_path / "grades"
    assert batch(first, out).returncode == 0
    again = batch(second, out)
    assert again.returncode == 2
    assert "holds the results of another folder" in again.stderr and str(first.resolve()) in again.stderr
    assert [row["student"] for row in csv_rows(out)] == ["alice"]  # the first class is intact
    assert batch(first, out).returncode == 0  # the same class again: fine
    forced = batch(second, out, "--force")
    assert forced.returncode == 0
    assert [row["student"] for row in csv_rows(out)] == ["bob"]


def test_student_names_cannot_inject_formulas_into_the_spreadsheet(tmp_path):
    submissions = tmp_path / "class"
    submissions.mkdir()
    names = ['=HYPERLINK("http:x","y")', "+1", "-2", "@SUM(A1)", "\tx"]
    for name in names:
        student(submissions, name)
    done = batch(submissions, tmp_path / "grades")
    assert done.returncode == 0, done.stderr
    cells = sorted(row["student"] for row in csv_rows(tmp_path / "grades"))
    assert cells == sorted("'" + name for name in names)
    assert sorted(results(tmp_path / "grades")) == sorted(names)  # the JSON keeps the real names


def test_an_output_folder_inside_a_students_folder_is_refused(tmp_path):
    submissions = a_class(tmp_path)
    done = batch(submissions, submissions / "alice" / "grades")
    assert done.returncode == 2
    assert "inside the submission of alice" in done.stderr and "Traceback" not in done.stderr
    assert not (submissions / "alice" / "grades").exists()


# -- grader nbgrader export / init ---------------------------------------------------------------

@pytest.mark.parametrize("content", ["{not json", "[" * 100_000, '{"cells": [{"cell_type": "code", "source": 7}]}', "[]"])
def test_export_of_an_unreadable_notebook_is_a_message(tmp_path, content):
    notebook = tmp_path / "bad.ipynb"
    notebook.write_text(content, encoding="utf-8")
    done = run_grader("nbgrader", "--lang", "en", "export", str(notebook), str(tmp_path / "out"))
    assert done.returncode == 2, done.stderr
    assert "is not a notebook that can be read" in done.stderr and "Traceback" not in done.stderr


def _notebook(tmp_path: Path) -> Path:
    from grader.authoring.notebooks import generate_notebooks
    from conftest import SOLUTIONS

    notebook = tmp_path / "day1.ipynb"
    notebook.write_text(generate_notebooks(SOLUTIONS)["day1.ipynb"], encoding="utf-8")
    return notebook


def test_export_into_a_file_or_a_folder_with_files_is_refused(tmp_path):
    notebook = _notebook(tmp_path)
    (tmp_path / "a-file").write_text("x")
    done = run_grader("nbgrader", "--lang", "en", "export", str(notebook), str(tmp_path / "a-file"))
    assert done.returncode == 2 and "is a file, not a folder" in done.stderr and "Traceback" not in done.stderr
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "functions.py").write_text("# my own work\n")
    refused = run_grader("nbgrader", "--lang", "ja", "export", str(notebook), str(mine))
    assert refused.returncode == 2 and "--force" in refused.stderr and "すでにファイルがあります" in refused.stderr
    assert (mine / "functions.py").read_text() == "# my own work\n"
    forced = run_grader("nbgrader", "--lang", "en", "export", str(notebook), str(mine), "--force")
    assert forced.returncode == 0, forced.stderr
    assert (mine / "functions.py").read_text() != "# my own work\n"


def test_init_into_an_existing_file_is_a_message(tmp_path):
    (tmp_path / "course").write_text("x")
    done = run_grader("nbgrader", "--lang", "en", "init", str(tmp_path / "course"))
    assert done.returncode == 2
    assert "is a file, not a folder" in done.stderr and "Traceback" not in done.stderr
