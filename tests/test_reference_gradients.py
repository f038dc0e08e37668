"""Every derivative in reference/ against our own central differences (float64)."""
import numpy as np
import pytest

from reference import batch_norm, functions, network
from tests.oracles import (
    central_difference,
    central_difference_wrt,
    half_squared_error_batch_mean,
    relative_error,
    two_layer_net,
)

TOL = 1e-7


def away_from_zero(rng, shape, low=0.1, high=4.0):
    """Values with |x| in [low, high] and random signs."""
    return rng.uniform(low, high, size=shape) * rng.choice([-1.0, 1.0], size=shape)


# --- activations -------------------------------------------------------------

def test_d_sigmoid_is_the_derivative_of_sigmoid():
    x = np.linspace(-6.0, 6.0, 25).reshape(5, 5)
    numeric = central_difference(lambda v: np.sum(functions.sigmoid(v)), x, h=1e-5)
    assert relative_error(functions.d_sigmoid(x), numeric) < TOL


def test_d_relu_is_the_derivative_of_relu_away_from_the_kink():
    x = away_from_zero(np.random.default_rng(0), (4, 6))
    numeric = central_difference(lambda v: np.sum(functions.relu(v)), x, h=1e-6)
    assert relative_error(functions.d_relu(x), numeric) < TOL


def test_d_relu_is_exactly_zero_at_zero():
    grad = functions.d_relu(np.array([0.0, -0.0, 1e-300, -1e-300]))
    assert grad.tolist() == [0.0, 0.0, 1.0, 0.0]


# --- mean squared error --------------------------------------------------------

def test_d_mean_squared_error_1d_is_the_gradient_wrt_y():
    rng = np.random.default_rng(1)
    d, y = rng.normal(size=5), rng.normal(size=5)
    numeric = central_difference(lambda v: functions.mean_squared_error(d, v), y, h=1e-5)
    assert relative_error(functions.d_mean_squared_error(d, y), numeric) < TOL


@pytest.mark.parametrize("batch, outputs", [(1, 3), (4, 3), (7, 1), (10, 5)])
def test_d_mean_squared_error_2d_is_the_gradient_wrt_y(batch, outputs):
    rng = np.random.default_rng(batch * 10 + outputs)
    d, y = rng.normal(size=(batch, outputs)), rng.normal(size=(batch, outputs))
    numeric = central_difference(lambda v: functions.mean_squared_error(d, v), y, h=1e-5)
    assert relative_error(functions.d_mean_squared_error(d, y), numeric) < TOL


# --- two-layer network -----------------------------------------------------------

@pytest.mark.parametrize("n_in, n_hidden, n_out, batch", [
    (3, 4, 2, 1),
    (2, 3, 1, 1),
    (5, 7, 3, 16),
    (4, 6, 1, 40),
])
@pytest.mark.parametrize("key", ["W1", "b1", "W2", "b2"])
def test_backward_matches_numerical_gradient_of_batch_mean_loss(n_in, n_hidden, n_out, batch, key):
    rng = np.random.default_rng([n_in, n_hidden, n_out, batch])
    net, x, d = two_layer_net(rng, n_in, n_hidden, n_out, batch)

    def loss(params):
        _, y = network.forward(params, x)
        return half_squared_error_batch_mean(y, d)

    z1, y = network.forward(net, x)
    analytic = network.backward(net, x, d, z1, y)[key]
    numeric = central_difference_wrt(loss, net, key, h=1e-5)
    assert analytic.shape == net[key].shape
    assert relative_error(analytic, numeric) < TOL


# --- batch normalisation ---------------------------------------------------------

def batchnorm_case(batch, features, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(loc=rng.normal(size=features) * 3, scale=rng.uniform(0.5, 2.0, size=features),
                   size=(batch, features))
    gamma = rng.uniform(0.5, 2.0, size=features) * rng.choice([-1.0, 1.0], size=features)
    beta = rng.normal(size=features)
    dout = rng.normal(size=(batch, features))
    return x, gamma, beta, dout


@pytest.mark.parametrize("batch, features", [(3, 3), (5, 1), (8, 5), (32, 4)])
@pytest.mark.parametrize("eps", [1e-7, 1e-3])
def test_batchnorm_backward_matches_numerical_gradients(batch, features, eps):
    x, gamma, beta, dout = batchnorm_case(batch, features, seed=batch * 100 + features)

    def objective(x_, gamma_, beta_):
        out, _ = batch_norm.batchnorm_forward(x_, gamma_, beta_, eps)
        return np.sum(dout * out)

    _, cache = batch_norm.batchnorm_forward(x, gamma, beta, eps)
    dx, dgamma, dbeta = batch_norm.batchnorm_backward(dout, cache)

    num_dx = central_difference(lambda v: objective(v, gamma, beta), x, h=1e-5)
    num_dgamma = central_difference(lambda v: objective(x, v, beta), gamma, h=1e-5)
    num_dbeta = central_difference(lambda v: objective(x, gamma, v), beta, h=1e-5)

    assert relative_error(dx, num_dx) < TOL
    assert relative_error(dgamma, num_dgamma) < TOL
    assert relative_error(dbeta, num_dbeta) < TOL
