"""The child process: imports the student's modules and runs the probes it is sent.

It reads requests from one pipe and writes outcomes to another; its own stdin, stdout
and stderr go to /dev/null so that nothing the student prints can look like a result.
Run as ``python -m grader.boundary.child SUBMISSION`` (spawn) or entered after ``os.fork()``.

It tells the parent when a student module starts and finishes importing, so that a
module whose import never ends is known by name and not imported again; and after every
check it puts back what student code may have patched in the modules that carry the
results (numpy, json, builtins, the grader's own), so that a patch at import fails only
the checks it touches.
"""
from __future__ import annotations

import functools
import importlib
import importlib.machinery
import os
import re
import sys
import traceback
import warnings
from pathlib import Path
from typing import Any, Callable, Iterator, Literal

import numpy as np

from grader.boundary import limits, printed, wire
from grader.boundary.wire_types import ErrorFacts, ErrorKind, Get, Outcome, OutcomeReply, Request, Spec, WarningFacts

BLANK_MESSAGE = re.compile(r"blank \((?P<label>[^)]+)\) in (?P<function>[\w.]+) is not filled yet")
# Trusted code the student must not reach by import from inside the child.
FORBIDDEN = ("reference", "solutions")
# Where probes may come from: a spec names its probe as "module:function" of the grader's
# own child-side code (the parent builds specs; this only keeps a typo from importing more):
# the topics' probes, and the quiz's code answers.
PROBE_PACKAGES = ("grader.topics.", "grader.quiz.code_probe")


class _Forbidden:
    """A meta-path finder that refuses the grader's oracle to student code."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.split(".")[0] in FORBIDDEN:
            raise ImportError(f"module {name!r} is not available to submissions")
        return None


class HungImport(BaseException):
    """A module whose import hung in an earlier child: refused, the topic is a timeout."""

    def __init__(self, module: str) -> None:
        super().__init__(module)
        self.module = module


class _ImportWatch:
    """A meta-path finder that reports the start and end of every student module's import."""

    def __init__(self, tell: Callable[[dict], None], student_modules: set[str]) -> None:
        self.tell = tell
        self.student_modules = student_modules
        self.hung: set[str] = set()

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name in self.hung:
            raise HungImport(name)
        if name not in self.student_modules:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _WatchedLoader(spec.loader, name, self.tell)
        return spec


class _WatchedLoader:
    def __init__(self, loader: Any, name: str, tell: Callable[[dict], None]) -> None:
        self._loader, self._name, self._tell = loader, name, tell

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._tell({"importing": self._name})
        try:
            exec(_source_code(self._loader, self._name), module.__dict__)  # noqa: S102 - the student's module
        finally:
            self._tell({"imported": self._name})

    def __getattr__(self, attribute: str) -> Any:  # get_source etc., for tracebacks
        return getattr(self._loader, attribute)


def _source_code(loader: Any, name: str) -> Any:
    """The module compiled from its source file, never from bytecode beside it.

    A ``__pycache__`` of hash-based pycs that are never checked against their source (or a
    compiled extension module of the same name) would let blank sources run other code."""
    if not isinstance(loader, importlib.machinery.SourceFileLoader):
        raise ImportError(f"{name}: only Python source files (.py) are graded")
    path = loader.get_filename(name)
    source = loader.get_data(path)
    if b"\0" in source:  # compile() would say so without naming the file or the line
        line = source[:source.index(b"\0")].count(b"\n") + 1
        error = SyntaxError("source code cannot contain null bytes (\\0)")
        error.filename, error.lineno = path, line
        error.text = source.splitlines()[line - 1].replace(b"\0", b"\\0").decode("utf-8", "replace")
        raise error
    return compile(source, path, "exec", dont_inherit=True)


def student_module_names(folder: Path) -> set[str]:
    """The submission's own modules: the Python files at its top level."""
    try:
        return {entry.name[:-3] for entry in os.scandir(folder)
                if entry.name.endswith(".py") and entry.name[:-3].isidentifier()}
    except OSError:
        return set()


def probe_of(spec: Spec) -> Callable[[Get, Spec], Outcome]:
    """The child-side function a check's spec names, ``"grader.topics.x.probe:function"``."""
    module, _, function = spec["probe"].partition(":")
    if not module.startswith(PROBE_PACKAGES):
        raise ValueError(f"not a probe: {spec['probe']!r}")
    return getattr(importlib.import_module(module), function)


class _Pristine:
    """The modules that carry results back, as they were before student code ran."""

    MODULES = ("builtins", "numpy", "json", "json.encoder", "base64", "io", "struct",
               "grader.boundary.wire", "grader.boundary.child")

    def __init__(self) -> None:
        self.modules = {name: sys.modules[name] for name in self.MODULES if name in sys.modules}
        self.modules.update(_probe_modules())
        self.saved = {name: dict(vars(module)) for name, module in self.modules.items()}

    def guard(self, spec: Spec) -> None:
        """Keep the probe's module as it is now, before any student code runs in it."""
        name = spec["probe"].partition(":")[0]
        if name not in self.modules and name in sys.modules:
            self.modules[name] = sys.modules[name]
            self.saved[name] = dict(vars(sys.modules[name]))

    def restore(self) -> None:
        for name, module in self.modules.items():
            sys.modules[name] = module
            current, saved = vars(module), self.saved[name]
            if current == saved:  # in C, by identity first: the usual case costs microseconds
                continue
            # Only what existed is put back: names added later (numpy's lazily imported
            # submodules among them) cannot change how the saved code runs, and become
            # part of what is compared from now on.
            if any(current.get(k, _MISSING) is not v for k, v in saved.items()):
                current.update(saved)
            self.saved[name] = dict(current)


def _probe_modules() -> dict[str, Any]:
    """The grader's child-side modules already loaded (a forking server imports them early)."""
    return {name: module for name, module in list(sys.modules.items()) if name.startswith(PROBE_PACKAGES)}


_MISSING = object()


class StudentModules:
    """Imports each student module once; remembers the failure of one that won't import."""

    def __init__(self, submission: Path) -> None:
        self.submission = submission
        self.modules: dict[str, Any] = {}
        self.failures: dict[str, ErrorFacts] = {}

    def get(self, module: str, name: str) -> Any:
        if module in self.failures:
            raise ImportFailed(self.failures[module])
        if module not in self.modules:
            try:
                self.modules[module] = importlib.import_module(module)
            except HungImport:
                raise
            except BaseException as exc:  # noqa: BLE001 - student code may raise anything
                self.failures[module] = describe(exc, self.submission, phase="import", module=module)
                raise ImportFailed(self.failures[module]) from None
        try:
            return getattr(self.modules[module], name.split(".")[0])
        except AttributeError:
            raise Missing(module, name) from None


class ImportFailed(Exception):
    def __init__(self, error: ErrorFacts) -> None:
        self.error = error


class Missing(Exception):
    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name


def describe(exc: BaseException, submission: Path, phase: Literal["import", "call"],
             module: str = "") -> ErrorFacts:
    """The student-facing facts of an exception: kind, type, message, file and line."""
    kind, blank = _kind(exc, phase, module)
    error: ErrorFacts = {"phase": phase, "type": type(exc).__name__, "message": _short(str(exc)),
                         "module": module, "kind": kind, **blank}
    error.update(_student_location(exc, submission))
    return error


def _kind(exc: BaseException, phase: str, module: str) -> tuple[ErrorKind, dict[str, str]]:
    """What kind of error ``exc`` is, and a blank's label and function when it is one."""
    match = BLANK_MESSAGE.search(str(exc)) if isinstance(exc, NotImplementedError) else None
    if match:
        return "blank", {"label": match["label"], "function": match["function"]}
    if isinstance(exc, SystemExit):
        return "exit", {}
    if isinstance(exc, KeyboardInterrupt):
        return "interrupt", {}
    if isinstance(exc, MemoryError):
        return "memory", {}
    if isinstance(exc, RecursionError):
        return "recursion", {}
    if isinstance(exc, ModuleNotFoundError) and phase == "import" and exc.name == module:
        return "missing_module", {}
    if isinstance(exc, SyntaxError):
        return "syntax", {}
    return "exception", {}


def _student_location(exc: BaseException, submission: Path) -> dict[str, Any]:
    """The innermost frame of the traceback that lies in the student's folder."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return {"file": _relative(exc.filename, submission), "line": exc.lineno or 0,
                "code": (exc.text or "").strip()}
    where: dict[str, Any] = {}
    for frame in traceback.extract_tb(exc.__traceback__):
        if _inside(frame.filename, submission):
            where = {"file": _relative(frame.filename, submission), "line": frame.lineno,
                     "code": (frame.line or "").strip()}
    return where


@functools.lru_cache(maxsize=512)  # every traceback asks again about the same few files
def _inside(filename: str, folder: Path) -> bool:
    try:
        Path(filename).resolve().relative_to(folder)
        return True
    except (ValueError, OSError):
        return False


@functools.lru_cache(maxsize=512)
def _relative(filename: str, folder: Path) -> str:
    try:
        return str(Path(filename).resolve().relative_to(folder))
    except (ValueError, OSError):
        return Path(filename).name


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _nothing() -> None:
    pass


def run_probe(modules: StudentModules, spec: Spec, restore: Callable[[], None] = _nothing) -> Outcome:
    """One check's outcome: the probe's values, or the error, plus any NumPy warnings.

    ``restore`` runs the moment student code stops, before the outcome is put together."""
    probe = probe_of(spec)
    with printed.captured() as output, warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            try:
                outcome: Outcome = probe(modules.get, spec)
            finally:
                restore()
        except ImportFailed as failed:
            outcome = {"error": failed.error}
        except Missing as missing:
            outcome = {"error": {"kind": "missing", "module": missing.module,
                                 "function": missing.name}}
        except HungImport:
            raise
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything
            outcome = {"error": describe(exc, modules.submission, phase="call")}
    outcome["warnings"] = _warnings_seen(caught, modules.submission)
    if (text := output.value()) is not None:
        outcome["printed"] = text  # what the student's code printed: shown, never judged
    return outcome


def _warnings_seen(caught: list, submission: Path) -> list[WarningFacts]:
    seen: list[WarningFacts] = []
    for w in caught[:5]:
        seen.append({"category": w.category.__name__, "message": _short(str(w.message), 120),
                     "file": _relative(w.filename, submission) if _inside(w.filename, submission) else "",
                     "line": w.lineno if _inside(w.filename, submission) else 0})
    return seen


def serve(read_fd: int, write_fd: int, submission: str, workdir: str,
          plan: dict[str, list[tuple[str, Spec]]] | None = None,
          cpu_per_topic: float | None = None) -> None:
    """Answer requests until the parent closes the pipe.

    A request names its topics with their encoded specs (``topics``), or only their
    names (``plan``) when a forking server decoded the specs once for every child."""
    folder = Path(submission).resolve()
    _silence_standard_streams()
    pristine = _Pristine()
    student_modules = student_module_names(folder)
    _isolate_imports(folder, student_modules)
    os.chdir(workdir)  # files the student's code writes land in a folder the parent removes
    modules = StudentModules(folder)
    with os.fdopen(read_fd, "rb") as requests, os.fdopen(write_fd, "wb") as replies:
        watch = _ImportWatch(lambda message: _tell(replies, message), student_modules)
        sys.meta_path.insert(1, watch)
        request: Request | None
        while (request := wire.receive(requests, wire.MAX_REQUEST)) is not None:
            watch.hung = set(request.get("hung") or ())
            for name, checks in _topics(request, plan):
                if cpu_per_topic:
                    limits.limit_cpu_for_topic(cpu_per_topic)
                _serve_topic(name, checks, modules, replies, pristine)


def _topics(request: Request, plan: dict[str, list[tuple[str, Spec]]] | None
            ) -> Iterator[tuple[str, Iterator[tuple[str, Spec]]]]:
    if "plan" in request:
        for name in request["plan"]:
            yield name, iter((plan or {}).get(name, ()))
    else:
        for topic in request["topics"]:
            yield topic["name"], ((c["name"], wire.decode(c["spec"])) for c in topic["checks"])


def _serve_topic(name: str, checks: Iterator[tuple[str, Spec]], modules: StudentModules,
                 replies: Any, pristine: _Pristine) -> None:
    for check, spec in checks:
        try:
            probe_of(spec)  # imported (if it is not yet) before student code can touch it
            pristine.guard(spec)
            outcome = run_probe(modules, spec, pristine.restore)
        except HungImport:
            wire.send(replies, {"hung": name})
            return
        reply: OutcomeReply = {"topic": name, "check": check, "outcome": _encode_safely(outcome)}
        wire.send(replies, reply)
    wire.send(replies, {"done": name})


def _tell(replies: Any, message: dict) -> None:
    try:
        wire.send(replies, message)
    except Exception:  # noqa: BLE001 - a notice lost is only a slower timeout later
        pass


def _encode_safely(outcome: Outcome) -> Any:
    try:
        return wire.encode(outcome)
    except BaseException as exc:  # noqa: BLE001 - e.g. a student array subclass that breaks
        return wire.encode({"error": {"kind": "unsendable", "type": type(exc).__name__,
                                      "message": _short(str(exc))},
                            "warnings": outcome.get("warnings", [])})


def _silence_standard_streams() -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


def _isolate_imports(folder: Path, student_modules: set[str]) -> None:
    """Student modules by plain name from their folder; the oracle out of reach."""
    for name in list(sys.modules):
        if name.split(".")[0] in (*FORBIDDEN, *student_modules):
            del sys.modules[name]
    project_root = Path(__file__).resolve().parents[2]
    sys.path[:] = [str(folder)] + [p for p in sys.path
                                   if p not in ("", ".") and Path(p).resolve() != project_root]
    sys.meta_path.insert(0, _Forbidden())
    sys.dont_write_bytecode = True  # leave no __pycache__ in the student's folder


def main() -> None:
    limits.apply_limits(limits.Limits())
    limits.no_new_privileges()
    limits.adopt_orphans()
    read_fd, write_fd = os.dup(0), os.dup(1)
    from grader.boundary.unprivileged import leave_root_if_root

    leave_root_if_root(sys.argv[2])
    serve(read_fd, write_fd, sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    main()
