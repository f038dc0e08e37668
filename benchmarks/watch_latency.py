"""How long `grader watch` takes from saving a fixed softmax to printing `softmax N/N ✔`.

Against a bare `python -c "import numpy"` on the same machine, measured in this one run
(goal: ratio ≤ 0.5 — a re-grade must cost less than starting Python with NumPy).
The watched folder holds the solved functions.py except softmax's blank, so softmax is
the topic being edited; each round saves the blank back, waits for `softmax 0/6 ✘`, then
saves the fixed module and times the wait for `softmax N/N ✔`.
Usage: python benchmarks/watch_latency.py [--repeat N]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.authoring.blanks import exercise_lines, parse_regions, render, solution_lines  # noqa: E402

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def functions_source(softmax_blank: bool) -> str:
    """solutions/functions.py without markers, softmax's blank left open when asked."""
    path = ROOT / "solutions" / "functions.py"
    source = path.read_text(encoding="utf-8")
    regions = parse_regions(source, path)
    return render(source, regions, lambda r: exercise_lines(r) if softmax_blank and r.qualname == "softmax"
                  else solution_lines(r))


def save(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def wait_for(stream, pattern: str) -> None:
    """Read lines until one matches ``pattern`` (softmax's points follow its checks)."""
    while True:
        got = stream.readline()
        if not got:
            raise SystemExit(f"grader watch ended before printing {pattern!r}")
        if re.fullmatch(pattern, got.strip()):
            return


def numpy_seconds(repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import numpy"], env=ENV, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def watch_seconds(repeat: int) -> float:
    with tempfile.TemporaryDirectory(prefix="watch-latency-") as tmp:
        folder = Path(tmp) / "exercises"
        shutil.copytree(ROOT / "exercises", folder, ignore=shutil.ignore_patterns("__pycache__"))
        blank, fixed = functions_source(True), functions_source(False)
        save(folder / "functions.py", blank)
        env = {**ENV, "GRADER_DATA_DIR": str(Path(tmp) / "data"), "PYTHONPATH": str(ROOT)}
        watch = subprocess.Popen([sys.executable, "-m", "grader", "watch", "--plain", "--submission", str(folder)],
                                 cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        try:
            wait_for(watch.stdout, r"cnn_training 0/\d+ ✘")  # the first grading of every topic is done
            times = []
            for _ in range(repeat):
                save(folder / "functions.py", blank)
                wait_for(watch.stdout, r"softmax 0/\d+ ✘")
                time.sleep(0.3)  # the watcher settles: the next save is a save of its own
                start = time.perf_counter()
                save(folder / "functions.py", fixed)
                wait_for(watch.stdout, r"softmax (\d+)/\1 ✔")
                times.append(time.perf_counter() - start)
            return statistics.median(times)
        finally:
            watch.terminate()
            watch.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    bare = numpy_seconds(repeat)
    regrade = watch_seconds(repeat)
    bare = (bare + numpy_seconds(repeat)) / 2  # before and after: machine noise hits both alike
    print(f"python -c 'import numpy'          median {bare * 1000:7.1f} ms")
    print(f"save -> 'softmax N/N ✔' in watch  median {regrade * 1000:7.1f} ms over {repeat} saves")
    print(f"ratio {regrade / bare:.2f} (goal ≤ 0.5)")


if __name__ == "__main__":
    main()
