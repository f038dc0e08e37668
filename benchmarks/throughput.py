"""`grader batch` on a generated class: submissions per second, and the cost of isolation.

Generates N submissions (default 500): a realistic mix of correct copies, copies with
some modules still blank, and copies with one typical bug (a wrong formula, a syntax
error, an exception, a function that works on a copy instead of in place). Then, in
this one run:

* ``grader batch`` on 2 cores (``-j 2``, CPU affinity limited to 2 cores when the
  machine has more): wall time, submissions per second (goal ≥ 20);
* the bare cost: the same checks run in this process, without any isolation (import
  the student's modules, call the probes, judge every outcome, nothing cached), on a
  sample of the same submissions, one after another on one core;
* the ratio of the batch's cost per submission to the bare cost per submission (goal
  ≤ 2), counted two ways: wall time × 2 cores / N against the bare wall time, and CPU
  time / N against the bare CPU time. The CPU time is that of the batch's whole process
  tree when the kernel accounts for it (not through bubblewrap's PID namespace), else
  the whole machine's busy time during the run: an upper bound when other work runs.

Usage: python benchmarks/throughput.py [--count N] [--sample N] [--jobs N] [--sandbox auto|bwrap|none]
"""
from __future__ import annotations

import argparse
import copy
import importlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"
MODULES = ("functions", "network", "minibatch", "optimizers", "weight_init", "batch_norm")

# One typical bug each: (module, code appended to it, which redefines a function).
BUGS = [
    ("functions", "def softmax(x):\n    e = np.exp(x)\n    return e / e.sum(axis=-1, keepdims=True)\n"),
    ("functions", "def d_relu(x):\n    return np.where(x >= 0, 1.0, 0.0)\n"),
    ("functions", "def mean_squared_error(d, y):\n    return np.sum((y - d) ** 2)\n"),
    ("functions", "def cross_entropy_error(d, y):\n    return -np.sum(d * np.log(y))\n"),
    ("functions", "def relu(x):\n    raise ValueError('not yet')\n"),
    ("network", "def sgd_update(network, grad, learning_rate):\n"
                "    for key in grad:\n        network[key] = network[key] - learning_rate * grad[key]\n"),
    ("minibatch", "def get_minibatch(data_x, data_t, i, batch_size):\n"
                  "    return data_x[i:i + batch_size - 1], data_t[i:i + batch_size - 1]\n"),
    ("optimizers", "class Momentum:\n    def __init__(self, learning_rate=0.01, momentum=0.9):\n"
                   "        self.lr, self.momentum, self.v = learning_rate, momentum, {}\n"
                   "    def update(self, params, grads):\n        for key in params:\n"
                   "            self.v[key] = self.momentum * self.v.get(key, 0) + self.lr * grads[key]\n"
                   "            params[key] += self.v[key]\n"),
    ("weight_init", "def he_init(n_in, n_out, rng):\n    return rng.standard_normal((n_in, n_out))\n"),
    ("batch_norm", "def batchnorm_forward(x, gamma, beta, eps=1e-7):\n    mu = x.mean(axis=0)\n"
                   "    xhat = (x - mu) / np.sqrt(x.var(axis=0))\n    return gamma * xhat + beta, (x, xhat)\n"),
    ("network", "def forward(network, x)\n    pass\n"),  # a syntax error
]


def make_class(folder: Path, count: int, seed: int = 7) -> dict[str, int]:
    """``count`` submissions: half correct, a quarter partly blank, a quarter with a bug."""
    rng = random.Random(seed)
    kinds = {"correct": 0, "partly blank": 0, "broken": 0}
    for index in range(count):
        target = folder / f"student{index:04d}"
        shutil.copytree(SOLUTIONS, target, ignore=shutil.ignore_patterns("__pycache__"))
        roll = rng.random()
        if roll < 0.5:
            kind = "correct"
        elif roll < 0.75:
            kind = "partly blank"
            for module in rng.sample(MODULES, rng.randint(1, 3)):
                shutil.copyfile(EXERCISES / f"{module}.py", target / f"{module}.py")
        else:
            kind = "broken"
            module, code = rng.choice(BUGS)
            with open(target / f"{module}.py", "a", encoding="utf-8") as f:
                f.write("\n\n" + code)
        with open(target / "functions.py", "a", encoding="utf-8") as f:
            f.write(f"\n# {target.name}\n")  # every copy differs: no two share a content hash
        kinds[kind] += 1
    return kinds


def run_batch(submissions: Path, out: Path, jobs: int, sandbox: str) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of the whole process tree, and the isolation it used."""
    cores = sorted(os.sched_getaffinity(0))[:jobs] if hasattr(os, "sched_getaffinity") else None
    env = {**os.environ, "LANG": "en_US.UTF-8"}
    before, busy_before = resource.getrusage(resource.RUSAGE_CHILDREN), machine_busy()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "grader", "batch", str(submissions), "--out", str(out),
                           "-j", str(jobs), "--sandbox", sandbox], cwd=ROOT, env=env, capture_output=True,
                          text=True, preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None)
    elapsed = time.perf_counter() - start
    after, busy = resource.getrusage(resource.RUSAGE_CHILDREN), machine_busy() - busy_before
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"grader batch exited {done.returncode}:\n{done.stderr[-2000:]}")
    isolation = next((line for line in done.stdout.splitlines() if line.startswith("Isolation:")), "")
    if isolation.startswith("Isolation: bubblewrap"):  # the sandboxes' CPU time never reaches our rusage
        return elapsed, busy, isolation + " [CPU: whole machine]"
    return elapsed, cpu, isolation + " [CPU: the batch's processes]"


def machine_busy() -> float:
    """CPU seconds every core of the machine spent not idle, since boot (Linux /proc/stat)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return float("nan")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def bare_seconds(submissions: list[Path]) -> tuple[float, float]:
    """Wall and CPU seconds per submission to grade in this process: no child, no
    isolation, no cache."""
    os.environ.update({"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
    sys.dont_write_bytecode = True  # as in the grader's children: every import compiles
    from grader.judging.checks import check_rng
    from grader.boundary.child import StudentModules, run_probe
    from grader.grading.engine import DEFAULT_SEED, judge_safely
    from grader.topics.registry import declare, names

    checks = [c for name in names() for c in declare(name).checks]
    specs = {(c.topic, c.name): c.build(check_rng(DEFAULT_SEED, c.topic, c.name)) for c in checks}
    start, cpu = time.perf_counter(), time.process_time()
    for folder in submissions:
        for name in MODULES:
            sys.modules.pop(name, None)
        sys.path.insert(0, str(folder))
        importlib.invalidate_caches()
        modules = StudentModules(folder.resolve())
        for check in checks:
            spec = specs[(check.topic, check.name)]
            outcome = run_probe(modules, copy.deepcopy(spec))
            judge_safely(check, spec, outcome)
        sys.path.remove(str(folder))
    count = len(submissions)
    return (time.perf_counter() - start) / count, (time.process_time() - cpu) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--sample", type=int, default=100, help="submissions graded bare, in process")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sandbox", default="auto", choices=("auto", "bwrap", "none"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grader-throughput-") as tmp:
        submissions = Path(tmp) / "submissions"
        submissions.mkdir()
        kinds = make_class(submissions, args.count)
        print(f"{args.count} submissions: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
        wall, cpu, isolation = run_batch(submissions, Path(tmp) / "grades", args.jobs, args.sandbox)
        graded = json.loads((Path(tmp) / "grades" / "results.json").read_text())["students"]
        assert len(graded) == args.count
        folders = sorted(submissions.iterdir())
        sample = folders[:: max(1, len(folders) // args.sample)][: args.sample]
        bare_wall, bare_cpu = bare_seconds(sample)
    rate = args.count / wall
    cost, cpu_cost = wall * args.jobs / args.count, cpu / args.count
    print(isolation)
    print(f"grader batch -j {args.jobs}: {wall:6.2f} s for {args.count} = {rate:5.1f} submissions/s (goal ≥ 20)")
    print(f"per submission, wall: batch {cost * 1000:6.1f} ms × core, bare in-process {bare_wall * 1000:6.1f} ms "
          f"(sample of {len(sample)}): ratio {cost / bare_wall:.2f} (goal ≤ 2)")
    print(f"per submission, CPU:  batch {cpu_cost * 1000:6.1f} ms (every process of it), bare in-process "
          f"{bare_cpu * 1000:6.1f} ms: ratio {cpu_cost / bare_cpu:.2f} (goal ≤ 2)")


if __name__ == "__main__":
    main()
