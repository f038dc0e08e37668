"""One worker of ``grader batch``: a slot, and the students it grades one after another.

A worker never dies of one student's input: whatever a submission does to the staging,
the notebook reader, the child or the judge becomes that student's result (every check
failed, with the reason), and the worker takes the next student. Only a slot whose
server cannot start again, or an output folder that cannot be written, stops a worker.
"""
from __future__ import annotations

import hashlib
import json
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from grader.batch.output import OutputError, Record
from grader.i18n import LANGS, t

if TYPE_CHECKING:
    from grader.batch.inputs import Submission
    from grader.grading.batch_judge import BatchJudge
    from grader.batch.output import Store
    from grader.batch.progress import Progress
    from grader.boundary.pool import Slot



def failure_of(result: Any) -> dict:
    """For grader stats: a failure's kind (its verdict's catalogue key: ``error.blank`` is a
    blank not attempted) and a digest of it without where it happened, so the same error
    in another cell or on another line is the same (a wrong value's digest is ``outcome``)."""
    key, fields = result.messages[0] if result.messages else ("", {})
    kept = {name: str(value) for name, value in fields.items() if name != "where"}
    signature = hashlib.sha256(json.dumps([key, kept], sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return {"key": key, "signature": signature[:16]}

@dataclass
class Pending:
    submission: Submission
    key: str  # content hash of the submission and fingerprint of the grading settings


@dataclass
class Run:
    """Everything the worker threads share."""
    opts: Any  # grader.batch.cli.Options
    judge: BatchJudge
    store: Store
    progress: Progress
    names: list[str] = field(default_factory=list)  # every student of the batch
    stop: threading.Event = field(default_factory=threading.Event)
    slots: list[Slot] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    settings: str = ""  # the fingerprint of the grading settings (part of every record's key)
    graded: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def worker(state: Run, make_slot: Callable[[int], Slot], index: int, work: queue.Queue) -> None:
    from grader.boundary.pool import SlotFailed

    slot = make_slot(index)
    with state.lock:
        state.slots.append(slot)
    try:
        slot.start()
        while not state.stop.is_set():
            try:
                item = work.get_nowait()
            except queue.Empty:
                return
            try:
                grade_one(state, slot, item)
            except SlotFailed:
                work.put(item)  # another slot may still grade it
                raise
    except SlotFailed as failure:
        if not state.stop.is_set():
            _problem(state, t("batch.slot_failed", state.opts.lang, slot=index, problem=str(failure)))
    except OutputError as failure:  # nowhere to keep results: every worker stops
        state.stop.set()
        _problem(state, t("batch.cannot_write", state.opts.lang, out=state.opts.out, problem=str(failure)))
    except Exception as exc:  # noqa: BLE001 - a grader bug must not lose the other results
        if not state.stop.is_set():
            _problem(state, t("batch.worker_failed", state.opts.lang, slot=index,
                              problem=f"{type(exc).__name__}: {exc}"))
    finally:
        slot.close()


def _problem(state: Run, text: str) -> None:
    with state.lock:
        if text not in state.problems:
            state.problems.append(text)


def grade_one(state: Run, slot: Slot, item: Pending) -> None:
    """Grade one student in ``slot`` and save the record (OutputError if it cannot be)."""
    from grader.batch.inputs import Refused, Staged, stage
    from grader.boundary.pool import SlotFailed
    from grader.check.report import as_json, message_text

    submission, lang = item.submission, state.opts.lang
    started = time.monotonic()
    staged = Staged()
    if submission.refused is not None:
        results = state.judge.failing_everything(submission.refused)
    else:
        try:
            staged = stage(submission, slot.staging, lang)
            results = _run(state, slot, staged)
        except SlotFailed:
            raise
        except Refused as refused:
            results = state.judge.failing_everything(refused.note)
        except OSError as exc:
            results = state.judge.failing_everything(("batch.unreadable_submission", {"problem": str(exc)}))
        except Exception as exc:  # noqa: BLE001 - this student's input, not the worker's end
            results = state.judge.failing_everything(
                ("batch.ungradable_submission", {"problem": f"{type(exc).__name__}: {str(exc)[:200]}"}))
    if state.stop.is_set():
        return  # cut short: not a result
    adapted = staged.adapt(results)
    result = json.loads(as_json(adapted, lang))
    for row, graded in zip(result["results"], adapted):
        row["message"] = staged.text(row["message"])
        # For grader stats: the misconception hinted (or None), the digest of the values sent.
        row["hint"] = graded.hint
        if graded.outcome:
            row["outcome"] = graded.outcome
        if not graded.passed:
            row["failure"] = failure_of(graded)
        # Both languages too: a notebook's verdict (grader autograde) and Gradescope show both.
        row["messages"] = {code: staged.text(message_text(graded, code)) for code in LANGS}
    if staged.notes:
        result["notes"] = [t(key, lang, **fields) for key, fields in staged.notes]
    # The record describes what was graded: the bytes staged, hashed as they were read.
    key = hashlib.sha256((staged.digest + state.settings).encode()).hexdigest() if staged.digest else item.key
    state.store.save(Record(submission.name, key, result, time.monotonic() - started))
    with state.lock:
        state.graded += 1
    line = t("batch.graded", lang, student=submission.name, score=f"{result['score']:g}",
             max_score=f"{result['max_score']:g}")
    state.progress.step(" — ".join([line, *result.get("notes", [])]))


def _run(state: Run, slot: Slot, staged: object) -> list:
    return run_in_slot(state.judge, slot, state.opts.time_limit)


def run_in_slot(judge: BatchJudge, slot: Slot, time_limit: float) -> list:
    """The submission staged in ``slot`` run by a fresh child of its server, judged here."""
    from grader.boundary.zygote import ZygoteChild
    from grader.boundary.runner import run_topics
    from grader.grading.engine import LostFunctions

    # A function that hung in its own topic is not called again by the topics that use it:
    # a hanging student costs one time limit per hanging function, not one per topic.
    lost_in = LostFunctions()
    events = run_topics(slot.submission_path, judge.requests, time_limit,
                        start=lambda _path: ZygoteChild(slot), decode=False, keep=lost_in.keep)
    return judge.results(events, lost_in)
