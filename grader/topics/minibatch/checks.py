"""Topic minibatch: get_minibatch and iterate_minibatches."""
from __future__ import annotations

import numpy as np

from grader.boundary.wire_types import CallOutcome, CallSpec, IterateOutcome, IterateSpec
from grader.judging.checks import Topic, Verdict
from grader.judging.misconceptions import (Evidence, Misconception, any_of, diagnose, diagnoser, equals,
                                           raised, raised_by, value_of)
from grader.judging.compare import all_of, compare, error_verdict, show, with_warnings
from grader.topics.families.calls import call_spec
from reference import minibatch as ref

M = "minibatch"


def _full_batches_only(e: Evidence) -> bool:
    n, size = e.inputs["n"], e.inputs["batch_size"]
    return n % size != 0 and e.actual == [size] * (n // size)


def _rng_ignored(e: Evidence) -> bool:
    first, again, other = e.actual
    return first != again or first == other


def _two_permutations(e: Evidence) -> bool:
    """x and t each hold every sample once, in two different orders: shuffled separately."""
    x_order, t_order = e.actual
    n = e.inputs["n"]
    return sorted(x_order) == list(range(n)) == sorted(t_order) and x_order != t_order


# What the checks read off the batches: one batch's x, the batch sizes, the sample order
# (shuffled or not, with shuffle left at its default), whether x and t stay paired, and
# the error iterate_minibatches(..., rng=None) raised.
X_BATCH, SIZES, ORDER = value_of("x_batch"), value_of("batch_sizes"), value_of("order")
DEFAULTS, ALIGNMENT, RNG_NONE = value_of("defaults"), value_of("alignment"), raised_by("rng_none")

MISCONCEPTIONS = (
    Misconception("minibatch.i_end_off_by_one", X_BATCH, "hint.i_end_off_by_one",
                  any_of(equals(lambda data_x, i, batch_size, **_: data_x[i:i + batch_size + 1]),
                         equals(lambda data_x, i, batch_size, **_: data_x[i:i + batch_size - 1])),
                  "one row too many or too few: data_x[i:i_end ± 1]"),
    Misconception("minibatch.swapped", X_BATCH, "hint.minibatch_swapped",
                  equals(lambda data_t, i, batch_size, **_: data_t[i:i + batch_size]),
                  "the first value returned is the t slice: (t_batch, x_batch)"),
    Misconception("minibatch.last_batch_dropped", SIZES, "hint.last_batch_dropped", _full_batches_only,
                  "only full batches: the shorter last one is missing"),
    Misconception("minibatch.shuffle_ignored", ORDER, "hint.shuffle_ignored",
                  lambda e: e.actual[0] == list(range(e.inputs["n"])), "shuffle=True gives the original order"),
    Misconception("minibatch.rng_not_used", ORDER, "hint.rng_not_used", _rng_ignored,
                  "the same seed gives different orders (or different seeds the same)"),
    Misconception("minibatch.rng_none", RNG_NONE, "hint.minibatch_rng_none",
                  raised("exception", "AttributeError", ["NoneType"]),
                  "a seeded rng works; rng=None raises AttributeError: 'NoneType' has no attribute 'permutation'"),
    Misconception("minibatch.shuffle_default", DEFAULTS, "hint.minibatch_shuffle_default",
                  lambda e: isinstance(e.actual, list) and e.actual[0] != list(range(e.inputs["n"])),
                  "shuffled when shuffle=True is passed, in order when it is left out: the default is not True"),
    Misconception("minibatch.separate_permutations", ALIGNMENT, "hint.minibatch_one_index", _two_permutations,
                  "x rows and t values each cover every sample, in different orders"),
)


def dataset(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows that carry their own index, so alignment and coverage can be read back."""
    data_x = np.arange(n * 3, dtype=float).reshape(n, 3)
    data_t = np.arange(n) * 10
    return data_x, data_t


def declare() -> Topic:
    topic = Topic("minibatch")
    for name, (n, i, size) in {"first_batch": (20, 0, 5), "middle_batch": (20, 8, 4),
                                "last_shorter_batch": (23, 20, 5)}.items():
        topic.add(name, 1, lambda rng, n=n, i=i, size=size: call_spec(M, "get_minibatch", {
            "data_x": dataset(n)[0], "data_t": dataset(n)[1], "i": i, "batch_size": size}),
            _judge_get_minibatch)
    topic.add("iterate_in_order", 1, lambda rng: _iterate_spec(23, 5, False, [None]), _judge_in_order)
    topic.add("iterate_shuffled", 2, lambda rng: _iterate_spec(23, 5, True, [7, 7, 8]), _judge_shuffled)
    topic.add("iterate_defaults", 1, lambda rng: {**_iterate_spec(23, 5, True, [None]), "defaults": True},
              _judge_rng_none)
    return topic


def _judge_rng_none(spec: IterateSpec, outcome: IterateOutcome) -> Verdict:
    """The signature's defaults, shuffle=True and rng=None: the function makes its own rng
    (np.random.default_rng()) and gives every sample once, in batches of the right sizes, shuffled."""
    if outcome.get("error") is not None:
        hint = diagnose(MISCONCEPTIONS, RNG_NONE, Evidence(None, {}, outcome["error"]))
        return error_verdict(outcome, "iterate_minibatches", hint)
    n, size = len(spec["data_x"]), spec["batch_size"]
    inputs = f"len(data_x)={n}, batch_size={size}, shuffle and rng left to their defaults (True, None)"
    batches = _batches(outcome, 0)
    order = _order_of(batches, spec)
    if isinstance(order, Verdict):
        return with_warnings(order, outcome)
    if sorted(order) != list(range(n)):
        return Verdict.fail(("fail.coverage", {"inputs": inputs}))
    expected_sizes = [len(range(i, min(i + size, n))) for i in range(0, n, size)]
    if _sizes(batches) != expected_sizes:
        return Verdict.fail(("fail.batch_sizes", {"inputs": inputs, "expected": expected_sizes,
                                                  "actual": _sizes(batches)}))
    if order == list(range(n)):
        explicit = _order_of(_batches(outcome, 1), spec)
        given = Evidence([explicit], {"n": n}) if isinstance(explicit, list) else Evidence()
        hint = diagnose(MISCONCEPTIONS, DEFAULTS, given) or diagnose(MISCONCEPTIONS, ORDER, given)
        return Verdict.fail(("fail.not_shuffled", {"inputs": inputs}), *hint)
    return with_warnings(Verdict.ok(), outcome)


def _judge_get_minibatch(spec: CallSpec, outcome: CallOutcome) -> Verdict:
    failed = error_verdict(outcome, "get_minibatch")
    if failed:
        return failed
    data_x, data_t, i, size = spec["args"]
    result = outcome["result"]
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        return Verdict.fail(("fail.return_pair", {"what": "get_minibatch", "actual": show(result)}))
    x_exp, t_exp = ref.get_minibatch(data_x, data_t, i, size)
    inputs = f"len(data_x)={len(data_x)}, i={i}, batch_size={size}"
    given = {"data_x": data_x, "data_t": data_t, "i": i, "batch_size": size}
    verdict = all_of(compare(result[0], x_exp, inputs=inputs, what="x_batch",
                             diagnose=diagnoser(MISCONCEPTIONS, X_BATCH, given)),
                     compare(result[1], t_exp, inputs=inputs, what="t_batch"))
    return with_warnings(verdict, outcome)


def _iterate_spec(n: int, size: int, shuffle: bool, seeds: list) -> IterateSpec:
    data_x, data_t = dataset(n)
    return {"probe": "grader.topics.minibatch.probe:iterate", "data_x": data_x, "data_t": data_t, "batch_size": size,
            "shuffle": shuffle, "seeds": seeds}


def _batches(outcome: IterateOutcome, run: int) -> list | None:
    runs = outcome.get("runs")
    if not isinstance(runs, list) or len(runs) <= run or not isinstance(runs[run], list):
        return None
    return runs[run]


def _judge_in_order(spec: IterateSpec, outcome: IterateOutcome) -> Verdict:
    failed = error_verdict(outcome, "iterate_minibatches")
    if failed:
        return failed
    expected = list(ref.iterate_minibatches(spec["data_x"], spec["data_t"], spec["batch_size"], shuffle=False))
    return with_warnings(_same_batches(_batches(outcome, 0), expected, spec), outcome)


def _same_batches(batches: list | None, expected: list, spec: IterateSpec) -> Verdict:
    inputs = f"len(data_x)={len(spec['data_x'])}, batch_size={spec['batch_size']}, shuffle={spec['shuffle']}"
    if batches is None or len(batches) != len(expected):
        count = "?" if batches is None else len(batches)
        hint = diagnose(MISCONCEPTIONS, SIZES, Evidence(
            _sizes(batches), {"n": len(spec["data_x"]), "batch_size": spec["batch_size"]}))
        return Verdict.fail(("fail.batch_count", {"inputs": inputs, "expected": len(expected),
                                                  "actual": count}), *hint)
    for number, (pair, (x_exp, t_exp)) in enumerate(zip(batches, expected)):
        if not (isinstance(pair, tuple) and len(pair) == 2):
            return Verdict.fail(("fail.return_pair", {"what": f"batch {number}", "actual": show(pair)}))
        verdict = all_of(compare(pair[0], x_exp, inputs=inputs, what=f"batch {number}: x"),
                         compare(pair[1], t_exp, inputs=inputs, what=f"batch {number}: t"))
        if not verdict.passed:
            return verdict
    return Verdict.ok()


def _judge_shuffled(spec: IterateSpec, outcome: IterateOutcome) -> Verdict:
    """Every sample once, pairs aligned, sizes right, and the order drawn from rng."""
    failed = error_verdict(outcome, "iterate_minibatches")
    if failed:
        return failed
    n, size = len(spec["data_x"]), spec["batch_size"]
    inputs = f"len(data_x)={n}, batch_size={size}, shuffle=True"
    runs = [_batches(outcome, k) for k in range(3)]
    given = {"n": n, "batch_size": size}
    orders = []
    for batches in runs:
        order = _order_of(batches, spec)
        if isinstance(order, Verdict):
            return with_warnings(order, outcome)
        orders.append(order)
    if sorted(orders[0]) != list(range(n)):
        return Verdict.fail(("fail.coverage", {"inputs": inputs}))
    sizes = _sizes(runs[0])
    expected_sizes = [len(range(i, min(i + size, n))) for i in range(0, n, size)]
    if sizes != expected_sizes:
        hint = diagnose(MISCONCEPTIONS, SIZES, Evidence(sizes, given))
        return Verdict.fail(("fail.batch_sizes", {"inputs": inputs, "expected": expected_sizes,
                                                  "actual": sizes}), *hint)
    order_hint = diagnose(MISCONCEPTIONS, ORDER, Evidence(orders, given))
    if orders[0] == list(range(n)):
        return Verdict.fail(("fail.not_shuffled", {"inputs": inputs}), *order_hint)
    if orders[0] != orders[1] or orders[0] == orders[2]:
        return Verdict.fail(("fail.rng_not_used", {"what": "iterate_minibatches"}), *order_hint)
    return with_warnings(Verdict.ok(), outcome)


def _sizes(batches: list | None) -> list | None:
    try:
        return [len(pair[0]) for pair in batches]
    except (TypeError, IndexError, KeyError):
        return None


def _order_of(batches: list | None, spec: IterateSpec) -> list[int] | Verdict:
    """The sample indices in the order the batches hold them; checks x/t alignment."""
    if batches is None:
        return Verdict.fail(("fail.batch_count", {"inputs": "", "expected": "≥ 1", "actual": "?"}))
    order: list[int] = []
    t_order: list[int] = []
    misaligned = None
    for number, pair in enumerate(batches):
        try:
            x_batch, t_batch = (np.asarray(part, dtype=float) for part in pair)
            rows = (x_batch[:, 0] / 3).astype(int)
            aligned = np.array_equal(t_batch, rows * 10) and np.array_equal(x_batch, spec["data_x"][rows])
            t_order.extend(int(t) for t in t_batch // 10)
        except (TypeError, ValueError, IndexError):
            return Verdict.fail(("fail.misaligned", {"number": number}))
        if not aligned and misaligned is None:
            misaligned = number
        order.extend(int(r) for r in rows)
    if misaligned is not None:
        hint = diagnose(MISCONCEPTIONS, ALIGNMENT, Evidence((order, t_order), {"n": len(spec["data_x"])}))
        return Verdict.fail(("fail.misaligned", {"number": misaligned}), *hint)
    return order
