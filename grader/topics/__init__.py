"""Every topic of the contract, in the order a student meets them."""
from __future__ import annotations

from typing import Callable

from grader.checks import Topic

TOPIC_NAMES = ("activations", "softmax", "mse", "cross_entropy_error", "numerical_gradient",
               "forward", "backward", "sgd_update", "minibatch", "sgd", "momentum",
               "adagrad", "rmsprop", "adam", "weight_init", "batch_norm", "training")


def declarations() -> dict[str, Callable[[], Topic]]:
    """Topic name -> a function that declares it (imports the reference only when called)."""
    from grader.topics import batch_norm, functions, minibatch, network, optimizers, training, weight_init
    found: dict[str, Callable[[], Topic]] = {
        "activations": functions.activations, "softmax": functions.softmax_topic,
        "mse": functions.mse, "cross_entropy_error": functions.cross_entropy,
        "numerical_gradient": functions.numerical_gradient, "forward": network.forward,
        "backward": network.backward, "sgd_update": network.sgd_update,
        "minibatch": minibatch.minibatch, "weight_init": weight_init.weight_init,
        "batch_norm": batch_norm.batch_norm, "training": training.training,
    }
    for name in optimizers.TOPICS:
        found[name] = lambda name=name: optimizers.optimizer_topic(name)
    return found
