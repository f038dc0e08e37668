"""Activations, output functions and losses (the functions a submission's functions.py defines)."""
import numpy as np

H = 1e-4  # the course's step for the central difference
DELTA = 1e-7  # keeps log() away from log(0)


def step_function(x):
    return np.where(x > 0, 1, 0)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def d_sigmoid(x):
    s = sigmoid(x)
    return s * (1 - s)


def relu(x):
    return np.maximum(0, x)


def d_relu(x):
    return np.where(x > 0, 1.0, 0.0)


def softmax(x):
    shifted = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def mean_squared_error(d, y):
    y2 = np.atleast_2d(y)
    return 0.5 * np.sum((y2 - np.reshape(d, y2.shape)) ** 2) / y2.shape[0]


def d_mean_squared_error(d, y):
    batch_size = y.shape[0] if y.ndim == 2 else 1
    return (y - np.reshape(d, y.shape)) / batch_size


def labels_of(d, y):
    """Class indices from one-hot rows or from labels, for y shaped (B, C)."""
    d = np.asarray(d)
    if d.size == y.size:
        return np.argmax(d.reshape(y.shape), axis=1)
    return d.reshape(-1).astype(np.intp)


def cross_entropy_error(d, y):
    y2 = np.atleast_2d(y)
    labels = labels_of(d, y2)
    batch_size = y2.shape[0]
    return -np.sum(np.log(y2[np.arange(batch_size), labels] + DELTA)) / batch_size


def numerical_gradient(f, x):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + H
        f_plus = f(x)
        x[idx] = old - H
        f_minus = f(x)
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * H)
    return grad
