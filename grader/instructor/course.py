"""``grader nbgrader``: an nbgrader course of the exercises, in one command.

    grader nbgrader init COURSE_DIR [--course-id ID] [--solutions DIR] [--force]
    grader nbgrader export NOTEBOOK OUT_DIR [--force]

``init`` writes nbgrader_config.py and source/ASSIGNMENT/ASSIGNMENT.ipynb for every
assignment (generated from solutions/), then runs nbgrader's own generate_assignment on
each, which fills the gradebook with the assignments, their notebooks and their
autograder cells' points, and writes release/. ``export`` writes the code of a student's
notebook as a submission folder, so that ``grader check --submission`` grades it the way
the notebook's check cells do; it writes only into a new or empty folder (``--force``: over
the modules of a folder that has files already).

Exit status: 0 done, 1 nbgrader failed, 2 bad arguments or an existing course.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

# As in autograde.py: nbformat's jsonschema compiles rfc3987_syntax's grammars when it is
# importable, over two seconds of every `grader nbgrader init`, for IRI formats no notebook
# schema uses (jsonschema skips them without it). Before anything imports nbformat.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from grader.i18n import LANGS, default_lang, t  # noqa: E402
from grader.authoring.assignments import ASSIGNMENTS  # noqa: E402
from grader.nb.program import program_from_notebook, write_submission  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_COURSE_ID = "dl-numpy-exercises"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

BEGIN_MARK = "# >>> grader nbgrader init: generated; `grader nbgrader init --force` rewrites this block >>>"
END_MARK = "# <<< grader nbgrader init <<<"

CONFIG_HEAD = '''\
# nbgrader configuration of the course, written by `grader nbgrader init`.
# Everything outside the marked block is yours: `grader nbgrader init --force` rewrites only
# the block (a setting of yours below it wins over the block's).
c = get_config()  # noqa: F821 - provided by nbgrader

'''

GENERATED_BLOCK = '''\
{begin}
c.CourseDirectory.course_id = {course_id!r}

# The stub nbgrader leaves in each blank; the notebook's check() names the blank it stands in.
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}

# `nbgrader autograde` (and formgrader's Autograde button) grade outside the student's kernel:
# nbgrader's Execute step is replaced by the grader's (sandboxed; a notebook that redefines
# check() changes nothing). `grader autograde ASSIGNMENT` writes the same gradebook, in parallel.
c.Autograde.autograde_preprocessors = [
{preprocessors}]
{seed}{end}
'''

CONFIG_TAIL = '''
# On JupyterHub, release and collect go through the exchange folder shared by all users:
# c.Exchange.root = "/srv/nbgrader/exchange"
# Late submissions (due dates are set per assignment in formgrader): no points once late
# c.LateSubmissionPlugin.penalty_method = "zero"
'''


SEED_SET = """
# The course's summative seed, drawn at random for this course: both autograde paths, `grader
# batch` on the course's folders and `grader gradescope build --course` generate the graded
# inputs from it. Students never see this file; keep it, and never change it once grading began.
{line}
"""

SEED_MISSING = """
# This course has no summative seed of its own: grading uses the grader's public default
# seed. To give it one (before any grading), add below this block, e.g.:
# {line}
"""


def generated_block(course_id: str, seed: int | None = None, suggested: int | None = None) -> str:
    """The block: ``seed`` the course's summative seed, or (None) a comment that suggests
    ``suggested`` to an existing course without one (nothing when that is None too)."""
    from grader.batch.course_seed import seed_line
    from grader.instructor.nbgrader_execute import AUTOGRADE_PREPROCESSORS

    listed = "".join(f"    {name!r},\n" for name in AUTOGRADE_PREPROCESSORS)
    said = (SEED_SET.format(line=seed_line(seed)) if seed is not None else
            SEED_MISSING.format(line=seed_line(suggested)) if suggested is not None else "")
    return GENERATED_BLOCK.format(begin=BEGIN_MARK, end=END_MARK, course_id=course_id, preprocessors=listed,
                                  seed=said)


def config_text(course_id: str, existing: str | None = None, seed: int | None = None) -> str:
    """nbgrader_config.py: a new one (with ``seed``, default: a new random one), or
    ``existing`` with only its generated block rewritten — the block's seed kept, never a
    new one (a file from before the block existed keeps every line, after the new block)."""
    from grader.batch.course_seed import new_seed, written_seed

    if existing is None:
        return CONFIG_HEAD + generated_block(course_id, new_seed() if seed is None else seed) + CONFIG_TAIL
    begin, end = existing.find(BEGIN_MARK), existing.find(END_MARK)
    found = begin != -1 and end > begin
    kept_seed = written_seed(existing[begin:end]) if found else None
    elsewhere = written_seed(existing) is not None
    block = generated_block(course_id, kept_seed, None if kept_seed is not None or elsewhere else new_seed())
    if found:
        end = existing.find("\n", end)
        end = len(existing) if end == -1 else end + 1
        return existing[:begin] + block + existing[end:]
    return CONFIG_HEAD + block + "\n# --- kept from the configuration before `grader nbgrader init --force` ---\n" + existing


def existing_course_id(text: str) -> str | None:
    """The course id the generated block of ``text`` names, to keep on ``--force``."""
    import re

    found = re.search(r"^c\.CourseDirectory\.course_id\s*=\s*(['\"])([^'\"\n]+)\1", text, re.MULTILINE)
    return found.group(2) if found else None


def released_assignments(folder: Path) -> set[str]:
    """Assignments students have: released to the exchange (its outbound/, where nbgrader's
    configuration puts it) or already submitted. generate_assignment's own release/ folder
    does not count: it is written for every assignment, released or not."""
    from grader.instructor.nbconfig import ConfigProblem, read_config

    found: set[str] = set()
    try:
        config = read_config(folder, root=folder)
        exchange = Path(config.config.get("Exchange", {}).get("root", "/srv/nbgrader/exchange"))
        outbound = exchange / config.coursedir.course_id / "outbound"
        submitted = Path(config.coursedir.root) / config.coursedir.submitted_directory
    except (ConfigProblem, OSError):
        outbound, submitted = None, folder / "submitted"
    for assignment in ASSIGNMENTS:
        if outbound is not None and (outbound / assignment.name).exists():
            found.add(assignment.name)
        if submitted.is_dir() and any((s / assignment.name).exists() for s in submitted.iterdir()):
            found.add(assignment.name)
    return found


def init_course(folder: Path, course_id: str | None, solutions: Path, force: bool = False,
                regenerate_released: bool = False) -> tuple[dict[str, float], list[str]]:
    """Writes the course; returns each assignment's points, and the released assignments
    left as they are (regenerated only when ``regenerate_released``)."""
    from grader.authoring.notebooks import build_notebook, notebook_text, topic_points

    points = topic_points()
    folder.mkdir(parents=True, exist_ok=True)
    config_path = folder / "nbgrader_config.py"
    existing = config_path.read_text(encoding="utf-8") if config_path.is_file() else None
    course_id = course_id or (existing and existing_course_id(existing)) or DEFAULT_COURSE_ID
    config_path.write_text(config_text(course_id, existing), encoding="utf-8")
    out = released_assignments(folder) if force and not regenerate_released else set()
    kept = [a.name for a in ASSIGNMENTS if a.name in out]
    chosen = [a for a in ASSIGNMENTS if a.name not in kept]
    for assignment in chosen:
        target = folder / "source" / assignment.name / assignment.notebook
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(notebook_text(build_notebook(assignment, solutions, points)), encoding="utf-8")
    generate_assignments(folder, force, [a.name for a in chosen])
    return {a.name: sum(points[topic] for topic in a.topics) for a in ASSIGNMENTS}, kept


def generate_assignments(folder: Path, force: bool, names: list[str] | None = None) -> None:
    """nbgrader's generate_assignment for ``names`` (default: every assignment), in this
    process, with the configuration nbgrader itself reads there (~/.jupyter's db_url too)."""
    _venv_bin_on_path()
    from nbgrader.apps import NbGraderAPI

    from grader.instructor.nbconfig import read_config

    found = read_config(folder, root=folder)
    here = os.getcwd()
    os.chdir(folder)
    try:
        api = NbGraderAPI(found.coursedir, config=found.config)
        for name in names if names is not None else [a.name for a in ASSIGNMENTS]:
            result = api.generate_assignment(name, force=True, create=True)
            if not result["success"]:
                raise GenerateFailed(name, f"{result.get('log', '')}\n{result.get('error', '')}".strip())
    finally:
        os.chdir(here)


class GenerateFailed(Exception):
    def __init__(self, assignment: str, detail: str) -> None:
        super().__init__(assignment, detail)
        self.assignment, self.detail = assignment, detail


def _venv_bin_on_path() -> None:
    # nbgrader creates the gradebook by running `alembic` by bare name: an environment
    # that is used without being activated has it only beside its python.
    bin_dir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bin_dir not in parts:
        os.environ["PATH"] = os.pathsep.join([bin_dir, *parts])


def existing_course(folder: Path) -> bool:
    return (folder / "nbgrader_config.py").exists() or (folder / "source").exists()


# --- command line ---------------------------------------------------------------------------


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with our own wording
        raise _Usage(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="grader nbgrader", description="The exercises as an nbgrader course.")
    parser.add_argument("--lang", choices=LANGS, default=None, help="language of the messages")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    init = commands.add_parser("init", help="write a ready nbgrader course into COURSE_DIR")
    init.add_argument("course_dir", type=Path, metavar="COURSE_DIR")
    init.add_argument("--course-id", default=None,
                      help=f"(default: the existing course's, else {DEFAULT_COURSE_ID})")
    init.add_argument("--solutions", type=Path, default=REPO_ROOT / "solutions", metavar="DIR",
                      help="solution modules with blank markers (default: the project's solutions/)")
    init.add_argument("--force", action="store_true",
                      help="update an existing course: the generated block of nbgrader_config.py (your lines "
                           "are kept) and the assignments not released yet")
    init.add_argument("--regenerate-released", action="store_true",
                      help="with --force: regenerate released assignments too (their students' notebooks "
                           "no longer match)")
    export = commands.add_parser("export", help="write a notebook's code as a submission folder")
    export.add_argument("notebook", type=Path, metavar="NOTEBOOK")
    export.add_argument("out", type=Path, metavar="OUT_DIR")
    export.add_argument("--force", action="store_true", help="write the modules into a folder that has files already")
    return parser


def main(argv: Sequence[str]) -> int:
    lang = default_lang()
    try:
        args = build_parser().parse_args(list(argv))
    except _Usage as problem:
        print(t("nbgrader.usage", lang, problem=problem), file=sys.stderr)
        return EXIT_USAGE
    lang = args.lang or lang
    if args.command == "export":
        return _run_export(args.notebook, args.out, lang, args.force)
    return _run_init(args, lang)


def _run_init(args: argparse.Namespace, lang: str) -> int:
    folder = args.course_dir.resolve()
    if not args.solutions.is_dir():
        print(t("nbgrader.no_solutions", lang, folder=args.solutions), file=sys.stderr)
        return EXIT_USAGE
    if folder.exists() and not folder.is_dir():
        print(t("nbgrader.not_a_folder", lang, path=folder), file=sys.stderr)
        return EXIT_USAGE
    if existing_course(folder) and not args.force:
        print(t("nbgrader.exists", lang, folder=folder), file=sys.stderr)
        return EXIT_USAGE
    try:
        points, kept = init_course(folder, args.course_id, args.solutions.resolve(), args.force,
                                   args.regenerate_released)
    except GenerateFailed as failed:
        print(t("nbgrader.generate_failed", lang, assignment=failed.assignment, detail=failed.detail),
              file=sys.stderr)
        return EXIT_FAILED
    except (OSError, ValueError, SyntaxError, RecursionError) as exc:  # a solutions module or the folder
        print(t("nbgrader.cannot_write", lang, folder=folder, problem=_problem(exc)), file=sys.stderr)
        return EXIT_FAILED
    listed = ", ".join(f"{name} ({value:g})" for name, value in points.items())
    print(t("nbgrader.wrote", lang, folder=folder, assignments=listed, points=f"{sum(points.values()):g}"))
    if kept:
        print(t("nbgrader.released_kept", lang, assignments=", ".join(kept)))
    print(t("nbgrader.use_grader_autograde", lang))
    print(t(_seed_note(folder / "nbgrader_config.py"), lang, config=folder / "nbgrader_config.py"))
    return EXIT_OK


def _seed_note(config: Path) -> str:
    """What the instructor is told of the course's summative seed: where it is, or how to add one."""
    from grader.batch.course_seed import written_seed

    try:
        has_seed = written_seed(config.read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        has_seed = False
    return "nbgrader.course_seed" if has_seed else "nbgrader.no_course_seed"


def _problem(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def _run_export(notebook: Path, out: Path, lang: str, force: bool = False) -> int:
    if not notebook.is_file():
        print(t("nbgrader.no_notebook", lang, path=notebook), file=sys.stderr)
        return EXIT_USAGE
    if out.exists() and not out.is_dir():
        print(t("nbgrader.not_a_folder", lang, path=out), file=sys.stderr)
        return EXIT_USAGE
    if out.is_dir() and any(out.iterdir()) and not force:
        print(t("nbgrader.export_not_empty", lang, folder=out), file=sys.stderr)
        return EXIT_USAGE
    try:
        program = program_from_notebook(notebook)
    except (OSError, ValueError, TypeError, AttributeError, RecursionError, MemoryError) as exc:
        print(t("nbgrader.unreadable_notebook", lang, path=notebook, problem=_problem(exc)), file=sys.stderr)
        return EXIT_USAGE
    try:
        write_submission(program, out)
    except OSError as exc:
        print(t("nbgrader.cannot_write", lang, folder=out, problem=_problem(exc)), file=sys.stderr)
        return EXIT_FAILED
    print(t("nbgrader.exported", lang, folder=out))
    return EXIT_OK
