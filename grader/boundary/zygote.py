"""A child forked by a slot's forking server (boundary/pool.py), read like any other child.

The server of `grader batch` holds every check's inputs (its plan), so each of its
children is sent only the topics' names. The server of one `grader check` starts before
the inputs exist (``planned=False``): its children are sent the inputs, as a forked child is.
"""
from __future__ import annotations

import os
from typing import Sequence

from grader.boundary.pool import Slot
from grader.boundary.runner import ChildBase, TopicRequest
from grader.boundary.wire_types import Request


class ZygoteChild(ChildBase):
    """A child forked by a slot's server: the runner's Child, for one submission."""

    digests = True  # the batch's verdict cache keys on the bytes of each outcome

    def __init__(self, slot: Slot, planned: bool = True, topics: int | None = None) -> None:
        """``topics``: how many topics the child serves (its CPU allowance), for a server
        started before that was known; a planned server's settings hold the count."""
        super().__init__()
        self.slot, self.planned = slot, planned
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            self.pid = slot.spawn(to_child_r, from_child_w, topics)
            self._listen(to_child_w, from_child_r)
        finally:
            for fd in (to_child_r, to_child_w, from_child_r, from_child_w):
                os.close(fd)

    def request(self, topics: list[TopicRequest], hung: Sequence[str]) -> Request:
        if not self.planned:  # a server started before the inputs were known: sent as to any child
            return super().request(topics, hung)
        # The server decoded every check's inputs once; the child needs only the names.
        return {"plan": [t.name for t in topics], "hung": list(hung)}

    def stop(self) -> None:
        self._close_pipes()
        self.slot.end(self.pid)

    def exit_detail(self) -> str:
        return self.slot.status(self.pid)
