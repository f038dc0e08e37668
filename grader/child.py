"""The child process: imports the student's modules and runs the probes it is sent.

It reads requests from one pipe and writes outcomes to another; its own stdin, stdout
and stderr go to /dev/null so that nothing the student prints can look like a result.
Run as ``python -m grader.child SUBMISSION`` (spawn) or entered after ``os.fork()``.
"""
from __future__ import annotations

import importlib
import os
import re
import sys
import traceback
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from grader import probes, wire

STUDENT_MODULES = ("functions", "network", "minibatch", "optimizers", "weight_init", "batch_norm")
BLANK_MESSAGE = re.compile(r"blank \((?P<label>[^)]+)\) in (?P<function>[\w.]+) is not filled yet")
# Trusted code the student must not reach by import from inside the child.
FORBIDDEN = ("reference", "solutions")


class _Forbidden:
    """A meta-path finder that refuses the grader's oracle to student code."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.split(".")[0] in FORBIDDEN:
            raise ImportError(f"module {name!r} is not available to submissions")
        return None


class StudentModules:
    """Imports each student module once; remembers the failure of one that won't import."""

    def __init__(self, submission: Path) -> None:
        self.submission = submission
        self.modules: dict[str, Any] = {}
        self.failures: dict[str, dict] = {}

    def get(self, module: str, name: str) -> Any:
        if module in self.failures:
            raise ImportFailed(self.failures[module])
        if module not in self.modules:
            try:
                self.modules[module] = importlib.import_module(module)
            except BaseException as exc:  # noqa: BLE001 - student code may raise anything
                self.failures[module] = describe(exc, self.submission, phase="import", module=module)
                raise ImportFailed(self.failures[module]) from None
        try:
            return getattr(self.modules[module], name.split(".")[0])
        except AttributeError:
            raise Missing(module, name) from None


class ImportFailed(Exception):
    def __init__(self, error: dict) -> None:
        self.error = error


class Missing(Exception):
    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name


def describe(exc: BaseException, submission: Path, phase: str, module: str = "") -> dict:
    """The student-facing facts of an exception: kind, type, message, file and line."""
    error: dict[str, Any] = {"phase": phase, "type": type(exc).__name__,
                             "message": _short(str(exc)), "module": module}
    match = BLANK_MESSAGE.search(str(exc)) if isinstance(exc, NotImplementedError) else None
    if match:
        error.update(kind="blank", label=match["label"], function=match["function"])
    elif isinstance(exc, SystemExit):
        error["kind"] = "exit"
    elif isinstance(exc, KeyboardInterrupt):
        error["kind"] = "interrupt"
    elif isinstance(exc, MemoryError):
        error["kind"] = "memory"
    elif isinstance(exc, RecursionError):
        error["kind"] = "recursion"
    elif isinstance(exc, ModuleNotFoundError) and phase == "import" and exc.name == module:
        error["kind"] = "missing_module"
    elif isinstance(exc, SyntaxError):
        error["kind"] = "syntax"
    else:
        error["kind"] = "exception"
    error.update(_student_location(exc, submission))
    return error


def _student_location(exc: BaseException, submission: Path) -> dict:
    """The innermost frame of the traceback that lies in the student's folder."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return {"file": _relative(exc.filename, submission), "line": exc.lineno or 0,
                "code": (exc.text or "").strip()}
    where: dict[str, Any] = {}
    for frame in traceback.extract_tb(exc.__traceback__):
        if _inside(frame.filename, submission):
            where = {"file": _relative(frame.filename, submission), "line": frame.lineno,
                     "code": (frame.line or "").strip()}
    return where


def _inside(filename: str, folder: Path) -> bool:
    try:
        Path(filename).resolve().relative_to(folder)
        return True
    except (ValueError, OSError):
        return False


def _relative(filename: str, folder: Path) -> str:
    try:
        return str(Path(filename).resolve().relative_to(folder))
    except (ValueError, OSError):
        return Path(filename).name


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def run_probe(modules: StudentModules, spec: dict) -> dict:
    """One check's outcome: the probe's values, or the error, plus any NumPy warnings."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            outcome = probes.PROBES[spec["probe"]](modules.get, spec)
        except ImportFailed as failed:
            outcome = {"error": failed.error}
        except Missing as missing:
            outcome = {"error": {"kind": "missing", "module": missing.module,
                                 "function": missing.name}}
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything
            outcome = {"error": describe(exc, modules.submission, phase="call")}
    outcome["warnings"] = _warnings_seen(caught, modules.submission)
    return outcome


def _warnings_seen(caught: list, submission: Path) -> list[dict]:
    seen = []
    for w in caught[:5]:
        seen.append({"category": w.category.__name__, "message": _short(str(w.message), 120),
                     "file": _relative(w.filename, submission) if _inside(w.filename, submission) else "",
                     "line": w.lineno if _inside(w.filename, submission) else 0})
    return seen


def serve(read_fd: int, write_fd: int, submission: str, workdir: str) -> None:
    """Answer requests until the parent closes the pipe."""
    folder = Path(submission).resolve()
    _silence_standard_streams()
    _isolate_imports(folder)
    os.chdir(workdir)  # files the student's code writes land in a folder the parent removes
    modules = StudentModules(folder)
    with os.fdopen(read_fd, "rb") as requests, os.fdopen(write_fd, "wb") as replies:
        while (request := wire.receive(requests)) is not None:
            for topic in request["topics"]:
                for check in topic["checks"]:
                    outcome = run_probe(modules, wire.decode(check["spec"]))
                    wire.send(replies, {"topic": topic["name"], "check": check["name"],
                                        "outcome": _encode_safely(outcome)})
                wire.send(replies, {"done": topic["name"]})


def _encode_safely(outcome: dict) -> Any:
    try:
        return wire.encode(outcome)
    except BaseException as exc:  # noqa: BLE001 - e.g. a student array subclass that breaks
        return wire.encode({"error": {"kind": "unsendable", "type": type(exc).__name__,
                                      "message": _short(str(exc))},
                            "warnings": outcome.get("warnings", [])})


def _silence_standard_streams() -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


def _isolate_imports(folder: Path) -> None:
    """Student modules by plain name from their folder; the oracle out of reach."""
    for name in list(sys.modules):
        if name.split(".")[0] in FORBIDDEN + STUDENT_MODULES:
            del sys.modules[name]
    project_root = Path(__file__).resolve().parents[1]
    sys.path[:] = [str(folder)] + [p for p in sys.path
                                   if p not in ("", ".") and Path(p).resolve() != project_root]
    sys.meta_path.insert(0, _Forbidden())
    sys.dont_write_bytecode = True  # leave no __pycache__ in the student's folder


def main() -> None:
    read_fd, write_fd = os.dup(0), os.dup(1)
    serve(read_fd, write_fd, sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    main()
