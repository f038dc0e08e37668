"""Fresh virtual environments for the tests that install the grader as a student (or a
graded course's kernel) gets it (no tests here).

What such a test means — a real ``pip install`` of a wheel, with only the dependencies it
names, into a fresh venv that nothing else touched — is kept; what it does not need is
left out, and what it needs once is done once:

* the grader's wheel is built once per test run (an isolated setuptools build from a copy
  of the tree, as ``pip install <folder>`` builds it) and shared by every worker through
  the run's base temporary folder, under a file lock;
* a venv is made without pip (ensurepip byte-compiles pip: seconds per venv) and pip is
  run from outside into it (``pip --python VENV``: pip itself runs on the venv's
  interpreter and installs there); a test whose notebook runs ``%pip`` installs pip into
  the venv the same way;
* nothing is byte-compiled at install: the venv's own processes cache the bytecode of what
  they import, as Python does by default (``CACHE_BYTECODE``).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from once_per_run import locked, shared_folder

ROOT = Path(__file__).resolve().parents[1]
# What a build of the grader reads: the packages pyproject.toml names, and its readme.
SOURCE_PARTS = ("grader", "reference", "pyproject.toml", "README.md")
# Python's default in a student's kernel: imports write their bytecode. Where the tests run
# with PYTHONDONTWRITEBYTECODE set (this machine's environment does), every process of a venv
# installed without byte-compiling would compile all it imports again (a notebook's run
# twice the CPU); an empty value is Python's "unset". The grader's sandboxed children keep
# their own setting (they never write): they read what the kernel wrote.
CACHE_BYTECODE = {"PYTHONDONTWRITEBYTECODE": ""}


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def copy_source(into: Path) -> Path:
    """The parts of the repository a build reads, without caches: pip's in-tree build
    writes build/ and *.egg-info beside them, never into the repository."""
    for part in SOURCE_PARTS:
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, into / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            into.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / part, into / part)
    return into


def grader_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The grader's wheel, as pip builds it from the source folder; built once per run."""
    folder = shared_folder(tmp_path_factory, "grader-wheel")
    with locked(folder):
        built = sorted((folder / "dist").glob("*.whl"))
        if not built:
            shutil.rmtree(folder / "source", ignore_errors=True)  # what a failed attempt left
            source = copy_source(folder / "source")
            partial = folder / "dist.partial"
            done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                                   "--disable-pip-version-check", "--wheel-dir", str(partial), str(source)],
                                  capture_output=True, text=True, timeout=600)
            assert done.returncode == 0, done.stderr[-3000:]
            partial.rename(folder / "dist")
            built = sorted((folder / "dist").glob("*.whl"))
    [wheel] = built
    return wheel


def fresh_venv(venv: Path) -> Path:
    """A new venv without pip (a test that needs pip inside installs it: ``pip_install(python,
    "pip", ...)``); its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    return venv_python(venv)


def pip_install(python: Path, *requirements: str, no_deps: bool = False) -> None:
    """``pip install`` into the venv of ``python``, run from this environment's pip
    (``--python``: pip 22.3 or newer, what Python 3.11's venv brings)."""
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                           "--no-compile", "--disable-pip-version-check", *(["--no-deps"] if no_deps else []),
                           *requirements], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]


def kernel_spec(jupyter: Path, name: str, python: Path, display_name: str, env: dict[str, str] | None = None) -> None:
    """A Jupyter kernel spec ``name`` under ``jupyter/kernels/`` that runs ``python``'s
    ipykernel (bytecode cached, see ``CACHE_BYTECODE``)."""
    spec = jupyter / "kernels" / name
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": display_name, "language": "python", "env": {**CACHE_BYTECODE, **(env or {})}}),
        encoding="utf-8")
