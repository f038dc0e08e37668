"""nbgrader's safeguards on a submitted notebook, before anything of it is graded.

What ``nbgrader autograde`` does in its sanitising pass (ClearOutput, DeduplicateIds,
OverwriteKernelspec, OverwriteCells with ``add_missing_cells``, CheckCellMetadata), done
from the source cells read once out of the gradebook:

* outputs cleared: nothing the student's kernel printed is taken for a verdict;
* a grade id used twice keeps only its first cell; an id the gradebook does not know
  loses its nbgrader metadata (a cell the student marked "grade" is not a test);
* every locked cell whose checksum (nbgrader's own ``compute_checksum``) differs from
  the gradebook's gets the gradebook's source back — a check cell edited to print full
  marks, a given function replaced — and type, "locked" and points are restored;
* a grade cell deleted, or turned into markdown or raw (jupyter/nbgrader#1941), is put
  back where nbgrader puts it and scores 0, with a message, rather than breaking the run.

The notebook graded is the sanitised one, so the check cells are always the course's.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import nbformat
from nbformat import NotebookNode

MISSING_NOTE = ("This cell (id:{cell_id}) was missing from the submission. "
                "It was added back by the grader.\n\n")


@dataclass(frozen=True)
class SourceCell:
    """A cell of the released notebook, as the gradebook remembers it."""
    name: str
    cell_type: str
    locked: bool
    source: str
    checksum: str | None
    points: float | None  # a grade cell's max score
    solution: bool


@dataclass(frozen=True)
class SourceNotebook:
    name: str
    cells: tuple[SourceCell, ...]
    kernelspec: dict | None

    def cell(self, name: str) -> SourceCell | None:
        return next((c for c in self.cells if c.name == name), None)

    @property
    def grade_cells(self) -> tuple[SourceCell, ...]:
        return tuple(c for c in self.cells if c.points is not None)


@dataclass
class Sanitized:
    """The notebook to grade, and what had to be put right (the instructor is told)."""
    notebook: NotebookNode
    tampered: list[str] = field(default_factory=list)  # locked cells whose source was restored
    missing: list[str] = field(default_factory=list)  # grade cells deleted or converted: 0 points
    changed: list[str] = field(default_factory=list)  # type, lock, points or ids put right


def source_notebooks(gradebook: object, assignment: str) -> dict[str, SourceNotebook]:
    """Every notebook of ``assignment`` with its source cells, read once from the gradebook."""
    found = {}
    for notebook in gradebook.find_assignment(assignment).notebooks:  # type: ignore[attr-defined]
        points = {c.name: float(c.max_score) for c in notebook.grade_cells}
        solutions = {c.name for c in notebook.solution_cells}
        cells = tuple(SourceCell(c.name, c.cell_type, bool(c.locked), c.source, c.checksum,
                                 points.get(c.name), c.name in solutions) for c in notebook.source_cells)
        try:
            kernelspec = json.loads(notebook.kernelspec) if notebook.kernelspec else None
        except ValueError:
            kernelspec = None
        found[notebook.name] = SourceNotebook(notebook.name, cells, kernelspec)
    return found


def sanitize(submitted: NotebookNode, source: SourceNotebook) -> Sanitized:
    """The submitted notebook with nbgrader's safeguards applied (a new object)."""
    nb = nbformat.from_dict(json.loads(json.dumps(submitted)))
    result = Sanitized(nb)
    if source.kernelspec:
        nb.metadata["kernelspec"] = source.kernelspec
    seen: set[str] = set()
    for cell in nb.cells:
        _clear_output(cell)
        grade_id = _grade_id(cell)
        if grade_id is None:
            continue
        known = source.cell(grade_id)
        if grade_id in seen or known is None:  # a copy, or an id the course never had
            cell.metadata.pop("nbgrader", None)
            result.changed.append(grade_id)
            continue
        seen.add(grade_id)
        _restore(cell, known, result)
    _reinsert_missing(nb, source, result)
    return result


def _grade_id(cell: NotebookNode) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    value = meta.get("grade_id") if isinstance(meta, dict) else None
    return value if isinstance(value, str) else None


def _clear_output(cell: NotebookNode) -> None:
    if cell.get("cell_type") == "code":
        cell["outputs"] = []
        cell["execution_count"] = None


def _restore(cell: NotebookNode, known: SourceCell, result: Sanitized) -> None:
    """nbgrader's OverwriteCells.preprocess_cell, from the cached source cell."""
    from nbgrader.utils import compute_checksum

    meta = cell.metadata.nbgrader
    if cell.cell_type != known.cell_type:
        _set_type(cell, known.cell_type)
        result.changed.append(known.name)
        if known.points is not None:
            result.missing.append(known.name)  # a converted test: it did not run for the student
    meta["grade"] = known.points is not None
    meta["solution"] = known.solution
    if bool(meta.get("locked", False)) != known.locked:
        meta["locked"] = known.locked
        result.changed.append(known.name)
    if known.points is not None:
        try:
            changed = float(meta.get("points", "nan")) != known.points
        except (TypeError, ValueError):
            changed = True
        if changed:
            result.changed.append(known.name)
        meta["points"] = known.points
    meta["checksum"] = known.checksum
    if known.locked and compute_checksum(cell) != known.checksum:
        cell.source = known.source
        result.tampered.append(known.name)


def _set_type(cell: NotebookNode, cell_type: str) -> None:
    cell.cell_type = cell_type
    if cell_type == "code":
        cell["outputs"], cell["execution_count"] = [], None
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _reinsert_missing(nb: NotebookNode, source: SourceNotebook, result: Sanitized) -> None:
    """Deleted grade cells back after the cell that preceded them in the release."""
    order = [c.name for c in source.cells]
    for known in source.grade_cells:
        present = {_grade_id(c): i for i, c in enumerate(nb.cells) if _grade_id(c)}
        if known.name in present:
            continue
        before = order[:order.index(known.name)]
        anchor = next((present[name] for name in reversed(before) if name in present), -1)
        nb.cells.insert(anchor + 1, _missing_cell(known))
        result.missing.append(known.name)


def _missing_cell(known: SourceCell) -> NotebookNode:
    note = MISSING_NOTE.format(cell_id=known.name)
    meta = {"deletable": False, "editable": False,
            "nbgrader": {"grade": True, "grade_id": known.name, "locked": known.locked,
                         "checksum": known.checksum, "points": known.points, "solution": known.solution,
                         "schema_version": 3}}
    if known.cell_type == "code":
        # The source stays the course's (its checksum holds); the note is the cell's output.
        return nbformat.v4.new_code_cell(known.source, metadata=meta)
    return nbformat.v4.new_markdown_cell(note + known.source, metadata=meta)
