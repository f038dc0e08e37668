"""What a ``check(...)`` cell shows: an HTML verdict, and the error nbgrader counts.

nbgrader scores an autograder cell by its outputs: an error gives 0, a number as the
cell's value gives that many points (partial credit), anything else full marks. So a
topic with every check failing raises :class:`CheckFailed`; otherwise the cell's value
is a :class:`TopicFeedback`, shown as HTML whose plain-text form is the points — the
CLI's points for the topic, check by check.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from grader.i18n import t

COLORS = {"pass": "#1a7f37", "partial": "#9a6700", "fail": "#cf222e"}
MARKS = {True: "✔", False: "✘"}


@dataclass(frozen=True)
class CheckResult:
    check: str
    passed: bool
    points: float
    max_points: float
    message: dict[str, str]  # lang -> text ("" when there is nothing to say)

    @staticmethod
    def from_json(data: dict) -> "CheckResult":
        messages = {lang: in_notebook_words(text) for lang, text in dict(data.get("message", {})).items()}
        return CheckResult(data["check"], bool(data["passed"]), float(data["points"]),
                           float(data["max_points"]), messages)


# A notebook's student runs no command line: the grader's "grader check X" / "grader hint X"
# become the notebook's own calls.
_COMMANDS = ((re.compile(r"grader check (\w+)(?: --submission \S+)?"), r'check("\1")'),
             (re.compile(r"grader hint (\w+)(?: --all)?"), r'hint("\1")'))


def in_notebook_words(text: str) -> str:
    """A message with every command it names as the notebook's call (check("x"), hint("x"))."""
    for pattern, call in _COMMANDS:
        text = pattern.sub(call, text)
    return text


# Each topic's latest feedback in this kernel: hint() follows its first failing check.
latest: dict[str, "TopicFeedback"] = {}


@dataclass(frozen=True)
class TopicFeedback:
    """One topic's results, as a notebook shows them."""

    topic: str
    results: tuple[CheckResult, ...]
    langs: tuple[str, ...] = ("ja", "en")

    def __post_init__(self) -> None:
        latest[self.topic] = self

    @property
    def points(self) -> float:
        return sum(r.points for r in self.results)

    @property
    def max_points(self) -> float:
        return sum(r.max_points for r in self.results)

    @property
    def status(self) -> str:
        if all(r.passed for r in self.results):
            return "pass"
        return "partial" if self.points > 0 else "fail"

    def verdict(self, lang: str) -> str:
        return t(f"notebook.verdict.{self.status}", lang, topic=self.topic,
                 points=f"{self.points:g}", max_points=f"{self.max_points:g}")

    def first_failure(self, lang: str) -> str:
        failed = next((r for r in self.results if not r.passed), None)
        if failed is None:
            return ""
        text = failed.message.get(lang, "")
        return f"{failed.check}: {text if len(text) <= REASON_LIMIT else text[:REASON_LIMIT] + '…'}"

    def text(self) -> str:
        lines = [" / ".join(self.verdict(lang) for lang in self.langs)]
        for group in self.groups():
            names = ", ".join(r.check for r in group)
            points, max_points = sum(r.points for r in group), sum(r.max_points for r in group)
            lines.append(f"  {MARKS[group[0].passed]} {names} ({points:g}/{max_points:g})")
            lines += [f"      {group[0].message[lang]}" for lang in self.langs if group[0].message.get(lang)]
        return "\n".join(lines)

    def html(self) -> str:
        color = COLORS[self.status]
        verdicts = "".join(f'<div lang="{lang}" class="grader-verdict" style="font-weight:bold;color:{color}">'
                           f"{MARKS[self.status == 'pass']} {_escape(self.verdict(lang))}</div>"
                           for lang in self.langs)
        rows = "".join(self._row(group) for group in self.groups())
        return (f'<div class="grader-check grader-{self.status}" data-topic="{_escape(self.topic)}" '
                f'data-points="{self.points:g}" data-max-points="{self.max_points:g}" '
                f'style="border-left:6px solid {color};padding:4px 12px;margin:4px 0">'
                f'{verdicts}<ul class="grader-checks" style="margin:4px 0;padding-left:1.2em">{rows}</ul></div>')

    def groups(self) -> list[list[CheckResult]]:
        """Neighbouring checks with the same verdict and message, told once (as the CLI does)."""
        grouped: list[list[CheckResult]] = []
        for result in self.results:
            if grouped and (grouped[-1][0].passed, grouped[-1][0].message) == (result.passed, result.message):
                grouped[-1].append(result)
            else:
                grouped.append([result])
        return grouped

    def _row(self, group: list[CheckResult]) -> str:
        passed = group[0].passed
        color = COLORS["pass" if passed else "fail"]
        names = ", ".join(f"<code>{_escape(r.check)}</code>" for r in group)
        points = sum(r.points for r in group)
        max_points = sum(r.max_points for r in group)
        head = f'<span style="color:{color}">{MARKS[passed]}</span> {names} ({points:g}/{max_points:g})'
        # The second language in grey, so that the two read as one message twice.
        notes = "".join(f'<div lang="{lang}" class="grader-message"{_SECOND if i else ""}>'
                        f"{_with_code(group[0].message[lang])}</div>"
                        for i, lang in enumerate(self.langs) if group[0].message.get(lang))
        state = "pass" if passed else "fail"
        checks = _escape(" ".join(r.check for r in group))
        return f'<li class="grader-{state}" data-checks="{checks}">{head}{notes}</li>'

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        # The cell's plain-text value is what nbgrader reads as the cell's score.
        return f"{self.points:g}"


_SECOND = ' style="color:#57606a"'
REASON_LIMIT = 200  # characters of a failing check's message in the error line


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _with_code(text: str) -> str:
    """Escaped text with the grader's `code` spans set in a monospaced font."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _escape(text))


class CheckFailed(AssertionError):
    """Every check of a topic failed. Its traceback is the verdict alone: the grader's
    own frames would tell the student nothing and show how the grading is done."""

    def __init__(self, feedback: TopicFeedback) -> None:
        reasons = " / ".join(feedback.first_failure(lang) for lang in feedback.langs)
        super().__init__(f"{feedback.topic}: {feedback.points:g} / {feedback.max_points:g} — {reasons}")
        self.feedback = feedback

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


class GraderUnavailable(RuntimeError):
    """The grader itself could not run (not the student's fault): said plainly, no internals."""

    def __init__(self, detail: str, langs: tuple[str, ...]) -> None:
        super().__init__(" / ".join(t("notebook.grader_error", lang, detail=detail) for lang in langs))

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]
