"""Blank regions of the solution modules, and the texts rendered from them.

An author marks, inside a function of ``solutions/X.py``, whole statements that a
student is to write::

    ### BEGIN BLANK id=shift_max
    ### ja: 各行の最大値を引いて exp のオーバーフローを防ぐ
    ### en: subtract each row's maximum so that exp cannot overflow
    ### hint 1 ja: …
    ### hint 1 en: …
    x = x - np.max(x, axis=-1, keepdims=True)
    ### END BLANK

After the instructions come the blank's hint ladder, level by level from 1 (what the
formula means) upwards, each level a ``### hint N ja:`` line then its ``### hint N en:``
line. :func:`parse_regions` turns a module into a list of :class:`BlankRegion` (labelled
あ, い, う, … in order) and checks the markers strictly; :func:`render` rebuilds the
module with every region replaced by what a renderer makes of it. The exercises use
:func:`exercise_lines`; other outputs (nbgrader's ``### BEGIN SOLUTION`` cells, the
plain solution) only need another renderer.
"""
from __future__ import annotations

import ast
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# The marker constants and BlankMarkerError are re-exported: callers know them from here.
from grader.authoring.blank_markers import (  # noqa: F401
    BEGIN, EN, END, HINT, JA, BlankMarkerError, RawRegion, scan_markers,
)

# The course labels its fill-in blanks with the kana in gojūon order.
LABELS = tuple(
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ"
)

Renderer = Callable[["BlankRegion"], list[str]]


@dataclass(frozen=True)
class BlankRegion:
    """One blank: its place in the solution module and what the student is told."""

    module: str  # module name, e.g. "functions"
    label: str  # あ, い, … numbered per module
    qualname: str  # enclosing function, e.g. "softmax" or "Adam.update"
    begin: int  # 1-based line of the BEGIN marker
    end: int  # 1-based line of the END marker
    indent: str  # indentation of the markers and of the region's statements
    ja: str
    en: str
    solution: tuple[str, ...]  # the solution's lines, as in the file, without newlines
    hints: tuple[tuple[str, str], ...] = ()  # the ladder: (ja, en) per level, level 1 first
    ident: str | None = None  # the marker's ``id=NAME``; stable when blanks are added

    @property
    def key(self) -> str:
        """The blank's stable identity, ``QUALNAME#ID`` (e.g. ``softmax#shift_max``).

        A blank without an explicit id (only in authors' drafts: a test requires one on
        every blank of ``solutions/``) falls back to its position, ``MODULE.py (LABEL)``."""
        if self.ident is None:
            return f"{self.module}.py ({self.label})"
        return f"{self.qualname}#{self.ident}"

    @property
    def message(self) -> str:
        """The NotImplementedError text; the grader parses and translates it."""
        return not_filled_message(self.label, self.qualname)


def not_filled_message(label: str, qualname: str) -> str:
    """The English message of an unfilled blank, ``blank (LABEL) in QUALNAME is not filled yet``."""
    return f"blank ({label}) in {qualname} is not filled yet"


def parse_regions(source: str, path: str | Path = "<string>") -> list[BlankRegion]:
    """The blank regions of a module's source, in order; raises BlankMarkerError if malformed."""
    path = str(path)
    lines = [line.rstrip("\r\n") for line in source_lines(source)]
    raw = scan_markers(lines, path)
    if len(raw) > len(LABELS):
        raise BlankMarkerError(
            path, raw[len(LABELS)].begin, f"more than {len(LABELS)} blanks in one module"
        )
    tree = _parse_python(source, path)
    statements = list(_statements(tree))
    module = Path(path).stem
    regions = [
        _region(module, label, region, lines, statements, path)
        for label, region in zip(LABELS, raw)
    ]
    _check_unique_ids(regions, path)
    return regions


def _check_unique_ids(regions: list[BlankRegion], path: str) -> None:
    """Two blanks of one function with the same id would share saved progress."""
    first: dict[str, BlankRegion] = {}
    for region in regions:
        if region.ident is None:
            continue
        if region.key in first:
            raise BlankMarkerError(
                path, region.begin,
                f"id={region.ident} is already used in {region.qualname} by the blank "
                f"at line {first[region.key].begin}",
            )
        first[region.key] = region


def source_lines(source: str) -> list[str]:
    """The lines of a source, endings kept, split where Python counts lines.

    ``str.splitlines`` also splits at form feeds and U+2028, which would shift every
    line number after them away from the ones ``ast`` reports.
    """
    return io.StringIO(source, newline="").readlines()


def parse_file(path: str | Path) -> list[BlankRegion]:
    """The blank regions of a module file (see :func:`parse_regions`)."""
    return parse_regions(Path(path).read_text(encoding="utf-8"), path)


def _parse_python(source: str, path: str) -> ast.Module:
    try:
        return ast.parse(source, filename=path)
    except SyntaxError as error:
        raise BlankMarkerError(path, error.lineno or 1, f"syntax error: {error.msg}") from None


# --- the statements a region holds ---------------------------------------------------


@dataclass(frozen=True)
class _Statement:
    node: ast.stmt
    qualname: str | None  # enclosing function's qualname; None outside any function
    body_id: int  # identifies the statement list it belongs to
    position: int  # its index in that list


def _statements(tree: ast.Module) -> Iterator[_Statement]:
    """Every statement with its enclosing function and the body list it sits in."""

    def walk(body: list[ast.stmt], scope: list[str], function: str | None) -> Iterator[_Statement]:
        for position, node in enumerate(body):
            yield _Statement(node, function, id(body), position)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = [*scope, node.name]
                if isinstance(node, ast.ClassDef):
                    yield from walk(node.body, inner, function)
                else:
                    yield from walk(node.body, [*inner, "<locals>"], ".".join(inner))
                continue
            for part in ("body", "orelse", "finalbody"):
                yield from walk(getattr(node, part, []), scope, function)
            for handler in getattr(node, "handlers", []):
                yield from walk(handler.body, scope, function)
            for case in getattr(node, "cases", []):
                yield from walk(case.body, scope, function)

    yield from walk(tree.body, [], None)


def _region(
    module: str,
    label: str,
    raw: RawRegion,
    lines: list[str],
    statements: list[_Statement],
    path: str,
) -> BlankRegion:
    assert raw.end is not None and raw.ja is not None and raw.en is not None
    if raw.hints and raw.hints[-1][1] is None:
        raise BlankMarkerError(path, raw.end, f"hint {len(raw.hints)} lacks its 'en' line")
    first, last = raw.en_line + 1, raw.end - 1  # the solution: after the en line, before END
    inside = [s for s in statements if first <= s.node.lineno <= last]
    _check_no_cut(raw, inside, statements, path)
    if not inside:
        raise BlankMarkerError(path, raw.begin, "the blank holds no statement")
    _check_whole_statements(raw, inside, path)
    qualname = inside[0].qualname
    if qualname is None:
        raise BlankMarkerError(path, raw.begin, "blank outside any function")
    return BlankRegion(
        module=module,
        label=label,
        qualname=qualname,
        begin=raw.begin,
        end=raw.end,
        indent=raw.indent,
        ja=raw.ja,
        en=raw.en,
        solution=tuple(lines[first - 1:last]),
        hints=tuple((str(ja), str(en)) for ja, en in raw.hints),
        ident=raw.ident,
    )


def _check_no_cut(
    raw: RawRegion, inside: list[_Statement], statements: list[_Statement], path: str
) -> None:
    """No statement may start before BEGIN and end inside the blank, unless it holds it."""
    assert raw.end is not None
    for statement in statements:
        node = statement.node
        end_line = node.end_lineno or node.lineno
        # A def or loop whose body ends in the blank is fine: the blank sits inside it.
        straddles = node.lineno < raw.begin < end_line < raw.end
        if straddles and not (inside and _contains(node, inside[0].node)):
            raise BlankMarkerError(
                path, raw.begin, f"the blank cuts the statement that starts at line {node.lineno}"
            )


def _check_whole_statements(raw: RawRegion, inside: list[_Statement], path: str) -> None:
    """The region must be consecutive whole statements of one block, at the markers' indent.

    Only then does replacing it by one ``raise`` leave a module that still compiles.
    """
    assert raw.end is not None
    top = inside[0]
    outer = [s for s in inside if s.body_id == top.body_id]
    for statement in inside:
        node = statement.node
        if (node.end_lineno or node.lineno) >= raw.end:
            raise BlankMarkerError(
                path, node.lineno, f"the statement at line {node.lineno} runs past END BLANK"
            )
    positions = [s.position for s in outer]
    nested = all(any(_contains(o.node, s.node) for o in outer) for s in inside if s not in outer)
    if not nested or positions != list(range(positions[0], positions[0] + len(positions))):
        raise BlankMarkerError(path, raw.begin, "the blank's statements are not one block")
    for statement in outer:
        if statement.node.col_offset != len(raw.indent):
            raise BlankMarkerError(
                path, statement.node.lineno,
                "statement indented differently from its BEGIN BLANK marker",
            )


def _contains(outer: ast.stmt, inner: ast.stmt) -> bool:
    return any(node is inner for node in ast.walk(outer))


# --- rendering -----------------------------------------------------------------------


def render(source: str, regions: list[BlankRegion], renderer: Renderer) -> str:
    """The source with each region (markers included) replaced by ``renderer(region)``'s lines.

    Lines outside the regions are kept byte for byte, line endings included.
    """
    lines = source_lines(source)
    out: list[str] = []
    position = 0  # 0-based index of the next source line to copy
    for region in sorted(regions, key=lambda r: r.begin):
        out.extend(lines[position:region.begin - 1])
        out.extend(f"{line}\n" for line in renderer(region))
        position = region.end
    out.extend(lines[position:])
    return "".join(out)


def exercise_lines(region: BlankRegion) -> list[str]:
    """A blank as the student sees it: the two instructions and a ``raise``."""
    indent = region.indent
    # "# (あ) " spans seven columns in a monospaced font (the kana is full width),
    # so the English line starts under the Japanese one.
    return [
        f"{indent}# ({region.label}) {region.ja}",
        f"{indent}#      {region.en}",
        f'{indent}raise NotImplementedError("{region.message}")',
    ]


def solution_lines(region: BlankRegion) -> list[str]:
    """A blank filled in: the solution's own lines without the markers."""
    return list(region.solution)


def strip_markers(source: str, path: str | Path = "<string>") -> str:
    """The solution module with its blank markers removed (the code is unchanged)."""
    return render(source, parse_regions(source, path), solution_lines)
