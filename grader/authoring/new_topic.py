"""Scaffold a new topic: ``python -m grader.authoring.new_topic NAME --module M``.

It writes every piece ARCHITECTURE.md's "Adding a topic" asks for, around one concrete
placeholder function, ``NAME(x) = x²``, so that the author's first run is green and each
piece shows its shape before it is replaced by the real formula:

- ``grader/topics/NAME/``: ``__init__.py`` (ABOUT with a free ``order`` right after the
  module's last topic, the quiz of that topic), ``checks.py`` (two call checks and two
  misconceptions), ``messages.yaml`` (their hints in Japanese and English);
- ``solutions/M.py``: the function with a blank, its instruction and a three-level ladder
  in both languages, checked against the instruction rule (grader/authoring/rules.py);
- ``reference/M.py``: the trusted implementation;
- ``tests/variants/broken.yaml`` (one broken copy per misconception) and ``correct.yaml``
  (a correct formulation that must keep full marks);
- ``tests/test_reference_NAME.py``: the reference against an oracle that is not itself;
- then it regenerates ``exercises/``, README's generated regions and, where nbformat is
  installed, the notebooks.

Nothing is written when NAME is taken, M is not a course module, or a file it would create
exists already (exit 2, the reason on stderr).
"""
from __future__ import annotations

import argparse
import keyword
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from grader.authoring.blanks import parse_regions
from grader.authoring.rules import instruction_findings, ladder_findings
from grader.topics import registry

REPO_ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


class ScaffoldError(Exception):
    """Why nothing was written."""


def free_order(module: str) -> int:
    """Right after the module's last topic, so the report and the notebooks keep the module's order."""
    topics = registry.topics()
    taken = {about.order for about in topics}
    of_module = [about.order for about in topics if about.module == module]
    order = (max(of_module) if of_module else max(taken)) + 1
    while order in taken:
        order += 1
    return order


def quiz_of(module: str) -> str:
    """The confirmation test of the module's last topic: the section the new topic most likely practises."""
    quizzes = [about.quiz for about in registry.topics() if about.module == module and about.quiz]
    return quizzes[-1] if quizzes else ""


# --- the files ---------------------------------------------------------------------------

def about_source(name: str, module: str, function: str) -> str:
    return (f'"""Topic {name}: {function}(x) = x² (a placeholder formula: replace it with the real one)."""\n'
            "from grader.topics.registry import About\n\n"
            f"ABOUT = About({name!r}, order={free_order(module)}, module={module!r}, functions=({function!r},),\n"
            f"              quiz={quiz_of(module)!r})\n")


def checks_source(name: str, module: str, function: str) -> str:
    return f'''"""Checks of {function} ({module}.py): the scaffold's placeholder x², judged on one
sample and on a batch; replace the formula, the inputs and the misconceptions together."""
from __future__ import annotations

from grader.judging.checks import Topic
from grader.judging.misconceptions import Misconception, equals, value_of
from grader.topics.families.calls import add_call_check
from reference import {module} as ref

M = "{module}"

# Each misconception has a broken copy in tests/variants/broken.yaml that must show exactly
# its hint, and its sentences in this folder's messages.yaml.
MISCONCEPTIONS = (
    Misconception("{name}.not_squared", value_of("{function}"), "hint.{name}_not_squared",
                  equals(lambda x: x), "x itself: the power was left out"),
    Misconception("{name}.doubled", value_of("{function}"), "hint.{name}_doubled",
                  equals(lambda x: 2 * x), "2x: the derivative instead of the value"),
)


def declare() -> Topic:
    topic = Topic("{name}")
    for check, make in (("one_sample", lambda rng: {{"x": rng.normal(size=4)}}),
                        ("batch", lambda rng: {{"x": rng.normal(size=(5, 3))}})):
        add_call_check(topic, check, 1, M, "{function}", make, ref.{function}, misconceptions=MISCONCEPTIONS)
    return topic
'''


def messages_source(name: str, function: str) -> str:
    return f'''# Sentences of the {name} topic: hints a student reads, English and Japanese.
hint.{name}_not_squared:
  en: "Hint: {function} returned x itself: raise each element to the power 2."
  ja: "ヒント: {function} が x をそのまま返しています。各要素を 2 乗しましょう。"
hint.{name}_doubled:
  en: "Hint: {function} returned 2x, the derivative of x²: return the value x² itself."
  ja: "ヒント: {function} が x² の微分 2x を返しています。値 x² そのものを返しましょう。"
'''


def solution_source(name: str, function: str) -> str:
    return f'''

def {function}(x):
    """各要素の 2 乗 x² (scaffold の仮の式: 本当の式に置き換える)。
    Each element squared, x² (the scaffold's placeholder formula: replace it)."""
    ### BEGIN BLANK id=formula
    ### ja: 入力 x の各要素を 2 乗した x² を、x と同じ形のまま返す
    ### en: return x², every element of the input x squared, keeping the layout of x
    ### hint 1 ja: x² は x と x の積です。要素ごとに計算するので、答えの形は x と同じです。
    ### hint 1 en: x² is x times x; it is computed element by element, so the answer is laid out like x.
    ### hint 2 ja: 和や平均は取りません。1 サンプルでもバッチでも、同じ式がそのまま使えます。
    ### hint 2 en: Nothing is summed or averaged: the same formula serves one sample and a batch alike.
    ### hint 3 ja: Python の ** はべき乗で、NumPy の配列には要素ごとに働きます。
    ### hint 3 en: Python's ** raises to a power, and on a NumPy array it works element by element.
    return x ** 2  # {name}: the placeholder formula
    ### END BLANK
'''


def reference_source(function: str) -> str:
    return f'''

def {function}(x):
    return x ** 2  # the scaffold's placeholder formula: replace it with the real one
'''


def reference_test_source(name: str, module: str, function: str) -> str:
    return f'''"""reference/{module}.py's {function} against an oracle that is not the reference.

The scaffold's oracle multiplies element by element in plain Python; replace it with
the real function's: a closed form written independently, central differences
(tests/oracles.py) for a derivative, plain loops, or PyTorch.
"""
import numpy as np
import pytest

from reference import {module}


def oracle(x):
    return np.array([value * value for value in x.ravel()]).reshape(x.shape)


@pytest.mark.parametrize("shape", [(4,), (5, 3)])
def test_{function}_matches_its_oracle(shape):
    x = np.random.default_rng(0).normal(size=shape)
    assert np.allclose({module}.{function}(x), oracle(x), rtol=1e-12, atol=0)
'''


def broken_entries(name: str, module: str) -> str:
    line = f"return x ** 2  # {name}: the placeholder formula"
    return "".join(
        f"{name}.{mistake}:\n  module: {module}\n  edits:\n  - old: '{line}'\n    new: '{new}'\n"
        for mistake, new in (("not_squared", "return x"), ("doubled", "return 2 * x")))


def correct_entry(name: str, module: str, function: str) -> str:
    return (f"{name}_product:\n  module: {module}\n  topics:\n  - {name}\n  replace: |\n"
            f"    def {function}(x):\n        return x * x\n")


# --- writing ------------------------------------------------------------------------------

def validate(root: Path, name: str, module: str, function: str) -> None:
    if not NAME.match(name) or keyword.iskeyword(name):
        raise ScaffoldError(f"{name!r} is not a topic name: lower-case letters, digits and _, a letter first")
    if not NAME.match(function) or keyword.iskeyword(function):
        raise ScaffoldError(f"{function!r} is not a function name this scaffold writes")
    if name in registry.names():
        raise ScaffoldError(f"the topic {name!r} exists already")
    if not (root / "solutions" / f"{module}.py").exists() or not (root / "reference" / f"{module}.py").exists():
        raise ScaffoldError(f"{module!r} is not a course module (solutions/{module}.py and reference/{module}.py)")
    if function in registry.defined_names():
        raise ScaffoldError(f"{function!r} is graded by another topic already")
    for path in new_files(root, name):
        if path.exists():
            raise ScaffoldError(f"{path.relative_to(root)} exists already")


def new_files(root: Path, name: str) -> list[Path]:
    folder = root / "grader" / "topics" / name
    return [folder / "__init__.py", folder / "checks.py", folder / "messages.yaml",
            root / "tests" / f"test_reference_{name}.py"]


def check_blank(root: Path, module: str, function: str) -> None:
    """The new blank obeys the instruction rule and the ladder rule (checked before writing)."""
    solutions = root / "solutions"
    text = (solutions / f"{module}.py").read_text(encoding="utf-8") + solution_source(function, function)
    [region] = [r for r in parse_regions(text, f"{module}.py") if r.qualname == function]
    findings = [*instruction_findings(region, solutions), *ladder_findings(region)]
    if findings:
        raise ScaffoldError("the new blank breaks the instruction rule: " + "; ".join(map(str, findings)))


def scaffold(root: Path, name: str, module: str, function: str) -> list[Path]:
    """Write the pieces; return every file touched (created or appended to)."""
    validate(root, name, module, function)
    check_blank(root, module, function)
    folder = root / "grader" / "topics" / name
    folder.mkdir(parents=True)
    created = {
        folder / "__init__.py": about_source(name, module, function),
        folder / "checks.py": checks_source(name, module, function),
        folder / "messages.yaml": messages_source(name, function),
        root / "tests" / f"test_reference_{name}.py": reference_test_source(name, module, function),
    }
    for path, text in created.items():
        path.write_text(text, encoding="utf-8")
    appended = {
        root / "solutions" / f"{module}.py": solution_source(name, function),
        root / "reference" / f"{module}.py": reference_source(function),
        root / "tests" / "variants" / "broken.yaml": broken_entries(name, module),
        root / "tests" / "variants" / "correct.yaml": correct_entry(name, module, function),
    }
    for path, text in appended.items():
        with path.open("a", encoding="utf-8") as out:
            out.write(text)
    return [*created, *appended]


def regenerate(root: Path) -> int:
    """exercises/, README's generated regions and (with nbformat) the notebooks, in a fresh
    interpreter: this one has the old registry cached."""
    commands = [["exercises"], ["readme"]]
    try:
        import nbformat  # noqa: F401  (the instructor extra)
        commands.append(["notebooks"])
    except ImportError:
        print("nbformat is not installed (the instructor extra): notebooks/ not regenerated; "
              "run `python -m grader.authoring.build notebooks` where it is")
    for command in commands:
        done = subprocess.run([sys.executable, "-m", "grader.authoring.build", *command], cwd=root)
        if done.returncode != 0:
            return done.returncode
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.authoring.new_topic",
                                     description="Scaffold a topic whose first run passes the suite.")
    parser.add_argument("name", help="the topic's name (a folder of grader/topics/)")
    parser.add_argument("--module", required=True, help="the course module it grades (solutions/M.py)")
    parser.add_argument("--function", help="the function to write (default: the topic's name)")
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        touched = scaffold(args.root, args.name, args.module, args.function or args.name)
    except ScaffoldError as error:
        print(f"new_topic: {error}; nothing written", file=sys.stderr)
        return 2
    for path in touched:
        print(f"wrote {path.relative_to(args.root)}")
    status = regenerate(args.root)
    if status == 0:
        print(f"Next: replace the placeholder x² in solutions/{args.module}.py, reference/{args.module}.py, "
              f"grader/topics/{args.name}/ and tests/, then: python -m pytest -m fast")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
