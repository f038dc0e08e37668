"""Whether an update changed the caller's arrays (``-=``) or only rebound the dict's entries."""
from __future__ import annotations

from grader.judging.compare import same
from grader.judging.misconceptions import Evidence


def rebound(e: Evidence) -> bool:
    """The dict holds new arrays while the arrays the caller holds kept their old values:
    ``params[key] = params[key] - …`` instead of ``params[key] -= …``."""
    held, after = e.actual
    before = e.inputs["before"]
    return (bool(held) and bool(after) and all(same(held[-1].get(k), before[k], 0, 0) for k in before)
            and not all(same(after[-1].get(k), before[k], 0, 0) for k in before))


def changed_in_place(before: dict, held: list | None, after: list | None) -> bool:
    """True when the held arrays changed and equal the dict's final entries."""
    if not held or not after or not isinstance(held[-1], dict) or not isinstance(after[-1], dict):
        return False
    last_held, last = held[-1], after[-1]
    return (all(same(last_held.get(k), last.get(k), 0, 0) for k in before)
            and not all(same(last_held.get(k), before[k], 0, 0) for k in before))
