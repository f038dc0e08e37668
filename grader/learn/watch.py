"""``grader watch``: re-grade on every save, the topic being edited first.

One loop takes events from two threads — the file watcher (watchfiles) and the keys
(h: next hint level, n: next unfinished topic, l: list, s: solution once passed, q:
quit) — and re-grades through a warm forking server (:mod:`grader.grading.warm`), so a
re-grade costs a fork and the saved module's checks. A syntax error or an unfilled blank
is feedback like any other; a topic that hangs is ended by its time limit and the watch
goes on. Without a terminal (or with ``--plain``) it prints one line per re-graded topic.
"""
from __future__ import annotations

import argparse
import queue
import shutil
import sys
import threading
from pathlib import Path

from grader.i18n import LANGS, lang_from_argv, t
from grader.grading.defaults import DEFAULT_TIME_LIMIT  # the one grader check uses
from grader.learn.changes import watch_files
from grader.learn.common import EXIT_OK, EXIT_UNUSABLE, Parser, UsageError
from grader.learn.keys import key_reader
from grader.learn.watch_screen import Board, plain_line, screen
from grader.topics import registry

QUIT = "q"


def parser() -> Parser:
    p = Parser(prog="grader watch", description="Re-grade the exercises whenever a file is saved.")
    p.add_argument("--submission", default="exercises", help="the folder to watch (default: exercises)")
    p.add_argument("--plain", action="store_true", help="one line per re-graded topic, no screen")
    p.add_argument("--lang", choices=LANGS, default=None)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, help="seconds per topic")
    p.add_argument("--record", action="store_true", help="record progress for a folder other than ./exercises")
    return p


def main(argv: list[str]) -> int:
    lang = lang_from_argv(argv)
    try:
        args = parser().parse_args(argv)
        folder = Path(args.submission)
        if not folder.is_dir():
            raise UsageError(t("cli.no_folder", lang, folder=folder))
        from grader.grading.defaults import MAX_SEED, valid_seed
        if not valid_seed(args.seed):
            raise UsageError(t("cli.bad_seed", lang, value=args.seed, most=MAX_SEED))
        if not 0 < args.time_limit <= 3600:
            raise UsageError(t("cli.bad_time_limit", lang, value=args.time_limit, most="3600"))
    except UsageError as problem:
        print(t("learn.watch.usage_error", lang, problem=problem), file=sys.stderr)
        return EXIT_UNUSABLE
    lang = args.lang or lang
    plain = args.plain or not sys.stdout.isatty()
    from grader.learn.check_hook import is_own_folder
    watch = Watch(folder.resolve(), lang, plain, args, record=args.record or is_own_folder(folder))
    try:
        return watch.run()
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        watch.close()


class Watch:
    def __init__(self, folder: Path, lang: str, plain: bool, args: argparse.Namespace, record: bool) -> None:
        from grader.grading.engine import DEFAULT_SEED
        from grader.grading.warm import grader_for

        self.folder, self.lang, self.plain, self.record = folder, lang, plain, record
        self.board = Board(list(registry.names()))
        self.events: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.grader = grader_for(folder, self.board.topics, DEFAULT_SEED if args.seed is None else args.seed,
                                 args.time_limit)
        self.keys = key_reader(self.events, self.stop) if not plain and sys.stdin.isatty() else None
        self.notices: list[str] = []  # how this system makes the watch work otherwise (said at start)
        if self.keys is not None and self.keys.line_mode:
            self.notices.append(t("learn.watch.keys_by_line", lang))

    def run(self) -> int:
        # Watching starts before the first grading: a save made while it runs is not lost.
        polling = t("learn.watch.polling", self.lang)
        threading.Thread(target=watch_files, args=(self.folder, self.events, self.stop, lambda: self.notice(polling)),
                         daemon=True).start()
        self.regrade(self.board.topics)
        self.board.current = self.board.next_unfinished()
        self.board.status = " ".join(self.notices)
        self.show()
        if self.keys:
            self.keys.start()
        while True:
            kind, value = self.events.get()
            if kind == "key" and value == QUIT or kind == "end":
                return EXIT_OK
            if kind == "key":
                self.on_key(value)
            elif kind == "saved":
                self.on_save(value)
            self.show()

    # -- what happens -------------------------------------------------------------------

    def on_save(self, modules: set[str]) -> None:
        topics = topics_of(modules, self.board.topics)
        if not topics:
            return
        # The topic being edited first: the current one when the save is about it.
        topics.sort(key=lambda name: name != self.board.current)
        self.board.status = t("learn.watch.grading", self.lang, modules=", ".join(sorted(modules)))
        self.show()
        self.board.status = ""
        self.board.note = ""
        passed_before = self.board.passed(self.board.current)
        self.regrade(topics)
        if self.board.current in topics and self.board.passed(self.board.current) and not passed_before:
            # The topic being worked on passes now: its moment (s shows its model code);
            # moving on is the learner's key (n), not automatic.
            got, total = self.board.points(self.board.current)
            self.board.note = t("learn.watch.passed", self.lang, topic=self.board.current,
                                points=f"{got:g}/{total:g}")
        elif self.board.current not in topics or self.board.passed(self.board.current):
            # Show what is being edited: the saved module's first unfinished topic, else the
            # next unfinished one in the course's order.
            own = [n for n in topics if registry.about(n).module in modules]
            self.board.current = (next((n for n in own if not self.board.passed(n)), "")
                                  or self.board.next_unfinished(own[-1] if own else self.board.current))

    def on_key(self, key: str) -> None:
        self.board.listing = key == "l" and not self.board.listing
        if key == "n":
            self.board.current = self.board.next_unfinished(self.board.current)
            self.board.note = ""
        elif key == "h" and self.board.current:
            self.board.note = next_hint(self.board.current, self.folder, self.lang,
                                        self.board.results.get(self.board.current, []))
        elif key == "s" and self.board.current:
            self.board.note = solution_once_passed(self.board, self.lang)

    def regrade(self, topics: list[str]) -> None:
        for name in topics:  # one topic at a time: the first answer comes soonest
            results = self.grader.grade([name])
            self.board.results[name] = results
            if self.plain:
                print(plain_line(name, results), flush=True)
            if self.record:
                from grader.learn.check_hook import record_results
                record_results(results, self.lang)

    def notice(self, text: str) -> None:
        """A way this system works otherwise, said once (on stderr with --plain)."""
        self.notices.append(text)
        if self.plain:
            print(text, file=sys.stderr, flush=True)

    def show(self) -> None:
        if self.plain:
            return
        from rich.console import Console

        size = shutil.get_terminal_size((80, 24))
        console = Console(width=size.columns, height=size.lines, highlight=False)
        console.clear()
        console.print(screen(self.board, self.lang, str(self.folder.name), size.columns, size.lines))

    def close(self) -> None:
        self.stop.set()
        if self.keys:
            self.keys.restore()
        self.grader.close()


def topics_of(modules: set[str], topics: list[str]) -> list[str]:
    """The topics a save of ``modules`` can change: theirs, and the integrations that call them."""
    defined = registry.defined_names()
    chosen = []
    for name in topics:
        about = registry.about(name)
        if about.module in modules or any(defined.get(f) in modules for f in about.uses):
            chosen.append(name)
    return chosen


def next_hint(topic: str, folder: Path, lang: str, results: list | None = None) -> str:
    """The next unseen level of the blank behind the topic's first failing check (its latest
    ``results``), else of its first unfinished blank, remembered like `grader hint`."""
    from grader.learn.common import load_progress, save_progress
    from grader.learn.ladder import focus_of, next_step
    from grader.learn.topics import blank_key, topic_blanks

    blanks = topic_blanks(topic)
    loaded = load_progress(lang)
    entry = loaded.progress.topic(topic)
    focus = focus_of(results or [], blanks, folder)
    step = next_step(blanks, entry, folder, focus)
    if step is None:
        return t("learn.hint.all_seen", lang, topic=topic)
    entry.see(blank_key(step.blank), step.level)
    save_progress(loaded, lang)
    about = [t("learn.hint.about_check", lang, topic=topic, check=focus.check, function=step.blank.qualname)
             ] if focus is not None and step.blank.qualname == focus.function else []
    return "\n".join([*about, t("learn.hint.header", lang, topic=topic, blank=f"({step.blank.label})",
                                 function=step.blank.qualname, level=step.level, levels=step.levels),
                       "  " + step.text(lang)])


def solution_once_passed(board: Board, lang: str) -> str:
    from grader.learn.solution_cli import solution_text
    from grader.learn.topics import topic_blanks

    if not board.passed(board.current):
        return t("learn.watch.solution_locked", lang, topic=board.current)
    return solution_text(board.current, topic_blanks(board.current), lang)
