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
* nothing is byte-compiled at install (imports compile what they load).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What a build of the grader reads: the packages pyproject.toml names, and its readme.
SOURCE_PARTS = ("grader", "reference", "pyproject.toml", "README.md")


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder every worker of this run sees: under xdist each worker's base temporary
    folder sits inside the run's own."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / name
    folder.mkdir(exist_ok=True)
    return folder


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One process at a time in ``folder`` (the others wait); where there is no fcntl,
    the caller's own folder is private anyway."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system: each worker builds its own (see grader_wheel)
        yield
        return
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
    try:
        import fcntl  # noqa: F401  (only whether it exists)
        folder = shared_folder(tmp_path_factory, "grader-wheel")
    except ImportError:
        folder = tmp_path_factory.mktemp("grader-wheel")
    with locked(folder):
        built = sorted((folder / "dist").glob("*.whl"))
        if not built:
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
    """``pip install`` into the venv of ``python``, run from this environment's pip."""
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                           "--no-compile", "--disable-pip-version-check", *(["--no-deps"] if no_deps else []),
                           *requirements], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
