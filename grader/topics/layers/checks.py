"""Checks of the layer classes (layers.py): scripts of forward and backward on one object.

Each check runs a script on one layer (forward then backward, two forwards in a row, a
change of W in place) and compares every step with the reference's layer on the same
script. The course's functions are put in place of the student's functions.py for these
scripts (families/objects.py): softmax or sigmoid slips are graded by their own topics.
"""
from __future__ import annotations

import numpy as np

from grader.boundary.wire_types import ScriptOutcome, ScriptSpec
from grader.judging.checks import Topic, Verdict
from grader.judging.misconceptions import Misconception, about_any, any_of, value_of
from grader.topics.families import course
from grader.topics.families.scripts import behaves_like, call, change, judge_script, read, script_spec
from reference import layers as ref

M = "layers"


class _ReluMaskAtZero(ref.Relu):
    def forward(self, x):
        out = super().forward(x)
        self.mask = x < 0
        return out


class _SigmoidFromInput(ref.Sigmoid):
    def forward(self, x):
        out = super().forward(x)
        self.out = x
        return out.copy()


class _SigmoidWithoutDout(ref.Sigmoid):
    def backward(self, dout):
        return super().backward(np.ones_like(dout))


class _AffineCopies(ref.Affine):
    def __init__(self, W, b):
        super().__init__(W.copy(), b.copy())


class _AffineCopiesW(ref.Affine):
    """Only W copied (``self.W = W.copy()``): b's change in place still shows."""
    def __init__(self, W, b):
        super().__init__(W.copy(), b)


class _AffineCopiesB(ref.Affine):
    def __init__(self, W, b):
        super().__init__(W, b.copy())


class _AffineDWTransposed(ref.Affine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.dW = self.dW.T
        return dx


class _AffineDbNotSummed(ref.Affine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.db = dout.copy()
        return dx


class _AffineDbMean(ref.Affine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.db = dout.mean(axis=0)
        return dx


class _AffineDxFlat(ref.Affine):
    def backward(self, dout):
        return super().backward(dout).reshape(dout.shape[0], -1)


class _LossNotDivided(ref.SoftmaxWithLoss):
    def backward(self, dout=1):
        return super().backward(dout) * self.y.shape[0]


class _LossByClasses(ref.SoftmaxWithLoss):
    def backward(self, dout=1):
        return super().backward(dout) * self.y.shape[0] / self.d.size


class _LossLabelsColumn(ref.SoftmaxWithLoss):
    def backward(self, dout=1):
        if self.d.size == self.y.size:
            return super().backward(dout)
        dx = self.y.copy()
        dx[:, self.d] -= 1
        return dx / self.y.shape[0]


class _ReluMaskCached(ref.Relu):
    """The mask made on the first forward and kept: later batches are cut where the first was ≤ 0."""
    def forward(self, x):
        if self.mask is None:
            self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out


class _LossBookOrder(ref.SoftmaxWithLoss):
    """The book's argument order (y, t) given to the course's cross_entropy_error(d, y)."""
    def forward(self, x, d):
        from reference import functions
        super().forward(x, d)
        self.loss = functions.cross_entropy_error(self.y, self.d)
        return self.loss


def _mistake(name: str, cls: str, key: str, mistaken: type | tuple[type, ...], evidence: str) -> Misconception:
    """``mistaken``: the class that makes the mistake, or several that each make a form of it."""
    forms = mistaken if isinstance(mistaken, tuple) else (mistaken,)
    return Misconception(f"layers.{name}", value_of(cls), key, any_of(*map(behaves_like, forms)), evidence)


MISCONCEPTIONS = (
    _mistake("relu_mask_at_zero", "Relu", "hint.relu_mask_at_zero", _ReluMaskAtZero,
             "backward lets dout through where x is exactly 0: the mask is x < 0, not x ≤ 0"),
    _mistake("relu_mask_cached", "Relu", "hint.relu_mask_cached", _ReluMaskCached,
             "a second forward is cut where the first input was ≤ 0: the mask made once and kept"),
    _mistake("sigmoid_backward_from_input", "Sigmoid", "hint.sigmoid_backward_from_input", _SigmoidFromInput,
             "backward = dout·x·(1 − x) with the input x in place of the output y"),
    _mistake("sigmoid_backward_without_dout", "Sigmoid", "hint.sigmoid_backward_without_dout", _SigmoidWithoutDout,
             "backward = y·(1 − y), dout never multiplied in"),
    _mistake("affine_copies_weights", "Affine", "hint.affine_copies_weights", (_AffineCopies, _AffineCopiesW, _AffineCopiesB),
             "after W and b change in place, forward still uses the old W or b: the layer copied it"),
    _mistake("affine_dw_transposed", "Affine", "hint.affine_dW_transposed", _AffineDWTransposed,
             "dW = doutᵀ·x: W's transpose"),
    _mistake("affine_db_not_summed", "Affine", "hint.affine_db_not_summed", _AffineDbNotSummed,
             "db = dout, one row per sample, not summed over the batch"),
    _mistake("affine_db_mean", "Affine", "hint.affine_db_mean", _AffineDbMean,
             "db = the mean of dout over the batch, batch_size times too small"),
    _mistake("affine_dx_not_reshaped", "Affine", "hint.affine_dx_not_reshaped", _AffineDxFlat,
             "for a 4-D x, dx comes back flat (N, C·H·W) instead of x's shape"),
    _mistake("softmax_loss_book_order", "SoftmaxWithLoss", "hint.softmax_loss_book_order", _LossBookOrder,
             "forward's loss is cross_entropy_error(y, d): the book's (y, t) order, where the course's is (d, y)"),
    _mistake("softmax_loss_not_divided", "SoftmaxWithLoss", "hint.softmax_loss_not_divided", _LossNotDivided,
             "backward = y − d: batch_size times the reference"),
    _mistake("softmax_loss_divided_by_classes", "SoftmaxWithLoss", "hint.softmax_loss_divided_by_classes",
             _LossByClasses, "backward = (y − d)/d.size: divided by batch_size·classes for one-hot d"),
    _mistake("softmax_loss_labels_column", "SoftmaxWithLoss", "hint.softmax_loss_labels_column", _LossLabelsColumn,
             "labels: 1 subtracted in every row at every label's column (dx[:, d] -= 1)"),
)


def _about(cls: str) -> tuple[Misconception, ...]:
    return about_any(MISCONCEPTIONS, value_of(cls))


def _with_zeros(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """Values on a grid of halves, so that some are exactly 0 (where Relu's mask decides)."""
    return np.round(rng.normal(size=shape) * 2) / 2


def _activation(cls: str, rng: np.random.Generator, shape: tuple, twice: bool) -> dict:
    x, dout = _with_zeros(rng, shape), rng.normal(size=shape)
    steps = [call("forward", x)]
    if twice:  # the second forward is the one backward must use
        steps.append(call("forward", _with_zeros(rng, shape)))
    steps.append(call("backward", dout))
    return script_spec(M, cls, steps=steps, inject=course.FUNCTIONS)


def _affine(rng: np.random.Generator, x_shape: tuple, out: int) -> dict:
    features = int(np.prod(x_shape[1:]))
    W, b = rng.normal(size=(features, out)), rng.normal(size=out)
    x, dout = rng.normal(size=x_shape), rng.normal(size=(x_shape[0], out))
    return script_spec(M, "Affine", args=[W, b], steps=[call("forward", x), call("backward", dout),
                                                         read("dW"), read("db")], inject=course.FUNCTIONS)


def _affine_sees_changes(rng: np.random.Generator) -> dict:
    W, b, x = rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=(4, 5))
    return script_spec(M, "Affine", args=[W, b], steps=[
        call("forward", x), change(0, rng.normal(size=W.shape)), change(1, rng.normal(size=b.shape)),
        call("forward", x), call("backward", rng.normal(size=(4, 3))), read("dW")], inject=course.FUNCTIONS)


def _loss(rng: np.random.Generator, labels: bool) -> dict:
    batch, classes = 5, 4
    x = rng.normal(size=(batch, classes)) * 2
    t = rng.integers(0, classes, size=batch)
    t[:2] = 1  # a repeated label: one column, several rows
    d = t if labels else np.eye(classes)[t]
    return script_spec(M, "SoftmaxWithLoss", steps=[call("forward", x, d), call("backward")],
                       inject=course.FUNCTIONS)


REFERENCE = {"Relu": ref.Relu, "Sigmoid": ref.Sigmoid, "Affine": ref.Affine, "SoftmaxWithLoss": ref.SoftmaxWithLoss}


def _judge(spec: ScriptSpec, outcome: ScriptOutcome) -> Verdict:
    return judge_script(spec, outcome, REFERENCE[spec["cls"]], _about(spec["cls"]))


def declare() -> Topic:
    topic = Topic("layers")
    cases = {
        "relu": (1, lambda rng: _activation("Relu", rng, (4, 6), twice=False)),
        "relu_feature_map": (1, lambda rng: _activation("Relu", rng, (2, 3, 4, 5), twice=False)),
        "relu_two_forwards": (1, lambda rng: _activation("Relu", rng, (3, 5), twice=True)),
        "sigmoid": (1, lambda rng: _activation("Sigmoid", rng, (4, 6), twice=False)),
        "sigmoid_two_forwards": (1, lambda rng: _activation("Sigmoid", rng, (3, 5), twice=True)),
        "affine": (2, lambda rng: _affine(rng, (4, 5), 3)),
        "affine_feature_map": (2, lambda rng: _affine(rng, (3, 2, 3, 4), 5)),
        "affine_sees_changed_weights": (1, _affine_sees_changes),
        "softmax_with_loss_one_hot": (1, lambda rng: _loss(rng, labels=False)),
        "softmax_with_loss_labels": (1, lambda rng: _loss(rng, labels=True)),
    }
    for name, (points, build) in cases.items():
        topic.add(name, points, build, _judge)
    return topic
