"""Numeric answers: exact arithmetic on what the student typed, compared by the question's rule.

``0.25^5``, ``(1/4)^5``, ``1/√100``, ``0.5 − 0.1 × 2.0``, ``18個``, ``約0.00098``,
``1/4 = 0.25`` and ``0.25（1/4）`` are all read (mathparse, no variables), exactly, as
sympy rationals or surds. The question decides how close is close enough, matching what
its explanation shows: ``tolerance`` (absolute), ``rtol`` (relative), ``sig_figs`` (the
answer rounded to that many significant figures) or ``decimals`` (rounded to that many
decimal places); without one, 1e-9 relative.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sympy

from grader.quiz.mathparse import MAX_LENGTH, ExpressionError, parse
from grader.quiz.reading import Folded, Rules, fold_math, split_sides, strip_approximately, strip_note

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_UNIT_TAIL = re.compile(r"[^\d\s.()+\-*/^√,a-zA-Zπ]+$")
MAX_INT_BITS = 100


@dataclass(frozen=True)
class NumberRule:
    """How close a typed number must be to the exact answer."""

    tolerance: float | None = None
    rtol: float | None = None
    sig_figs: int | None = None
    decimals: int | None = None

    @classmethod
    def of(cls, data: dict[str, Any]) -> "NumberRule":
        return cls(data.get("tolerance"), data.get("rtol"), data.get("sig_figs"), data.get("decimals"))

    def allowed_error(self, expected: sympy.Expr) -> sympy.Expr:
        if self.decimals is not None:
            return sympy.Rational(1, 2) * sympy.Integer(10) ** (-self.decimals)
        if self.sig_figs is not None:
            if expected == 0:
                return sympy.Integer(0)
            magnitude = sympy.floor(sympy.log(abs(expected), 10).evalf(30))
            return sympy.Rational(1, 2) * sympy.Integer(10) ** (int(magnitude) - self.sig_figs + 1)
        if self.tolerance is not None:
            return sympy.Rational(repr(float(self.tolerance)))
        if self.rtol is not None:
            return sympy.Rational(repr(float(self.rtol))) * abs(expected)
        return sympy.Rational(1, 10**9) * max(1, abs(expected))

    def agrees(self, value: sympy.Expr, expected: sympy.Expr) -> bool:
        error = abs((value - expected).evalf(50))
        # A hair of slack so an exactly halfway rounding (0.5 units) is not lost to evalf.
        return bool(error <= self.allowed_error(expected) * (1 + sympy.Rational(1, 10**12)))


def as_text(answer: Any) -> str:
    """A YAML number as the digits the student wrote; refuses huge integers before ``str``
    (Python refuses to print ints over 4300 digits)."""
    if isinstance(answer, bool):
        raise ExpressionError("quiz.expr.not_a_number")
    if isinstance(answer, int):
        if answer.bit_length() > MAX_INT_BITS:
            raise ExpressionError("quiz.expr.too_many_digits", {"token": "…", "limit": 30})
        return str(answer)
    if isinstance(answer, float):
        return repr(answer)
    if isinstance(answer, str):
        return answer
    raise ExpressionError("quiz.expr.not_a_number")


# Counters (and 万/億) after a whole number: "18個", "3072 ノード", "1万枚", "50 行".
_COUNTER = re.compile(r"(?<=[\d)）\s])\s*(?P<multiplier>万|億)?\s*(?:個の?(?:ノード|値|要素|パラメータ|重み)?"
                      r"|つ|コ|枚|本|回|行|列|次元|ノード|通り|個)?\s*$")
_MULTIPLIERS = {"万": 10 ** 4, "億": 10 ** 8}


def strip_counter(text: str) -> tuple[str, int]:
    """The number without its counter, and the multiplier it carried (1 when none)."""
    match = _COUNTER.search(text)
    if not match or not match.group(0).strip():
        return text, 1
    return text[:match.start()], _MULTIPLIERS.get(match.group("multiplier") or "", 1)


def read_numbers(answer: Any, rules: Rules) -> list[sympy.Expr]:
    """Every value the student claims (``1/4 = 0.25`` claims two), exactly."""
    text, multiplier = as_text(answer), 1
    if rules.counters and isinstance(answer, str):
        text, multiplier = strip_counter(text)
    folded = strip_note(fold_math(text).strip())
    if not folded.text:
        raise ExpressionError("quiz.expr.empty")
    if len(folded.text) > MAX_LENGTH:
        raise ExpressionError("quiz.expr.too_long", {"limit": MAX_LENGTH})
    parts = split_sides(folded, rules)
    while len(parts) > 1 and _names_only(parts[0], rules):
        parts.pop(0)  # "N*out_h*out_w = 50": a left side of names, the value follows
    values = []
    for part in parts:
        for piece in _annotations(strip_approximately(part)):
            values.append(_read_one(piece, rules) * multiplier)
    return values


def _names_only(part: Folded, rules: Rules) -> bool:
    """A left-hand side made of names (no number answer has any): not a claimed value."""
    try:
        _read_one(part, rules)
    except ExpressionError as exc:
        return exc.key == "quiz.expr.unknown_name"
    return False


def _annotations(part: Folded) -> list[Folded]:
    """``0.25（1/4）``: a bracket typed full-width after a complete number is a second
    form of the same answer, not a product."""
    text = part.text
    if text.endswith(")") and "(" in text:
        open_at = _matching_open(text)
        if open_at and part.raw[part.origin[open_at]] == "（" and text[:open_at].strip():
            return [part.slice(0, open_at).strip(), part.slice(open_at + 1, len(text) - 1).strip()]
    return [part]


def _matching_open(text: str) -> int | None:
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return None


def _read_one(part: Folded, rules: Rules) -> sympy.Expr:
    part, factor = _strip_unit(part, rules)
    text = part.text
    if "," in text:
        if not _THOUSANDS.fullmatch(text.replace(" ", "")):
            raise ExpressionError("quiz.expr.syntax")
        keep = [i for i, ch in enumerate(text) if ch != ","]
        part = Folded("".join(text[i] for i in keep), tuple(part.origin[i] for i in keep), part.raw)
    value = parse(part, rules, numeric=True) * factor
    numeric = value.evalf(30)
    if not numeric.is_real or not numeric.is_finite:
        raise ExpressionError("quiz.expr.not_finite")
    return value


def _strip_unit(part: Folded, rules: Rules) -> tuple[Folded, sympy.Expr]:
    match = _UNIT_TAIL.search(part.text)
    if not match:
        return part, sympy.Integer(1)
    unit = match.group(0)
    if unit not in rules.units:
        raise ExpressionError("quiz.expr.unit_not_allowed",
                              {"unit": part.typed(match.start(), match.end()),
                               "units": ", ".join(rules.units) or "-"})
    factor = sympy.Rational(repr(float(rules.units[unit])))
    return part.slice(0, match.start()).strip(), factor


def expected_value(answer: Any, rules: Rules) -> sympy.Expr:
    """The model answer exactly: a YAML number, or a formula such as ``3/sqrt(5)``."""
    return read_numbers(answer, Rules(constants=rules.constants))[-1]


_SQUARE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:\*|x|X)\s*(\d+(?:\.\d+)?)\s*$")


def square_side(answer: Any) -> sympy.Expr | None:
    """``7×7`` (``7 x 7``, ``7*7``, full-width too) with both sides equal: the side, 7."""
    try:
        folded = fold_math(as_text(answer)).text
    except ExpressionError:
        return None
    match = _SQUARE.match(folded)
    if not match or match.group(1) != match.group(2):
        return None
    return sympy.Rational(match.group(1))


def shown(value: sympy.Expr) -> str:
    """A value as a message shows it: an integer as digits, else up to 10 significant figures."""
    if value.is_Integer:
        return str(value)
    number = value.evalf(10)
    return f"{float(number):.10g}" if number.is_real else str(number)
