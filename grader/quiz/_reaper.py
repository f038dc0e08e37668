"""Runs a code-answer child, then ends every process it left behind; never imported.

Usage: python -I _reaper.py TIMEOUT COMMAND...

The reaper marks itself a child subreaper (Linux prctl), so a process the student's code
starts and detaches (``setsid``, a double fork) is re-parented here rather than to init,
and is killed once the child ends or runs out of time. Exit status: the child's, or 124
when it ran out of time. Elsewhere (no prctl) the parent's process-group kill remains.
"""
import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
TIMEOUT_STATUS = 124
REAP_SECONDS = 5.0


def main(argv):
    timeout, command = float(argv[0]), argv[1:]
    _become_subreaper()
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    # The parent sends SIGTERM when the user interrupts the quiz: clean up the same way.
    signal.signal(signal.SIGTERM, _stop)
    status = TIMEOUT_STATUS
    try:
        code = child.wait(timeout=timeout)
        status = code if code >= 0 else 128 - code
    except (subprocess.TimeoutExpired, _Stopped):
        child.kill()
        child.wait()
    finally:
        _kill_leftovers()
    return status


class _Stopped(Exception):
    pass


def _stop(signum, frame):
    raise _Stopped()


def _become_subreaper():
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _children():
    me = str(os.getpid())
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            found.append(int(entry))
    return found


def _kill_leftovers():
    deadline = time.monotonic() + REAP_SECONDS
    while time.monotonic() < deadline:
        children = _children()
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            if not children:
                return
        if not children:
            return
        time.sleep(0.01)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
