"""Plain values across the process boundary, without pickle.

The child runs student code, so whatever it sends may be forged: the parent must decode
it without running code. Values are JSON; arrays travel as .npy bytes read back with
``allow_pickle=False``; anything else the student returns arrives as its type name only.
"""
from __future__ import annotations

import base64
import io
import json
import struct
from typing import Any, BinaryIO

import numpy as np

MAX_FRAME = 256 * 1024 * 1024  # a child that sends more than this is misbehaving


def encode(value: Any) -> Any:
    """A JSON-able tree for ``value`` (arrays, numbers, str, containers)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and type(value) in (int, float, bool):
        return value
    if isinstance(value, np.generic):
        return {"__scalar__": _npy_text(np.asarray(value))}
    if isinstance(value, np.ndarray) and value.dtype != object:
        return {"__nd__": _npy_text(value)}
    if isinstance(value, tuple) and type(value) is tuple:
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list) and type(value) is list:
        return [encode(v) for v in value]
    if isinstance(value, dict) and type(value) is dict and all(type(k) is str for k in value):
        return {"__dict__": {k: encode(v) for k, v in value.items()}}
    return {"__other__": type(value).__name__}


class Other:
    """A value of a type the grader does not transport (only its type name is kept)."""

    def __init__(self, type_name: str) -> None:
        self.type_name = str(type_name)

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


def decode(tree: Any) -> Any:
    if isinstance(tree, list):
        return [decode(v) for v in tree]
    if not isinstance(tree, dict):
        return tree
    if "__nd__" in tree:
        return _npy_array(tree["__nd__"])
    if "__scalar__" in tree:
        return _npy_array(tree["__scalar__"])[()]
    if "__tuple__" in tree:
        return tuple(decode(v) for v in tree["__tuple__"])
    if "__dict__" in tree:
        return {str(k): decode(v) for k, v in tree["__dict__"].items()}
    if "__other__" in tree:
        return Other(tree["__other__"])
    return {str(k): decode(v) for k, v in tree.items()}


def _npy_text(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _npy_array(text: str) -> np.ndarray:
    return np.load(io.BytesIO(base64.b64decode(text)), allow_pickle=False)


def send(stream: BinaryIO, message: Any) -> None:
    """Write one length-prefixed frame holding ``message`` (already plain JSON data)."""
    data = json.dumps(message).encode("utf-8")
    stream.write(struct.pack("<I", len(data)) + data)
    stream.flush()


def receive(stream: BinaryIO) -> Any | None:
    """The next frame's JSON data, or None at end of stream."""
    header = _read_exactly(stream, 4)
    if header is None:
        return None
    (size,) = struct.unpack("<I", header)
    if size > MAX_FRAME:
        raise ValueError("frame too large")
    data = _read_exactly(stream, size)
    if data is None:
        return None
    return json.loads(data)


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    chunks, remaining = [], size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
