"""The order the test files are handed to pytest-xdist's workers, and what `-m fast` collects.

`--dist loadfile` keeps a file on one worker and hands files out in collection order (the
addopts turn off xdist's own reordering, which puts files with many tests first: the few
minute-long end-to-end files, with few tests each, then started last and the other worker
sat idle while they ran). Longest first is the classic schedule that keeps both workers
busy to the end; how long a file takes is read from the previous run, kept in pytest's
cache (`.pytest_cache`). Without a previous run (a fresh checkout, CI) the files with
`slow` tests go first. Only the order changes: every collected test still runs.
"""
from __future__ import annotations

import itertools
from collections import defaultdict
from pathlib import Path

import pytest
from _pytest.mark.expression import Expression

CACHE_KEY = "grader-tests/seconds-per-file"
# Marks a test in a file outside the tier may carry: `-m EXPR` may select by any of them.
BUILTIN_MARKS = ("parametrize", "skip", "skipif", "xfail", "usefixtures", "filterwarnings")


def file_order(items: list[pytest.Item], seconds: dict[str, float]) -> list[pytest.Item]:
    """``items`` grouped by file, the longest file first (collection order within a file).

    A file the previous run did not time is taken as long: it goes first, where a long one
    costs least; without any timing, files with ``slow`` tests go first.
    """
    files: dict[str, list[pytest.Item]] = defaultdict(list)
    for item in items:
        files[item.path.name].append(item)

    def expected(name: str) -> tuple[int, float]:
        if seconds:
            return (0, -seconds[name]) if name in seconds else (-1, 0.0)
        return (0 if any(item.get_closest_marker("slow") for item in files[name]) else 1, 0.0)

    order = sorted(files, key=expected)  # stable: ties keep collection order
    return [item for name in order for item in files[name]]


def seconds_per_file(reports: list[pytest.TestReport]) -> dict[str, float]:
    """Each file's setup, call and teardown time, summed over its tests."""
    total: dict[str, float] = defaultdict(float)
    for report in reports:
        total[Path(report.nodeid.split("::")[0]).name] += report.duration
    return dict(total)


def only_outside_files_deselected(markexpr: str, marks: list[str], tier_mark: str) -> bool:
    """True when ``-m markexpr`` selects no test that lacks ``tier_mark``, whatever other marks
    it carries: then a file outside the tier need not even be imported."""
    if not markexpr:
        return False
    try:
        expression = Expression.compile(markexpr)
    except Exception:  # pytest itself reports a malformed expression
        return False
    others = sorted({*marks, *BUILTIN_MARKS} - {tier_mark})
    for size in range(len(others) + 1):
        for chosen in itertools.combinations(others, size):
            if expression.evaluate(lambda name, chosen=frozenset(chosen), **_: name in chosen):
                return False
    return True


def registered_marks(config: pytest.Config) -> list[str]:
    return [line.split(":")[0].split("(")[0].strip() for line in config.getini("markers")]
