"""solutions/ imports, runs and agrees with reference/ on random inputs.

The solutions import each other by plain name (``from functions import relu``), so they
run in a fresh interpreter with solutions/ first on sys.path, as the grader loads a
submission; this test process's own modules stay untouched.
"""
from __future__ import annotations

import pytest

from solutions_support import compare, declared_checks

COMPARE = r"""
import functions, network, minibatch, optimizers, weight_init, batch_norm
from reference import functions as ref_f, network as ref_n, minibatch as ref_m
from reference import optimizers as ref_o, weight_init as ref_w, batch_norm as ref_b

def rng():
    return np.random.default_rng(1234)

def same(ours, theirs, **tolerance):
    assert_allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float), **tolerance)

@check
def activations():
    x = rng().standard_normal((5, 4))
    x[0, :2] = 0.0
    for name in ("sigmoid", "d_sigmoid", "relu", "d_relu"):
        same(getattr(functions, name)(x), getattr(ref_f, name)(x))
    assert_array_equal(functions.d_relu(np.zeros(3)), 0)
    same(functions.step_function(x[1:]), ref_f.step_function(x[1:]))

@check
def softmax():
    r = rng()
    for x in (r.standard_normal(6), r.standard_normal((4, 6)), np.array([1000.0, 1001.0, 999.0])):
        before = x.copy()
        same(functions.softmax(x), ref_f.softmax(x))
        assert_array_equal(x, before)
    same(functions.softmax(np.array([[1000.0, 0.0], [0.0, 1000.0]])), np.eye(2))

@check
def mse():
    r = rng()
    for shape in ((3,), (5, 3), (5, 1)):
        d, y = r.standard_normal(shape), r.standard_normal(shape)
        same(functions.mean_squared_error(d, y), ref_f.mean_squared_error(d, y))
        same(functions.d_mean_squared_error(d, y), ref_f.d_mean_squared_error(d, y))

@check
def cross_entropy_error():
    r = rng()
    y2 = ref_f.softmax(r.standard_normal((6, 4)))
    labels = r.integers(0, 4, 6)
    for d, y in ((labels, y2), (np.eye(4)[labels], y2), (np.eye(4)[2], y2[0]),
                 (np.array(2), y2[0]), (np.array([2]), y2[0])):
        same(functions.cross_entropy_error(d, y), ref_f.cross_entropy_error(d, y))
    same(functions.cross_entropy_error(np.array([0]), np.array([0.0, 1.0])), -np.log(1e-7))

@check
def numerical_gradient():
    w, w_ref = rng().standard_normal((3, 2)), rng().standard_normal((3, 2))
    before = w.copy()
    # Each loss reads its weights by reference and ignores its argument, as the course's
    # `lambda W: loss(...)` does: only an in-place perturbation moves it.
    ours = functions.numerical_gradient(lambda W: float(np.sum(np.sin(w) * w)), w)
    theirs = ref_f.numerical_gradient(lambda W: float(np.sum(np.sin(w_ref) * w_ref)), w_ref)
    same(ours, theirs, rtol=1e-6)
    same(ours, np.sin(before) + before * np.cos(before), rtol=1e-6)
    assert_array_equal(w, before)
    same(functions.numerical_gradient(lambda v: np.sum(v ** 2), np.array([1.0, -2.0])), [2.0, -4.0])

def two_layer_net():
    r = rng()
    net = {"W1": r.standard_normal((4, 5)), "b1": r.standard_normal(5),
           "W2": r.standard_normal((5, 3)), "b2": r.standard_normal(3)}
    return net, r.standard_normal((6, 4)), r.standard_normal((6, 3))

@check
def forward():
    net, x, _ = two_layer_net()
    for ours, theirs in zip(network.forward(net, x), ref_n.forward(net, x)):
        same(ours, theirs)

@check
def backward():
    net, x, d = two_layer_net()
    z1, y = ref_n.forward(net, x)
    ours, theirs = network.backward(net, x, d, z1, y), ref_n.backward(net, x, d, z1, y)
    assert set(ours) == {"W1", "b1", "W2", "b2"}
    for key in theirs:
        same(ours[key], theirs[key])

@check
def sgd_update():
    net, _, _ = two_layer_net()
    expected = {k: v.copy() for k, v in net.items()}
    grad = {k: np.full_like(v, 0.5) for k, v in net.items()}
    arrays = dict(net)
    assert network.sgd_update(net, grad, 0.1) is None
    ref_n.sgd_update(expected, grad, 0.1)
    for key in net:
        assert net[key] is arrays[key], "sgd_update must change the arrays in place"
        same(net[key], expected[key])

@check
def minibatch_slicing():
    x, t = np.arange(20).reshape(10, 2), np.arange(10)
    for i in (0, 4, 8):
        for ours, theirs in zip(minibatch.get_minibatch(x, t, i, 4), ref_m.get_minibatch(x, t, i, 4)):
            assert_array_equal(ours, theirs)
    for shuffle in (False, True):
        ours = list(minibatch.iterate_minibatches(x, t, 3, shuffle=shuffle, rng=np.random.default_rng(7)))
        theirs = list(ref_m.iterate_minibatches(x, t, 3, shuffle=shuffle, rng=np.random.default_rng(7)))
        assert [len(b) for b, _ in ours] == [3, 3, 3, 1]
        for (xo, to), (xr, tr) in zip(ours, theirs, strict=True):
            assert_array_equal(xo, xr)
            assert_array_equal(to, tr)
    assert sorted(np.concatenate([b for _, b in minibatch.iterate_minibatches(x, t, 4)])) == list(t)

def run_optimizer(module, name, **kwargs):
    r = rng()
    params = {"W": r.standard_normal((3, 2)), "b": r.standard_normal(2)}
    arrays = dict(params)
    optimizer = getattr(module, name)(**kwargs)
    for _ in range(4):
        optimizer.update(params, {k: r.standard_normal(v.shape) for k, v in params.items()})
    assert all(params[k] is arrays[k] for k in params), f"{name}.update must work in place"
    return params

def optimizer_check(name, **kwargs):
    def run():
        ours, theirs = run_optimizer(optimizers, name, **kwargs), run_optimizer(ref_o, name, **kwargs)
        for key in theirs:
            same(ours[key], theirs[key], rtol=1e-10)
    run.__name__ = name
    check(run)

for name, kwargs in (("SGD", {}), ("Momentum", {"momentum": 0.8}), ("AdaGrad", {}),
                     ("RMSprop", {"decay_rate": 0.9}), ("Adam", {"learning_rate": 0.01})):
    optimizer_check(name, **kwargs)

@check
def optimizer_defaults():
    import inspect
    for name in ("SGD", "Momentum", "AdaGrad", "RMSprop", "Adam"):
        ours = inspect.signature(getattr(optimizers, name)).parameters
        theirs = inspect.signature(getattr(ref_o, name)).parameters
        assert {k: p.default for k, p in ours.items()} == {k: p.default for k, p in theirs.items()}, name

@check
def weight_init_():
    for name in ("xavier_init", "he_init"):
        ours = getattr(weight_init, name)(30, 20, np.random.default_rng(3))
        theirs = getattr(ref_w, name)(30, 20, np.random.default_rng(3))
        assert ours.shape == (30, 20)
        same(ours, theirs)

@check
def batch_norm_():
    r = rng()
    x, gamma, beta = r.standard_normal((8, 3)) * 3 + 1, r.standard_normal(3), r.standard_normal(3)
    dout = r.standard_normal((8, 3))
    out, cache = batch_norm.batchnorm_forward(x, gamma, beta, 1e-5)
    ref_out, ref_cache = ref_b.batchnorm_forward(x, gamma, beta, 1e-5)
    same(out, ref_out)
    for ours, theirs in zip(batch_norm.batchnorm_backward(dout, cache), ref_b.batchnorm_backward(dout, ref_cache)):
        same(ours, theirs, atol=1e-12)
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
