"""``grader hint TOPIC [--level N | --all] [--json] [--lang ja|en]``.

Without ``--level`` it shows the next level not yet seen of the first unfinished blank
(a blank still unfilled in the student's folder comes first) and remembers it; ``--level
N`` shows level N of that blank; ``--all`` every level of every blank of the topic.
"""
from __future__ import annotations

import json
from pathlib import Path

from grader.i18n import LANGS, t
from grader.learn.common import EXIT_OK, Parser, load_progress, save_progress, topic_command, usage_error
from grader.learn.ladder import Focus, Step, current_blank, focus_of, ladder_json, next_step
from grader.learn.progress import TopicProgress
from grader.learn.topics import blank_key, topic_blanks


def parser(lang: str) -> Parser:
    p = Parser(prog="grader hint", description="The hints of a topic's blanks, one level at a time.")
    p.add_argument("topic", metavar="TOPIC", help=t("learn.help.topic", lang))
    which = p.add_mutually_exclusive_group()
    which.add_argument("--level", type=int, metavar="N", help="show level N of the current blank")
    which.add_argument("--all", action="store_true", help="show every level of every blank")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--lang", choices=LANGS, default=None, help="language of the text")
    p.add_argument("--submission", default="exercises",
                   help="your exercises folder, to find the blanks still unfilled (default: exercises)")
    return p


def main(argv: list[str]) -> int:
    command = topic_command("hint", parser, argv)
    if isinstance(command, int):
        return command
    args, topic, lang = command
    blanks = topic_blanks(topic)
    folder = Path(args.submission)
    submission = folder if folder.is_dir() else None
    loaded = load_progress(lang)
    entry = loaded.progress.topic(topic)
    if args.all:
        for region in blanks:
            for level in range(1, len(region.hints) + 1):
                entry.see(blank_key(region), level)
        save_progress(loaded, lang)
        print(json.dumps(ladder_json(topic, blanks), ensure_ascii=False) if args.json
              else _all_text(topic, blanks, lang))
        return EXIT_OK
    focus = failing_focus(topic, blanks, submission)
    if args.level is not None:
        region = current_blank(blanks, entry, submission, focus)
        if not 1 <= args.level <= len(region.hints):
            return usage_error("hint", t("learn.bad_level", lang, level=args.level, blank=f"({region.label})",
                                         function=region.qualname, levels=len(region.hints)), lang)
        step: Step | None = Step(region, args.level)
    else:
        step = next_step(blanks, entry, submission, focus)
    if step is None:
        print(json.dumps({"topic": topic, "blank": None}) if args.json
              else t("learn.hint.all_seen", lang, topic=topic))
        return EXIT_OK
    entry.see(blank_key(step.blank), step.level)
    save_progress(loaded, lang)
    print(json.dumps({**_step_json(topic, step), "check": _about_check(focus, step)}, ensure_ascii=False)
          if args.json else _step_text(topic, step, _more_left(blanks, entry), lang, focus))
    return EXIT_OK


def failing_focus(topic: str, blanks: list, submission: Path | None) -> Focus | None:
    """The first failing check of the student's folder for ``topic`` (graded as `grader check`
    grades it) and the function behind it; None without a folder or when nothing fails."""
    if submission is None:
        return None
    from grader.grading.engine import grade
    try:
        results = grade(submission, [topic], sandbox="auto")
    except Exception:  # noqa: BLE001 - a folder that cannot be graded: the ladder in file order
        return None
    return focus_of(results, blanks, submission)


def _about_check(focus: Focus | None, step: Step) -> str | None:
    return focus.check if focus is not None and step.blank.qualname == focus.function else None


def _more_left(blanks: list, entry: TopicProgress) -> bool:
    return next_step(blanks, entry, None) is not None


def _step_json(topic: str, step: Step) -> dict:
    ja, en = step.blank.hints[step.level - 1]
    return {"topic": topic, "blank": f"({step.blank.label})", "id": step.blank.key,
            "function": step.blank.qualname, "level": step.level, "levels": step.levels, "ja": ja, "en": en}


def _step_text(topic: str, step: Step, more: bool, lang: str, focus: Focus | None = None) -> str:
    lines = [t("learn.hint.about_check", lang, topic=topic, check=check, function=step.blank.qualname)
             for check in [_about_check(focus, step)] if check]
    lines += [t("learn.hint.header", lang, topic=topic, blank=f"({step.blank.label})",
                function=step.blank.qualname, level=step.level, levels=step.levels),
              f"  {step.text(lang)}"]
    lines.append(t("learn.hint.more", lang, topic=topic) if more else t("learn.hint.all_seen", lang, topic=topic))
    return "\n".join(lines)


def _all_text(topic: str, blanks: list, lang: str) -> str:
    lines = []
    for region in blanks:
        lines.append(t("learn.hint.all_header", lang, topic=topic, blank=f"({region.label})",
                       function=region.qualname))
        lines += [t("learn.hint.level_line", lang, level=n, text=Step(region, n).text(lang))
                  for n in range(1, len(region.hints) + 1)]
    return "\n".join(lines)
