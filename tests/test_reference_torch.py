"""reference/ against PyTorch (CPU, float64) as an independent oracle.

Every test obtains torch through require_torch(): skipped with a reason when torch is
missing outside CI, failed when CI is set.
"""
import sys

import numpy as np
import pytest

from reference import batch_norm, functions, network, optimizers
from tests.oracles import as_scalar, one_hot, require_torch, two_layer_net

RTOL = 1e-12


def tensor(torch, array, grad=False):
    return torch.tensor(np.asarray(array, dtype=np.float64), dtype=torch.float64, requires_grad=grad)


# --- the torch gate itself -----------------------------------------------------------------------

def test_require_torch_fails_in_ci_when_torch_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI"):
        require_torch()


@pytest.mark.parametrize("ci", [None, ""])
def test_require_torch_skips_outside_ci_when_torch_is_missing(monkeypatch, ci):
    monkeypatch.setitem(sys.modules, "torch", None)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="torch"):
        require_torch()


# --- softmax and cross entropy ---------------------------------------------------------------------

SOFTMAX_INPUTS = {
    "1-D small": np.array([0.3, -1.2, 2.0, 0.0]),
    "1-D large": np.array([1000.0, 999.0, -1000.0, 1000.5]),
    "1-D very negative": np.array([-1000.0, -1001.0, -1003.5]),
    "2-D mixed rows": np.array([[0.1, 0.2, 0.3], [1000.0, -1000.0, 0.0], [-750.0, -749.0, -760.0]]),
    "2-D random": np.random.default_rng(0).normal(scale=50.0, size=(6, 9)),
}


@pytest.mark.parametrize("name", SOFTMAX_INPUTS)
def test_softmax_matches_torch(name):
    torch = require_torch()
    x = SOFTMAX_INPUTS[name]
    expected = torch.softmax(tensor(torch, x), dim=-1).numpy()
    got = functions.softmax(x.copy())
    assert got.shape == x.shape
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=1e-300)


def torch_cross_entropy(torch, labels, y):
    """Mean of −log(y[n, label_n] + 1e-7), via torch's negative log-likelihood."""
    log_probs = torch.log(tensor(torch, np.atleast_2d(y)) + 1e-7)
    return torch.nn.functional.nll_loss(log_probs, torch.as_tensor(np.atleast_1d(labels)),
                                        reduction="mean").item()


@pytest.mark.parametrize("batch, classes", [(1, 3), (5, 4), (32, 10)])
def test_cross_entropy_matches_torch_nll_loss(batch, classes):
    torch = require_torch()
    rng = np.random.default_rng(batch + classes)
    y = torch.softmax(tensor(torch, rng.normal(scale=3.0, size=(batch, classes))), dim=-1).numpy()
    y[0, 0] = 0.0  # a zero probability: the 1e-7 keeps log finite
    labels = rng.integers(0, classes, size=batch)
    labels[0] = 0
    expected = torch_cross_entropy(torch, labels, y)
    assert as_scalar(functions.cross_entropy_error(labels, y)) == pytest.approx(expected, rel=RTOL)
    assert as_scalar(functions.cross_entropy_error(one_hot(labels, classes), y)) == pytest.approx(
        expected, rel=RTOL)


def test_cross_entropy_1d_matches_torch_nll_loss():
    torch = require_torch()
    y = np.array([0.05, 0.15, 0.7, 0.1])
    expected = torch_cross_entropy(torch, np.array([2]), y)
    for d in (np.array([0.0, 0.0, 1.0, 0.0]), np.array(2), np.array([2])):
        assert as_scalar(functions.cross_entropy_error(d, y)) == pytest.approx(expected, rel=RTOL)


# --- optimizers ------------------------------------------------------------------------------

def gradient_sequence(steps, seed=7):
    """Per-step gradients for two parameters of different shapes; sign and size vary."""
    rng = np.random.default_rng(seed)
    return [{"w": rng.normal(size=(3, 2)) * rng.uniform(0.05, 3.0),
             "b": rng.normal(size=4) * rng.uniform(0.05, 3.0)} for _ in range(steps)]


def initial_params():
    rng = np.random.default_rng(11)
    return {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=4)}


OPTIMIZER_PAIRS = {
    "SGD": (lambda: optimizers.SGD(learning_rate=0.05),
            lambda torch, p: torch.optim.SGD(p, lr=0.05)),
    "Momentum": (lambda: optimizers.Momentum(learning_rate=0.05, momentum=0.9),
                 lambda torch, p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    "Momentum 0.7": (lambda: optimizers.Momentum(learning_rate=0.2, momentum=0.7),
                     lambda torch, p: torch.optim.SGD(p, lr=0.2, momentum=0.7)),
    "AdaGrad": (lambda: optimizers.AdaGrad(learning_rate=0.1),
                lambda torch, p: torch.optim.Adagrad(p, lr=0.1, eps=1e-7,
                                                     initial_accumulator_value=0.0)),
    "RMSprop": (lambda: optimizers.RMSprop(learning_rate=0.01, decay_rate=0.99),
                lambda torch, p: torch.optim.RMSprop(p, lr=0.01, alpha=0.99, eps=1e-7)),
    "RMSprop 0.9": (lambda: optimizers.RMSprop(learning_rate=0.05, decay_rate=0.9),
                    lambda torch, p: torch.optim.RMSprop(p, lr=0.05, alpha=0.9, eps=1e-7)),
    "Adam": (lambda: optimizers.Adam(learning_rate=0.001, beta1=0.9, beta2=0.999),
             lambda torch, p: torch.optim.Adam(p, lr=0.001, betas=(0.9, 0.999), eps=1e-7)),
    "Adam custom": (lambda: optimizers.Adam(learning_rate=0.05, beta1=0.8, beta2=0.95),
                    lambda torch, p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.95), eps=1e-7)),
}


@pytest.mark.parametrize("name", OPTIMIZER_PAIRS)
def test_optimizer_trajectory_matches_torch(name):
    torch = require_torch()
    make_ours, make_theirs = OPTIMIZER_PAIRS[name]
    params = initial_params()
    held = dict(params)
    theirs = {k: tensor(torch, v, grad=True) for k, v in params.items()}
    ours_opt, theirs_opt = make_ours(), make_theirs(torch, list(theirs.values()))

    for step, grads in enumerate(gradient_sequence(10), start=1):
        ours_opt.update(params, {k: g.copy() for k, g in grads.items()})
        for key, p in theirs.items():
            p.grad = tensor(torch, grads[key])
        theirs_opt.step()
        for key in params:
            assert params[key] is held[key], f"{name}: {key} was replaced, not updated in place"
            np.testing.assert_allclose(params[key], theirs[key].detach().numpy(), rtol=RTOL,
                                       atol=1e-14, err_msg=f"{name}, step {step}, {key}")


# --- batch normalisation --------------------------------------------------------------------

@pytest.mark.parametrize("batch, features, eps", [(4, 3, 1e-7), (16, 5, 1e-5), (64, 2, 1e-3)])
def test_batchnorm_matches_torch_forward_and_autograd(batch, features, eps):
    torch = require_torch()
    rng = np.random.default_rng(batch)
    x = rng.normal(loc=2.0, scale=rng.uniform(0.5, 3.0, size=features), size=(batch, features))
    gamma = rng.uniform(-2.0, 2.0, size=features)
    beta = rng.normal(size=features)
    dout = rng.normal(size=(batch, features))

    x_t, gamma_t, beta_t = (tensor(torch, a, grad=True) for a in (x, gamma, beta))
    out_t = torch.nn.functional.batch_norm(x_t, None, None, weight=gamma_t, bias=beta_t,
                                           training=True, eps=eps)
    (out_t * tensor(torch, dout)).sum().backward()

    out, cache = batch_norm.batchnorm_forward(x, gamma, beta, eps)
    dx, dgamma, dbeta = batch_norm.batchnorm_backward(dout, cache)

    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, x_t.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dgamma, gamma_t.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dbeta, beta_t.grad.numpy(), rtol=1e-12, atol=1e-12)


# --- two-layer network -----------------------------------------------------------------------

@pytest.mark.parametrize("n_in, n_hidden, n_out, batch", [(3, 4, 2, 1), (8, 16, 4, 32), (64, 10, 10, 7)])
def test_two_layer_net_forward_and_backward_match_torch_autograd(n_in, n_hidden, n_out, batch):
    torch = require_torch()
    net, x, d = two_layer_net(np.random.default_rng(batch), n_in, n_hidden, n_out, batch)

    p = {k: tensor(torch, v, grad=True) for k, v in net.items()}
    z1_t = torch.relu(tensor(torch, x) @ p["W1"] + p["b1"])
    y_t = z1_t @ p["W2"] + p["b2"]
    loss = 0.5 * ((y_t - tensor(torch, d)) ** 2).sum(dim=1).mean()
    loss.backward()

    z1, y = network.forward(net, x)
    np.testing.assert_allclose(z1, z1_t.detach().numpy(), rtol=RTOL, atol=1e-14)
    np.testing.assert_allclose(y, y_t.detach().numpy(), rtol=RTOL, atol=1e-14)
    grads = network.backward(net, x, d, z1, y)
    assert set(grads) == {"W1", "b1", "W2", "b2"}
    for key in net:
        np.testing.assert_allclose(grads[key], p[key].grad.numpy(), rtol=1e-11, atol=1e-14,
                                   err_msg=key)


def test_backward_with_softmax_probabilities_is_the_cross_entropy_gradient():
    """The training check feeds softmax(y) as y: delta2 becomes (softmax − d)/B."""
    torch = require_torch()
    net, x, _ = two_layer_net(np.random.default_rng(3), 5, 6, 4, 9)
    labels = np.random.default_rng(4).integers(0, 4, size=9)
    d = one_hot(labels, 4)

    p = {k: tensor(torch, v, grad=True) for k, v in net.items()}
    logits = torch.relu(tensor(torch, x) @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    torch.nn.functional.cross_entropy(logits, torch.as_tensor(labels)).backward()

    z1, logits_np = network.forward(net, x)
    grads = network.backward(net, x, d, z1, functions.softmax(logits_np))
    for key in net:
        np.testing.assert_allclose(grads[key], p[key].grad.numpy(), rtol=1e-11, atol=1e-14,
                                   err_msg=key)
