"""A property of `grader batch` over folder trees with links and odd names (hypothesis).

Whatever the class folder holds — names that are not UTF-8, with spaces and dots, deep
nesting, links to files, folders, outside, to nothing or to themselves, at any level,
NUL bytes in modules — the batch always finishes, exits as the contract says (0, or 1
when a student folder is a link and so not graded), writes one CSV row per student folder,
prints no traceback and changes nothing outside its output folder.
"""
from __future__ import annotations

import csv
import os
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings, strategies as st

from conftest import SOLUTIONS, run_grader

PIECES = [b"a", b"B", b" ", b".", b"-", "\u00e4".encode(), "\u65e5".encode(), b"\xff", b"\xfe", b"_"]
NAME = st.lists(st.sampled_from(PIECES), min_size=1, max_size=5).map(b"".join).filter(
    lambda n: n not in (b".", b".."))
CONTENT = st.sampled_from([b"", b"x = 1\n", b"\x00\x01", b"def f(:\n", b"import os\n"])
LINK_TO = st.sampled_from(["outside", "outside-folder", "sibling", "nowhere", "itself", "solutions"])
LEAF = st.one_of(st.tuples(st.just("file"), NAME, CONTENT),
                 st.tuples(st.just("link"), NAME, LINK_TO),
                 st.tuples(st.just("module"), st.sampled_from(["functions.py", "network.py", "optimizers.py"]),
                           st.booleans()),
                 st.tuples(st.just("deep"), NAME, st.integers(1, 24)))
ENTRY = st.recursive(LEAF, lambda inner: st.tuples(st.just("dir"), NAME, st.lists(inner, max_size=3)),
                     max_leaves=8)
STUDENT = st.tuples(NAME, st.lists(ENTRY, max_size=4), st.booleans())  # name, entries, is a link
CLASS = st.lists(STUDENT, min_size=1, max_size=3, unique_by=lambda s: s[0])


def _build(folder: bytes, entries: list, outside: bytes) -> None:
    for entry in entries:
        kind, name = entry[0], entry[1].encode() if isinstance(entry[1], str) else entry[1]
        path = os.path.join(folder, name)
        if os.path.lexists(path):
            continue
        if kind == "file":
            with open(path, "wb") as f:
                f.write(entry[2])
        elif kind == "module":
            source = (SOLUTIONS / entry[1]).read_bytes()
            with open(path, "wb") as f:
                f.write(source + (b"\n\x00\n" if entry[2] else b""))
        elif kind == "link":
            target = {"outside": os.path.join(outside, b"secret.txt"), "outside-folder": outside,
                      "sibling": os.path.join(folder, b".."), "nowhere": b"/nonexistent/grader",
                      "itself": path, "solutions": os.fsencode(str(SOLUTIONS / "functions.py"))}[entry[2]]
            os.symlink(target, path)
        elif kind == "deep":
            deep = os.path.join(path, *([b"d"] * entry[2]))
            os.makedirs(deep)
            with open(os.path.join(deep, b"x.py"), "wb") as f:
                f.write(b"x = 1\n")
        else:
            os.mkdir(path)
            _build(path, entry[2], outside)


def _snapshot(root: bytes, skip: bytes) -> set:
    seen = set()
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = [d for d in subdirs if os.path.join(directory, d) != skip]
        for name in subdirs + files:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            link = os.readlink(path) if os.path.islink(path) else b""
            seen.add((path, info.st_mode, info.st_size if not os.path.isdir(path) else 0, link))
    return seen


def _shown(name: bytes) -> str:
    return name.decode("utf-8", "backslashreplace")


@pytest.mark.parametrize("mode", ["none", pytest.param("bwrap", marks=pytest.mark.skipif(
    shutil.which("bwrap") is None, reason="bubblewrap is not installed"))])
# A fixed budget: each example is a whole batch, so no shrinking (the failing tree is printed).
@settings(max_examples=5, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@example(students=[(b"aa", [("file", b"aa", b""), ("link", b"\xff", "outside")], False)])  # a worker once died of it
@example(students=[(b"st\xffudent", [("deep", b"x", 24), ("link", b"functions.py", "solutions")], False),
                   (b"=cmd", [("module", "functions.py", True)], False), (b"linked", [], True)])
@given(students=CLASS)
def test_any_folder_tree_is_graded_row_by_row_without_a_traceback(mode, students):
    with tempfile.TemporaryDirectory(prefix="grader-fuzz-") as tmp:
        root = os.fsencode(tmp)
        outside = os.path.join(root, b"outside")
        os.mkdir(outside)
        with open(os.path.join(outside, b"secret.txt"), "wb") as f:
            f.write(b"secret")
        submissions = os.path.join(root, b"class")
        os.mkdir(submissions)
        for name, entries, is_link in students:
            folder = os.path.join(submissions, name)
            real = os.path.join(outside, name) if is_link else folder
            os.mkdir(real)
            _build(real, entries, outside)
            if is_link:
                os.symlink(real, folder)
        out = os.path.join(root, b"grades")
        before = _snapshot(root, out)
        done = run_grader("batch", os.fsdecode(submissions), "--out", os.fsdecode(out), "--lang", "en",
                          "--time-limit", "5", "--sandbox", mode, timeout=600)
        listed = [s for s in students if not s[0].startswith(b".") and s[0] not in (b"__pycache__", b".ipynb_checkpoints")]
        assert "Traceback" not in done.stderr, done.stderr
        if not listed:
            assert done.returncode == 2
            return
        assert done.returncode == (1 if any(s[2] for s in listed) else 0), done.stderr
        with open(os.path.join(out, b"results.csv"), newline="", encoding="utf-8") as f:
            rows = [row["student"] for row in csv.DictReader(f)]
        assert sorted(rows) == sorted(_csv_cell(_shown(s[0])) for s in listed)
        assert _snapshot(root, out) == before  # nothing outside the output folder changed


def _csv_cell(name: str) -> str:
    return "'" + name if name.startswith(("=", "+", "-", "@", "\t", "\r")) else name
