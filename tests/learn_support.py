"""Shared helpers for the learner tests (no tests here): a student's course folder and
the real `grader` command run in it with a private progress folder."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from grader.authoring.blanks import parse_file

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
LANGS = ("ja", "en")


@dataclass
class Student:
    """A clone as a student has it: ``home/exercises`` and a progress folder of their own."""

    home: Path
    data: Path

    @property
    def exercises(self) -> Path:
        return self.home / "exercises"

    @property
    def progress_file(self) -> Path:
        return self.data / "exercise-progress.json"

    def run(self, *args: str, lang: str = "en") -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GRADER_", "LC_", "LANG"))}
        env.update(GRADER_DATA_DIR=str(self.data), LANG="ja_JP.UTF-8" if lang == "ja" else "en_US.UTF-8",
                   PYTHONIOENCODING="utf-8")
        done = subprocess.run([sys.executable, "-m", "grader", *args], cwd=self.home, env=env,
                              capture_output=True, text=True, encoding="utf-8", timeout=180)
        assert "Traceback" not in done.stderr + done.stdout, done.stderr
        return done

    def json(self, *args: str, lang: str = "en") -> dict:
        done = self.run(*args, "--json", lang=lang)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def solve(self, module: str, *qualnames: str) -> None:
        """Fills in the named functions' blanks with the model code (the solution's module
        replaces the exercise's, other functions keep their blanks)."""
        exercise = (self.exercises / f"{module}.py").read_text(encoding="utf-8")
        for region in parse_file(SOLUTIONS / f"{module}.py"):
            if region.qualname in qualnames:
                marker = f'raise NotImplementedError("{region.message}")'
                assert marker in exercise
                code = "\n".join(region.solution)
                exercise = exercise.replace(f"{region.indent}{marker}", code)
        (self.exercises / f"{module}.py").write_text(exercise, encoding="utf-8")


def new_student(tmp_path: Path, filled: bool = False) -> Student:
    home = tmp_path / "course"
    shutil.copytree(SOLUTIONS if filled else EXERCISES, home / "exercises",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return Student(home, tmp_path / "data")


def ladder_of(topic_module: str, qualname: str) -> list[tuple[str, str]]:
    region = next(r for r in parse_file(SOLUTIONS / f"{topic_module}.py") if r.qualname == qualname)
    return list(region.hints)
