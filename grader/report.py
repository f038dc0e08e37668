"""What the student reads: the JSON of the contract, or a table in the terminal."""
from __future__ import annotations

import json
from itertools import groupby

from grader.engine import Result
from grader.i18n import t


def message_text(result: Result, lang: str) -> str:
    return " ".join(t(key, lang, **fields) for key, fields in result.messages)


def as_json(results: list[Result], lang: str) -> str:
    return json.dumps({
        "score": float(sum(r.points for r in results)),
        "max_score": float(sum(r.max_points for r in results)),
        "results": [{"topic": r.topic, "check": r.check, "passed": r.passed,
                     "points": float(r.points), "max_points": float(r.max_points),
                     "message": message_text(r, lang)} for r in results],
    }, ensure_ascii=False)


def print_table(results: list[Result], lang: str, submission: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(title=t("report.title", lang, submission=submission), show_lines=False,
                  expand=True)
    table.add_column(t("report.topic", lang), style="bold", no_wrap=True)
    table.add_column(t("report.check", lang), no_wrap=True)
    table.add_column(t("report.points", lang), justify="right", no_wrap=True)
    table.add_column(t("report.feedback", lang), ratio=1)
    for topic, rows in groupby(results, key=lambda r: r.topic):
        rows = list(rows)
        got, total = sum(r.points for r in rows), sum(r.max_points for r in rows)
        style = "green" if got == total else "red"
        for i, r in enumerate(rows):
            mark = "[green]✔[/]" if r.passed else "[red]✘[/]"
            table.add_row(f"[{style}]{topic}[/] {_points(got)}/{_points(total)}" if i == 0 else "",
                          f"{mark} {r.check}", f"{_points(r.points)}/{_points(r.max_points)}",
                          _escape(message_text(r, lang)), end_section=i == len(rows) - 1)
    console.print(table)
    score, max_score = sum(r.points for r in results), sum(r.max_points for r in results)
    if all(r.passed for r in results):
        console.print(t("report.all_passed", lang, score=_points(score), max_score=_points(max_score)), style="bold green")
    else:
        failed = sorted({r.topic for r in results if not r.passed}, key=[r.topic for r in results].index)
        console.print(t("report.summary", lang, score=_points(score), max_score=_points(max_score),
                        topics=", ".join(failed)), style="bold")


def _points(value: float) -> str:
    return f"{value:g}"


def _escape(text: str) -> str:
    from rich.markup import escape
    return escape(text)
