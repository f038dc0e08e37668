# appended to: batch_norm.py
# Tries to leave files outside its temporary folder: in its own submission folder,
# above its working folder, in /tmp, in the home folder and wherever TARGETS (filled in
# by the test) points. Every attempt is allowed to fail; the module still imports.
import os
from pathlib import Path

TARGETS = []  # the test puts absolute paths here


def _leave(path):
    try:
        Path(path).write_text("left behind by a submission")
    except BaseException:
        pass


for _path in [Path(__file__).with_name("left-behind.txt"), Path.cwd().parent / "left-behind.txt",
              Path("/tmp/grader-hostile-left-behind.txt"), Path.home() / "grader-hostile-left-behind.txt",
              *TARGETS]:
    _leave(_path)
