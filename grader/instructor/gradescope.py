"""``grader gradescope build OUT.zip [--topics TOPIC ...]``: a Gradescope autograder bundle.

Gradescope runs one container per submission on its own machines: the course's answer
for a class that outgrows one machine. The bundle holds

* ``setup.sh`` — run once when Gradescope builds the image: installs bubblewrap (when the
  image's apt has it) and the pinned dependencies from ``requirements.txt``;
* ``run_autograder`` — run per submission: grades ``$AUTOGRADER_ROOT/submission`` (default
  ``/autograder``) into ``$AUTOGRADER_ROOT/results/results.json``
  (:mod:`grader.instructor.gradescope_run`);
* ``requirements.txt`` — what grading imports, pinned to the versions of this environment;
* the ``grader`` package and ``reference/`` (the oracle; made unreadable to the unprivileged
  user the student's code runs as), and ``grader-gradescope.json`` (the topics graded).

The solutions are never in it. Exit status: 0 written, 2 bad arguments (nothing written).
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import stat
import sys
import zipfile
from pathlib import Path

from grader.i18n import LANGS, lang_from_argv, t
from grader.instructor.gradescope_run import CONFIG

PROJECT = Path(__file__).resolve().parents[2]
RUNTIME = ("numpy", "pyyaml", "rich")  # what `grader batch` imports on the grading path
EXIT_OK, EXIT_USAGE = 0, 2

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
cd "$(dirname "$0")"
if command -v apt-get >/dev/null; then
  # bubblewrap: a sandbox per submission where the container allows user namespaces.
  (apt-get update -qq && apt-get install -y -qq bubblewrap) || echo "bubblewrap not installed; limits only"
fi
python3 -m pip install --no-cache-dir -r requirements.txt
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission (as root, in a fresh container).
# AUTOGRADER_ROOT: where submission/, source/ and results/ are (Gradescope: /autograder).
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
# The oracle is for the grader's process only: the student's code runs as another user.
chmod -R go-rwx "$SOURCE/reference" 2>/dev/null || true
export PYTHONPATH="$SOURCE${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1
cd "$SOURCE"
exec "${GRADER_PYTHON:-python3}" -m grader.instructor.gradescope_run "$ROOT"
"""


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        raise _Usage(message)


def requirements() -> str:
    """Each runtime dependency pinned to the version installed here (the tested one)."""
    lines = []
    for name in RUNTIME:
        try:
            lines.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            lines.append(name)
    return "\n".join(lines) + "\n"


def _package_files() -> list[Path]:
    """The grader's and the reference's source files, never caches or the solutions."""
    files = []
    for top in ("grader", "reference"):
        for path in sorted((PROJECT / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".yaml", ".json"):
                files.append(path)
    return files


def _add(bundle: zipfile.ZipFile, name: str, text: str, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, text)


def build(out: Path, topics: list[str] | None) -> list[str]:
    """Writes the bundle (atomically); the names it holds."""
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with zipfile.ZipFile(temporary, "w") as bundle:
            _add(bundle, "setup.sh", SETUP_SH, executable=True)
            _add(bundle, "run_autograder", RUN_AUTOGRADER, executable=True)
            _add(bundle, "requirements.txt", requirements())
            _add(bundle, CONFIG, json.dumps({"topics": topics or []}, indent=1) + "\n")
            for path in _package_files():
                _add(bundle, str(path.relative_to(PROJECT)), path.read_text(encoding="utf-8"))
            names = bundle.namelist()
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return names


def main(argv: list[str]) -> int:
    lang = lang_from_argv(argv)
    p = _Parser(prog="grader gradescope", description=t("gradescope.description", lang))
    p.add_argument("--lang", choices=LANGS, default=None)
    commands = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_cmd = commands.add_parser("build", help=t("gradescope.help_build", lang))
    build_cmd.add_argument("out", type=Path, metavar="OUT.zip")
    build_cmd.add_argument("--topics", nargs="+", default=None, metavar="TOPIC", help=t("gradescope.help_topics", lang))
    build_cmd.add_argument("--lang", choices=LANGS, default=None)
    try:
        args = p.parse_args(argv)
    except _Usage as problem:
        return _fail(lang, t("instructor.usage_error", lang, problem=problem))
    lang = args.lang or lang
    from grader.topics.registry import names as topic_names

    known = list(topic_names())
    unknown = [name for name in args.topics or [] if name not in known]
    if unknown:
        return _fail(lang, t("gradescope.unknown_topics", lang, topics=", ".join(unknown), known=", ".join(known)))
    if args.out.suffix != ".zip":
        return _fail(lang, t("gradescope.not_zip", lang, path=args.out))
    if not args.out.parent.is_dir() or args.out.is_dir():
        return _fail(lang, t("stats.cannot_write", lang, path=args.out, problem="no such folder"))
    try:
        names = build(args.out, args.topics)
    except OSError as exc:
        return _fail(lang, t("stats.cannot_write", lang, path=args.out, problem=exc.strerror or str(exc)))
    print(t("gradescope.wrote", lang, path=args.out, files=len(names),
            topics=", ".join(args.topics) if args.topics else t("gradescope.all_topics", lang)))
    return EXIT_OK


def _fail(lang: str, text: str) -> int:
    print(t("instructor.error", lang, problem=text), file=sys.stderr)
    return EXIT_USAGE
