"""nbgrader_config.py as `grader nbgrader init` writes it and `--force` updates it.

The generated settings live in one marked block; `--force` rewrites only that block, so an
instructor's own lines (the exchange, the late penalty) survive, and a file from before the
block existed keeps every line. The block replaces nbgrader's Execute step with the
grader's and keeps the rest of nbgrader's own autograde pipeline, in nbgrader's order.
"""
from __future__ import annotations

from grader.instructor.course import BEGIN_MARK, END_MARK, config_text, existing_course_id
from grader.instructor.nbgrader_execute import AUTOGRADE_PREPROCESSORS, NBGRADER_AFTER_EXECUTE, PREPROCESSOR

MINE = 'c.Exchange.root = "/srv/nbgrader/exchange"\nc.LateSubmissionPlugin.penalty_method = "zero"\n'


def run_config(text: str) -> dict:
    from traitlets.config import Config

    config = Config()
    exec(compile(text, "nbgrader_config.py", "exec"), {"get_config": lambda: config})  # noqa: S102
    return config


def test_the_block_replaces_only_execute_in_nbgraders_own_autograde_pipeline() -> None:
    from nbgrader.converters import Autograde

    defaults = Autograde.class_traits()["autograde_preprocessors"].default()
    names = [f"{p.__module__.split('.')[0]}.preprocessors.{p.__name__}" for p in defaults]
    assert names[0] == "nbgrader.preprocessors.Execute" and tuple(names[1:]) == NBGRADER_AFTER_EXECUTE
    config = run_config(config_text("course-a"))
    assert config.Autograde.autograde_preprocessors == list(AUTOGRADE_PREPROCESSORS)
    assert config.Autograde.autograde_preprocessors[0] == PREPROCESSOR
    from nbconvert.exporters import Exporter
    exporter = Exporter()
    for name in AUTOGRADE_PREPROCESSORS:  # nbconvert imports each by name, as nbgrader will
        exporter.register_preprocessor(name)


def test_force_rewrites_the_block_and_keeps_the_instructors_lines_around_it() -> None:
    first = config_text("course-a")
    edited = "# my course\n" + first + MINE
    stale = edited.replace("'grader.instructor.nbgrader_execute.GradeOutsideKernel',\n", "")
    again = config_text("course-a", stale)
    assert again == edited  # the block back as generated, everything else byte for byte
    assert again.count(BEGIN_MARK) == again.count(END_MARK) == 1
    config = run_config(again)
    assert config.Exchange.root == "/srv/nbgrader/exchange"
    assert config.LateSubmissionPlugin.penalty_method == "zero"


def test_a_config_from_before_the_block_keeps_every_line_and_its_settings_win() -> None:
    old = ("c = get_config()\nc.CourseDirectory.course_id = 'old-course'\n"
           "c.ExecutePreprocessor.timeout = 300\n" + MINE)
    assert existing_course_id(old) == "old-course"
    updated = config_text(existing_course_id(old), old)
    assert updated.endswith(old)
    config = run_config(updated)
    assert config.CourseDirectory.course_id == "old-course"
    assert config.Exchange.root == "/srv/nbgrader/exchange"
    assert config.Autograde.autograde_preprocessors[0] == PREPROCESSOR
