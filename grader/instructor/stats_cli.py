"""``grader stats GRADES [--html FILE] [--json]``: the item analysis of a class.

GRADES is ``grader batch``'s ``--out`` folder (or its ``results.json``), a course's
``.grader/ASSIGNMENT/grades`` folder written by ``grader autograde``, or a course's
``gradebook.db`` (grade-cell level only). See :mod:`grader.instructor.stats`.

Exit status: 0 done, 2 unusable input (nothing written).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grader.i18n import LANGS, lang_from_argv, t
from grader.instructor.stats import StatsProblem, analyse, read_results

EXIT_OK, EXIT_UNUSABLE = 0, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        raise StatsProblem("instructor.usage_error", problem=message)


def parser(lang: str) -> argparse.ArgumentParser:
    p = _Parser(prog="grader stats", description=t("stats.description", lang))
    p.add_argument("grades", type=Path, metavar="GRADES", help=t("stats.help_grades", lang))
    p.add_argument("--html", type=Path, default=None, metavar="FILE", help=t("stats.help_html", lang))
    p.add_argument("--json", action="store_true", help=t("stats.help_json", lang))
    p.add_argument("--lang", choices=LANGS, default=None)
    return p


def write_atomically(path: Path, text: str) -> None:
    """The page appears whole or not at all."""
    import os

    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise StatsProblem("stats.cannot_write", path=path, problem=exc.strerror or str(exc)) from None


def main(argv: list[str]) -> int:
    lang = lang_from_argv(argv)
    try:
        args = parser(lang).parse_args(argv)
        lang = args.lang or lang
        if args.html is not None and not args.html.parent.is_dir():
            raise StatsProblem("stats.cannot_write", path=args.html, problem="no such folder")
        stats = analyse(read_results(args.grades))
        if args.html is not None:
            from grader.instructor.stats_page import html_page

            write_atomically(args.html, html_page(stats))
        if args.json:
            print(json.dumps(stats, ensure_ascii=False, indent=1))
        else:
            from grader.instructor.stats_page import print_report

            print_report(stats, lang)
            if args.html is not None:
                print(t("stats.wrote_html", lang, path=args.html))
    except StatsProblem as problem:
        print(t("instructor.error", lang, problem=t(problem.key, lang, **problem.fields)), file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:
        return EXIT_OK
    return EXIT_OK
