"""The team's rule for blank instructions and hint ladders (README's "Blank instructions and hint ladders").

An instruction states the goal in the course's notation and must not dictate code: it
names no NumPy function or method, no keyword argument or axis number, and holds no
fragment that reads as Python. A ladder has at least three levels in both languages,
each non-empty and different from the others and from the instruction, and no level
repeats a line of the solution.

    python -m grader.authoring.rules [SOLUTIONS_DIR]   # count the offending instructions

The rule is a function of the text, so the same check runs on today's blanks, on
blanks added later, and on an older revision of solutions/ (for before/after counts).
"""
from __future__ import annotations

import ast
import functools
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from grader.authoring.blanks import BlankRegion, parse_file

MIN_LEVELS = 3

# The course's mathematical vocabulary: written as words or as f(x) in its formulas
# (exp(−u), log y, √, max(0, x), sign(W)), so a call on these is notation, not code.
MATH_FUNCTIONS = frozenset({
    "exp", "log", "sqrt", "max", "min", "sign", "abs", "sin", "cos", "tan", "tanh", "f", "g",
})

# NumPy names that are also ordinary English (or mathematical) words. An instruction is
# prose: "1 where x > 0", "the sum over the batch", "in place", "each sample", "the batch
# size", "the standard normal", "to the power t" must stay writable. These words are only
# exempt as bare words; in code form (np.where, where(…), `sum`, x.mean) they are caught
# like any other name. Everything else NumPy names (argmax, keepdims, reshape, arange,
# zeros_like, standard_normal, ddof, …) is code and may not appear at all.
PROSE_WORDS = frozenset({
    # mathematics
    *MATH_FUNCTIONS, "sum", "mean", "maximum", "minimum", "square", "power", "product",
    "average", "gradient", "identity", "inner", "outer", "cross", "trace", "diagonal",
    "absolute", "positive", "negative", "real", "round", "floor", "exponential", "normal",
    "uniform", "random", "permutation", "choice", "sample", "beta", "gamma", "median",
    "quantile", "percentile", "variance", "roots", "interp", "mod", "remainder", "invert",
    # ordinary English
    "array", "where", "all", "any", "add", "subtract", "multiply", "divide", "equal", "less",
    "greater", "copy", "place", "put", "take", "size", "shape", "full", "empty", "ones",
    "fill", "view", "item", "select", "choose", "sort", "split", "stack", "repeat", "block",
    "delete", "insert", "append", "extract", "fix", "pad", "flip", "roll", "clip", "info",
    "test", "load", "save", "require", "unique", "spacing", "over", "under", "left", "right",
    "range", "start", "stop", "step", "order", "kind", "mode", "method", "count", "names",
    "label", "default", "output", "out", "weights", "bias", "width", "offset", "initial",
    "period", "sorted", "stable", "returned", "like", "device", "axis", "axes", "seed",
    "bytes", "dump", "flatten", "transpose", "resize", "compress", "wrap", "trim", "side",
    "header", "footer", "prefix", "suffix", "separator", "precision", "threshold", "unit",
    "encoding", "comments", "formatter", "density", "legacy", "verbose", "signature",
    "bins", "base", "flags", "invalid", "num", "correction", "coverage", "increasing",
    "optimize", "casting", "indexing", "sparse", "discont", "tests", "suppress", "object",
})


@functools.cache
def numpy_names() -> frozenset[str]:
    """Every name NumPy code is written with: the functions of ``numpy`` and
    ``numpy.random``, the methods and attributes of arrays (``.T`` included), the methods
    of ``Generator``, and the keyword parameters of NumPy's functions (keepdims, ddof, …)."""
    import inspect

    import numpy as np

    def callables(owner: object, methods: bool) -> set[str]:
        found = set()
        for name in dir(owner):
            value = getattr(owner, name, None)
            if not name.startswith("_") and callable(value) and (methods or not isinstance(value, type)):
                found.add(name)
        return found

    names = callables(np, False) | callables(np.random, False)
    names |= {name for name in dir(np.ndarray) if not name.startswith("_")}
    names |= callables(np.random.Generator, True)
    for name in callables(np, False):
        try:
            parameters = inspect.signature(getattr(np, name)).parameters.values()
        except (TypeError, ValueError):  # ufuncs and builtins carry no signature
            continue
        names |= {p.name for p in parameters if p.default is not p.empty and len(p.name) > 1}
    return frozenset(names)


def course_names(solutions: Path) -> frozenset[str]:
    """The names the course's code gives its quantities and functions (x, d, batch_size,
    gamma, delta2, relu, …): an instruction may talk about them."""
    names: set[str] = set()
    for path in sorted(solutions.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
                names.add(node.attr)  # self.v, self.h, self.learning_rate: the state's names
    return frozenset(names - {"np", "numpy"})


@functools.cache
def course_functions(solutions: Path) -> frozenset[str]:
    """The functions the contract's modules define (sigmoid, relu, softmax, …): the
    course writes them as mathematical functions, f(u) = relu(u)."""
    names: set[str] = set()
    for path in sorted(solutions.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    return frozenset(names)


# --- what makes a text dictate code ------------------------------------------------------

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_WORD = re.compile(rf"(?<![A-Za-z0-9_.]){IDENT}")
_CALL = re.compile(rf"(?<![A-Za-z0-9_.])({IDENT})\(")
_ATTRIBUTE = re.compile(rf"(?<![A-Za-z0-9_])({IDENT})\.({IDENT})")
_SUBSCRIPT = re.compile(rf"(?<![A-Za-z0-9_])({IDENT})\[")
# An identifier being assigned is a line of code (i_end = …, delta2 = …) unless it is the
# course's equation notation: one letter with digits or a one-character subscript, and
# marks (u1 =, y_k =, h_t =, m̂ =, δ2 =).
_ASSIGNMENT = re.compile(rf"(?<![A-Za-z0-9_])({IDENT})\s*=(?!=)")
_MATH_SYMBOL = re.compile(r"[A-Za-z](\d*|_[A-Za-z0-9])")
_KEYWORD = re.compile(rf"(?<![A-Za-z0-9_])({IDENT})=(?!=)")
_PY_OPERATOR = re.compile(r"\*\*|\*|[-+*/]=|==|//|\blambda\b|`")
_CONSTANT = re.compile(r"\b(True|False|None)\b")
_AXIS_NUMBER = re.compile(r"\baxis\s*[=:]?\s*\(?[-−]?\d|軸\s*[=:]?\s*[-−]?\d|[-−]?\d\s*番?目?の?軸")


@dataclass(frozen=True)
class Problem:
    """One reason a text breaks the rule: ``kind`` is numpy, keyword or code."""

    kind: str
    detail: str


def text_problems(text: str, allowed: frozenset[str], functions: frozenset[str]) -> list[Problem]:
    """Why ``text`` (an instruction) dictates code; empty when it states a goal.

    ``allowed``: the course's own names (its variables and functions), which a goal may
    name; ``functions``: those the course writes as mathematical functions."""
    problems = [Problem("numpy", f"{m[1]}.{m[2]}") for m in _ATTRIBUTE.finditer(text)
                if m[1] in ("np", "numpy") or m[2] in numpy_names()]
    problems += [Problem("numpy", word) for word in _words(text)
                 if word in numpy_names() and word not in PROSE_WORDS and word not in allowed]
    problems += [Problem("keyword", m[0]) for m in _KEYWORD.finditer(text)]
    problems += [Problem("keyword", m[0]) for m in _CONSTANT.finditer(text)]
    problems += [Problem("keyword", m[0]) for m in _AXIS_NUMBER.finditer(text)]
    problems += [Problem("code", f"{m[1]}(…)") for m in _CALL.finditer(text)
                 if m[1] not in MATH_FUNCTIONS and m[1] not in functions]
    problems += [Problem("code", f"{m[1]}.{m[2]}") for m in _ATTRIBUTE.finditer(text)
                 if not (m[1] in ("np", "numpy") or m[2] in numpy_names())]
    problems += [Problem("code", f"{m[1]}[…]") for m in _SUBSCRIPT.finditer(text)]
    problems += [Problem("code", f"{m[1]} =") for m in _ASSIGNMENT.finditer(text)
                 if not _MATH_SYMBOL.fullmatch(m[1])]
    problems += [Problem("code", m[0]) for m in _PY_OPERATOR.finditer(text)]
    return problems


def _words(text: str) -> Iterable[str]:
    return (m[0] for m in _WORD.finditer(text))


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("−", "-")


def repeats_solution(text: str, region: BlankRegion) -> list[str]:
    """The solution's lines that ``text`` holds, spaces ignored: a hint never gives the line."""
    said = _squeezed(text)
    return [line.strip() for line in region.solution
            if len(_squeezed(line)) > 4 and _squeezed(line) in said]


# --- a blank --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    region: BlankRegion
    where: str  # "ja", "en", "hint 2 en", "ladder"
    problem: Problem

    def __str__(self) -> str:
        r = self.region
        return f"{r.module}.py ({r.label}) {r.qualname} [{self.where}] {self.problem.kind}: {self.problem.detail}"


def instruction_findings(region: BlankRegion, solutions: Path) -> list[Finding]:
    """What is wrong with the blank's two instructions."""
    allowed = course_names(solutions)
    functions = course_functions(solutions)
    findings = []
    for lang in ("ja", "en"):
        text = getattr(region, lang)
        findings += [Finding(region, lang, p) for p in text_problems(text, allowed, functions)]
        findings += [Finding(region, lang, Problem("code", f"repeats the solution line {line!r}"))
                     for line in repeats_solution(text, region)]
    return findings


def ladder_findings(region: BlankRegion) -> list[Finding]:
    """What is wrong with the blank's hint ladder."""
    findings = []
    if len(region.hints) < MIN_LEVELS:
        findings.append(Finding(region, "ladder", Problem(
            "ladder", f"{len(region.hints)} levels, at least {MIN_LEVELS} wanted")))
    for index, lang in enumerate(("ja", "en")):
        texts = [level[index].strip() for level in region.hints]
        instruction = getattr(region, lang).strip()
        for number, text in enumerate(texts, start=1):
            where = f"hint {number} {lang}"
            if not text:
                findings.append(Finding(region, where, Problem("ladder", "empty level")))
            if text in texts[:number - 1] or text == instruction:
                findings.append(Finding(region, where, Problem("ladder", "repeats another level or the instruction")))
            findings += [Finding(region, where, Problem("ladder", f"gives the solution line {line!r}"))
                         for line in repeats_solution(text, region)]
            if number < MIN_LEVELS and re.search(r"\b(np|numpy)\.", text):
                findings.append(Finding(region, where, Problem(
                    "ladder", "names a NumPy call before the last level")))
    return findings


def all_regions(solutions: Path) -> list[BlankRegion]:
    return [region for path in sorted(solutions.glob("*.py")) if path.name != "__init__.py"
            for region in parse_file(path)]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    solutions = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "solutions"
    regions = all_regions(solutions)
    by_region = {r: instruction_findings(r, solutions) for r in regions}
    offending = [r for r, found in by_region.items() if found]
    numpy_or_keyword = [r for r, found in by_region.items() if any(f.problem.kind in ("numpy", "keyword") for f in found)]
    ladders = [r for r in regions if ladder_findings(r)]
    for found in by_region.values():
        for finding in found:
            print(finding)
    print(f"{len(regions)} blanks: {len(numpy_or_keyword)} instructions name NumPy or a keyword, "
          f"{len(offending)} break the instruction rule, {len(ladders)} ladders break the ladder rule")
    return 1 if offending or ladders else 0


if __name__ == "__main__":
    raise SystemExit(main())
