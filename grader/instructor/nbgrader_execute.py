"""``nbgrader autograde`` grading outside the student's kernel: nbgrader's own pipeline,
with its ``Execute`` step replaced.

nbgrader builds autograde from two lists of nbconvert preprocessors on its ``Autograde``
converter (nbgrader/converters/autograde.py): ``sanitize_preprocessors`` (outputs cleared,
locked cells restored from the gradebook, metadata checked) and ``autograde_preprocessors``
(``Execute`` runs the notebook in a kernel; ``SaveAutoGrades`` then reads each grade cell's
score from its outputs with ``determine_grade``; ``AssignLatePenalties`` …). Everything
around them — the configuration chain, ``--student``, copying every submitted file into
``autograded/``, timestamps, late penalties, the gradebook — is nbgrader's.

:class:`GradeOutsideKernel` takes ``Execute``'s place in that list
(``grader nbgrader init`` writes the line; README shows it for an existing course)::

    c.Autograde.autograde_preprocessors = [
        "grader.instructor.nbgrader_execute.GradeOutsideKernel", "nbgrader.preprocessors.IgnorePattern", …]

It grades the sanitised notebook as ``grader autograde`` grades it: the same staging and
program extraction (:func:`grader.batch.inputs.stage`, :mod:`grader.nb.program`), the same
engine, seed and sandbox (bubblewrap where it works), and the same check-cell outputs
(:func:`grader.instructor.autograded.fill_outputs`). No cell of the student's runs in a
kernel, so a notebook that redefines ``check`` changes nothing, and formgrader's Autograde
button is as honest as ``grader autograde``. The two write the same gradebook.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from traitlets import Enum, Float, Int

from nbgrader.preprocessors import NbGraderPreprocessor

from grader.grading.defaults import MAX_SEED
from grader.instructor.autograded import LANGS, fill_outputs, topic_of

PREPROCESSOR = f"{__name__}.GradeOutsideKernel"
# nbgrader 0.9's default autograde_preprocessors with Execute replaced (one source: init
# writes these lines, the test reads them back from nbgrader's own default).
NBGRADER_AFTER_EXECUTE = (
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
)
AUTOGRADE_PREPROCESSORS = (PREPROCESSOR, *NBGRADER_AFTER_EXECUTE)


class GradeOutsideKernel(NbGraderPreprocessor):
    """Grades a sanitised notebook with the grader, out of any kernel, and writes each
    check cell's verdict as its output (what ``SaveAutoGrades`` then scores)."""

    sandbox = Enum(["auto", "bwrap", "none"], default_value="auto",
                   help="bubblewrap around the student's code: auto (where it works), bwrap, none").tag(config=True)
    time_limit = Float(0.0, help="seconds per topic (0: the grader's default)").tag(config=True)
    # The course's summative seed (`grader nbgrader init` draws one); None: the public default.
    seed = Int(None, allow_none=True, min=0, max=MAX_SEED,
               help="seed of the generated inputs (None: the grader's default seed)").tag(config=True)

    def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
        topics = notebook_topics(nb)
        rows = grade_notebook(nb, topics, self.sandbox, self.time_limit, self.seed) if topics else []
        fill_outputs(nb, rows, [])
        return nb, resources


def notebook_topics(nb: Any) -> list[str]:
    """The topics the notebook's check cells grade, in order."""
    from grader.authoring.assignments import TOPICS

    found: list[str] = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id")
        topic = topic_of(grade_id) if meta.get("grade") and isinstance(grade_id, str) else None
        if topic in TOPICS and topic not in found:
            found.append(topic)
    return found


def grade_notebook(nb: Any, topics: list[str], sandbox: str = "auto", time_limit: float = 0.0,
                   seed: int | None = None) -> list[dict]:
    """The rows ``grader batch`` records for this notebook (topic, check, points, messages)."""
    import nbformat

    from grader.batch.inputs import Refused, Staged, Submission, stage
    from grader.grading.engine import DEFAULT_SEED, DEFAULT_TIME_LIMIT, grade

    with tempfile.TemporaryDirectory(prefix="grader-nbgrader-") as tmp:
        folder, staging = Path(tmp) / "submission", Path(tmp) / "staged"
        folder.mkdir()
        staging.mkdir()
        nbformat.write(nb, str(folder / "notebook.ipynb"))
        try:
            staged = stage(Submission("student", folder, notebooks=True), staging)
        except Refused as refused:  # as the batch records it: every check fails, saying why
            from grader.grading.batch_judge import BatchJudge
            return result_rows(Staged(), BatchJudge(topics, DEFAULT_SEED if seed is None else seed)
                               .failing_everything(refused.note))
        results = grade(staging, topics, seed=DEFAULT_SEED if seed is None else seed,
                        time_limit=time_limit or DEFAULT_TIME_LIMIT, sandbox=sandbox)
    return result_rows(staged, results)


def result_rows(staged: Any, results: list) -> list[dict]:
    """Each result as a row of ``grader batch``'s results.json, messages in both languages."""
    from grader.check.report import message_text

    rows = []
    for result in staged.adapt(results):
        rows.append({"topic": result.topic, "check": result.check, "passed": result.passed,
                     "points": float(result.points), "max_points": float(result.max_points),
                     "messages": {lang: staged.text(message_text(result, lang)) for lang in LANGS}})
    return json.loads(json.dumps(rows))
