"""The course's helpers, child side: what a layer calls when its topic is not about them.

SoftmaxWithLoss calls softmax and cross_entropy_error, Sigmoid calls sigmoid, Convolution
and Pooling call im2col, col2im and conv_output_size. The layers and convolution topics
grade the classes with these in place of the student's (objects.injected), so a mistake
in functions.py or im2col counts once, in its own topic. The child may not import the
reference: these are written out here, and tests/test_course_helpers.py proves they agree
with reference/ on every shape the topics use.
"""
from __future__ import annotations

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)


def cross_entropy_error(d, y):
    if y.ndim == 1:
        d, y = d.reshape(1, -1), y.reshape(1, -1)
    if d.size == y.size:  # one-hot teacher data: the index of its 1
        d = d.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), d] + 1e-7)) / batch_size


def conv_output_size(input_size, filter_size, stride=1, pad=0):
    return (input_size + 2 * pad - filter_size) // stride + 1


def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_data.shape
    out_h, out_w = conv_output_size(H, filter_h, stride, pad), conv_output_size(W, filter_w, stride, pad)
    img = _padded(input_data, pad)
    if _tiles(img.shape, filter_h, filter_w, stride, out_h, out_w):  # pooling's windows: a reshape
        windows = img.reshape(N, C, out_h, filter_h, out_w, filter_w).transpose(0, 2, 4, 1, 3, 5)
        return windows.reshape(N * out_h * out_w, -1).astype(float, copy=False)
    # Every window as a view (N, C, out_h, out_w, filter_h, filter_w), copied once into rows:
    # the grader's training runs it hundreds of times, so no loop and no np.pad here.
    n, c, h, w = img.strides
    windows = np.lib.stride_tricks.as_strided(
        img, (N, C, out_h, out_w, filter_h, filter_w), (n, c, h * stride, w * stride, h, w), writeable=False)
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * out_h * out_w, -1).astype(float, copy=False)


def _tiles(shape, filter_h, filter_w, stride, out_h, out_w) -> bool:
    """Whether the windows tile the (padded) image exactly: side by side, none overlapping."""
    return filter_h == filter_w == stride and shape[2] == out_h * stride and shape[3] == out_w * stride


def _padded(x, pad):
    if not pad:
        return x
    N, C, H, W = x.shape
    img = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=float)
    img[:, :, pad:pad + H, pad:pad + W] = x
    return img


def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_shape
    out_h, out_w = conv_output_size(H, filter_h, stride, pad), conv_output_size(W, filter_w, stride, pad)
    padded = (N, C, H + 2 * pad, W + 2 * pad)
    col = col.reshape(N, out_h, out_w, C, filter_h, filter_w)
    if _tiles(padded, filter_h, filter_w, stride, out_h, out_w):  # each pixel in one window: no sums
        img = col.transpose(0, 3, 1, 4, 2, 5).reshape(padded)
        return img[:, :, pad:H + pad, pad:W + pad]
    col = col.transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros(padded)
    for y in range(filter_h):
        for x in range(filter_w):
            img[:, :, y:y + stride * out_h:stride, x:x + stride * out_w:stride] += col[:, :, y, x]
    return img[:, :, pad:H + pad, pad:W + pad]


# The contract's helpers a function under test may call (probes.right_helpers).
HELPERS = {
    "sigmoid": sigmoid,
    "relu": lambda x: np.maximum(0, x),
    "d_relu": lambda x: np.where(np.asarray(x) > 0, 1.0, 0.0),
}
FUNCTIONS = ("sigmoid", "softmax", "cross_entropy_error")
CNN = ("conv_output_size", "im2col", "col2im")
