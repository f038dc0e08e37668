"""Author commands that generate course material from ``solutions/``.

    python -m grader.authoring.build exercises            # regenerate exercises/ from solutions/
    python -m grader.authoring.build exercises --check    # exit 1 listing what is out of date
    python -m grader.authoring.build notebooks            # regenerate notebooks/source/ (nbgrader) and notebooks/student/
    python -m grader.authoring.build notebooks --check

Exit status: 0 done (or in sync), 1 out of date (``--check``), 2 malformed blank markers
or bad arguments. Each output is a sub-command so that others (nbgrader notebooks from
the same blank regions) can sit beside ``exercises``.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from grader.topics import registry
from grader.authoring.blanks import (
    BlankMarkerError,
    BlankRegion,
    exercise_lines,
    parse_regions,
    render,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
# The contract's order, so the README reads from activations to batch norm.
MODULE_ORDER = registry.student_modules()  # the course's order, from the topics
README = "README.md"
GENERATED_MARK = "`python -m grader.authoring.build exercises`"


def exercise_header(solution_name: str, regions: list[BlankRegion]) -> str:
    """The comment that opens a generated exercise module."""
    labels = _label_span(regions)
    return (
        f"# この演習は solutions/{solution_name} から `python -m grader.authoring.build exercises` で生成されています。\n"
        f"# 空欄 {labels} を埋めて、`grader check` で採点してください。行き詰まったら `grader hint トピック名`。\n"
        f"# Generated from solutions/{solution_name} by `python -m grader.authoring.build exercises`.\n"
        f"# Fill in the blanks marked {labels} and check your work with `grader check`; stuck? `grader hint TOPIC`.\n"
    )


def _label_span(regions: list[BlankRegion]) -> str:
    labels = [f"({r.label})" for r in regions]
    if len(labels) <= 3:
        return ", ".join(labels)
    return f"{labels[0]}, {labels[1]}, … {labels[-1]}"


def solution_files(solutions: Path) -> list[Path]:
    """The solution modules, the contract's first and any others after them by name."""
    def order(path: Path) -> tuple[int, str]:
        name = path.stem
        rank = MODULE_ORDER.index(name) if name in MODULE_ORDER else len(MODULE_ORDER)
        return rank, name

    return sorted((p for p in solutions.glob("*.py") if p.name != "__init__.py"), key=order)


def generate_exercises(solutions: Path) -> dict[str, str]:
    """Every file of exercises/ by name: one module per solution module, and the README."""
    files: dict[str, str] = {}
    regions: dict[str, list[BlankRegion]] = {}
    for path in solution_files(solutions):
        source = path.read_text(encoding="utf-8")
        shown = _display_path(path)
        module_regions = parse_regions(source, shown)
        text = exercise_header(path.name, module_regions) + render(
            source, module_regions, exercise_lines
        )
        _check_compiles(text, shown)
        files[path.name] = text
        regions[path.stem] = module_regions
    files[README] = exercises_readme(regions)
    return files


def _display_path(path: Path) -> str:
    """The path errors and headers name: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _check_compiles(text: str, solution: str) -> None:
    # parse_regions only accepts whole statements, so this guards the renderer itself.
    try:
        compile(text, f"exercise from {solution}", "exec")
    except SyntaxError as error:
        raise BlankMarkerError(
            solution, 1, f"the generated exercise does not compile: {error}"
        ) from None


def exercises_readme(regions: dict[str, list[BlankRegion]]) -> str:
    """exercises/README.md: every blank with its module, label, function and instructions."""
    count = sum(len(r) for r in regions.values())
    lines = [
        "# 演習の空欄一覧 / The blanks of the exercises",
        "",
        f"<!-- {GENERATED_MARK} で solutions/ から生成 / generated from solutions/ by "
        f"{GENERATED_MARK}; do not edit -->",
        "",
        "各モジュールの空欄 (あ), (い), … を埋め、`grader check` で採点します。",
        "Fill in the blanks (あ), (い), … of each module and grade your work with `grader check`.",
        "",
        f"空欄は全部で {count} 個です。 / There are {count} blanks in all.",
        "",
    ]
    for module, module_regions in regions.items():
        lines += [
            f"## {module}.py",
            "",
            "| 空欄 / blank | 関数 / function | 内容 | what to write |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| ({r.label}) | `{r.qualname}` | {_cell(r.ja)} | {_cell(r.en)} |"
            for r in module_regions
        ]
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def differing_files(expected: dict[str, str], out: Path) -> list[tuple[str, str]]:
    """(file name, what is wrong) for each file of ``out`` that does not match ``expected``."""
    problems: list[tuple[str, str]] = []
    for name, text in expected.items():
        path = out / name
        if not path.is_file():
            problems.append((name, "missing"))
        elif path.read_text(encoding="utf-8") != text:
            problems.append((name, "differs"))
    problems += [(path.name, "stale (no solution module)") for path in stale_files(expected, out)]
    return problems


def stale_files(expected: dict[str, str], out: Path) -> list[Path]:
    """Generated modules left in ``out`` whose solution module is gone."""
    if not out.is_dir():
        return []
    return [
        path for path in sorted(out.glob("*.py"))
        if path.name not in expected and _is_generated(path)
    ]


def _is_generated(path: Path) -> bool:
    # Only files carrying the header are ours to remove; anything else is left alone.
    with path.open(encoding="utf-8") as handle:
        return GENERATED_MARK in "".join(handle.readline() for _ in range(4))


def write_files(expected: dict[str, str], out: Path,
                problems: list[tuple[str, str]] | None = None) -> list[str]:
    """Writes the files that differ, removes stale generated ones; returns the names touched."""
    out.mkdir(parents=True, exist_ok=True)
    touched = []
    for name, problem in differing_files(expected, out) if problems is None else problems:
        path = out / name
        if name in expected:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(expected[name], encoding="utf-8", newline="\n")
        else:
            path.unlink()
        touched.append(f"{name} ({problem})")
    return touched


def _generated(solutions: Path, generate: Callable[[Path], dict[str, str]]) -> dict[str, str] | int:
    """What ``generate`` makes of ``solutions``, or exit status 2 with the problem told."""
    if not solutions.is_dir():
        print(f"grader.authoring.build: no solutions folder {solutions}", file=sys.stderr)
        return 2
    try:
        return generate(solutions)
    except BlankMarkerError as error:
        print(f"grader.authoring.build: {error}", file=sys.stderr)
        return 2


def _sync(command: str, solutions: Path, out: Path, check: bool, expected: dict[str, str],
          problems: list[tuple[str, str]]) -> int:
    """--check: report ``problems`` (exit 1 when any); else write them away."""
    shown = _display_path(out)
    if check:
        if not problems:
            print(f"{shown}/ is up to date with {_display_path(solutions)}/")
            return 0
        print(f"{shown}/ is out of date; run `python -m grader.authoring.build {command}`:")
        for name, problem in problems:
            print(f"  {shown}/{name}: {problem}")
        return 1
    touched = write_files(expected, out, problems)
    for name in touched:
        print(f"wrote {shown}/{name}")
    if not touched:
        print(f"{shown}/ was already up to date")
    return 0


def run_exercises(solutions: Path, out: Path, check: bool) -> int:
    """The ``exercises`` sub-command."""
    expected = _generated(solutions, generate_exercises)
    if isinstance(expected, int):
        return expected
    return _sync("exercises", solutions, out, check, expected, differing_files(expected, out))


def run_notebooks(solutions: Path, out: Path, check: bool) -> int:
    """The ``notebooks`` sub-command: per assignment an nbgrader source notebook
    (``source/``) and a student notebook (``student/``)."""
    from grader.authoring.notebooks import generate_all, is_generated
    expected = _generated(solutions, generate_all)
    if isinstance(expected, int):
        return expected
    # Generated notebooks anywhere else under out/ (an assignment gone, or the flat
    # notebooks/*.ipynb of before source/ and student/) are stale.
    found = sorted([*out.glob("*.ipynb"), *out.glob("*/*.ipynb")])
    stale = [p for p in found if p.relative_to(out).as_posix() not in expected and is_generated(p)]
    problems = [(n, p) for n, p in differing_files(expected, out) if n in expected]
    problems += [(p.relative_to(out).as_posix(), "stale (no such assignment)") for p in stale]
    return _sync("notebooks", solutions, out, check, expected, problems)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m grader.authoring.build",
        description="Generate course material from the solution modules.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, what in (("exercises", "exercises/ (modules with blanks, README.md)"),
                       ("notebooks", "the notebooks: nbgrader's in notebooks/source/, the students' in notebooks/student/")):
        command = commands.add_parser(name, help=f"regenerate {what} from solutions/")
        command.add_argument(
            "--check", action="store_true",
            help="write nothing; exit 1 listing the files that differ from a fresh generation",
        )
        command.add_argument(
            "--solutions", type=Path, default=REPO_ROOT / "solutions", metavar="DIR",
            help="folder of solution modules with blank markers (default: solutions/)",
        )
        command.add_argument(
            "--out", type=Path, default=REPO_ROOT / name, metavar="DIR",
            help=f"folder to generate into, or to compare with --check (default: {name}/)",
        )
    readme = commands.add_parser("readme", help="rewrite the generated regions of README.md and tests/README.md")
    readme.add_argument("--check", action="store_true", help="write nothing; exit 1 when a region differs")
    readme.add_argument("--readme", type=Path, action="append", metavar="FILE",
                        help="a document to rewrite (default: README.md and tests/README.md)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "exercises":
        return run_exercises(args.solutions, args.out, args.check)
    if args.command == "notebooks":
        return run_notebooks(args.solutions, args.out, args.check)
    if args.command == "readme":
        from grader.authoring.readme import DOCUMENTS, run as run_readme  # imports every topic's checks
        documents = args.readme or [REPO_ROOT / name for name in DOCUMENTS]
        return max(run_readme(document, args.check) for document in documents)
    return 2  # unreachable: argparse rejects unknown commands


if __name__ == "__main__":
    raise SystemExit(main())
