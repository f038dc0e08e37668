"""``grader batch SUBMISSIONS_DIR``: a whole class graded in parallel, safely, resumably.

    grader batch submissions/ [-j N] [--out grades] [--force] [--gradescope]
                 [--assignment NAME] [--lang ja|en] [--sandbox auto|bwrap|none]

Each sub-folder is one student's copy of ``exercises/`` (or nbgrader's
``submitted/<student>/<assignment>/`` notebooks). ``-j`` slots (default: one per core)
each grade one submission at a time in a fresh child forked from a warm server; the
parent judges every outcome with the reference, computing each expected value once.
Results: see :mod:`grader.batch.output`; isolation: see :mod:`grader.boundary.bwrap` and :mod:`grader.boundary.limits`.

Exit status: 0 every submission graded (whatever its score), 1 some could not be
graded, 2 bad arguments or an unusable folder, 130 interrupted (finished results kept).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from grader.boundary import bwrap, limits as process_limits
from grader.batch.inputs import InputError, Submission, content_hash, discover
from grader.batch.output import ForeignResults, OutputError, Store
from grader.batch.work import Pending, Run, worker
from grader.batch.resume import WORKSPACE_PREFIX, clear_stale_workspaces, settings_key
from grader.batch.progress import Progress
from grader.i18n import LANGS, lang_from_argv, t

if TYPE_CHECKING:  # these import numpy: only once the environment is set (see main)
    from grader.grading.batch_judge import BatchJudge
    from grader.boundary.pool import Slot
    from grader.boundary.server import Settings

EXIT_DONE, EXIT_INCOMPLETE, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130
REPORT_EVERY = 5.0  # seconds between rewrites of the class-wide files during a run


class UsageError(Exception):
    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key, self.fields = key, fields


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with our own wording, no usage dump
        raise UsageError("batch.usage_error", problem=message)


def parser(lang: str) -> Parser:
    p = Parser(prog="grader batch", description=t("batch.description", lang))
    p.add_argument("submissions", metavar="SUBMISSIONS_DIR", help=t("batch.help_submissions", lang))
    p.add_argument("-j", "--jobs", type=int, default=None, help=t("batch.help_jobs", lang))
    p.add_argument("--out", default="grades", metavar="DIR", help=t("batch.help_out", lang))
    p.add_argument("--force", action="store_true", help=t("batch.help_force", lang))
    p.add_argument("--gradescope", action="store_true", help=t("batch.help_gradescope", lang))
    p.add_argument("--assignment", default=None, help=t("batch.help_assignment", lang))
    p.add_argument("--lang", choices=LANGS, default=None, help=t("batch.help_lang", lang))
    p.add_argument("--seed", type=int, default=None, help=t("batch.help_seed", lang))
    p.add_argument("--time-limit", type=float, default=None, metavar="SECONDS", help=t("batch.help_time_limit", lang))
    p.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto", help=t("batch.help_sandbox", lang))
    return p


@dataclass(frozen=True)
class Options:
    submissions: Path
    out: Path
    jobs: int
    force: bool
    gradescope: bool
    assignment: str | None
    lang: str
    seed: int
    time_limit: float
    sandbox: str


def options(argv: list[str], lang: str) -> Options:
    from grader.grading.defaults import DEFAULT_SEED, DEFAULT_TIME_LIMIT, MAX_SEED, valid_seed

    args = parser(lang).parse_args(argv)
    jobs = args.jobs if args.jobs is not None else _cores()
    if jobs < 1:
        raise UsageError("batch.bad_jobs", jobs=jobs)
    if not valid_seed(args.seed):
        raise UsageError("batch.bad_seed", value=args.seed, most=MAX_SEED)
    time_limit = DEFAULT_TIME_LIMIT if args.time_limit is None else args.time_limit
    if not 0 < time_limit < float("inf"):
        raise UsageError("batch.bad_time_limit", seconds=time_limit)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError("batch.out_not_folder", folder=out)
    seed = args.seed if args.seed is not None else _course_seed(Path(args.submissions), MAX_SEED)
    return Options(Path(args.submissions), out, jobs, args.force, args.gradescope, args.assignment,
                   args.lang or lang, DEFAULT_SEED if seed is None else seed, time_limit,
                   args.sandbox)


def _course_seed(submissions: Path, most: int) -> int | None:
    """The summative seed of the nbgrader course the submissions lie in (its
    nbgrader_config.py's ``c.GradeOutsideKernel.seed`` line), so that a batch of the course
    grades as its autograde does; None outside a course or without the line."""
    from grader.batch.course_seed import seed_in_course
    from grader.grading.defaults import valid_seed

    found = seed_in_course(submissions.resolve()) if submissions.is_dir() else None
    if found is None or found[1] is None:
        return None
    config, seed = found
    if not valid_seed(seed):
        raise UsageError("batch.bad_course_seed", config=config, value=seed, most=most)
    return seed


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def main(argv: list[str]) -> int:
    os.environ.update(process_limits.single_threaded())  # before numpy: the children use the cores
    lang = lang_from_argv(argv)
    try:
        opts = options(argv, lang)
        return run(opts)
    except UsageError as problem:
        print(t("batch.error", lang, problem=t(problem.key, lang, **problem.fields)), file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:  # before any grading began: nothing to keep
        print(t("batch.interrupted_early", lang), file=sys.stderr)
        return EXIT_INTERRUPTED




# -- one run ----------------------------------------------------------------------------

@dataclass
class Workspace:
    """Where and how the children run: temporary folder, isolation, servers' settings."""
    root: Path
    isolation: bwrap.Isolation
    limits: process_limits.Limits
    plan: Path  # every check's encoded inputs, read once by each forking server
    settings: Settings


def run(opts: Options) -> int:
    try:
        # --out inside SUBMISSIONS_DIR is left out of the class only while it is a results
        # folder (new, empty, or the batch's own): a student's folder is refused below.
        exclude = (opts.out,) if _results_folder(opts.out) else ()
        submissions, assignment = discover(opts.submissions, opts.assignment, exclude=exclude)
    except InputError as problem:
        raise UsageError(problem.key, **problem.fields) from None
    _refuse_out_inside_a_submission(opts.out, submissions)
    store = Store(opts.out)
    try:  # before anyone is graded: a folder that cannot take the results is known now
        store.prepare(opts.submissions, opts.force)
    except OutputError as problem:
        raise UsageError("batch.cannot_write", out=opts.out, problem=str(problem)) from None
    except ForeignResults as other:
        raise UsageError("batch.other_class", out=opts.out, folder=other.folder) from None
    topics = _topics(assignment)
    from grader.grading.batch_judge import BatchJudge  # imports numpy and the reference: after the env

    judge = BatchJudge(topics, opts.seed)
    key = settings_key(opts.seed, opts.time_limit, opts.lang, topics)
    keyed = [Pending(s, hashlib.sha256((content_hash(s) + key).encode()).hexdigest())
             for s in submissions]
    pending = [p for p in keyed if opts.force or not _unchanged(store, p)]
    started = time.monotonic()
    clear_stale_workspaces()
    root = Path(tempfile.mkdtemp(prefix=f"{WORKSPACE_PREFIX}{os.getpid()}-"))
    try:
        workspace = _workspace(opts, judge, root) if pending else None
        with Progress(len(keyed)) as progress:
            state = Run(opts, judge, store, progress, names=[s.name for s in submissions], settings=key)
            if workspace is not None:
                progress.say(_isolation_text(workspace.isolation, opts.lang, opts.jobs))
            for item in keyed:
                if item not in pending:
                    progress.step(t("batch.skipped", opts.lang, student=item.submission.name))
            status = _grade_all(state, pending, workspace) if workspace is not None else EXIT_DONE
            status = max(status, _refused(state, submissions)) if status != EXIT_INTERRUPTED else status
            count = _final_reports(state)
            if count is None:
                status = EXIT_INCOMPLETE if status == EXIT_DONE else status
            _summary(state, len(keyed) - len(pending), count or 0, time.monotonic() - started)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return status


def _results_folder(out: Path) -> bool:
    """Not yet there, empty, or written by a batch (its records)."""
    from grader.batch.output import RECORDS

    try:
        return not out.exists() or (out.is_dir() and not out.is_symlink() and (
            (out / RECORDS).is_dir() or not any(out.iterdir())))
    except OSError:
        return False


def _refuse_out_inside_a_submission(out: Path, submissions: list[Submission]) -> None:
    """Results written into a student's folder would change that student's files (and the
    folder itself, taken for the results, would leave the student out without a word)."""
    where = out.resolve()
    for submission in submissions:
        folder = submission.folder.resolve() if submission.refused is None else submission.folder
        own = [folder, folder.parent] if submission.notebooks else [folder]  # submitted/STUDENT/ASSIGNMENT
        if any(where == f or f in where.parents for f in own):
            raise UsageError("batch.out_inside_submission", out=out, student=submission.name)


def _refused(state: Run, submissions: list[Submission]) -> int:
    """Students not graded at all (a linked folder): each said, and the batch incomplete."""
    refused = [s for s in submissions if s.refused is not None]
    for submission in refused:
        key, fields = submission.refused
        state.problems.append(f"{submission.name}: {t(key, state.opts.lang, **fields)}")
    return EXIT_INCOMPLETE if refused else EXIT_DONE


def _final_reports(state: Run) -> int | None:
    """The class-wide files; None (and the reason among the problems) when they cannot be written."""
    try:
        return state.store.write_reports(state.names, state.judge.topic_names, gradescope=state.opts.gradescope)
    except OutputError as failure:
        text = t("batch.cannot_write", state.opts.lang, out=state.opts.out, problem=str(failure))
        if text not in state.problems:
            state.problems.append(text)
        return None


def _unchanged(store: Store, item: Pending) -> bool:
    record = store.load(item.submission.name)
    return record is not None and record.key == item.key


def _topics(assignment: str | None) -> list[str]:
    """The topics graded: every topic ``grader check`` grades, or the assignment's."""
    from grader.topics.registry import names

    every = list(names())
    if assignment is None:
        return every
    try:
        from grader.authoring.assignments import assignment as find

        chosen = set(find(assignment).topics)
    except (ImportError, KeyError):
        return every  # an assignment the course does not know: grade everything
    return [n for n in every if n in chosen]


def _workspace(opts: Options, judge: BatchJudge, root: Path) -> Workspace:
    os.chmod(root, 0o711)  # children of another user reach their staging folder
    limits = process_limits.Limits(time_limit=opts.time_limit, cpu_seconds=opts.time_limit)
    try:
        isolation = bwrap.choose_isolation(opts.sandbox, root)
    except RuntimeError as problem:
        raise UsageError("batch.no_bwrap", problem=str(problem)) from None
    plan = judge.plan_file(root / "plan.bin")
    return Workspace(root, isolation, limits, plan, _server_settings(isolation, limits, opts, judge))


def _server_settings(isolation: bwrap.Isolation, limits: process_limits.Limits, opts: Options,
                     judge: BatchJudge) -> Settings:
    from grader.boundary.server import Settings

    # As root each slot's children become a user of their own (the pool picks it), which
    # nothing else runs as: its process limit is the child's share alone.
    drop_to = process_limits.slot_ids(0) if isolation.as_root else None
    if isolation.as_root:
        processes = limits.processes + 2
    elif isolation.sandboxed:
        processes = limits.processes  # counted inside the sandbox's own user namespace
    else:  # counted for the whole user: what it runs already, plus the child's share
        processes = process_limits.processes_allowed(os.getuid(), limits.processes + 2 * opts.jobs)
    return Settings(limits=limits, topics=len(judge.requests), workroot="/tmp", drop_to=drop_to,
                    processes=processes, leave_network=not isolation.sandboxed,
                    own_pid_namespace=isolation.sandboxed)


def _grade_all(state: Run, pending: list[Pending], workspace: Workspace) -> int:
    """Grade ``pending`` on ``-j`` slots; the exit status."""
    work: queue.Queue = queue.Queue()
    for item in pending:
        work.put(item)

    from grader.boundary.pool import Slot

    def make_slot(index: int) -> Slot:
        return Slot(index, workspace.isolation, workspace.plan, workspace.root, workspace.settings,
                    workspace.limits)

    threads = [threading.Thread(target=worker, args=(state, make_slot, i, work), daemon=True)
               for i in range(min(state.opts.jobs, len(pending)))]
    status = _supervise(state, threads)
    if status == EXIT_DONE:
        missing = [p for p in pending if not _unchanged(state.store, p)]
        if missing:
            state.problems.append(t("batch.not_graded", state.opts.lang, count=len(missing)))
            status = EXIT_INCOMPLETE
    return status


def _supervise(state: Run, threads: list[threading.Thread]) -> int:
    """Run the workers; on Ctrl-C or SIGTERM stop them, keeping every finished result."""
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if in_main else None
    last_report = time.monotonic()
    try:
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            time.sleep(0.1)
            if time.monotonic() - last_report > REPORT_EVERY:
                _write_reports(state)
                last_report = time.monotonic()
    except KeyboardInterrupt:
        state.stop.set()
        for slot in list(state.slots):
            slot.close()  # ends every child now: what was being graded is graded next run
        for thread in threads:
            thread.join(10)
        state.progress.say(t("batch.interrupted", state.opts.lang, out=state.opts.out))
        return EXIT_INTERRUPTED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return EXIT_DONE


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _write_reports(state: Run) -> None:
    """The class-wide files so far: a run killed outright still leaves them recent."""
    try:
        state.store.write_reports(state.names, state.judge.topic_names)
    except (OSError, OutputError):
        pass  # the records are what counts; the final write tries again


# -- what the user reads ----------------------------------------------------------------

def _isolation_text(isolation: bwrap.Isolation, lang: str, jobs: int) -> str:
    first, last = process_limits.slot_ids(0)[0], process_limits.slot_ids(jobs - 1)[0]
    users = t("batch.slot_users", lang, first=first, last=last)
    if isolation.sandboxed:
        user = users if isolation.as_root else t("batch.your_user", lang)
        return t("batch.isolation_bwrap", lang, version=isolation.version or "?", user=user)
    if isolation.as_root:
        text = t("batch.isolation_limits_root", lang, reason=isolation.reason, user=users)
        if bwrap.python_hidden_from_children():
            text += " " + t("batch.stdlib_hidden", lang)
        return text
    return t("batch.isolation_limits", lang, reason=isolation.reason)


def _summary(state: Run, skipped: int, recorded: int, seconds: float) -> None:
    lang = state.opts.lang
    rate = state.graded / seconds if seconds > 0 else 0.0
    state.progress.say(t("batch.summary", lang, graded=state.graded, skipped=skipped,
                         seconds=f"{seconds:.1f}", rate=f"{rate:.1f}"))
    state.progress.say(t("batch.written", lang, count=recorded, csv=state.opts.out / "results.csv",
                         json=state.opts.out / "results.json"))
    for problem in state.problems:
        print(problem, file=sys.stderr)
