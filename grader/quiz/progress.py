"""The student's best score per section, kept in a small JSON file.

The file lives in the user's data folder (platformdirs), or in ``$GRADER_DATA_DIR`` so
tests and classroom machines can point it elsewhere. A damaged file is treated as empty
rather than stopping the quiz: progress is a convenience, not a record of grades.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ENV_DATA_DIR = "GRADER_DATA_DIR"
APP_NAME = "dl-exercises-grader"
FILE_NAME = "quiz-progress.json"


class ProgressError(Exception):
    """The progress file could not be read or written; ``detail`` says why."""

    def __init__(self, path: Path, detail: str):
        super().__init__(detail)
        self.path = path
        self.detail = detail


@dataclass(frozen=True)
class SectionProgress:
    best: float
    max_score: float
    attempts: int
    last: str


def progress_path() -> Path:
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override) / FILE_NAME
    from platformdirs import user_data_dir
    return Path(user_data_dir(APP_NAME, appauthor=False)) / FILE_NAME


def load() -> dict[str, SectionProgress]:
    """Progress per section id; empty when there is none yet. Raises ProgressError when
    the file exists but cannot be used."""
    path = progress_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ProgressError(path, str(exc)) from None
    sections = raw.get("sections") if isinstance(raw, dict) else None
    if not isinstance(sections, dict):
        raise ProgressError(path, "unexpected content")
    return {sid: entry for sid, value in sections.items() if (entry := _entry(value))}


def _entry(value: Any) -> SectionProgress | None:
    try:
        return SectionProgress(float(value["best"]), float(value["max_score"]),
                               int(value["attempts"]), str(value.get("last", "")))
    except (TypeError, KeyError, ValueError):
        return None


def record(section_id: str, score: float, max_score: float, *, new_attempt: bool = True) -> SectionProgress:
    """Count one attempt at ``section_id``; keep the best score. Returns the new entry.

    ``new_attempt=False`` updates the attempt already counted (``take`` saves after every
    answer; its score only grows within an attempt)."""
    try:
        current = load()
    except ProgressError:
        current = {}  # a damaged file is replaced rather than blocking every attempt
    old = current.get(section_id)
    best = score if old is None or old.max_score != max_score else max(old.best, score)
    counted = 1 if new_attempt or old is None else 0
    entry = SectionProgress(best, max_score, (old.attempts if old else 0) + counted,
                            datetime.now(timezone.utc).isoformat(timespec="seconds"))
    current[section_id] = entry
    _save(current)
    return entry


def reset(section_ids: list[str] | None = None) -> list[str]:
    """Forget the given sections (all when None); returns the ids that were removed."""
    try:
        current = load()
    except ProgressError:
        current = {}
        if section_ids is None:
            progress_path().unlink(missing_ok=True)
            return []
    removed = sorted(current) if section_ids is None else [s for s in section_ids if s in current]
    for sid in removed:
        del current[sid]
    _save(current)
    return removed


def _save(sections: dict[str, SectionProgress]) -> None:
    path = progress_path()
    payload = {"version": 1, "sections": {sid: asdict(e) for sid, e in sorted(sections.items())}}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so an interrupted save never leaves half a file.
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         prefix=".quiz-progress-", suffix=".tmp") as f:
            json.dump(payload, f, ensure_ascii=False, indent=2)
        os.replace(f.name, path)
    except OSError as exc:
        raise ProgressError(path, str(exc)) from None
