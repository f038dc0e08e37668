"""nbgrader's packages as `grader autograde` imports them (grader.instructor.nbgrader_lazy).

`grader autograde` reads the course's configuration with nbgrader's own application class
and writes through nbgrader's own gradebook, without running the package __init__ files
that load nbgrader's Jupyter server extensions, every nbgrader command, and nbconvert. Each
case runs in a fresh interpreter (a pytest process has imported nbgrader whole already).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("jupyter_server", "nbconvert", "nbclient", "jupyter_client", "zmq",
         "nbgrader.server_extensions", "nbgrader.preprocessors", "nbgrader.converters")

# What a program sees of nbgrader: its version, its server extension points, its commands,
# and every configurable class its --help-all lists (which uses the packages baseapp imports).
SEEN = """
import json, nbgrader
from nbgrader.apps import AutogradeApp
from nbgrader.apps.baseapp import NbGrader
from nbgrader.preprocessors import NbGraderPreprocessor
import nbgrader.preprocessors as pre
print(json.dumps({
    "version": nbgrader.__version__,
    "extension": nbgrader._jupyter_server_extension_points(),
    "autograde": AutogradeApp.__module__ + "." + AutogradeApp.__name__,
    "classes": [c.__module__ + "." + c.__name__ for c in NbGrader().all_configurable_classes()],
    "same_preprocessor": NbGraderPreprocessor is pre.base.NbGraderPreprocessor,
}))
"""


def _python(code: str, cwd: Path = ROOT) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_reading_a_course_configuration_loads_no_server_extension_nor_nbconvert(tmp_path: Path) -> None:
    (tmp_path / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "course-a"\n'
        'c.CourseDirectory.db_url = "sqlite:///elsewhere.db"\n', encoding="utf-8")
    out = _python(
        "import json, sys\n"
        "import grader.instructor.autograde\n"
        "from grader.instructor.nbconfig import read_config\n"
        "import nbgrader.api, nbgrader.plugins, nbgrader.utils\n"
        f"found = read_config(__import__('pathlib').Path({str(tmp_path)!r}))\n"
        f"heavy = sorted({{m.split('.')[0] if not m.startswith('nbgrader') else m for m in sys.modules}}"
        f" & set({HEAVY!r}))\n"
        "print(json.dumps([found.coursedir.course_id, found.coursedir.db_url, heavy]))\n")
    course_id, db_url, heavy = json.loads(out)
    assert (course_id, db_url) == ("course-a", "sqlite:///elsewhere.db")  # nbgrader's own chain read it
    assert heavy == []


def test_nbgrader_is_whole_for_whoever_uses_it_afterwards() -> None:
    plain = json.loads(_python(SEEN))
    deferred = json.loads(_python(
        "from grader.instructor.nbgrader_lazy import nbgrader_app_class\n"
        "nbgrader_app_class()\nimport nbgrader.api\n" + SEEN))
    assert deferred == plain
    assert plain["same_preprocessor"] and len(plain["classes"]) > 20
