"""The tree stays a map: the layering contracts hold, topics are found and complete, no
module outgrows its idea, and listing the topics never loads the oracle."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from grader.topics import registry

ROOT = Path(__file__).resolve().parents[1]
GRADER = ROOT / "grader"
ENTRY_POINTS = {"__init__.py", "__main__.py", "cli.py", "i18n.py", "notebook.py"}
MAX_LINES = 420  # "~400": a module past this holds more than one idea


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    return subprocess.run([command, "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_import_contracts_hold():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Contracts: 4 kept, 0 broken." in done.stdout


def test_a_topic_that_imports_the_oracle_on_the_child_side_breaks_a_named_contract(tmp_path):
    """The contracts are not decoration: a probe importing the reference fails by name."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "notebooks",
                                                               "exercises", "quizzes", "tests", "benchmarks"))
    probe = copy / "grader" / "topics" / "minibatch" / "probe.py"
    probe.write_text(probe.read_text() + "\nimport reference.minibatch  # noqa\n")
    done = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                           "sys.exit(lint_imports_command(['--no-cache']))"],
                          cwd=copy, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"})
    assert done.returncode != 0
    assert "The child side (process boundary and probes) never imports the reference" in done.stdout
    assert "grader.topics.minibatch.probe is not allowed to import reference" in done.stdout


def test_the_grader_folder_holds_only_entry_points_and_packages():
    loose = {p.name for p in GRADER.iterdir() if p.is_file() and p.suffix == ".py"}
    assert loose <= ENTRY_POINTS, sorted(loose - ENTRY_POINTS)


def test_no_module_outgrows_its_idea():
    long = {str(p.relative_to(ROOT)): n for p in GRADER.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_every_topic_folder_is_found_and_holds_its_parts():
    folders = {p.name for p in (GRADER / "topics").iterdir()
               if p.is_dir() and (p / "__init__.py").exists() and p.name not in registry.SHARED}
    assert set(registry.names()) == folders
    for about in registry.topics():
        folder = GRADER / "topics" / about.name
        assert (folder / "checks.py").exists(), about.name
        topic = registry.declare(about.name)
        assert topic.name == about.name and topic.checks, about.name
        assert about.calls, about.name
        messages = folder / "messages.yaml"
        if messages.exists():  # a topic's sentences, both languages
            for key, texts in yaml.safe_load(messages.read_text(encoding="utf-8")).items():
                assert set(texts) == {"en", "ja"}, (about.name, key)


def test_every_misconception_hint_lives_with_its_topic_or_its_family():
    homes = {p.parent.name: set(yaml.safe_load(p.read_text(encoding="utf-8")))
             for p in registry.message_files()}
    for entry in registry.misconceptions():
        assert entry.key in homes.get(entry.topic, set()) | homes.get("families", set()), entry.id


def test_listing_the_topics_does_not_load_the_oracle():
    """The grader forks the first child after listing topics: the reference must not be in it."""
    code = ("import sys; from grader.topics import registry; registry.names(); registry.student_modules(); "
            "import grader.check.cli; print(sorted(m for m in sys.modules if m.split('.')[0] == 'reference'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("about", registry.topics(), ids=lambda a: a.name)
def test_each_topics_functions_belong_to_its_module_in_the_solutions(about):
    source = (ROOT / "solutions" / f"{about.module}.py").read_text(encoding="utf-8")
    for name in about.functions:
        assert f"def {name}(" in source or f"class {name}" in source, (about.name, name)
