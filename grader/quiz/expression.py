"""Symbolic answers: parse what a student typed safely and test equivalence with sympy.

Student text never reaches ``eval`` unchecked: it is tokenised first and only numbers,
the question's variables, a few known functions and arithmetic operators may appear.
``parse_expr`` then runs with no builtins, and powers with huge constant exponents are
refused before anything is evaluated (``9**9**9`` would otherwise hang the grader).
"""
from __future__ import annotations

import io
import random
import tokenize
from dataclasses import dataclass, field
from typing import Any

import sympy
from sympy.parsing.sympy_parser import (convert_xor, implicit_application,
                                        implicit_multiplication, parse_expr,
                                        split_symbols_custom, standard_transformations)

from grader.quiz.normalize import normalize_math

MAX_LENGTH = 200
MAX_EXPONENT = 100
MAX_LITERAL = 10**9
FUNCTIONS: dict[str, Any] = {
    "exp": sympy.exp, "log": sympy.log, "ln": sympy.log, "sqrt": sympy.sqrt,
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "tanh": sympy.tanh,
    "abs": sympy.Abs, "Abs": sympy.Abs,
}
_OPERATORS = {"+", "-", "*", "/", "**", "^", "(", ")"}
_SYMPY_NAMES = {"Integer": sympy.Integer, "Float": sympy.Float, "Rational": sympy.Rational,
                "Symbol": sympy.Symbol, "Add": sympy.Add, "Mul": sympy.Mul, "Pow": sympy.Pow}


@dataclass
class ExpressionError(Exception):
    """Why a typed formula cannot be read; ``key`` is a message key."""

    key: str
    fields: dict[str, Any] = field(default_factory=dict)

    def describe(self, lang: str) -> str:
        from grader.i18n import t
        return t(self.key, lang, **self.fields)


def parse_student_expression(text: str, variables: list[str],
                             substitutions: dict[str, str]) -> sympy.Expr:
    """The sympy expression for ``text``; intermediate symbols are replaced by what they
    stand for (``t`` → ``x + y``) so ``2t`` and ``2(x+y)`` compare equal."""
    source = normalize_math(text)
    if not source:
        raise ExpressionError("quiz.expr.empty")
    if len(source) > MAX_LENGTH:
        raise ExpressionError("quiz.expr.too_long", {"limit": MAX_LENGTH})
    allowed = set(variables) | set(substitutions)
    _check_tokens(source, allowed)
    symbols = {name: sympy.Symbol(name) for name in allowed}
    unevaluated = _parse(source, symbols, allowed, evaluate=False)
    _check_sizes(unevaluated)
    expr = _parse(source, symbols, allowed, evaluate=True)
    for name, replacement in substitutions.items():
        inner = parse_student_expression(replacement, variables, {})
        expr = expr.subs(symbols[name], inner)
    return expr


def _check_tokens(source: str, allowed: set[str]) -> None:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        raise ExpressionError("quiz.expr.syntax") from None
    for tok in tokens:
        if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT):
            continue
        if tok.type == tokenize.NUMBER:
            if not _plain_number(tok.string):
                raise ExpressionError("quiz.expr.bad_token", {"token": tok.string})
        elif tok.type == tokenize.NAME:
            if tok.string not in allowed and tok.string not in FUNCTIONS and not _is_product_of(tok.string, allowed):
                raise ExpressionError("quiz.expr.unknown_name",
                                      {"name": tok.string, "allowed": ", ".join(sorted(allowed))})
        elif tok.type == tokenize.OP and tok.string in _OPERATORS:
            continue
        else:
            raise ExpressionError("quiz.expr.bad_token", {"token": tok.string})


def _plain_number(token: str) -> bool:
    lowered = token.lower()
    if "_" in token or lowered.endswith("j") or lowered.startswith(("0x", "0o", "0b")):
        return False
    try:
        return abs(float(token)) <= MAX_LITERAL
    except ValueError:
        return False


def _is_product_of(name: str, allowed: set[str]) -> bool:
    # "xy" is read as x*y when both are one-letter variables of the question.
    return len(name) > 1 and all(ch in allowed for ch in name)


def _parse(source: str, symbols: dict[str, sympy.Symbol], allowed: set[str], *, evaluate: bool) -> sympy.Expr:
    split = split_symbols_custom(lambda name: name not in allowed and name not in FUNCTIONS)
    transformations = standard_transformations + (split, implicit_multiplication,
                                                  implicit_application, convert_xor)
    local_dict = {**FUNCTIONS, **symbols}
    global_dict = {"__builtins__": {}, **_SYMPY_NAMES}
    try:
        expr = parse_expr(source, local_dict=local_dict, global_dict=global_dict,
                          transformations=transformations, evaluate=evaluate)
    except Exception:  # sympy raises many kinds for malformed input
        raise ExpressionError("quiz.expr.syntax") from None
    if not isinstance(expr, sympy.Expr):
        raise ExpressionError("quiz.expr.syntax")
    return expr


def _check_sizes(expr: sympy.Basic) -> None:
    """Refuse constant exponents that are not small numbers before anything evaluates them."""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Pow) and not node.exp.free_symbols:
            if not _small_constant(node.exp):
                raise ExpressionError("quiz.expr.too_big")


def _small_constant(expr: sympy.Basic) -> bool:
    if isinstance(expr, sympy.Number):
        return abs(float(expr)) <= MAX_EXPONENT
    if isinstance(expr, sympy.Pow):  # only a reciprocal (from "/") inside an exponent
        return expr.exp == -1 and _small_constant(expr.base)
    if isinstance(expr, (sympy.Add, sympy.Mul)):
        return all(_small_constant(arg) for arg in expr.args)
    return False


def equivalent(a: sympy.Expr, b: sympy.Expr, *, samples: int = 6, rel_tol: float = 1e-9) -> bool:
    """True when ``a`` and ``b`` are the same function of their variables.

    sympy's simplification decides most cases; random numeric points catch the rest
    (they are drawn in [0.5, 2] so logs and roots stay real).
    """
    difference = sympy.expand(a - b)
    if difference == 0:
        return True
    try:
        if sympy.simplify(difference) == 0:
            return True
    except Exception:  # simplify can fail on exotic input; fall through to numbers
        pass
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    rng = random.Random(0)
    for _ in range(samples):
        point = {s: sympy.Float(rng.uniform(0.5, 2.0)) for s in symbols}
        try:
            va, vb = complex(a.evalf(subs=point)), complex(b.evalf(subs=point))
        except (TypeError, ValueError):
            return False
        if abs(va - vb) > rel_tol * max(1.0, abs(va), abs(vb)):
            return False
    return True
