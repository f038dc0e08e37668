"""What the student's code prints during one check, kept bounded and sent back as text.

The child's file descriptors 1 and 2 stay on /dev/null (nothing printed can look like a
result on the pipes); Python's ``print`` goes to ``sys.stdout``, which this replaces with
a buffer for the length of one check. Only the first :data:`LIMIT` characters are kept,
so a print in a loop can neither fill the memory nor the wire; the parent receives a plain
string (never code) and shows its first lines under a failing check's message.
"""
from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator

LIMIT = 2000  # characters kept per check


class BoundedText(io.TextIOBase):
    """A write-only text stream keeping the first ``limit`` characters and counting the rest."""

    def __init__(self, limit: int = LIMIT) -> None:
        super().__init__()
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        room = self.limit - self.kept
        self.parts.append(text[:max(room, 0)])
        self.kept += min(len(text), max(room, 0))
        self.dropped += max(len(text) - max(room, 0), 0)
        return len(text)

    def value(self) -> dict | None:
        """``{"text", "dropped"}`` when anything was printed, else None."""
        if not self.kept and not self.dropped:
            return None
        return {"text": "".join(self.parts), "dropped": self.dropped}


@contextlib.contextmanager
def captured() -> Iterator[BoundedText]:
    """Python-level stdout and stderr of the block, into one bounded buffer."""
    buffer = BoundedText()
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = buffer
    try:
        yield buffer
    finally:
        sys.stdout, sys.stderr = saved
