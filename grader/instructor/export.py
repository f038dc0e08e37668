"""``grader export GRADES --lms canvas|moodle --out FILE.csv``: the class's totals as a CSV
that an LMS gradebook imports. No server is asked anything: the file is uploaded by hand.

GRADES is what ``grader stats`` reads (``grader batch``'s ``--out`` folder or its
``results.json``, ``COURSE/.grader/ASSIGNMENT/grades`` of ``grader autograde``, or a
``gradebook.db``), read by the same checked reader; a student's total is the sum of their
points. The formats (README "Exporting grades to an LMS" says the same):

* **Canvas** (Grades → Import): the columns of Canvas' own gradebook export, which its
  import reads back — ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``,
  then one column per assignment (a name Canvas does not know yet becomes a new
  assignment). The second row is Canvas' ``Points Possible`` row. A student is matched by
  ID, SIS User ID or SIS Login ID: without a roster the student's folder name is written
  as the SIS Login ID (nbgrader's student id is usually the LMS login). Source: Canvas'
  instructor guide "How do I import grades in the Gradebook?" and e.g. Ohio State's
  "Import a CSV file to Carmen Grades" (teaching.resources.osu.edu), which lists the
  required columns as the student's name or ID or SIS User ID, SIS Login ID, Section and
  the assignment's column.
* **Moodle** (Grade administration → Import → CSV file): one identifier column and one
  column per grade item; on import the identifier is mapped ("Map from" the column, "Map
  to" ``username``, ``useremail`` or ``useridnumber``) and each grade column to a grade item
  (or a new one). The identifier columns are named as Moodle's own export names them
  (``Username``, ``Email address``, ``ID number``). Source: MoodleDocs "Grade import"
  (docs.moodle.org/311/en/Grade_import).

``--roster FILE.csv`` maps the students' folder names to the LMS's identifiers: a header
row with ``student`` (the folder name) and any of ``name``, ``id``, ``sis_user_id``,
``sis_login_id``, ``section``, ``username``, ``email``, ``idnumber``.

Exit status: 0 written, 2 unusable input (nothing written).
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from grader.i18n import LANGS, lang_from_argv, t
from grader.instructor.stats import StatsProblem, read_results
from grader.instructor.stats_cli import write_atomically

EXIT_OK, EXIT_UNUSABLE = 0, 2
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "Points Possible"
MOODLE_IDENTIFIERS = {"username": "Username", "email": "Email address", "idnumber": "ID number"}
ROSTER_FIELDS = ("student", "name", "id", "sis_user_id", "sis_login_id", "section", "username", "email", "idnumber")
MAX_ROSTER = 4 * 1024 * 1024  # bytes: a class list, not a database


@dataclass(frozen=True)
class Total:
    student: str  # the folder name grader batch graded
    points: float
    max_points: float


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        raise StatsProblem("instructor.usage_error", problem=message)


def parser(lang: str) -> argparse.ArgumentParser:
    p = _Parser(prog="grader export", description=t("export.description", lang))
    p.add_argument("grades", type=Path, metavar="GRADES", help=t("stats.help_grades", lang))
    p.add_argument("--lms", choices=("canvas", "moodle"), required=True, help=t("export.help_lms", lang))
    p.add_argument("--out", type=Path, required=True, metavar="FILE.csv", help=t("export.help_out", lang))
    p.add_argument("--column", default=None, metavar="NAME", help=t("export.help_column", lang))
    p.add_argument("--roster", type=Path, default=None, metavar="FILE.csv", help=t("export.help_roster", lang))
    p.add_argument("--moodle-id", choices=tuple(MOODLE_IDENTIFIERS), default="username",
                   help=t("export.help_moodle_id", lang))
    p.add_argument("--lang", choices=LANGS, default=None)
    return p


def totals(grades: Path) -> list[Total]:
    """Each student's total, read by grader stats' checked reader, in name order."""
    found = read_results(grades)
    return [Total(student, sum(r.points for r in rows), sum(r.max_points for r in rows))
            for student, rows in sorted(found.students.items())]


def default_column(grades: Path) -> str:
    """The assignment's name where the path says it (COURSE/.grader/ASSIGNMENT/grades),
    else the folder's name: the LMS's column (Canvas: the assignment) for these totals."""
    folder = grades.parent if grades.suffix in (".json", ".db") else grades
    if folder.name == "grades" and folder.parent.parent.name == ".grader":
        return folder.parent.name
    return folder.resolve().name or "grader"


def read_roster(path: Path) -> dict[str, dict[str, str]]:
    """The roster's rows by student (folder name). StatsProblem when it is not one."""
    try:
        raw = path.read_bytes()[: MAX_ROSTER + 1]
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise StatsProblem("export.bad_roster", path=path, problem=getattr(exc, "strerror", None) or str(exc)) from None
    if len(raw) > MAX_ROSTER:
        raise StatsProblem("export.bad_roster", path=path, problem="larger than 4 MiB")
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [name.strip().lower() for name in reader.fieldnames or []]
        rows = list(reader)
    except csv.Error as exc:
        raise StatsProblem("export.bad_roster", path=path, problem=str(exc)) from None
    if "student" not in header:
        raise StatsProblem("export.bad_roster", path=path, problem="no 'student' column (the folder names)")
    unknown = [name for name in header if name not in ROSTER_FIELDS]
    if unknown:
        raise StatsProblem("export.bad_roster", path=path,
                           problem=f"unknown columns {', '.join(unknown)} (known: {', '.join(ROSTER_FIELDS)})")
    roster: dict[str, dict[str, str]] = {}
    for line, row in enumerate(rows, start=2):
        entry = {key.strip().lower(): (value or "").strip() for key, value in row.items() if isinstance(key, str)}
        student = entry.get("student", "")
        if not student:
            raise StatsProblem("export.bad_roster", path=path, problem=f"line {line}: no student")
        if student in roster:
            raise StatsProblem("export.bad_roster", path=path, problem=f"line {line}: {student} is listed twice")
        roster[student] = entry
    return roster


def canvas_rows(found: list[Total], column: str, roster: dict[str, dict[str, str]] | None) -> list[list[str]]:
    top = max((total.max_points for total in found), default=0.0)
    rows = [[*CANVAS_COLUMNS, column], [CANVAS_POINTS_ROW, "", "", "", "", _number(top)]]
    for total in found:
        entry = (roster or {}).get(total.student, {})
        login = entry.get("sis_login_id") or ("" if roster is not None else total.student)
        rows.append([entry.get("name") or total.student, entry.get("id", ""), entry.get("sis_user_id", ""),
                     login, entry.get("section", ""), _number(total.points)])
    return rows


def moodle_rows(found: list[Total], column: str, identifier: str,
                roster: dict[str, dict[str, str]] | None) -> list[list[str]]:
    rows = [[MOODLE_IDENTIFIERS[identifier], column]]
    for total in found:
        entry = (roster or {}).get(total.student, {})
        value = entry.get(identifier) or (total.student if identifier == "username" and roster is None else "")
        rows.append([value, _number(total.points)])
    return rows


def _unmatched(found: list[Total], roster: dict[str, dict[str, str]] | None, lms: str, identifier: str) -> list[str]:
    """Students the LMS could not match: not in the roster, or with no identifier there."""
    if roster is None:
        return []
    keys = ("id", "sis_user_id", "sis_login_id") if lms == "canvas" else (identifier,)
    return [total.student for total in found
            if total.student not in roster or not any(roster[total.student].get(key) for key in keys)]


def _number(value: float) -> str:
    return f"{value:.6g}" if value != int(value) else str(int(value))


def as_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)  # RFC 4180, as both importers read
    return out.getvalue()


def main(argv: list[str]) -> int:
    lang = lang_from_argv(argv)
    try:
        args = parser(lang).parse_args(argv)
        lang = args.lang or lang
        if args.out.suffix.lower() != ".csv":
            raise StatsProblem("export.not_csv", path=args.out)
        if not args.out.parent.is_dir() or args.out.is_dir():
            raise StatsProblem("stats.cannot_write", path=args.out, problem="no such folder")
        found = totals(args.grades)
        roster = read_roster(args.roster) if args.roster is not None else None
        missing = _unmatched(found, roster, args.lms, args.moodle_id)
        if missing:
            raise StatsProblem("export.not_in_roster", path=args.roster, count=len(missing),
                               students=", ".join(missing[:10]) + (" …" if len(missing) > 10 else ""))
        if args.lms == "moodle" and args.moodle_id != "username" and roster is None:
            raise StatsProblem("export.needs_roster", identifier=args.moodle_id)
        column = (args.column or default_column(args.grades)).strip()
        if not column or any(ch in column for ch in "\r\n"):
            raise StatsProblem("export.bad_column", column=column)
        rows = (canvas_rows(found, column, roster) if args.lms == "canvas"
                else moodle_rows(found, column, args.moodle_id, roster))
        write_atomically(args.out, as_csv(rows))
    except StatsProblem as problem:
        print(t("instructor.error", lang, problem=t(problem.key, lang, **problem.fields)), file=sys.stderr)
        return EXIT_UNUSABLE
    print(t("export.wrote", lang, path=args.out, students=len(found), lms=args.lms.capitalize(), column=column))
    return EXIT_OK
