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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.i18n import LANGS, t
from grader.authoring.assignments import NAMES, TOPICS
from grader.nb.feedback import CheckFailed, CheckResult, GraderUnavailable, TopicFeedback
from grader.nb.program import (ORIGINS_FILE, Cell, Program, bound_names, graded_roots, kept_statements,
                               program_from_cells, read_names, write_origins,
                               write_submission)

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
    """Collects the cells behind the kernel's values, and how to recreate what no cell made.

    A function or class comes from the cell that compiled it; a module, or an object a
    module holds, from an import. Any other value a kept statement reads (``W = np.eye(3) *
    SCALE``, ``TABLE = make_table()``) is computed again by the cell that last assigned it —
    the kernel's executed cells, each numbered, are IPython's own record (its compiler's
    ``_filename_map``, their code in ``linecache``) — so the program computes it as
    ``grader autograde`` does from the notebook file. The program keeps only the
    assignments the graded functions need, so an experiment in that cell still never runs.
    A value no cell assigned (``exec``, ``%run``, a record cleared) is written down when a
    literal can, else left out: the function then meets a NameError, as in autograde.
    """

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self.cells: dict[str, Cell] = {}  # cell file -> cell
        self.preamble: list[str] = []
        self.resolved: set[str] = set()
        self.bound: set[str] = set()  # names the collected cells define
        self.aliases: dict[str, str] = {}
        self.compiler = _ipython_compiler()
        self._history: list[str] | None = None
        self._bindings: dict[str, _Binding] = {}

    def want(self, name: str, obj: Any, required: bool = False) -> None:
        """Makes ``name`` available to the program as ``obj``.

        ``required`` names (the exercise's) always come from the object's own cell: a
        function defined twice is graded as the kernel last defined it."""
        if not required and name in self.resolved:
            return
        self.resolved.add(name)
        cell_file = _cell_file(obj, self.compiler)
        if cell_file is not None:
            self._add_cell(cell_file)
            own_name = getattr(obj, "__name__", name)
            if own_name != name and own_name in self.bound:
                self.aliases[name] = own_name  # e.g. softmax = my_softmax, or a check() argument
            return
        line = _import_line(name, obj)  # a module or a module's object: the import is exact
        binders = [] if line else self._binders(name)
        for binder in binders:
            self._add_cell(binder)
        if binders or not required and name in vars(builtins):
            return
        line = line or _literal_line(name, obj)
        if line:
            self.preamble.append(line)

    def _add_cell(self, cell_file: str) -> None:
        if cell_file in self.cells:
            return
        source = "".join(linecache.getlines(cell_file))
        self.cells[cell_file] = Cell(self._label(cell_file), source)
        for statement in kept_statements(source) or []:
            self.bound |= bound_names(statement)

    def close(self) -> None:
        """Follows every name the program's kept statements read until nothing new turns up."""
        while True:
            statements = [s for cell in self.cells.values() for s in kept_statements(cell.source) or []]
            roots = graded_roots() | set(self.aliases.values())
            new = sorted(name for name in read_names(statements, roots)
                         if name in self.namespace and name not in self.resolved)
            if not new:
                return
            for name in new:
                self.want(name, self.namespace[name])

    def _binders(self, name: str) -> list[str]:
        """The cells whose assignments give ``name`` its value in the kernel: the last cell
        executed that assigns it, and the ones before it while it only updates the name
        (``W += 1``, ``W = W * 2``); none when no cell the kernel kept assigns it."""
        cells: list[str] = []
        for cell_file in reversed(self._run_order()):  # newest first: most names are found soon
            binding = self._bindings.get(cell_file)
            if binding is None:
                binding = self._bindings[cell_file] = _binding(cell_file, "".join(linecache.getlines(cell_file)))
            if name in binding.names:
                cells.append(cell_file)
                if name not in binding.updates:
                    break
        return cells

    def _run_order(self) -> list[str]:
        """Every cell the kernel executed, oldest first (a cell run again counts at its last run)."""
        if self._history is None:
            files = getattr(self.compiler, "_filename_map", {}) if self.compiler else {}
            self._history = [f for f, _ in sorted(files.items(), key=lambda item: item[1] or 0)]  # stable
        return self._history

    def ordered_cells(self) -> list[Cell]:
        """Cells in the order the kernel ran them: a class may build on an earlier one, a
        value on the import it uses. (Cells run without a number of their own share the
        count; IPython's record then keeps them in the order they ran.)"""
        files = list(getattr(self.compiler, "_filename_map", {}) if self.compiler else {})
        run_order = {cell_file: index for index, cell_file in enumerate(files)}

        def order(item: tuple[int, str]) -> tuple[int, int, int]:
            index, cell_file = item
            return (self._execution_count(cell_file) or 0, run_order.get(cell_file, len(files)), index)
        return [self.cells[f] for _, f in sorted(enumerate(self.cells), key=order)]

    def _execution_count(self, cell_file: str) -> int | None:
        return getattr(self.compiler, "_filename_map", {}).get(cell_file) if self.compiler else None

    def _label(self, cell_file: str) -> str:
        count = self._execution_count(cell_file)
        return f"Cell In[{count}]" if count is not None else Path(cell_file).name


@dataclass(frozen=True)
class _Binding:
    """What one executed cell assigns: ``names`` bound by its kept statements, and of them
    the ``updates``, the names it only rebinds from their own value (``W += 1``)."""

    cell_file: str
    names: frozenset[str]
    updates: frozenset[str]


def _binding(cell_file: str, source: str) -> _Binding:
    fresh: set[str] = set()
    updated: set[str] = set()
    for statement in kept_statements(source) or []:
        names = bound_names(statement)
        reads = _reads_when_run(statement)
        updated |= names & reads
        fresh |= names - reads
    return _Binding(cell_file, frozenset(fresh | updated), frozenset(updated - fresh))


def _reads_when_run(statement: ast.stmt) -> set[str]:
    """The names an assignment reads as it runs (``W = W * 2``, ``W += 1``): not those a
    lambda in it reads later, nor anything a ``def`` or ``class`` reads."""
    if isinstance(statement, ast.AugAssign):
        return bound_names(statement)
    value = getattr(statement, "value", None)
    if not isinstance(statement, (ast.Assign, ast.AnnAssign)) or value is None:
        return set()
    reads: set[str] = set()
    todo: list[ast.AST] = [value]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            reads.add(node.id)
        todo.extend(ast.iter_child_nodes(node))
    return reads


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


def _import_line(name: str, obj: Any) -> str | None:
    """An import that gives ``name`` the object ``obj`` again: a module, or an object its
    module holds under its own name (not the grader's, not the notebook's)."""
    if isinstance(obj, types.ModuleType):
        module = obj.__name__
        return f"import {module}" if module == name else f"import {module} as {name}"
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or module == "__main__" \
            or module.split(".")[0] == "grader" or "." in qualname or "<" in qualname:
        return None
    try:
        if getattr(importlib.import_module(module), qualname) is obj:
            return f"from {module} import {qualname}" + ("" if qualname == name else f" as {name}")
    except (ImportError, AttributeError):
        pass
    return None


def _literal_line(name: str, obj: Any) -> str | None:
    """``name = <literal>`` for a value a literal writes down, e.g. one set by ``%run``."""
    if type(obj).__module__ == "numpy" and hasattr(obj, "item") and getattr(obj, "ndim", None) == 0:
        obj = obj.item()  # a NumPy scalar constant, e.g. EPS = np.float64(1e-7)
    return f"{name} = {obj!r}" if _is_literal(obj) else None


def _is_literal(value: Any) -> bool:
    try:
        return ast.literal_eval(repr(value)) == value and not isinstance(value, (list, dict, set))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
