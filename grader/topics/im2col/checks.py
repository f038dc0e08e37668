"""Checks of conv_output_size, im2col and col2im (cnn.py).

Shapes that catch a transposed layout: C ≠ H ≠ W, N > 1, non-square filters, stride 2,
padding 1 and 2. col2im is checked where windows overlap (stride 1, filter 3), so that
the rows must add up.
"""
from __future__ import annotations

import numpy as np

from grader.judging.checks import Topic
from grader.judging.misconceptions import Misconception, about_any, any_of, equals, raised_by, value_of
from grader.topics.families.calls import add_call_check
from reference import cnn as ref

M = "cnn"


def _windows(img: np.ndarray, fh: int, fw: int, stride: int, out_h: int, out_w: int, step: int) -> np.ndarray:
    """(N, C, fh, fw, out_h, out_w): the window at output (i, j) starts at (step·i, step·j)."""
    N, C = img.shape[:2]
    col = np.zeros((N, C, fh, fw, out_h, out_w))
    for y in range(fh):
        for x in range(fw):
            col[:, :, y, x] = img[:, :, y:y + step * out_h:step, x:x + step * out_w:step]
    return col


def _im2col(input_data, filter_h, filter_w, stride=1, pad=0, order=(0, 4, 5, 1, 2, 3),
            pads=None, step=None) -> np.ndarray:
    """im2col with one thing changed: the axis order, the padding, or the window spacing."""
    N, C, H, W = input_data.shape
    out_h = ref.output_size(H, filter_h, stride, pad)
    out_w = ref.output_size(W, filter_w, stride, pad)
    pads = pads or ((pad, pad), (pad, pad))
    img = np.pad(input_data, [(0, 0), (0, 0), *pads])
    col = _windows(img, filter_h, filter_w, stride, out_h, out_w, step or stride)
    return col.transpose(*order).reshape(N * out_h * out_w, -1) if order else col.reshape(N * out_h * out_w, -1)


def _output_size(input_size, filter_size, stride=1, pad=0) -> int:
    return ref.output_size(input_size, filter_size, stride, pad)


def _col2im_overwriting(col, input_shape, filter_h, filter_w, stride=1, pad=0) -> np.ndarray:
    N, C, H, W = input_shape
    out_h, out_w = ref.output_size(H, filter_h, stride, pad), ref.output_size(W, filter_w, stride, pad)
    col = col.reshape(N, out_h, out_w, C, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * pad + stride - 1, W + 2 * pad + stride - 1))
    for y in range(filter_h):
        for x in range(filter_w):
            img[:, :, y:y + stride * out_h:stride, x:x + stride * out_w:stride] = col[:, :, y, x]
    return img[:, :, pad:H + pad, pad:W + pad]


def _col2im_padded(col, input_shape, filter_h, filter_w, stride=1, pad=0) -> np.ndarray:
    """col2im that returns the padded image: the padding never cut off."""
    N, C, H, W = input_shape
    out_h, out_w = ref.output_size(H, filter_h, stride, pad), ref.output_size(W, filter_w, stride, pad)
    col = col.reshape(N, out_h, out_w, C, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * pad + stride - 1, W + 2 * pad + stride - 1))
    for y in range(filter_h):
        for x in range(filter_w):
            img[:, :, y:y + stride * out_h:stride, x:x + stride * out_w:stride] += col[:, :, y, x]
    return img[:, :, :H + 2 * pad, :W + 2 * pad]


def _true_division(input_size, filter_size, stride=1, pad=0) -> float | None:
    """(H + 2P − FH) / S + 1 with /: a float that is not whole (where S does not divide)."""
    size = (input_size + 2 * pad - filter_size) / stride + 1
    return size if size != int(size) else None


def _rounded_up_rows(evidence) -> bool:
    """As many rows as windows counted with the output size rounded up where S does not divide."""
    a = evidence.inputs
    N, _, H, W = a["input_data"].shape
    up = [-(-(size + 2 * a["pad"] - f) // a["stride"]) + 1 for size, f in ((H, a["filter_h"]), (W, a["filter_w"]))]
    down = [ref.output_size(size, f, a["stride"], a["pad"]) for size, f in ((H, a["filter_h"]), (W, a["filter_w"]))]
    shape = np.shape(evidence.actual)
    return up != down and len(shape) == 2 and shape[0] == N * up[0] * up[1]


def _broadcast_into(larger: bool):
    """im2col's window slice could not be stored: its source is larger than the window grid
    (the slice has no step: ``larger``) or smaller (the windows ran off an unpadded image)."""
    import re

    def recognise(evidence) -> bool:
        error = evidence.error or {}
        match = re.search(r"from shape \(([\d,\s]+)\) into shape \(([\d,\s]+)\)", error.get("message", ""))
        if error.get("type") != "ValueError" or not match:
            return False
        source, target = ([int(v) for v in group.split(",") if v.strip()] for group in match.groups())
        if len(source) != len(target) or source == target:
            return False
        bigger = all(s >= t for s, t in zip(source[-2:], target[-2:]))
        return bigger if larger else not bigger and evidence.inputs.get("pad", 0) > 0
    return recognise


MISCONCEPTIONS = (
    Misconception("im2col.output_size_true_division", value_of("conv_output_size"), "hint.output_size_true_division",
                  lambda e: _true_division(**e.inputs) is not None and np.ndim(e.actual) == 0
                  and abs(float(e.actual) - _true_division(**e.inputs)) < 1e-9,
                  "a float such as 4.5 where the stride does not divide: / where // belongs"),
    Misconception("im2col.output_size_without_pad", value_of("conv_output_size"), "hint.output_size_without_pad",
                  equals(lambda input_size, filter_size, stride, pad: (input_size - filter_size) // stride + 1),
                  "(H − FH)/S + 1: the padding left out"),
    Misconception("im2col.output_size_single_pad", value_of("conv_output_size"), "hint.output_size_single_pad",
                  equals(lambda input_size, filter_size, stride, pad: (input_size + pad - filter_size) // stride + 1),
                  "(H + P − FH)/S + 1: the padding counted on one side only"),
    Misconception("im2col.channels_last", value_of("im2col"), "hint.im2col_channels_last",
                  equals(lambda **a: _im2col(**a, order=(0, 4, 5, 2, 3, 1))),
                  "each row flattened in (FH, FW, C) order instead of (C, FH, FW)"),
    Misconception("im2col.no_transpose", value_of("im2col"), "hint.im2col_no_transpose",
                  equals(lambda **a: _im2col(**a, order=())),
                  "(N, C, FH, FW, out_h, out_w) reshaped to rows without moving the positions first"),
    Misconception("im2col.padding_one_side", value_of("im2col"), "hint.im2col_padding_one_side",
                  equals(lambda pad, **a: _im2col(**a, pad=pad, pads=((0, 2 * pad), (0, 2 * pad)))),
                  "2·pad zeros after the image, none before"),
    Misconception("im2col.padding_forgotten", raised_by("im2col"), "hint.im2col_padding_forgotten",
                  _broadcast_into(larger=False),
                  "with pad > 0 the windows run off the unpadded image: a slice smaller than the window grid"),
    Misconception("im2col.slice_without_stride", (value_of("im2col"), raised_by("im2col")),
                  "hint.im2col_slice_without_stride",
                  any_of(equals(lambda stride, **a: _im2col(**a, stride=stride, step=1)), _broadcast_into(larger=True)),
                  "stride 2: the windows start one pixel apart, as for stride 1 (or a slice larger than the grid)"),
    Misconception("im2col.output_size_rounded_up", value_of("im2col"), "hint.im2col_output_size_rounded_up",
                  _rounded_up_rows, "where the stride does not divide, one window too many per row and column"),
    Misconception("im2col.col2im_keeps_padding", value_of("col2im"), "hint.col2im_keeps_padding",
                  equals(_col2im_padded), "the padded image returned: (N, C, H + 2P, W + 2P)"),
    Misconception("im2col.col2im_overwrites", value_of("col2im"), "hint.col2im_overwrites",
                  equals(_col2im_overwriting), "overlapping windows: the last one written wins (= instead of +=)"),
)


def _about(func: str) -> tuple[Misconception, ...]:
    return about_any(MISCONCEPTIONS, value_of(func), raised_by(func))


CASES = {  # name: (x shape (N, C, H, W), filter_h, filter_w, stride, pad)
    "basic": ((2, 3, 5, 7), 2, 3, 1, 0),
    "stride_2_pad_1": ((2, 2, 7, 6), 3, 2, 2, 1),
    "pad_2": ((1, 3, 4, 5), 3, 3, 1, 2),
    # the stride does not divide H + 2P − FH (nor W + 2P − FW): the output size is rounded down
    "stride_not_dividing": ((2, 2, 8, 7), 3, 3, 2, 1),
}


def _im2col_args(rng: np.random.Generator, shape: tuple, fh: int, fw: int, stride: int, pad: int) -> dict:
    return {"input_data": rng.normal(size=shape), "filter_h": fh, "filter_w": fw, "stride": stride, "pad": pad}


def _col2im_args(rng: np.random.Generator, shape: tuple, fh: int, fw: int, stride: int, pad: int) -> dict:
    rows = shape[0] * ref.output_size(shape[2], fh, stride, pad) * ref.output_size(shape[3], fw, stride, pad)
    return {"col": rng.normal(size=(rows, shape[1] * fh * fw)), "input_shape": shape, "filter_h": fh,
            "filter_w": fw, "stride": stride, "pad": pad}


def declare() -> Topic:
    topic = Topic("im2col")
    for name, sizes in {"output_size": (9, 3, 2, 2), "output_size_rounded_down": (8, 3, 2, 1)}.items():
        add_call_check(topic, name, 1, M, "conv_output_size",
                       lambda rng, s=sizes: dict(zip(("input_size", "filter_size", "stride", "pad"), s)),
                       expected=_output_size, misconceptions=_about("conv_output_size"), scalar=True)
    for name, case in CASES.items():
        add_call_check(topic, f"im2col_{name}", 1 if name in ("pad_2", "stride_not_dividing") else 2, M, "im2col",
                       lambda rng, case=case: _im2col_args(rng, *case), expected=ref.im2col,
                       misconceptions=_about("im2col"))
    for name, case in {"overlapping": ((2, 3, 5, 4), 3, 2, 1, 0), "stride_2_pad_1": CASES["stride_2_pad_1"]}.items():
        add_call_check(topic, f"col2im_{name}", 2 if name == "overlapping" else 1, M, "col2im",
                       lambda rng, case=case: _col2im_args(rng, *case), expected=ref.col2im,
                       misconceptions=_about("col2im"))
    # The course's signatures give stride 1 and no padding: a call that leaves them out.
    add_call_check(topic, "output_size_defaults", 1, M, "conv_output_size",
                   lambda rng: {"input_size": 7, "filter_size": 3}, expected=_output_size, scalar=True)
    add_call_check(topic, "im2col_defaults", 1, M, "im2col",
                   lambda rng: _without_stride_and_pad(_im2col_args(rng, (1, 2, 5, 4), 3, 2, 1, 0)),
                   expected=ref.im2col, misconceptions=_about("im2col"))
    add_call_check(topic, "col2im_defaults", 1, M, "col2im",
                   lambda rng: _without_stride_and_pad(_col2im_args(rng, (1, 2, 5, 4), 3, 2, 1, 0)),
                   expected=ref.col2im, misconceptions=_about("col2im"))
    return topic


def _without_stride_and_pad(args: dict) -> dict:
    return {name: value for name, value in args.items() if name not in ("stride", "pad")}
