"""Which exercise modules make up each notebook, and which functions each topic grades.

The CLI grades topics; a notebook defines functions. This table joins the two so that a
notebook's autograder cells check exactly the topics of the modules it defines.
"""
from __future__ import annotations

from dataclasses import dataclass

# Contract §1: the names each module defines, in the modules' order.
NAMES: dict[str, str] = {
    **dict.fromkeys(("step_function", "sigmoid", "d_sigmoid", "relu", "d_relu", "softmax",
                     "mean_squared_error", "d_mean_squared_error", "cross_entropy_error",
                     "numerical_gradient"), "functions"),
    **dict.fromkeys(("forward", "backward", "sgd_update"), "network"),
    **dict.fromkeys(("get_minibatch", "iterate_minibatches"), "minibatch"),
    **dict.fromkeys(("SGD", "Momentum", "AdaGrad", "RMSprop", "Adam", "Nesterov"), "optimizers"),
    **dict.fromkeys(("xavier_init", "he_init"), "weight_init"),
    **dict.fromkeys(("batchnorm_forward", "batchnorm_backward"), "batch_norm"),
}

# Contract §2: topic -> the names it calls, in the order a student meets the topics.
TOPICS: dict[str, tuple[str, ...]] = {
    "activations": ("step_function", "sigmoid", "d_sigmoid", "relu", "d_relu"),
    "softmax": ("softmax",),
    "mse": ("mean_squared_error", "d_mean_squared_error"),
    "cross_entropy_error": ("cross_entropy_error",),
    "numerical_gradient": ("numerical_gradient",),
    "forward": ("forward",),
    "backward": ("backward",),
    "sgd_update": ("sgd_update",),
    "minibatch": ("get_minibatch", "iterate_minibatches"),
    # Integration: trains the two-layer net with the student's own functions.
    "training": ("forward", "softmax", "cross_entropy_error", "backward", "iterate_minibatches", "sgd_update"),
    "sgd": ("SGD",),
    "momentum": ("Momentum",),
    "adagrad": ("AdaGrad",),
    "rmsprop": ("RMSprop",),
    "adam": ("Adam",),
    "weight_init": ("xavier_init", "he_init"),
    "batch_norm": ("batchnorm_forward", "batchnorm_backward"),
}

MODULES = ("functions", "network", "minibatch", "optimizers", "weight_init", "batch_norm")


def topic_modules(topic: str) -> set[str]:
    return {NAMES[name] for name in TOPICS[topic]}


@dataclass(frozen=True)
class Assignment:
    """One nbgrader assignment: one notebook of the same name covering ``modules``."""

    name: str
    modules: tuple[str, ...]
    title_ja: str
    title_en: str

    @property
    def notebook(self) -> str:
        return f"{self.name}.ipynb"

    @property
    def topics(self) -> tuple[str, ...]:
        """The topics whose every function this notebook defines."""
        return tuple(topic for topic in TOPICS if topic_modules(topic) <= set(self.modules))


# The course's two days. Day 1 is one notebook: its network uses the student's own relu,
# and training their own softmax and cross_entropy_error, as `grader check` does.
ASSIGNMENTS = (
    Assignment("day1", ("functions", "network", "minibatch"),
               "1 日目: 活性化関数・誤差関数・数値微分・2 層ネットワーク・ミニバッチ学習",
               "Day 1: activation and loss functions, numerical gradient, the two-layer network, "
               "mini-batch training"),
    Assignment("day2-optimizers", ("optimizers",),
               "2 日目: 学習率最適化手法 (SGD・Momentum・AdaGrad・RMSprop・Adam)",
               "Day 2: optimizers (SGD, Momentum, AdaGrad, RMSprop, Adam)"),
    Assignment("day2-init-batchnorm", ("weight_init", "batch_norm"),
               "2 日目: 重みの初期値とバッチ正規化",
               "Day 2: weight initialisation and batch normalisation"),
)


def assignment(name: str) -> Assignment:
    for candidate in ASSIGNMENTS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)
