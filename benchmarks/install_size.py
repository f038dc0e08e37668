"""How big and how slow a student's install is, from nothing to the first `grader check` table.

    python benchmarks/install_size.py                  # the light student install (`pip install -e .`)
    python benchmarks/install_size.py --extras instructor,plots
    python benchmarks/install_size.py --ref ec992ab    # the same for an older commit (before/after)
    python benchmarks/install_size.py --no-compile     # what pip's byte-compiling costs of it

In a fresh virtual environment made in a temporary folder, with pip's cache switched off
(``--no-cache-dir`` and ``PIP_NO_CACHE_DIR``: every wheel is fetched and unpacked again, as
on a student's first install), it times the three steps a student takes — ``python -m venv``,
``pip install -e ".[EXTRAS]"``, ``grader check`` on the exercises — and measures the
environment's size on disk (every file's size, links not followed) and how many
distributions pip put there. The goals (issue 21): at most 200 MB and 60 s in all.

The numbers depend on the machine and on the network's (or the local index's) speed: one
run, noisy when the machine is busy. ``--ref`` exports that commit of this repository with
``git archive`` into the temporary folder and measures its install instead of the work tree.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOAL_MB, GOAL_SECONDS = 200, 60


def tree_bytes(folder: Path) -> int:
    """Bytes of every regular file under ``folder`` (symbolic links are not followed)."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(root) / name
            if not path.is_symlink():
                total += path.stat().st_size
    return total


def source_tree(ref: str | None, scratch: Path) -> Path:
    """The work tree, or commit ``ref`` exported into ``scratch``."""
    if ref is None:
        return REPO
    out = scratch / "source"
    out.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    return out


def timed(command: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - start, done


def measure(source: Path, scratch: Path, extras: str, python: str, compile_: bool = True) -> dict:
    venv = scratch / "venv"
    env = {**os.environ, "PIP_NO_CACHE_DIR": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("VIRTUAL_ENV", None)
    seconds_venv, done = timed([python, "-m", "venv", str(venv)], env=env)
    done.check_returncode()
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    target = f"{source}[{extras}]" if extras else str(source)
    no_compile = [] if compile_ else ["--no-compile"]
    seconds_pip, done = timed([str(bin_dir / "python"), "-m", "pip", "install", "--no-cache-dir", "-q",
                               *no_compile, "-e", target], env=env)
    if done.returncode != 0:
        raise SystemExit(f"pip install failed:\n{done.stderr[-3000:]}")
    # The first table a student sees: their (unfilled) exercises, graded. Exit 1 is a
    # verdict (something failed); only 2 means the grader could not run.
    seconds_check, done = timed([str(bin_dir / "grader"), "check", "--lang", "en"], cwd=source, env=env)
    if done.returncode not in (0, 1):
        raise SystemExit(f"grader check exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    listed = subprocess.run([str(bin_dir / "python"), "-m", "pip", "list", "--format", "json"],
                            capture_output=True, text=True, env=env, check=True).stdout
    return {"extras": extras, "compiled": compile_, "venv_mb": round(tree_bytes(venv) / 1e6, 1),
            "distributions": len(json.loads(listed)),
            "seconds": {"venv": round(seconds_venv, 1), "pip_install": round(seconds_pip, 1),
                        "first_check": round(seconds_check, 1),
                        "total": round(seconds_venv + seconds_pip + seconds_check, 1)}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/install_size.py", description=__doc__.splitlines()[0])
    parser.add_argument("--extras", default="", help="extras to install, comma-separated (default: none)")
    parser.add_argument("--ref", help="measure this commit (git archive) instead of the work tree")
    parser.add_argument("--python", default=sys.executable, help="the Python that makes the venv")
    parser.add_argument("--no-compile", action="store_true",
                        help="pip install --no-compile (modules are compiled when first imported)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="grader-install-") as tmp:
        result = measure(source_tree(args.ref, Path(tmp)), Path(tmp), args.extras, args.python,
                         compile_=not args.no_compile)
    result["ref"] = args.ref or "work tree"
    result["within_goals"] = result["venv_mb"] <= GOAL_MB and result["seconds"]["total"] <= GOAL_SECONDS
    if args.json:
        print(json.dumps(result))
        return 0
    s = result["seconds"]
    print(f"{result['ref']} [{result['extras'] or 'student'}{'' if args.no_compile is False else ', --no-compile'}]: venv {result['venv_mb']} MB, "
          f"{result['distributions']} distributions; {s['total']} s in all "
          f"(venv {s['venv']} s, pip install {s['pip_install']} s, first grader check {s['first_check']} s); "
          f"goals ≤ {GOAL_MB} MB and ≤ {GOAL_SECONDS} s: {'met' if result['within_goals'] else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
