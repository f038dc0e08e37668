"""nbgrader's autograde grades notebook after notebook in one process (GradeOutsideKernel):
one forking server for the whole run, and for each notebook a fresh staging and a fresh
child, as `grader batch` grades each student (grader.batch.warm). Nothing one student
leaves behind — files in the working folder, /tmp, /dev/shm, the home folder, a module's
attribute — reaches the student graded next.
"""
from __future__ import annotations

import shutil

import nbformat
import pytest

from grader.instructor.nbgrader_execute import grade_notebook

TOPIC = "cross_entropy_error"
# Only bubblewrap separates one student from the next (its /tmp, /dev/shm and home are the
# sandbox's own): without it, README says, children can write world-writable places such
# as /tmp — with or without a warm server (the per-notebook server before it did too).
NEEDS_BWRAP = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")

BODY = ("    d = np.asarray(d)\n    if y.ndim == 1:\n        d = d.reshape(1, d.size)\n"
        "        y = y.reshape(1, y.size)\n    if d.size == y.size:\n        d = d.argmax(axis=1)\n"
        "    batch_size = y.shape[0]\n    return -np.sum(np.log(y[np.arange(batch_size), d] + 1e-7)) / batch_size\n")
PLACES = ("[os.getcwd(), tempfile.gettempdir(), '/tmp', '/dev/shm', os.path.expanduser('~')]")

# Right, and leaves its answer wherever it can write, and on numpy itself.
LEAVER = ("import os, tempfile\nimport numpy as np\n\n"
          "def cross_entropy_error(d, y):\n"
          f"    answer = {('def cross_entropy_error(d, y):' + chr(10) + BODY)!r}\n"
          "    np.leaked_answer = answer\n"
          f"    for place in {PLACES}:\n"
          "        try:\n"
          "            with open(os.path.join(place, 'leaked_answer.py'), 'w') as out:\n"
          "                out.write(answer)\n"
          "        except OSError:\n"
          "            pass\n"
          "    ns = {'np': np}\n    exec(answer, ns)\n    return ns['cross_entropy_error'](d, y)\n")

# Right only with what the one before left behind; 0.0 otherwise.
TAKER = ("import os, tempfile\nimport numpy as np\n\n"
         "def cross_entropy_error(d, y):\n"
         "    found = getattr(np, 'leaked_answer', None)\n"
         f"    for place in {PLACES}:\n"
         "        try:\n"
         "            with open(os.path.join(place, 'leaked_answer.py')) as leaked:\n"
         "                found = found or leaked.read()\n"
         "        except OSError:\n"
         "            pass\n"
         "    if not found:\n        return 0.0\n"
         "    ns = {'np': np}\n    exec(found, ns)\n    return ns['cross_entropy_error'](d, y)\n")


def rows(source: str, sandbox: str) -> list[dict]:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    return grade_notebook(nb, [TOPIC], sandbox=sandbox)


@NEEDS_BWRAP
@pytest.mark.parametrize("sandbox", ["bwrap", "auto"])
def test_one_server_for_the_run_and_nothing_of_one_student_reaches_the_next(sandbox: str) -> None:
    from grader.batch import warm

    warm.close_warm_slot()
    try:
        leaver = rows(LEAVER, sandbox)
        server = warm._current.slot.proc.pid
        taker = rows(TAKER, sandbox)
        assert warm._current.slot.proc.pid == server  # warm: the same forking server
        assert leaver and all(row["passed"] for row in leaver), leaver
        assert taker and not any(row["passed"] for row in taker), taker
        assert rows(LEAVER.replace("np.leaked_answer = answer", "pass"), sandbox) == leaver
    finally:
        warm.close_warm_slot()
    assert warm._current is None
