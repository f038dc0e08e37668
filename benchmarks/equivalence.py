"""Is a mutant equivalent? Ask the reference: the same outputs on every check's inputs.

Run as ``python benchmarks/equivalence.py FOLDER TOPIC...`` (a process of its own, so a
mutant that loops is ended by a timeout): every check of the topics is probed twice, with
the mutant's functions and with the reference's, at three seeds; prints ``same`` when
every outcome agrees, ``differs`` otherwise.
"""
from __future__ import annotations

import copy
import importlib
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SEEDS = (0, 1, 2)  # offsets from the grader's default seed


def _getter(prefix: str):
    def get(module: str, name: str) -> Any:
        return getattr(importlib.import_module(prefix + module), name.split(".")[0])
    return get


def agree(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(agree(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(agree(x, y) for x, y in zip(a, b))
    if isinstance(a, (np.ndarray, np.generic, float, int)) or isinstance(b, (np.ndarray, np.generic, float, int)):
        try:
            x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        except (TypeError, ValueError):
            return False
        return x.shape == y.shape and bool(np.allclose(x, y, rtol=1e-9, atol=1e-12, equal_nan=True))
    return type(a) is type(b) and (a == b if not callable(a) else True)


def outcome(probe, get, spec: dict) -> Any:
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            result = probe(get, copy.deepcopy(spec))
    except Exception as exc:  # noqa: BLE001 - a raised error is an outcome too
        return ("raised", type(exc).__name__)
    result.pop("held_after", None)  # views of the same arrays: compared through args_after
    return result


def same_as_reference(folder: Path, topics: list[str]) -> bool:
    sys.path.insert(0, str(folder))
    sys.path.insert(1, str(ROOT))
    from grader.boundary.child import probe_of
    from grader.grading.engine import DEFAULT_SEED
    from grader.judging.checks import check_rng
    from grader.topics.registry import declare
    mutant, reference = _getter(""), _getter("reference.")
    for name in topics:
        topic = declare(name)
        for offset in SEEDS if name != "training" else SEEDS[:1]:
            for check in topic.checks:
                spec = check.build(check_rng(DEFAULT_SEED + offset, check.topic, check.name))
                probe = probe_of(spec)
                if not agree(outcome(probe, mutant, spec), outcome(probe, reference, spec)):
                    return False
    return True


if __name__ == "__main__":
    print("same" if same_as_reference(Path(sys.argv[1]).resolve(), sys.argv[2:]) else "differs")
