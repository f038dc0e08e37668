"""Batch normalisation, training mode, over the batch axis."""
import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-7):
    mu = x.mean(axis=0)
    xc = x - mu
    var = np.mean(xc ** 2, axis=0)
    std = np.sqrt(var + eps)
    xn = xc / std
    out = gamma * xn + beta
    return out, (xn, std, gamma)


def batchnorm_backward(dout, cache):
    xn, std, gamma = cache
    batch_size = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * xn, axis=0)
    dxn = dout * gamma
    dx = (dxn - dxn.mean(axis=0) - xn * np.mean(dxn * xn, axis=0)) / std
    return dx, dgamma, dbeta
