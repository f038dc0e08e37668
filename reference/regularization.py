"""L2 (weight decay) and L1 penalties over a list of weight arrays, and their gradients."""
import numpy as np


def l2_penalty(weights, weight_decay_lambda):
    return 0.5 * weight_decay_lambda * sum(np.sum(W ** 2) for W in weights)


def l2_gradient(W, weight_decay_lambda):
    return weight_decay_lambda * W


def l1_penalty(weights, weight_decay_lambda):
    return weight_decay_lambda * sum(np.sum(np.abs(W)) for W in weights)


def l1_gradient(W, weight_decay_lambda):
    return weight_decay_lambda * np.sign(W)
