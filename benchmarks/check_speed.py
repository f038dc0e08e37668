"""How long `grader check` on solutions/ takes, against a bare `python -c "import numpy"`.

Prints both medians and their ratio, measured in this one run (goal: ratio ≤ 3 in either
sandbox mode), then `grader check cnn_training` against `grader check training`, the two
trainings alone (goal: ratio ≤ 3: the convolutional net costs at most three times the
two-layer one). Usage: python benchmarks/check_speed.py [--repeat N] [--sandbox auto|bwrap|none]
[--simulate windows|macos]

``--simulate`` runs `grader check` in a Python that lacks what that system lacks
(tests/platforms/<kind>/sitecustomize.py): on Windows the spawned child read by threads,
its goal ratio ≤ 4 (the bare `import numpy` runs without the simulation).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# As on a student's machine, Python caches bytecode: some shells here export
# PYTHONDONTWRITEBYTECODE, which would recompile the grader's modules on every run.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
PLATFORMS = ROOT / "tests" / "platforms"


def simulated(kind: str) -> dict[str, str]:
    """The environment of a Python that simulates ``kind`` (tests/platforms/simulate.py)."""
    paths = [str(PLATFORMS / kind), ENV.get("PYTHONPATH", "")]
    return {**ENV, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def seconds(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env or ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0,):
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto")
    parser.add_argument("--simulate", choices=("windows", "macos"), default=None,
                        help="grader check in a Python that lacks what this system lacks")
    options = parser.parse_args()
    if options.simulate:
        simulate(options.simulate, options.repeat)
        return
    repeat = options.repeat
    numpy_cmd = [sys.executable, "-c", "import numpy"]
    check_cmd = [sys.executable, "-m", "grader", "check", "--submission", "solutions", "--json",
                 "--sandbox", options.sandbox]
    seconds(numpy_cmd), seconds(check_cmd)  # warm the file cache for both
    numpy_times, check_times = [], []
    for _ in range(repeat):  # interleaved, so that machine noise hits both alike
        numpy_times.append(seconds(numpy_cmd))
        check_times.append(seconds(check_cmd))
    bare, check = statistics.median(numpy_times), statistics.median(check_times)
    print(f"python -c 'import numpy'      median {bare * 1000:7.1f} ms over {repeat} runs")
    print(f"grader check solutions --json --sandbox {options.sandbox} median {check * 1000:7.1f} ms over {repeat} runs")
    print(f"ratio {check / bare:.2f} (goal ≤ 3)")
    trainings = {topic: [sys.executable, "-m", "grader", "check", topic, "--submission", "solutions", "--json",
                         "--sandbox", options.sandbox] for topic in ("training", "cnn_training")}
    times: dict[str, list[float]] = {topic: [] for topic in trainings}
    for _ in range(repeat):
        for topic, command in trainings.items():
            times[topic].append(seconds(command))
    two_layer, cnn = (statistics.median(times[t]) for t in trainings)
    print(f"grader check training         median {two_layer * 1000:7.1f} ms over {repeat} runs")
    print(f"grader check cnn_training     median {cnn * 1000:7.1f} ms over {repeat} runs")
    print(f"ratio {cnn / two_layer:.2f} (goal ≤ 3)")


def simulate(kind: str, repeat: int) -> None:
    """`grader check` on solutions/ under the simulation, against the bare import (goal ≤ 4)."""
    numpy_cmd = [sys.executable, "-c", "import numpy"]
    check_cmd = [sys.executable, "-m", "grader", "check", "--submission", "solutions", "--json"]
    env = simulated(kind)
    seconds(numpy_cmd), seconds(check_cmd, env)  # warm the file cache for both
    numpy_times, check_times = [], []
    for _ in range(repeat):
        numpy_times.append(seconds(numpy_cmd))
        check_times.append(seconds(check_cmd, env))
    bare, check = statistics.median(numpy_times), statistics.median(check_times)
    print(f"python -c 'import numpy'      median {bare * 1000:7.1f} ms over {repeat} runs")
    print(f"grader check solutions --json (simulated {kind}) median {check * 1000:7.1f} ms over {repeat} runs")
    print(f"ratio {check / bare:.2f} (goal ≤ 4)")


if __name__ == "__main__":
    main()
