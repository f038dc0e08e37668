"""What the tests of solutions/ against reference/ share: the frame of the script that runs
their checks in a fresh interpreter (solutions/ first on sys.path, as the grader loads a
submission), and the run that reads each check's verdict back."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"

HEADER = r"""
import json, sys, traceback, warnings
sys.path[:0] = [sys.argv[1], sys.argv[2]]  # solutions first, then the repository for reference/
warnings.simplefilter("error")  # a NumPy warning on these inputs is a defect too
import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

CHECKS = {}

def check(function):
    CHECKS[function.__name__] = function
    return function
"""

FOOTER = r"""
outcome = {}
for name, function in CHECKS.items():
    try:
        function()
        outcome[name] = ""
    except Exception:
        outcome[name] = traceback.format_exc()
print(json.dumps(outcome))
"""


def compare(checks: str) -> dict[str, str]:
    """Each ``@check`` of ``checks`` (script text) -> "" when it held, else its traceback."""
    result = subprocess.run(
        [sys.executable, "-B", "-c", HEADER + checks + FOOTER, str(SOLUTIONS), str(ROOT)],
        capture_output=True, text=True, timeout=300, cwd=SOLUTIONS,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
