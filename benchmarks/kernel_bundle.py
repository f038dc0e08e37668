"""How often a graded course's kernel (check bundle, no answer key) says what the full grader says.

Grades two sets that the bundle did not record, with the bundle's judging and with the real
engine, on the formative seed, and compares check by check:

  right alternatives   tests/variants/correct.yaml, split in two halves: each half graded
                       from a bundle built with the other half (the shipped bundle holds all)
  realistic mistakes   tests/hint_corpus/ (every one, none of them recorded in any bundle):
                       same verdict? for the caught ones, the same first hint (hint_precision's
                       "right" cause) or none?

Prints per set: agree / disagree / not judged here (a drawn check, 0 of 0 points), the bundle's
build time and size. Usage: python benchmarks/kernel_bundle.py [--only TOPIC ...] [--verbose]
Build times are one run on a shared machine: noisy.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import types
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hint_corpus import corpus  # noqa: E402
from variants import variants as V  # noqa: E402

from grader.grading import recorded  # noqa: E402
from grader.grading.engine import Plan, grade  # noqa: E402
from grader.instructor import kernel_package as K  # noqa: E402
from grader.topics.registry import names  # noqa: E402


def bundle_without(held_out: list, topics: list[str], folder: Path, label: str) -> tuple[recorded.Bundle, float, int]:
    kept = [v for v in V.correct() if v not in held_out]
    corpus_of_variants = types.SimpleNamespace(broken=V.broken, correct=lambda: kept, write=V.write)
    start = time.perf_counter()
    data = K.build_bundle(topics, K.FORMATIVE_SEED, corpus_of_variants, jobs=os.cpu_count() or 2)
    seconds = time.perf_counter() - start
    path = folder / f"{label}.json.gz"
    path.write_bytes(K._gzipped(data))
    return recorded.load(path), seconds, path.stat().st_size


def compare(bundle: recorded.Bundle, folder: Path, topics: list[str], counts: Counter, verbose: bool,
            name: str, hints: bool) -> None:
    mine = recorded.grade(folder, topics, bundle=bundle)
    real = grade(folder, topics, seed=K.FORMATIVE_SEED)
    for a, b in zip(mine, real):
        if a.max_points == 0:
            counts["not judged here"] += 1
        elif a.passed != b.passed:
            counts["verdict differs"] += 1
            if verbose:
                print(f"  verdict  {name} {a.topic}/{a.check}: bundle {a.passed} {a.messages[:1]}, real {b.passed}")
        elif hints and not b.passed and a.hint != b.hint:
            counts["same verdict, other hint"] += 1
            if verbose:
                print(f"  hint     {name} {a.topic}/{a.check}: bundle {a.hint}, real {b.hint}")
        else:
            counts["agree"] += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="+", default=None)
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()
    topics = options.only or list(names())
    Plan(K.FORMATIVE_SEED)  # the same seed for both judgings
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        right = [v for v in V.correct() if set(v.topics) & set(topics)]
        halves = [right[0::2], right[1::2]]
        alternatives, mistakes = Counter(), Counter()
        for index, half in enumerate(halves):
            bundle, seconds, size = bundle_without(half, topics, work, f"half{index}")
            print(f"bundle without half {index}: built in {seconds:.0f} s, {size / 1024:.0f} KiB")
            for variant in half:
                wanted = [t for t in variant.topics if t in topics]
                folder = V.write(variant, work / f"{index}-{variant.name}")
                compare(bundle, folder, wanted, alternatives, options.verbose, variant.name, hints=False)
            if index == 0:
                for mistake in corpus.mistakes():
                    if mistake.topic in topics:
                        folder = V.write(mistake, work / f"m-{mistake.name}")
                        compare(bundle, folder, [mistake.topic], mistakes, options.verbose, mistake.name, hints=True)
        for label, counts in (("right alternatives (held out)", alternatives), ("realistic mistakes", mistakes)):
            total = sum(counts.values())
            shares = ", ".join(f"{key} {n} ({n / max(total, 1):.1%})" for key, n in counts.most_common())
            print(f"{label}: {total} checks: {shares}")


if __name__ == "__main__":
    main()
