"""The course's helpers the child puts in place of the student's (grader/topics/families/course.py)
agree with reference/ on every shape the topics use: they exist twice (the child may not
import the reference), so this proves the copies agree."""
from __future__ import annotations

import numpy as np
import pytest

from grader.topics.families import course
from reference import cnn, functions

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("x", [RNG.normal(size=6), RNG.normal(size=(5, 4)) * 3, 1000 + RNG.normal(size=(3, 4))])
def test_softmax_and_sigmoid_agree(x):
    assert np.allclose(course.softmax(x), functions.softmax(x))
    assert np.allclose(course.sigmoid(x), functions.sigmoid(x))


@pytest.mark.parametrize("labels", [False, True])
def test_cross_entropy_error_agrees_for_one_hot_and_labels(labels):
    y = functions.softmax(RNG.normal(size=(6, 4)))
    t = RNG.integers(0, 4, size=6)
    d = t if labels else np.eye(4)[t]
    assert np.isclose(course.cross_entropy_error(d, y), functions.cross_entropy_error(d, y))
    assert np.isclose(course.cross_entropy_error(d[0], y[0]), functions.cross_entropy_error(d[0], y[0]))


@pytest.mark.parametrize("shape, fh, fw, stride, pad", [
    ((2, 3, 5, 7), 2, 3, 1, 0), ((2, 2, 7, 6), 3, 2, 2, 1), ((1, 3, 4, 5), 3, 3, 1, 2),
    ((32, 1, 8, 8), 3, 3, 1, 1), ((32, 4, 8, 8), 2, 2, 2, 0), ((2, 2, 7, 5), 3, 3, 2, 0)])
def test_im2col_col2im_and_the_output_size_agree(shape, fh, fw, stride, pad):
    x = RNG.normal(size=shape)
    col = course.im2col(x, fh, fw, stride, pad)
    assert np.array_equal(col, cnn.im2col(x, fh, fw, stride, pad))
    c = RNG.normal(size=col.shape)
    assert np.allclose(course.col2im(c, shape, fh, fw, stride, pad), cnn.col2im(c, shape, fh, fw, stride, pad))
    assert course.conv_output_size(shape[2], fh, stride, pad) == cnn.output_size(shape[2], fh, stride, pad)
