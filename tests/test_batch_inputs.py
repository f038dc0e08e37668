"""What `grader batch` reads of a student's folder: links, races, limits, odd files.

Every test builds its folders from the description of an attack or an accident and runs
the real command. The rules under test: a link is never followed and always reported; a
file is graded from the descriptor that was checked; a limit never changes a score
silently (the modules first, notebook outputs stripped first, a note when one applies);
one student's input never stops the worker that reads it.
"""
from __future__ import annotations

import csv
import json
import os
import py_compile
import subprocess
import sys
import threading
from pathlib import Path


from conftest import EXERCISES, ROOT, SOLUTIONS, check_json
from test_batch import batch, results, student

MIB = 1024 * 1024


def _full(report: dict) -> bool:
    return report["score"] == report["max_score"] > 0


def _failing(report: dict) -> set[str]:
    return {r["topic"] for r in report["results"] if not r["passed"]}


def _topics_of(module: str) -> set[str]:
    from grader.topics.registry import topics

    return {a.name for a in topics() if a.module == module}


def _messages(report: dict) -> str:
    return " ".join(r["message"] for r in report["results"])


# -- Critical 1: bytecode instead of source --------------------------------------------------

def _bytecode_only(folder: Path) -> Path:
    """Blank (empty) modules, with pycs compiled from the solutions that are never checked
    against their source (PEP 552 unchecked hash: they survive `cp -r`), and one module
    that is bytecode only."""
    folder.mkdir(parents=True)
    for source in SOLUTIONS.glob("*.py"):
        if source.stem == "network":  # a sourceless module: network.pyc beside no network.py
            py_compile.compile(str(source), cfile=str(folder / "network.pyc"), doraise=True)
            continue
        (folder / source.name).write_text("", encoding="utf-8")
        cached = folder / "__pycache__" / f"{source.stem}.{sys.implementation.cache_tag}.pyc"
        py_compile.compile(str(source), cfile=str(cached), dfile=str(folder / source.name),
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH, doraise=True)
    return folder


def test_bytecode_beside_blank_sources_scores_nothing_in_check_and_batch(tmp_path):
    folder = _bytecode_only(tmp_path / "class" / "mallory")
    _, checked = check_json(folder)
    assert checked["score"] == 0, _failing(checked)
    done = batch(tmp_path / "class", tmp_path / "grades")
    assert done.returncode == 0, done.stderr
    assert results(tmp_path / "grades")["mallory"]["score"] == 0


# -- Critical 5: a file swapped for a link while it is staged --------------------------------

def _swap_forever(path: Path, target: Path, stop: threading.Event) -> None:
    blank = path.read_bytes()
    link, plain = path.with_name(".swap-link"), path.with_name(".swap-file")
    while not stop.is_set():
        os.symlink(target, link)
        os.replace(link, path)  # functions.py is now a link to the model answers
        plain.write_bytes(blank)
        os.replace(plain, path)  # and the student's own blank file again


def test_a_file_swapped_for_a_link_during_staging_is_never_graded_as_hers(tmp_path):
    submissions = tmp_path / "class"
    submissions.mkdir()
    names = [f"mallory{i:02}" for i in range(12)]
    for name in names:
        student(submissions, name, EXERCISES)  # every blank unfilled: 0 points of her own
    stop = threading.Event()
    swappers = [threading.Thread(target=_swap_forever, daemon=True,
                                 args=(submissions / n / "functions.py", SOLUTIONS / "functions.py", stop))
                for n in names]
    for thread in swappers:
        thread.start()
    try:
        for _ in range(3):  # 36 stagings, each racing the swap
            done = batch(submissions, tmp_path / "grades", "-j", "2", "--force", timeout=600)
            graded = results(tmp_path / "grades")
            assert {n: graded[n]["score"] for n in names} == dict.fromkeys(names, 0), done.stdout
    finally:
        stop.set()
        for thread in swappers:
            thread.join(5)


# -- Critical 6: links, at every level ---------------------------------------------------------

def test_linked_student_folders_and_files_are_never_followed_and_always_reported(tmp_path):
    submissions = tmp_path / "class"
    submissions.mkdir()
    student(submissions, "alice")
    (submissions / "linked").symlink_to(submissions / "alice")  # a student folder that is a link
    bob = student(submissions, "bob", EXERCISES)
    (bob / "functions.py").unlink()
    (bob / "functions.py").symlink_to(submissions / "alice" / "functions.py")
    done = batch(submissions, tmp_path / "grades")
    assert done.returncode == 1, done.stdout  # a student not graded: the batch is incomplete
    assert "linked" in done.stderr and "symbolic link" in done.stderr and "Traceback" not in done.stderr
    graded = results(tmp_path / "grades")
    assert graded["linked"]["score"] == 0 and "never followed" in _messages(graded["linked"])
    assert _full(graded["alice"])
    assert graded["bob"]["score"] == 0
    assert "functions.py is a symbolic link" in _messages(graded["bob"])
    assert any("symbolic link" in note for note in graded["bob"]["notes"])
    with open(tmp_path / "grades" / "results.csv", newline="", encoding="utf-8") as f:
        assert sorted(row["student"] for row in csv.DictReader(f)) == ["alice", "bob", "linked"]


def _day1() -> dict:
    from grader.authoring.notebooks import generate_notebooks

    return json.loads(generate_notebooks(SOLUTIONS)["day1.ipynb"])


def _submit(course: Path, name: str, notebook: dict | str) -> Path:
    folder = course / "submitted" / name / "day1"
    folder.mkdir(parents=True)
    text = notebook if isinstance(notebook, str) else json.dumps(notebook)
    (folder / "day1.ipynb").write_text(text, encoding="utf-8")
    return folder


def test_linked_nbgrader_assignment_folders_get_nothing_of_whom_they_point_to(tmp_path):
    course = tmp_path / "course"
    _submit(course, "alice", _day1())
    (course / "source" / "day1").mkdir(parents=True)
    (course / "source" / "day1" / "day1.ipynb").write_text(json.dumps(_day1()), encoding="utf-8")
    (course / "submitted" / "mallory").mkdir()
    (course / "submitted" / "mallory" / "day1").symlink_to(course / "submitted" / "alice" / "day1")
    (course / "submitted" / "eve").mkdir()
    (course / "submitted" / "eve" / "day1").symlink_to(course / "source" / "day1")
    (course / "submitted" / "trudy").symlink_to(course / "submitted" / "alice")  # the student folder
    done = batch(course, tmp_path / "grades")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    graded = results(tmp_path / "grades")
    assert sorted(graded) == ["alice", "eve", "mallory", "trudy"]
    assert _full(graded["alice"])
    for name in ("eve", "mallory", "trudy"):
        assert graded[name]["score"] == 0, name
        assert "symbolic link" in _messages(graded[name]) and name in done.stderr


# -- Critical 7: limits never change a score silently ------------------------------------------

def test_a_folder_of_data_cannot_push_the_modules_out(tmp_path):
    submissions = tmp_path / "class"
    submissions.mkdir()
    alice = student(submissions, "alice")
    (alice / "data").mkdir()
    for i in range(501):
        (alice / "data" / f"{i:04}.txt").write_text("x")
    done = batch(submissions, tmp_path / "grades")
    assert done.returncode == 0, done.stderr
    report = results(tmp_path / "grades")["alice"]
    assert _full(report)
    assert any("files left out" in note and "500 files" in note for note in report["notes"]), report.get("notes")


def test_a_notebook_with_large_image_outputs_is_graded_whole(tmp_path):
    notebook = _day1()
    code = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    image = "A" * (12 * MIB)  # one plotted image: outputs are never graded
    code["outputs"] = [{"output_type": "display_data", "data": {"image/png": image}, "metadata": {}}]
    course = tmp_path / "course"
    _submit(course, "alice", notebook)
    done = batch(course, tmp_path / "grades")
    assert done.returncode == 0, done.stderr
    assert _full(results(tmp_path / "grades")["alice"])


def test_a_module_over_the_size_limit_fails_saying_so(tmp_path):
    submissions = tmp_path / "class"
    submissions.mkdir()
    big = student(submissions, "big")
    with open(big / "functions.py", "a", encoding="utf-8") as f:
        f.write("\n" + ("# padding\n" * (11 * MIB // 10)))
    done = batch(submissions, tmp_path / "grades")
    assert done.returncode == 0, done.stderr
    report = results(tmp_path / "grades")["big"]
    assert _topics_of("functions") <= _failing(report) and 0 < report["score"] < report["max_score"]
    for row in report["results"]:  # every topic it costs says why
        assert row["passed"] or "functions.py is larger than the grader's limit of 10 MiB" in row["message"], row
    assert "not in the submission" not in _messages(report)


def test_sparse_files_cannot_amplify_what_is_staged(tmp_path):
    submissions = tmp_path / "class"
    submissions.mkdir()
    sparse = student(submissions, "sparse")
    (sparse / "data").mkdir()
    for i in range(50):  # 50 × 9.9 MiB of holes: a few KiB on disk, 495 MiB if copied
        with open(sparse / "data" / f"hole{i:02}.bin", "wb") as f:
            f.truncate(int(9.9 * MIB))
    done = batch(submissions, tmp_path / "grades")
    assert done.returncode == 0, done.stderr
    report = results(tmp_path / "grades")["sparse"]
    assert _full(report)
    assert any("50 MiB in all" in note for note in report["notes"]), report.get("notes")


# -- Major: one student's input never stops a worker ---------------------------------------

def test_odd_folder_names_and_unreadable_notebooks_cost_only_their_own_student(tmp_path):
    course = tmp_path / "course"
    good = _day1()
    for i in range(4):
        _submit(course, f"good{i}", good)
    _submit(course, "brackets", "[" * 100_000)
    numeric = _day1()
    next(c for c in numeric["cells"] if c["cell_type"] == "code")["source"] = 12345
    _submit(course, "numeric", numeric)
    terms = _day1()
    terms["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "source": "x = " + "+".join(["1"] * 300_000)})
    _submit(course, "terms", terms)
    odd = os.fsencode(str(course / "submitted")) + b"/st\xffudent"
    os.makedirs(odd + b"/day1")
    with open(odd + b"/day1/day1.ipynb", "w", encoding="utf-8") as f:
        json.dump(good, f)
    done = batch(course, tmp_path / "grades", "-j", "1")  # everyone queued behind each of them
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    graded = results(tmp_path / "grades")
    assert sorted(graded) == sorted(["brackets", "numeric", "terms", "st\\xffudent",
                                     *(f"good{i}" for i in range(4))])
    for name in ("good0", "good1", "good2", "good3", "st\\xffudent", "terms"):
        assert _full(graded[name]), name  # terms: the cell that cannot be parsed is not a definition
    for name in ("brackets", "numeric"):
        assert graded[name]["score"] == 0 and "day1.ipynb" in _messages(graded[name]), name


def test_a_nul_byte_is_reported_with_its_file_and_line(tmp_path):
    submissions = tmp_path / "class"
    submissions.mkdir()
    nul = student(submissions, "nul")
    with open(nul / "network.py", "ab") as f:
        f.write(b"\nx = 1\x00\n")
    done = batch(submissions, tmp_path / "grades")
    assert done.returncode == 0, done.stderr
    messages = _messages(results(tmp_path / "grades")["nul"])
    assert "network.py:" in messages and "null bytes" in messages


def test_a_forged_huge_frame_is_that_students_failure_only(tmp_path):
    submissions = tmp_path / "class"
    submissions.mkdir()
    student(submissions, "alice")
    # One complete, valid frame of 99 MB on the reply pipe (fd 4): 33 million empty lists
    # once decoded, gigabytes in the process that decodes it.
    forger = "\n\nimport os as _os, struct as _struct\n" \
             "_k = 33_000_000\n_body = b'[' + b'[],' * _k + b'[]]'\n" \
             "try:\n    _os.write(4, _struct.pack('<I', len(_body)))\n" \
             "    for _i in range(0, len(_body), 1 << 20):\n        _os.write(4, _body[_i:_i + (1 << 20)])\n" \
             "except OSError:\n    pass\n"
    student(submissions, "forger", append={"minibatch": forger})
    wrapper = ("import resource, subprocess, sys\n"
               "done = subprocess.run(sys.argv[1:])\n"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
               "sys.exit(done.returncode)\n")
    done = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "grader", "batch",
                           str(submissions), "--out", str(tmp_path / "grades"), "--lang", "en",
                           "--sandbox", "none"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    peak_kib = int(done.stdout.strip().splitlines()[-1])
    assert peak_kib < 1024 * 1024, f"a process of the batch grew to {peak_kib // 1024} MiB"
    graded = results(tmp_path / "grades")
    assert _full(graded["alice"])
    assert _failing(graded["forger"]) <= _topics_of("minibatch") | {"training"}
    assert _failing(graded["forger"])
