"""What `grader watch` shows: one screen that fits 80×24, or one line per re-grade.

The screen is built with rich, which measures Japanese (full-width) characters as two
cells, so columns stay aligned whatever the language. It holds a progress bar over all
topics, the current topic's failing checks with their hints (cut to fit the terminal),
a panel for the last hint or solution asked for, and the keys.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from grader.check.report import message_text
from grader.grading.engine import Result
from grader.i18n import t


@dataclass
class Board:
    """Every topic's latest results, and what the student is looking at."""

    topics: list[str]
    results: dict[str, list[Result]] = field(default_factory=dict)
    current: str = ""
    note: str = ""  # the last hint or solution asked for
    listing: bool = False  # the `l` key: every topic instead of the current one
    status: str = ""  # what is happening: grading, a file that changed

    def points(self, topic: str) -> tuple[float, float]:
        rows = self.results.get(topic, [])
        return sum(r.points for r in rows), sum(r.max_points for r in rows)

    def passed(self, topic: str) -> bool:
        rows = self.results.get(topic, [])
        return bool(rows) and all(r.passed for r in rows)

    def next_unfinished(self, after: str = "") -> str:
        """The first topic not at full marks after ``after`` (wrapping round); "" when all are."""
        order = self.topics
        start = order.index(after) + 1 if after in order else 0
        for name in order[start:] + order[:start]:
            if not self.passed(name):
                return name
        return ""


def plain_line(topic: str, results: list[Result]) -> str:
    """``TOPIC points/max ✔|✘``: one re-graded topic, for --plain and for pipes."""
    got, total = sum(r.points for r in results), sum(r.max_points for r in results)
    mark = "✔" if results and all(r.passed for r in results) else "✘"
    return f"{topic} {got:g}/{total:g} {mark}"


def screen(board: Board, lang: str, folder: str, width: int, height: int) -> Group:
    """The whole screen for a terminal of ``width`` × ``height`` cells."""
    done = sum(1 for name in board.topics if board.passed(name))
    score = sum(board.points(name)[0] for name in board.topics)
    max_score = sum(board.points(name)[1] for name in board.topics)
    header = Text.assemble((t("learn.watch.title", lang, folder=folder), "bold"), "  ",
                           t("learn.watch.score", lang, score=f"{score:g}", max_score=f"{max_score:g}",
                             done=done, topics=len(board.topics)))
    bar = _bar(done, len(board.topics), max(width - 2, 10))
    keys = Text(t("learn.watch.keys", lang), style="dim")
    lines_left = height - 6  # header, bar, topic line, status, keys, a spare line
    if board.listing:
        body = [topic_list(board, lang, rows=lines_left)]
    else:
        body = [*_current(board, lang, width, lines_left - _height(board.note, width)), *_note(board.note)]
    parts = [header, bar, *body]
    if board.status:
        parts.append(Text(board.status, style="italic"))
    parts.append(keys)
    return Group(*parts)


def _bar(done: int, total: int, width: int) -> Text:
    """Topics at full marks, as a bar of ``width`` cells."""
    filled = round(width * done / total) if total else 0
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "dim"))


def _current(board: Board, lang: str, width: int, room: int) -> list:
    if not board.current:
        return [Text(t("learn.watch.all_done", lang), style="bold green")]
    got, total = board.points(board.current)
    ok = board.passed(board.current)
    title = Text.assemble(("▶ ", "bold"), (board.current, "bold green" if ok else "bold red"),
                          f"  {got:g}/{total:g} ", ("✔" if ok else "✘", "green" if ok else "red"))
    shown: list = [title]
    failing = [r for r in board.results.get(board.current, []) if not r.passed]
    # Checks that fail for one reason (an unfilled blank) are told once, as `grader check` does.
    for text, same in groupby(failing, key=lambda r: message_text(r, lang)):
        checks = ", ".join(r.check for r in same)
        entry = Text.from_markup(f"[red]✘[/] [bold]{escape(checks)}[/]: {escape(text)}")
        need = _height(entry.plain, width)
        if need > room - 1:
            shown.append(Text(t("learn.watch.more", lang, topic=board.current), style="dim"))
            break
        shown.append(entry)
        room -= need
    return shown


def _note(note: str) -> list:
    return [Text(note, style="cyan")] if note else []


def _height(text: str, width: int) -> int:
    """Lines a text takes when wrapped at ``width`` cells (full-width characters count twice)."""
    from rich.cells import cell_len

    if not text:
        return 0
    return sum(max(1, -(-cell_len(line) // max(width, 1))) for line in text.splitlines())


def topic_list(board: Board, lang: str, rows: int = 18) -> Table:
    """Every topic with its points (the `l` key), in as many column pairs as ``rows`` needs."""
    table = Table(show_header=True, box=None, pad_edge=False)
    columns = max(1, -(-len(board.topics) // max(rows, 1)))
    for _ in range(columns):
        table.add_column(t("report.topic", lang), no_wrap=True)
        table.add_column(t("report.points", lang), justify="right", no_wrap=True)
    cells = [_list_cells(board, name) for name in board.topics]
    height = -(-len(cells) // columns)
    for row in range(height):
        line = []
        for column in range(columns):
            index = column * height + row
            line += cells[index] if index < len(cells) else ["", ""]
        table.add_row(*line)
    return table


def _list_cells(board: Board, name: str) -> list[str]:
    got, total = board.points(name)
    style = "green" if board.passed(name) else ("red" if name in board.results else "dim")
    marker = "▶ " if name == board.current else "  "
    return [f"[{style}]{marker}{name}[/]", f"{got:g}/{total:g}  "]
