"""Checks of the Convolution layer (cnn.py): scripts of forward and backward on one layer.

The layer is graded with the course's im2col, col2im and conv_output_size in place of the
student's (families/objects.py): a slip there is the im2col topic's, not this one's.
Filters are not square, C ≠ H ≠ W, N > 1, and stride 2 with padding 1 is among the cases.
"""
from __future__ import annotations

import numpy as np

from grader.boundary.wire_types import ScriptSpec
from grader.judging.checks import Topic
from grader.judging.misconceptions import Misconception, any_of, raised, raised_by, value_of
from grader.topics.families import course
from grader.topics.families.scripts import behaves_like, call, change, read, script_spec, script_topic
from reference import cnn as ref

M = "cnn"


class _Flipped(ref.Convolution):
    """A true convolution: the kernel turned by 180° (the course cross-correlates)."""
    def forward(self, x):
        W, self.W = self.W, self.W[:, :, ::-1, ::-1]
        try:
            return super().forward(x)
        finally:
            self.W = W


class _NoBias(ref.Convolution):
    def forward(self, x):
        return super().forward(x) - self.b[None, :, None, None]


class _BiasAfterTranspose(ref.Convolution):
    def forward(self, x):
        return super().forward(x) - self.b[None, :, None, None] + self.b


class _ReshapeWithoutTranspose(ref.Convolution):
    def forward(self, x):
        out = super().forward(x)
        return (self.col @ self.col_W + self.b).reshape(out.shape)


class _DoutNotTransposed(ref.Convolution):
    def backward(self, dout):
        N, FN, out_h, out_w = dout.shape
        return super().backward(dout.reshape(N, out_h, out_w, FN).transpose(0, 3, 1, 2))


class _DWNotTransposed(ref.Convolution):
    def backward(self, dout):
        dx = super().backward(dout)
        self.dW = (self.col.T @ dout.transpose(0, 2, 3, 1).reshape(-1, self.W.shape[0])).reshape(self.W.shape)
        return dx


class _DbOverFilters(ref.Convolution):
    def backward(self, dout):
        dx = super().backward(dout)
        self.db = np.full(self.W.shape[0], dout.sum())
        return dx


class _DWAccumulated(ref.Convolution):
    """backward adds each new gradient to self.dW (+=) instead of storing it."""
    def backward(self, dout):
        before = 0 if self.dW is None else self.dW
        dx = super().backward(dout)
        self.dW = self.dW + before
        return dx


def _mistake(name: str, key: str, mistaken: type, evidence: str) -> Misconception:
    return Misconception(f"convolution.{name}", value_of("Convolution"), key, behaves_like(mistaken), evidence)


def _strided(spec: ScriptSpec, **_) -> bool:
    return bool(spec["kwargs"].get("stride", 1) != 1 or spec["kwargs"].get("pad", 0))


MISCONCEPTIONS = (
    _mistake("flipped_kernel", "hint.conv_flipped_kernel", _Flipped,
             "forward equals the true convolution (kernel flipped), not the course's cross-correlation"),
    _mistake("bias_forgotten", "hint.conv_bias_forgotten", _NoBias, "forward without + b"),
    Misconception("convolution.bias_after_transpose", (value_of("Convolution"), raised_by("Convolution")),
                  "hint.conv_bias_after_transpose",
                  any_of(behaves_like(_BiasAfterTranspose), raised("exception", "ValueError", ["broadcast"])),
                  "b (FN,) added after the transpose to (N, FN, out_h, out_w): along the width, not per "
                  "filter (a broadcasting ValueError when out_w ≠ FN)"),
    _mistake("reshape_without_transpose", "hint.conv_reshape_without_transpose", _ReshapeWithoutTranspose,
             "(N·out_h·out_w, FN) reshaped straight to (N, FN, out_h, out_w), without the transpose"),
    _mistake("dout_not_transposed", "hint.conv_dout_not_transposed", _DoutNotTransposed,
             "backward reshapes dout (N, FN, out_h, out_w) to (−1, FN) without moving FN last"),
    _mistake("dw_not_transposed", "hint.conv_dW_not_transposed", _DWNotTransposed,
             "dW = (colᵀ·dout) reshaped to (FN, C, FH, FW) without the transpose"),
    _mistake("db_over_filters_too", "hint.conv_db_per_filter", _DbOverFilters,
             "every db[f] = Σ of all of dout: summed over the filters too"),
    _mistake("dw_accumulated", "hint.conv_dw_accumulated", _DWAccumulated,
             "the second backward's dW is the sum of both gradients: self.dW += instead of ="),
    Misconception("convolution.col2im_without_stride_and_pad", raised_by("Convolution"), "hint.conv_col2im_settings",
                  raised("exception", "ValueError", ["reshape"], when=_strided),
                  "stride or padding ≠ default: col2im called without them cannot reshape dcol"),
)


CASES = {  # name: (points, x shape, W shape (FN, C, FH, FW), stride, pad, script)
    "forward": (2, (2, 3, 5, 6), (4, 3, 3, 3), 1, 0, "forward"),
    "forward_stride_2_pad_1": (1, (2, 3, 7, 6), (2, 3, 3, 2), 2, 1, "forward"),
    "backward": (2, (2, 3, 5, 6), (4, 3, 3, 2), 1, 0, "backward"),
    "backward_stride_2_pad_1": (2, (2, 3, 7, 6), (2, 3, 3, 2), 2, 1, "backward"),
    "two_forwards_then_backward": (1, (3, 2, 4, 5), (3, 2, 2, 3), 1, 1, "two_forwards"),
    "sees_changed_weights": (1, (2, 3, 5, 4), (2, 3, 2, 2), 1, 0, "changed"),
    # each backward stores its own gradients: the second dW is not the sum of both
    "two_backwards": (1, (2, 2, 4, 5), (3, 2, 2, 2), 1, 0, "two_backwards"),
}


def _spec(rng: np.random.Generator, x_shape: tuple, w_shape: tuple, stride: int, pad: int, kind: str) -> ScriptSpec:
    W, b = rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    x = rng.normal(size=x_shape)
    out = (x_shape[0], w_shape[0], ref.output_size(x_shape[2], w_shape[2], stride, pad),
           ref.output_size(x_shape[3], w_shape[3], stride, pad))
    steps = [call("forward", x)]
    if kind == "two_forwards":
        steps.append(call("forward", rng.normal(size=x_shape)))
    if kind in ("backward", "two_forwards", "two_backwards"):
        steps += [call("backward", rng.normal(size=out)), read("dW"), read("db")]
    if kind == "two_backwards":
        steps += [call("forward", rng.normal(size=x_shape)), call("backward", rng.normal(size=out)),
                  read("dW"), read("db")]
    if kind == "changed":
        steps += [change(0, rng.normal(size=w_shape)), change(1, rng.normal(size=w_shape[0])), call("forward", x)]
    return script_spec(M, "Convolution", args=[W, b], kwargs={"stride": stride, "pad": pad}, steps=steps,
                       inject=course.CNN)


def declare() -> Topic:
    return script_topic("convolution", CASES, _spec, ref.Convolution, MISCONCEPTIONS)
