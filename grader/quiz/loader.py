"""Finding, reading and validating quiz files (``quizzes/*.yaml``)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from grader.quiz.model import Problem, Question, Section
from grader.quiz.section_ids import sort_key
from grader.quiz.validation import (document_problems, duplicate_id_problems,
                                    question_problems)
from grader.quiz.yamlsource import (FileTooLarge, YamlDocument, YamlSyntaxError, format_path, parse,
                                    read_limited)

ENV_QUIZ_DIR = "GRADER_QUIZ_DIR"


class QuizLoadError(Exception):
    """Quiz files that must not be used; ``problems`` says why, line by line."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in quiz files")
        self.problems = problems


def quiz_dir() -> Path:
    """The top-level ``quizzes/`` folder, or ``$GRADER_QUIZ_DIR`` when set."""
    override = os.environ.get(ENV_QUIZ_DIR)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "quizzes"


def quiz_files(directory: Path | None = None) -> list[Path]:
    folder = directory or quiz_dir()
    return sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def display_name(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class _Parsed:
    path: Path
    name: str
    doc: YamlDocument | None
    problems: list[Problem]


def _read(path: Path, *, deep: bool) -> _Parsed:
    name = display_name(path)
    try:
        text = read_limited(path)
    except FileTooLarge as exc:
        return _Parsed(path, name, None, [Problem(name, None, "", "quiz.problem.too_large", {"limit": exc.limit})])
    except FileNotFoundError:
        return _Parsed(path, name, None, [Problem(name, None, "", "quiz.problem.not_found", {})])
    except (OSError, UnicodeDecodeError) as exc:
        return _Parsed(path, name, None, [Problem(name, None, "", "quiz.problem.unreadable", {"detail": str(exc)})])
    try:
        doc = parse(text)
    except YamlSyntaxError as exc:
        return _Parsed(path, name, None, [Problem(name, exc.line, "", "quiz.problem.yaml_syntax", {"detail": exc.detail})])
    problems = document_problems(doc, name)
    if not problems:
        problems = _semantic_problems(doc, path, name, deep=deep)
    return _Parsed(path, name, doc, problems)


def _semantic_problems(doc: YamlDocument, path: Path, name: str, *, deep: bool) -> list[Problem]:
    problems = []
    if doc.data["section"] != path.stem:
        problems.append(Problem(name, doc.line_of(("section",)), "section", "quiz.problem.section_mismatch",
                                {"section": doc.data["section"], "stem": path.stem}))
    for index, question in enumerate(doc.data["questions"]):
        problems.extend(question_problems(doc, name, index, question, deep=deep))
    return problems


def _id_entries(parsed: Iterable[_Parsed]) -> list[tuple[str, str, int | None, str]]:
    entries = []
    for item in parsed:
        if item.doc is None or not isinstance(item.doc.data, dict):
            continue
        questions = item.doc.data.get("questions")
        for index, question in enumerate(questions if isinstance(questions, list) else []):
            if isinstance(question, dict) and isinstance(question.get("id"), str):
                path = ("questions", index, "id")
                entries.append((question["id"], item.name, item.doc.line_of(path), format_path(path)))
    return entries


def _section(item: _Parsed) -> Section:
    data = item.doc.data
    questions = [
        Question(id=q["id"], type=q["type"], prompt=q["prompt"], answer=q["answer"],
                 explanation=q["explanation"], points=float(q.get("points", 1)),
                 section_id=data["section"], data=q)
        for q in data["questions"]
    ]
    return Section(id=data["section"], title=data["title"], questions=questions, path=item.path)


def validate_files(paths: Iterable[Path], *, deep: bool = True) -> tuple[list[Section], list[Problem]]:
    """Every problem in ``paths`` (ids must be unique across them) and the valid sections.

    ``deep`` also reads the model answers of expression and numeric questions with sympy,
    which costs its import (a third of a `grader quiz` command); loading for students skips
    it because the shipped files are validated by the tests, as `grader quiz validate`
    validates an instructor's, and grading says so if a model answer cannot be read.
    """
    parsed = [_read(Path(p), deep=deep) for p in paths]
    problems = [p for item in parsed for p in item.problems]
    problems += duplicate_id_problems(_id_entries(parsed))
    sections = [_section(item) for item in parsed if item.doc is not None and not item.problems]
    return sections, problems


def load_file(path: Path | str) -> Section:
    """One quiz file as a :class:`Section`; :class:`QuizLoadError` when it is invalid."""
    sections, problems = validate_files([Path(path)], deep=False)
    if problems:
        raise QuizLoadError(problems)
    return sections[0]


def load_sections(directory: Path | None = None) -> list[Section]:
    """All sections of the quiz folder, in the course's order (day1-s0 … day2-s5)."""
    files = quiz_files(directory)
    sections, problems = validate_files(files, deep=False)
    if problems:
        raise QuizLoadError(problems)
    return sorted(sections, key=lambda s: sort_key(s.id))


def find_question(question_id: str, sections: list[Section] | None = None) -> Question | None:
    for section in sections if sections is not None else load_sections():
        for question in section.questions:
            if question.id == question_id:
                return question
    return None
