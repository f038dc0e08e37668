"""Broken and correct copies of solutions/, graded by the real `grader check` on real folders.

Shared by tests/hints_graded.py and benchmarks/hint_quality.py: load the variants (YAML
beside this file), write each as a submission folder, grade them (every copy on its own
topics by its own `grader check`, or a class of copies by one `grader batch`), and read back
which catalogued hints each message shows.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOLUTIONS = ROOT / "solutions"


@dataclass(frozen=True)
class Variant:
    name: str  # a catalogue id for a broken copy, a short name for a correct one
    module: str
    topics: tuple[str, ...]
    edits: tuple[dict, ...] = ()
    replace: str = ""


def broken() -> list[Variant]:
    """One broken copy per catalogue entry, graded on the entry's topic."""
    return [Variant(name, v["module"], (name.split(".")[0],), tuple(v.get("edits", ())), v.get("replace", ""))
            for name, v in _load("broken.yaml").items()]


def correct() -> list[Variant]:
    return [Variant(name, v["module"], tuple(v["topics"]), tuple(v.get("edits", ())), v.get("replace", ""))
            for name, v in _load("correct.yaml").items()]


def _load(file: str) -> dict:
    return yaml.safe_load((HERE / file).read_text(encoding="utf-8"))


def write(variant: Variant, folder: Path) -> Path:
    """solutions/ with the variant's change, as a submission folder."""
    shutil.copytree(SOLUTIONS, folder)
    path = folder / f"{variant.module}.py"
    text = path.read_text(encoding="utf-8")
    for edit in variant.edits:
        text = _edited(text, edit["old"], edit["new"], edit.get("within"))
    if variant.replace:
        text += "\n\n" + variant.replace
    path.write_text(text, encoding="utf-8")
    return folder


def _edited(text: str, old: str, new: str, within: str | None) -> str:
    start, end = 0, len(text)
    if within:  # only inside that class: several optimizers share lines
        start = text.index(f"class {within}")
        following = text.find("\nclass ", start + 1)
        end = following if following != -1 else len(text)
    block = text[start:end]
    if old not in block:
        raise ValueError(f"{old!r} is not in solutions' {within or 'module'}")
    return text[:start] + block.replace(old, new) + text[end:]


def grade(folder: Path, topics: tuple[str, ...]) -> tuple[int, dict]:
    """Exit status and JSON of `grader check TOPICS --submission FOLDER --json --lang en`
    (every topic when ``topics`` is empty)."""
    done = subprocess.run([sys.executable, "-m", "grader", "check", *topics, "--submission", str(folder),
                           "--json", "--lang", "en"], cwd=ROOT, env=_english(), capture_output=True, text=True,
                          timeout=300)
    if not done.stdout.strip():
        raise RuntimeError(f"no JSON from grader check: {done.stderr[-2000:]}")
    return done.returncode, json.loads(done.stdout)


def _english() -> dict[str, str]:
    return {**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


def grade_all(variants: list[Variant], workdir: Path) -> dict[str, tuple[int, dict]]:
    """Every variant graded on its topics, several at a time (each run is its own process)."""
    def one(variant: Variant) -> tuple[str, tuple[int, dict]]:
        folder = write(variant, copy_folder(workdir, variant))
        return variant.name, grade(folder, variant.topics)

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return dict(pool.map(one, variants))


def grade_class(variants: list[Variant], workdir: Path) -> dict[str, dict]:
    """Every variant graded on every topic by ONE `grader batch` over a class of copies (one
    sub-folder per copy, named after it: see :func:`copy_folder`): each copy's object of the
    batch's results.json, with the fields the batch adds to `grader check --json`'s. Raises
    when the batch fails or a copy has no result: a copy is never left out silently."""
    submissions = workdir / "class"
    for variant in variants:
        write(variant, copy_folder(submissions, variant))
    out = workdir / "grades"
    done = subprocess.run([sys.executable, "-m", "grader", "batch", str(submissions), "--out", str(out),
                           "--lang", "en"], cwd=ROOT, env=_english(), capture_output=True, text=True,
                          timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"grader batch exited {done.returncode}: {done.stderr[-2000:]}")
    students = json.loads((out / "results.json").read_text(encoding="utf-8"))["students"]
    missing = sorted({copy_folder(submissions, v).name for v in variants} - set(students))
    if missing:
        raise RuntimeError(f"grader batch gave no result for {missing}: {done.stderr[-2000:]}")
    return {v.name: students[copy_folder(submissions, v).name] for v in variants}


def copy_folder(submissions: Path, variant: Variant) -> Path:
    """The copy's folder among the others (in a class, its name is the student's name in the
    batch's results)."""
    return submissions / variant.name


def hint_patterns() -> dict[str, re.Pattern]:
    """Every catalogued hint key -> a pattern of its English text (fields match anything)."""
    from grader.topics.registry import misconceptions as catalogue
    from grader.i18n import catalogue as messages
    patterns = {}
    for key in {entry.key for entry in catalogue()}:
        text = re.escape(messages()[key]["en"])
        patterns[key] = re.compile(re.sub(r"\\\{\w+\\\}", ".+?", text))
    return patterns


def hints_shown(report: dict, patterns: dict[str, re.Pattern]) -> set[str]:
    """The catalogued hints that any message of the report shows."""
    text = "\n".join(r["message"] for r in report["results"])
    return {key for key, pattern in patterns.items() if pattern.search(text)}


def full_marks(report: dict) -> bool:
    return report["score"] == report["max_score"] > 0 and all(r["passed"] for r in report["results"])
