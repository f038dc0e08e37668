"""What crosses the process boundary: plain arrays come back exactly; a forged description
of an array is refused (ValueError), never turned into an object or a wrong-sized array."""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from grader.boundary import wire

DTYPES = st.sampled_from([np.float64, np.float32, np.int64, np.int32, np.uint8, np.bool_, np.complex128])


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(DTYPES, hnp.array_shapes(min_dims=0, max_dims=4, max_side=5)))
def test_plain_arrays_come_back_exactly_through_json(array):
    back = wire.decode(json.loads(json.dumps(wire.encode({"a": array, "t": (array, 1.5)}))))
    for got in (back["a"], back["t"][0]):
        assert got.dtype == array.dtype and got.shape == array.shape
        assert np.array_equal(got, array, equal_nan=array.dtype.kind in "fc")
        assert got.flags.writeable  # a copy the judge may change, not a view of the message


@pytest.mark.parametrize("fields", [
    ["|O", [1], "AAAAAAAAAAA="],  # an object array: refused, never unpickled
    ["<f8", [2], "AAAAAAAAAAA="],  # fewer bytes than the shape needs
    ["<f8", [-1], "AAAAAAAAAAA="],  # a negative length
    ["<f8", [2 ** 32, 2 ** 32], ""],  # a product that wraps to 0 in int64
    ["<f8", [1], ["AAAAAAAAAAA="]],  # data that is not text
    ["<f8", [1], "ÀÀÀÀÀÀÀÀÀÀÀ="],  # data that is not base64's alphabet
    ["V8", [1], "AAAAAAAAAAA="],  # raw bytes (void), not a number
])
def test_a_forged_array_is_refused(fields):
    with pytest.raises(ValueError):
        wire.decode({"__nd__": fields})
