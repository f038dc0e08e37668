"""``grader gradescope build OUT.zip [--topics TOPIC ...]``: a Gradescope autograder bundle.

Gradescope runs one container per submission on its own machines: the course's answer
for a class that outgrows one machine. The bundle holds

* ``setup.sh`` — run once when Gradescope builds the image: a Python >= 3.11 from the
  distribution's packages (Ubuntu 22.04: python3.11 from universe; 24.04: its python3),
  bubblewrap (when the image's apt has it), and ``requirements.txt`` into ``source/.venv``;
* ``run_autograder`` — run per submission: grades ``$AUTOGRADER_ROOT/submission`` (default
  ``/autograder``) into ``$AUTOGRADER_ROOT/results/results.json``
  (:mod:`grader.instructor.gradescope_run`);
* ``requirements.txt`` — what grading imports and everything that needs, each pinned to
  the version of this environment (installed with --no-deps: nothing unpinned comes in);
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
# What the grading path imports (`grader batch`, the topics' children); the digits that
# training and cnn_training learn ship inside the grader (grader/topics/families/data/).
RUNTIME = ("numpy", "pyyaml", "rich")
VENV = ".venv"  # in source/, made by setup.sh, used by run_autograder
EXIT_OK, EXIT_USAGE = 0, 2

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (its base images
# are Ubuntu 22.04 and 24.04). The grader needs Python >= 3.11, taken from the distribution's
# own packages and never downloaded from elsewhere: 22.04's python3 is 3.10, so python3.11
# (and its venv module) comes from Ubuntu's universe; 24.04's python3 is 3.12.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
new_enough() { "$1" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))' >/dev/null 2>&1; }
apt_install() { apt-get install -y -qq --no-install-recommends "$@"; }
if ! command -v apt-get >/dev/null; then
  echo "setup.sh: no apt-get: this image is not Ubuntu/Debian; install Python >= 3.11 and run again" >&2
  new_enough python3 || exit 1
  PYTHON=python3
else
  apt-get update -qq
  if new_enough python3; then
    PYTHON=python3
    # Debian and Ubuntu keep venv's pip bootstrap in a package of its own.
    apt_install "python3-venv" || echo "setup.sh: python3-venv not installed (venv may still work)"
  else
    echo "setup.sh: $(python3 --version 2>&1 || echo 'no python3') is too old: installing python3.11 from the distribution"
    apt_install python3.11 python3.11-venv
    PYTHON=python3.11
  fi
  # bubblewrap: a sandbox per submission where the container allows user namespaces.
  apt_install bubblewrap || echo "setup.sh: bubblewrap not installed; limits only"
fi
new_enough "$PYTHON" || { echo "setup.sh: $PYTHON is older than 3.11" >&2; exit 1; }
"$PYTHON" -m venv --clear """ + VENV + """
# Every package pinned, the dependencies' dependencies too (--no-deps: nothing unpinned
# comes in), then checked whole; then the grader is imported as run_autograder will.
""" + VENV + """/bin/python -m pip install --no-cache-dir --no-deps -r requirements.txt
""" + VENV + """/bin/python -m pip check
PYTHONPATH="$PWD" """ + VENV + """/bin/python -c "import numpy, yaml, grader.batch.cli, grader.instructor.gradescope_run"
echo "setup.sh: ready ($(""" + VENV + """/bin/python --version))"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission (as root, in a fresh container).
# AUTOGRADER_ROOT: where submission/, source/ and results/ are (Gradescope: /autograder).
# A results.json is always written: by the grader, or here when the grader could not start.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
RESULTS="$ROOT/results/results.json"
# The oracle is for the grader's process only: the student's code runs as another user.
chmod -R go-rwx "$SOURCE/reference" 2>/dev/null || true
export PYTHONPATH="$SOURCE${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1
PYTHON="${GRADER_PYTHON:-$SOURCE/""" + VENV + """/bin/python}"
[ -x "$PYTHON" ] || command -v "$PYTHON" >/dev/null || PYTHON=python3
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
cd "$SOURCE"
"$PYTHON" -m grader.instructor.gradescope_run "$ROOT"
status=$?
if [ ! -s "$RESULTS" ]; then
  printf '{"score": 0, "output": "%s (%s)", "tests": []}\\n' \\
    "採点ツールを起動できませんでした。0 点です。/ The grader could not start: score 0 (setup.sh's output says why)" \\
    "exit status $status" > "$RESULTS"
fi
exit 0
"""


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        raise _Usage(message)


def requirements() -> str:
    """Every package grading needs, its dependencies' dependencies too, each pinned to the
    version installed here (the tested one): the bundle installs them with --no-deps."""
    pinned: dict[str, str] = {}
    waiting = list(RUNTIME)
    while waiting:
        name = _canonical(waiting.pop())
        if name in pinned:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            raise _Usage(f"{name} is not installed here: the bundle pins what is installed") from None
        pinned[name] = dist.version
        waiting += _needed(dist.requires or [])
    return "".join(f"{name}=={version}\n" for name, version in sorted(pinned.items()))


def _canonical(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def _needed(requires: list[str]) -> list[str]:
    """The names among a distribution's requirements that apply here (no extras)."""
    from packaging.requirements import Requirement

    found = []
    for line in requires:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            found.append(requirement.name)
    return found


def _package_files() -> list[Path]:
    """The grader's and the reference's files (their sources and the data they ship: the
    catalogue, a topic's data), never caches, links or the solutions."""
    files = []
    for top in ("grader", "reference"):
        for path in sorted((PROJECT / top).rglob("*")):
            if (path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts
                    and not path.name.startswith(".") and path.suffix not in (".pyc", ".pyo")):
                files.append(path)
    return files


def _add(bundle: zipfile.ZipFile, name: str, text: str | bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, text)


def build(out: Path, topics: list[str] | None, seed: int | None = None) -> list[str]:
    """Writes the bundle (atomically); the names it holds. ``seed``: the course's summative
    seed (None: the grader's default), in the bundle's configuration: only Gradescope's
    machines and the instructor see the bundle."""
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with zipfile.ZipFile(temporary, "w") as bundle:
            _add(bundle, "setup.sh", SETUP_SH, executable=True)
            _add(bundle, "run_autograder", RUN_AUTOGRADER, executable=True)
            _add(bundle, "requirements.txt", requirements())
            settings = {"topics": topics or [], **({"seed": seed} if seed is not None else {})}
            _add(bundle, CONFIG, json.dumps(settings, indent=1) + "\n")
            for path in _package_files():
                _add(bundle, str(path.relative_to(PROJECT)), path.read_bytes())
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
    build_cmd.add_argument("--course", type=Path, default=None, metavar="DIR", help=t("gradescope.help_course", lang))
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
    seed = None
    if args.course is not None:
        seed, problem = course_seed(args.course, lang)
        if problem:
            return _fail(lang, problem)
    try:
        names = build(args.out, args.topics, seed)
    except _Usage as problem:  # a requirement is not installed here: nothing to pin it to
        return _fail(lang, str(problem))
    except OSError as exc:
        return _fail(lang, t("stats.cannot_write", lang, path=args.out, problem=exc.strerror or str(exc)))
    print(t("gradescope.wrote", lang, path=args.out, files=len(names),
            topics=", ".join(args.topics) if args.topics else t("gradescope.all_topics", lang)))
    return EXIT_OK


def course_seed(folder: Path, lang: str) -> tuple[int | None, str]:
    """The summative seed of the nbgrader course ``folder`` (read as ``grader autograde
    --course`` reads it: nbgrader's configuration chain), or why it cannot be had."""
    from grader.instructor.autograde import Problem, open_course, summative_seed

    try:
        return summative_seed(open_course(folder.resolve())), ""
    except Problem as problem:
        return None, t(problem.key, lang, **problem.fields)


def _fail(lang: str, text: str) -> int:
    print(t("instructor.error", lang, problem=text), file=sys.stderr)
    return EXIT_USAGE
