"""Checks of the Pooling layer (cnn.py): max pooling forward and backward, by scripts.

Graded with the course's im2col, col2im and conv_output_size in place of the student's
(families/objects.py), with pad = 0 (the course's Pooling layer has no padding). Windows tile the image in some cases
and overlap in others (where backward's routes add up); one case has tied maxima, where
the gradient goes to the first maximum in row-major order, as np.argmax picks it.
"""
from __future__ import annotations

import numpy as np

from grader.boundary.wire_types import ScriptSpec
from grader.judging.checks import Topic
from grader.judging.misconceptions import Misconception, any_of, raised_by, value_of
from grader.topics.families.scripts import behaves_like, call, script_spec, script_topic
from grader.topics.families import course
from reference import cnn as ref

M = "cnn"


class _Windows(ref.Pooling):
    """The reference with helpers to build a mistaken forward or backward."""

    def windows(self, x):
        return ref.im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)

    def shaped(self, flat, x):
        N, C, H, W = x.shape
        out_h = ref.output_size(H, self.pool_h, self.stride, self.pad)
        out_w = ref.output_size(W, self.pool_w, self.stride, self.pad)
        return flat.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

    def routed(self, dmax):
        dcol = dmax.reshape(-1, self.x.shape[1] * self.pool_h * self.pool_w)
        return ref.col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)

    def flat_dout(self, dout):
        return dout.transpose(0, 2, 3, 1).reshape(-1, 1)


class _AverageBackward(_Windows):
    def backward(self, dout):
        size = self.pool_h * self.pool_w
        return self.routed(np.repeat(self.flat_dout(dout) / size, size, axis=1))


class _EveryTiedMaximum(_Windows):
    def forward(self, x):
        out = super().forward(x)
        col = self.windows(x)
        self.tied = col == col.max(axis=1, keepdims=True)
        return out

    def backward(self, dout):
        return self.routed(self.tied * self.flat_dout(dout))


class _AverageForward(_Windows):
    def forward(self, x):
        super().forward(x)
        return self.shaped(self.windows(x).mean(axis=1), x)


class _ChannelOrder(_Windows):
    def forward(self, x):
        out = super().forward(x)
        return self.windows(x).max(axis=1).reshape(out.shape)


class _DoutNotTransposed(_Windows):
    def backward(self, dout):
        N, C, out_h, out_w = dout.shape
        return super().backward(dout.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2))


class _LastMaximum(_Windows):
    def forward(self, x):
        out = super().forward(x)
        col = self.windows(x)
        self.arg_max = col.shape[1] - 1 - np.argmax(col[:, ::-1], axis=1)
        return out


class _AcrossChannels(ref.Pooling):
    """Each window's maximum over every channel at once: one map instead of one per channel."""
    def forward(self, x):
        return super().forward(x).max(axis=1, keepdims=True)


class _WithoutStride(ref.Pooling):
    """The stride never reaches im2col: windows one pixel apart."""
    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        super().__init__(pool_h, pool_w, 1, pad)


def _one_value_per_window(e) -> bool:
    """forward's maxima could not be laid out per channel: one value per window, not C."""
    import re
    error = e.error or {}
    match = re.search(r"cannot reshape array of size (\d+) into shape \(([\d,\s]+)\)", error.get("message", ""))
    if error.get("type") != "ValueError" or not match:
        return False
    shape = [int(v) for v in match.group(2).split(",") if v.strip()]
    return len(shape) == 4 and shape[3] > 1 and int(match.group(1)) * shape[3] == int(np.prod(shape))


def _mistake(name: str, key: str, mistaken: type, evidence: str) -> Misconception:
    return Misconception(f"pooling.{name}", value_of("Pooling"), key, behaves_like(mistaken), evidence)


MISCONCEPTIONS = (
    Misconception("pooling.across_channels", (value_of("Pooling"), raised_by("Pooling")), "hint.pool_across_channels",
                  any_of(behaves_like(_AcrossChannels), _one_value_per_window),
                  "one maximum per window over all channels: (N, 1, out_h, out_w), or a reshape error"),
    _mistake("without_stride", "hint.pool_without_stride", _WithoutStride,
             "windows one pixel apart whatever the stride: the stride not passed to im2col"),
    _mistake("average_forward", "hint.pool_average_forward", _AverageForward,
             "forward returns each window's mean: average pooling"),
    _mistake("channel_order", "hint.pool_channel_order", _ChannelOrder,
             "forward's (N·out_h·out_w·C) values reshaped straight to (N, C, out_h, out_w)"),
    _mistake("average_backward", "hint.pool_average_backward", _AverageBackward,
             "backward spreads dout/(pool_h·pool_w) over the whole window: average pooling's gradient"),
    _mistake("every_tied_maximum", "hint.pool_every_tied_maximum", _EveryTiedMaximum,
             "tied maxima: dout sent to every one of them, not only to the first"),
    _mistake("last_maximum", "hint.pool_first_maximum", _LastMaximum,
             "tied maxima: dout sent to the last one in row-major order, not the first"),
    _mistake("dout_not_transposed", "hint.pool_dout_not_transposed", _DoutNotTransposed,
             "backward flattens dout (N, C, out_h, out_w) without moving C last, as forward's rows are"),
)


CASES = {  # name: (points, x shape, pool_h, pool_w, stride, script)
    "forward_tiling": (2, (2, 3, 4, 6), 2, 2, 2, "forward"),
    "forward_overlapping": (1, (2, 3, 5, 4), 3, 2, 1, "forward"),
    "backward_tiling": (2, (2, 3, 4, 6), 2, 2, 2, "backward"),
    "backward_overlapping_stride_2": (2, (2, 2, 7, 5), 3, 3, 2, "backward"),
    "backward_tied_maxima": (1, (2, 3, 4, 4), 2, 2, 2, "ties"),
    "two_forwards_then_backward": (1, (2, 3, 6, 4), 2, 2, 2, "two_forwards"),
}


def _spec(rng: np.random.Generator, shape: tuple, ph: int, pw: int, stride: int, kind: str) -> ScriptSpec:
    x = rng.integers(0, 3, size=shape).astype(float) if kind == "ties" else rng.normal(size=shape)
    out = (shape[0], shape[1], ref.output_size(shape[2], ph, stride, 0), ref.output_size(shape[3], pw, stride, 0))
    steps = [call("forward", x)]
    if kind == "two_forwards":
        steps.append(call("forward", rng.normal(size=shape)))
    if kind != "forward":
        steps.append(call("backward", rng.normal(size=out)))
    return script_spec(M, "Pooling", args=[ph, pw], kwargs={"stride": stride, "pad": 0}, steps=steps,
                       inject=course.CNN)


def declare() -> Topic:
    return script_topic("pooling", CASES, _spec, ref.Pooling, MISCONCEPTIONS)
