"""A child started as a fresh interpreter (``python -m grader.boundary.child``), and how
it is ended with everything it started, on any system.

A `grader check` child without a forking server is always spawned (never forked from the
grader: see runner.Child), on every system. Its whole tree is ended at a time limit by
what the system has:

* POSIX: its own session, ended as a process group (and by parentage, where /proc lists it);
* Windows: a job object (ctypes, kernel32), which also holds its memory and process limits
  and ends everything in it when the grader's handle closes; failing that ``taskkill /T``;
* else the child itself (``Popen.kill``).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from grader.boundary import ending, limits

GRADER_ROOT = Path(__file__).resolve().parents[2]


def start(submission: Path, workdir: str, env: dict[str, str] | None = None,
          limit: limits.Limits | None = None) -> "SpawnedChild":
    """``python -m grader.boundary.child SUBMISSION WORKDIR`` with the environment ``env``."""
    return SpawnedChild(submission, workdir, env, limit or limits.Limits())


class SpawnedChild:
    """The process and the means to end its tree (``how``: what ends it, as the run reports)."""

    def __init__(self, submission: Path, workdir: str, env: dict[str, str] | None,
                 limit: limits.Limits) -> None:
        session = hasattr(os, "setsid")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "grader.boundary.child", str(submission), workdir],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd=GRADER_ROOT,  # the grader this one is
            env=env, start_new_session=session,
            creationflags=0 if session else getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0))
        self.pid = self.proc.pid
        self.session = session and ending.process_groups()
        self.job = None if self.session else job_for(self.proc, limit)

    def kill(self) -> None:
        """End the child and everything it started."""
        if self.session:
            ending.kill_tree(self.pid)
        elif self.job is not None:
            self.job.terminate()
        elif not _taskkill(self.pid):
            try:
                self.proc.kill()
            except OSError:
                pass

    def wait(self) -> None:
        self.proc.wait()
        if self.job is not None:
            self.job.close()

    def exit_detail(self, wait: float = 0.5) -> str:
        """How the child ended (a signal name or an exit code), once it has."""
        try:
            code = self.proc.wait(wait)
        except subprocess.TimeoutExpired:
            return ""
        if code < 0:  # POSIX: killed by a signal, named as a forked child's would be
            import signal
            try:
                return signal.Signals(-code).name
            except ValueError:
                return f"signal {-code}"
        return str(code)


def _taskkill(pid: int) -> bool:
    """``taskkill /T /F``: the tree of ``pid`` on Windows when no job object could be made."""
    import shutil

    program = shutil.which("taskkill")
    if program is None:
        return False
    try:
        return subprocess.run([program, "/T", "/F", "/PID", str(pid)], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def job_objects() -> bool:
    """Whether this system has Windows job objects (kernel32 through ctypes)."""
    try:
        import ctypes
        return hasattr(ctypes, "WinDLL") and hasattr(ctypes, "windll")
    except ImportError:
        return False


def job_for(proc: subprocess.Popen, limit: limits.Limits) -> "Job | None":
    """A job object holding ``proc``: its memory and process limits, ended as one; None
    where there are no job objects or one cannot be made."""
    if not job_objects():
        return None
    try:
        return Job(proc, limit)
    except (OSError, AttributeError, ValueError):
        return None


# <winnt.h>: JOBOBJECTINFOCLASS and the limit flags a child's job gets.
_EXTENDED_LIMIT_INFORMATION = 9
_LIMIT_ACTIVE_PROCESS = 0x00000008
_LIMIT_PROCESS_MEMORY = 0x00000100
_LIMIT_DIE_ON_UNHANDLED_EXCEPTION = 0x00000400
_LIMIT_KILL_ON_JOB_CLOSE = 0x00002000
_PYTHON_ITSELF = 512 * 1024 * 1024  # what Python with numpy commits before student code runs


class Job:
    """A Windows job object: every process the child starts is in it (unless it breaks away,
    which the job does not allow), limited together and ended together."""

    def __init__(self, proc: subprocess.Popen, limit: limits.Limits) -> None:
        import ctypes
        from ctypes import wintypes

        self._kernel32 = kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.CreateJobObjectW.restype = wintypes.HANDLE
        kernel32.CreateJobObjectW.argtypes = (ctypes.c_void_p, wintypes.LPCWSTR)
        kernel32.SetInformationJobObject.argtypes = (wintypes.HANDLE, ctypes.c_int, ctypes.c_void_p, wintypes.DWORD)
        kernel32.AssignProcessToJobObject.argtypes = (wintypes.HANDLE, wintypes.HANDLE)
        kernel32.TerminateJobObject.argtypes = (wintypes.HANDLE, wintypes.UINT)
        kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
        handle = kernel32.CreateJobObjectW(None, None)
        if not handle:
            raise OSError(ctypes.get_last_error(), "CreateJobObjectW failed")
        self.handle = handle
        info = _extended_limits(ctypes, wintypes)()
        info.BasicLimitInformation.LimitFlags = (_LIMIT_KILL_ON_JOB_CLOSE | _LIMIT_ACTIVE_PROCESS
                                                 | _LIMIT_PROCESS_MEMORY | _LIMIT_DIE_ON_UNHANDLED_EXCEPTION)
        info.BasicLimitInformation.ActiveProcessLimit = limit.processes + 1
        info.ProcessMemoryLimit = _PYTHON_ITSELF + limit.memory_headroom
        if not kernel32.SetInformationJobObject(handle, _EXTENDED_LIMIT_INFORMATION, ctypes.byref(info),
                                                ctypes.sizeof(info)):
            self.close()
            raise OSError(ctypes.get_last_error(), "SetInformationJobObject failed")
        if not kernel32.AssignProcessToJobObject(handle, int(proc._handle)):  # type: ignore[attr-defined]
            self.close()
            raise OSError(ctypes.get_last_error(), "AssignProcessToJobObject failed")

    def terminate(self) -> None:
        if self.handle:
            self._kernel32.TerminateJobObject(self.handle, 1)

    def close(self) -> None:
        if self.handle:
            self._kernel32.CloseHandle(self.handle)  # KILL_ON_JOB_CLOSE: nothing of it outlives this
            self.handle = None


def _extended_limits(ctypes: Any, wintypes: Any) -> Any:
    """JOBOBJECT_EXTENDED_LIMIT_INFORMATION, as <winnt.h> lays it out."""
    class Basic(ctypes.Structure):
        _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64), ("PerJobUserTimeLimit", ctypes.c_int64),
                    ("LimitFlags", wintypes.DWORD), ("MinimumWorkingSetSize", ctypes.c_size_t),
                    ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", wintypes.DWORD),
                    ("Affinity", ctypes.c_size_t), ("PriorityClass", wintypes.DWORD),
                    ("SchedulingClass", wintypes.DWORD)]

    class Counters(ctypes.Structure):
        _fields_ = [(name, ctypes.c_uint64) for name in (
            "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
            "ReadTransferCount", "WriteTransferCount", "OtherTransferCount")]

    class Extended(ctypes.Structure):
        _fields_ = [("BasicLimitInformation", Basic), ("IoInfo", Counters),
                    ("ProcessMemoryLimit", ctypes.c_size_t), ("JobMemoryLimit", ctypes.c_size_t),
                    ("PeakProcessMemoryUsed", ctypes.c_size_t), ("PeakJobMemoryUsed", ctypes.c_size_t)]

    return Extended
