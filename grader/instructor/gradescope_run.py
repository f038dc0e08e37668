"""What a Gradescope autograder bundle runs: one submission graded into Gradescope's JSON.

    python3 -m grader.instructor.gradescope_run [AUTOGRADER_ROOT]

``AUTOGRADER_ROOT`` (default ``/autograder``, Gradescope's layout) holds ``submission/``
(the student's upload: a folder like ``exercises/``, the modules themselves, or nbgrader
notebooks), ``source/`` (the bundle) and ``results/``, where ``results.json`` is written
in Gradescope's documented format: one test per check (name, score, max_score, status,
output with the verdict in Japanese and English, visibility), the total score and the
execution time. Grading is ``grader batch``'s, so the sandbox is too (bubblewrap when the
container allows it, else the unprivileged user and limits).

A results.json is always written — when the submission cannot be graded it says why, with
score 0 — and it is checked against the documented fields before it is.
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

CONFIG = "grader-gradescope.json"  # in source/: the topics the bundle grades
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
STATUSES = ("passed", "failed")
TOP_FIELDS = {"score": (int, float), "execution_time": (int, float), "output": str, "output_format": str,
              "test_output_format": str, "test_name_format": str, "visibility": str,
              "stdout_visibility": str, "extra_data": dict, "tests": list, "leaderboard": list}
TEST_FIELDS = {"score": (int, float), "max_score": (int, float), "status": str, "name": str,
               "name_format": str, "number": str, "output": str, "output_format": str, "tags": list,
               "visibility": str, "extra_data": dict}


def validate(results: dict) -> list[str]:
    """Problems with ``results`` against Gradescope's documented results.json fields."""
    problems = [f"unknown field {k!r}" for k in results if k not in TOP_FIELDS]
    problems += [f"{k} is not {TOP_FIELDS[k]}" for k, v in results.items()
                 if k in TOP_FIELDS and (not isinstance(v, TOP_FIELDS[k]) or isinstance(v, bool))]
    if "score" not in results and not all("score" in test for test in results.get("tests", [])):
        problems.append("neither a total score nor a score on every test")
    for key in ("visibility", "stdout_visibility"):
        if key in results and results[key] not in VISIBILITIES:
            problems.append(f"{key} {results[key]!r} is not one of {VISIBILITIES}")
    for index, test in enumerate(results.get("tests", [])):
        where = f"tests[{index}]"
        if not isinstance(test, dict):
            problems.append(f"{where} is not an object")
            continue
        problems += [f"{where}: unknown field {k!r}" for k in test if k not in TEST_FIELDS]
        problems += [f"{where}.{k} is not {TEST_FIELDS[k]}" for k, v in test.items()
                     if k in TEST_FIELDS and (not isinstance(v, TEST_FIELDS[k]) or isinstance(v, bool))]
        if test.get("status", "passed") not in STATUSES:
            problems.append(f"{where}.status {test['status']!r} is not one of {STATUSES}")
        if test.get("visibility", "visible") not in VISIBILITIES:
            problems.append(f"{where}.visibility {test['visibility']!r} is not one of {VISIBILITIES}")
    return problems


def _tests(report: dict, topics: list[str] | None) -> list[dict]:
    tests = []
    rows = [row for row in report.get("results", []) if not topics or row["topic"] in topics]
    for number, row in enumerate(rows, start=1):
        both = row.get("messages") or {"ja": row.get("message", ""), "en": row.get("message", "")}
        output = "\n".join(text for text in (both.get("ja", ""), both.get("en", "")) if text)
        tests.append({"name": f"{row['topic']} › {row['check']}", "number": str(number),
                      "score": float(row["points"]), "max_score": float(row["max_points"]),
                      "status": "passed" if row["passed"] else "failed",
                      "output": output or ("合格 / passed" if row["passed"] else ""),
                      "tags": [row["topic"]], "visibility": "visible"})
    return tests


def results_json(report: dict | None, topics: list[str] | None, seconds: float, problem: str = "",
                 notes: tuple[str, ...] = ()) -> dict:
    tests = _tests(report or {}, topics)
    score = sum(test["score"] for test in tests)
    maximum = sum(test["max_score"] for test in tests)
    output = problem or f"合計 {score:g} / {maximum:g} 点\nTotal {score:g} of {maximum:g} points"
    return {"score": score, "execution_time": round(seconds, 3), "output": "\n".join((output, *notes)),
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def both(key: str, **fields: object) -> str:
    """A catalogue sentence in Japanese, then in English (Gradescope shows one text)."""
    from grader.i18n import t

    return "\n".join(t(key, lang, **fields) for lang in ("ja", "en"))


def grade(root: Path) -> dict:
    """The results of the submission in ``root``; never raises (a results.json is always
    written, and when grading fails it says why, with score 0)."""
    started = time.monotonic()
    config = _config(root)
    topics = config.get("topics") or None
    seed = config.get("seed")  # the course's summative seed, baked in by `build --course`
    try:
        return _grade(root, topics, started, seed if isinstance(seed, int) and not isinstance(seed, bool) else None)
    except ImportError as exc:  # the image lacks a dependency: setup.sh did not complete
        problem = (f"採点環境に必要なパッケージがありません: {exc.name or exc}。setup.sh の出力を確認してください。\n"
                   f"The grader's environment lacks a package: {exc.name or exc}. See setup.sh's output.")
    except Exception as exc:  # noqa: BLE001 - whatever it is, Gradescope gets a results.json saying so
        try:
            problem = both("gradescope.failed", problem=f"{type(exc).__name__}: {str(exc)[:300]}")
        except Exception:  # noqa: BLE001 - the catalogue itself is unreadable
            problem = f"採点できませんでした。/ The submission could not be graded: {type(exc).__name__}: {str(exc)[:300]}"
    return results_json(None, topics, time.monotonic() - started, problem)


def _grade(root: Path, topics: list[str] | None, started: float, seed: int | None = None) -> dict:
    from grader.batch.cli import main as batch_main
    from grader.instructor.gradescope_upload import STUDENT, find_upload, stage_upload

    submission = root / "submission"
    if submission.is_symlink() or not submission.is_dir() or not any(submission.iterdir()):
        return results_json(None, topics, time.monotonic() - started, both("gradescope.empty"))
    with tempfile.TemporaryDirectory(prefix="grader-gradescope-") as tmp:
        folder, extra, notes = stage_upload(find_upload(submission), Path(tmp))
        said = tuple(both(key, **fields) for key, fields in notes)
        out = Path(tmp) / "out"
        with contextlib.redirect_stdout(sys.stderr):  # the batch's log goes to Gradescope's stdout pane
            seeded = ["--seed", str(seed)] if seed is not None else []
            status = batch_main([str(folder), "--out", str(out), "-j", "1", "--lang", "ja", *seeded, *extra])
        try:
            report = json.loads((out / "results.json").read_text(encoding="utf-8"))["students"][STUDENT]
        except (OSError, ValueError, KeyError):
            return results_json(None, topics, time.monotonic() - started,
                                both("gradescope.not_graded", status=status), said)
    return results_json(report, topics, time.monotonic() - started, notes=said)


def _config(root: Path) -> dict:
    try:
        config = json.loads((root / "source" / CONFIG).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return config if isinstance(config, dict) else {}


def write(root: Path, results: dict) -> Path:
    problems = validate(results)
    if problems:  # a bug of ours: say so in the results rather than send Gradescope a bad file
        results = {"score": 0.0, "output": "grader: invalid results: " + "; ".join(problems), "tests": []}
    target = root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".results.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, target)
    return target


def main(argv: list[str]) -> int:
    root = Path(argv[0] if argv else os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    target = write(root, grade(root))
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
