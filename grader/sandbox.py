"""Limits and isolation for the processes that run student code.

Two layers:

* Every child gets process limits (address space, CPU time, file size, open files,
  processes, no core files), its own session, no new privileges through exec, and,
  when the grader runs as root, an unprivileged user. Where the kernel allows it, a child
  of ``grader batch`` also leaves the network (an empty network namespace).
* When bubblewrap (``bwrap``) is installed and works, ``grader batch`` runs its forking
  servers inside a bwrap sandbox: new PID, network, IPC and UTS namespaces, a read-only
  view of only the system, Python and grader folders (``reference/`` and ``solutions/``
  are not there at all), a private ``/tmp`` and the one submission being graded,
  read-only, at ``/submission``.

Everything here is Linux-first; on other systems the calls that cannot apply do nothing.
"""
from __future__ import annotations

import ctypes
import os
import pwd
import resource
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LINUX = sys.platform.startswith("linux")

# prctl(2) options and clone(2) flags, from <linux/prctl.h> and <linux/sched.h>.
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000

GIB = 1024 ** 3
MIB = 1024 ** 2


@dataclass(frozen=True)
class Limits:
    """What one child may use. Wall-clock time is enforced by the parent, the rest here."""
    time_limit: float = 10.0  # wall-clock seconds per topic
    cpu_seconds: float = 10.0  # CPU seconds per topic (soft RLIMIT_CPU, moved per topic)
    memory_headroom: int = 2 * GIB  # bytes of address space a child may add to what it has
    file_size: int = 64 * MIB  # largest file a child may write
    open_files: int = 256
    # Processes and threads a child may start: the exercises need none, and every one a
    # fork bomb gets takes CPU from the other children.
    processes: int = 8
    tmp_size: int = 256 * MIB  # size of the sandbox's private /tmp (bubblewrap only)


@lru_cache(maxsize=1)  # loaded once, before the forks, not in every child
def _libc() -> ctypes.CDLL | None:
    if not LINUX:
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _prctl(option: int, value: int) -> bool:
    libc = _libc()
    if libc is None:
        return False
    return libc.prctl(option, ctypes.c_ulong(value), ctypes.c_ulong(0), ctypes.c_ulong(0),
                      ctypes.c_ulong(0)) == 0


def no_new_privileges() -> bool:
    """Exec can no longer gain privileges (set-user-ID programs stay unprivileged)."""
    return _prctl(PR_SET_NO_NEW_PRIVS, 1)


def not_dumpable() -> bool:
    """Processes of the same user cannot ptrace this one or read its memory."""
    return _prctl(PR_SET_DUMPABLE, 0)


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Get ``sig`` when the parent dies. Cleared by a change of user: call it after."""
    return _prctl(PR_SET_PDEATHSIG, sig)


def adopt_orphans() -> bool:
    """Become the subreaper: orphaned descendants stay in this process's tree."""
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def leave_network() -> bool:
    """Move into a new, empty network namespace; False when the kernel refuses.

    Root may do that directly; other users first need a user namespace of their own,
    in which their user id is mapped to itself."""
    libc = _libc()
    if libc is None:
        return False
    if libc.unshare(CLONE_NEWNET) == 0:
        return True
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return False
    try:
        for path, text in (("/proc/self/setgroups", "deny"), ("/proc/self/uid_map", f"{uid} {uid} 1"),
                           ("/proc/self/gid_map", f"{gid} {gid} 1")):
            with open(path, "w") as f:
                f.write(text)
    except OSError:
        pass  # unmapped ids still leave the network namespace in place
    return True


@lru_cache(maxsize=1)
def unprivileged_ids() -> tuple[int, int]:
    """The (uid, gid) of ``nobody``, the user a root grader's children become."""
    try:
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def drop_privileges(uid: int, gid: int) -> None:
    """Become ``uid``/``gid`` for good (real, effective and saved ids, no groups)."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def _set(limit: int, soft: int, hard: int | None = None) -> None:
    """Lower a limit; never fail (a limit the system will not take is skipped)."""
    try:
        old_soft, old_hard = resource.getrlimit(limit)
        hard = soft if hard is None else hard
        if old_hard != resource.RLIM_INFINITY:
            hard = min(hard, old_hard)
        resource.setrlimit(limit, (min(soft, hard), hard))
    except (ValueError, OSError):
        pass


def limit_memory(headroom: int = 2 * GIB) -> None:
    """Let this process grow by a bounded amount, so a runaway allocation fails inside it."""
    try:
        with open("/proc/self/status") as status:
            vm = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    except (OSError, ValueError, StopIteration):
        return
    _set(resource.RLIMIT_AS, vm + headroom)


def apply_limits(limits: Limits, topics: int | None = None, processes: int | None = None) -> None:
    """The child's limits. CPU time (when ``topics`` is given): a total for all topics as
    the hard limit, which :func:`limit_cpu_for_topic` hands out topic by topic as the soft
    one. Processes (when given): RLIMIT_NPROC, which counts all of the user's processes."""
    limit_memory(limits.memory_headroom)
    _set(resource.RLIMIT_CORE, 0)  # a crash must not leave a core file behind
    _set(resource.RLIMIT_FSIZE, limits.file_size)
    _set(resource.RLIMIT_NOFILE, limits.open_files)
    if processes is not None:
        _set(resource.RLIMIT_NPROC, processes)
    if topics is not None:
        total = int(limits.cpu_seconds * max(topics, 1)) + 5
        _set(resource.RLIMIT_CPU, total, total + 1)
    # Past the file size limit, write() should fail with an error the student can read,
    # not kill the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def limit_cpu_for_topic(seconds: float) -> None:
    """Allow ``seconds`` more CPU time from now (SIGXCPU past it, SIGKILL a second later)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = int(used + seconds) + 1
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    except (ValueError, OSError):
        pass


def count_processes(uid: int) -> int:
    """How many processes and threads ``uid`` has now (RLIMIT_NPROC counts those)."""
    count = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0
    for entry in entries:
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                continue
    return count


# -- ending a child and everything it started -------------------------------------------

def children_of(pid: int) -> list[int]:
    """Direct children of ``pid`` (Linux /proc), or [] when that cannot be read."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(p) for p in f.read().split()]
        except (OSError, ValueError):
            continue
    return found


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def kill_tree(pid: int) -> None:
    """SIGKILL ``pid``, its process group and every process descended from it.

    Each process is stopped before its children are listed, so that none can fork a
    replacement while the tree is walked; a child that set up its own session is still
    found, by parentage."""
    try:
        os.killpg(pid, signal.SIGSTOP)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    seen: set[int] = set()
    frontier = [pid]
    while frontier and len(seen) < 100_000:
        current = frontier.pop()
        if current in seen:
            continue
        seen.add(current)
        _signal(current, signal.SIGSTOP)
        frontier.extend(children_of(current))
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    for current in seen:
        _signal(current, signal.SIGKILL)


def exit_detail(status: int) -> str:
    """How a process ended, as the student reads it: a signal name or an exit code."""
    if os.WIFSIGNALED(status):
        try:
            return signal.Signals(os.WTERMSIG(status)).name
        except ValueError:
            return f"signal {os.WTERMSIG(status)}"
    if os.WIFEXITED(status):
        return str(os.WEXITSTATUS(status))
    return ""


# -- bubblewrap ----------------------------------------------------------------------

SANDBOX_ROOT = "/submission"  # where the submission appears inside the sandbox
# Capabilities a root grader's forking server keeps inside the sandbox: to make its
# children `nobody`, to end every process of a finished child, to remove the files a
# child left in the private /tmp (the only writable place), and to read the Python
# installation wherever it is. Children keep none (a change of user clears them).
SERVER_CAPABILITIES = ("CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_DAC_OVERRIDE", "CAP_FOWNER",
                       "CAP_DAC_READ_SEARCH")
SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")


@dataclass(frozen=True)
class Isolation:
    """How ``grader batch`` isolates its children on this machine."""
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


def find_bwrap() -> str | None:
    return shutil.which("bwrap") if LINUX else None


def bwrap_version(bwrap: str) -> str:
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
        reason = "bwrap not found" if LINUX else f"bubblewrap needs Linux, not {sys.platform}"
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
               str(Path(sys.executable).resolve().parent.parent)}
    for entry in sys.path:
        if entry and Path(entry).is_dir() and "site-packages" in entry:
            folders.add(entry)
    return sorted(f for f in folders if f and Path(f).exists())


def grader_package() -> Path:
    return Path(__file__).resolve().parent


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
    """The whole environment inside the sandbox: nothing of the instructor's leaks in."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp",
            "LANG": "C.UTF-8", "PYTHONPATH": str(package_parent), "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1", **single_threaded()}


def single_threaded() -> dict[str, str]:
    """One BLAS thread per child: the batch runs one child per core already."""
    return {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                   "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")}
