"""``grader check``: grade a submission folder, print a table or the contract's JSON."""
from __future__ import annotations

import argparse
import importlib.util
import math
import os
import sys
from pathlib import Path
from typing import Callable

from grader.grading.defaults import MAX_SEED, valid_seed  # numpy-free, like this module
from grader.i18n import LANGS, lang_from_argv, t

EXIT_PASSED, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2
AfterCheck = Callable[..., None]  # (results, submission, *, record, as_json, lang)
MAX_TIME_LIMIT = 3600.0  # seconds per topic; more is a typo, not a wish


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with our own wording, no usage dump
        raise UsageError(message)


def parser() -> Parser:
    p = Parser(prog="grader check", description="Grade the exercises against the reference.")
    p.add_argument("topics", nargs="*", metavar="TOPIC", help="topics to grade (default: all)")
    p.add_argument("--submission", default="exercises", help="folder laid out like exercises/")
    p.add_argument("--json", action="store_true", help="print the results as one JSON object")
    p.add_argument("--lang", choices=LANGS, default=None, help="language of the messages")
    p.add_argument("--seed", type=int, default=None, help="seed of the generated inputs")
    p.add_argument("--time-limit", type=float, default=None, help="seconds per topic")
    p.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto",
                   help="run the submission inside bubblewrap (auto: where it works, as grader batch does)")
    p.add_argument("--plot", metavar="FILE.png", default=None,
                   help="draw your curves beside the reference's: training's loss and accuracy, "
                        "a failing activation or softmax over an input range")
    p.add_argument("--record", action="store_true",
                   help="record the results in your progress even for a --submission other than ./exercises")
    return p


def main(argv: list[str], after: AfterCheck | None = None) -> int:
    """``grader check ARGV``; ``after`` sees the results once they are printed."""
    from grader.grading.defaults import DEFAULT_SEED, DEFAULT_TIME_LIMIT

    lang = lang_from_argv(argv)
    unavailable: tuple[type[Exception], ...] = ()  # --sandbox none never imports the sandbox's code
    box = None
    try:
        try:
            args = parser().parse_args(argv)
            _check_numbers(args, lang)
            submission = _submission(Path(args.submission), lang)
            time_limit = DEFAULT_TIME_LIMIT if args.time_limit is None else args.time_limit
            if args.sandbox != "none":
                # First of all: the sandbox's Python starts up (and imports numpy) while this
                # one imports the topics, numpy and the reference.
                from grader.grading.sandboxed import SandboxUnavailable, launch
                unavailable = (SandboxUnavailable,)
                try:
                    box = launch(args.sandbox, submission, time_limit)
                except SandboxUnavailable as problem:  # bubblewrap cannot even start here
                    print(t("cli.no_sandbox", lang, problem=problem), file=sys.stderr)
                    return EXIT_UNUSABLE
            topics = _topics(args.topics, lang)
            plot = _plot_file(args.plot, lang)
        except UsageError as problem:
            print(t("cli.usage_error", lang, problem=problem), file=sys.stderr)
            return EXIT_UNUSABLE
        lang = args.lang or lang
        if plot is not None:
            from grader.judging import curves
            curves.request(plot)
        from grader.boundary.limits import single_threaded
        os.environ.update(single_threaded())  # before numpy: 14–21 ms off a check (measured)
        from grader.grading.engine import grade
        import numpy.random  # noqa: F401 - both sides draw from it: imported once, before the fork
    except BaseException:
        if box is not None:
            box.close()  # never graded: no server or staging folder outlives the command
        raise
    notes: list = []  # what the staging left out (links, FIFOs, files over a limit)
    try:
        results = grade(submission, topics, seed=DEFAULT_SEED if args.seed is None else args.seed,
                        time_limit=time_limit, sandbox=box, notes=notes)
    except unavailable as problem:
        print(t("cli.no_sandbox", lang, problem=problem), file=sys.stderr)
        return EXIT_UNUSABLE
    except OSError as problem:  # the folder could not be read to be staged
        print(t("cli.unreadable_submission", lang, folder=args.submission,
                problem=problem.strerror or problem), file=sys.stderr)
        return EXIT_UNUSABLE
    for key, fields in notes:  # on stderr: stdout may be holding the JSON
        print(t(key, lang, **fields), file=sys.stderr)
    from grader.boundary.isolation import of_run
    isolation = of_run(sandboxed=box is not None and box.started)
    if args.json:
        from grader.check.report import as_json
        print(as_json(results, lang, dict(isolation)))
    else:
        from grader.check.report import print_table
        print_table(results, lang, str(args.submission), dict(isolation))
    if plot is not None:
        _write_plot(plot, lang)
    if after is not None:  # the learner's loop: progress and the next-hint line (grader/learn/)
        after(results, submission, record=args.record, as_json=args.json, lang=lang)
    return EXIT_PASSED if all(r.passed for r in results) else EXIT_FAILED




def _check_numbers(args: argparse.Namespace, lang: str) -> None:
    """A seed numpy can use and a time limit that is a real number of seconds."""
    if not valid_seed(args.seed):
        raise UsageError(t("cli.bad_seed", lang, value=args.seed, most=MAX_SEED))
    if args.time_limit is not None and not (math.isfinite(args.time_limit)
                                            and 0 < args.time_limit <= MAX_TIME_LIMIT):
        raise UsageError(t("cli.bad_time_limit", lang, value=args.time_limit, most=f"{MAX_TIME_LIMIT:g}"))


def _topics(names: list[str], lang: str) -> list[str]:
    from grader.topics.registry import names as topic_names  # after the sandbox's launch

    for name in names:
        if name not in topic_names():
            raise UsageError(t("cli.unknown_topic", lang, topic=name, topics=", ".join(topic_names())))
    chosen = names or list(topic_names())
    return list(dict.fromkeys(chosen))


def _plot_file(name: str | None, lang: str) -> Path | None:
    if name is None:
        return None
    path = Path(name)
    if path.suffix.lower() != ".png":
        raise UsageError(t("cli.plot_not_png", lang, file=name))
    if importlib.util.find_spec("matplotlib") is None:  # the `plots` extra: said before any grading
        raise UsageError(t("cli.plot_needs_matplotlib", lang))
    if not path.parent.is_dir():
        raise UsageError(t("cli.no_folder", lang, folder=path.parent))
    try:
        unwritable = path.is_dir() or not os.access(path.parent, os.W_OK)
    except OSError:  # e.g. a name longer than the file system allows: said when writing
        unwritable = False
    if unwritable:
        raise UsageError(t("cli.plot_unwritable", lang, file=name))
    return path


def _write_plot(path: Path, lang: str) -> None:
    """The picture, and a line on stderr saying so (stdout may be holding the JSON)."""
    from grader.check import plots
    try:
        written = plots.write()
    except OSError as problem:  # the grades stand; only the picture is lost
        print(t("cli.plot_failed", lang, file=path, problem=problem.strerror or problem), file=sys.stderr)
        return
    key = "cli.plot_written" if written else "cli.plot_nothing"
    print(t(key, lang, file=path), file=sys.stderr)


def _submission(folder: Path, lang: str) -> Path:
    if not folder.is_dir() and folder == Path("exercises") and _inside_exercises(Path.cwd()):
        return Path.cwd()  # run inside exercises/ itself: that is the folder meant
    if not folder.is_dir():
        raise UsageError(t("cli.no_folder", lang, folder=folder))
    return folder


def _inside_exercises(here: Path) -> bool:
    """The working folder is an exercises folder: it holds the course's modules."""
    from grader.topics.registry import topics
    return any((here / f"{topic.module}.py").is_file() for topic in topics())
