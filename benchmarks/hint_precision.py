"""How often the first hint a student reads names the true cause of a realistic mistake.

Grades every mistake of tests/hint_corpus/ (each labelled with its cause) on its topic, with
the grader's own engine, and prints per topic and overall:
  caught      the topic fails
  right       the first hint shown names the labelled cause
  misleading  the first hint shown names another cause
  silent      caught, but no hint
Goals: right ≥ 90 % and misleading ≤ 3 % of the caught mistakes.
Usage: python benchmarks/hint_precision.py [--jobs N] [--only TOPIC] [--verbose]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hint_corpus import corpus  # noqa: E402
from variants import variants  # noqa: E402


def grade_one(mistake: corpus.Mistake, workdir: str) -> tuple[str, str, str]:
    """(name, verdict, what the first failing check said) for one mistake."""
    from grader.grading.engine import grade
    from grader.check.report import message_text
    folder = variants.write(mistake, Path(workdir) / mistake.name)
    results = grade(folder, [mistake.topic])
    verdict = corpus.judge(mistake, results)
    failing = next((r for r in results if not r.passed), None)
    said = f"{failing.check}: {message_text(failing, 'en')}" if failing else ""
    return mistake.name, verdict, said


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--only", default="")
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()
    os.environ.update({"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""})
    start = time.perf_counter()
    mistakes = [m for m in corpus.mistakes() if not options.only or m.topic == options.only]
    by_name = {m.name: m for m in mistakes}
    with tempfile.TemporaryDirectory() as workdir, ProcessPoolExecutor(options.jobs) as pool:
        graded = list(pool.map(grade_one, mistakes, [workdir] * len(mistakes)))
    table: dict[str, Counter] = defaultdict(Counter)
    for name, verdict, _ in graded:
        table[by_name[name].topic][verdict] += 1
    print(f"{'topic':22} {'mistakes':>8} {'caught':>7} {'right':>6} {'mislead':>7} {'silent':>6}")
    total = Counter()
    for topic, counts in table.items():
        caught = counts["right"] + counts["misleading"] + counts["silent"]
        total.update(counts)
        print(f"{topic:22} {sum(counts.values()):8} {caught:7} {counts['right']:6} {counts['misleading']:7} "
              f"{counts['silent']:6}")
    caught = total["right"] + total["misleading"] + total["silent"]
    print(f"{'overall':22} {sum(total.values()):8} {caught:7} {total['right']:6} {total['misleading']:7} "
          f"{total['silent']:6}")
    share = lambda n: f"{n / max(caught, 1):.1%}"  # noqa: E731
    print(f"of the caught: right {share(total['right'])}, misleading {share(total['misleading'])}, "
          f"silent {share(total['silent'])}; missed {total['missed']}")
    for name, verdict, said in graded:
        if verdict != "right" and (options.verbose or verdict == "misleading"):
            print(f"  {verdict:10} {name} [{by_name[name].cause}]: {said[:400]}")
    print(f"({len(mistakes)} grader runs in {time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
