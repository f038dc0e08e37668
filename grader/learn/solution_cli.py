"""``grader solution TOPIC [--anyway]``: the model code of a topic's blanks.

Shown once the topic passed in the student's own last recorded ``grader check``; before
that, exit 1 with a sentence saying why and how to get a hint. ``--anyway`` shows it
regardless and records that it was seen (``grader status`` shows it).
"""
from __future__ import annotations

import sys
import textwrap

from grader.authoring.blanks import BlankRegion
from grader.i18n import LANGS, t
from grader.learn.common import EXIT_FAILED, EXIT_OK, Parser, load_progress, save_progress, topic_command
from grader.learn.progress import TopicProgress
from grader.learn.topics import topic_blanks


def parser(lang: str) -> Parser:
    p = Parser(prog="grader solution", description="The model code of a topic's blanks, after it passed.")
    p.add_argument("topic", metavar="TOPIC", help=t("learn.help.topic", lang))
    p.add_argument("--anyway", action="store_true", help="show it before the topic passed (recorded)")
    p.add_argument("--lang", choices=LANGS, default=None, help="language of the text")
    return p


def main(argv: list[str]) -> int:
    command = topic_command("solution", parser, argv)
    if isinstance(command, int):
        return command
    args, topic, lang = command
    loaded = load_progress(lang)
    entry = loaded.progress.topic(topic)
    passed = entry.last_passed
    if not passed and not args.anyway:
        print(_locked(topic, entry, lang), file=sys.stderr)
        return EXIT_FAILED
    print(solution_text(topic, topic_blanks(topic), lang))
    entry.solution_viewed = True
    save_progress(loaded, lang)
    if not passed:
        print(t("learn.solution.recorded", lang, topic=topic), file=sys.stderr)
    return EXIT_OK


def _locked(topic: str, entry: TopicProgress, lang: str) -> str:
    if entry.last_points is None:
        return t("learn.solution.locked_unchecked", lang, topic=topic)
    return t("learn.solution.locked_failed", lang, topic=topic, points=f"{entry.last_points:g}",
             max_points=f"{entry.max_points:g}")


def solution_text(topic: str, blanks: list[BlankRegion], lang: str) -> str:
    parts = []
    for region in blanks:
        code = textwrap.indent(textwrap.dedent("\n".join(region.solution)), "    ")
        parts.append(t("learn.solution.header", lang, topic=topic, blank=f"({region.label})",
                       function=region.qualname) + "\n" + code)
    return "\n\n".join(parts)
