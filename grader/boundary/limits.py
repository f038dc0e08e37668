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

Everything here is Linux-first; where the system lacks a call (Windows has no ``resource``,
``pwd``, fork or process groups; macOS no prctl, pidfd or /proc), the call that cannot
apply does nothing (boundary/isolation.py states what a run had). Nothing POSIX-only is
imported at module level: every command imports this module, on every system.
"""
from __future__ import annotations

import os
import signal
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import ctypes

PROC = "/proc"  # Linux's process file system: read only through proc_path, never assumed

# prctl(2) options and clone(2) flags, from <linux/prctl.h> and <linux/sched.h>.
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000

GIB = 1024 ** 3
MIB = 1024 ** 2


class Limits(NamedTuple):
    """What one child may use. Wall-clock time is enforced by the parent, the rest here.

    (A named tuple, not a dataclass: `grader check` builds one before it starts the sandbox,
    and dataclasses' import would delay that start by a tenth of numpy's.)"""
    time_limit: float = 10.0  # wall-clock seconds per topic
    cpu_seconds: float = 10.0  # CPU seconds per topic (soft RLIMIT_CPU, moved per topic)
    memory_headroom: int = 2 * GIB  # bytes of address space a child may add to what it has
    file_size: int = 64 * MIB  # largest file a child may write
    open_files: int = 256
    # Processes and threads a child may start: the exercises need none, and every one a
    # fork bomb gets takes CPU from the other children.
    processes: int = 8
    tmp_size: int = 256 * MIB  # size of the sandbox's private /tmp (bubblewrap only)


def single_threaded() -> dict[str, str]:
    """One BLAS thread per process: a batch runs one child per core already, and the arrays
    of one check are small (a second BLAS thread in the grader only spins beside its child)."""
    return {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                   "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")}


def proc_path(*parts: object) -> str:
    """A path under /proc (Linux): every reader of it expects OSError where there is none."""
    return "/".join((PROC, *map(str, parts)))


@lru_cache(maxsize=1)
def _resource() -> ModuleType | None:
    """The ``resource`` module of POSIX systems (rlimits), or None (Windows)."""
    try:
        import resource
    except ImportError:
        return None
    return resource


def posix_signal(name: str) -> int | None:
    """``signal.SIGKILL`` and the like, or None where the system has no such signal."""
    return getattr(signal, name, None)


@lru_cache(maxsize=1)  # loaded once, before the forks, not in every child
def _libc() -> ctypes.CDLL | None:
    import ctypes  # here: the grader's parent starts the sandbox before it needs this

    try:
        return ctypes.CDLL(None, use_errno=True)
    except (OSError, TypeError, AttributeError):  # Windows: no C library of the process itself
        return None


def _libc_call(name: str):
    """The C library's function ``name`` (prctl, unshare: Linux's own), or None."""
    libc = _libc()
    try:
        return getattr(libc, name) if libc is not None else None
    except AttributeError:
        return None


def _prctl(option: int, value: int) -> bool:
    prctl = _libc_call("prctl")
    if prctl is None:
        return False
    import ctypes

    return prctl(option, ctypes.c_ulong(value), ctypes.c_ulong(0), ctypes.c_ulong(0),
                 ctypes.c_ulong(0)) == 0


def no_new_privileges() -> bool:
    """Exec can no longer gain privileges (set-user-ID programs stay unprivileged)."""
    return _prctl(PR_SET_NO_NEW_PRIVS, 1)


def not_dumpable() -> bool:
    """Processes of the same user cannot ptrace this one or read its memory."""
    return _prctl(PR_SET_DUMPABLE, 0)


def die_with_parent(sig: int | None = None) -> bool:
    """Get ``sig`` (default SIGKILL) when the parent dies. Cleared by a change of user: call it after."""
    sig = posix_signal("SIGKILL") if sig is None else sig
    return sig is not None and _prctl(PR_SET_PDEATHSIG, sig)


def adopt_orphans() -> bool:
    """Become the subreaper: orphaned descendants stay in this process's tree."""
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def leave_network() -> bool:
    """Move into a new, empty network namespace; False when the kernel refuses.

    Root may do that directly; other users first need a user namespace of their own,
    in which their user id is mapped to itself."""
    unshare = _libc_call("unshare")
    if unshare is None:
        return False
    if unshare(CLONE_NEWNET) == 0:
        return True
    uid, gid = os.geteuid(), os.getegid()
    if unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return False
    try:
        for path, text in ((proc_path("self", "setgroups"), "deny"), (proc_path("self", "uid_map"), f"{uid} {uid} 1"),
                           (proc_path("self", "gid_map"), f"{gid} {gid} 1")):
            with open(path, "w") as f:
                f.write(text)
    except OSError:
        pass  # unmapped ids still leave the network namespace in place
    return True


@lru_cache(maxsize=1)
def unprivileged_ids() -> tuple[int, int]:
    """The (uid, gid) of ``nobody``, the user a root grader's children become."""
    try:
        import pwd

        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except (ImportError, KeyError):
        return 65534, 65534


# A root grader gives each slot of `grader batch` a user of its own, from a block of high
# ids no account uses (no passwd entry is needed to become one): a child can signal, trace
# or write only what belongs to its own slot. Concurrent batches take different blocks.
SLOT_ID_BASE = 2_000_000_000
SLOT_BLOCK = 256  # ids per batch: slots beyond this share ids round-robin
SLOT_BLOCKS = 100_000


def slot_ids(index: int, batch: int | None = None) -> tuple[int, int]:
    """The (uid, gid) of slot ``index`` of the batch ``batch`` (default: this process)."""
    block = (os.getpid() if batch is None else batch) % SLOT_BLOCKS
    ident = SLOT_ID_BASE + block * SLOT_BLOCK + index % SLOT_BLOCK
    return ident, ident


def kill_user(uid: int) -> None:
    """SIGKILL every process of ``uid`` (root only), with the student's own weapon:
    kill(-1) as that user, which the kernel carries out for all of its processes at once
    (none can fork meanwhile). The caller becomes ``uid`` for that one call (real and
    effective id; the saved id stays root to come back) and is spared by kill(-1) itself."""
    if not hasattr(os, "getresuid") or posix_signal("SIGKILL") is None:  # macOS, Windows: never root-graded
        return
    real, effective, saved = os.getresuid()
    if effective != 0:
        return
    try:
        os.setresuid(uid, uid, 0)
    except OSError:
        return
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass  # ESRCH: nothing of that user runs
    finally:
        os.setresuid(real, effective, saved)


def drop_privileges(uid: int, gid: int) -> None:
    """Become ``uid``/``gid`` for good (real, effective and saved ids, no groups)."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def _set(limit: int, soft: int, hard: int | None = None) -> None:
    """Lower a limit; never fail (a limit the system will not take is skipped)."""
    resource = _resource()
    if resource is None:
        return
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
    resource = _resource()
    if resource is None:
        return
    # Without /proc (macOS) the address space already taken is unknown, and there a Python
    # with numpy reserves far more of it than it uses: no limit rather than a wrong one.
    try:
        with open(proc_path("self", "status")) as status:
            vm = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    except (OSError, ValueError, StopIteration):
        return
    _set(resource.RLIMIT_AS, vm + headroom)


def apply_limits(limits: Limits, topics: int | None = None, processes: int | None = None) -> None:
    """The child's limits. CPU time (when ``topics`` is given): a total for all topics as
    the hard limit, which :func:`limit_cpu_for_topic` hands out topic by topic as the soft
    one. Processes (when given): RLIMIT_NPROC, which counts all of the user's processes."""
    limit_memory(limits.memory_headroom)
    resource = _resource()
    if resource is None:  # Windows: the job object holds the limits (boundary/spawned.py)
        return
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
    if posix_signal("SIGXFSZ") is not None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def limit_cpu_for_topic(seconds: float) -> None:
    """Allow ``seconds`` more CPU time from now (SIGXCPU past it, SIGKILL a second later)."""
    resource = _resource()
    if resource is None:
        return
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


def count_processes(uid: int) -> int | None:
    """How many processes and threads ``uid`` has now (RLIMIT_NPROC counts those); None
    where that cannot be read (no /proc): then no process limit can be set fairly."""
    count = 0
    try:
        entries = os.listdir(PROC)
    except OSError:
        return None
    for entry in entries:
        if entry.isdigit():
            try:
                if os.stat(proc_path(entry)).st_uid == uid:
                    count += len(os.listdir(proc_path(entry, "task")))
            except OSError:
                continue
    return count


def processes_allowed(uid: int, own: int) -> int | None:
    """RLIMIT_NPROC for a child of ``uid`` that may start ``own`` processes: what the user
    runs already plus those (the limit counts the user's every process), or None where that
    cannot be counted (no /proc: macOS) and no fair limit can be set."""
    running = count_processes(uid)
    return None if running is None else running + own
