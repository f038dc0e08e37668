"""Code answers on the grader's side: preparing the student's text and judging the values.

Everything here runs in the parent; the child (through grader.quiz.sandbox and the process
boundary, grader.quiz.code_probe) only executes code and reports plain values. The child
provides, in the namespace of setup and answer:
``np``/``numpy``, ``rng`` (``np.random.default_rng(seed)``), ``seed``, ``functions`` (the
course's common/functions.py), ``math``, and the bare course function names the job lists
in ``bare_functions`` (e.g. ``relu``, ``sigmoid``, as the course's notebook defines them).
"""
from __future__ import annotations

import ast
import re
import unicodedata
from typing import Any

import numpy as np

from grader.quiz.comparison import Mismatch, compare

# Outside strings and comments these are what the student meant (IME input).
_CODE_LOOKALIKES = {"、": ", ", "，": ", ", "。": ".", "−": "-", "×": "*", "÷": "/", "　": " "}
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
MAX_CODE_LENGTH = 20_000


def prepare_code(text: str, *, expression: bool) -> str:
    """The student's code as Python reads it: NFKC per line, IME punctuation outside
    strings and comments, and ``return X`` or ``print(X)`` read as ``X`` where an
    expression is asked."""
    lines = unicodedata.normalize("NFKC", text.translate(_QUOTES)).replace("\r\n", "\n").split("\n")
    code = "\n".join(_fold_line(line.rstrip()) for line in lines).strip("\n")
    return _unwrap_print(_unwrap_return(code)) if expression else code


def fill_blank_line(code: str, line: str) -> tuple[str, list[str]]:
    """The answer to a blank inside a line of the course's code (``grad += rate * ({})``)
    as that whole line, and the name it assigns (what is compared). A student who typed
    the whole line (``grad += rate * param``) is graded on what they typed."""
    target = re.match(r"\s*([A-Za-z_]\w*)", line).group(1)
    try:
        tree = ast.parse(code, mode="exec")
    except SyntaxError:
        tree = None
    if tree is not None and tree.body and all(_assigns(node, target) for node in tree.body[-1:]):
        return code, [target]
    return line.replace("{}", code), [target]


def _assigns(node: ast.stmt, name: str) -> bool:
    if isinstance(node, ast.AugAssign):
        return isinstance(node.target, ast.Name) and node.target.id == name
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    return False


def _unwrap_print(code: str) -> str:
    """``print(X)`` as the last statement is the value X (students check in a notebook)."""
    try:
        tree = ast.parse(code, mode="exec")
    except SyntaxError:
        return code
    last = tree.body[-1] if tree.body else None
    if (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
            and isinstance(last.value.func, ast.Name) and last.value.func.id == "print"
            and len(last.value.args) == 1 and not last.value.keywords):
        lines = code.split("\n")
        head = "\n".join(lines[:last.lineno - 1])
        inner = ast.get_source_segment(code, last.value.args[0]) or ""
        return (head + "\n" + inner).strip("\n") if inner else code
    return code


def _fold_line(line: str) -> str:
    out, quote, i = [], "", 0
    while i < len(line):
        ch = line[i]
        if quote:
            out.append(ch)
            if ch == "\\" and i + 1 < len(line):
                out.append(line[i + 1])
                i += 1
            elif line.startswith(quote, i):
                out.append(line[i + 1:i + len(quote)])
                i += len(quote) - 1
                quote = ""
        elif ch == "#":
            out.append(line[i:])
            break
        elif ch in "'\"":
            quote = line[i:i + 3] if line[i:i + 3] in ("'''", '"""') else ch
            out.append(quote)
            i += len(quote) - 1
        else:
            out.append(_CODE_LOOKALIKES.get(ch, ch))
        i += 1
    return "".join(out)


def _unwrap_return(code: str) -> str:
    try:
        tree = ast.parse(code, mode="exec")
    except SyntaxError:
        return code
    if len(tree.body) == 1 and isinstance(tree.body[0], ast.Return) and tree.body[0].value is not None:
        return ast.get_source_segment(code, tree.body[0].value) or code
    return code


# --- comparing what the runs produced ------------------------------------------------

def compare_runs(expected: list[Any], actual: list[Any], data: dict[str, Any]) -> Mismatch | None:
    """The first difference between the model's and the student's values, per the
    question's ``compare_as``: ``values`` (default) or ``distribution``."""
    rtol = float(data.get("rtol", 1e-6))
    atol = float(data.get("atol", 1e-8))
    if data.get("compare_as") == "distribution":
        return compare_distribution(expected, actual, rtol=rtol, atol=atol)
    for e, a in zip(expected, actual):
        mismatch = compare(e, a, rtol=rtol, atol=atol)
        if mismatch:
            return mismatch
    return None


# A correct draw fails the test with probability about 1e-6 (and the setup seeds every
# generator, so a verdict never changes from one run to the next).
KS_COEFFICIENT = 2.7
MOMENT_ERRORS = 6.0


def compare_distribution(expected: list[Any], actual: list[Any], *, rtol: float, atol: float) -> Mismatch | None:
    """Random draws: the same shapes, then the same distribution over all seeds (mean,
    standard deviation and a two-sample Kolmogorov–Smirnov statistic), not the same numbers."""
    for e, a in zip(expected, actual):
        if not isinstance(a, np.ndarray):
            return Mismatch("quiz.code.wrong_kind", "", {"expected": f"array {np.shape(e)}", "actual": type(a).__name__})
        if np.shape(e) != a.shape:
            return Mismatch("quiz.code.wrong_shape", "", {"expected": str(np.shape(e)), "actual": str(a.shape)})
    e = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in expected])
    a = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in actual])
    if e.shape == a.shape and np.allclose(a, e, rtol=rtol, atol=atol):
        return None
    if not np.all(np.isfinite(a)):
        return _distribution_mismatch(e, a)
    n = len(e)
    spread = e.std() or 1.0
    if abs(a.mean() - e.mean()) > MOMENT_ERRORS * spread / np.sqrt(n):
        return _distribution_mismatch(e, a)
    if abs(a.std() / spread - 1) > MOMENT_ERRORS / np.sqrt(2 * n):
        return _distribution_mismatch(e, a)
    if _ks_statistic(e, a) > KS_COEFFICIENT * np.sqrt(2 / n):
        return _distribution_mismatch(e, a)
    return None


def _ks_statistic(x: np.ndarray, y: np.ndarray) -> float:
    both = np.sort(np.concatenate([x, y]))
    cdf_x = np.searchsorted(np.sort(x), both, side="right") / len(x)
    cdf_y = np.searchsorted(np.sort(y), both, side="right") / len(y)
    return float(np.max(np.abs(cdf_x - cdf_y)))


def _distribution_mismatch(e: np.ndarray, a: np.ndarray) -> Mismatch:
    def fmt(x: float) -> str:
        return f"{x:.3g}"
    return Mismatch("quiz.code.wrong_distribution", "",
                    {"mean": fmt(a.mean()), "std": fmt(a.std()), "expected_mean": fmt(e.mean()),
                     "expected_std": fmt(e.std())})
