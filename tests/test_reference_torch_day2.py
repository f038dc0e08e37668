"""reference/ for Day 2 §3–§4 (layers, cnn, Nesterov) against PyTorch (CPU, float64).

Every test obtains torch through require_torch(): skipped with a reason when torch is
missing outside CI, failed when CI is set.
"""
import numpy as np
import pytest

from reference import cnn, layers, optimizers
from tests.oracles import as_scalar, one_hot, require_torch


def tensor(torch, array, grad=False):
    return torch.tensor(np.asarray(array, dtype=np.float64), dtype=torch.float64, requires_grad=grad)


# --- convolution ----------------------------------------------------------------------------

CONV_CASES = [
    # (x shape (N, C, H, W), W shape (FN, C, FH, FW), stride, pad); C ≠ H ≠ W
    ((2, 3, 5, 7), (4, 3, 3, 3), 1, 0),
    ((3, 2, 6, 5), (3, 2, 3, 2), 1, 1),
    ((2, 3, 8, 7), (2, 3, 3, 3), 2, 0),
    ((2, 1, 7, 6), (3, 1, 2, 3), 2, 1),
    ((1, 2, 4, 3), (2, 2, 3, 3), 1, 2),
    ((4, 3, 9, 8), (6, 3, 5, 4), 2, 2),
]


@pytest.mark.parametrize("x_shape, w_shape, stride, pad", CONV_CASES)
def test_convolution_matches_torch_conv2d_and_its_autograd(x_shape, w_shape, stride, pad):
    torch = require_torch()
    rng = np.random.default_rng([*x_shape, *w_shape, stride, pad])
    x, W, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    x_t, W_t, b_t = (tensor(torch, a, grad=True) for a in (x, W, b))
    out_t = torch.nn.functional.conv2d(x_t, W_t, b_t, stride=stride, padding=pad)
    dout = rng.normal(size=tuple(out_t.shape))
    (out_t * tensor(torch, dout)).sum().backward()

    layer = cnn.Convolution(W, b, stride, pad)
    out = layer.forward(x)
    dx = layer.backward(dout)
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(dx, x_t.grad.numpy(), rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(layer.dW, W_t.grad.numpy(), rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(layer.db, b_t.grad.numpy(), rtol=1e-11, atol=1e-12)


# --- max pooling ----------------------------------------------------------------------------

POOL_CASES = [
    # (x shape, pool_h, pool_w, stride); pad 0, as the contract grades it
    ((2, 3, 4, 6), 2, 2, 2),
    ((2, 2, 5, 7), 3, 3, 1),
    ((3, 2, 7, 5), 3, 2, 2),
    ((1, 4, 6, 6), 2, 3, 1),
    ((2, 3, 9, 8), 3, 3, 3),
]


def torch_max_pool(torch, x, ph, pw, stride, dout):
    x_t = tensor(torch, x, grad=True)
    out_t = torch.nn.functional.max_pool2d(x_t, (ph, pw), stride=stride)
    (out_t * tensor(torch, dout)).sum().backward()
    return out_t.detach().numpy(), x_t.grad.numpy()


@pytest.mark.parametrize("x_shape, ph, pw, stride", POOL_CASES)
def test_pooling_matches_torch_max_pool2d_and_its_backward(x_shape, ph, pw, stride):
    torch = require_torch()
    rng = np.random.default_rng([*x_shape, ph, pw, stride])
    x = rng.normal(size=x_shape)
    layer = cnn.Pooling(ph, pw, stride)
    out = layer.forward(x)
    dout = rng.normal(size=out.shape)
    out_t, dx_t = torch_max_pool(torch, x, ph, pw, stride, dout)
    np.testing.assert_array_equal(out, out_t)
    np.testing.assert_allclose(layer.backward(dout), dx_t, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("x_shape, ph, pw, stride", POOL_CASES)
def test_pooling_with_many_ties_routes_like_torch_to_the_first_maximum(x_shape, ph, pw, stride):
    torch = require_torch()
    rng = np.random.default_rng([7, *x_shape, ph, pw, stride])
    x = rng.integers(0, 3, size=x_shape).astype(np.float64)  # three values: ties everywhere
    layer = cnn.Pooling(ph, pw, stride)
    dout = rng.normal(size=layer.forward(x).shape)
    _, dx_t = torch_max_pool(torch, x, ph, pw, stride, dout)
    np.testing.assert_allclose(layer.backward(dout), dx_t, rtol=1e-14, atol=1e-15)


# --- softmax with cross entropy ---------------------------------------------------------------

@pytest.mark.parametrize("batch, classes", [(1, 4), (8, 3), (32, 10)])
@pytest.mark.parametrize("form", ["one-hot", "labels"])
def test_softmax_with_loss_matches_torch_cross_entropy(batch, classes, form):
    torch = require_torch()
    rng = np.random.default_rng(batch + classes)
    x = rng.normal(scale=3.0, size=(batch, classes))
    labels = rng.integers(0, classes, size=batch)
    d = one_hot(labels, classes) if form == "one-hot" else labels
    target = torch.as_tensor(labels)

    x_t = tensor(torch, x, grad=True)
    guarded = torch.nn.functional.nll_loss(torch.log(torch.softmax(x_t, dim=1) + 1e-7), target)
    exact = torch.nn.functional.cross_entropy(x_t, target)  # its gradient is (y − d)/B
    exact.backward()

    layer = layers.SoftmaxWithLoss()
    assert as_scalar(layer.forward(x, d)) == pytest.approx(guarded.item(), rel=1e-12)
    np.testing.assert_allclose(layer.backward(), x_t.grad.numpy(), rtol=1e-11, atol=1e-15)


# --- Nesterov ---------------------------------------------------------------------------------

def gradient_sequence(steps, seed=7):
    rng = np.random.default_rng(seed)
    return [{"w": rng.normal(size=(3, 2)) * rng.uniform(0.05, 3.0),
             "b": rng.normal(size=4) * rng.uniform(0.05, 3.0)} for _ in range(steps)]


@pytest.mark.parametrize("lr, momentum", [(0.01, 0.9), (0.1, 0.5), (0.05, 0.99)])
def test_nesterov_is_torch_sgd_nesterov_after_the_change_of_variables(lr, momentum):
    """torch tracks θ with buffer b (v = −lr·b); the course's w is θ + momentum²·v.

    With v_t = μv_{t−1} − lr·g_t, torch's θ_t = θ_{t−1} + μ²v_{t−1} − (1+μ)lr·g_t; then
    w = θ + μ²v satisfies the course's w_t = w_{t−1} + μ²v_t − (1+μ)lr·g_t.
    """
    torch = require_torch()
    rng = np.random.default_rng(11)
    params = {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=4)}
    held = dict(params)
    theirs = {k: tensor(torch, v, grad=True) for k, v in params.items()}
    sgd = torch.optim.SGD(list(theirs.values()), lr=lr, momentum=momentum, nesterov=True)
    ours = optimizers.Nesterov(learning_rate=lr, momentum=momentum)

    for step, grads in enumerate(gradient_sequence(12), start=1):
        ours.update(params, {k: g.copy() for k, g in grads.items()})
        for key, p in theirs.items():
            p.grad = tensor(torch, grads[key])
        sgd.step()
        for key, p in theirs.items():
            v = -lr * sgd.state[p]["momentum_buffer"].numpy()
            assert params[key] is held[key], f"{key} was replaced, not updated in place"
            np.testing.assert_allclose(params[key], p.detach().numpy() + momentum ** 2 * v,
                                       rtol=1e-12, atol=1e-14, err_msg=f"step {step}, {key}")
