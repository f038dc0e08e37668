"""The one environment every process that runs student code starts with.

A child must never see the grader's environment: on a JupyterHub, in Docker, on
Gradescope, it holds API tokens and cloud keys. Clearing ``os.environ`` after a fork is
not enough: ``posix.environ``, freed copies in memory and ``/proc/self/environ`` (the
block the process was exec'd with) still hold it. So every child descends from an exec
with this environment: the forking servers (``grader batch``, ``grader watch``, a
sandboxed ``grader check``) are started with it, and so is a ``grader check`` child that
has no server (spawned, never forked from the grader).

The process that starts a child makes itself not dumpable first (``hide_own_environment``),
so a child of the same user cannot read the grader's ``/proc/PID/environ`` either.

What is passed: the locale, where temporary files go, where Python finds the grader and
numpy, and numpy's own settings (its BLAS threads: one). Nothing else, whatever its name.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from grader.boundary.limits import not_dumpable, single_threaded

# Copied from the grader's environment when set: how text is read and written, and
# settings of numpy and its BLAS (e.g. OPENBLAS_CORETYPE where the CPU is not detected).
LOCALE_NAMES = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_MESSAGES")
NUMPY_PREFIXES = ("OPENBLAS_", "NPY_", "MKL_", "OMP_", "GOTO", "BLIS_")
# What Python itself cannot start without where these exist (Windows), never secrets.
SYSTEM_NAMES = ("SYSTEMROOT", "WINDIR", "PATHEXT", "COMSPEC")
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


def child_environment(home: str | None = None, python_path: str | None = None,
                      temp: str | None = None) -> dict[str, str]:
    """The whole environment of a process that runs student code (or forks the ones that
    do): ``home`` and ``temp`` default to the temporary folder, ``python_path`` to the
    folders of the grader and of numpy."""
    hide_own_environment()
    temp = temp or children_temp()
    # By name only: a value is decoded (copied) only when it is passed on, never a secret's.
    env = {name: os.environ[name] for name in list(os.environ)
           if name in LOCALE_NAMES or name in SYSTEM_NAMES or name.startswith(NUMPY_PREFIXES)}
    env.setdefault("LANG", "C.UTF-8")
    env.update({
        "PATH": SYSTEM_PATH if os.name == "posix" else os.environ.get("PATH", ""),
        "HOME": home or temp, "TMPDIR": temp, "TEMP": temp, "TMP": temp,
        "PYTHONPATH": python_path if python_path is not None else os.pathsep.join(import_roots()),
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8",
        **single_threaded(),
    })
    return env


def children_temp() -> str:
    """Where a child's folders are made: the temporary folder, unless this grader is root
    and its child (another user, see grader.boundary.child) could not pass through it
    (``TMPDIR=/root/tmp``): then the system's own, which everyone can."""
    temp = tempfile.gettempdir()
    if not (hasattr(os, "geteuid") and os.geteuid() == 0) or _passable(Path(temp)):
        return temp
    return "/tmp" if _passable(Path("/tmp")) else temp


def _passable(folder: Path) -> bool:
    try:
        return all(os.stat(f).st_mode & 0o001 for f in [folder, *folder.parents])
    except OSError:
        return False


def hide_own_environment() -> None:
    """The process that starts a child hides its own environment from it: a process that
    is not dumpable has its ``/proc/PID/environ`` (and memory) readable by root only, so a
    child of the same user cannot read the grader's through its parent's pid. (Reset by
    exec: the child's own is the clean one above.)"""
    not_dumpable()


def import_roots() -> list[str]:
    """Where this grader and the numpy it uses are imported from (the child imports both
    the same way, whatever put them on the grader's sys.path: PYTHONPATH, a notebook
    kernel's path, an editable install)."""
    roots = [Path(__file__).resolve().parents[2]]
    numpy = sys.modules.get("numpy")
    numpy_file = getattr(numpy, "__file__", None) if numpy is not None else None
    if numpy_file is None:
        import importlib.util

        spec = importlib.util.find_spec("numpy")
        numpy_file = spec.origin if spec is not None else None
    if numpy_file:
        roots.append(Path(numpy_file).resolve().parents[1])
    # A site folder is on the child's path anyway, after the standard library; named in
    # PYTHONPATH it would come first, where a backport installed there shadows the original.
    return list(dict.fromkeys(str(root) for root in roots if root not in _site_folders()))


def _site_folders() -> set[Path]:
    import site

    folders = list(site.getsitepackages()) if hasattr(site, "getsitepackages") else []
    if site.ENABLE_USER_SITE and hasattr(site, "getusersitepackages"):
        folders.append(site.getusersitepackages())
    return {Path(folder).resolve() for folder in folders}


def scrub_inherited_environment(home: str) -> None:
    """In a child forked from the grader: forget the grader's environment everywhere a
    student could find it, and take the children's (``child_environment``).

    A fork keeps three copies: the block the grader was exec'd with (what
    ``/proc/self/environ`` shows: overwritten with zeros through ``/proc/self/mem``), the
    bytes of ``posix.environ`` that ``os.environ`` shares (zeroed in place, then dropped, so
    freed memory does not keep them) and libc's ``environ`` (emptied by ``clear``). The
    grader never decodes a value it does not use, so no other copy exists (the test reads
    the child's whole memory for one)."""
    import posix

    fresh = child_environment(home=home)
    for value in list(posix.environ.values()):
        _zero_bytes(value)
    os.environ.clear()  # unsetenv, one by one: libc's environ no longer points anywhere old
    posix.environ.clear()
    _zero_exec_block()
    os.environ.update(fresh)


def _zero_bytes(value: bytes) -> None:
    """Overwrite the characters of a bytes object no one else uses (one-byte bytes are
    the interpreter's shared singletons: left alone, they are no secret)."""
    if type(value) is not bytes or len(value) < 2:
        return
    import ctypes

    offset = sys.getsizeof(b"") - 1  # where the characters start in the object
    ctypes.memset(id(value) + offset, 0, len(value))


def _zero_exec_block() -> None:
    """Zeros over the environment block this process was exec'd with (where the kernel
    reads /proc/self/environ from), found in /proc/self/stat."""
    try:
        with open("/proc/self/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        start, end = int(fields[47]), int(fields[48])  # fields 50 and 51: env_start, env_end
        if not 0 < start < end or end - start > 1 << 24:
            return
        with open("/proc/self/mem", "r+b", buffering=0) as memory:
            memory.seek(start)
            memory.write(b"\0" * (end - start))
    except (OSError, ValueError, IndexError):
        pass
