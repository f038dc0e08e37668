"""The suite's schedule (tests/scheduling.py): `-m fast` collects exactly the fast tier's files and
nothing else, and the files are handed to the workers longest first without losing a test."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import scheduling
from conftest import FAST_FILES, ROOT

MARKS = ["browser", "slow", "fast", "platforms"]


@pytest.mark.parametrize("expression, only_the_tier", [
    ("fast", True), ("fast and not slow", True), ("fast and browser", True), ("(fast)", True),
    ("", False), ("not slow", False), ("fast or browser", False), ("not fast", False),
    ("fast or not fast", False), ("fast or parametrize", False), ("slow", False),
])
def test_only_a_selection_that_needs_the_fast_mark_skips_the_other_files(expression, only_the_tier):
    assert scheduling.only_outside_files_deselected(expression, MARKS, "fast") is only_the_tier


def test_the_fast_tier_collects_every_fast_file_and_no_other():
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "--collect-only", "-n", "0", "-m", "fast",
                           "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    files = {Path(line.split("::")[0]).name for line in done.stdout.splitlines() if "::" in line}
    assert files == set(FAST_FILES)


@dataclass
class Item:  # what file_order reads of a pytest.Item
    name: str
    file: str
    marks: tuple[str, ...] = field(default=())

    @property
    def path(self) -> Path:
        return Path("tests") / self.file

    def get_closest_marker(self, name: str):
        return name if name in self.marks else None


ITEMS = [Item("a1", "test_a.py"), Item("a2", "test_a.py"), Item("b1", "test_b.py"),
         Item("c1", "test_c.py"), Item("c2", "test_c.py", ("slow",)), Item("d1", "test_d.py")]


def names(items) -> list[str]:
    return [item.name for item in items]


def test_files_go_longest_first_as_the_last_run_timed_them_and_an_untimed_file_first():
    seconds = {"test_a.py": 1.0, "test_b.py": 30.0, "test_c.py": 5.0}
    assert names(scheduling.file_order(ITEMS, seconds)) == ["d1", "b1", "c1", "c2", "a1", "a2"]


def test_without_timings_files_with_slow_tests_go_first_and_the_rest_keep_their_order():
    assert names(scheduling.file_order(ITEMS, {})) == ["c1", "c2", "a1", "a2", "b1", "d1"]


def test_seconds_per_file_sum_every_phase_of_every_test():
    @dataclass
    class Report:
        nodeid: str
        duration: float

    reports = [Report("tests/test_a.py::t[1]", 1.0), Report("tests/test_a.py::t[1]", 0.5),
               Report("tests/test_b.py::u", 2.0), Report("tests/test_a.py::v", 0.25)]
    assert scheduling.seconds_per_file(reports) == {"test_a.py": 1.75, "test_b.py": 2.0}
