"""A notebook's code, turned back into the submission folder the engine grades.

The engine grades a folder of modules (functions.py, network.py, …). A notebook is one
program instead: each cell sees what earlier cells defined. So the folder gets the
notebook's definitions, in cell order, as ``_notebook.py``, and every exercise module
re-exports it (``from _notebook import *``). network.py's ``relu`` is then whatever the
notebook defines as ``relu``, exactly as in the kernel.

This is the one extraction every path uses — the notebook's ``check()``, ``grader batch``,
``grader autograde``, nbgrader's own autograde (:mod:`grader.instructor.nbgrader_execute`),
the Gradescope bundle and ``grader nbgrader export`` — so that they all grade the same
program. What is kept is decided statically, from the AST, never by running a cell:

* definitions that cost nothing: imports, ``def``, ``class`` and assignments of plain
  values (literals, names, lambdas);
* any other top-level assignment (``DELTA = 10 ** -7``, ``W = np.eye(3) * SCALE``) when a
  graded function or class uses the name it binds, directly or through a helper,
  transitively (scopes are resolved with :mod:`symtable`: a parameter ``x`` is not the
  notebook's ``x``).

A cell's other statements — a test print, a training loop, an experiment whose result no
graded function reads — do not run when the grader imports the student's code. IPython's
magics and shell lines (``%matplotlib inline``, ``!pip …``) are left out; a ``%%`` cell
magic leaves out its cell.

Each kept statement remembers its cell, so that ``_notebook.py:57`` in a message can be
told as ``Cell In[5], line 3``.
"""
from __future__ import annotations

import ast
import json
import re
import symtable
from dataclasses import dataclass, field
from pathlib import Path

from grader.authoring.assignments import MODULES

PROGRAM_MODULE = "_notebook"
PROGRAM_FILE = f"{PROGRAM_MODULE}.py"
ORIGINS_FILE = "origins.json"
# Importing the grader into the student's program would only slow the child down.
SKIPPED_IMPORTS = ("grader",)


@dataclass(frozen=True)
class Cell:
    """A cell's code and how a student finds it (``Cell In[5]``, ``the cell that defines softmax``)."""

    label: str
    source: str


@dataclass
class Program:
    """The text of ``_notebook.py`` and, per run of lines, the cell they came from."""

    lines: list[str] = field(default_factory=list)
    # (first program line, line count, cell label, first line in the cell), 1-based
    origins: list[tuple[int, int, str, int]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(f"{line}\n" for line in self.lines)

    def add(self, lines: list[str], label: str = "", first_cell_line: int = 1) -> None:
        if label:
            self.origins.append((len(self.lines) + 1, len(lines), label, first_cell_line))
        self.lines.extend(lines)

    def locate(self, line: int) -> str | None:
        """``Cell In[5], line 3`` for a line of ``_notebook.py``; None outside the cells."""
        for first, count, label, cell_line in self.origins:
            if first <= line < first + count:
                return f"{label}, line {cell_line + line - first}"
        return None


def kept_statements(source: str) -> list[ast.stmt] | None:
    """The statements of a cell the program may keep (definitions and top-level
    assignments), magics left out; None when the cell is not valid Python."""
    python = python_source(source)
    if python is None:
        return None
    tree = ast.parse(python)
    return [node for node in tree.body if _is_definition(node) or _is_assignment(node)]


def python_source(source: str) -> str | None:
    """The cell as Python: IPython's line magics and shell lines read as ``pass`` (line
    numbers kept); None for a ``%%`` cell magic or a cell that is not Python."""
    try:
        ast.parse(source)
        return source
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # NUL bytes, 300,000 terms
        pass
    if source.lstrip().startswith("%%"):
        return None
    python = "\n".join(_without_magic(line) for line in source.splitlines())
    try:
        ast.parse(python)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return python


_MAGIC = re.compile(r"^(?P<indent>\s*)(?:[%!]|\w+\s*=\s*[%!])")


def _without_magic(line: str) -> str:
    found = _MAGIC.match(line)
    return f"{found['indent']}pass" if found else line


def _is_definition(node: ast.stmt) -> bool:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, ast.Import):
        return not any(a.name.split(".")[0] in SKIPPED_IMPORTS for a in node.names)
    if isinstance(node, ast.ImportFrom):
        return node.level == 0 and (node.module or "").split(".")[0] not in SKIPPED_IMPORTS
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        return _is_plain_value(node.value)
    return False


def _is_assignment(node: ast.stmt) -> bool:
    """An assignment that computes its value: kept only when a graded name needs it."""
    return isinstance(node, (ast.Assign, ast.AugAssign)) or (
        isinstance(node, ast.AnnAssign) and node.value is not None)


def _is_plain_value(value: ast.expr) -> bool:
    """A value that costs nothing to compute again: a literal, a name, a lambda."""
    if isinstance(value, (ast.Lambda, ast.Name, ast.Attribute)):
        return True
    try:
        ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def bound_names(node: ast.stmt) -> set[str]:
    """The top-level names a kept statement binds."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return {n.id for target in targets if target is not None for n in ast.walk(target) if isinstance(n, ast.Name)}


def used_globals(node: ast.stmt) -> set[str]:
    """The module-level names a statement reads when it runs or when its functions are
    called: its own top-level reads, and every nested scope's global ones."""
    try:
        table = symtable.symtable(ast.unparse(node), "<cell>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    used: set[str] = set()

    def walk(scope: symtable.SymbolTable, top: bool) -> None:
        for symbol in scope.get_symbols():
            if top and symbol.is_referenced():
                used.add(symbol.get_name())
            elif not top and symbol.is_global() and (symbol.is_referenced() or symbol.is_declared_global()):
                used.add(symbol.get_name())
        for child in scope.get_children():
            walk(child, False)

    walk(table, True)
    return used


def needed_names(statements: list[ast.stmt], roots: set[str]) -> set[str]:
    """``roots`` and every name they use, through the statements that bind them, transitively."""
    binders: dict[str, list[ast.stmt]] = {}
    for node in statements:
        for name in bound_names(node):
            binders.setdefault(name, []).append(node)
    needed, todo, seen = set(), list(roots), set()
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        for node in binders.get(name, []):
            if id(node) not in seen:
                seen.add(id(node))
                todo.extend(used_globals(node) - needed)
    return needed


def read_names(statements: list[ast.stmt], roots: set[str]) -> set[str]:
    """Every module-level name the program of ``statements`` can read: those ``roots`` need,
    transitively, and those its always-kept definitions read (a decorator, a default, a
    helper's body). The notebook's ``check()`` looks these up in the kernel."""
    needed = needed_names(statements, roots)
    read = set(needed)
    for node in statements:
        if _is_definition(node) or node_is_star_import(node):
            read |= used_globals(node)
    return read


def node_is_star_import(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)


def graded_roots() -> set[str]:
    """The names the engine looks up in a submission: every exercise function and class."""
    from grader.authoring.assignments import NAMES
    return set(NAMES)


def _keep(node: ast.stmt, needed: set[str]) -> bool:
    if _is_definition(node):
        return True
    if node_is_star_import(node):
        return True
    return bool(bound_names(node) & needed)


def add_cell(program: Program, cell: Cell, needed: set[str] | None = None) -> None:
    """Appends the cell's kept statements, each with its lines (decorators included)."""
    statements = kept_statements(cell.source)
    if not statements:
        return
    kept = [node for node in statements if needed is None and _is_definition(node) or
            needed is not None and _keep(node, needed)]
    if not kept:
        return
    lines = (python_source(cell.source) or "").splitlines()
    for node in kept:
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        program.add(lines[first - 1:node.end_lineno], cell.label, first)
    program.add([""])


def program_from_cells(cells: list[Cell], preamble: list[str] = (), aliases: dict[str, str] | None = None,
                       roots: set[str] | None = None) -> Program:
    """The program of ``cells`` in order, after ``preamble`` lines, then ``name = alias`` lines.

    ``roots`` (default: every graded name, and the targets of ``aliases``) decide which
    computed assignments are kept: those whose names the roots use, transitively."""
    roots = set(graded_roots() if roots is None else roots) | set((aliases or {}).values())
    statements = [node for cell in cells for node in kept_statements(cell.source) or []]
    needed = needed_names(statements, roots)
    program = Program()
    if preamble:
        program.add([*preamble, ""])
    for cell in cells:
        add_cell(program, cell, needed)
    for name, target in (aliases or {}).items():
        program.add([f"{name} = {target}"])
    return program


def write_submission(program: Program, folder: Path) -> Path:
    """The submission folder: ``_notebook.py`` and every exercise module re-exporting it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / PROGRAM_FILE).write_text(program.text, encoding="utf-8")
    reexport = f"from {PROGRAM_MODULE} import *  # noqa: F401,F403 - the notebook's definitions\n"
    for module in MODULES:
        (folder / f"{module}.py").write_text(reexport, encoding="utf-8")
    return folder


def write_origins(program: Program, path: Path) -> None:
    path.write_text(json.dumps(program.origins), encoding="utf-8")


def read_origins(path: Path) -> Program:
    """A Program that can only :meth:`~Program.locate` (the worker needs no more)."""
    program = Program()
    program.origins = [tuple(o) for o in json.loads(path.read_text(encoding="utf-8"))]
    return program


_WHERE = re.compile(rf"{re.escape(PROGRAM_FILE)}:(\d+)")


def relabel(text: str, program: Program) -> str:
    """``_notebook.py:57`` → ``Cell In[5], line 3`` wherever the line came from a cell."""
    def replace(match: re.Match) -> str:
        return program.locate(int(match.group(1))) or match.group(0)
    return _WHERE.sub(replace, text)


# --- from a notebook file ------------------------------------------------------------------


def notebook_cells(nb: dict) -> list[Cell]:
    """The code cells of a notebook file, without nbgrader's autograder test cells."""
    cells = []
    for index, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
            continue  # a test cell calls check(); grading it again would recurse
        count = cell.get("execution_count")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise ValueError(f"{cell_label('', count)} (cell {index} of the file): its source is not text")
        cells.append(Cell(cell_label(source, count), source))
    return cells


_DEFINES = re.compile(r"^(?:async\s+)?(?:def|class)\s+(\w+)", re.MULTILINE)


def cell_label(source: str, count: int | None) -> str:
    """How the student finds a cell. Jupyter shows ``In [5]`` beside a cell that ran; a cell
    never run (a cleared or generated notebook) shows no number at all, so it is named by
    what it defines, else by its first line of code, never by its position in the file."""
    if count:
        return f"Cell In[{count}]"
    names = list(dict.fromkeys(_DEFINES.findall(source)))
    if names:
        more = ", …" if len(names) > 3 else ""
        return f"the cell that defines {', '.join(names[:3])}{more}"
    first = next((line.strip() for line in source.splitlines()
                  if line.strip() and not line.strip().startswith("#")), "")
    if not first:
        return "an empty cell"
    return f"the cell that begins `{first if len(first) <= 40 else first[:39] + '…'}`"


def program_from_notebook(path: Path) -> Program:
    return program_from_cells(notebook_cells(json.loads(path.read_text(encoding="utf-8"))))
