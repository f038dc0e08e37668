"""Which exercise modules make up each notebook, and which functions each topic grades.

The CLI grades topics; a notebook defines functions. The topics say which module and
functions they grade (``grader/topics/<topic>/__init__.py``); the assignments below say
which modules each notebook holds, so a notebook's autograder cells check exactly the
topics of the modules it defines.
"""
from __future__ import annotations

from dataclasses import dataclass

from grader.topics import registry

# From the topic registry: each graded name -> its module; each topic -> the names it
# calls (an integration topic: the functions of other topics); the modules in order.
NAMES: dict[str, str] = registry.defined_names()
TOPICS: dict[str, tuple[str, ...]] = {about.name: about.calls for about in registry.topics()}
MODULES: tuple[str, ...] = registry.student_modules()


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
               "2 日目: 学習率最適化手法 (SGD・Momentum・AdaGrad・RMSprop・Adam・Nesterov)",
               "Day 2: optimizers (SGD, Momentum, AdaGrad, RMSprop, Adam, Nesterov)"),
    Assignment("day2-init-batchnorm", ("weight_init", "batch_norm"),
               "2 日目: 重みの初期値とバッチ正規化",
               "Day 2: weight initialisation and batch normalisation"),
    # §3's L1/L2 penalties stand alone; the layer classes go with the CNN, since the
    # convolutional net of cnn_training is built from both modules' classes (Dropout,
    # which lives in layers.py, comes with them).
    Assignment("day2-regularization", ("regularization",),
               "2 日目: 過学習と正則化 (L2・L1 ペナルティとその勾配)",
               "Day 2: overfitting and regularisation (the L2 and L1 penalties and their gradients)"),
    Assignment("day2-cnn", ("layers", "cnn"),
               "2 日目: レイヤ (Relu・Sigmoid・Affine・SoftmaxWithLoss・Dropout) と畳み込みニューラルネットワーク",
               "Day 2: the layers (Relu, Sigmoid, Affine, SoftmaxWithLoss, Dropout) and convolutional networks"),
)


def assignment(name: str) -> Assignment:
    for candidate in ASSIGNMENTS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)
