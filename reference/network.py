"""The course's two-layer network: forward, backward, and the SGD update."""
import numpy as np

from reference.functions import d_relu, relu


def forward(network, x):
    z1 = relu(x @ network["W1"] + network["b1"])
    y = z1 @ network["W2"] + network["b2"]
    return z1, y


def backward(network, x, d, z1, y):
    delta2 = (y - d) / x.shape[0]
    delta1 = (delta2 @ network["W2"].T) * d_relu(z1)
    return {
        "W2": z1.T @ delta2,
        "b2": delta2.sum(axis=0),
        "W1": x.T @ delta1,
        "b1": delta1.sum(axis=0),
    }


def sgd_update(network, grad, learning_rate):
    for key in grad:
        network[key] -= learning_rate * grad[key]
