"""Make this (Linux) Python lack what Windows or macOS lacks, for the platform tests.

Loaded by ``tests/platforms/<kind>/sitecustomize.py`` when that folder is on PYTHONPATH:
every Python the tests start there — the grader, and every child it spawns (the folder is
kept on the PYTHONPATH of the environments the grader gives its children) — runs without:

* windows: the modules pwd, resource, fcntl, termios, tty, pty, grp; os.fork, setsid,
  killpg, getuid/geteuid, pidfd_open, waitid, register_at_fork (and the other calls this
  list names); signal.SIGKILL, SIGSTOP, SIGXCPU, SIGXFSZ; socket.AF_UNIX (and descriptor
  passing); select.poll/epoll, and select.select refuses anything but a socket; /proc;
  Linux's libc (ctypes.CDLL(None) fails, as on Windows); bubblewrap.
* macos: os.pidfd_open, os.waitid; SEQPACKET socket pairs (EPROTONOSUPPORT); /proc;
  Linux's prctl and unshare; bubblewrap.

The standard library's own platform code is kept working as it would on that system
(subprocess never selects on pipes on Windows, and its kill() is TerminateProcess there).
Nothing here runs outside the tests.
"""
from __future__ import annotations

import builtins
import errno
import io
import os
import select
import signal
import socket
import sys

FOLDER = os.path.dirname(os.path.abspath(__file__))

WINDOWS_MODULES = ("pwd", "resource", "fcntl", "termios", "tty", "pty", "grp")
WINDOWS_OS = ("fork", "forkpty", "setsid", "getsid", "killpg", "getpgid", "setpgid", "getuid", "geteuid",
              "getgid", "getegid", "getresuid", "getresgid", "setresuid", "setresgid", "setgroups",
              "pidfd_open", "waitid", "register_at_fork", "O_NOFOLLOW", "O_DIRECTORY", "O_PATH",
              "O_NONBLOCK", "O_CLOEXEC")
WINDOWS_SIGNALS = ("SIGKILL", "SIGSTOP", "SIGXCPU", "SIGXFSZ")
MACOS_OS = ("pidfd_open", "waitid", "P_PIDFD")
WSAENOTSOCK = 10038


def _remove(module, names) -> None:
    for name in names:
        if hasattr(module, name):
            delattr(module, name)


class _Blocked:
    """A meta-path finder that says these modules do not exist."""

    def __init__(self, names) -> None:
        self.names = frozenset(names)

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


class _AfterImport:
    """Runs ``patch(module)`` once ``name`` is imported (without importing it before anyone asks)."""

    def __init__(self, name, patch) -> None:
        self.name, self.patch = name, patch

    def find_spec(self, name, path=None, target=None):
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        import importlib.util
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        loader, patch = spec.loader, self.patch

        class Patched:
            def create_module(self, spec):
                return loader.create_module(spec)

            def exec_module(self, module):
                loader.exec_module(module)
                patch(module)

        spec.loader = Patched()
        return spec


def after_import(name: str, patch) -> None:
    if name in sys.modules:
        patch(sys.modules[name])
    else:
        sys.meta_path.insert(0, _AfterImport(name, patch))


def _no_proc() -> None:
    """/proc is not there: every way the grader could read it says so."""
    def is_proc(path) -> bool:
        try:
            text = os.fsdecode(path) if not isinstance(path, int) else ""
        except TypeError:
            return False
        return text == "/proc" or text.startswith("/proc/")

    def refusing(function):
        def call(path, *args, **kwargs):
            if is_proc(path):
                raise FileNotFoundError(errno.ENOENT, "No such file or directory", os.fsdecode(path))
            return function(path, *args, **kwargs)
        call.__name__ = function.__name__
        return call

    builtins.open = io.open = refusing(io.open)
    for name in ("listdir", "scandir", "stat", "lstat", "open"):
        original = getattr(os, name)
        setattr(os, name, refusing(original))
        for capable in (os.supports_dir_fd, os.supports_fd, os.supports_follow_symlinks):
            if original in capable:  # what the system can do with it stays as it was
                capable.add(getattr(os, name))
    os.path.isdir = refusing(os.path.isdir)
    os.path.exists = refusing(os.path.exists)


def _no_folder_descriptors() -> None:
    """Windows: os.open refuses a folder, and no call takes dir_fd or a folder's descriptor."""
    import stat

    open_ = os.open

    def open_file(path, flags, mode=0o777, *, dir_fd=None):
        if dir_fd is not None:
            raise NotImplementedError("dir_fd unavailable on this platform")
        if os.path.isdir(path):
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return open_(path, flags, mode)

    stat_, scandir = os.stat, os.scandir

    def stat_path(path, *, dir_fd=None, follow_symlinks=True):
        if dir_fd is not None:
            raise NotImplementedError("dir_fd unavailable on this platform")
        return stat_(path, follow_symlinks=follow_symlinks)

    def scandir_path(path="."):
        if isinstance(path, int):
            raise TypeError("scandir: path should be string, bytes or os.PathLike, not int")
        return scandir(path)

    os.open, os.stat, os.scandir = open_file, stat_path, scandir_path
    for name in ("unlink", "rmdir", "mkdir", "chmod", "rename"):
        function = getattr(os, name)

        def without_dir_fd(*args, _function=function, dir_fd=None, **kwargs):
            if dir_fd is not None or kwargs.get("src_dir_fd") is not None or kwargs.get("dst_dir_fd") is not None:
                raise NotImplementedError("dir_fd unavailable on this platform")
            return _function(*args, **kwargs)
        setattr(os, name, without_dir_fd)
    os.supports_dir_fd = set()
    os.supports_fd = set()
    del stat


def _keep_simulation_for_children(kind: str) -> None:
    """A child the grader starts with an environment of its own keeps the simulation."""
    def patch(subprocess) -> None:
        original = subprocess.Popen.__init__

        def init(self, args, *rest, **kwargs):
            env = kwargs.get("env")
            if env is not None:
                env = dict(env)
                paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
                if FOLDER + os.sep + kind not in paths:
                    env["PYTHONPATH"] = os.pathsep.join([os.path.join(FOLDER, kind), *paths])
                kwargs["env"] = env
            original(self, args, *rest, **kwargs)

        subprocess.Popen.__init__ = init
        if kind == "windows":
            kill = os.kill
            subprocess.Popen.kill = lambda self: self.poll() is None and kill(self.pid, 9)  # TerminateProcess
            _communicate_without_select(subprocess)
    after_import("subprocess", patch)


def _communicate_without_select(subprocess) -> None:
    """subprocess selects on pipes only on POSIX: on Windows its communicate() uses threads."""
    import selectors

    class PipeSelector(selectors.SelectSelector):
        _select = staticmethod(_real_select)

    subprocess._PopenSelector = PipeSelector


_real_select = select.select


class _SelectSocketsOnly:
    """select.select as on Windows: sockets only (an object, so that a class body that keeps
    it as an attribute does not turn it into a method)."""

    def __call__(self, rlist, wlist, xlist, timeout=None):
        import stat
        for item in (*rlist, *wlist, *xlist):
            fd = item if isinstance(item, int) else item.fileno()
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                raise OSError(WSAENOTSOCK, "An operation was attempted on something that is not a socket")
        return _real_select(rlist, wlist, xlist, timeout)


def _no_linux_libc(kind: str) -> None:
    def patch(ctypes) -> None:
        base = ctypes.CDLL

        class CDLL(base):
            def __init__(self, name, *args, **kwargs):
                if name is None and kind == "windows":  # LoadLibrary(None)
                    raise TypeError("expected str, bytes or os.PathLike object, not NoneType")
                super().__init__(name, *args, **kwargs)

            def __getattr__(self, name):
                if name in ("prctl", "unshare"):  # Linux's own calls
                    raise AttributeError(f"function {name!r} not found")
                return super().__getattr__(name)

        ctypes.CDLL = CDLL
    after_import("ctypes", patch)


def _no_bwrap() -> None:
    def patch(shutil) -> None:
        which = shutil.which
        shutil.which = lambda name, *args, **kwargs: None if os.path.basename(str(name)) == "bwrap" \
            else which(name, *args, **kwargs)
    after_import("shutil", patch)


def _no_seqpacket() -> None:
    pair = socket.socketpair

    def socketpair(family=None, type=socket.SOCK_STREAM, proto=0):
        if type & socket.SOCK_SEQPACKET == socket.SOCK_SEQPACKET and type != socket.SOCK_STREAM | socket.SOCK_DGRAM:
            raise OSError(errno.EPROTONOSUPPORT, "Protocol not supported")
        return pair(family, type, proto) if family is not None else pair(type=type, proto=proto)

    socket.socketpair = socketpair


def simulate(kind: str) -> None:
    if kind == "windows":
        sys.meta_path.insert(0, _Blocked(WINDOWS_MODULES))
        for name in WINDOWS_MODULES:
            sys.modules.pop(name, None)
        _remove(os, WINDOWS_OS)
        _remove(signal, WINDOWS_SIGNALS)
        _remove(socket, ("AF_UNIX", "send_fds", "recv_fds"))
        _remove(select, ("poll", "epoll", "devpoll", "kqueue"))
        select.select = _SelectSocketsOnly()
    elif kind == "macos":
        _remove(os, MACOS_OS)
        _no_seqpacket()
    else:
        raise ValueError(kind)
    # Extra modules this run goes without (a test's choice: watchfiles without its compiled part).
    extra = [name for name in os.environ.get("GRADER_SIMULATE_WITHOUT", "").split(",") if name]
    if extra:
        sys.meta_path.insert(0, _Blocked(extra))
    _no_proc()
    if kind == "windows":
        _no_folder_descriptors()
    _no_linux_libc(kind)
    _no_bwrap()
    _keep_simulation_for_children(kind)
    os.environ["GRADER_SIMULATED_PLATFORM"] = kind  # for the tests' own eyes only: never read by the grader
