"""``grader status [--json]``: exercises and quizzes together, and what next.

Exercises per topic: best points of the maximum, checks recorded, hint levels seen and
whether the solution was viewed; quizzes: the best score per section from the quiz
progress; then "next": the confirmation test of a topic the last check just finished,
else the first topic without full marks.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from grader.i18n import LANGS, lang_from_argv, t
from grader.learn.common import EXIT_OK, Parser, UsageError, load_progress, usage_error
from grader.learn.progress import Progress
from grader.learn.topics import QUIZ_OF_TOPIC, SOLUTIONS, blank_key, topic_blanks, topic_names


def parser() -> Parser:
    p = Parser(prog="grader status", description="Your progress over the exercises and quizzes.")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--lang", choices=LANGS, default=None, help="language of the text")
    return p


def main(argv: list[str]) -> int:
    lang = lang_from_argv(argv)
    try:
        args = parser().parse_args(argv)
    except UsageError as problem:
        return usage_error("status", problem, lang)
    lang = args.lang or lang
    progress = load_progress(lang).progress
    exercises = exercise_rows(progress)
    quizzes = quiz_rows(lang)
    upcoming = next_thing(progress, exercises, quizzes)
    if args.json:
        print(json.dumps({"exercises": exercises, "quizzes": quizzes, "next": upcoming}, ensure_ascii=False))
    else:
        _print_text(exercises, quizzes, upcoming, lang)
    return EXIT_OK


def exercise_rows(progress: Progress) -> list[dict]:
    maxima = _max_points()
    rows = []
    for topic in topic_names():
        entry = progress.topics.get(topic)
        blanks = topic_blanks(topic) if SOLUTIONS.is_dir() else []
        seen = {blank_key(b): (entry.seen(blank_key(b)) if entry else []) for b in blanks}
        rows.append({
            "topic": topic,
            "best_points": entry.best_points if entry and entry.attempts else None,
            "max_points": entry.max_points if entry and entry.attempts else maxima.get(topic),
            "attempts": entry.attempts if entry else 0,
            "first_full_marks": entry.first_full_marks if entry else None,
            "last_passed": entry.last_passed if entry else False,
            "hints_seen": {key: levels for key, levels in seen.items() if levels},
            "hint_levels_seen": sum(len(levels) for levels in seen.values()),
            "hint_levels": sum(len(b.hints) for b in blanks),
            "solution_viewed": entry.solution_viewed if entry else False,
        })
    return rows


def _max_points() -> dict[str, float]:
    from grader.topics.registry import declare, names
    return {name: declare(name).max_points for name in names()}


def quiz_rows(lang: str) -> list[dict]:
    """One row per current section, in the course's order (day1-s2 before day1-s12); a
    damaged progress file is set aside by the quiz's own reading, and said so."""
    from grader.quiz import progress as quiz_progress
    from grader.quiz.loader import quiz_files
    from grader.quiz.section_ids import FOLDED_INTO, sort_key
    loaded = quiz_progress.read()
    for notice in loaded.notices:
        print(t(notice.key, lang, **notice.fields), file=sys.stderr)
    current = sorted({p.stem for p in quiz_files()}, key=sort_key)
    done = dict(loaded.sections)
    for old, new in FOLDED_INTO.items():  # an entry under an id that now names another section
        if old in done and new not in done:
            done[new] = done[old]
    return [{"section": s, "best": done[s].best if s in done else None,
             "max_score": done[s].max_score if s in done else None,
             "attempts": done[s].attempts if s in done else 0} for s in current]


@dataclass(frozen=True)
class _Next:
    kind: str  # "quiz" | "topic" | "done"
    topic: str | None = None
    section: str | None = None
    command: str | None = None


def next_thing(progress: Progress, exercises: list[dict], quizzes: list[dict]) -> dict:
    """The confirmation test of a topic just finished (not yet passed in full), else the
    first topic without full marks, else a test not taken yet, else nothing."""
    quiz = {q["section"]: q for q in quizzes}

    def quiz_open(section: str | None) -> bool:
        q = quiz.get(section or "")
        return q is not None and (q["best"] is None or q["best"] < (q["max_score"] or 0))

    for topic in progress.last_finished:
        section = QUIZ_OF_TOPIC.get(topic)
        if quiz_open(section):
            return _Next("quiz", topic, section, f"grader quiz take {section}").__dict__
    for row in exercises:
        if row["best_points"] is None or row["max_points"] is None or row["best_points"] < row["max_points"]:
            return _Next("topic", row["topic"], None, f"grader check {row['topic']}").__dict__
    for q in quizzes:
        if q["best"] is None:
            return _Next("quiz", None, q["section"], f"grader quiz take {q['section']}").__dict__
    return _Next("done").__dict__


def _print_text(exercises: list[dict], quizzes: list[dict], upcoming: dict, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(title=t("learn.status.exercises", lang))
    for key, justify in (("topic", "left"), ("best", "right"), ("attempts", "right"),
                         ("hints", "right"), ("solution", "left")):
        table.add_column(t(f"learn.status.{key}", lang), justify=justify, no_wrap=True)
    for row in exercises:
        best = "—" if row["best_points"] is None else f"{row['best_points']:g}"
        most = "?" if row["max_points"] is None else f"{row['max_points']:g}"
        style = "green" if row["best_points"] is not None and row["best_points"] == row["max_points"] else ""
        table.add_row(f"[{style}]{row['topic']}[/]" if style else row["topic"], f"{best}/{most}",
                      str(row["attempts"]), f"{row['hint_levels_seen']}/{row['hint_levels']}",
                      t("learn.status.viewed", lang) if row["solution_viewed"] else "")
    console.print(table)
    quiz_table = Table(title=t("learn.status.quizzes", lang))
    quiz_table.add_column(t("learn.status.section", lang), no_wrap=True)
    quiz_table.add_column(t("learn.status.best", lang), justify="right", no_wrap=True)
    for q in quizzes:
        score = (t("learn.status.not_taken", lang) if q["best"] is None
                 else f"{q['best']:g}/{q['max_score']:g}")
        quiz_table.add_row(q["section"], score)
    console.print(quiz_table)
    console.print(_next_text(upcoming, lang), style="bold", soft_wrap=True)  # a command stays one line


def _next_text(upcoming: dict, lang: str) -> str:
    if upcoming["kind"] == "quiz" and upcoming["topic"]:
        return t("learn.status.next_quiz", lang, topic=upcoming["topic"], section=upcoming["section"])
    if upcoming["kind"] == "quiz":
        return t("learn.status.next_quiz_left", lang, section=upcoming["section"])
    if upcoming["kind"] == "topic":
        return t("learn.status.next_topic", lang, topic=upcoming["topic"])
    return t("learn.status.done", lang)
