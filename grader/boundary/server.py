"""The forking server of ``grader batch``: started once per slot, a fresh child per submission.

Run as ``python -m grader.boundary.server CONTROL_FD SETTINGS_JSON`` with the encoded checks
on stdin, inside bubblewrap or not. It imports numpy and the child's code once, decodes
every check's inputs once, then forks one child per submission, which inherits all of
that warm and starts answering at once. It never imports the reference: student code
must not find the oracle even in its own memory.

The parent talks to it over a Unix socket (one JSON message at a time, pipe ends passed
alongside): ``spawn`` a child on the pipes it sends, ``status`` of a child that went
quiet, ``end`` a child with everything it started.
"""
from __future__ import annotations

import gc
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from grader.boundary import bwrap, ending, limits as process_limits
from grader.boundary.cleanup import empty_folder
from grader.boundary.control import Channel
from grader.boundary.preload import CHECK_PROBES, WARM_MODULES  # noqa: F401 - also the server's

if TYPE_CHECKING:  # numpy with it: this module is imported by a parent that has none yet
    from grader.boundary.wire_types import Spec

MAX_TOPICS = 1000  # a spawn request's count of topics beyond this is not a count


class Settings(NamedTuple):
    """How a slot's server makes its children (a named tuple: see limits.Limits)."""
    limits: process_limits.Limits
    topics: int  # how many topics a child serves (its total CPU time allowance)
    workroot: str  # where each child's temporary working folder is made
    drop_to: tuple[int, int] | None = None  # (uid, gid) the child becomes, when root
    processes: int | None = None  # RLIMIT_NPROC of the child
    leave_network: bool = False  # unshare the network in the child (no bubblewrap)
    own_pid_namespace: bool = False  # inside bubblewrap: may end every other process
    submission: str = bwrap.SANDBOX_ROOT
    # Run with ``python -S`` (inside bubblewrap): the folders ``site`` would have put on
    # sys.path, added before numpy is imported, without running their .pth files.
    site_packages: tuple[str, ...] = ()
    framed_control: bool = False  # the control socket is a stream (no SEQPACKET: macOS)

    def to_json(self) -> str:
        data = self._asdict()
        data["limits"] = self.limits._asdict()
        return json.dumps(data)

    @staticmethod
    def from_json(text: str) -> "Settings":
        data = json.loads(text)
        data["limits"] = process_limits.Limits(**data["limits"])
        if data.get("drop_to"):
            data["drop_to"] = tuple(data["drop_to"])
        data["site_packages"] = tuple(data.get("site_packages") or ())
        return Settings(**data)


class Server:
    def __init__(self, control: Channel, settings: Settings,
                 plan: dict[str, list[tuple[str, Spec]]]) -> None:
        self.control, self.settings, self.plan = control, settings, plan
        self.ended: dict[int, str] = {}  # pid -> how it ended, once reaped
        self.live: set[int] = set()  # children forked and not reaped yet (found without /proc)

    def serve_forever(self) -> None:
        try:
            self._serve()
        finally:
            self.shutdown()

    def shutdown(self) -> None:
        """End every process still here and wait for them: none outlives the server."""
        for child in set(ending.children_of(os.getpid())) | self.live:
            ending.kill_tree(child)
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if not done:
                time.sleep(0.001)

    def _serve(self) -> None:
        while True:
            try:
                request, fds = self.control.receive(max_fds=2)
            except (OSError, ValueError):
                return
            if request is None:
                return  # the parent is gone
            try:
                reply = self.handle(request, fds)
            finally:
                for fd in fds:
                    os.close(fd)
            self.control.send(reply)

    def handle(self, request: dict, fds: list[int]) -> dict:
        self.reap()
        if "spawn" in request and len(fds) == 2:
            return {"spawned": self.spawn(str(request["spawn"]), fds[0], fds[1], _topics(request))}
        if "status" in request:
            return {"detail": self.status(int(request["status"]), wait=0.05)}
        if "end" in request:
            return {"detail": self.end(int(request["end"]))}
        return {"error": "unknown request"}

    def spawn(self, submission: str, read_fd: int, write_fd: int, topics: int | None = None) -> int:
        """A child for ``submission``; ``topics``: how many it serves, when the server was
        started before that was known (one `grader check`), else the settings' count."""
        settings = self.settings if topics is None else self.settings._replace(topics=topics)
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                become_child(settings, self.plan, submission, read_fd, write_fd,
                             self.control.fileno())
            except BaseException:  # noqa: BLE001 - never return into the server's loop
                status = 70
            finally:
                os._exit(status)
        self.ended.pop(pid, None)  # a pid seen before belonged to an earlier child
        self.live.add(pid)
        return pid

    def status(self, pid: int, wait: float) -> str:
        """How ``pid`` ended, if it has (waiting up to ``wait`` seconds for it)."""
        deadline = time.monotonic() + wait
        while pid not in self.ended:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return ""
            if done:
                self.ended[pid] = ending.exit_detail(status)
                self.live.discard(pid)
            elif time.monotonic() >= deadline:
                return ""
            else:
                time.sleep(0.005)
        return self.ended[pid]

    def end(self, pid: int) -> str:
        """End the child and every process it started; leave no file of it behind.

        Killed processes are reaped later (``reap``): waiting here for the kernel to tear
        down a child's memory would only keep the next submission waiting."""
        detail = self.ended.pop(pid, None)
        if detail is not None:  # reaped already: its pid may be reused, only its group is ours
            ending.kill_group(pid)
        else:
            ending.kill_tree(pid)
            detail = ""
        self.sweep()
        _empty(Path(self.settings.workroot))
        return detail

    def sweep(self) -> None:
        """End whatever escaped the child's tree (orphans reparent to this subreaper)."""
        if self.settings.own_pid_namespace:
            try:
                os.kill(-1, signal.SIGKILL)  # everything in the sandbox but its init and us
            except (ProcessLookupError, PermissionError):
                pass
        for orphan in ending.children_of(os.getpid()):
            ending.kill_tree(orphan)
        if self.settings.drop_to and not self.settings.own_pid_namespace:
            # The slot's own user runs nothing else: whatever still runs as it is this
            # child's, however it got away, and must be gone before its folder is emptied.
            process_limits.kill_user(self.settings.drop_to[0])
        self.reap()

    def reap(self) -> None:
        """Collect every child that has ended (none is left a zombie for long)."""
        while True:
            try:
                done, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if not done:
                return
            self.ended.setdefault(done, ending.exit_detail(status))
            self.live.discard(done)
            if len(self.ended) > 1000:  # details nobody asked for
                self.ended.pop(next(iter(self.ended)))


def _topics(request: dict) -> int | None:
    topics = request.get("topics")
    return topics if isinstance(topics, int) and 0 < topics <= MAX_TOPICS else None


def _empty(root: Path) -> None:
    """Remove everything under ``root`` (fd-relative, never through a path a child can
    change) — but not the folders that hold the sandbox's read-only binds (Python or the
    grader under /tmp)."""
    kept = frozenset(filter(None, os.environ.get(bwrap.KEEP_IN_TMP, "").split(":")))
    empty_folder(root, kept if str(root) == "/tmp" else frozenset())


def become_child(settings: Settings, plan: dict[str, list[tuple[str, Spec]]], submission: str, read_fd: int, write_fd: int,
                 control_fd: int) -> None:
    """Turn this fresh fork into a limited, unprivileged child and serve the parent."""
    import tempfile  # in the child, before it may lose the right to read the standard library

    from grader.boundary.child import serve

    if not plan:  # one check's child: its shared probes now, while the grader makes the first inputs
        warm_up(standard=False, probes=CHECK_PROBES)

    os.setsid()
    os.close(control_fd)  # the child must not be able to ask the server for anything
    read_fd, write_fd = _keep_only(read_fd, write_fd)
    if settings.leave_network:
        process_limits.leave_network()
    process_limits.apply_limits(settings.limits, settings.topics, settings.processes)
    process_limits.no_new_privileges()
    if settings.drop_to:
        # What the child will import, imported while it is still root: as another user it
        # cannot read a Python or grader in a private folder (a quiz's server has no plan
        # that warmed its probe up; without bubblewrap nothing else shows them to it).
        from grader.boundary.unprivileged import import_while_root
        import_while_root()
        process_limits.drop_privileges(*settings.drop_to)
    process_limits.die_with_parent()  # after the change of user, which clears it
    process_limits.adopt_orphans()
    workdir = tempfile.mkdtemp(prefix="child-", dir=settings.workroot)
    serve(read_fd, write_fd, submission, workdir, plan=plan,
          cpu_per_topic=settings.limits.cpu_seconds)


def _keep_only(read_fd: int, write_fd: int) -> tuple[int, int]:
    """Close every inherited descriptor but the standard three and the two pipes (as 3, 4)."""
    read_copy, write_copy = os.dup(read_fd), os.dup(write_fd)  # neither can be 3 and 4 swapped
    os.dup2(read_copy, 3, inheritable=False)
    os.dup2(write_copy, 4, inheritable=False)
    os.closerange(5, _max_fd())
    return 3, 4


def _max_fd() -> int:
    try:
        return max(int(fd) for fd in os.listdir(process_limits.proc_path("self", "fd"))) + 1
    except (OSError, ValueError):
        return 1024


def read_plan(stream: Any) -> dict[str, list[tuple[str, Spec]]]:
    """Every topic's checks with their inputs, decoded once for all children."""
    from grader.boundary import wire  # numpy: this module is imported by a parent that has none yet

    request = wire.receive(stream, wire.MAX_REQUEST) or {"topics": []}
    return {topic["name"]: [(c["name"], wire.decode(c["spec"])) for c in topic["checks"]]
            for topic in request["topics"]}




def warm_up(standard: bool = True, probes: tuple[str, ...] = ()) -> None:
    """The child's code (numpy with it) imported before any fork; with ``standard``, the
    standard modules a child may need too (numpy.random among them). Without, the child
    imports what it uses itself, ``probes`` first (a check's child: CHECK_PROBES)."""
    import importlib

    import grader.boundary.child  # noqa: F401 - imported before the fork, shared by every child
    for name in (WARM_MODULES if standard else ()) + probes:
        try:
            importlib.import_module(name)
        except ImportError:
            continue


def warm_probes(plan: dict[str, list[tuple[str, Spec]]]) -> None:
    """The child-side code of the topics being graded, imported once before any fork."""
    from grader.boundary.child import probe_of

    for checks in plan.values():
        for _, spec in checks:
            probe_of(spec)


def use_site_packages(folders: tuple[str, ...]) -> None:
    """What ``site`` does at start-up for the child's imports, less its costs: the folders on
    sys.path (their .pth files, an editable install's import hooks among them, are not run;
    bubblewrap shows the grader at PYTHONPATH) and ``exit``/``quit`` for student code."""
    import site

    sys.path.extend(folder for folder in folders if folder not in sys.path)
    site.setquit()
    site.setcopyright()
    site.sethelper()


def main(argv: list[str]) -> int:
    settings = Settings.from_json(argv[1])
    control = Channel(socket.socket(fileno=int(argv[0])), settings.framed_control)
    if sys.flags.no_site:
        use_site_packages(settings.site_packages)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when the batch stops
    if not settings.own_pid_namespace:
        process_limits.die_with_parent()
    plan = read_plan(sys.stdin.buffer)
    # A batch's server forks a child per submission: what it imports once, every child has
    # for nothing. One check's server (no plan) forks one child, and the standard modules
    # would only keep it waiting, unless that child could not read them for itself.
    warm_up(standard=bool(plan) or (settings.drop_to is not None and bwrap.python_hidden_from_children()))
    warm_probes(plan)
    process_limits.not_dumpable()  # children of the same user cannot ptrace or read the server
    process_limits.adopt_orphans()
    gc.freeze()  # what is here now stays shared with every child, untouched by its GC
    control.send({"ready": os.getpid()})
    Server(control, settings, plan).serve_forever()
    return 0


if __name__ == "__main__":
    status = main(sys.argv[1:])
    # Every child is ended and reaped (Server.shutdown): Python's own shutdown, numpy's
    # modules freed one by one, would only keep the grader waiting.
    sys.stderr.flush()
    os._exit(status)
