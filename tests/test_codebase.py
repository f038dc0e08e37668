"""The codebase keeps itself honest: no test that cannot fail, no module nobody uses."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from grader.topics import registry

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
GRADER = ROOT / "grader"

# `python -m grader` runs grader/__main__.py: nothing imports it, and it is not dead.
ENTRY_POINTS = {"grader.__main__"}


# --- tautologies ---------------------------------------------------------------------


def _always_true(node: ast.expr) -> bool:
    """An expression whose truth does not depend on what the test computed."""
    if isinstance(node, ast.Constant):
        return bool(node.value)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and node.elts:  # assert (x, "message")
        return True
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        return any(_always_true(value) for value in node.values)
    if isinstance(node, ast.IfExp):  # assert x if case else True: that case checks nothing
        return _always_true(node.body) or _always_true(node.orelse)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) and isinstance(node.operand, ast.Constant):
        return not node.operand.value
    return False


def tautologies(source: str) -> list[int]:
    """Lines of ``assert``s that pass whatever the code under test does."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Assert) and _always_true(node.test)]


@pytest.mark.parametrize("source", [
    "assert f() == () or True",
    "assert True",
    "assert 1",
    "assert not False",
    "assert (f() == 1, 'f is one')",
    "assert 'a message'",
    "assert f() or 1 or g()",
    "assert (f() > 0) if full else True",
], ids=["or True", "True", "1", "not False", "tuple", "string", "or 1", "else True"])
def test_the_tautology_finder_finds(source: str) -> None:
    assert tautologies(source) == [1]


@pytest.mark.parametrize("source", [
    "assert f() == ()",
    "assert f() or g()",
    "assert not f()",
    "assert x, 'message'",
    "assert () == f()",
    "assert f() if full else g()",
], ids=["compare", "or", "not", "message", "empty tuple compared", "if-else"])
def test_the_tautology_finder_passes_real_assertions(source: str) -> None:
    assert tautologies(source) == []


def test_no_test_contains_a_tautology() -> None:
    found = {
        str(path.relative_to(ROOT)): lines
        for path in sorted(TESTS.rglob("*.py"))
        if (lines := tautologies(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_no_test_ors_with_true_in_text() -> None:
    """Also outside an assert (a helper's return value): `… or True` hides a failure."""
    pattern = re.compile(r"\bor\s+True\b")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(TESTS.rglob("*.py")) if path.name != Path(__file__).name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line.split("#")[0])
    ]
    assert found == []


# --- no unused module ----------------------------------------------------------------


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def grader_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(GRADER.rglob("*.py"))}


def referenced_names(name: str, path: Path) -> set[str]:
    """Modules ``path`` imports, absolutely or relatively, or names in a string (importlib, -m)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update(re.findall(r"grader(?:\.\w+)+", node.value))
    return found


def discovered_by_the_registry() -> set[str]:
    """The registry imports each topic folder and its checks by name (pkgutil)."""
    return {f"{registry.PACKAGE}.{name}{suffix}" for name in registry.names() for suffix in ("", ".checks")}


def documented_commands() -> set[str]:
    """Modules the documentation tells a person to run: ``python -m grader.x.y``."""
    return {match for doc in (ROOT / "README.md", ROOT / "ARCHITECTURE.md", TESTS / "README.md") if doc.exists()
            for match in re.findall(r"python -m (grader(?:\.\w+)+)", doc.read_text(encoding="utf-8"))}


def test_every_grader_module_is_used() -> None:
    modules = grader_modules()
    used = set().union(*(referenced_names(name, path) - {name} for name, path in modules.items()))
    used |= discovered_by_the_registry() | ENTRY_POINTS | documented_commands()
    unused = sorted(name for name in modules
                    if name not in used and not any(other.startswith(name + ".") for other in used))
    assert unused == []


def test_imports_of_every_kind_are_seen(tmp_path: Path) -> None:
    """The finder's own check: absolute, relative and by-name imports all count."""
    path = tmp_path / "grader" / "check" / "cli.py"
    path.parent.mkdir(parents=True)
    path.write_text("import grader.i18n\nfrom . import report\nfrom ..learn import watch\n"
                    "COMMAND = ['python', '-m', 'grader.authoring.build']\n", encoding="utf-8")
    found = referenced_names("grader.check.cli", path)
    assert {"grader.i18n", "grader.check.report", "grader.learn.watch", "grader.authoring.build"} <= found
    assert "grader.check.plots" not in found


def test_the_fast_tier_names_only_files_that_exist() -> None:
    from conftest import FAST_FILES
    assert FAST_FILES <= {path.name for path in TESTS.glob("test_*.py")}
