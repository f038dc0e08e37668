"""How `grader check` fares on mistakes nobody chose: mechanically made mutants of solutions/.

Every graded function gets single-edit mutants (benchmarks/mutants.py: operators swapped,
terms dropped, constants and axes changed, statements deleted), sampled with a fixed seed.
A mutant whose outputs equal the reference's on every check's inputs (benchmarks/
equivalence.py) is equivalent and dropped; the rest are graded by the real
`grader check` on every topic, several at a time. Per topic of the mutated function:

  caught    the mutant fails at least one check
  confined  no check fails outside the topics that call the mutated function
  hinted    a failing check of its own topic says a `Hint:` (a catalogue entry or a relation)

Goals: caught ≥ 99 %, confined 100 %, hinted ≥ 70 %. Also: how often each hint fired.
Usage: python benchmarks/mutation_score.py [--jobs N] [--per-function N] [--limit N] [--sandbox MODE]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from mutants import Mutant, all_mutants  # noqa: E402

SEED = 20260401
ENV = {**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


@dataclass
class Graded:
    mutant: Mutant
    equivalent: bool = False
    caught: bool = False
    confined: bool = True
    hinted: bool = False
    crashed: bool = False  # caught by an exception (file and line), not by a value
    hints: set = field(default_factory=set)
    outside: list = field(default_factory=list)
    message: str = ""  # the first failing message of its own topic


def topic_maps() -> tuple[dict[str, str], dict[str, set[str]]]:
    """Each graded name -> its own topic; each name -> every topic that calls it."""
    from grader.topics.registry import topics
    own, calling = {}, defaultdict(set)
    for about in topics():
        for name in about.functions:
            own[name] = about.name
        for name in about.calls:
            calling[name].add(about.name)
    for name, topic in own.items():
        calling[name].add(topic)
    return own, dict(calling)


def hint_patterns() -> dict[str, re.Pattern]:
    """Every hint and relation sentence -> a pattern of its English text."""
    from grader.i18n import catalogue
    patterns = {}
    for key, text in catalogue().items():
        if key.startswith(("hint.", "relation.")):
            pattern = re.sub(r"\\\{\w+\\\}", ".+?", re.escape(text["en"]))
            patterns[key] = re.compile(pattern)
    return patterns


def equivalent(folder: Path, topics: set[str]) -> bool:
    try:
        done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "equivalence.py"), str(folder),
                               *sorted(topics)], capture_output=True, text=True, timeout=120, env=ENV)
    except subprocess.TimeoutExpired:
        return False
    return done.stdout.strip() == "same"


def grade(folder: Path, sandbox: str) -> dict | None:
    command = [sys.executable, "-m", "grader", "check", "--submission", str(folder), "--json", "--lang", "en",
               "--time-limit", "5"]
    if sandbox:
        command += ["--sandbox", sandbox]
    done = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=600)
    return json.loads(done.stdout) if done.stdout.strip() else None


def judge(number: int, mutant: Mutant, workdir: Path, own: dict, calling: dict, patterns: dict,
          sandbox: str) -> Graded:
    name = mutant.function.split(".")[0]
    safe = re.sub(r"\W", "_", mutant.name)
    folder = workdir / f"{number:04d}_{safe}"
    shutil.copytree(ROOT / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / f"{mutant.module}.py").write_text(mutant.source, encoding="utf-8")
    graded = Graded(mutant)
    try:
        if equivalent(folder, calling[name]):
            graded.equivalent = True
            return graded
        report = grade(folder, sandbox)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if report is None:
        graded.caught, graded.confined = True, False  # the grader itself failed: count it against us
        return graded
    failed = [r for r in report["results"] if not r["passed"]]
    graded.caught = bool(failed)
    graded.outside = sorted({r["topic"] for r in failed} - calling[name])
    graded.confined = not graded.outside
    mine = [r for r in failed if r["topic"] == own[name]] or [r for r in failed if r["topic"] in calling[name]]
    text = "\n".join(r["message"] for r in mine)
    graded.message = mine[0]["message"] if mine else ""
    graded.hints = {key for key, pattern in patterns.items() if pattern.search(text)}
    graded.hinted = "Hint:" in text
    graded.crashed = bool(mine) and all("raised" in r["message"] or "timed out" in r["message"] for r in mine)
    return graded


def summary(results: list[Graded], own: dict) -> None:
    by_topic: dict[str, list[Graded]] = defaultdict(list)
    for g in results:
        by_topic[own[g.mutant.function.split(".")[0]]].append(g)
    print(f"{'topic':22} {'mutants':>7} {'equiv':>6} {'caught':>12} {'confined':>12} {'hinted':>12}")
    totals = Counter()
    for topic in sorted(by_topic, key=lambda t: list(own.values()).index(t)):
        rows = by_topic[topic]
        live = [g for g in rows if not g.equivalent]
        counts = Counter(mutants=len(rows), equivalent=len(rows) - len(live), live=len(live),
                         caught=sum(g.caught for g in live), confined=sum(g.confined for g in live),
                         hinted=sum(g.hinted for g in live if g.caught))
        totals.update(counts)
        print(_row(topic, counts))
    print(_row("ALL", totals))
    fired = Counter(key for g in results for key in g.hints)
    relations = {k: v for k, v in fired.items() if k.startswith("relation.")}
    print("relation kinds fired: " + (", ".join(f"{k[9:]} {v}" for k, v in sorted(relations.items())) or "none"))
    print(f"catalogue hints fired: {sum(v for k, v in fired.items() if k.startswith('hint.'))}")
    for g in results:
        if not g.equivalent and (not g.caught or not g.confined):
            what = "NOT caught" if not g.caught else f"fails outside: {', '.join(g.outside) or 'grader failed'}"
            print(f"  {g.mutant.name} ({g.mutant.description}): {what}")


def _row(topic: str, c: Counter) -> str:
    def share(n: int, of: int) -> str:
        return f"{n}/{of} {n / of:4.0%}" if of else "-"
    return (f"{topic:22} {c['mutants']:7} {c['equivalent']:6} {share(c['caught'], c['live']):>12} "
            f"{share(c['confined'], c['live']):>12} {share(c['hinted'], c['caught']):>12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--per-function", type=int, default=40, help="mutants sampled per function")
    parser.add_argument("--limit", type=int, default=0, help="grade only the first N mutants (a quick look)")
    parser.add_argument("--sandbox", default="", help="passed to grader check (default: its own default)")
    parser.add_argument("--json", metavar="FILE", help="also write every mutant's result here")
    args = parser.parse_args()
    own, calling = topic_maps()
    chosen = all_mutants(ROOT / "solutions", set(own), SEED, args.per_function)
    if args.limit:
        chosen = chosen[:args.limit]
    patterns = hint_patterns()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as workdir, ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda n_m: judge(*n_m, Path(workdir), own, calling, patterns, args.sandbox),
                                enumerate(chosen)))
    summary(results, own)
    print(f"({len(chosen)} mutants, seed {SEED}, {time.perf_counter() - start:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps([{
            "mutant": g.mutant.name, "edit": g.mutant.description, "equivalent": g.equivalent,
            "caught": g.caught, "confined": g.confined, "hinted": g.hinted, "hints": sorted(g.hints),
            "message": g.message[:400]}
            for g in results], indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
