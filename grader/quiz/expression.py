"""Symbolic answers: read what a student typed (grader.quiz.mathparse) and decide equivalence.

Equivalence is decided exactly when sympy can (the difference simplifies to 0), and
otherwise by high-precision sampling at random points, where a non-finite value (an
overflow such as ``exp(1000)`` in double precision, a pole) never agrees with anything.
Expressions are bounded in size and degree before any simplification, and simplification
runs under a time limit when the grader can set one (the main thread).
"""
from __future__ import annotations

import math
import random
import signal
import threading
from contextlib import contextmanager
from typing import Iterator

import sympy

from grader.quiz.mathparse import MAX_LENGTH, ExpressionError, parse  # noqa: F401  (re-exported)
from grader.quiz.reading import Rules, fold_math, split_sides, strip_approximately, strip_note

SIMPLIFY_SECONDS = 3.0
SAMPLE_DIGITS = 40
SAMPLES = 8


def read_expression(text: str, rules: Rules) -> list[sympy.Expr]:
    """Every claimed form in ``text`` (``dz/dx = 2t = 2(x+y)`` gives two), as sympy."""
    folded = strip_note(fold_math(str(text)).strip())
    if not folded.text:
        raise ExpressionError("quiz.expr.empty")
    if len(folded.text) > MAX_LENGTH:
        raise ExpressionError("quiz.expr.too_long", {"limit": MAX_LENGTH})
    parts = split_sides(folded, rules)
    return [parse(strip_approximately(part), rules) for part in parts]


class _OutOfTime(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise _OutOfTime after ``seconds`` of this process's CPU time (not wall time: a busy
    machine must not change a verdict) when on the main thread, where signals work — as
    in the bounded child of grader/quiz/bounded.py; elsewhere the child's limits apply."""
    usable = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if not usable:
        yield
        return
    timer, signum = ((signal.ITIMER_PROF, signal.SIGPROF) if hasattr(signal, "SIGPROF")
                     else (signal.ITIMER_REAL, signal.SIGALRM))

    def expire(signum, frame):  # noqa: ARG001
        raise _OutOfTime()

    previous = signal.signal(signum, expire)
    signal.setitimer(timer, seconds)
    try:
        yield
    finally:
        signal.setitimer(timer, 0)
        signal.signal(signum, previous)


def equivalent(a: sympy.Expr, b: sympy.Expr) -> bool:
    """True when ``a`` and ``b`` are the same function of their variables."""
    if not _samples_agree(a, b):
        return False
    try:
        with time_limit(SIMPLIFY_SECONDS):
            difference = sympy.simplify(sympy.expand(a - b))
    except _OutOfTime:
        # Agreeing samples with a difference sympy cannot settle in time: refuse rather than
        # accept something like 2(x+y) + exp(-1000), which agrees to any sampled precision.
        return False
    except Exception:  # sympy can fail on exotic input: the samples decide
        return True
    return difference == 0 or _is_zero(difference)


def _is_zero(expr: sympy.Expr) -> bool:
    try:
        return bool(expr.equals(0))
    except Exception:
        return False


def _samples_agree(a: sympy.Expr, b: sympy.Expr) -> bool:
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    rng = random.Random(0)
    for _ in range(SAMPLES):
        point = {s: sympy.Rational(rng.randint(500, 2000), 1000) for s in symbols}
        # Double precision first: a value that overflows there (a tower of exp) never
        # agrees, and is never handed to mpmath, whose exact digits have no bound in time.
        if _float_value(a, point) is None or _float_value(b, point) is None:
            return False
        va, vb = _value(a, point), _value(b, point)
        if va is None or vb is None:
            return False
        scale = max(1, abs(va), abs(vb))
        if abs(va - vb) > sympy.Float(10) ** (-(SAMPLE_DIGITS - 10)) * scale:
            return False
    return True


class _NoFloat(Exception):
    """A node the double-precision pre-check does not evaluate (mpmath decides)."""


_FLOAT_FUNCTIONS = {sympy.exp: math.exp, sympy.log: math.log, sympy.sin: math.sin, sympy.cos: math.cos,
                    sympy.tan: math.tan, sympy.tanh: math.tanh, sympy.Abs: abs}


def _float_value(expr: sympy.Expr, point: dict) -> float | bool | None:
    """The value in double precision; None when it overflows or is not a finite real
    number there, True when some node is not one this pre-check evaluates."""
    try:
        value = _float_of(expr, point, 0)
    except _NoFloat:
        return True
    except (OverflowError, ValueError, ZeroDivisionError, TypeError):
        return None
    return value if math.isfinite(value) else None


def _float_of(expr: sympy.Expr, point: dict, depth: int) -> float:
    if depth > 200:
        raise _NoFloat()
    if expr.is_Symbol:
        return float(point[expr])
    if expr.is_Number or expr in (sympy.pi, sympy.E):
        return float(expr)
    args = [_float_of(arg, point, depth + 1) for arg in expr.args]
    if expr.is_Add:
        return math.fsum(args)
    if expr.is_Mul:
        return math.prod(args)
    if expr.is_Pow:
        result = math.pow(args[0], args[1])
        return result
    if isinstance(expr, (sympy.Max, sympy.Min)):
        return max(args) if isinstance(expr, sympy.Max) else min(args)
    function = _FLOAT_FUNCTIONS.get(expr.func)
    if function is None or len(args) != 1:
        raise _NoFloat()
    return float(function(args[0]))


def _value(expr: sympy.Expr, point: dict) -> sympy.Expr | None:
    """The value at ``point`` to SAMPLE_DIGITS digits; None when it is not a finite number."""
    try:
        value = expr.evalf(SAMPLE_DIGITS, subs=point)
    except Exception:
        return None
    if not value.is_number or value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return None
    if value.is_finite is False:
        return None
    re, im = value.as_real_imag()
    if abs(im) > sympy.Float(10) ** (-(SAMPLE_DIGITS - 10)) * max(1, abs(re)):
        return None
    return re
