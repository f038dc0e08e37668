"""The parent's ends of a child's pipes, never blocking: frames read with a deadline for
each wait, requests written as fast as the child takes them.

A child that stops in the middle of a frame, or hangs before it reads the next request,
cannot hold the parent past a topic's time limit (runner.run_topics keeps the limits).
Where ``select.poll`` works on pipes (Linux, macOS) one poll waits for both pipes
(:class:`Frames`); elsewhere (Windows selects sockets only) a thread reads and a thread
writes each pipe, and the caller waits on a queue with the same deadline
(:func:`threaded`). Both read the same frames the same way (:class:`FrameBuffer`).
"""
from __future__ import annotations

import json
import os
import queue
import select
import struct
import time
from typing import Any, Protocol

from grader.boundary import wire


def widen(fd: int, size: int = 1024 * 1024) -> None:
    """A larger pipe buffer: the child writes its outcomes without waiting for our reader."""
    try:
        import fcntl
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), size)
    except (ImportError, OSError, ValueError):
        pass


_INCOMPLETE = object()
_LENGTH = struct.Struct("<I")  # wire's frame: a little-endian length, then that much JSON


class Outbox:
    """Requests on their way to the child, written as fast as its pipe takes them: a child
    still busy with one topic (or hung in it) never blocks the parent past a deadline."""

    def __init__(self, fd: int) -> None:
        os.set_blocking(fd, False)
        self.fd = fd
        self.chunks: list[memoryview] = []
        self.broken = False  # the child is gone: what is left is dropped

    @property
    def waiting(self) -> bool:
        return bool(self.chunks)

    def add(self, frame: bytes) -> None:
        if not self.broken:
            self.chunks.append(memoryview(frame))
            self.flush()

    def flush(self) -> None:
        while self.chunks:
            try:
                written = os.write(self.fd, self.chunks[0])
            except BlockingIOError:
                return
            except OSError:  # a closed pipe: the reader reports the child's end
                self.broken = True
                self.chunks.clear()
                return
            self.chunks[0] = self.chunks[0][written:]
            if not len(self.chunks[0]):
                self.chunks.pop(0)

    def close(self) -> None:
        self.chunks.clear()
        try:
            os.close(self.fd)
        except OSError:
            pass


class FrameBuffer:
    """Bytes as they came from the child, cut into wire's frames: a frame larger than any
    check returns, or one that is not JSON, ends the child's stream (``ended``)."""

    def __init__(self, digests: bool) -> None:
        self.digests = digests
        self.buffer = bytearray()
        self.start = 0  # where the next frame begins in buffer (what is before it is read)
        self.ended = False
        self.received = 0  # bytes of frames read from this child so far

    def feed(self, chunk: bytes) -> None:
        """What the pipe gave; b"" at its end."""
        if not chunk:
            self.ended = True
            return
        if self.start:  # drop what was read already, once, before the buffer grows
            del self.buffer[:self.start]
            self.start = 0
        self.buffer += chunk

    def _message(self) -> Any:
        available = len(self.buffer) - self.start
        if self.ended and not available:
            return None
        if available < _LENGTH.size:
            return _INCOMPLETE
        (size,) = _LENGTH.unpack_from(self.buffer, self.start)
        end = self.start + _LENGTH.size + size
        if size > wire.MAX_FRAME or self.received + size > wire.MAX_CHILD_BYTES:
            return self._garbled()  # more than any check returns: before a byte of it is kept
        if len(self.buffer) < end:
            return _INCOMPLETE
        frame = memoryview(self.buffer)[self.start:end]
        try:
            message = json.loads(str(frame[_LENGTH.size:], "utf-8"))
        except Exception:  # noqa: BLE001 - not JSON, or nested too deep: a hostile child
            frame.release()
            return self._garbled()
        if isinstance(message, dict) and self.digests:
            import hashlib  # only `grader batch` keeps digests
            message["__digest__"] = hashlib.sha256(frame).digest()
        frame.release()
        self.start = end
        self.received += size
        return message

    def next(self, timeout: float) -> Any:
        deadline = time.monotonic() + max(timeout, 0.001)
        while True:
            message = self._message()
            if message is not _INCOMPLETE:
                return message
            if self.ended:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                raise queue.Empty
            self._wait(left)

    def _wait(self, left: float) -> None:
        """Up to ``left`` seconds for more of the child's bytes (each reader its own way)."""
        raise NotImplementedError

    def _garbled(self) -> None:
        """A frame that cannot be read: the child is treated as gone."""
        self.ended = True
        self.buffer.clear()
        self.start = 0
        return None


class Reader(Protocol):
    """What the runner reads a child through (:class:`Frames` or :class:`ThreadedFrames`)."""

    outbox: Any

    def next(self, timeout: float) -> Any: ...

    def close(self) -> None: ...


class Frames(FrameBuffer):
    """wire's frames from a non-blocking pipe: a child that stops in the middle of a frame
    cannot block the reader past its deadline. The same wait writes what ``outbox`` holds."""

    def __init__(self, fd: int, digests: bool, outbox: Outbox) -> None:
        super().__init__(digests)
        os.set_blocking(fd, False)
        self.fd, self.outbox = fd, outbox
        self.poll = select.poll()
        self.poll.register(fd, select.POLLIN)
        self.writing = False  # whether the poll also waits for room in the outbox's pipe

    def _wait(self, left: float) -> None:
        """Up to ``left`` seconds for the child's bytes, writing the outbox while they come."""
        self._watch_outbox()
        for fd, _ in self.poll.poll(min(max(1, int(left * 1000)), 3_600_000)):
            if fd == self.fd:
                self._fill()
            else:
                self.outbox.flush()

    def _watch_outbox(self) -> None:
        if self.outbox.waiting != self.writing:
            if self.writing:
                self.poll.unregister(self.outbox.fd)
            else:
                self.poll.register(self.outbox.fd, select.POLLOUT)
            self.writing = not self.writing

    def _fill(self) -> None:
        try:
            chunk = os.read(self.fd, 1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        self.feed(chunk)

    def close(self) -> None:
        try:
            self.poll.unregister(self.fd)
            os.close(self.fd)
        except (OSError, KeyError, ValueError):
            pass
        self.outbox.close()


class ThreadedOutbox:
    """Requests written by a thread of their own, in blocking writes: where the system cannot
    wait for room in a pipe (Windows), a child busy with one topic blocks only that thread."""

    def __init__(self, fd: int) -> None:
        import threading

        self.fd = fd
        self.frames: queue.Queue = queue.Queue()
        self.broken = False
        threading.Thread(target=self._write, daemon=True, name="grader-requests").start()

    def add(self, frame: bytes) -> None:
        if not self.broken:
            self.frames.put(frame)

    def _write(self) -> None:
        while (frame := self.frames.get()) is not None:
            try:
                if not self.broken:
                    view = memoryview(frame)
                    while view:
                        view = view[os.write(self.fd, view):]
            except OSError:  # a closed pipe: the reader reports the child's end
                self.broken = True
        try:
            os.close(self.fd)
        except OSError:
            pass

    def close(self) -> None:
        """The pipe closes once what is being written is done (at once, for a child that is gone)."""
        self.broken = True
        self.frames.put(None)


class ThreadedFrames(FrameBuffer):
    """wire's frames from a pipe read by a thread (blocking reads) into a queue: the caller
    waits on the queue with its deadline, never on the pipe. For systems whose select takes
    sockets only (Windows)."""

    def __init__(self, fd: int, digests: bool, outbox: ThreadedOutbox) -> None:
        import threading

        super().__init__(digests)
        self.outbox = outbox
        self.chunks: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, args=(fd,), daemon=True, name="grader-replies").start()

    def _read(self, fd: int) -> None:
        try:
            while True:
                try:
                    chunk = os.read(fd, 1 << 20)
                except OSError:
                    chunk = b""
                self.chunks.put(chunk)
                if not chunk:
                    return
        finally:
            os.close(fd)

    def _wait(self, left: float) -> None:
        """Up to ``left`` seconds for the reader thread's next chunk (queue.Empty past it)."""
        self.feed(self.chunks.get(timeout=left))

    def close(self) -> None:
        self.outbox.close()  # the reader ends with the child's end of the pipe


def threaded(from_child: int, to_child: int, digests: bool) -> ThreadedFrames:
    """Frames of a child whose pipes cannot be polled: ``from_child`` and ``to_child`` are
    owned (and closed) by the threads from now on."""
    return ThreadedFrames(from_child, digests, ThreadedOutbox(to_child))
