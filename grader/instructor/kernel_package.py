"""``grader kernel-package OUT``: the grader a graded course installs into students' kernels.

The wheel it writes holds no answer key: no ``reference/``, no ``solutions/``, no topic's
``checks.py`` (their judges compute the expected values and their misconception formulas
are a step away from answers), no ``grader solution`` and no hint ladders (the last rung
is the model code), and no bytecode of any of them. The notebook's ``check()`` judges from
a *check bundle* instead (see :mod:`grader.grading.recorded`): the inputs of one formative
seed and the values the instructor's grader recorded for them (the reference's, each
catalogued mistake's, a blank's), with the real judges' verdicts and hints.

The formative seed must differ from the summative one (``grader autograde``, ``batch`` and
Gradescope grade with ``DEFAULT_SEED``): a table of the bundle's answers then answers no
graded input. The build needs the source checkout (solutions/, exercises/, the broken
copies of tests/variants/ that stand for the misconceptions).

    grader kernel-package OUT [--seed N] [--topics T ...] [--variants DIR] [-j N]
"""
from __future__ import annotations

import argparse
import base64
import csv
import gzip
import hashlib
import importlib.util
import io
import json
import os
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from grader.boundary.wire_types import Outcome, Spec

PROJECT = Path(__file__).resolve().parents[2]
GRADER = PROJECT / "grader"
FORMATIVE_SEED = 20260402  # in-kernel checks of a graded course; never the summative DEFAULT_SEED
DIST_NAME = "dl_exercises_grader_kernel"
VERSION = "0.1.0"
# Light: what the kernel's check() imports (numpy for values, pyyaml for the sentences).
REQUIRES = ("numpy>=2.0,<2.6", "pyyaml==6.0.3")

# What the kernel's check() needs, and nothing that computes an answer. Paths relative to
# grader/; a folder means its *.py and *.yaml files. Topics' folders are added below
# (their ABOUT, probe.py and messages.yaml: never checks.py).
SHIPPED = (
    "__init__.py", "notebook.py", "i18n.py", "messages",
    "nb/__init__.py", "nb/check.py", "nb/feedback.py", "nb/program.py", "nb/worker.py",
    "authoring/__init__.py", "authoring/assignments.py",
    "boundary", "judging",  # generic: values compared, misconceptions recognised (the formulas are the topics')
    "grading/__init__.py", "grading/defaults.py", "grading/engine.py", "grading/recorded.py",
    "check/__init__.py", "check/report.py",
    "topics/__init__.py", "topics/registry.py",
)
# The child side of the shared check shapes (never imports the reference: pyproject's
# child-side-without-oracle contract), and each topic's child-side probe.
TOPIC_FILES = ("__init__.py", "probe.py", "messages.yaml")
FAMILY_FILES = ("__init__.py", "probes.py", "optimizer_probe.py", "objects.py", "course.py", "digits.py",
                "messages.yaml", "data/digits.npy.gz", "data/README.md")
NEVER = "checks.py"  # a topic's judges and misconception formulas (topics/<topic>/checks.py)
# The course's helpers (a right softmax, im2col, relu, ...) that the full grader lends a
# function under test so that a mistake counts once, in its own topic: answers. The
# kernel's probes find no helper to lend and use the student's own.
REPLACED = {
    Path("topics/families/course.py"): (
        '"""A graded course\'s kernel package holds none of the course\'s helpers (they are\n'
        'answers): the probes lend none, and a function under test uses the student\'s own."""\n'
        "HELPERS: dict = {}\nFUNCTIONS: tuple = ()\nCNN: tuple = ()\n"),
}


def _defaults_without_the_summative_seed() -> str:
    """grading/defaults.py with its seed (the summative one) taken out: the kernel grades
    with the bundle's inputs only, and its image does not hold the graded inputs' seed."""
    lines = (GRADER / "grading" / "defaults.py").read_text(encoding="utf-8").splitlines()
    kept = ["DEFAULT_SEED = None  # not in a graded course's kernel package (grader kernel-package)"
            if line.startswith("DEFAULT_SEED =") else line for line in lines]
    return "\n".join(kept) + "\n"


def main(argv: list[str]) -> int:
    from grader.grading.defaults import DEFAULT_SEED
    from grader.i18n import lang_from_argv, t
    from grader.topics.registry import names

    lang = lang_from_argv(argv)
    args = _parser().parse_args(argv)
    lang = args.lang or lang
    if args.seed == DEFAULT_SEED:
        print(t("bundle.same_seed", lang, seed=args.seed), file=sys.stderr)
        return 2
    topics = args.topics or list(names())
    unknown = [name for name in topics if name not in names()]
    if unknown:
        print(t("bundle.unknown_topic", lang, topics=", ".join(unknown), known=", ".join(names())), file=sys.stderr)
        return 2
    variants = _variants_module(args.variants, lang)
    bundle = build_bundle(topics, args.seed, variants, jobs=args.jobs)
    wheel = write_wheel(args.out, bundle)
    print(t("bundle.written", lang, wheel=str(wheel), size=f"{wheel.stat().st_size / 1024:.0f}"))
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="grader kernel-package",
                                description="A students' kernel package without the answer key.")
    p.add_argument("out", type=Path, metavar="OUT", help="folder the wheel is written to")
    p.add_argument("--seed", type=int, default=FORMATIVE_SEED, help="the formative seed (not the summative one)")
    p.add_argument("--topics", nargs="+", default=None, metavar="TOPIC")
    p.add_argument("--variants", type=Path, default=PROJECT / "tests" / "variants", metavar="DIR",
                   help="the broken copies that stand for the misconceptions (variants.py, broken.yaml)")
    p.add_argument("-j", "--jobs", type=int, default=max(1, os.cpu_count() or 1))
    p.add_argument("--lang", choices=("ja", "en"), default=None, help="language of the messages")
    return p


# --- recording the bundle ---------------------------------------------------------------


def build_bundle(topics: list[str], seed: int, variants: Any | None, jobs: int = 1,
                 correct_variants: bool = True) -> dict:
    """Every check's inputs for ``seed`` and the outcomes recorded for them, as JSON data:
    the reference solutions', the blank exercises', each broken copy's (a misconception) and,
    with ``correct_variants``, those of the known right alternatives (another way to draw, a
    boolean step, ...)."""
    from grader.boundary import wire
    from grader.grading.engine import Plan
    from grader.grading.recorded import BUNDLE_FORMAT, IGNORED, close, loose_tolerance
    from grader.topics.registry import about, topic_misconceptions

    plan = Plan(seed)
    for topic in topics:
        plan.inputs(topic)
    # The solutions twice: a check whose right values differ between two runs draws unseeded
    # random numbers. A check is *drawn* when two right outcomes (those two, the known right
    # alternatives) differ by more than its tolerance: a mask, an order, a value the judge
    # leaves free. The kernel cannot judge a right outcome unlike the recorded ones there.
    runs: list[tuple[str, Path, list[str]]] = [("reference", PROJECT / "solutions", topics),
                                                ("reference", PROJECT / "solutions", topics),
                                                ("blank", PROJECT / "exercises", topics)]
    with tempfile.TemporaryDirectory(prefix="grader-bundle-") as tmp:
        if variants is not None:
            correct = variants.correct() if correct_variants else []
            chosen = [*variants.broken(), *correct]
            for variant in chosen:
                wanted = [t for t in variant.topics if t in topics]
                if wanted:
                    folder = variants.write(variant, Path(tmp) / variant.name.replace(".", "__"))
                    runs.append((f"{ALTERNATIVE}{variant.name}" if variant in correct else variant.name,
                                 folder, wanted))
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            recorded = list(pool.map(lambda run: (run[0], _record(plan, run[1], run[2])), runs))
    data: dict[str, Any] = {"format": BUNDLE_FORMAT, "topics": {}, "hint_keys": {}}
    reference = recorded[0][1]
    for topic in topics:
        entries = []
        for name, check in plan.checks(topic).items():
            spec = plan.spec(check)
            right = reference.get((topic, name))
            rtol = probed_tolerance(check, spec, right["decoded"]) if right else {}
            loose = loose_tolerance({key: IGNORED if value is None else value for key, value in rtol.items()})
            kept: list[dict] = []
            for source, outcomes in recorded:
                found = outcomes.get((topic, name))
                if found is None or any(found["digest"] == other["digest"] for other in kept):
                    continue
                if kept and found["passed"] and any(o["passed"] and close(found["decoded"], o["decoded"], loose)
                                                    for o in kept):
                    continue  # a right outcome within tolerance of one kept already says nothing new
                kept.append({"source": source, **found})
            passing = [k["decoded"] for k in kept if k["passed"]]
            entries.append({"name": name, "points": check.points, "function": _function(topic, spec, about(topic)),
                            "rtol": rtol, "drawn": len(passing) > 1,
                            "spec": wire.encode(spec),
                            "recorded": [{k: v for k, v in record.items() if k != "decoded"} for record in kept]})
        data["topics"][topic] = entries
        data["hint_keys"][topic] = {}
        for entry in topic_misconceptions(topic):
            data["hint_keys"][topic].setdefault(entry.key, entry.id)
    return data


ALTERNATIVE = "right:"  # the source of a known right alternative's outcome (tests/variants/correct.yaml)
TOLERANCES = (1e-3, 1e-4, 1e-5, 1e-6, 1e-7)  # tried largest first
MAX_PROBED_LEAVES = 300  # beyond that many numbers and arrays, a leaf has its part's tolerance


def probed_tolerance(check: Any, spec: Spec, outcome: Outcome) -> dict[str, float | None]:
    """Where and how closely the check's real judge looks at the reference's outcome: for each
    part (top-level key) and each number or array in it, the largest relative change of it
    alone that the judge still passes (0: exactly, as for an argument that must come back
    unchanged), or None where the judge passes any value (it does not look there)."""
    import copy

    import numpy as np

    from grader.grading.engine import judge_safely
    from grader.grading.recorded import IGNORED_KEYS, changed_at, numeric_leaves

    def passes(path: str, change: Any) -> bool:
        return judge_safely(check, copy.deepcopy(spec), changed_at(outcome, path, change)).passed

    noise = np.random.default_rng(0)

    def probe(path: str) -> float | None:
        if passes(path, lambda v: _unrelated(v, noise)) and passes(path, lambda v: _unrelated(v, noise)):
            return None
        return next((delta for delta in TOLERANCES if passes(path, lambda v, d=delta: _scaled(v, 1 + d))), 0.0)

    parts = [key for key in outcome if key not in IGNORED_KEYS and key != "error"]
    found: dict[str, float | None] = {key: probe(key) for key in parts}
    for path in numeric_leaves(outcome)[:MAX_PROBED_LEAVES]:
        if path not in found:
            found[path] = probe(path)
    return found


def _scaled(value: Any, factor: float) -> Any:
    """``value`` with every float in it multiplied by ``factor`` (integers, labels, shapes kept)."""
    import numpy as np

    if isinstance(value, dict):
        return {k: _scaled(v, factor) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_scaled(v, factor) for v in value)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value * factor
    if isinstance(value, (float, np.floating)):
        return type(value)(value * factor)
    return value


def _unrelated(value: Any, rng: Any) -> Any:
    """A value of the same shape and kind that bears no relation to ``value`` (noise): a judge
    that still passes it does not look there. (A mere scaling would keep the relations a judge
    may check, such as two draws of one seed being equal.)"""
    import numpy as np

    if isinstance(value, dict):
        return {k: _unrelated(v, rng) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_unrelated(v, rng) for v in value)
    array = np.asarray(value) if isinstance(value, (int, float, np.ndarray, np.generic)) else None
    if array is None or array.dtype.kind not in "biuf":
        return value
    if array.dtype.kind == "b":
        noise = rng.random(array.shape) < 0.5
    elif array.dtype.kind in "iu":
        noise = rng.integers(0, 2 * int(np.abs(array).max(initial=0)) + 3, size=array.shape).astype(array.dtype)
    else:
        noise = (rng.normal(size=array.shape) * (float(np.nanmax(np.abs(array), initial=0.0)) + 1.0)).astype(array.dtype)
    return noise if isinstance(value, np.ndarray) else type(value)(noise.item()) if not isinstance(value, np.generic) \
        else noise[()]


def _record(plan: Any, submission: Path, topics: list[str]) -> dict[tuple[str, str], dict]:
    """Each check's outcome on ``submission`` (trusted: the instructor's own copies) and its verdict."""
    from grader.boundary import wire
    from grader.boundary.runner import TopicRequest, fresh_child, run_topics
    from grader.grading.defaults import DEFAULT_TIME_LIMIT
    from grader.grading.engine import StagedCopy, judge_safely
    from grader.grading.recorded import digest

    requests = [TopicRequest(topic, [(name, plan.spec(check)) for name, check in plan.checks(topic).items()])
                for topic in topics]
    found = {}
    staged = StagedCopy(submission.resolve())  # the one staging every grading path uses
    try:
        for event in run_topics(staged.folder, requests, DEFAULT_TIME_LIMIT, start=fresh_child):
            if event.kind != "outcome" or event.check not in plan.checks(event.topic):
                continue
            check = plan.checks(event.topic)[event.check]
            verdict = judge_safely(check, plan.spec(check), event.outcome)
            found[(event.topic, event.check)] = {
                "digest": digest(event.outcome), "outcome": wire.encode(event.outcome), "decoded": event.outcome,
                "passed": verdict.passed, "messages": [[key, _plain(fields)] for key, fields in verdict.messages]}
    finally:
        staged.close()
    return found


def _plain(fields: dict) -> dict:
    """A message's fields as JSON (a Described input list becomes its text)."""
    return {key: value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
            for key, value in fields.items()}


def _function(topic: str, spec: Spec, about: Any) -> str:
    """The name an error verdict speaks of, as the check's own judge names it: the function a
    call spec calls, the class a script spec builds (wire_types: CallSpec.func, ScriptSpec.cls)."""
    named = dict(spec)
    return str(named.get("func") or named.get("cls") or (about.calls[0] if about.calls else topic))


def _variants_module(folder: Path | None, lang: str = "en") -> Any | None:
    """tests/variants/variants.py of the source checkout (None: no mistakes recorded)."""
    from grader.i18n import t
    path = folder / "variants.py" if folder else None
    if path is None or not path.is_file():
        print(t("bundle.no_variants", lang, path=str(path)), file=sys.stderr)
        return None
    spec = importlib.util.spec_from_file_location("grader_bundle_variants", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


# --- the wheel ----------------------------------------------------------------------------


def shipped_files() -> list[Path]:
    """The grader's files the kernel package holds (relative to grader/)."""
    files: list[Path] = []
    for entry in SHIPPED:
        path = GRADER / entry
        files += sorted(p for p in path.glob("*") if p.suffix in (".py", ".yaml")) if path.is_dir() else [path]
    topics = GRADER / "topics"
    for folder in sorted(p for p in topics.iterdir() if p.is_dir() and not p.name.startswith("_")):
        wanted = FAMILY_FILES if folder.name == "families" else TOPIC_FILES
        files += [folder / name for name in wanted if (folder / name).is_file()]
    files += sorted((topics / "training").glob("data.py"))
    kept = [f.relative_to(GRADER) for f in dict.fromkeys(files)
            if not (f.name == NEVER and f.parent.parent == topics)]
    return kept


def write_wheel(out: Path, bundle: dict) -> Path:
    """A pure-Python wheel of the shipped files and the bundle (no build tool needed)."""
    out.mkdir(parents=True, exist_ok=True)
    wheel = out / f"{DIST_NAME}-{VERSION}-py3-none-any.whl"
    dist_info = f"{DIST_NAME}-{VERSION}.dist-info"
    contents: list[tuple[str, bytes]] = [
        (f"grader/{p.as_posix()}", _shipped_bytes(p)) for p in shipped_files()]
    contents.append(("grader/bundle/formative.json.gz", _gzipped(bundle)))
    metadata = "\n".join(["Metadata-Version: 2.1", f"Name: {DIST_NAME}", f"Version: {VERSION}",
                          "Summary: The course grader for students' kernels: check() from a check bundle, no answer key",
                          "Requires-Python: >=3.11", *(f"Requires-Dist: {r}" for r in REQUIRES)]) + "\n"
    contents += [(f"{dist_info}/METADATA", metadata.encode()),
                 (f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: grader kernel-package\n"
                                        b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
                 (f"{dist_info}/top_level.txt", b"grader\n")]
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for name, data in contents:
        hashed = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([name, f"sha256={hashed}", len(data)])
    writer.writerow([f"{dist_info}/RECORD", "", ""])
    contents.append((f"{dist_info}/RECORD", record.getvalue().encode()))
    partial = wheel.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # the same bytes for the same bundle
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    os.replace(partial, wheel)
    return wheel


def _shipped_bytes(path: Path) -> bytes:
    if path in REPLACED:
        return REPLACED[path].encode("utf-8")
    if path == Path("grading/defaults.py"):
        return _defaults_without_the_summative_seed().encode("utf-8")
    return (GRADER / path).read_bytes()


def _gzipped(bundle: dict) -> bytes:
    return gzip.compress(json.dumps(bundle, separators=(",", ":")).encode("utf-8"), mtime=0)


def listing(wheel: Path) -> Iterable[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()
