"""The Gradescope bundle as Gradescope runs it (issue 23, item 5): a fresh /autograder tree
(simulated in a temporary folder: source/, submission/, results/), `setup.sh` run once on
an image whose `python3` is too old (Ubuntu 22.04's 3.10: a shim first on PATH) with apt
simulated (a fake `apt-get` that records what it is asked for; this machine's real
python3.11 then serves, as Ubuntu's universe package would), then `run_autograder` per
submission with nothing but what setup.sh made: solutions, a notebook, a broken upload and
a zip whose files sit in one folder."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from conftest import SOLUTIONS, run_grader
from test_instructor_gradescope import GRADESCOPE_SCHEMA
from grader.authoring.assignments import assignment
from grader.authoring.notebooks import build_notebook, topic_points

pytestmark = pytest.mark.slow
TOPICS = ("softmax", "training")  # training reads the digits: the bundle must bring them
# What Ubuntu's python3.11 package provides: this machine's distribution Python 3.11, else
# the interpreter this test runs on (>= 3.11, as the project requires), under that name.
PYTHON311 = shutil.which("python3.11", path="/usr/bin:/bin") or getattr(sys, "_base_executable", sys.executable)


def _unzip(bundle: Path, into: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(into)
        for info in archive.infolist():  # zipfile drops the modes: restore them as unzip does
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(into / info.filename, mode)


def _fake_image(bin_dir: Path, calls: Path) -> None:
    """Ubuntu 22.04 as setup.sh sees it: python3 is 3.10, apt-get installs (records) anything."""
    bin_dir.mkdir()
    (bin_dir / "python3").write_text('#!/bin/sh\necho "Python 3.10.12"\nexit 1\n')
    (bin_dir / "apt-get").write_text(f'#!/bin/sh\necho "$@" >> "{calls}"\nexit 0\n')
    (bin_dir / "python3.11").symlink_to(PYTHON311)
    for tool in bin_dir.iterdir():
        if not tool.is_symlink():
            tool.chmod(0o755)


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """setup.sh run once, as Gradescope builds the image; what later runs reuse."""
    top = tmp_path_factory.mktemp("gradescope")
    bundle = top / "autograder.zip"
    done = run_grader("gradescope", "build", str(bundle), "--topics", *TOPICS)
    assert done.returncode == 0, done.stderr
    source = top / "autograder" / "source"
    _unzip(bundle, source)
    calls = top / "apt-calls.txt"
    _fake_image(top / "bin", calls)
    path = f"{top / 'bin'}:/usr/bin:/bin"
    env = {**os.environ, "PATH": path, "PYTHONPATH": ""}
    env.pop("VIRTUAL_ENV", None)
    setup = subprocess.run(["bash", str(source / "setup.sh")], env=env, capture_output=True, text=True,
                           timeout=900, cwd=top)
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    return {"root": top / "autograder", "env": env, "apt": calls.read_text().splitlines(), "setup": setup}


def _run(image: dict, tmp_path: Path, fill) -> dict:
    """run_autograder on a fresh submission/ and results/ beside the image's source/."""
    root = image["root"]
    for part in ("submission", "results"):
        shutil.rmtree(root / part, ignore_errors=True)
    (root / "submission").mkdir()
    fill(root / "submission")
    env = {**image["env"], "AUTOGRADER_ROOT": str(root)}
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    return results


def test_setup_installs_the_distributions_python_311_when_python3_is_too_old(image: dict) -> None:
    apt = image["apt"]
    assert any(call.startswith("update") for call in apt)
    installs = " ".join(call for call in apt if call.startswith("install"))
    assert "python3.11" in installs and "python3.11-venv" in installs
    assert "too old" in image["setup"].stdout
    venv_python = image["root"] / "source" / ".venv" / "bin" / "python"
    version = subprocess.run([str(venv_python), "-c", "import sys, numpy; print(sys.version_info >= (3, 11))"],
                             capture_output=True, text=True, check=True).stdout
    assert version.strip() == "True"
    assert (image["root"] / "source" / ".venv" / "pyvenv.cfg").read_text().count("3.10") == 0


def test_solutions_get_full_marks(image: dict, tmp_path: Path) -> None:
    results = _run(image, tmp_path, lambda submission: shutil.copytree(SOLUTIONS, submission / "exercises"))
    assert {t["name"].split(" › ")[0] for t in results["tests"]} == set(TOPICS), results["output"]
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0


def test_a_notebook_is_graded(image: dict, tmp_path: Path) -> None:
    import nbformat

    day1 = assignment("day1")
    notebook = build_notebook(day1, SOLUTIONS, topic_points())
    results = _run(image, tmp_path, lambda submission: nbformat.write(notebook, submission / day1.notebook))
    assert results["score"] == sum(topic_points()[t] for t in TOPICS)


def test_a_zip_of_one_folder_is_looked_into(image: dict, tmp_path: Path) -> None:
    upload = tmp_path / "my_hw.zip"
    with zipfile.ZipFile(upload, "w") as archive:
        for module in SOLUTIONS.glob("*.py"):
            archive.write(module, f"my_hw/{module.name}")
        archive.writestr("__MACOSX/my_hw/._functions.py", b"\0\5\26\7")  # what macOS adds

    def unzip(submission: Path) -> None:  # Gradescope unzips the upload into submission/
        with zipfile.ZipFile(upload) as archive:
            archive.extractall(submission)

    results = _run(image, tmp_path, unzip)
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0


def test_a_broken_upload_gets_a_results_file_with_score_0(image: dict, tmp_path: Path) -> None:
    def broken(submission: Path) -> None:
        (submission / "functions.py").write_bytes(b"def softmax(x:\n\xff\xfe")
        (submission / "homework.ipynb").write_text("{not json")

    results = _run(image, tmp_path, broken)
    assert results["score"] == 0 and results["output"]


def test_setup_on_an_image_whose_python3_is_new_enough_installs_only_its_venv(tmp_path: Path) -> None:
    """Ubuntu 24.04 as setup.sh sees it: python3 is 3.12 (here: a Python >= 3.11); apt is
    asked for the distribution's venv package, never for another Python."""
    bundle = tmp_path / "autograder.zip"
    assert run_grader("gradescope", "build", str(bundle), "--topics", "softmax").returncode == 0
    source = tmp_path / "autograder" / "source"
    _unzip(bundle, source)
    calls = tmp_path / "apt-calls.txt"
    _fake_image(tmp_path / "bin", calls)
    (tmp_path / "bin" / "python3").unlink()
    (tmp_path / "bin" / "python3").symlink_to(PYTHON311)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "PYTHONPATH": ""}
    env.pop("VIRTUAL_ENV", None)
    setup = subprocess.run(["bash", str(source / "setup.sh")], env=env, capture_output=True, text=True,
                           timeout=900, cwd=tmp_path)
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    installs = " ".join(line for line in calls.read_text().splitlines() if line.startswith("install"))
    assert "python3-venv" in installs and "python3.11" not in installs
    assert (source / ".venv" / "bin" / "python").exists() and "ready" in setup.stdout
