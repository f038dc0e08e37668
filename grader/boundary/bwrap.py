"""Bubblewrap: the sandbox ``grader batch`` (and the quiz's code answers) run their servers in.

When bubblewrap (``bwrap``) is installed and works, the forking servers run inside a
bwrap sandbox: new PID, network, IPC and UTS namespaces, a read-only view of only the
system, Python and grader folders (``reference/`` and ``solutions/`` are not there at
all), a private ``/tmp`` and the one submission being graded, read-only, at
``/submission``. The process limits every child gets are in :mod:`grader.boundary.limits`.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NamedTuple

from grader.boundary.limits import Limits


# -- bubblewrap ----------------------------------------------------------------------

SANDBOX_ROOT = "/submission"  # where the submission appears inside the sandbox
# Capabilities a root grader's forking server keeps inside the sandbox: to make its
# children `nobody`, to end every process of a finished child, to remove the files a
# child left in the private /tmp (the only writable place), and to read the Python
# installation wherever it is. Children keep none (a change of user clears them).
SERVER_CAPABILITIES = ("CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_DAC_OVERRIDE", "CAP_FOWNER",
                       "CAP_DAC_READ_SEARCH")
SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")


class Isolation(NamedTuple):
    """How ``grader batch`` isolates its children on this machine (a named tuple: see
    limits.Limits)."""
    kind: str  # "bwrap" (bubblewrap sandbox and limits) or "limits" (limits only)
    bwrap: str = ""  # path of the bwrap program
    version: str = ""
    as_root: bool = False  # the grader runs as root: its children become `nobody`
    reason: str = ""  # why limits only, when so

    @property
    def sandboxed(self) -> bool:
        return self.kind == "bwrap"


def readable_by_anyone(path: Path) -> bool:
    """Whether every user can reach and read ``path`` (a folder)."""
    try:
        if not os.stat(path).st_mode & 0o004:
            return False
        return all(os.stat(folder).st_mode & 0o001 for folder in [path, *path.parents])
    except OSError:
        return False


def python_hidden_from_children() -> bool:
    """A root grader without a sandbox runs children as `nobody`: can they read the
    standard library (to import what the grader did not import for them in advance)?"""
    import sysconfig

    return not readable_by_anyone(Path(sysconfig.get_paths()["stdlib"]))


def missing_for_servers() -> str:
    """What this Python lacks for a forking server (bubblewrap's, `grader watch`'s): fork
    and Unix sockets that pass descriptors (none on Windows). "" when it has them all."""
    import socket

    lacking = [name for name, present in (("os.fork", hasattr(os, "fork")),
                                          ("socket.AF_UNIX", hasattr(socket, "AF_UNIX")),
                                          ("socket.send_fds", hasattr(socket, "send_fds")))
               if not present]
    return ", ".join(lacking)


def why_no_bwrap() -> str:
    """Why bubblewrap cannot be used here before trying it: it cannot exist on this system,
    or it is not installed; "" when it is there."""
    missing = missing_for_servers()
    if missing:
        return f"bubblewrap needs Linux; this Python has no {missing}"
    if find_bwrap() is None:
        return "bwrap not found"
    return ""


def find_bwrap() -> str | None:
    import shutil  # here: the forking server imports this module and never looks for bwrap

    return shutil.which("bwrap") if not missing_for_servers() else None


def bwrap_version(bwrap: str) -> str:
    import subprocess  # here: the forking server imports this module and never runs bwrap

    try:
        done = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=10)
        return done.stdout.strip().split()[-1] if done.returncode == 0 and done.stdout.strip() else ""
    except (OSError, subprocess.SubprocessError, IndexError):
        return ""


def choose_isolation(requested: str, staging: Path) -> Isolation:
    """``auto``: bubblewrap when it is installed and runs here, else limits only;
    ``bwrap``: bubblewrap or an error (RuntimeError with the reason); ``none``: limits only."""
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if requested == "none":
        return Isolation("limits", as_root=as_root, reason="--sandbox none")
    bwrap = find_bwrap()
    if bwrap is None:
        reason = why_no_bwrap()
        if requested == "bwrap":
            raise RuntimeError(reason)
        return Isolation("limits", as_root=as_root, reason=reason)
    isolation = Isolation("bwrap", bwrap, bwrap_version(bwrap), as_root)
    problem = _bwrap_problem(isolation, staging)
    if problem:
        if requested == "bwrap":
            raise RuntimeError(problem)
        return Isolation("limits", as_root=as_root, reason=problem)
    return isolation


def _bwrap_problem(isolation: Isolation, staging: Path) -> str:
    """Why a sandbox with our options does not start Python here ("" when it does)."""
    import subprocess

    argv = bwrap_argv(isolation, staging, [sys.executable, "-c", "import grader"])
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bwrap did not run: {exc}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["exit status %d" % done.returncode])[-1]
        return f"bwrap does not work here: {last}"
    return ""


def _python_folders() -> list[str]:
    """Folders the sandbox's Python needs: its installation, its environment, site-packages."""
    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
               str(Path(sys.executable).resolve().parent.parent), *site_packages()}
    for entry in sys.path:
        if entry and Path(entry).is_dir() and "site-packages" in entry:
            folders.add(entry)
    return sorted(f for f in folders if f and Path(f).exists())


def site_packages() -> tuple[str, ...]:
    """The folders of installed packages that ``site`` puts on sys.path here (the virtual
    environment's, when there is one; never the user's, which the sandbox does not read)."""
    import site

    return tuple(folder for folder in site.getsitepackages() if Path(folder).is_dir())


def grader_package() -> Path:
    return Path(__file__).resolve().parents[1]


def _oracle_folders() -> list[Path]:
    """Where the trusted oracle lives on disk: hidden inside the sandbox wherever it is."""
    import importlib.util

    found = []
    for name in ("reference", "solutions"):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        for location in (spec.submodule_search_locations or []) if spec else []:
            found.append(Path(location).resolve())
    root = grader_package().parent
    found += [root / "reference", root / "solutions"]
    return sorted(set(p for p in found if p.is_dir()))


def _covered(path: Path, folders: list[str]) -> bool:
    return any(path == Path(f) or Path(f) in path.parents for f in folders)


def bwrap_argv(isolation: Isolation, staging: Path, command: list[str],
               limits: Limits = Limits()) -> list[str]:
    """The bwrap command line that runs ``command`` with ``staging`` at /submission."""
    argv = [isolation.bwrap]
    if isolation.as_root:
        # Root runs bwrap without a user namespace so that the server inside can make
        # its children a real unprivileged user (process limits then count per child).
        argv += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                 "--unshare-cgroup-try", "--cap-drop", "ALL"]
        for capability in SERVER_CAPABILITIES:
            argv += ["--cap-add", capability]
    else:
        argv += ["--unshare-all", "--unshare-user", "--disable-userns"]
    argv += ["--die-with-parent", "--new-session"]
    # The private /tmp first: Python or the grader may live under /tmp (a CI clone with
    # its .venv), and their binds must land on top of it, not be hidden by it.
    argv += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(limits.tmp_size), "--tmpfs", "/tmp"]
    links, binds = [], []
    for folder in SYSTEM_FOLDERS:
        if Path(folder).is_symlink():  # /lib -> usr/lib on merged-/usr systems
            links += ["--symlink", os.readlink(folder), folder]
        elif Path(folder).is_dir():
            binds.append(folder)
    for folder in _python_folders():
        if not _covered(Path(folder).resolve(), binds):
            binds.append(folder)
    package = grader_package()
    binds.append(str(package))
    argv += _parent_folders(binds)
    for folder in binds:
        argv += ["--ro-bind", folder, folder]
    argv += links
    for folder in _oracle_folders():
        if _covered(folder, binds):
            argv += ["--tmpfs", str(folder)]
    argv += ["--ro-bind", str(staging), SANDBOX_ROOT, "--chdir", "/tmp", "--clearenv"]
    environment = {**sandbox_environment(package.parent), KEEP_IN_TMP: ":".join(_under_tmp(binds))}
    for name, value in environment.items():
        argv += ["--setenv", name, value]
    return argv + command


KEEP_IN_TMP = "GRADER_KEEP_IN_TMP"  # names under the sandbox's /tmp that hold read-only binds


def _under_tmp(binds: list[str]) -> list[str]:
    """The first names below /tmp of the binds that live there (kept when /tmp is emptied)."""
    return sorted({Path(f).relative_to("/tmp").parts[0] for f in binds
                   if Path(f).is_relative_to("/tmp") and Path(f) != Path("/tmp")})


def _parent_folders(binds: list[str]) -> list[str]:
    """bwrap makes the folders above a mount point private (0700); the children, another
    user, must be able to pass through them to reach Python and the grader."""
    argv: list[str] = []
    made: set[str] = set()
    for folder in binds:
        for parent in reversed(Path(folder).parents):
            if str(parent) != "/" and str(parent) not in made:
                made.add(str(parent))
                argv += ["--perms", "0755", "--dir", str(parent)]
    return argv


def sandbox_environment(package_parent: Path) -> dict[str, str]:
    """The whole environment inside the sandbox (the children's, see
    :func:`grader.boundary.environment.child_environment`): nothing of the instructor's leaks in."""
    from grader.boundary.environment import SYSTEM_PATH, child_environment

    return {**child_environment(home="/tmp", temp="/tmp", python_path=str(package_parent)),
            "PATH": SYSTEM_PATH, "PYTHONNOUSERSITE": "1"}

