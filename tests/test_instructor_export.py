"""`grader export` (issue 23, item 7): a real class graded by `grader batch`, its totals
written as Canvas' and Moodle's gradebook imports read them, compared with the documented
columns (Canvas: Student, ID, SIS User ID, SIS Login ID, Section, then one column per
assignment, and its "Points Possible" row; Moodle: one identifier column mapped on import
to username / useremail / useridnumber, then one column per grade item); bad inputs exit 2
with a message and write nothing."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from conftest import EXERCISES, SOLUTIONS, run_grader

CANVAS_DOCUMENTED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_DOCUMENTED = {"username": "Username", "email": "Email address", "idnumber": "ID number"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A class of two graded by grader batch: one solved everything, one nothing."""
    root = tmp_path_factory.mktemp("export")
    shutil.copytree(SOLUTIONS, root / "class" / "s001")
    shutil.copytree(EXERCISES, root / "class" / "s002")
    done = run_grader("batch", str(root / "class"), "--out", str(root / "grades"), "-j", "2", timeout=600)
    assert done.returncode == 0, done.stderr
    return root / "grades"


def _totals(grades: Path) -> dict[str, tuple[float, float]]:
    students = json.loads((grades / "results.json").read_text(encoding="utf-8"))["students"]
    return {name: (report["score"], report["max_score"]) for name, report in students.items()}


def _read(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert b"\r\n" in raw and not raw.startswith(b"\xef\xbb\xbf")  # RFC 4180 lines, UTF-8 without BOM
    return list(csv.reader(raw.decode("utf-8").splitlines()))


def test_canvas_import_has_the_documented_columns_and_the_totals(graded: Path, tmp_path: Path) -> None:
    out = tmp_path / "canvas.csv"
    done = run_grader("export", str(graded), "--lms", "canvas", "--out", str(out), "--column", "Day 1 exercises")
    assert done.returncode == 0, done.stderr
    rows = _read(out)
    assert rows[0] == CANVAS_DOCUMENTED + ["Day 1 exercises"]
    totals = _totals(graded)
    assert rows[1][0] == "Points Possible" and float(rows[1][5]) == max(top for _, top in totals.values())
    by_student = {row[0]: row for row in rows[2:]}
    assert set(by_student) == set(totals)
    for name, (score, _) in totals.items():
        row = by_student[name]
        assert row[3] == name  # no roster: the folder name is the SIS Login ID Canvas matches on
        assert float(row[5]) == score
    assert float(by_student["s001"][5]) > 0 == float(by_student["s002"][5])


def test_canvas_with_a_roster_writes_its_identifiers(graded: Path, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name,id,sis_user_id,sis_login_id,section\n"
                      's001,"Sato, Hanako",101,A-1,hsato,Section 1\n'
                      's002,"Suzuki ""Taro""",102,A-2,tsuzuki,Section 2\n', encoding="utf-8")
    out = tmp_path / "canvas.csv"
    done = run_grader("export", str(graded), "--lms", "canvas", "--out", str(out), "--roster", str(roster))
    assert done.returncode == 0, done.stderr
    rows = _read(out)
    assert rows[0][:5] == CANVAS_DOCUMENTED and rows[0][5] == "grades"  # the results folder's name
    assert rows[2][:5] == ["Sato, Hanako", "101", "A-1", "hsato", "Section 1"]
    assert rows[3][:5] == ['Suzuki "Taro"', "102", "A-2", "tsuzuki", "Section 2"]


@pytest.mark.parametrize("identifier", ["username", "email", "idnumber"])
def test_moodle_import_has_one_identifier_column_and_one_per_grade_item(graded: Path, tmp_path: Path,
                                                                       identifier: str) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("student,username,email,idnumber\ns001,hanako,hanako@example.ac.jp,2026001\n"
                      "s002,taro,taro@example.ac.jp,2026002\n", encoding="utf-8")
    out = tmp_path / "moodle.csv"
    done = run_grader("export", str(graded), "--lms", "moodle", "--out", str(out), "--roster", str(roster),
                      "--moodle-id", identifier, "--column", "Day 1")
    assert done.returncode == 0, done.stderr
    rows = _read(out)
    assert rows[0] == [MOODLE_DOCUMENTED[identifier], "Day 1"]
    expected = {"username": ("hanako", "taro"), "email": ("hanako@example.ac.jp", "taro@example.ac.jp"),
                "idnumber": ("2026001", "2026002")}[identifier]
    totals = _totals(graded)
    assert [row[0] for row in rows[1:]] == list(expected)
    assert [float(row[1]) for row in rows[1:]] == [totals["s001"][0], totals["s002"][0]]


def test_moodle_without_a_roster_uses_the_folder_names_as_usernames(graded: Path, tmp_path: Path) -> None:
    out = tmp_path / "moodle.csv"
    done = run_grader("export", str(graded / "results.json"), "--lms", "moodle", "--out", str(out), "--lang", "ja")
    assert done.returncode == 0, done.stderr
    assert "書き出しました" in done.stdout
    assert [row[0] for row in _read(out)] == ["Username", "s001", "s002"]


def test_the_assignment_of_autogrades_results_names_the_column(graded: Path, tmp_path: Path) -> None:
    grades = tmp_path / "course" / ".grader" / "day1" / "grades"
    shutil.copytree(graded, grades)
    out = tmp_path / "canvas.csv"
    assert run_grader("export", str(grades), "--lms", "canvas", "--out", str(out)).returncode == 0
    assert _read(out)[0][5] == "day1"


def _refused(tmp_path: Path, *args: str, words: str) -> None:
    out = tmp_path / "out.csv"
    done = run_grader("export", *args, *(() if "--out" in args else ("--out", str(out))))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "error:" in done.stderr and words in done.stderr
    assert not out.exists()


@pytest.mark.parametrize("roster, words", [
    ("name,id\nHanako,1\n", "no 'student' column"),
    ("student,email,phone\ns001,a@b,1\n", "unknown columns phone"),
    ("student,sis_login_id\ns001,a\ns001,b\n", "listed twice"),
    ("student,sis_login_id\ns001,hsato\n", "s002"),  # s002 is not in the roster: refused, not dropped
    ("student,sis_login_id\ns001,hsato\ns002,\n", "s002"),  # listed, but with nothing Canvas matches on
], ids=["no-student", "unknown-column", "twice", "missing-student", "no-identifier"])
def test_a_roster_that_cannot_serve_is_refused(graded: Path, tmp_path: Path, roster: str, words: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(roster, encoding="utf-8")
    _refused(tmp_path, str(graded), "--lms", "canvas", "--roster", str(path), words=words)


def test_bad_inputs_are_refused_with_a_message(graded: Path, tmp_path: Path) -> None:
    _refused(tmp_path, str(tmp_path / "nowhere"), "--lms", "canvas", words="no results.json")
    _refused(tmp_path, str(graded), "--lms", "blackboard", words="invalid choice")
    _refused(tmp_path, str(graded), "--lms", "canvas", "--out", str(tmp_path / "out.xlsx"), words=".csv")
    _refused(tmp_path, str(graded), "--lms", "canvas", "--out", str(tmp_path / "no" / "out.csv"), words="no such folder")
    _refused(tmp_path, str(graded), "--lms", "moodle", "--moodle-id", "email", words="needs --roster")
    _refused(tmp_path, str(graded), "--lms", "canvas", "--column", "a\nb", words="column")
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "results.json").write_text(json.dumps({"students": {"s001": {"results": [{"topic": 1, "hint": None}]}}}),
                                          encoding="utf-8")
    _refused(tmp_path, str(damaged), "--lms", "canvas", words="damaged")
    (tmp_path / "latin1.csv").write_bytes("student,name\ns001,J\xfcrgen\n".encode("latin-1"))
    _refused(tmp_path, str(graded), "--lms", "canvas", "--roster", str(tmp_path / "latin1.csv"), words="roster")
