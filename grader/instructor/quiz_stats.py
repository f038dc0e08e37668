"""``grader quiz stats FOLDER [--json]``: item analysis of a confirmation test (確認テスト).

FOLDER holds one answers file per student (``*.yaml``, the file ``grader quiz check``
reads; the student is the file's name). Every auto-graded question gets:

* **facility** — the mean share of its points the class scored (1.0: everyone right);
* **discrimination** — the correlation of its points with the rest of the student's score
  (PrairieLearn's definition, as in ``grader stats``);
* **frequent wrong answers** — the wrong answers after the quiz's own normalisation
  (:mod:`grader.quiz.normalize`: full-width digits, ①, IME minus signs, choice order), most
  frequent first, so "③" and "3" and " 3 " are one answer.

Exit status: 0 done, 2 no usable answers file (each unusable file is named).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from grader.i18n import LANGS, lang_from_argv, t
from grader.instructor.stats import correlation

FREQUENT = 3
EXIT_OK, EXIT_UNUSABLE = 0, 2


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        raise _Usage(message)


def normalized_answer(question: Any, answer: Any) -> str:
    """One spelling per answer, by the quiz's own reading (grader/quiz/reading.py, choices.py)."""
    from grader.quiz.choices import read_choices
    from grader.quiz.code_answers import prepare_code
    from grader.quiz.reading import fold_math

    if question.type in ("single_choice", "multiple_choice"):
        values = answer if isinstance(answer, list) else [answer]
        found = [k for v in values for k in read_choices(question, v).keys]
        return ", ".join(sorted(dict.fromkeys(found)))
    if question.type == "code":
        return prepare_code(str(answer), expression=question.data.get("compare") is None)
    return " ".join(fold_math(str(answer)).text.split())


def read_class(folder: Path, lang: str) -> tuple[dict[str, list], list[str]]:
    """Each student's graded answers; the files that could not be read, with why."""
    from grader.quiz.answers import AnswersError, read_answers
    from grader.quiz.grading import grade_all
    from grader.quiz.loader import load_sections

    sections = load_sections()
    known = {q.id: q for s in sections for q in s.questions}
    order = [q.id for s in sections for q in s.questions]
    students, problems = {}, []
    for path in sorted(list(folder.glob("*.yaml")) + list(folder.glob("*.yml"))):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            answers = read_answers(path, path.name, known)
        except AnswersError as error:
            problems.append(f"{path.name}: " + "; ".join(t(p.key, lang, **p.fields) for p in error.problems))
            continue
        ordered = sorted(answers.answers, key=order.index)
        students[path.stem] = grade_all([(known[qid], answers.answers[qid]) for qid in ordered])
    return students, problems


def analyse(students: dict[str, list]) -> dict:
    totals = {s: sum(r.verdict.points for r in rs if r.verdict.passed is not None) for s, rs in students.items()}
    questions: dict[str, dict[str, Any]] = {}
    for student, results in students.items():
        for r in results:
            if r.verdict.passed is None:
                continue  # self-assessed free text: in no score
            entry = questions.setdefault(r.question.id, {"question": r.question, "points": {}, "wrong": {}})
            entry["points"][student] = (float(r.verdict.points), float(r.verdict.max_points))
            if not r.verdict.passed:
                text = normalized_answer(r.question, r.answer)
                entry["wrong"][text] = entry["wrong"].get(text, 0) + 1
    items = []
    for qid, entry in questions.items():
        names = sorted(entry["points"])
        got = [entry["points"][s][0] for s in names]
        top = [entry["points"][s][1] for s in names]
        r = correlation(got, [totals[s] - g for s, g in zip(names, got)])
        frequent = sorted(entry["wrong"].items(), key=lambda kv: (-kv[1], kv[0]))[:FREQUENT]
        items.append({"id": qid, "type": entry["question"].type, "answered": len(names),
                      "facility": sum(g / m if m else 0.0 for g, m in zip(got, top)) / len(names),
                      "discrimination": None if r is None else round(r, 6),
                      "wrong_answers": [{"answer": a, "count": c} for a, c in frequent]})
    return {"students": len(students), "questions": items}


def main(argv: list[str]) -> int:
    lang = lang_from_argv(argv)
    p = _Parser(prog="grader quiz stats", description=t("quiz_stats.description", lang))
    p.add_argument("folder", type=Path, metavar="FOLDER_OF_ANSWER_FILES")
    p.add_argument("--json", action="store_true", help=t("stats.help_json", lang))
    p.add_argument("--lang", choices=LANGS, default=None)
    try:
        args = p.parse_args(argv)
    except _Usage as problem:
        print(t("instructor.error", lang, problem=t("instructor.usage_error", lang, problem=problem)), file=sys.stderr)
        return EXIT_UNUSABLE
    lang = args.lang or lang
    if not args.folder.is_dir():
        print(t("instructor.error", lang, problem=t("quiz_stats.no_folder", lang, folder=args.folder)), file=sys.stderr)
        return EXIT_UNUSABLE
    students, problems = read_class(args.folder, lang)
    for problem in problems:
        print(t("quiz_stats.skipped", lang, problem=problem), file=sys.stderr)
    if not students:
        print(t("instructor.error", lang, problem=t("quiz_stats.empty", lang, folder=args.folder)), file=sys.stderr)
        return EXIT_UNUSABLE
    stats = analyse(students)
    try:
        _print(stats, args.json, lang)
    except BrokenPipeError:  # the reader (head, a pager) left early: not an error
        pass
    return EXIT_OK


def _print(stats: dict, as_json: bool, lang: str) -> None:
    if as_json:
        print(json.dumps(stats, ensure_ascii=False, indent=1))
        return
    print(t("quiz_stats.summary", lang, students=stats["students"], questions=len(stats["questions"])))
    for item in stats["questions"]:
        disc = "–" if item["discrimination"] is None else f"{item['discrimination']:+.2f}"
        wrong = ", ".join(f"{w['answer']!r} ×{w['count']}" for w in item["wrong_answers"]) or "–"
        print(t("quiz_stats.line", lang, id=item["id"], facility=f"{item['facility']:.2f}",
                discrimination=disc, answered=item["answered"], wrong=wrong))
