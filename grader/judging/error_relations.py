"""What an exception says about the code that raised it, as a hint a student can act on.

The relation layer's counterpart for calls that raise instead of returning a wrong value:
each small function reads one kind of error (a name used before it is assigned, an
attribute never set, a None where a value belongs, shapes that do not fit, an index out of
range) and names what to look for. The catalogue's specific hints win where they match.
"""
from __future__ import annotations

import re
from typing import Callable, Mapping

from grader.judging.checks import Message

ErrorRelation = Callable[[Mapping], "Message | None"]


def unassigned_name(error: Mapping) -> Message | None:
    if error.get("type") not in ("NameError", "UnboundLocalError"):
        return None
    match = re.search(r"'(\w+)'", error.get("message", ""))
    return ("relation.error_unassigned", {"name": match.group(1) if match else "?"})


def attribute_never_set(error: Mapping) -> Message | None:
    match = re.search(r"'(\w+)' object has no attribute '(\w+)'", error.get("message", ""))
    if error.get("type") != "AttributeError" or not match:
        return None
    if match.group(1) == "NoneType":
        return ("relation.error_none", {"use": f".{match.group(2)}"})
    return ("relation.error_attribute", {"cls": match.group(1), "name": match.group(2)})


def none_used(error: Mapping) -> Message | None:
    if error.get("type") == "TypeError" and "NoneType" in error.get("message", ""):
        return ("relation.error_none", {"use": "None"})
    return None


def shapes_do_not_fit(error: Mapping) -> Message | None:
    message = error.get("message", "")
    if error.get("type") == "ValueError" and any(w in message for w in ("broadcast", "shapes", "aligned", "dimension")):
        return ("relation.error_shapes", {})
    return None


def index_out_of_range(error: Mapping) -> Message | None:
    if error.get("type") in ("IndexError", "KeyError"):
        return ("relation.error_index", {"type": error.get("type", "")})
    return None


ERROR_RELATIONS: tuple[ErrorRelation, ...] = (unassigned_name, attribute_never_set, none_used, shapes_do_not_fit,
                                             index_out_of_range)


def explain_error(error: Mapping | None) -> tuple[Message, ...]:
    """The first error relation that reads the exception, as a hint (none for a blank)."""
    if not error or error.get("kind", "exception") != "exception":
        return ()
    for relation in ERROR_RELATIONS:
        message = relation(error)
        if message is not None:
            return (message,)
    return ()
