"""Independent oracles for the reference tests.

Nothing here imports `reference`: these helpers are what the reference is checked
against, so they must not share code with it.
"""
import os

import numpy as np
import pytest

TINY = 1e-300


def require_torch():
    """Return the torch module, or stop the calling test when it cannot be imported.

    Outside CI a missing torch skips the test with a visible reason. When the
    environment variable CI is non-empty, a missing torch fails the test instead:
    CI installs torch on purpose, so its absence there is a broken setup, not an
    optional oracle.
    Call it from inside the test body so a failure is reported as a test failure.
    """
    try:
        import torch
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(
                f"torch is required when CI is set (CI={os.environ['CI']!r}) "
                f"but cannot be imported: {exc}",
                pytrace=False,
            )
        pytest.skip(f"torch oracle unavailable (cannot import torch: {exc}); "
                    "set up torch or run in CI to check against PyTorch")
    return torch


def relative_error(a, b):
    """max|a - b| / max(|a| + |b|), guarded against 0/0."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, f"shape mismatch: {a.shape} vs {b.shape}"
    scale = np.max(np.abs(a) + np.abs(b)) if a.size else 0.0
    return float(np.max(np.abs(a - b)) / max(scale, TINY)) if a.size else 0.0


def central_difference(f, x, h=1e-6):
    """Central-difference gradient of the scalar function f at x (float64).

    f is called on fresh perturbed copies, never on x itself; the divisor is the
    step actually taken after rounding, (x + h) - (x - h), not the nominal 2h.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (float(f(plus)) - float(f(minus))) / (plus[idx] - minus[idx])
    return grad


def central_difference_wrt(loss, params, key, h=1e-6):
    """Gradient of loss(params) with respect to params[key], the others held fixed."""
    def loss_of(value):
        trial = {name: np.array(p, dtype=np.float64) for name, p in params.items()}
        trial[key] = value
        return loss(trial)
    return central_difference(loss_of, params[key], h)


def as_scalar(value):
    """A Python float from a float, a NumPy scalar or any size-1 array."""
    arr = np.asarray(value, dtype=np.float64)
    assert arr.size == 1, f"expected a scalar or size-1 array, got shape {arr.shape}"
    return float(arr.reshape(()))


def one_hot(labels, n_classes):
    labels = np.asarray(labels)
    out = np.zeros(labels.shape + (n_classes,))
    np.put_along_axis(out, labels[..., None], 1.0, axis=-1)
    return out


def two_layer_net(rng, n_in, n_hidden, n_out, batch, margin=1e-3, tries=1000):
    """A random net, inputs and targets whose hidden pre-activations stay away from 0.

    Every |u1| > margin, so steps of ~1e-5 in any parameter never cross relu's kink,
    and at least one hidden unit is inactive, so d_relu's 0 actually masks gradient.
    """
    for _ in range(tries):
        net = {
            "W1": rng.normal(size=(n_in, n_hidden)),
            "b1": rng.normal(size=n_hidden),
            "W2": rng.normal(size=(n_hidden, n_out)),
            "b2": rng.normal(size=n_out),
        }
        x = rng.uniform(-1.0, 1.0, size=(batch, n_in))
        u1 = x @ net["W1"] + net["b1"]
        if np.min(np.abs(u1)) > margin and np.any(u1 < 0) and np.any(u1 > 0):
            d = rng.normal(size=(batch, n_out))
            return net, x, d
    raise AssertionError("could not draw a net away from relu's kink")


def half_squared_error_batch_mean(y, d):
    """mean_n ½‖y_n − d_n‖², written out independently of the reference."""
    return 0.5 * np.sum((y - d) ** 2) / y.shape[0]
