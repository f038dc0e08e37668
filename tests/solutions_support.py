"""What the tests of solutions/ against reference/ share: the frame of the script that runs
their checks in a fresh interpreter (solutions/ first on sys.path, as the grader loads a
submission), and the run that reads each check's verdict back."""
from __future__ import annotations

import ast
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


def declared_checks(checks: str) -> list[str]:
    """The names of the checks ``checks`` declares, read from its text (no run): each
    ``@check``-decorated function, and each name a ``for`` over a literal tuple hands to a
    ``*_check(name, ...)`` helper (the optimizers). A check added to the script is a test
    case with no list to edit."""
    names: list[str] = []
    for node in ast.walk(ast.parse(checks)):
        if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Name) and d.id == "check" for d in node.decorator_list):
            names.append(node.name)
        elif isinstance(node, ast.For) and _calls_a_check_helper(node):
            names += [entry[0] for entry in ast.literal_eval(node.iter)]
    return names


def _calls_a_check_helper(loop: ast.For) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id.endswith("_check")
               for statement in loop.body for n in ast.walk(statement))
