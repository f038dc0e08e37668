"""``check("softmax")`` in a notebook: grade what the kernel has defined, out of the kernel.

The kernel's definitions are found through the objects themselves: a function (or a
class's methods) remembers the cell it was compiled from, and IPython keeps every cell's
code. Those cells — with what they use from other cells: helpers, constants, imported
modules — become a submission folder (see :mod:`grader.nb.program`), which a separate
process grades with the same engine, seed and points as ``grader check``.
"""
from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import json
import linecache
import os
import subprocess
import sys
import tempfile
import types
import warnings
from pathlib import Path
from typing import Any

from grader.i18n import LANGS, t
from grader.authoring.assignments import NAMES, TOPICS
from grader.nb.feedback import CheckFailed, CheckResult, GraderUnavailable, TopicFeedback
from grader.nb.program import (ORIGINS_FILE, Cell, Program, kept_statements, program_from_cells,
                               write_origins, write_submission)

WORKER_TIMEOUT = 120.0  # seconds; the engine gives each topic 10 s, a whole topic well under that


def check(topic: str, *definitions: Any, lang: str | None = None,
          namespace: dict[str, Any] | None = None) -> TopicFeedback:
    """Grades ``topic`` on the functions this notebook defines and shows the result.

    ``definitions`` (e.g. ``check("softmax", softmax)``) are graded in place of the
    notebook's functions of the same name. ``lang`` is "ja" or "en" (default: both).
    Returns the feedback (its value is the topic's points); raises :class:`CheckFailed`,
    an AssertionError, when the topic scores nothing.
    """
    langs = (lang,) if lang in LANGS else ("ja", "en")
    if topic not in TOPICS:
        raise ValueError(" / ".join(t("notebook.unknown_topic", code, topic=topic, topics=", ".join(TOPICS))
                                    for code in langs))
    scope = namespace if namespace is not None else sys._getframe(1).f_globals
    # Nothing the grading does may reach stderr: nbgrader scores such a cell 0.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = kernel_program(scope, topic, definitions)
        results = grade_program(program, topic, langs)
    feedback = TopicFeedback(topic, tuple(results), langs)
    # (a topic of a graded course's kernel may have no check judged here: 0 of 0 is no failure)
    if feedback.points == 0 and feedback.max_points > 0:
        _show(feedback)
        raise CheckFailed(feedback)
    return feedback


def grade_program(program: Program, topic: str, langs: tuple[str, ...]) -> list[CheckResult]:
    with tempfile.TemporaryDirectory(prefix="grader-nb-") as tmp:
        folder = write_submission(program, Path(tmp) / "submission")
        write_origins(program, Path(tmp) / ORIGINS_FILE)
        command = [sys.executable, "-m", "grader.nb.worker", str(folder), str(Path(tmp) / ORIGINS_FILE), topic]
        try:
            # cwd: the worker's `-m` puts its working folder on sys.path; the notebook's
            # folder might hold a numpy.py of the student's.
            done = subprocess.run(command, capture_output=True, text=True, cwd=tmp,
                                  timeout=WORKER_TIMEOUT, env=_worker_env())
        except subprocess.TimeoutExpired:
            raise GraderUnavailable(f"timeout after {WORKER_TIMEOUT:g} s", langs) from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise GraderUnavailable(last, langs) from None
    try:
        return [CheckResult.from_json(r) for r in json.loads(done.stdout)["results"]]
    except (ValueError, KeyError, TypeError):
        raise GraderUnavailable("unreadable reply", langs) from None


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    # The kernel finds the grader through its own sys.path; so must the worker.
    env["PYTHONPATH"] = os.pathsep.join(p for p in [*sys.path, env.get("PYTHONPATH", "")] if p)
    env.pop("PYTHONSTARTUP", None)
    return env


def _show(feedback: TopicFeedback) -> None:
    try:
        from IPython.display import display
    except ImportError:
        print(feedback.text())
        return
    display({"text/html": feedback.html(), "text/plain": feedback.text()}, raw=True)


# --- the kernel's definitions as a program ----------------------------------------------


def kernel_program(namespace: dict[str, Any], topic: str | None = None,
                   definitions: tuple[Any, ...] = ()) -> Program:
    """The program of the cells that define the exercise names in ``namespace``.

    A definition named like an exercise function replaces it; any other stands for the
    topic's functions in order (``check("softmax", my_softmax)`` grades my_softmax).
    """
    wanted: dict[str, Any] = {name: namespace[name] for name in NAMES if name in namespace}
    topic_names = iter(TOPICS.get(topic, ()))
    for obj in definitions:
        name = getattr(obj, "__name__", None)
        if not callable(obj) or name is None:
            raise TypeError(f"check() takes functions or classes, not {type(obj).__name__}")
        wanted[name if name in NAMES else next(topic_names, name)] = obj
    finder = _Finder(namespace)
    for name, obj in wanted.items():
        finder.want(name, obj, required=True)
    finder.close()
    return program_from_cells(finder.ordered_cells(), finder.preamble, finder.aliases)


class _Finder:
    """Collects the cells behind objects, and how to recreate what those cells use."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self.cells: dict[str, Cell] = {}  # cell file -> cell
        self.preamble: list[str] = []
        self.resolved: set[str] = set()
        self.bound: set[str] = set()  # names the collected cells define
        self.aliases: dict[str, str] = {}
        self.compiler = _ipython_compiler()

    def want(self, name: str, obj: Any, required: bool = False) -> None:
        """Makes ``name`` available to the program as ``obj``.

        ``required`` names (the exercise's) always come from the object's own cell: a
        function defined twice is graded as the kernel last defined it."""
        if not required and (name in self.resolved or name in vars(builtins)):
            return
        self.resolved.add(name)
        cell_file = _cell_file(obj, self.compiler)
        if cell_file is not None:
            self._add_cell(cell_file)
            own_name = getattr(obj, "__name__", name)
            if own_name != name and own_name in self.bound:
                self.aliases[name] = own_name  # e.g. softmax = my_softmax, or a check() argument
            return
        line = _recreate(name, obj)
        if line:
            self.preamble.append(line)

    def _add_cell(self, cell_file: str) -> None:
        if cell_file in self.cells:
            return
        source = "".join(linecache.getlines(cell_file))
        self.cells[cell_file] = Cell(self._label(cell_file), source)
        for statement in kept_statements(source) or []:
            self.bound |= _bound_names(statement)
        self.resolved |= self.bound

    def close(self) -> None:
        """Follows every name the collected cells use until nothing new turns up."""
        seen: set[str] = set()
        while set(self.cells) - seen:
            for cell_file in list(set(self.cells) - seen):
                seen.add(cell_file)
                for name in sorted(_used_names(self.cells[cell_file].source)):
                    if name in self.namespace and name not in self.resolved:
                        self.want(name, self.namespace[name])

    def ordered_cells(self) -> list[Cell]:
        """Cells in the order the kernel ran them: a class may build on an earlier one."""
        def order(item: tuple[int, str]) -> tuple[int, int]:
            index, cell_file = item
            return (self._execution_count(cell_file) or 0, index)
        return [self.cells[f] for _, f in sorted(enumerate(self.cells), key=order)]

    def _execution_count(self, cell_file: str) -> int | None:
        return getattr(self.compiler, "_filename_map", {}).get(cell_file) if self.compiler else None

    def _label(self, cell_file: str) -> str:
        count = self._execution_count(cell_file)
        return f"Cell In[{count}]" if count is not None else Path(cell_file).name


def _ipython_compiler() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return getattr(shell, "compile", None)


def _cell_file(obj: Any, compiler: Any) -> str | None:
    """The cell a function or class was defined in; None when it comes from a file."""
    code_file = _code_file(obj)
    if code_file is None:
        return None
    if compiler is not None and code_file in getattr(compiler, "_filename_map", {}):
        return code_file
    if not os.path.isfile(code_file) and linecache.getlines(code_file):
        return code_file
    return None


def _code_file(obj: Any) -> str | None:
    if isinstance(obj, type):
        for member in vars(obj).values():
            member = getattr(member, "__func__", member)
            code = getattr(getattr(member, "fget", member), "__code__", None)
            if code is not None:
                return code.co_filename
        return None
    try:
        obj = inspect.unwrap(obj)
    except ValueError:
        return None
    code = getattr(obj, "__code__", None)
    return code.co_filename if code is not None else None


def _recreate(name: str, obj: Any) -> str | None:
    """A line of source that gives ``name`` the value ``obj`` again, when one exists."""
    if isinstance(obj, types.ModuleType):
        module = obj.__name__
        return f"import {module}" if module == name else f"import {module} as {name}"
    if type(obj).__module__ == "numpy" and hasattr(obj, "item") and getattr(obj, "ndim", None) == 0:
        obj = obj.item()  # a NumPy scalar constant, e.g. EPS = np.float64(1e-7)
    if _is_literal(obj):
        return f"{name} = {obj!r}"
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not module or not qualname or module == "__main__" or module.split(".")[0] == "grader":
        return None
    try:
        if getattr(importlib.import_module(module), qualname) is obj:
            return f"from {module} import {qualname}" + ("" if qualname == name else f" as {name}")
    except (ImportError, AttributeError):
        pass
    return None


def _is_literal(value: Any) -> bool:
    try:
        return ast.literal_eval(repr(value)) == value and not isinstance(value, (list, dict, set))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False


def _bound_names(statement: ast.stmt) -> set[str]:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in statement.names}
    targets = statement.targets if isinstance(statement, ast.Assign) else [getattr(statement, "target", None)]
    return {n.id for target in targets if target is not None for n in ast.walk(target) if isinstance(n, ast.Name)}


def _used_names(source: str) -> set[str]:
    used: set[str] = set()
    for statement in kept_statements(source) or []:
        used |= {n.id for n in ast.walk(statement) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return used
