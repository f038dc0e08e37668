"""Auto-grader for the course's NumPy exercises and confirmation-test quizzes."""
from __future__ import annotations

import sys

OLDEST_PYTHON = (3, 11)  # pyproject.toml's requires-python; pip refuses older ones at install


def python_too_old(version: tuple | None = None) -> str | None:
    """What to tell someone running the grader from a checkout on an older Python, or None.

    Written out here, not in grader/messages/: it must be said before anything that an old
    Python cannot import (the message catalogue's reader among them)."""
    version = tuple(sys.version_info) if version is None else version
    if tuple(version[:2]) >= OLDEST_PYTHON:
        return None
    have, need = ".".join(map(str, version[:3])), ".".join(map(str, OLDEST_PYTHON))
    return (f"この採点プログラムには Python {need} 以上が必要です (この Python は {have})。"
            f"新しい Python を入れて、README の手順で仮想環境を作り直してください。\n"
            f"The grader needs Python {need} or newer (this is Python {have}). Install a newer "
            f"Python and make the virtual environment again as the README says.")
