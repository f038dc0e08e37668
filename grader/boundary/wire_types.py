"""What crosses the process boundary, declared once: every spec and every outcome.

A check's **spec** is what the parent builds from a seed and sends to the child: the
``probe`` to run (``"module:function"`` of the grader's child-side code) and that probe's
inputs. Keys the child never reads travel too (``names``, ``order``): the parent judges the
outcome against the very spec it sent. The child's **outcome** is what the probe returned,
or the ``error`` that stopped it, plus the NumPy ``warnings`` seen and what the student's
code ``printed`` (:func:`grader.boundary.child.run_probe`).

Each probe is annotated with its own pair (``def call(get, spec: CallSpec) -> CallOutcome``),
so the probe's signature says which spec it reads and which outcome it sends; every judge
reads the same types. tests/test_wire_types.py grades every topic through the real boundary
and checks every spec sent and outcome received against these declarations: a key added on
one side without being declared here fails it.

Both sides import this module: the child too, so it holds declarations only (typing, and
numpy, which the wire needs anyway). Values a spec carries are the grader's own (arrays,
numbers, names); values an outcome carries are whatever the student's code made of them,
decoded by :mod:`grader.boundary.wire` (``Value``), and judged only in the parent.
"""
# No `from __future__ import annotations` here: evaluated annotations are what make
# Required/NotRequired count in each TypedDict's __required_keys__ (Python 3.11).
from typing import Any, Callable, Literal, NotRequired, Required, TypedDict, Union

import numpy as np

# Whatever the student's code returned or left behind, as the wire decodes it: None, bool,
# int, float, complex, str, np.ndarray of plain numbers, NumPy scalars, lists, tuples,
# dicts of str keys, or grader.boundary.wire.Other (a type the wire does not carry).
Value = Any
Array = np.ndarray
# What a probe is given to reach the student's code: (module, name) -> the function or class.
Get = Callable[[str, str], Any]


# ---------------------------------------------------------------------------------------
# The envelope every outcome shares


ErrorKind = Literal[
    "blank",  # a blank of the exercise is not filled yet (label, function)
    "exception", "syntax", "exit", "interrupt", "memory", "recursion",
    "missing_module",  # the student's module imports a module that is not there
    "missing",  # the function or class is not defined in its module (module, function)
    "unsendable",  # the outcome could not be encoded in the child, or decoded in the parent
]


class ErrorFacts(TypedDict, total=False):
    """Why a probe has no values: the student-facing facts of what stopped it
    (:func:`grader.boundary.child.describe`)."""
    kind: Required[ErrorKind]
    phase: Literal["import", "call"]  # importing the student's module, or running the check
    type: str  # the exception's class name
    message: str  # its text, shortened
    module: str  # the student's module being imported
    function: str  # a blank's function; the missing name; the constructor that raised
    label: str  # a blank's label
    file: str  # where in the student's folder (relative), when it is there
    line: int
    code: str  # that line's text


class WarningFacts(TypedDict):
    """A NumPy (or other) warning raised while the check ran (the first five are kept)."""
    category: str
    message: str
    file: str  # relative to the student's folder; "" when it came from elsewhere
    line: int  # 0 when it came from elsewhere


class Printed(TypedDict):
    """What the student's code printed during one check (grader.boundary.printed)."""
    text: str  # the first printed.LIMIT characters
    dropped: int  # how many more there were


class Outcome(TypedDict, total=False):
    """What every outcome may hold besides its probe's values. With ``error`` the probe's
    values are missing (all of them, or all but the evidence a probe adds to its error)."""
    error: ErrorFacts
    warnings: list[WarningFacts]  # always sent by the child; absent from outcomes made in the parent
    printed: Printed  # what the student's code printed during the check: shown, never judged


class Spec(TypedDict):
    """What every spec holds: the probe the child runs on it."""
    probe: str  # "module:function" under grader.topics. or grader.quiz.code_probe


# ---------------------------------------------------------------------------------------
# families/probes.py:call — one function called with arguments (most topics)


class CallSpec(Spec):
    module: str  # the student's module
    func: str  # the function called
    args: list[Value]  # positional, in the order of ``names``
    names: list[str]  # the parameters' names (the parent's messages and judges)
    helpers: NotRequired[list[str]]  # course helpers bound to right ones where imported
    own_helpers: NotRequired[list[str]]  # graded functions of the same module, bound to right ones
    curve: NotRequired[Array]  # an input range the function is also evaluated on (for a plot)


class CallOutcome(Outcome, total=False):
    result: Value
    args_after: list[Value]  # the arguments as the call left them (changed in place?)
    held_after: list[dict[str, Value] | None]  # a dict argument's entries as the caller held them
    curve: Value  # the function on spec["curve"]; None when that failed (costs nothing)


# ---------------------------------------------------------------------------------------
# families/objects.py:script — a script of calls on one object of a student's class


class CallStep(TypedDict):
    do: Literal["call"]
    method: str
    args: list[Value]
    kwargs: dict[str, Value]
    label: str  # how the step is named in messages


class ReadStep(TypedDict):
    do: Literal["read"]
    attr: str
    label: str


class ChangeStep(TypedDict):
    do: Literal["change"]
    arg: int  # which constructor argument is changed in place
    value: Array


class SeedStep(TypedDict):
    do: Literal["seed"]
    seed: int  # np.random.seed(seed)


Step = Union[CallStep, ReadStep, ChangeStep, SeedStep]


class ScriptSpec(Spec):
    module: str
    cls: str
    args: list[Value]  # the constructor's
    kwargs: dict[str, Value]
    steps: list[Step]
    inject: list[str]  # course helpers put into the class's module while the script runs
    order: NotRequired[list[str]]  # dropout (parent only): the modes in the script's order


class ScriptOutcome(Outcome, total=False):
    outputs: list[Value]  # one per step (None for steps that return nothing to judge)


# ---------------------------------------------------------------------------------------
# families/optimizer_probe.py:optimizer — several update() calls of one optimizer


class OptimizerSpec(Spec):
    cls: str  # the class in optimizers.py
    kwargs: dict[str, float]  # the constructor's
    params: dict[str, Array]
    grads: list[dict[str, Array]]  # one per update()
    explicit: NotRequired[dict[str, float]]  # the same run again with these (the defaults) given by name


class OptimizerOutcome(Outcome, total=False):
    params: list[dict[str, Value]]  # the dict's entries after each update()
    held: list[dict[str, Value]]  # the arrays the caller holds, after each update()
    explicit: list[dict[str, Value]] | None  # params of the run with spec["explicit"]; None: it raised


# ---------------------------------------------------------------------------------------
# The topics' own probes (grader/topics/NAME/probe.py)


class BatchnormSpec(Spec):
    x: Array
    gamma: Array
    beta: Array
    dout: Array
    eps: float
    backward: bool  # also call batchnorm_backward on the forward's cache


class BatchnormOutcome(Outcome, total=False):
    out: Value  # batchnorm_forward's output
    grads: Value  # batchnorm_backward's (None when not asked for)
    x_after: Value  # x as the calls left it


class IterateSpec(Spec):
    data_x: Array
    data_t: Array
    batch_size: int
    shuffle: bool
    seeds: list[int | None]  # one pass per seed (None: rng=None)
    defaults: NotRequired[bool]  # two passes leaving shuffle and rng to the signature's defaults


class IterateOutcome(Outcome, total=False):
    runs: list[list[tuple[Value, ...]]]  # per pass, the (x_batch, t_batch) pairs


class NumericalGradientSpec(Spec):
    x: Array
    loss: str  # a name of numerical_gradient.probe.LOSSES, known to both sides
    by_reference: bool  # the course's `lambda W: loss(x)`, which ignores its argument


class NumericalGradientOutcome(Outcome, total=False):
    result: Value
    x_after: Value


class DrawSpec(Spec):
    func: str  # an initialiser of weight_init.py
    n_in: int
    n_out: int
    seeds: list[int]  # one draw per seed


class DrawOutcome(Outcome, total=False):
    draws: list[Value]


class TrainingSpec(Spec):
    """Never the held-out labels: they decide the grade, and stay in the parent."""
    pixels_train: Array
    labels_train: Array
    pixels_test: Array
    classes: int
    network: dict[str, Array]  # the initial W1, b1, W2, b2
    epochs: int
    batch_size: int
    learning_rate: float
    order_seed: int


class TrainingOutcome(Outcome, total=False):
    losses: list[float]  # the mean loss of each epoch
    predictions: list[Value]  # per epoch, each held-out image's class (None: unreadable scores)
    test_scores: Value  # forward's scores on the held-out images after the last epoch
    first_step: dict[str, Value]  # every value of the first step, and the first epoch's batches
    trained: Value  # the network after training
    stage: str  # with ``error``: the function training stopped in


class CnnTrainingSpec(Spec):
    """Never the held-out images or labels."""
    pixels_train: Array
    labels_train: Array
    pixel_mean: float
    pixel_std: float
    classes: int
    weights: dict[str, Array]  # the initial W1, b1, … W3, b3
    epochs: int
    batch_size: int
    learning_rate: float
    order_seed: int


class CnnTrainingOutcome(Outcome, total=False):
    weights: dict[str, Value]  # after training
    first: list[dict[str, Value]]  # each layer's values on the first mini-batch
    stage: str  # with ``error``: the class (and method) training stopped in


# ---------------------------------------------------------------------------------------
# grader/quiz/code_probe.py:answer — a quiz's code answer, for one seed


class AnswerSpec(Spec):
    code: str  # the student's answer
    setup: str  # the quiz author's
    seed: int
    compare: list[str] | None  # names the answer defines; None: its value
    bare_functions: list[str]  # course functions also available by their bare names


AnswerErrorKind = Literal[
    "syntax", "need_expression", "undefined",  # the answer cannot be read, or defines too little
    "exception", "exit", "memory",  # running it raised
    "setup",  # the quiz author's setup raised (the author's fault, never the student's)
    "unsupported",  # its value is of a type the comparison cannot read (the parent's verdict)
]


class AnswerErrorFacts(TypedDict, total=False):
    """What went wrong with an answer, or with the author's setup (code_probe.describe)."""
    kind: Required[AnswerErrorKind]
    type: Required[str]
    message: Required[str]
    line: Required[int | None]
    names: list[str]  # with a NameError: the names the answer could have used


class AnswerOutcome(Outcome, total=False):
    value: Value
    answer_error: AnswerErrorFacts
    setup_error: AnswerErrorFacts


# ---------------------------------------------------------------------------------------
# The frames around them (grader.boundary.runner and child)


class CheckRequest(TypedDict):
    name: str
    spec: Any  # the Spec, encoded by wire.encode


class TopicRequestFrame(TypedDict):
    name: str
    checks: list[CheckRequest]


class Request(TypedDict, total=False):
    """What the parent sends: the topics with their specs, or only their names (``plan``)
    when a forking server decoded the specs once for every child; and the modules whose
    import hung before (not imported again)."""
    topics: list[TopicRequestFrame]
    plan: list[str]
    hung: Required[list[str]]


class OutcomeReply(TypedDict):
    topic: str
    check: str
    outcome: Any  # the Outcome, encoded by wire.encode


# The child's other replies: {"importing": module}, {"imported": module} around a student
# module's import; {"hung": topic} (it needs a module that hung before); {"done": topic}.
