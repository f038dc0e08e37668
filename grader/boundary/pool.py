"""The parent's side of ``grader batch``'s slots: one forking server each, and its children.

A slot grades one submission at a time. Its server (``grader.boundary.server``) runs inside
its own bubblewrap sandbox when there is one, so a child can reach neither another
slot's processes nor its files. The submission being graded is copied into the slot's
staging folder, which the sandbox shows read-only at ``/submission``.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from grader.boundary import bwrap, control as control_socket, ending, limits as process_limits
from grader.boundary.environment import child_environment
from grader.boundary.server import Settings

START_TIMEOUT = 60.0  # seconds for a server to import numpy and say it is ready
REPLY_TIMEOUT = 30.0  # seconds for any other answer of the server


class SlotFailed(Exception):
    """The slot's server cannot be (re)started: the batch cannot go on in this slot."""


class Slot:
    def __init__(self, index: int, isolation: bwrap.Isolation, plan_file: Path | None, temp_root: Path,
                 settings: Settings, limits: process_limits.Limits) -> None:
        self.index, self.isolation, self.plan_file = index, isolation, plan_file
        self.limits = limits
        home = temp_root / f"slot{index}"
        self.staging = home / "submission"
        self.log = home / "server.log"
        self.staging.mkdir(parents=True, exist_ok=True)
        os.chmod(home, 0o755)
        os.chmod(self.staging, 0o755)
        if settings.drop_to:  # root: this slot's children are a user of their own
            settings = settings._replace(drop_to=process_limits.slot_ids(index))
            _own_home(home, settings.drop_to)
        if isolation.sandboxed:  # its Python skips `site` (python -S): told where numpy is instead
            settings = settings._replace(site_packages=bwrap.site_packages())
        else:
            workroot = home / "work"
            workroot.mkdir(exist_ok=True)
            if settings.drop_to:  # written by this slot's user only: no other slot can reach it
                os.chown(workroot, *settings.drop_to)
            os.chmod(workroot, 0o700)
            settings = settings._replace(workroot=str(workroot), submission=str(self.staging))
        self.settings = settings
        self.proc: subprocess.Popen | None = None
        self.control: control_socket.Channel | None = None

    @property
    def submission_path(self) -> Path:
        """Where the child finds the staged submission (inside the sandbox, if any)."""
        return Path(self.settings.submission)

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start the server without waiting for it: it imports numpy while the caller works."""
        self.close()
        ours, theirs, framed = control_socket.pair()
        command = [sys.executable, "-m", "grader.boundary.server", str(theirs.fileno()),
                   self.settings._replace(framed_control=framed).to_json()]
        if self.isolation.sandboxed:
            # `site` would spend a sixth of the server's start on .pth files the sandbox
            # has no use for (an editable install's import hooks): Settings.site_packages.
            command[1:1] = ["-S"]
            argv, cwd = bwrap.bwrap_argv(self.isolation, self.staging, command, self.limits), None
            env = child_environment()  # bwrap's own /proc/PID/environ: never the grader's either
        else:
            argv, cwd = command, str(bwrap.grader_package().parent)
            env = child_environment(home=self.settings.workroot)  # never the grader's (tokens, keys)
        plan = open(self.plan_file, "rb") if self.plan_file else subprocess.DEVNULL  # no file: no plan
        try:
            with open(self.log, "ab") as log:
                self.proc = subprocess.Popen(argv, stdin=plan, stdout=subprocess.DEVNULL, stderr=log,
                                             pass_fds=[theirs.fileno()], env=env, cwd=cwd,
                                             start_new_session=True)
        finally:
            if self.plan_file:
                plan.close()
            theirs.close()
        self.control = control_socket.Channel(ours, framed)

    def wait_ready(self) -> None:
        """Until the launched server says it is ready (SlotFailed when it does not)."""
        ready = self._receive(START_TIMEOUT)
        if not ready or "ready" not in ready:
            self.close()
            raise SlotFailed(self._log_tail())

    def said_ready(self) -> bool:
        """Whether the launched server has said it is ready already (not waiting for it; the
        message stays for wait_ready)."""
        if self.control is None:
            return False
        self.control.settimeout(0.0)
        ready = self.control.peek()
        return isinstance(ready, dict) and "ready" in ready

    def _log_tail(self) -> str:
        try:
            lines = self.log.read_text(errors="replace").strip().splitlines()
        except OSError:
            lines = []
        return lines[-1] if lines else "the forking server did not start"

    def _receive(self, timeout: float) -> dict | None:
        if self.control is None:
            return None
        self.control.settimeout(timeout)
        try:
            message, _ = self.control.receive()
        except (OSError, ValueError):  # a timeout among them (0: nothing has come yet)
            return None
        return message if isinstance(message, dict) else None

    def _ask(self, request: dict, fds: Sequence[int] = ()) -> dict | None:
        if self.control is None:
            return None
        try:
            self.control.send(request, fds)
        except OSError:
            return None
        return self._receive(REPLY_TIMEOUT)

    def spawn(self, read_fd: int, write_fd: int, topics: int | None = None) -> int:
        """A fresh child on these pipe ends (serving ``topics`` topics, when the server was
        started without that count); restarts a dead server once."""
        request: dict = {"spawn": str(self.submission_path)}
        if topics is not None:
            request["topics"] = topics
        for attempt in range(2):
            if self.control is None or (self.proc is not None and self.proc.poll() is not None):
                self.start()
            reply = self._ask(request, [read_fd, write_fd])
            if reply and "spawned" in reply:
                return int(reply["spawned"])
            self.close()
        raise SlotFailed(self._log_tail())

    def status(self, pid: int) -> str:
        reply = self._ask({"status": pid})
        return str(reply.get("detail", "")) if reply else ""

    def end(self, pid: int) -> None:
        if self._ask({"end": pid}) is None:
            self.close()  # a server that does not answer is ended with all its children

    def close(self) -> None:
        if self.control is not None:
            self.control.close()  # the server sees the end of its socket and exits
            self.control = None
        proc, self.proc = self.proc, None  # `grader batch` may close a slot from two threads
        if proc is not None:
            if not ending.wait_process(proc, 5.0):
                ending.kill_tree(proc.pid)
            proc.wait()


def _own_home(home: Path, ids: tuple[int, int]) -> None:
    """The slot's folder: passable by its own children only (group = the slot's user),
    so no other slot's child can read the submission staged here or touch its work."""
    os.chown(home, 0, ids[1])
    os.chmod(home, 0o710)
