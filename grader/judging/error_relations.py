"""What an exception says about the code that raised it, as a hint a student can act on.

The relation layer's counterpart for calls that raise instead of returning a wrong value:
each small function reads one kind of error (a name used before it is assigned, an
attribute never set, a None where a value belongs, shapes that do not fit, an index out of
range, a reshape to another number of values, an axis given twice, a float where an integer belongs, a division by zero) and names
what to look for. The catalogue's specific hints win where they match.
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


def reshape_count(error: Mapping) -> Message | None:
    """reshape asked for another number of values than the array holds."""
    match = re.search(r"cannot reshape array of size (\d+) into shape (\([^)]*\))", error.get("message", ""))
    if error.get("type") != "ValueError" or not match:
        return None
    return ("relation.error_reshape", {"size": match.group(1), "shape": match.group(2)})


def axes_repeated(error: Mapping) -> Message | None:
    """transpose given an axis twice (or one that does not exist): an order of dimensions lost.
    Only where the line that raised calls transpose: a hint never names code the student did
    not write (an axis= of a sum or a max out of range is ``axis_missing``)."""
    message = error.get("message", "")
    if error.get("type") in ("ValueError", "AxisError") and "transpose" in error.get("code", "") and (
            "repeated axis" in message or "out of bounds" in message and "axis" in message):
        return ("relation.error_axes", {})
    return None


def axis_missing(error: Mapping) -> Message | None:
    """axis=k on an array with fewer dimensions (a 1-D sample given axis=1)."""
    match = re.search(r"axis (-?\d+) is out of bounds for array of dimension (\d+)", error.get("message", ""))
    if error.get("type") not in ("AxisError", "ValueError", "IndexError") or not match:
        return None
    return ("relation.error_axis", {"axis": match.group(1), "ndim": match.group(2)})


def float_where_integer(error: Mapping) -> Message | None:
    """A size, index or slice bound that came out a float: / where // (or int()) belongs."""
    message = error.get("message", "")
    # "only integer scalar arrays can be converted to a scalar index" is an array passed where
    # an index or axis belongs (np.max(0, x)), no float: not read as one.
    if error.get("type") == "TypeError" and any(w in message for w in (
            "cannot be interpreted as an integer", "slice indices must be integers",
            "'float' object")):
        return ("relation.error_float", {})
    return None


def divided_by_zero(error: Mapping) -> Message | None:
    if error.get("type") == "ZeroDivisionError":
        return ("relation.error_zero_division", {})
    return None


ERROR_RELATIONS: tuple[ErrorRelation, ...] = (unassigned_name, attribute_never_set, none_used, reshape_count, axes_repeated,
                                             axis_missing,
                                             shapes_do_not_fit, index_out_of_range, float_where_integer,
                                             divided_by_zero)


def explain_error(error: Mapping | None) -> tuple[Message, ...]:
    """The first error relation that reads the exception, as a hint (none for a blank)."""
    if not error or error.get("kind", "exception") != "exception":
        return ()
    for relation in ERROR_RELATIONS:
        message = relation(error)
        if message is not None:
            return (message,)
    return ()
