"""How well `grader check` explains mistakes: every catalogued broken copy and every correct variant.

Prints three figures (goal: 100 % / ≥ 95 % / 100 %):
  mistakes detected            — broken copies whose topic fails
  mistakes given their hint    — broken copies whose messages show their own hint and no other
  correct variants full marks  — correct formulations with every point and no hint
and, per topic, the catalogue's size and how its copies fared.
Usage: python benchmarks/hint_quality.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from grader.topics.registry import misconception_by_id as by_id  # noqa: E402
from variants import variants  # noqa: E402


def main() -> None:
    start = time.perf_counter()
    broken, correct = variants.broken(), variants.correct()
    with tempfile.TemporaryDirectory() as workdir:
        broken_runs = variants.grade_all(broken, Path(workdir) / "broken")
        correct_runs = variants.grade_all(correct, Path(workdir) / "correct")
    patterns, entries = variants.hint_patterns(), by_id()
    detected, hinted, per_topic, misses = 0, 0, Counter(), []
    for variant in broken:
        status, report = broken_runs[variant.name]
        entry = entries[variant.name]
        failed = status == 1 and any(not r["passed"] for r in report["results"] if r["topic"] == entry.topic)
        shown = variants.hints_shown(report, patterns)
        detected += failed
        hinted += failed and shown == {entry.key}
        per_topic[entry.topic] += 1
        if not (failed and shown == {entry.key}):
            misses.append(f"  {variant.name}: {'detected' if failed else 'NOT detected'}, hints shown {sorted(shown)}")
    full = [v.name for v in correct if correct_runs[v.name][0] == 0 and variants.full_marks(correct_runs[v.name][1])
            and not variants.hints_shown(correct_runs[v.name][1], patterns)]
    print("catalogue entries per topic: " + ", ".join(f"{t} {n}" for t, n in per_topic.items()))
    print(f"mistakes detected:           {detected}/{len(broken)} ({detected / len(broken):.0%})")
    print(f"mistakes given their hint:   {hinted}/{len(broken)} ({hinted / len(broken):.0%})")
    print(f"correct variants full marks: {len(full)}/{len(correct)} ({len(full) / len(correct):.0%})")
    for line in misses:
        print(line)
    for name in sorted({v.name for v in correct} - set(full)):
        print(f"  correct variant {name} lost points or showed a hint")
    print(f"({len(broken) + len(correct)} grader runs in {time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
