"""Runs a code answer in its own process; started by grader.quiz.sandbox, never imported.

Usage: python -I _sandbox_child.py JOB.json RESULT.json

The job gives the setup, the model answer, the student's answer, the names to compare
and the seeds. The result is plain JSON (numbers, lists, strings), written to its own
file so whatever the student's code prints cannot corrupt it; the parent decodes it
with json, never with pickle. The model runs first for every seed, so nothing the
student's code does to ``np`` can change the expected values.
"""
import ast
import json
import math
import sys
import traceback

MAX_ELEMENTS = 1_000_000
MAX_DEPTH = 20
ANSWER_FILE = "<answer>"


def main(job_path, result_path):
    with open(job_path, encoding="utf-8") as f:
        job = json.load(f)
    import numpy as np
    _limit_memory()
    result = {"model": run_all(np, job, job["model"]), "student": None}
    if result["model"]["ok"]:
        result["student"] = run_all(np, job, job["student"])
    text = json.dumps(result)  # before opening: a failure here must not leave half a file
    with open(result_path, "w", encoding="utf-8") as f:
        f.write(text)


def _limit_memory():
    # A runaway allocation should fail inside the child with MemoryError, not swap the
    # student's machine. Best effort: not every platform has resource limits.
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = 4 * 1024**3
        if hard == resource.RLIM_INFINITY or hard > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass


def course_functions(np):
    """The course's ``common/functions.py`` as setups and answers call it (``functions.relu``)."""
    import types

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


def run_all(np, job, code):
    outputs = []
    for seed in job["seeds"]:
        functions = course_functions(np)
        namespace = {"np": np, "numpy": np, "rng": np.random.default_rng(seed), "seed": seed,
                     "functions": functions, "math": math}
        # Where the course's notebook defines them itself: relu(u) as well as functions.relu(u).
        namespace.update({name: getattr(functions, name) for name in job.get("bare_functions", [])})
        try:
            exec(compile(job["setup"], "<setup>", "exec"), namespace)
        except BaseException as exc:  # the author's setup is broken: say so, not the student
            return {"ok": False, "error": describe(exc, "<setup>")}
        outcome = run_one(np, code, namespace, job["compare"])
        if not outcome["ok"]:
            outcome["seed"] = seed
            return outcome
        outputs.append(outcome["value"])
    return {"ok": True, "values": outputs}


def run_one(np, code, namespace, compare):
    try:
        tree = ast.parse(code, ANSWER_FILE, mode="exec")
    except SyntaxError as exc:
        return {"ok": False, "error": {"kind": "syntax", "type": "SyntaxError",
                                       "message": exc.msg or "", "line": exc.lineno}}
    try:
        value = evaluate(tree, namespace, compare)
    except _NotDefined as missing:
        return {"ok": False, "error": {"kind": "undefined", "type": "", "message": str(missing), "line": None}}
    except _NeedsExpression:
        return {"ok": False, "error": {"kind": "need_expression", "type": "", "message": "", "line": None}}
    except BaseException as exc:  # SystemExit, KeyboardInterrupt too: all are the answer's fault
        error = describe(exc, ANSWER_FILE)
        if isinstance(exc, NameError):
            error["names"] = sorted(k for k in namespace
                                    if not k.startswith("_") and k not in ("seed", "numpy", "__builtins__", "math"))
        return {"ok": False, "error": error}
    try:
        return {"ok": True, "value": encode(np, value, 0)}
    except _Unsupported as exc:
        return {"ok": False, "error": {"kind": "unsupported", "type": str(exc), "message": "", "line": None}}


class _NotDefined(Exception):
    pass


class _NeedsExpression(Exception):
    pass


def evaluate(tree, namespace, compare):
    body = tree.body
    single_expr = len(body) == 1 and isinstance(body[0], ast.Expr)
    if compare is None:
        # The value of an expression, or of the right side of one assignment
        # ("x_batch, t_batch = data_x[i:i_end], data_t[i:i_end]").
        if single_expr:
            node = body[0].value
        elif len(body) == 1 and isinstance(body[0], ast.Assign):
            node = body[0].value
        else:
            raise _NeedsExpression()
        code = compile(ast.Expression(node), ANSWER_FILE, "eval")
        return eval(code, namespace)
    if single_expr and len(compare) == 1:
        # "functions.sigmoid(u)" answers "z = functions.sigmoid(u)".
        code = compile(ast.Expression(body[0].value), ANSWER_FILE, "eval")
        namespace[compare[0]] = eval(code, namespace)
    else:
        exec(compile(tree, ANSWER_FILE, "exec"), namespace)
    missing = [name for name in compare if name not in namespace]
    if missing:
        raise _NotDefined(", ".join(missing))
    return {name: namespace[name] for name in compare}


def describe(exc, filename):
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        line = exc.lineno
    kind = "setup" if filename == "<setup>" else "exception"
    if isinstance(exc, SystemExit):
        kind = "exit"
    elif isinstance(exc, MemoryError):
        kind = "memory"
    message = str(exc)
    return {"kind": kind, "type": type(exc).__name__, "message": message[:500], "line": line}


class _Unsupported(Exception):
    pass


def encode(np, value, depth):
    """A JSON-able description of ``value``: numbers, arrays, sequences, dicts, strings."""
    if depth > MAX_DEPTH:
        raise _Unsupported("nested too deeply")
    if value is None:
        return {"t": "none"}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, (int, np.integer)):
        return {"t": "num", "v": int(value)}
    if isinstance(value, (float, np.floating)):
        return {"t": "num", "v": _float(float(value))}
    if isinstance(value, str):
        return {"t": "str", "v": value[:1000]}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise _Unsupported(f"array of {value.dtype}")
        if value.size > MAX_ELEMENTS:
            raise _Unsupported(f"array of {value.size} elements")
        flat = [_float(float(v)) for v in value.ravel().tolist()] if value.dtype.kind == "f" else value.ravel().tolist()
        return {"t": "array", "kind": value.dtype.kind, "shape": list(value.shape), "data": flat}
    if isinstance(value, (list, tuple)):
        return {"t": "seq", "items": [encode(np, v, depth + 1) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"t": "dict", "items": {k: encode(np, v, depth + 1) for k, v in value.items()}}
    raise _Unsupported(type(value).__name__)


def _float(x):
    # JSON has no NaN or infinity; spell them so the parent can rebuild them.
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
