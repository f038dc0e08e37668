"""``grader quiz take SECTION``: one question at a time, verdict and explanation at once.

Reads plain lines from stdin, so it works in a terminal and with piped input alike.
Multi-line answers (code, free text) end with an empty line. An answer that cannot be read
at all is asked again (up to twice) with the reason; every answer is saved to the progress
file at once, so stopping early (Ctrl-C, end of input) keeps what was answered.
"""
from __future__ import annotations

import sys
from typing import Callable, TextIO

from grader.i18n import t
from grader.quiz.grading import Result, grade
from grader.quiz.model import Question, Section
from grader.quiz.normalize import nfkc
from grader.quiz.render import (answer_hint, choice_lines, indent, key_point_lines,
                                model_answer, score_text, style, type_label)

MULTILINE_TYPES = ("code", "free_text")
RETRIES = 2
YES = {"y", "yes", "はい", "h", "1", "o", "ok", "○", "〇"}
NO = {"n", "no", "いいえ", "0", "x", "×"}


class InputEnded(Exception):
    """stdin closed before the quiz was over."""


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Session:
    """One pass through a section. ``results`` holds every answer given so far, also when
    the pass stops early; ``on_answer`` is called after each one (to save progress)."""

    def __init__(self, section: Section, lang: str, stdin: TextIO, stdout: TextIO,
                 on_answer: Callable[[list[Result]], None] | None = None):
        self.section, self.lang, self.stdin, self.out = section, lang, stdin, stdout
        self.results: list[Result] = []
        self.on_answer = on_answer

    def say(self, text: str = "", color: str | None = None) -> None:
        self.out.write((style(text, color, self.out) if color else text) + "\n")
        self.out.flush()

    def read_line(self, prompt: str) -> str:
        if self.stdin is sys.stdin and _isatty(sys.stdin) and _isatty(sys.stdout):
            # A terminal: input() gives line editing (and history when readline exists).
            try:
                return input(prompt)
            except EOFError:
                raise InputEnded() from None
        self.out.write(prompt)
        self.out.flush()
        line = self.stdin.readline()
        if not line:
            raise InputEnded()
        line = line.rstrip("\r\n")
        if not _isatty(self.stdin):
            self.out.write(line + "\n")  # piped input: echo it so the transcript reads like a session
        return line

    def read_block(self, prompt: str) -> str:
        lines: list[str] = []
        while True:
            try:
                line = self.read_line(prompt if not lines else "... ")
            except InputEnded:
                if lines:
                    break  # the last answer may end at end of input
                raise
            if not nfkc(line):
                break
            lines.append(line)
        return "\n".join(lines)

    def run(self, start: int = 0) -> list[Result]:
        """Ask the questions from number ``start`` (0-based) on: a resumed attempt's earlier
        answers are in ``results`` already."""
        questions = self.section.questions
        self.say(t("quiz.take.intro", self.lang, section=self.section.id,
                   title=self.section.title[self.lang], count=len(questions)), "bold")
        for number, question in enumerate(questions[start:], start + 1):
            self.results.append(self.ask(question, number, len(questions)))
            if self.on_answer:
                self.on_answer(self.results)
        self.review()
        return self.results

    def review(self) -> None:
        """At the end: the questions missed, each with its model answer and explanation."""
        missed = [r for r in self.results if r.verdict.passed is False]
        self.say()
        if not missed:
            self.say(t("quiz.take.review_none", self.lang), "green")
            return
        self.say(t("quiz.take.review", self.lang, count=len(missed)), "bold")
        for r in missed:
            q = r.question
            self.say(f"✘ {q.id}: " + q.prompt[self.lang].strip().split("\n")[0], "red")
            self.say(indent(t("quiz.take.model_answer", self.lang) + " " + model_answer(q, self.lang).strip(), "    "))
            self.say(indent(q.explanation[self.lang], "    "))

    def ask(self, question: Question, number: int, total: int) -> Result:
        lang = self.lang
        self.say()
        header = t("quiz.question_header", lang, number=number, total=total,
                   type=type_label(question, lang), id=question.id)
        self.say(f"── {header} ──", "cyan")
        self.say(question.prompt[lang].rstrip("\n"))
        for line in choice_lines(question, lang):
            self.say(line)
        self.say(style(answer_hint(question, lang), "dim", self.out))
        if question.type in MULTILINE_TYPES:
            self.say(style(t("quiz.take.multiline", lang), "dim", self.out))
        if question.type == "free_text":
            return self.self_assess(question, self.read_answer(question))
        for tries_left in range(RETRIES, -1, -1):
            result = grade(question, self.read_nonempty_answer(question))
            if result.verdict.readable or not tries_left:
                break
            self.say(t("quiz.take.retry", lang, message=result.verdict.message(lang), tries=tries_left), "yellow")
        self.show_verdict(result)
        return result

    def read_nonempty_answer(self, question: Question) -> str:
        """An empty line is a slip of the Enter key: asked again, never graded."""
        while True:
            answer = self.read_answer(question)
            if nfkc(answer):
                return answer
            self.say(t("quiz.take.empty_again", self.lang), "yellow")

    def read_answer(self, question: Question) -> str:
        return self.read_block("> ") if question.type in MULTILINE_TYPES else self.read_line("> ")

    def show_verdict(self, result: Result) -> None:
        lang, question, verdict = self.lang, result.question, result.verdict
        if verdict.passed:
            self.say(t("quiz.take.right", lang), "green")
        else:
            self.say(t("quiz.take.wrong", lang, message=verdict.message(lang)), "red")
            self.say(t("quiz.take.model_answer", lang))
            self.say(indent(model_answer(question, lang), "    "))
        self.say(t("quiz.take.explanation", lang))
        self.say(indent(question.explanation[lang], "    "))

    def self_assess(self, question: Question, text: str) -> Result:
        lang = self.lang
        self.say(t("quiz.take.model_answer", lang))
        self.say(indent(model_answer(question, lang), "    "))
        self.say(t("quiz.take.key_points", lang))
        claimed = []
        if not nfkc(text):
            # Nothing written: there is nothing to tick (the checker agrees: 0 points).
            for line in key_point_lines(question, lang):
                self.say(line)
            self.say(t("quiz.take.free_text_empty", lang, total=len(question.key_points)), "yellow")
        for i, line in enumerate(key_point_lines(question, lang) if nfkc(text) else [], 1):
            self.say(line)
            if self.ask_yes_no(t("quiz.take.covered", lang)):
                claimed.append(i)
        self.say(t("quiz.take.explanation", lang))
        self.say(indent(question.explanation[lang], "    "))
        result = grade(question, {"text": text, "points": claimed})
        self.say(t("quiz.take.self_assessed", lang, claimed=len(claimed), total=len(question.key_points)), "yellow")
        return result

    def ask_yes_no(self, prompt: str) -> bool:
        while True:
            reply = nfkc(self.read_line(f"    {prompt} ")).lower()
            if reply in YES:
                return True
            if reply in NO or reply == "":
                return False
            self.say("    " + t("quiz.take.yes_no", self.lang))


def summary_lines(results: list[Result], lang: str, max_score: float | None = None) -> list[str]:
    """The score line (out of ``max_score`` when given: a whole section's, so a stopped
    attempt shows the one total its saved line shows)."""
    from grader.quiz.grading import totals
    total = totals(results)
    most = total.max_score if max_score is None else max_score
    lines = [t("quiz.score", lang, score=score_text(total.score), max=score_text(most))]
    if total.self_max:
        lines.append(t("quiz.self_score", lang, points=score_text(total.self_points), max=score_text(total.self_max)))
    return lines
