"""Plain values across the process boundary, without pickle.

The child runs student code, so whatever it sends may be forged: the parent must decode
it without running code. Values are JSON; a numeric array travels as its dtype string,
shape and raw bytes (base64), rebuilt with ``np.frombuffer`` after the dtype is checked
to be plain (bool, int, float, complex: never object); anything else the student returns
arrives as its type name only.
"""
from __future__ import annotations

import binascii
import json
import math
import struct
from typing import Any, BinaryIO

import numpy as np

# What a child may send, in proportion to what a check legitimately returns: the largest
# outcome today is ~400 KB (weight_init's samples), so one frame is bounded at 8 MiB and
# everything one child sends at 64 MiB. A child that sends more has failed (the topic it
# was on is lost, as if it had died); the grader never holds more than that of it.
MAX_FRAME = 8 * 1024 * 1024
MAX_CHILD_BYTES = 64 * 1024 * 1024
# Requests come from the grader itself (every check's inputs): trusted, and larger.
MAX_REQUEST = 256 * 1024 * 1024


PLAIN_KINDS = frozenset("biufc")  # bool, ints, floats, complex: bytes and nothing else


def encode(value: Any) -> Any:
    """A JSON-able tree for ``value`` (arrays, numbers, str, containers)."""
    kind = type(value)
    if kind is int and not -MAX_INT <= value <= MAX_INT:
        return _huge_int(value)
    if value is None or kind in (bool, str, int, float):
        return value
    if kind is np.ndarray:
        return {"__nd__": _array_fields(value)} if _plain(value.dtype) else _other_array(value)
    if isinstance(value, np.generic):
        array = np.asarray(value)
        return {"__scalar__": _array_fields(array)} if _plain(array.dtype) else _other(value)
    if isinstance(value, np.ndarray):  # a subclass (np.matrix, ...): its plain data
        return encode(np.asarray(value))
    if kind is tuple:
        return {"__tuple__": [encode(v) for v in value]}
    if kind is list:
        return [encode(v) for v in value]
    if kind is dict and all(type(k) is str for k in value):
        return {"__dict__": {k: encode(v) for k, v in value.items()}}
    return _other(value)


class Other:
    """A value of a type the grader does not transport (only its type name is kept), and
    what it is when a type name would mislead: ``kind`` "object_array" (an ndarray of
    Python objects or text: ``detail`` its dtype) or "huge_int" (``detail`` its digits)."""

    def __init__(self, type_name: str, kind: str = "", detail: str = "") -> None:
        self.type_name = str(type_name)
        self.kind = kind if kind in OTHER_KINDS else ""  # a forged kind is no kind
        self.detail = str(detail)[:40] if self.kind else ""

    def __repr__(self) -> str:
        return f"<{self.type_name}{' ' + self.kind if self.kind else ''}>"


OTHER_KINDS = ("object_array", "huge_int")
# A Python int beyond 64 bits is no value a check expects, and JSON would carry it as
# thousands of digits (Python refuses to print more than 4300 by default): what it is
# travels instead.
MAX_INT = 2 ** 64


def decode(tree: Any) -> Any:
    if isinstance(tree, list):
        return [decode(v) for v in tree]
    if not isinstance(tree, dict):
        return tree
    if "__nd__" in tree:
        return _array(tree["__nd__"])
    if "__scalar__" in tree:
        return _array(tree["__scalar__"])[()]
    if "__tuple__" in tree:
        return tuple(decode(v) for v in tree["__tuple__"])
    if "__dict__" in tree:
        return {str(k): decode(v) for k, v in tree["__dict__"].items()}
    if "__other__" in tree:
        return Other(tree["__other__"], str(tree.get("kind", "")), str(tree.get("detail", "")))
    return {str(k): decode(v) for k, v in tree.items()}


def _plain(dtype: np.dtype) -> bool:
    return dtype.kind in PLAIN_KINDS and dtype.fields is None and dtype.subdtype is None


def _other(value: Any) -> dict:
    return {"__other__": type(value).__name__}


def _other_array(array: np.ndarray) -> dict:
    """An array that is not numbers (dtype object, text, records): said as what it is."""
    return {"__other__": type(array).__name__, "kind": "object_array", "detail": str(array.dtype)[:40]}


def _huge_int(value: int) -> dict:
    digits = int(value.bit_length() * 0.30103) + 1  # without printing it: str() itself refuses
    return {"__other__": "int", "kind": "huge_int", "detail": f"{digits}"}


def _array_fields(array: np.ndarray) -> list:
    data = binascii.b2a_base64(np.ascontiguousarray(array).tobytes(), newline=False)
    return [array.dtype.str, list(array.shape), data.decode("ascii")]


def _array(fields: Any) -> np.ndarray:
    """The array a child described, after checking that it is plain and self-consistent.

    (A thousand arrays come back from one check of every topic: each step here is the
    cheapest that checks as much; math.prod also cannot wrap around as an int64 product can.)"""
    dtype_text, shape, data = fields
    dtype = _dtype(str(dtype_text))
    shape = tuple(int(n) for n in shape)
    if not _plain(dtype) or any(n < 0 for n in shape):
        raise ValueError(f"refused array of dtype {dtype_text!r}, shape {shape}")
    if not isinstance(data, str):
        raise ValueError("array data is not text")
    raw = binascii.a2b_base64(data)
    if len(raw) != dtype.itemsize * math.prod(shape):
        raise ValueError("array data does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


_DTYPES: dict[str, np.dtype] = {}


def _dtype(text: str) -> np.dtype:
    found = _DTYPES.get(text)  # the few a child sends, parsed once (a dtype is falsy: no `or`)
    if found is None:
        found = np.dtype(text)
        if len(_DTYPES) < 64:
            _DTYPES[text] = found
    return found


def frame(message: Any) -> bytes:
    """One length-prefixed frame holding ``message`` (already plain JSON data)."""
    data = json.dumps(message).encode("utf-8")
    return struct.pack("<I", len(data)) + data


def send(stream: BinaryIO, message: Any) -> None:
    """Write ``message`` as one frame."""
    stream.write(frame(message))
    stream.flush()


def receive(stream: BinaryIO, limit: int = MAX_FRAME) -> Any | None:
    """The next frame's JSON data, or None at end of stream (ValueError past ``limit``)."""
    header = _read_exactly(stream, 4)
    if header is None:
        return None
    (size,) = struct.unpack("<I", header)
    if size > limit:
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
