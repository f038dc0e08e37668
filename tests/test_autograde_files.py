"""What `grader autograde` reads and leaves in a submission's folders, without a course.

timestamp.txt is read bounded and never through a link or from a FIFO (issue 20, item 6);
temporary files of a killed run are removed, nothing else (item 10).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.instructor.submission_files import TIMESTAMP_LIMIT, read_regular_file, remove_leftovers


def test_a_timestamp_is_read_whole_when_it_is_a_small_regular_file(tmp_path: Path) -> None:
    (tmp_path / "timestamp.txt").write_text("2026-04-01 10:00:00.000000 UTC\n")
    assert read_regular_file(tmp_path / "timestamp.txt", TIMESTAMP_LIMIT) == b"2026-04-01 10:00:00.000000 UTC\n"
    assert read_regular_file(tmp_path / "absent.txt", TIMESTAMP_LIMIT) is None


def test_a_link_a_fifo_and_a_huge_file_are_refused_without_being_read(tmp_path: Path) -> None:
    secret = tmp_path / "solutions.txt"
    secret.write_text("the answer")
    (tmp_path / "link").symlink_to(secret)
    os.mkfifo(tmp_path / "fifo")  # opened without O_NONBLOCK, this would wait forever
    with open(tmp_path / "huge", "wb") as huge:
        huge.truncate(50 * 2 ** 20)
    for name, said in (("link", "link"), ("fifo", "not a regular file"), ("huge", "52428800 bytes")):
        with pytest.raises(OSError, match=said):
            read_regular_file(tmp_path / name, TIMESTAMP_LIMIT)


def test_only_the_temporary_files_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    kept = ["day1.ipynb", "timestamp.txt", "submission_secret.txt", ".hidden", "x.12.tmp", ".day1.ipynb.tmp"]
    for name in kept + [".day1.ipynb.4242.tmp", ".timestamp.txt.17.tmp"]:
        (tmp_path / name).write_text("x")
    remove_leftovers(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)
