"""README.md's generated sections: what the registry knows, written from the registry.

A generated region is marked in README.md by
``<!-- BEGIN GENERATED: NAME -->…<!-- END GENERATED -->`` (on one line for a number
inside a sentence, or around whole lines). ``python -m grader.authoring.build readme``
rewrites every region from the registry and the assignments; ``--check`` writes nothing
and exits 1 when README.md differs (tests/test_readme_generated.py runs it).
"""
from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from grader.authoring.assignments import ASSIGNMENTS
from grader.topics import registry

REGION = re.compile(
    r"(?P<begin><!-- BEGIN GENERATED: (?P<name>[\w-]+) -->)(?P<body>.*?)(?P<end><!-- END GENERATED -->)",
    re.DOTALL,
)


class UnknownRegion(ValueError):
    """README.md marks a region no generator knows (a typo, or a generator removed)."""


def topic_points() -> dict[str, float]:
    """Each topic's points in ``grader check``: the sum of its checks' points."""
    return {name: registry.declare(name).max_points for name in registry.names()}


def _code_list(names: list[str]) -> str:
    quoted = [f"`{name}`" for name in names]
    return ", ".join(quoted[:-1]) + f" and {quoted[-1]}" if len(quoted) > 1 else "".join(quoted)


def topic_list() -> str:
    return f"\nTopics, in the order a student meets them: {_code_list(list(registry.names()))}.\n"


def points_table() -> str:
    points = topic_points()
    rows = ["", "| assignment | modules | topics | points |", "|---|---|---|---|"]
    for assignment in ASSIGNMENTS:
        modules = ", ".join(f"{module}.py" for module in assignment.modules)
        topics = ", ".join(assignment.topics)
        total = sum(points[topic] for topic in assignment.topics)
        rows.append(f"| `{assignment.name}` | {modules} | {topics} | {total:g} |")
    per_topic = ", ".join(f"{name} {value:g}" for name, value in points.items())
    rows += ["", f"Points per topic: {per_topic}; {sum(points.values()):g} in all.", ""]
    return "\n".join(rows)


def count_of(what: Callable[[], int]) -> Callable[[], str]:
    return lambda: str(what())


REPO_ROOT = Path(__file__).resolve().parents[2]
TESTS = REPO_ROOT / "tests"


def fast_files() -> frozenset[str]:
    """tests/conftest.py's FAST_FILES, read from its text (the grader does not import its tests)."""
    tree = ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "FAST_FILES" for t in node.targets):
            return frozenset(ast.literal_eval(node.value.args[0]))
    return frozenset()


def tier(path: Path, fast: frozenset[str]) -> str:
    text = path.read_text(encoding="utf-8")
    marks = [mark for mark in ("slow", "browser") if f"mark.{mark}" in text]
    return ", ".join((["fast"] if path.name in fast else ["full"]) + [f"some {m}" for m in marks])


def test_files() -> str:
    """One row per tests/test_*.py: what it proves (its docstring's first sentence) and its tier."""
    fast = fast_files()
    rows = ["", "| file | proves | tier |", "|---|---|---|"]
    for path in sorted(TESTS.glob("test_*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        first = " ".join(doc.split("\n\n")[0].split()).replace("|", "\\|")
        rows.append(f"| `{path.name}` | {first} | {tier(path, fast)} |")
    return "\n".join(rows + [""])


GENERATORS: Mapping[str, Callable[[], str]] = {
    "topics": topic_list,
    "points": points_table,
    "topic-count": count_of(lambda: len(registry.names())),
    "misconception-count": count_of(lambda: len(registry.misconceptions())),
    "test-files": test_files,
}

# Which regions each generated document holds (tests/test_readme_generated.py checks it).
DOCUMENTS: Mapping[str, frozenset[str]] = {
    "README.md": frozenset({"topics", "points", "topic-count", "misconception-count"}),
    "tests/README.md": frozenset({"test-files"}),
}


def render(text: str) -> str:
    """``text`` with every generated region rewritten."""
    def rewrite(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in GENERATORS:
            raise UnknownRegion(f"README.md marks a generated region {name!r}; known: {', '.join(GENERATORS)}")
        return f"{match['begin']}{GENERATORS[name]()}{match['end']}"
    return REGION.sub(rewrite, text)


def regions(text: str) -> list[str]:
    return [match["name"] for match in REGION.finditer(text)]


def run(readme: Path, check: bool) -> int:
    """Rewrite (or, with ``check``, compare) ``readme``: 0 up to date/written, 1 differs, 2 cannot."""
    shown = readme.resolve().relative_to(REPO_ROOT) if readme.resolve().is_relative_to(REPO_ROOT) else readme
    try:
        text = readme.read_text(encoding="utf-8")
        expected = render(text)
    except (OSError, UnknownRegion) as error:
        print(f"{shown}: {error}")
        return 2
    if check:
        if expected != text:
            print(f"{shown}: differs in a generated region; run: python -m grader.authoring.build readme")
            return 1
        print(f"{shown}: generated regions up to date ({', '.join(regions(text))})")
        return 0
    if expected != text:
        readme.write_text(expected, encoding="utf-8")
    print(f"{shown}: generated regions written ({', '.join(regions(text))})")
    return 0
