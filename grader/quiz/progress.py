"""The student's best score per section, kept in a small JSON file.

The file lives in the user's data folder (platformdirs), or in ``$GRADER_DATA_DIR`` so
tests and classroom machines can point it elsewhere. The file carries a version; older
versions are migrated on read (progress_versions.py). A damaged file is moved aside and
reading starts afresh rather than stopping the quiz: progress is a convenience, not a
record of grades, but nothing in it is thrown away.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from grader.quiz.progress_versions import CURRENT_VERSION, FutureProgress, UnusableProgress, upgrade

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
    unfinished: dict[str, Any] | None = None  # question id → answer, of an attempt stopped midway


MAX_FILE_BYTES = 4 * 1024 * 1024  # far beyond any real progress; a bigger file is not one


def strict_json(text: str) -> Any:
    """JSON as a progress file must be: plain finite numbers, no ``Infinity``/``NaN``,
    and not nested deeper than Python's parser goes. ValueError for anything else, so
    every caller sets such a file aside like any other damaged one."""
    if len(text) > MAX_FILE_BYTES:
        raise ValueError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a number a progress file holds")

    def finite(number: str) -> float:
        value = float(number)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{number[:40]} is not a finite number")
        return value

    try:
        return json.loads(text, parse_constant=no_constant, parse_float=finite)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def progress_path() -> Path:
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override) / FILE_NAME
    from platformdirs import user_data_dir
    return Path(user_data_dir(APP_NAME, appauthor=False)) / FILE_NAME


@dataclass(frozen=True)
class Notice:
    """Something the student should hear about their progress file (a message key)."""

    key: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Loaded:
    """What :func:`read` found. ``keep_file`` is set when the file could not be used nor
    moved aside: then it must not be overwritten either."""

    sections: dict[str, SectionProgress]
    notices: list[Notice]
    keep_file: bool = False


def read() -> Loaded:
    """Progress per section id, the file upgraded to the current version on the way.

    An old version is migrated and written back (atomically, the old file kept beside it
    as ``quiz-progress.v<N>.json``); a damaged file or one from a newer grader is moved
    aside, never overwritten, and reading starts afresh. None of these raises.
    """
    path = progress_path()
    try:
        raw = strict_json(path.read_text(encoding="utf-8"))
        current, moves = upgrade(raw)
    except FileNotFoundError:
        return Loaded({}, [])
    except FutureProgress as exc:
        return _set_aside(path, "quiz.progress.future_version",
                          {"version": exc.version, "supported": CURRENT_VERSION})
    except UnusableProgress as exc:
        return _set_aside(path, "quiz.progress.set_aside", {"detail": exc.detail})
    except ValueError as exc:  # not JSON, or not text
        return _set_aside(path, "quiz.progress.set_aside", {"detail": str(exc)})
    except OSError as exc:  # cannot even be read (permissions, a folder): leave it be
        return Loaded({}, [Notice("quiz.progress.read_failed", {"path": path, "detail": str(exc)})],
                      keep_file=True)
    sections = {sid: entry for sid, value in current["sections"].items() if (entry := _entry(value))}
    notices = _write_upgrade(path, raw, current, moves) if current is not raw else []
    return Loaded(sections, notices)


def has_old_progress() -> bool:
    """Whether this student's progress was saved under the old section ids: a version-1
    file still in place, or the copy an upgrade kept of one. Never raises."""
    path = progress_path()
    if any(path.parent.glob("quiz-progress.v1*.json")):
        return True
    try:
        raw = strict_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(raw, dict) and raw.get("version", 1) == 1 and bool(raw.get("sections"))


def load() -> dict[str, SectionProgress]:
    """Progress per section id; empty when there is none yet (see :func:`read`)."""
    return read().sections


def _write_upgrade(path: Path, raw: Any, current: dict[str, Any],
                   moves: list[tuple[str, str]]) -> list[Notice]:
    backup = path.with_name(f"quiz-progress.v{raw.get('version', 1)}.json")
    if backup.exists():  # an earlier upgrade's copy (after a downgrade, say): keep that one too
        backup = backup.with_name(f"{backup.stem}.{_stamp()}.json")
    try:
        shutil.copyfile(path, backup)
        _write(path, current)
    except OSError as exc:
        # The upgraded content is still used for this run; the file stays as it was.
        return [Notice("quiz.progress.write_failed", {"path": path, "detail": str(exc)})]
    if not moves:
        return []
    return [Notice("quiz.progress.migrated", {"moves": ", ".join(f"{a} → {b}" for a, b in moves),
                                              "backup": backup})]


def _set_aside(path: Path, key: str, fields: dict[str, Any]) -> Loaded:
    stamp = _stamp()
    aside = path.with_name(f"{path.name}.set-aside-{stamp}")
    for n in range(2, 100):
        if not aside.exists():
            break
        aside = path.with_name(f"{path.name}.set-aside-{stamp}-{n}")
    try:
        os.replace(path, aside)
    except OSError:
        detail = fields.get("detail") or f"version {fields.get('version')}"
        return Loaded({}, [Notice("quiz.progress.read_failed", {"path": path, "detail": detail})],
                      keep_file=True)
    return Loaded({}, [Notice(key, {**fields, "path": path, "moved": aside})])


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _entry(value: Any) -> SectionProgress | None:
    try:
        unfinished = value.get("unfinished")
        entry = SectionProgress(float(value["best"]), float(value["max_score"]),
                                int(value["attempts"]), str(value.get("last", "")),
                                {str(k): v for k, v in unfinished.items()} if isinstance(unfinished, dict) else None)
    except (TypeError, KeyError, ValueError, OverflowError):
        return None
    return entry if all(math.isfinite(x) for x in (entry.best, entry.max_score)) else None


def record(section_id: str, score: float, max_score: float, *, new_attempt: bool = True,
           unfinished: dict[str, Any] | None = None) -> SectionProgress:
    """Count one attempt at ``section_id``; keep the best score. Returns the new entry.

    ``new_attempt=False`` updates the attempt already counted (``take`` saves after every
    answer; its score only grows within an attempt)."""
    current = _writable_sections()
    old = current.get(section_id)
    best = score if old is None or old.max_score != max_score else max(old.best, score)
    counted = 1 if new_attempt or old is None else 0
    entry = SectionProgress(best, max_score, (old.attempts if old else 0) + counted,
                            datetime.now(timezone.utc).isoformat(timespec="seconds"), unfinished or None)
    current[section_id] = entry
    _save(current)
    return entry


def reset(section_ids: list[str] | None = None) -> list[str]:
    """Forget the given sections (all when None); returns the ids that were removed."""
    current = _writable_sections()
    removed = sorted(current) if section_ids is None else [s for s in section_ids if s in current]
    for sid in removed:
        del current[sid]
    _save(current)
    return removed


def _writable_sections() -> dict[str, SectionProgress]:
    loaded = read()
    if loaded.keep_file:
        raise ProgressError(progress_path(), "the unreadable file is left as it is")
    return loaded.sections


def _save(sections: dict[str, SectionProgress]) -> None:
    path = progress_path()
    payload = {"version": CURRENT_VERSION, "sections": {sid: _stored(e) for sid, e in sorted(sections.items())}}
    try:
        _write(path, payload)
    except OSError as exc:
        raise ProgressError(path, str(exc)) from None


def _stored(entry: SectionProgress) -> dict[str, Any]:
    """An entry as written: ``unfinished`` only while an attempt is stopped midway."""
    data = asdict(entry)
    if not data.get("unfinished"):
        data.pop("unfinished", None)
    return data


def _write(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename, so an interrupted save never leaves half a file.
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                     prefix=".quiz-progress-", suffix=".tmp") as f:
        json.dump(payload, f, ensure_ascii=False, indent=2)
    try:
        os.replace(f.name, path)
    except OSError:
        Path(f.name).unlink(missing_ok=True)
        raise
