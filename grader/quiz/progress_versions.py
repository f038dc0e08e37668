"""Versions of the progress file and the steps that bring an old one up to date.

A version is bumped whenever a section id changes meaning, so an old file is read by
its own version's ids and never by guessing from the names (``day2-s2`` was weight
initialisation in version 1 and is the optimizers in version 2).
"""
from __future__ import annotations

from typing import Any, Callable

from grader.quiz.section_ids import RENAMED_IN_V2

CURRENT_VERSION = 2


class UnusableProgress(Exception):
    """The content is not a progress file this grader understands; ``detail`` says why."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class FutureProgress(Exception):
    """Written by a newer grader (``version`` > :data:`CURRENT_VERSION`)."""

    def __init__(self, version: int):
        super().__init__(f"version {version}")
        self.version = version


def upgrade(raw: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """``raw`` (the parsed JSON) at :data:`CURRENT_VERSION`, and the ``(old, new)`` section
    ids moved on the way (empty when the file was already current)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("sections"), dict):
        raise UnusableProgress("unexpected content")
    version = raw.get("version", 1)  # every file written before versions mattered said 1
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise UnusableProgress(f"unknown version {version!r}")
    if version > CURRENT_VERSION:
        raise FutureProgress(version)
    moves: list[tuple[str, str]] = []
    while version < CURRENT_VERSION:
        raw, moved = _STEPS[version](raw)
        moves += moved
        version += 1
    return raw, moves


def _v1_to_v2(raw: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    # All renames at once: day2-s5 → day2-s2 must not land on the old day2-s2 before it moved.
    old = raw["sections"]
    kept = {sid: value for sid, value in old.items() if sid not in RENAMED_IN_V2}
    moved = [(sid, RENAMED_IN_V2[sid]) for sid in sorted(old) if sid in RENAMED_IN_V2]
    sections = {**kept, **{new: old[sid] for sid, new in moved}}
    return {**raw, "version": 2, "sections": sections}, moved


_STEPS: dict[int, Callable[[dict[str, Any]], tuple[dict[str, Any], list[tuple[str, str]]]]] = {
    1: _v1_to_v2,
}
