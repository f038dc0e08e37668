"""The learner's progress per topic, kept in a JSON file beside the quiz progress.

Per topic: attempts, best points (of the current maximum), the date of the first full
marks, the last recorded check's result, the hint levels seen per blank and whether the
model solution was viewed. The file lives in the same user data folder as the quiz
progress (``$GRADER_DATA_DIR`` overrides it), never inside a submission folder.

Every save writes a temporary file and renames it over the old one, so an interrupted
save leaves the previous file whole. A file that cannot be used — not JSON, an
unexpected shape, or a version newer than this grader knows — is never overwritten:
it is moved aside (``exercise-progress.json.broken-<time>`` or ``….v<N>-<time>``) and
a notice says where; when it cannot even be moved, nothing is saved over it.
"""
from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

FILE_NAME = "exercise-progress.json"
# 2: hints_seen keyed by the blanks' stable ids (QUALNAME#ID), no longer by MODULE.py (KANA).
VERSION = 2


class ProgressError(Exception):
    """The progress file could not be written; ``detail`` says why."""

    def __init__(self, path: Path, detail: str):
        super().__init__(detail)
        self.path = path
        self.detail = detail


@dataclass
class TopicProgress:
    attempts: int = 0
    best_points: float = 0.0
    max_points: float = 0.0
    first_full_marks: str | None = None  # ISO date of the first check at full marks
    last_points: float | None = None
    last_passed: bool = False  # every check of the topic passed in the last recorded check
    last_check: str | None = None  # ISO time of the last recorded check
    hints_seen: dict[str, list[int]] = field(default_factory=dict)  # blank key -> levels
    solution_viewed: bool = False

    @property
    def full_marks(self) -> bool:
        return self.max_points > 0 and self.best_points >= self.max_points

    def seen(self, blank: str) -> list[int]:
        return self.hints_seen.get(blank, [])

    def see(self, blank: str, level: int) -> None:
        self.hints_seen[blank] = sorted({*self.seen(blank), level})


@dataclass
class Progress:
    topics: dict[str, TopicProgress] = field(default_factory=dict)
    last_finished: list[str] = field(default_factory=list)  # topics the last check brought to full marks

    def topic(self, name: str) -> TopicProgress:
        return self.topics.setdefault(name, TopicProgress())


@dataclass(frozen=True)
class Notice:
    """Something the user must be told about the file: a message key and its fields."""

    key: str
    fields: dict[str, Any]


@dataclass
class Loaded:
    progress: Progress
    notices: list[Notice] = field(default_factory=list)
    writable: bool = True  # False when an unusable file could not be moved aside


def store_path() -> Path:
    """The progress file, in the quiz progress's folder (``$GRADER_DATA_DIR`` overrides)."""
    from grader.quiz.progress import progress_path
    return progress_path().parent / FILE_NAME


def load() -> Loaded:
    """The progress on disk; empty when there is none yet. Never raises for a bad file."""
    path = store_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Loaded(Progress())
    except OSError as exc:
        return Loaded(Progress(), [Notice("learn.progress.unreadable", {"path": path, "detail": exc.strerror or exc})],
                      writable=False)
    from grader.quiz.progress import strict_json
    try:
        raw = strict_json(text)
    except ValueError as exc:
        return _set_aside(path, "broken", "learn.progress.corrupt", {"detail": exc})
    version = raw.get("version") if isinstance(raw, dict) else None
    if isinstance(version, int) and version > VERSION:
        return _set_aside(path, f"v{version}", "learn.progress.future", {"version": version})
    try:
        return Loaded(_progress(raw))
    except (TypeError, KeyError, ValueError, AttributeError, OverflowError) as exc:
        return _set_aside(path, "broken", "learn.progress.corrupt", {"detail": f"unexpected content ({exc})"})


def _progress(raw: dict) -> Progress:
    if raw.get("version") == 1:
        raw = _v1_to_v2(raw)
    if raw.get("version") != VERSION or not isinstance(raw.get("topics"), dict):
        raise ValueError(f"no version {VERSION} topics")
    topics = {str(name): _topic(value) for name, value in raw["topics"].items()}
    return Progress(topics, [str(t) for t in raw.get("last_finished", [])])


def _v1_to_v2(raw: dict) -> dict:
    """Re-keys the hint levels seen from blank positions to the blanks' stable ids.

    A key the frozen table does not know (a blank that no longer exists) is kept as it
    was: nothing the learner saw is thrown away, it just names no blank today."""
    from grader.learn.progress_v1_keys import V1_KEYS
    if not isinstance(raw.get("topics"), dict):
        raise ValueError("no version 1 topics")
    topics = {}
    for name, value in raw["topics"].items():
        value = dict(value)
        seen: dict[str, list] = {}
        for blank, levels in dict(value.get("hints_seen", {})).items():
            key = V1_KEYS.get(str(blank), str(blank))
            seen[key] = sorted({*seen.get(key, []), *levels})
        value["hints_seen"] = seen
        topics[name] = value
    return {**raw, "version": 2, "topics": topics}


def _topic(value: dict) -> TopicProgress:
    hints = {str(blank): sorted({int(level) for level in levels})
             for blank, levels in dict(value.get("hints_seen", {})).items()}
    last_points = value.get("last_points")
    return TopicProgress(
        attempts=int(value.get("attempts", 0)), best_points=_finite(value.get("best_points", 0.0)),
        max_points=_finite(value.get("max_points", 0.0)),
        first_full_marks=_optional_str(value.get("first_full_marks")),
        last_points=None if last_points is None else _finite(last_points),
        last_passed=bool(value.get("last_passed", False)),
        last_check=_optional_str(value.get("last_check")),
        hints_seen=hints, solution_viewed=bool(value.get("solution_viewed", False)))


def _finite(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _set_aside(path: Path, tag: str, key: str, fields: dict[str, Any]) -> Loaded:
    """Moves an unusable file out of the way (never deletes it) and says where it went."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    moved = path.with_name(f"{path.name}.{tag}-{stamp}")
    try:
        os.replace(path, moved)
    except OSError as exc:
        return Loaded(Progress(), [Notice(key, {"path": path, **fields}),
                                   Notice("learn.progress.not_moved", {"path": path, "detail": exc.strerror or exc})],
                      writable=False)
    return Loaded(Progress(), [Notice(key, {"path": path, **fields}),
                               Notice("learn.progress.moved", {"moved": moved})])


def save(progress: Progress) -> None:
    """Writes the progress atomically; raises ProgressError when the folder is unusable."""
    path = store_path()
    payload = {"version": VERSION, "last_finished": progress.last_finished,
               "topics": {name: asdict(entry) for name, entry in sorted(progress.topics.items())}}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         prefix=".exercise-progress-", suffix=".tmp") as f:
            json.dump(payload, f, ensure_ascii=False, indent=2)
        os.replace(f.name, path)
    except OSError as exc:
        raise ProgressError(path, exc.strerror or str(exc)) from None


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


def record_result(progress: Progress, topic: str, points: float, max_points: float, passed: bool) -> bool:
    """Counts one graded attempt at ``topic``; True when it brought the first full marks."""
    entry = progress.topic(topic)
    if entry.max_points != max_points:  # the topic's checks changed: older bests don't compare
        entry.best_points = 0.0
        entry.max_points = max_points
    entry.attempts += 1
    entry.best_points = max(entry.best_points, points)
    entry.last_points = points
    entry.last_passed = passed
    entry.last_check = now()
    first = entry.first_full_marks is None and max_points > 0 and points >= max_points
    if first:
        entry.first_full_marks = today()
    return first
