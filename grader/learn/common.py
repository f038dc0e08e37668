"""What the learner's commands share: argument errors, topics, and the progress file."""
from __future__ import annotations

import argparse
import sys
from typing import Callable

from grader.i18n import lang_from_argv, t
from grader.learn import progress
from grader.learn.topics import SOLUTIONS, topic_names

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with our own wording, no usage dump
        raise UsageError(message)


def usage_error(command: str, problem: object, lang: str) -> int:
    print(t("learn.usage_error", lang, command=command, problem=problem), file=sys.stderr)
    return EXIT_UNUSABLE


def topic_command(command: str, parser: Callable[[str], Parser],
                  argv: list[str]) -> tuple[argparse.Namespace, str, str] | int:
    """A learner's command on one topic: its arguments, the topic and the language, or the
    exit status of a usage error (said on stderr)."""
    lang = lang_from_argv(argv)
    try:
        args = parser(lang).parse_args(argv)
        topic = check_topic(args.topic, lang)
    except UsageError as problem:
        return usage_error(command, problem, lang)
    return args, topic, args.lang or lang


def check_topic(name: str, lang: str) -> str:
    if name not in topic_names():
        raise UsageError(t("cli.unknown_topic", lang, topic=name, topics=", ".join(topic_names())))
    if not SOLUTIONS.is_dir():
        raise UsageError(t("learn.no_solutions", lang, folder=SOLUTIONS))
    return name


def load_progress(lang: str) -> progress.Loaded:
    """The progress, after telling the user (on stderr) about a file that was set aside."""
    loaded = progress.load()
    for notice in loaded.notices:
        print(t(notice.key, lang, **notice.fields), file=sys.stderr)
    return loaded


def save_progress(loaded: progress.Loaded, lang: str) -> None:
    """Saves unless the file on disk must be left alone; a failure is said, not raised."""
    if not loaded.writable:
        return
    try:
        progress.save(loaded.progress)
    except progress.ProgressError as exc:
        print(t("learn.progress.write_failed", lang, path=exc.path, detail=exc.detail), file=sys.stderr)
