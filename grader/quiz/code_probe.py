"""Running one code answer: the setup, then the answer, and the value it leaves.

The student's answer runs here only inside the child of the process boundary
(:mod:`grader.boundary.child`, through :func:`answer`): its value comes back over the
boundary's wire and is compared in the grader's process with the model answer's, which
the grader computes itself with the same setup and seed (:func:`model_values`) — so
nothing the answer does to numpy, json or this module can change the expected value.
Nothing here imports the reference.
"""
from __future__ import annotations

import ast
import math
import traceback
import types
from typing import Any

import numpy as np

from grader.boundary.wire_types import AnswerErrorFacts, AnswerOutcome, AnswerSpec, Get

ANSWER_FILE = "<answer>"
SETUP_FILE = "<setup>"


class AnswerError(Exception):
    """What went wrong with an answer, as plain facts (a ``kind`` and its details)."""

    def __init__(self, error: AnswerErrorFacts) -> None:
        super().__init__(error.get("kind", ""))
        self.error = error


def course_functions() -> types.SimpleNamespace:
    """The course's ``common/functions.py`` as setups and answers call it (``functions.relu``)."""

    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    def softmax(x):
        x = x - np.max(x, axis=-1, keepdims=True)
        return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)

    def mean_squared_error(d, y):
        if np.ndim(y) == 2:
            return 0.5 * np.sum((y - d) ** 2) / y.shape[0]
        return 0.5 * np.sum((y - d) ** 2)

    def d_mean_squared_error(d, y):
        return (y - d) / y.shape[0] if np.ndim(y) == 2 else (y - d)

    def cross_entropy_error(d, y):
        if y.ndim == 1:
            d, y = d.reshape(1, d.size), y.reshape(1, y.size)
        if d.size == y.size:
            d = d.argmax(axis=1)
        batch_size = y.shape[0]
        return -np.sum(np.log(y[np.arange(batch_size), d] + 1e-7)) / batch_size

    return types.SimpleNamespace(
        sigmoid=sigmoid, d_sigmoid=lambda x: sigmoid(x) * (1 - sigmoid(x)),
        relu=lambda x: np.maximum(0, x), d_relu=lambda x: np.where(x > 0, 1.0, 0.0),
        softmax=softmax, mean_squared_error=mean_squared_error,
        d_mean_squared_error=d_mean_squared_error, cross_entropy_error=cross_entropy_error)


def namespace_for(seed: int, setup: str, bare_functions: list[str] = ()) -> dict:
    """The names an answer sees: numpy, math, the seeded ``rng``, the course's functions (and
    those of them the course's notebook defines itself, by bare name), the setup's."""
    functions = course_functions()
    namespace = {"np": np, "numpy": np, "math": math, "rng": np.random.default_rng(seed), "seed": seed,
                 "functions": functions}
    namespace.update({name: getattr(functions, name) for name in bare_functions})
    exec(compile(setup, SETUP_FILE, "exec"), namespace)  # noqa: S102 - the quiz author's setup
    return namespace


def value_of(code: str, namespace: dict, compare: list[str] | None) -> Any:
    """The value an answer computes: an expression's, or the names in ``compare`` it defines."""
    try:
        tree = ast.parse(code, ANSWER_FILE, mode="exec")
    except SyntaxError as exc:
        raise AnswerError({"kind": "syntax", "type": "SyntaxError", "message": exc.msg or "",
                           "line": exc.lineno}) from None
    body = tree.body
    single_expr = len(body) == 1 and isinstance(body[0], ast.Expr)
    if compare is None:
        # The value of an expression, or of the right side of one assignment
        # ("x_batch, t_batch = data_x[i:i_end], data_t[i:i_end]").
        if single_expr or (len(body) == 1 and isinstance(body[0], ast.Assign)):
            return eval(compile(ast.Expression(body[0].value), ANSWER_FILE, "eval"), namespace)  # noqa: S307
        if len(body) > 1 and isinstance(body[-1], (ast.Expr, ast.Assign)):
            # "m = x.mean(axis=0); (x - m) / x.std(axis=0)": the last statement is the value.
            exec(compile(ast.Module(body[:-1], type_ignores=[]), ANSWER_FILE, "exec"), namespace)  # noqa: S102
            return eval(compile(ast.Expression(body[-1].value), ANSWER_FILE, "eval"), namespace)  # noqa: S307
        raise AnswerError({"kind": "need_expression", "type": "", "message": "", "line": None})
    if single_expr and len(compare) == 1:
        # "functions.sigmoid(u)" answers "z = functions.sigmoid(u)".
        namespace[compare[0]] = eval(compile(ast.Expression(body[0].value), ANSWER_FILE, "eval"), namespace)  # noqa: S307
    else:
        exec(compile(tree, ANSWER_FILE, "exec"), namespace)  # noqa: S102
    missing = [name for name in compare if name not in namespace]
    if missing:
        raise AnswerError({"kind": "undefined", "type": "", "message": ", ".join(missing), "line": None})
    return {name: namespace[name] for name in compare}


def describe(exc: BaseException, filename: str, namespace: dict | None = None) -> AnswerErrorFacts:
    """The facts of an exception raised by an answer (or by the setup)."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
    kind = "setup" if filename == SETUP_FILE else "exception"
    if isinstance(exc, SystemExit):
        kind = "exit"
    elif isinstance(exc, MemoryError):
        kind = "memory"
    error: AnswerErrorFacts = {"kind": kind, "type": type(exc).__name__, "message": str(exc)[:500], "line": line}
    if isinstance(exc, NameError) and namespace is not None:
        error["names"] = sorted(k for k in namespace
                                if not k.startswith("_") and k not in ("seed", "numpy", "math", "__builtins__"))
    return error


def run(code: str, setup: str, seed: int, compare: list[str] | None, bare_functions: list[str] = ()) -> AnswerOutcome:
    """``{"value": …}`` or ``{"answer_error": {…}}`` (``{"setup_error": …}`` for the author's)."""
    try:
        namespace = namespace_for(seed, setup, bare_functions)
    except BaseException as exc:  # noqa: BLE001 - the author's setup is broken: say so, not the student
        return {"setup_error": describe(exc, SETUP_FILE)}
    try:
        return {"value": value_of(code, namespace, compare)}
    except AnswerError as problem:
        return {"answer_error": problem.error}
    except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt too: the answer's fault
        return {"answer_error": describe(exc, ANSWER_FILE, namespace)}


def answer(get: Get, spec: AnswerSpec) -> AnswerOutcome:
    """The probe the boundary's child runs: the student's answer for one seed."""
    return run(spec["code"], spec["setup"], spec["seed"], spec["compare"], spec["bare_functions"])
