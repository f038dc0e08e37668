"""The control socket between a slot (pool.py) and its forking server (server.py).

One JSON message at a time, with pipe ends passed alongside (SCM_RIGHTS). Where the system
has SEQPACKET Unix sockets (Linux) every message is one packet; where it has only stream
sockets (macOS: EPROTONOSUPPORT) each message is sent with its length in front, and the
descriptors ride on its first bytes.
"""
from __future__ import annotations

import json
import socket
import struct
from typing import Any, Sequence

MESSAGE_SIZE = 64 * 1024
_LENGTH = struct.Struct("<I")


def pair() -> tuple[socket.socket, socket.socket, bool]:
    """(ours, theirs, framed): a SEQPACKET pair, or a stream pair whose messages are framed."""
    try:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        return ours, theirs, False
    except OSError:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        return ours, theirs, True


class Channel:
    """One end of the control socket."""

    def __init__(self, sock: socket.socket, framed: bool) -> None:
        self.sock, self.framed = sock, framed

    def fileno(self) -> int:
        return self.sock.fileno()

    def settimeout(self, timeout: float | None) -> None:
        self.sock.settimeout(timeout)

    def send(self, message: Any, fds: Sequence[int] = ()) -> None:
        data = json.dumps(message).encode()
        if self.framed:
            data = _LENGTH.pack(len(data)) + data
        if fds:
            socket.send_fds(self.sock, [data], list(fds))
        else:
            self.sock.sendall(data)

    def receive(self, max_fds: int = 0) -> tuple[Any, list[int]]:
        """The next message (None at the end of the socket) and the descriptors that came with it.
        OSError (a timeout among them) when nothing whole came in time."""
        if not self.framed:
            data, fds = self._recv(MESSAGE_SIZE, max_fds)
            return (json.loads(data) if data else None), fds
        header, fds = self._recv(_LENGTH.size, max_fds)
        if not header:
            return None, fds
        header += self._exactly(_LENGTH.size - len(header))
        (size,) = _LENGTH.unpack(header)
        if size > MESSAGE_SIZE:
            raise ValueError("control message too large")
        return json.loads(self._exactly(size)), fds

    def peek(self) -> Any:
        """The next message if it has come whole already, left to be received; else None."""
        try:
            data = self.sock.recv(MESSAGE_SIZE + _LENGTH.size, socket.MSG_PEEK)
        except OSError:
            return None
        if not self.framed:
            return json.loads(data) if data else None
        if len(data) < _LENGTH.size:
            return None
        (size,) = _LENGTH.unpack_from(data)
        body = data[_LENGTH.size:_LENGTH.size + size]
        return json.loads(body) if len(body) == size else None

    def _recv(self, size: int, max_fds: int) -> tuple[bytes, list[int]]:
        if max_fds:
            data, fds, _, _ = socket.recv_fds(self.sock, size, max_fds)
            return data, list(fds)
        return self.sock.recv(size), []

    def _exactly(self, size: int) -> bytes:
        chunks = []
        while size > 0:
            chunk = self.sock.recv(size)
            if not chunk:
                raise ConnectionError("control socket closed inside a message")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        self.sock.close()
