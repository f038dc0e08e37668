"""Single-edit mutants of solutions/, made mechanically from the syntax tree.

Every graded function (and method) of every module is walked; each place an edit can be
made yields one mutant: an operator swapped, one term of a sum dropped, a constant or an
axis changed, a comparison turned, a sign dropped, a statement deleted. Nothing here
knows the course or the catalogue: the edits are the classic mutation operators, so the
mutants are mistakes nobody chose.
"""
from __future__ import annotations

import ast
import copy
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
         ast.Pow: ast.Mult, ast.MatMult: ast.Mult, ast.FloorDiv: ast.Div}
COMPARISONS = {ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Lt: ast.LtE, ast.LtE: ast.Lt,
               ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
AXES = {0: 1, 1: 0, -1: 0}


@dataclass(frozen=True)
class Mutant:
    module: str  # solutions/<module>.py
    function: str  # "softmax", "Adam.update"
    line: int
    operator: str  # which kind of edit
    description: str
    source: str  # the whole mutated module

    @property
    def name(self) -> str:
        return f"{self.module}:{self.function}:{self.line}:{self.operator}"


def _functions(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef]]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    yield f"{node.name}.{item.name}", item


def _is_docstring(statement: ast.stmt, body: list[ast.stmt]) -> bool:
    return (statement is body[0] and isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str))


def _edits(node: ast.AST, parent_body: list | None) -> Iterator[tuple[str, str, callable]]:
    """(operator, description, apply) for every edit at ``node``; ``apply`` mutates the node
    (or its parent's body) in place on a copy of the tree."""
    if isinstance(node, ast.BinOp):
        if type(node.op) in SWAPS:
            new = SWAPS[type(node.op)]
            yield ("swap_operator", f"{type(node.op).__name__} → {new.__name__}",
                   lambda n, new=new: setattr(n, "op", new()))
        if isinstance(node.op, (ast.Add, ast.Sub)):
            yield "drop_right_term", "a ± b → a", lambda n: _replace(n, n.left)
            yield "drop_left_term", "a ± b → b", lambda n: _replace(n, n.right)
        if isinstance(node.op, (ast.Mult, ast.Div)):
            yield "drop_factor", "a·b → a", lambda n: _replace(n, n.left)
    if isinstance(node, ast.AugAssign) and type(node.op) in SWAPS:
        new = SWAPS[type(node.op)]
        yield ("swap_operator", f"{type(node.op).__name__}= → {new.__name__}=",
               lambda n, new=new: setattr(n, "op", new()))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield "drop_sign", "−a → a", lambda n: _replace(n, n.operand)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in COMPARISONS:
        new = COMPARISONS[type(node.ops[0])]
        yield ("swap_comparison", f"{type(node.ops[0]).__name__} → {new.__name__}",
               lambda n, new=new: setattr(n, "ops", [new()]))
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        value = node.value
        changed = [value + 1] if isinstance(value, int) else [value * 2]
        if value != 0:
            changed.append(0)
        for new in changed:
            yield "change_constant", f"{value!r} → {new!r}", lambda n, new=new: setattr(n, "value", new)
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield "flip_bool", f"{node.value} → {not node.value}", lambda n: setattr(n, "value", not n.value)
    if isinstance(node, ast.keyword) and node.arg == "axis" and isinstance(node.value, (ast.Constant, ast.UnaryOp)):
        try:
            axis = ast.literal_eval(node.value)
        except ValueError:
            axis = None
        if axis in AXES:
            yield ("change_axis", f"axis={axis} → axis={AXES[axis]}",
                   lambda n, a=AXES[axis]: setattr(n, "value", ast.Constant(a)))
    if isinstance(node, ast.keyword) and node.arg in ("axis", "keepdims"):
        yield "drop_keyword", f"{node.arg}=… removed", "drop_keyword"
    if parent_body is not None and isinstance(node, (ast.Assign, ast.AugAssign, ast.Expr, ast.If, ast.For)) \
            and not _is_docstring(node, parent_body) and len(parent_body) > 1:
        yield "delete_statement", f"statement deleted: {ast.unparse(node).splitlines()[0][:60]}", "delete"


def _replace(node: ast.AST, by: ast.AST) -> None:
    """Make ``node`` become ``by`` (same object: its parent keeps pointing at it)."""
    by = copy.deepcopy(by)
    node.__class__ = by.__class__
    node.__dict__.clear()
    node.__dict__.update(by.__dict__)


def _sites(function: ast.FunctionDef) -> Iterator[tuple[ast.AST, list | None, ast.AST | None]]:
    """Every node of the function (defaults included) with the body list holding it, if a
    statement, and its parent (to remove a keyword)."""
    for default in function.args.defaults:
        yield default, None, None
    stack: list[tuple[ast.AST, list | None, ast.AST | None]] = [(s, function.body, function) for s in function.body]
    while stack:
        node, body, parent = stack.pop(0)
        yield node, body, parent
        for field, value in ast.iter_fields(node):
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        stack.append((item, value if isinstance(item, ast.stmt) else None, node))
            elif isinstance(value, ast.AST):
                stack.append((value, None, node))


def mutants_of(module: str, source: str) -> list[Mutant]:
    tree = ast.parse(source)
    found = []
    for name, function in _functions(tree):
        for index, (node, body, parent) in enumerate(_sites(function)):
            for operator, description, apply in _edits(node, body):
                mutated = _mutated(tree, name, index, apply)
                if mutated is not None:
                    found.append(Mutant(module, name, getattr(node, "lineno", function.lineno), operator,
                                        description, mutated))
    return found


def _mutated(tree: ast.Module, function_name: str, index: int, apply) -> str | None:
    """The module's source with one edit applied to the ``index``-th site of the function."""
    tree = copy.deepcopy(tree)
    function = dict(_functions(tree))[function_name]
    for i, (node, body, parent) in enumerate(_sites(function)):
        if i != index:
            continue
        if apply == "delete":
            body.remove(node)
        elif apply == "drop_keyword":
            parent.keywords.remove(node)
        else:
            apply(node)
        break
    ast.fix_missing_locations(tree)
    try:
        return ast.unparse(tree)
    except (AttributeError, TypeError, ValueError):
        return None


def all_mutants(solutions: Path, graded: set[str], seed: int, per_function: int) -> list[Mutant]:
    """Up to ``per_function`` mutants of every graded function, sampled with a fixed seed."""
    chooser = random.Random(seed)
    chosen: list[Mutant] = []
    for path in sorted(solutions.glob("*.py")):
        by_function: dict[str, list[Mutant]] = {}
        for mutant in mutants_of(path.stem, path.read_text(encoding="utf-8")):
            if mutant.function.split(".")[0] in graded:
                by_function.setdefault(mutant.function, []).append(mutant)
        for function in sorted(by_function):
            candidates = by_function[function]
            chosen += candidates if len(candidates) <= per_function else chooser.sample(candidates, per_function)
    return chosen
