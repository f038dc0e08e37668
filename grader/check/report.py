"""What the student reads: the JSON of the contract, or a table in the terminal."""
from __future__ import annotations

import json
from itertools import groupby

from typing import Any

from grader.grading.engine import Result
from grader.i18n import t


def message_text(result: Result, lang: str) -> str:
    return " ".join(t(key, lang, **fields) for key, fields in result.messages)


def as_json(results: list[Result], lang: str, isolation: dict[str, Any] | None = None) -> str:
    """The contract's JSON; with ``isolation``, what isolation the run had (its own key)."""
    extra = {"isolation": isolation} if isolation is not None else {}
    return json.dumps({
        "score": float(sum(r.points for r in results)),
        "max_score": float(sum(r.max_points for r in results)),
        "results": [{"topic": r.topic, "check": r.check, "passed": r.passed,
                     "points": float(r.points), "max_points": float(r.max_points),
                     "message": message_text(r, lang)} for r in results],
        **extra,
    }, ensure_ascii=False)


def print_table(results: list[Result], lang: str, submission: str,
                isolation: dict[str, Any] | None = None) -> None:
    """A row per topic with its points, then every failed check with its full message."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(title=t("report.title", lang, submission=submission))
    table.add_column(t("report.topic", lang), no_wrap=True)
    table.add_column(t("report.points", lang), justify="right", no_wrap=True)
    table.add_column(t("report.checks", lang), no_wrap=True)
    failed = []
    for topic, rows in groupby(results, key=lambda r: r.topic):
        rows = list(rows)
        got, total = sum(r.points for r in rows), sum(r.max_points for r in rows)
        style = "green" if all(r.passed for r in rows) else "red"
        marks = "".join("[green]✔[/]" if r.passed else "[red]✘[/]" for r in rows)
        table.add_row(f"[{style}]{topic}[/]", f"{_points(got)}/{_points(total)}", marks)
        failed += [r for r in rows if not r.passed]
    console.print(table)
    # Checks of one topic that fail for the same reason (an unfilled blank) are told once.
    for (topic, text), same_reason in groupby(failed, key=lambda r: (r.topic, message_text(r, lang))):
        checks = ", ".join(r.check for r in same_reason)
        console.print(f"[red]✘[/] [bold]{topic} › {checks}[/]")
        console.print("  " + _escape(text))
    notes = [r for r in results if r.passed and r.messages]
    for r in notes:
        console.print(f"[yellow]![/] [bold]{r.topic} › {r.check}[/]: " + _escape(message_text(r, lang)))
    score, max_score = sum(r.points for r in results), sum(r.max_points for r in results)
    if not failed:
        console.print(t("report.all_passed", lang, score=_points(score), max_score=_points(max_score)),
                      style="bold green")
    else:
        topics = list(dict.fromkeys(r.topic for r in failed))
        console.print(t("report.summary", lang, score=_points(score), max_score=_points(max_score),
                        topics=", ".join(topics)), style="bold")
    if isolation is not None:
        console.print(isolation_line(isolation, lang), style="dim")


def isolation_line(isolation: dict[str, Any], lang: str) -> str:
    """The table's footer: the sandbox, how the child started, the limits it had."""
    limits = ", ".join(t(f"report.limit.{name}", lang) for name in isolation["limits"])
    return t("report.isolation", lang, sandbox=t(f"report.sandbox.{isolation['sandbox']}", lang),
             child=t(f"report.child.{isolation['child']}", lang), limits=limits)


def _points(value: float) -> str:
    return f"{value:g}"


def _escape(text: str) -> str:
    from rich.markup import escape
    return escape(text)
