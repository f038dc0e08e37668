"""``show_quiz("day1-s3")`` in a notebook: a section's questions, and typed answers checked.

    show_quiz("day1-s3")                                   # the questions, in ja and en
    show_quiz("day1-s3", {"d1s3-q1": "2", "d1s3-q4": "np.exp(x) / np.sum(np.exp(x))"})

Answers are graded by the same checkers as ``grader quiz check`` (grader.quiz.grading);
free-text answers are self-assessed against the model answer's key points, as there.
A quiz is practice: it is shown, never raised, and counts in no nbgrader score.
"""
from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from grader.i18n import LANGS, t
from grader.quiz.grading import Result, grade_all, totals
from grader.quiz.loader import load_sections
from grader.quiz.model import Question, Section
from grader.quiz.render import answer_hint, model_answer, score_text, type_label

COLORS = {True: "#1a7f37", False: "#cf222e", None: "#9a6700"}
MARKS = {True: "✔", False: "✘", None: "?"}


def show_quiz(section: str, answers: Mapping[str, Any] | None = None, lang: str | None = None) -> "QuizView":
    """The section's questions; with ``answers`` (question id → answer), each one checked."""
    langs = (lang,) if lang in LANGS else ("ja", "en")
    sections = load_sections()
    found = next((s for s in sections if s.id == section), None)
    if found is None:
        known = ", ".join(s.id for s in sections)
        raise ValueError(" / ".join(t("notebook.quiz.unknown_section", code, section=section, known=known)
                                    for code in langs))
    results = None
    if answers is not None:
        results = grade_all([(q, answers.get(q.id)) for q in found.questions])
    unknown = sorted(set(answers or {}) - {q.id for q in found.questions})
    return QuizView(found, tuple(results) if results is not None else None, langs, tuple(unknown))


@dataclass(frozen=True)
class QuizView:
    section: Section
    results: tuple[Result, ...] | None
    langs: tuple[str, ...]
    unknown: tuple[str, ...] = ()

    def html(self) -> str:
        title = "".join(f'<div lang="{lang}" style="font-weight:bold;font-size:1.1em">{_text(self.section.title[lang])}</div>'
                        for lang in self.langs)
        results = {r.question.id: r for r in self.results or ()}
        items = "".join(self._question(q, results.get(q.id)) for q in self.section.questions)
        return (f'<div class="grader-quiz" data-section="{_esc(self.section.id)}" '
                f'style="border-left:6px solid #0969da;padding:4px 12px;margin:4px 0">'
                f"{title}{self._summary()}<ol>{items}</ol>{self._footer()}</div>")

    def _summary(self) -> str:
        if self.results is None:
            return ""
        total = totals(list(self.results))
        text = " / ".join(t("notebook.quiz.score", lang, score=score_text(total.score),
                            max_score=score_text(total.max_score)) for lang in self.langs)
        return f'<div class="grader-quiz-score" style="font-weight:bold;color:{COLORS[total.all_right]}">{_esc(text)}</div>'

    def _question(self, question: Question, result: Result | None) -> str:
        kind = " / ".join(type_label(question, lang) for lang in self.langs)
        parts = [f"<div><code>{_esc(question.id)}</code> · {_esc(kind)} · {score_text(question.points)}</div>"]
        parts += [f'<div lang="{lang}">{_text(question.prompt[lang])}</div>' for lang in self.langs]
        if question.choices:
            choices = "".join("<li>" + f"{_esc(c.key)}) " + " / ".join(_text(c.text[lang]) for lang in self.langs)
                              + "</li>" for c in question.choices)
            parts.append(f'<ul style="list-style:none">{choices}</ul>')
        if result is None:
            parts += [f'<div lang="{lang}" style="color:#57606a">{_text(answer_hint(question, lang))}</div>'
                      for lang in self.langs]
        else:
            parts.append(self._verdict(result))
        state = "" if result is None else {True: "grader-pass", False: "grader-fail", None: "grader-self"}[result.verdict.passed]
        return f'<li class="grader-question {state}" data-question="{_esc(question.id)}">{"".join(parts)}</li>'

    def _verdict(self, result: Result) -> str:
        verdict, question = result.verdict, result.question
        color = COLORS[verdict.passed]
        points = f"{score_text(verdict.points)}/{score_text(verdict.max_points)}"
        lines = [f'<div style="color:{color};font-weight:bold">{MARKS[verdict.passed]} {points}</div>']
        lines += [f'<div lang="{lang}" class="grader-message">{_text(verdict.message(lang))}</div>'
                  for lang in self.langs if verdict.message(lang)]
        if verdict.passed is not True:  # the model answer and why, once the student has tried
            for lang in self.langs:
                lines.append(f'<div lang="{lang}"><b>{_esc(t("quiz.take.model_answer", lang))}</b> '
                             f"{_text(model_answer(question, lang))}</div>")
            for lang in self.langs:
                if question.key_points:
                    points_list = "".join(f"<li>{_text(p[lang])}</li>" for p in question.key_points)
                    lines.append(f'<div lang="{lang}"><b>{_esc(t("quiz.take.key_points", lang))}</b>'
                                 f"<ol>{points_list}</ol></div>")
                lines.append(f'<div lang="{lang}"><b>{_esc(t("quiz.take.explanation", lang))}</b> '
                             f"{_text(question.explanation[lang])}</div>")
        return "".join(lines)

    def _footer(self) -> str:
        notes = []
        if self.results is None:
            example = ", ".join(f'"{q.id}": ...' for q in self.section.questions[:2])
            notes += [_text(t("notebook.quiz.usage", lang, call=f'show_quiz("{self.section.id}", {{{example}}})'))
                      for lang in self.langs]
        if self.unknown:
            notes += [_esc(t("notebook.quiz.unknown_ids", lang, ids=", ".join(self.unknown))) for lang in self.langs]
        return "".join(f'<div style="color:#57606a">{note}</div>' for note in notes)

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        if self.results is None:
            return f"<quiz {self.section.id}: {len(self.section.questions)} questions>"
        total = totals(list(self.results))
        return f"<quiz {self.section.id}: {score_text(total.score)}/{score_text(total.max_score)}>"


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def _text(text: str) -> str:
    """Escaped text, line breaks kept, `code` in a monospaced font."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _esc(text)).replace("\n", "<br>")
