"""What the learner's commands share: argument errors, topics, and the progress file."""
from __future__ import annotations

import argparse
import sys

from grader.i18n import t
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
