"""The Day 2 §3–§4 modules of solutions/ (layers, regularization, cnn, Nesterov) agree with
reference/ on random inputs, and their unfilled exercises import and raise their blanks.

As in test_exercises_solutions.py, the solutions run in a fresh interpreter with solutions/
first on sys.path (they import each other by plain name, as the grader loads a submission).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from grader.authoring.blanks import parse_file
from solutions_support import ROOT, SOLUTIONS, compare, declared_checks

EXERCISES = ROOT / "exercises"

COMPARE = r"""
import layers, regularization, cnn, optimizers
from reference import layers as ref_l, regularization as ref_r, cnn as ref_c, optimizers as ref_o

def rng():
    return np.random.default_rng(2024)

def same(ours, theirs, **tolerance):
    tolerance.setdefault("rtol", 1e-12)
    tolerance.setdefault("atol", 1e-13)
    assert_allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float), **tolerance)

def both(make_ours, make_theirs, run):
    # The same calls on a fresh solutions layer and a fresh reference layer; every result pairs up.
    for ours, theirs in zip(run(make_ours()), run(make_theirs()), strict=True):
        same(ours, theirs)

def forward_backward(x, dout):
    def run(layer):
        layer.forward(x + 1.0)  # backward must use the last of two forwards
        return [layer.forward(x.copy()), layer.backward(dout.copy())]
    return run

@check
def relu_layer():
    r = rng()
    x = r.standard_normal((5, 4))
    x[0, :3] = 0.0
    both(layers.Relu, ref_l.Relu, forward_backward(x, r.standard_normal((5, 4))))

@check
def sigmoid_layer():
    r = rng()
    both(layers.Sigmoid, ref_l.Sigmoid, forward_backward(r.standard_normal((3, 2, 4)), r.standard_normal((3, 2, 4))))

@check
def affine_layer():
    r = rng()
    for x_shape in ((6, 4), (3, 2, 3, 4)):
        n_in = int(np.prod(x_shape[1:]))
        W, b = r.standard_normal((n_in, 5)), r.standard_normal(5)
        x, dout = r.standard_normal(x_shape), r.standard_normal((x_shape[0], 5))
        def run(layer):
            out, dx = layer.forward(x), layer.backward(dout)
            assert layer.W is W and layer.b is b, "Affine must keep W and b, not copies"
            return [out, dx, layer.dW, layer.db]
        both(lambda: layers.Affine(W, b), lambda: ref_l.Affine(W, b), run)

@check
def softmax_with_loss():
    r = rng()
    x, labels = r.standard_normal((7, 4)) * 3, r.integers(0, 4, 7)
    for d in (labels, np.eye(4)[labels]):
        both(layers.SoftmaxWithLoss, ref_l.SoftmaxWithLoss, lambda layer: [layer.forward(x, d), layer.backward()])

@check
def dropout():
    import inspect
    x, dout = rng().standard_normal((40, 30)), rng().standard_normal((40, 30))
    # The reference draws with np.random as the course does (the same seed, the same mask), or
    # from a Generator passed as rng: a Dropout that takes rng gets the same Generator seed.
    own_rng = "rng" in inspect.signature(layers.Dropout).parameters
    kwargs = (lambda: {"rng": np.random.default_rng(5)}) if own_rng else dict
    for ratio in (0.5, 0.2):
        def run(layer):
            np.random.seed(5)
            out = layer.forward(x)
            return [out, layer.backward(dout), layer.forward(x, train_flg=False), layer.backward(dout)]
        both(lambda: layers.Dropout(ratio, **kwargs()), lambda: ref_l.Dropout(ratio, **kwargs()), run)

@check
def regularization_():
    r = rng()
    weights = [r.standard_normal((4, 3)), r.standard_normal(3), np.zeros((2, 2))]
    for lam in (0.1, 0.005):
        same(regularization.l2_penalty(weights, lam), ref_r.l2_penalty(weights, lam))
        same(regularization.l1_penalty(weights, lam), ref_r.l1_penalty(weights, lam))
        for W in weights:
            same(regularization.l2_gradient(W, lam), ref_r.l2_gradient(W, lam))
            same(regularization.l1_gradient(W, lam), ref_r.l1_gradient(W, lam))

GEOMETRIES = [  # (x shape, filter_h, filter_w, stride, pad); C ≠ H ≠ W
    ((2, 3, 5, 6), 3, 3, 1, 0), ((2, 2, 4, 5), 3, 2, 1, 1), ((3, 2, 7, 6), 3, 3, 2, 0),
    ((2, 3, 6, 5), 2, 3, 2, 1), ((2, 1, 3, 4), 3, 3, 1, 2), ((1, 2, 5, 7), 2, 2, 2, 0),
]

@check
def im2col_col2im():
    r = rng()
    for shape, fh, fw, stride, pad in GEOMETRIES:
        x = r.standard_normal(shape)
        col = cnn.im2col(x, fh, fw, stride, pad)
        same(col, ref_c.im2col(x, fh, fw, stride, pad))
        c = r.standard_normal(col.shape)
        same(cnn.col2im(c, shape, fh, fw, stride, pad), ref_c.col2im(c, shape, fh, fw, stride, pad))

@check
def convolution():
    r = rng()
    for shape, fh, fw, stride, pad in GEOMETRIES:
        W, b, x = r.standard_normal((4, shape[1], fh, fw)), r.standard_normal(4), r.standard_normal(shape)
        dout = r.standard_normal(ref_c.Convolution(W, b, stride, pad).forward(x).shape)
        def run(layer):
            out, dx = layer.forward(x), layer.backward(dout)
            assert layer.W is W and layer.b is b, "Convolution must keep W and b, not copies"
            return [out, dx, layer.dW, layer.db]
        both(lambda: cnn.Convolution(W, b, stride, pad), lambda: ref_c.Convolution(W, b, stride, pad), run)

@check
def pooling():
    r = rng()
    for shape, ph, pw, stride in (((2, 3, 4, 6), 2, 2, 2), ((2, 2, 5, 4), 3, 3, 1), ((3, 2, 7, 5), 3, 2, 2)):
        for x in (r.standard_normal(shape), r.integers(0, 3, shape).astype(float)):  # the second ties often
            dout = r.standard_normal(ref_c.Pooling(ph, pw, stride).forward(x).shape)
            both(lambda: cnn.Pooling(ph, pw, stride), lambda: ref_c.Pooling(ph, pw, stride),
                 lambda layer: [layer.forward(x), layer.backward(dout)])

def run_nesterov(module, **kwargs):
    r = rng()
    params = {"W": r.standard_normal((3, 2)), "b": r.standard_normal(2)}
    arrays = dict(params)
    optimizer = module.Nesterov(**kwargs)
    for _ in range(5):
        optimizer.update(params, {k: r.standard_normal(v.shape) for k, v in params.items()})
    assert all(params[k] is arrays[k] for k in params), "Nesterov.update must work in place"
    return params

@check
def Nesterov():
    import inspect
    for kwargs in ({}, {"learning_rate": 0.1, "momentum": 0.5}):
        ours, theirs = run_nesterov(optimizers, **kwargs), run_nesterov(ref_o, **kwargs)
        for key in theirs:
            same(ours[key], theirs[key], rtol=1e-10)
    ours = inspect.signature(optimizers.Nesterov).parameters
    theirs = inspect.signature(ref_o.Nesterov).parameters
    assert {k: p.default for k, p in ours.items()} == {k: p.default for k, p in theirs.items()}
"""

CHECK_NAMES = declared_checks(COMPARE)


@pytest.fixture(scope="module")
def comparison() -> dict[str, str]:
    return compare(COMPARE)


def test_every_check_ran(comparison: dict[str, str]) -> None:
    assert sorted(comparison) == sorted(CHECK_NAMES)


@pytest.mark.parametrize("name", CHECK_NAMES)
def test_solutions_agree_with_reference(comparison: dict[str, str], name: str) -> None:
    assert comparison[name] == "", comparison[name]


# --- the unfilled exercises ------------------------------------------------------------------

# The Day 2 layer API: every method with a blank, called on the unfilled exercises.
CALL_EVERY_METHOD = r"""
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import layers, regularization, cnn, optimizers

x, x4 = np.ones((2, 3)), np.ones((2, 3, 4, 5))
W, b = np.ones((3, 2)), np.zeros(2)
Wc, bc = np.ones((2, 3, 2, 2)), np.zeros(2)
def softmax_with_loss_backward():
    layer = layers.SoftmaxWithLoss()
    layer.y, layer.d = np.full((2, 2), 0.5), np.array([0, 1])  # forward's softmax is a blank itself
    return layer.backward()

calls = {
    "Relu.forward": lambda: layers.Relu().forward(x),
    "Sigmoid.backward": lambda: layers.Sigmoid().backward(x),
    "Affine.backward": lambda: (lambda a: (a.forward(x), a.backward(np.ones((2, 2)))))(layers.Affine(W, b)),
    "SoftmaxWithLoss.backward": lambda: softmax_with_loss_backward(),
    "Dropout.forward": lambda: layers.Dropout().forward(x),
    "Dropout.backward": lambda: layers.Dropout().backward(x),
    "l2_penalty": lambda: regularization.l2_penalty([W], 0.1),
    "l2_gradient": lambda: regularization.l2_gradient(W, 0.1),
    "l1_penalty": lambda: regularization.l1_penalty([W], 0.1),
    "l1_gradient": lambda: regularization.l1_gradient(W, 0.1),
    "conv_output_size": lambda: cnn.conv_output_size(5, 3, 1, 0),
    "im2col": lambda: cnn.im2col(x4, 2, 2),
    "Convolution.forward": lambda: cnn.Convolution(Wc, bc).forward(x4),
    "Pooling.forward": lambda: cnn.Pooling(2, 2, 2).forward(x4),
    "Nesterov.update": lambda: optimizers.Nesterov().update({"W": np.ones(3)}, {"W": np.ones(3)}),
}
outcome = {}
for name, call in calls.items():
    try:
        call()
        outcome[name] = ["returned", ""]
    except BaseException as error:
        outcome[name] = [type(error).__name__, str(error)]
print(json.dumps(outcome))
"""
BLANK_MESSAGE = re.compile(r"^blank \((?P<label>.)\) in (?P<qualname>[\w.]+) is not filled yet$")
FIRST_BLANK = {  # the call's name -> (module, the function whose blank it meets first)
    "Relu.forward": ("layers", "Relu.forward"), "Sigmoid.backward": ("layers", "Sigmoid.backward"),
    "Affine.backward": ("layers", "Affine.backward"),
    "SoftmaxWithLoss.backward": ("layers", "SoftmaxWithLoss.backward"),
    "Dropout.forward": ("layers", "Dropout.forward"), "Dropout.backward": ("layers", "Dropout.backward"),
    "l2_penalty": ("regularization", "l2_penalty"), "l2_gradient": ("regularization", "l2_gradient"),
    "l1_penalty": ("regularization", "l1_penalty"), "l1_gradient": ("regularization", "l1_gradient"),
    # conv_output_size comes first in im2col, Convolution and Pooling
    "conv_output_size": ("cnn", "conv_output_size"), "im2col": ("cnn", "conv_output_size"),
    "Convolution.forward": ("cnn", "conv_output_size"), "Pooling.forward": ("cnn", "conv_output_size"),
    "Nesterov.update": ("optimizers", "Nesterov.update"),
}


@pytest.fixture(scope="module")
def unfilled_calls() -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-B", "-c", CALL_EVERY_METHOD, str(EXERCISES)],
        capture_output=True, text=True, timeout=120, cwd=EXERCISES,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("call", FIRST_BLANK)
def test_every_unfilled_method_raises_its_blank(unfilled_calls: dict[str, list[str]], call: str) -> None:
    kind, message = unfilled_calls[call]
    assert kind == "NotImplementedError", (kind, message)
    match = BLANK_MESSAGE.match(message)
    assert match, message
    module, qualname = FIRST_BLANK[call]
    assert match["qualname"] == qualname
    assert match["label"] in {r.label for r in parse_file(SOLUTIONS / f"{module}.py") if r.qualname == qualname}


@pytest.mark.parametrize("module", ["layers", "regularization", "cnn", "optimizers"])
def test_every_day2_blank_has_a_ladder_of_three_levels_in_both_languages(module: str) -> None:
    for region in parse_file(SOLUTIONS / f"{module}.py"):
        if module == "optimizers" and not region.qualname.startswith("Nesterov"):
            continue  # the first wave's ladders are another change's
        assert len(region.hints) >= 3, (region.label, region.qualname)
        assert all(ja.strip() and en.strip() for ja, en in region.hints), (region.label, region.qualname)
