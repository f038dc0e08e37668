"""Reading a folded formula or number into sympy, safely and within bounds.

A small recursive-descent parser builds sympy objects directly: nothing the student
typed is ever passed to ``eval`` (sympy's own ``parse_expr`` evaluates generated Python).
Grammar, loosest first::

    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary | <juxtaposed> power)*    # 2x, 2(x+y), σ(u)(1−σ(u))
    unary   := ("-" | "+") unary | power
    power   := atom ("^" unary)?                                  # right-associative: 2^-10
    atom    := number | name | name "(" sum ")" | "(" sum ")" | "√" atom

Bounds are checked while building, before sympy could expand anything: literal digits and
exponents, constant powers, nesting depth, the polynomial degree and the node count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

import sympy

from grader.quiz.reading import Folded, Rules

MAX_LENGTH = 200
MAX_DEPTH = 40
MAX_DIGITS = 30
MAX_DECIMAL_EXPONENT = 400
MAX_EXPONENT = 100
MAX_DEGREE = 12
MAX_NODES = 400
MAX_CONSTANT_DIGITS = 400

_u = sympy.Symbol("_u")
COURSE_FUNCTIONS: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "sigmoid": lambda x: 1 / (1 + sympy.exp(-x)),
    "relu": lambda x: sympy.Max(0, x),
}
BUILTIN_FUNCTIONS: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "exp": sympy.exp, "log": sympy.log, "ln": sympy.log, "sqrt": sympy.sqrt,
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "tanh": sympy.tanh, "abs": sympy.Abs,
}
CONSTANTS = {"e": sympy.E, "π": sympy.pi, "pi": sympy.pi}
# Greek letters and the names students type for them: interchangeable where the question
# uses either (its variables, substitutions or constants).
GREEK = {"μ": ("mu",), "σ": ("sigma",), "λ": ("lam", "lambda"), "α": ("alpha",), "β": ("beta",),
         "γ": ("gamma",), "ε": ("eps", "epsilon"), "η": ("eta",), "θ": ("theta",), "δ": ("delta",)}
_NUMBER = re.compile(r"(\d+(?: \d+)*(?:\.\d*(?: \d+)*)?|\.\d+)(?:[eE]([+-]?\d+))?")
_NAME = re.compile(r"[A-Za-z_\u0370-\u03ff][A-Za-z0-9_\u0370-\u03ff]*'*")
_OPERATORS = "+-*/^(),√"


@dataclass
class ExpressionError(Exception):
    """Why a typed formula or number cannot be read; ``key`` names the message."""

    key: str
    fields: dict[str, Any] = field(default_factory=dict)

    def describe(self, lang: str) -> str:
        from grader.i18n import t
        return t(self.key, lang, **self.fields)


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    start: int
    end: int


def tokenize(folded: Folded) -> list[Token]:
    text, tokens, i = folded.text, [], 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if text.startswith("**", i):
            tokens.append(Token("op", "^", i, i + 2))
            i += 2
            continue
        if text.startswith("//", i):
            tokens.append(Token("op", "//", i, i + 2))
            i += 2
            continue
        number = _NUMBER.match(text, i) if (ch.isdigit() or ch == ".") else None
        if number:
            tokens.append(Token("num", number.group(0), i, number.end()))
            i = number.end()
            continue
        name = _NAME.match(text, i)
        if name:
            tokens.append(Token("name", name.group(0), i, name.end()))
            i = name.end()
            continue
        if ch in _OPERATORS:
            tokens.append(Token("op", ch, i, i + 1))
        else:
            tokens.append(Token("bad", ch, i, i + 1))
        i += 1
    tokens.append(Token("end", "", len(text), len(text)))
    return tokens


def read_number_literal(token: str, typed: str) -> sympy.Rational:
    """An exact rational for ``1.5``, ``2.5e-1`` or ``0.000 976`` (spaces inside digits)."""
    match = _NUMBER.fullmatch(token)
    mantissa, exponent = (match.group(1), match.group(2)) if match else (token, None)
    mantissa = mantissa.replace(" ", "")
    digits = mantissa.replace(".", "").lstrip("0")
    if len(digits) > MAX_DIGITS:
        raise ExpressionError("quiz.expr.too_many_digits", {"token": typed, "limit": MAX_DIGITS})
    power = int(exponent) if exponent and len(exponent.lstrip("+-")) <= 6 else (10**9 if exponent else 0)
    if abs(power) > MAX_DECIMAL_EXPONENT:
        raise ExpressionError("quiz.expr.too_big_number", {"token": typed})
    value = sympy.Rational(mantissa if mantissa != "." else "0")
    return value * sympy.Integer(10) ** power


class Parser:
    """One formula; ``numeric`` parsers know no variables at all."""

    def __init__(self, folded: Folded, rules: Rules, *, numeric: bool = False):
        self.folded, self.rules = folded, rules
        self.tokens = tokenize(folded)
        self.pos, self.depth = 0, 0
        self.symbols = {} if numeric else {name: sympy.Symbol(name) for name in rules.variables}
        self.values: dict[str, sympy.Expr] = dict(self.symbols)
        for name in rules.constants:
            self.values[name] = CONSTANTS[name]
        if not numeric:
            for name, text in rules.substitutions.items():
                inner = Rules(variables=rules.variables, functions=rules.functions, constants=rules.constants)
                self.values[name] = parse(Folded(text, tuple(range(len(text))), text), inner)
        self.functions = {**BUILTIN_FUNCTIONS,
                          **{name: COURSE_FUNCTIONS[f] for name, f in rules.functions.items()}}
        for letter, names in GREEK.items():  # μ and mu, σ and sigma: either where one is a value
            known = [n for n in (letter, *names) if n in self.values]
            for alias in (letter, *names):
                if known and alias not in self.values and alias not in self.functions:
                    self.values[alias] = self.values[known[0]]
        self.tokens = [piece for tok in self.tokens for piece in self.split_product(tok)]
        self.check_tokens()

    def check_tokens(self) -> None:
        """The first unknown name or character that has no place in a formula, before
        anything is built; quoted as the student typed it."""
        for tok in self.tokens:
            if tok.kind == "name" and tok.text not in self.values and tok.text not in self.functions:
                allowed = ", ".join(sorted(self.values)) or "-"
                raise ExpressionError("quiz.expr.unknown_name", {"name": self.typed(tok), "allowed": allowed})
            if tok.kind == "bad":
                raise ExpressionError("quiz.expr.bad_token", {"token": self.typed(tok)})

    # --- tokens ------------------------------------------------------------------------
    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def expect(self, text: str) -> None:
        if self.token.text != text or self.token.kind != "op":
            raise ExpressionError("quiz.expr.syntax")
        self.pos += 1

    def typed(self, tok: Token) -> str:
        return self.folded.typed(tok.start, tok.end)

    # --- grammar -----------------------------------------------------------------------
    def parse(self) -> sympy.Expr:
        if self.token.kind == "end":
            raise ExpressionError("quiz.expr.empty")
        expr = self.sum()
        if self.token.kind != "end":
            raise ExpressionError("quiz.expr.syntax")
        return expr

    def nested(self, rule: Callable[[], sympy.Expr]) -> sympy.Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("quiz.expr.too_deep", {"limit": MAX_DEPTH})
        try:
            return rule()
        finally:
            self.depth -= 1

    def sum(self) -> sympy.Expr:
        expr = self.product()
        while self.token.kind == "op" and self.token.text in "+-":
            op = self.take().text
            right = self.product()
            expr = bounded(expr + right if op == "+" else expr - right)
        return expr

    def starts_factor(self) -> bool:
        tok = self.token
        return tok.kind in ("num", "name") or (tok.kind == "op" and tok.text in "(√")

    def product(self) -> sympy.Expr:
        expr = self.unary()
        while True:
            if self.token.kind == "op" and self.token.text in ("*", "/", "//"):
                op = self.take().text
                right = self.unary()
                if op in ("/", "//") and right == 0:
                    raise ExpressionError("quiz.expr.division_by_zero")
                if op == "//":  # Python's floor division, as students write output sizes
                    expr = bounded(sympy.floor(expr / right))
                else:
                    expr = bounded(expr * right if op == "*" else expr / right)
            elif self.starts_factor():
                expr = bounded(expr * self.power())
            else:
                return expr

    def unary(self) -> sympy.Expr:
        if self.token.kind == "op" and self.token.text in "+-":
            op = self.take().text
            value = self.nested(self.unary)
            return -value if op == "-" else value
        return self.power()

    def power(self) -> sympy.Expr:
        base = self.nested(self.atom)
        if self.token.kind == "op" and self.token.text == "^":
            self.take()
            exponent = self.nested(self.unary)
            return bounded_power(base, exponent)
        return base

    def atom(self) -> sympy.Expr:
        tok = self.take()
        if tok.kind == "num":
            return read_number_literal(tok.text, self.typed(tok))
        if tok.kind == "op" and tok.text == "(":
            inner = self.nested(self.sum)
            self.expect(")")
            return inner
        if tok.kind == "op" and tok.text == "√":
            return bounded_power(self.nested(self.atom), sympy.Rational(1, 2))
        if tok.kind == "name":
            return self.name(tok)
        if tok.kind == "end":
            raise ExpressionError("quiz.expr.syntax")
        raise ExpressionError("quiz.expr.syntax")

    def name(self, tok: Token) -> sympy.Expr:
        name = tok.text
        if name in self.functions and self.token.text == "(" and self.token.kind == "op":
            return self.call(name)
        if name in self.values:
            return self.values[name]
        if name in self.functions:
            raise ExpressionError("quiz.expr.syntax")
        allowed = ", ".join(sorted(self.values)) or "-"
        raise ExpressionError("quiz.expr.unknown_name", {"name": self.typed(tok), "allowed": allowed})

    def call(self, name: str) -> sympy.Expr:
        # "σ(1−σ)": a name that is both a value and a function is a call only when its
        # bracket mentions one of the question's variables; otherwise it is the value times
        # the bracket, as students write σ(1−σ) for σ(u)(1−σ(u)).
        self.expect("(")
        start = self.pos
        argument = self.nested(self.sum)
        mentions_variable = any(t.kind == "name" and t.text in self.symbols for t in self.tokens[start:self.pos])
        self.expect(")")
        if name in self.values and not mentions_variable:
            return bounded(self.values[name] * argument)
        return bounded(self.functions[name](argument))

    def split_product(self, tok: Token) -> list[Token]:
        """``xy`` or ``wz²`` as juxtaposed one-letter names the question declares, so a
        power binds to the last letter only (w·z², not (wz)²)."""
        name = tok.text
        if tok.kind != "name" or name in self.values or name in self.functions or len(name) < 2:
            return [tok]
        if all(ch in self.values for ch in name):
            return [Token("name", ch, tok.start + i, tok.start + i + 1) for i, ch in enumerate(name)]
        if name[0] in GREEK and name[0] in self.values and all(ch in self.values for ch in name[1:]):
            return [Token("name", ch, tok.start + i, tok.start + i + 1) for i, ch in enumerate(name)]  # λw
        return [tok]


def bounded(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` when it is small enough to simplify later; ExpressionError otherwise."""
    if not isinstance(expr, sympy.Expr) or expr.has(sympy.zoo, sympy.nan):
        raise ExpressionError("quiz.expr.not_finite")
    if sympy.count_ops(expr, visual=False) > MAX_NODES:
        raise ExpressionError("quiz.expr.too_big")
    if degree(expr) > MAX_DEGREE:
        raise ExpressionError("quiz.expr.too_big")
    return expr


def bounded_power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    if not exponent.free_symbols:
        if not (exponent.is_Rational and abs(exponent) <= MAX_EXPONENT and exponent.q <= MAX_EXPONENT):
            if not (exponent.is_real and exponent.is_finite and abs(float(exponent)) <= MAX_EXPONENT):
                raise ExpressionError("quiz.expr.too_big")
        if not base.free_symbols and base != 0:
            size = abs(float(sympy.log(abs(base.evalf(20)), 10))) * abs(float(exponent)) if base.is_number else 0
            if size > MAX_CONSTANT_DIGITS:
                raise ExpressionError("quiz.expr.too_big")
    if base == 0 and (exponent.is_negative or exponent == 0):
        raise ExpressionError("quiz.expr.division_by_zero")
    return bounded(base ** exponent)


def degree(expr: sympy.Basic) -> float:
    """An upper bound on the polynomial degree ``expand`` would meet (functions count as
    one symbol), so ``((y+d+1)**100)**100`` is refused before anything expands it."""
    if expr.is_Symbol:
        return 1
    if expr.is_Number or not expr.args:
        return 0
    if expr.is_Add:
        return max(degree(a) for a in expr.args)
    if expr.is_Mul:
        return sum(degree(a) for a in expr.args)
    if expr.is_Pow:
        base, exponent = expr.args
        if not exponent.free_symbols:
            try:
                return degree(base) * abs(float(exponent))
            except TypeError:
                return MAX_DEGREE + 1
        return degree(base) + degree(exponent) + 1
    return max((degree(a) for a in expr.args), default=0) + (1 if expr.free_symbols else 0)


def parse(folded: Folded, rules: Rules, *, numeric: bool = False) -> sympy.Expr:
    """The sympy value of one folded formula (no ``=`` in it)."""
    if len(folded.text) > MAX_LENGTH:
        raise ExpressionError("quiz.expr.too_long", {"limit": MAX_LENGTH})
    return Parser(folded, rules, numeric=numeric).parse()
