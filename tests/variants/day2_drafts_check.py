"""Scratch check of the Day 2 variant drafts (not a test; run by hand until the topics exist).

    python -m tests.variants.day2_drafts_check

Writes each draft of day2_broken_draft.yaml and day2_correct_draft.yaml as a submission
folder (solutions/ with the variant's change), runs on it the solutions-vs-reference
comparison of tests/test_exercises_solutions_day2.py, and prints which comparisons differ
from reference/: every broken draft must differ on a check of its own topic, every correct
draft on none. Exit 1 when one does not. Checks are tagged with the topic they belong to,
so the spread of a mistake over other topics (an im2col slip breaks convolution too) shows.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from tests.test_exercises_solutions_day2 import COMPARE
from tests.variants.variants import HERE, ROOT, Variant, write

TOPIC_OF_CHECK = {
    "relu_layer": "layers", "sigmoid_layer": "layers", "affine_layer": "layers",
    "softmax_with_loss": "layers", "dropout": "dropout", "regularization_": "regularization",
    "im2col_col2im": "im2col", "convolution": "convolution", "pooling": "pooling",
    "Nesterov": "nesterov",
}


def drafts(file: str, broken: bool) -> list[Variant]:
    data = yaml.safe_load((HERE / file).read_text(encoding="utf-8"))
    return [Variant(name, v["module"], (name.split(".")[0],) if broken else tuple(v["topics"]),
                    tuple(v.get("edits", ())), v.get("replace", "")) for name, v in data.items()]


def differing_topics(folder: Path) -> dict[str, str]:
    """topic -> the first line of the first differing check's error, for each topic that differs."""
    done = subprocess.run([sys.executable, "-B", "-c", COMPARE, str(folder), str(ROOT)],
                          capture_output=True, text=True, timeout=300, cwd=folder)
    if done.returncode != 0:
        return {"(did not run)": done.stderr.strip().splitlines()[-1]}
    found: dict[str, str] = {}
    for check, error in json.loads(done.stdout).items():
        if error:
            found.setdefault(TOPIC_OF_CHECK[check], error.strip().splitlines()[-1][:110])
    return found


def main() -> int:
    variants = [(v, True) for v in drafts("day2_broken_draft.yaml", True)]
    variants += [(v, False) for v in drafts("day2_correct_draft.yaml", False)]
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=4) as pool:
        def one(item):
            variant, _ = item
            return differing_topics(write(variant, Path(tmp) / variant.name.replace(".", "__")))
        outcomes = list(pool.map(one, variants))
    failures = 0
    for (variant, broken), found in zip(variants, outcomes):
        ok = (variant.topics[0] in found) if broken else not found
        failures += not ok
        kind = "broken " if broken else "correct"
        spread = ", ".join(sorted(found)) or "-"
        print(f"{'ok ' if ok else 'BAD'} {kind} {variant.name:45} differs on: {spread}")
        if not ok or broken:
            detail = found.get(variant.topics[0]) if broken else next(iter(found.values()), "")
            if detail:
                print(f"      {detail}")
    print(f"{len(variants)} drafts, {failures} not as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
