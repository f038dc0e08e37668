"""``grader quiz list|take|template|check|validate|reset`` (the quiz commands README's "Confirmation tests" documents).

Exit status: 0 success / every auto-graded answer right; 1 a wrong answer or an invalid
file under ``validate``; 2 the command could not run (bad arguments, unknown section,
unusable answers file, broken quiz files).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

from grader.i18n import LANGS, lang_from_argv, t
from grader.quiz import progress
from grader.quiz.loader import QuizLoadError, display_name, load_sections, quiz_files, validate_files
from grader.quiz.model import Problem, Section

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2


class _Usage(Exception):
    """argparse wanted to exit: carry its status out instead of raising SystemExit."""

    def __init__(self, status: int):
        self.status = status


class _Parser(argparse.ArgumentParser):
    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        if message:
            sys.stderr.write(message)
        raise _Usage(status)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"grader quiz: {message}\n")
        raise _Usage(EXIT_UNUSABLE)


def main(argv: list[str]) -> int:
    _skip_unused_format_checkers()
    lang = lang_from_argv(argv)
    parser = _build_parser(lang)
    try:
        args = parser.parse_args(argv)
    except _Usage as usage:
        return usage.status
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_UNUSABLE
    try:
        return args.handler(args)
    except QuizLoadError as exc:
        _print_problems(exc.problems, args.lang, sys.stderr)
        print(t("quiz.error.quiz_files_invalid", args.lang), file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print("\n" + t("quiz.take.interrupted", args.lang), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `grader quiz list | head`: the reader left; say nothing more on a closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _skip_unused_format_checkers() -> None:
    # jsonschema imports every optional format checker installed; one of them (rfc3987_syntax,
    # pulled in by the Jupyter packages) builds a grammar at import, about a second per command.
    # The quiz schema uses no formats and this process runs only the grader, so leave it out.
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]




def _build_parser(lang: str) -> argparse.ArgumentParser:
    parser = _Parser(prog="grader quiz", description=t("quiz.help.description", lang))
    # Accepted before the command too; lang_from_argv has already read it wherever it stands.
    parser.add_argument("--lang", choices=LANGS, default=lang, help=t("quiz.help.lang", lang))
    commands = parser.add_subparsers(title=t("quiz.help.commands", lang), metavar="COMMAND", parser_class=_Parser)

    def command(name: str, handler: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=t(f"quiz.help.{name}", lang), description=t(f"quiz.help.{name}", lang))
        sub.add_argument("--lang", choices=LANGS, default=lang, help=t("quiz.help.lang", lang))
        sub.set_defaults(handler=handler)
        return sub

    command("list", cmd_list).add_argument("--json", action="store_true", help=t("quiz.help.json", lang))
    take = command("take", cmd_take)
    take.add_argument("section", metavar="SECTION", help=t("quiz.help.section", lang))
    take.add_argument("--restart", action="store_true", help=t("quiz.help.restart", lang))
    command("template", cmd_template).add_argument("section", metavar="SECTION", help=t("quiz.help.section", lang))
    check = command("check", cmd_check)
    check.add_argument("answers", metavar="ANSWERS.yaml", type=Path, help=t("quiz.help.answers", lang))
    check.add_argument("--json", action="store_true", help=t("quiz.help.json", lang))
    command("validate", cmd_validate).add_argument("files", metavar="FILES", nargs="*", type=Path,
                                                   help=t("quiz.help.files", lang))
    command("reset", cmd_reset).add_argument("sections", metavar="SECTION", nargs="*",
                                             help=t("quiz.help.reset_sections", lang))
    parser.set_defaults(handler=None)
    return parser


# --- list ----------------------------------------------------------------------------

def cmd_list(args: argparse.Namespace) -> int:
    sections = load_sections()
    done = _progress_or_warn(args.lang)
    rows = [_list_row(section, done.get(section.id), args.lang) for section in sections]
    if args.json:
        print(json.dumps({"sections": rows}, ensure_ascii=False, indent=2))
        return EXIT_OK
    _print_list(rows, args.lang)
    return EXIT_OK


def _list_row(section: Section, entry: progress.SectionProgress | None, lang: str) -> dict[str, Any]:
    auto = [q for q in section.questions if q.auto_graded]
    current = entry if entry and entry.max_score == section.max_score else None
    return {"id": section.id, "title": section.title[lang], "questions": len(section.questions),
            "auto_graded": len(auto), "self_assessed": len(section.questions) - len(auto),
            "max_score": section.max_score,
            "best_score": current.best if current else None,
            "attempts": entry.attempts if entry else 0}


def _print_list(rows: list[dict[str, Any]], lang: str) -> None:
    """One row per section, fitted to the terminal (80 columns in Japanese too): a title
    too long for its column goes on in the next line, broken between words only."""
    from grader.quiz.render import pad, score_text, terminal_columns, width, wrap
    columns = terminal_columns()
    id_width = max(width(r["id"]) for r in rows)
    counts = {r["id"]: t("quiz.list.counts", lang, total=r["questions"], auto=r["auto_graded"]) for r in rows}
    counts_width = max(width(t("quiz.list.questions", lang)), *(width(c) for c in counts.values()))
    bests = {r["id"]: (f"{score_text(r['best_score'])}/{score_text(r['max_score'])}"
                       if r["best_score"] is not None else t("quiz.list.not_taken", lang)) for r in rows}
    best_width = max(width(t("quiz.list.best", lang)), *(width(b) for b in bests.values()))
    room = columns - id_width - counts_width - best_width - 4
    title_width = max(12, min(max(width(r["title"]) for r in rows), room))
    print(f"{pad('ID', id_width)} {pad(t('quiz.list.title', lang), title_width)} "
          f"{pad(t('quiz.list.questions', lang), counts_width)} {t('quiz.list.best', lang)}".rstrip())
    for r in rows:
        title = wrap(r["title"], title_width) or [""]
        print(f"{pad(r['id'], id_width)} {pad(title[0], title_width)} {pad(counts[r['id']], counts_width)} "
              f"{bests[r['id']]}".rstrip())
        for more in title[1:]:
            print(f"{' ' * id_width} {more}".rstrip())
    print()
    print("\n".join(wrap(t("quiz.list.footer", lang), columns)))


# --- take ----------------------------------------------------------------------------

def cmd_take(args: argparse.Namespace) -> int:
    from grader.quiz.interactive import InputEnded, Session, _isatty, summary_lines
    sections = load_sections()
    section = _find_section(sections, args.section, args.lang)
    if section is None:
        return EXIT_UNUSABLE
    _enable_line_editing()
    saver = _AttemptSaver(section, args.lang)
    session = Session(section, args.lang, sys.stdin, sys.stdout, on_answer=saver.save)
    earlier = [] if args.restart else saver.unfinished()
    if earlier:  # a stopped attempt goes on where it stopped (--restart starts afresh)
        from grader.quiz.grading import grade_all
        session.results = grade_all([(q, a) for q, a in earlier])
        saver.resume()
        print(t("quiz.take.resumed", args.lang, section=section.id, answered=len(earlier),
                total=len(section.questions)))
    status = None
    try:
        session.run(start=len(session.results))
    except InputEnded:
        if _isatty(sys.stdin):  # Ctrl-D in a terminal: the student stops, as with Ctrl-C
            status, key = 130, "quiz.take.interrupted"
        else:
            status, key = EXIT_UNUSABLE, "quiz.take.input_ended"
    except KeyboardInterrupt:
        status, key = 130, "quiz.take.interrupted"
    if status is not None:
        print("\n" + t(key, args.lang, answered=len(session.results), total=len(section.questions)),
              file=sys.stderr)
    results = session.results
    print()
    if results:
        for line in summary_lines(results, args.lang, section.max_score):
            session.say(line, "bold")
    saver.report(sys.stdout if status is None else sys.stderr)
    if status is not None:
        return status
    return EXIT_OK if all(r.verdict.passed is not False for r in results) else EXIT_FAILED


def _plain_answer(answer: Any) -> Any:
    """An answer as the progress file keeps it (text, numbers, lists, a free text's dict)."""
    if isinstance(answer, (str, int, float, bool)) or answer is None:
        return answer
    if isinstance(answer, (list, tuple)):
        return [_plain_answer(a) for a in answer]
    if isinstance(answer, dict):
        return {str(k): _plain_answer(v) for k, v in answer.items()}
    return str(answer)


class _AttemptSaver:
    """Saves a ``take`` attempt after every answer: the first save counts the attempt, the
    next ones update it, so Ctrl-C or the end of input never loses an answer."""

    def __init__(self, section: Section, lang: str):
        self.section, self.lang = section, lang
        self.saved: progress.SectionProgress | None = None
        self.score = 0.0
        self.failed = False

    def unfinished(self) -> list[tuple[Any, Any]]:
        """The (question, answer) pairs of a stopped attempt at this section, in order;
        empty when there is none or the section's questions changed since."""
        entry = progress.load().get(self.section.id)
        answers = dict(entry.unfinished) if entry and entry.unfinished else {}
        questions = self.section.questions[:len(answers)]
        if not answers or [q.id for q in questions] != list(answers):
            return []
        return [(q, answers[q.id]) for q in questions]

    def resume(self) -> None:
        self.saved = progress.load().get(self.section.id)

    def save(self, results: list) -> None:
        from grader.quiz.grading import section_scores
        if self.failed:
            return
        score, max_score = section_scores(results, [self.section]).get(self.section.id, (0.0, self.section.max_score))
        done = len(results) >= len(self.section.questions)
        unfinished = None if done else {r.question.id: _plain_answer(r.answer) for r in results}
        try:
            self.saved = progress.record(self.section.id, score, max_score, new_attempt=self.saved is None,
                                         unfinished=unfinished)
            self.score = score
        except progress.ProgressError as exc:
            self.failed = True
            print(t("quiz.progress.write_failed", self.lang, path=exc.path, detail=exc.detail), file=sys.stderr)

    def report(self, stream: Any) -> None:
        from grader.quiz.render import score_text
        if self.saved is None:
            if not self.failed:
                print(t("quiz.take.nothing_saved", self.lang), file=stream)
            return
        print(t("quiz.take.saved", self.lang, section=self.section.id, score=score_text(self.score),
                max=score_text(self.saved.max_score), best=score_text(self.saved.best)), file=stream)


def _enable_line_editing() -> None:
    if sys.stdin.isatty():
        try:
            import readline  # noqa: F401  (importing it is what turns editing on for input())
        except ImportError:
            pass


# --- template ------------------------------------------------------------------------

def cmd_template(args: argparse.Namespace) -> int:
    from grader.quiz.template import render_template
    section = _find_section(load_sections(), args.section, args.lang)
    if section is None:
        return EXIT_UNUSABLE
    sys.stdout.write(render_template(section, args.lang))
    return EXIT_OK


# --- check ---------------------------------------------------------------------------

def cmd_check(args: argparse.Namespace) -> int:
    from grader.quiz.answers import AnswersError, read_answers
    from grader.quiz.grading import grade_all, totals
    sections = load_sections()
    known = {q.id: q for s in sections for q in s.questions}
    try:
        answers = read_answers(args.answers, display_name(args.answers), known)
    except AnswersError as exc:
        _print_problems(exc.problems, args.lang, sys.stderr)
        return EXIT_UNUSABLE
    ordered = [q for s in sections for q in s.questions if q.id in answers.answers]
    results = grade_all([(q, answers.answers[q.id]) for q in ordered])
    total = totals(results)
    if args.json:
        print(json.dumps({"score": float(total.score), "max_score": float(total.max_score),
                          "results": [r.as_json(args.lang) for r in results]}, ensure_ascii=False))
    else:
        _print_check(results, args.lang)
    _record(results, sections, args.lang, say_partial=not args.json)
    return EXIT_OK if total.all_right else EXIT_FAILED


def _print_check(results: list, lang: str) -> None:
    from grader.quiz.interactive import summary_lines
    from grader.quiz.render import indent, key_point_lines, model_answer, score_text, style
    out = sys.stdout
    for r in results:
        v, q = r.verdict, r.question
        points = f"{score_text(v.points)}/{score_text(v.max_points)}"
        if v.passed is None:
            print(style(f"?  {q.id}  {t('quiz.check.self_assessed', lang, points=points)}", "yellow", out))
            print(indent(t("quiz.take.model_answer", lang) + "\n" + indent(model_answer(q, lang)), "     "))
            print(indent(t("quiz.take.key_points", lang) + "\n" + "\n".join(key_point_lines(q, lang)), "     "))
            print(indent(t("quiz.check.claim_hint", lang, id=q.id), "     "))
        elif v.passed:
            print(style(f"✔  {q.id}  {points}", "green", out))
        else:
            print(style(f"✘  {q.id}  {points}  {v.message(lang)}", "red", out))
            print(indent(t("quiz.take.model_answer", lang) + "\n" + indent(model_answer(q, lang)), "     "))
            print(indent(t("quiz.take.explanation", lang) + "\n" + indent(q.explanation[lang]), "     "))
    print()
    for line in summary_lines(results, lang):
        print(style(line, "bold", out))


# --- validate ------------------------------------------------------------------------

def cmd_validate(args: argparse.Namespace) -> int:
    files = args.files or quiz_files()
    _, problems = validate_files(files, deep=True)
    if problems:
        _print_problems(problems, args.lang, sys.stdout)
        print(t("quiz.validate.failed", args.lang, count=len(problems)))
        return EXIT_FAILED
    print(t("quiz.validate.ok", args.lang, count=len(files)))
    return EXIT_OK


# --- reset ---------------------------------------------------------------------------

def cmd_reset(args: argparse.Namespace) -> int:
    _progress_or_warn(args.lang)
    if args.sections:
        known = {s.id for s in load_sections()}
        args.sections = [_changed_id(s.strip().lower(), known, args.lang) for s in args.sections]
        unknown = [s for s in args.sections if s not in known]
        if unknown:
            print(t("quiz.error.unknown_section", args.lang, section=", ".join(unknown),
                    known=", ".join(sorted(known))), file=sys.stderr)
            return EXIT_UNUSABLE
    try:
        removed = progress.reset(args.sections or None)
    except progress.ProgressError as exc:
        print(t("quiz.progress.write_failed", args.lang, path=exc.path, detail=exc.detail), file=sys.stderr)
        return EXIT_UNUSABLE
    if args.sections:
        print(t("quiz.reset.sections", args.lang, sections=", ".join(removed) or "-"))
    else:
        print(t("quiz.reset.all", args.lang, path=progress.progress_path()))
    return EXIT_OK


# --- shared --------------------------------------------------------------------------

def _find_section(sections: list[Section], wanted: str, lang: str) -> Section | None:
    name = (Path(wanted).stem if wanted.endswith((".yaml", ".yml")) else wanted).strip().lower()
    name = _changed_id(name, {s.id for s in sections}, lang)
    for section in sections:
        if section.id == name:
            return section
    print(t("quiz.error.unknown_section", lang, section=wanted,
            known=", ".join(s.id for s in sections)), file=sys.stderr)
    return None


def _changed_id(name: str, known: set[str], lang: str) -> str:
    """``name``, or the section now holding its content; says so when an id changed."""
    from grader.quiz.section_ids import FOLDED_INTO, renamed_content
    moved_to = renamed_content(name)
    if moved_to and progress.has_old_progress():  # only a student who used the old ids needs it
        print(t("quiz.section.renamed", lang, old=name, new=moved_to), file=sys.stderr)
    elif name not in known and name in FOLDED_INTO:
        print(t("quiz.section.folded", lang, old=name, new=FOLDED_INTO[name]), file=sys.stderr)
        return FOLDED_INTO[name]
    return name


def _progress_or_warn(lang: str) -> dict[str, progress.SectionProgress]:
    loaded = progress.read()
    for notice in loaded.notices:
        print(t(notice.key, lang, **notice.fields), file=sys.stderr)
    return loaded.sections


def _record(results: list, sections: list[Section], lang: str, say_partial: bool = True) -> None:
    """A section's best is recorded only from a file that holds all of its auto-graded
    questions (a blank counts as answered; self-assessed ones count in no score): a
    partial file is a practice run, not an attempt."""
    from grader.quiz.grading import section_scores
    _progress_or_warn(lang)  # an old or damaged file is dealt with, and said so, before writing
    answered = {r.question.id for r in results}
    whole = {s.id for s in sections if all(q.id in answered for q in s.questions if q.auto_graded)}
    for section_id in sorted({r.question.section_id for r in results} - whole) if say_partial else []:
        print(t("quiz.check.partial_not_recorded", lang, section=section_id), file=sys.stderr)
    for section_id, (score, max_score) in section_scores(results, sections).items():
        if section_id not in whole:
            continue
        try:
            progress.record(section_id, score, max_score)
        except progress.ProgressError as exc:
            print(t("quiz.progress.write_failed", lang, path=exc.path, detail=exc.detail), file=sys.stderr)
            return


def _print_problems(problems: list[Problem], lang: str, stream: Any) -> None:
    for problem in problems:
        print(problem.format(lang), file=stream)
