"""nbgrader's configuration, read exactly as ``nbgrader`` run in a folder reads it.

/etc/jupyter, ~/.jupyter (or JUPYTER_CONFIG_DIR) and the other Jupyter config folders, then
the working folder's nbgrader_config.py, then the one in ``CourseDirectory.root`` when a
configuration moved the root (nbgrader's documented layout for several courses): nbgrader's
own ``NbGrader.initialize``, so ``db_url``, the directories, the exchange and the late
penalty are the ones nbgrader itself would use.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ConfigProblem(ValueError):
    """The configuration files cannot be read (the instructor's Python): the reason."""


@dataclass
class NbgraderConfig:
    config: Any  # traitlets.config.Config
    coursedir: Any  # nbgrader.coursedir.CourseDirectory
    loaded: list[str]  # the nbgrader_config.py files read

    @property
    def root(self) -> Path:
        return Path(self.coursedir.root).resolve()


def read_config(folder: Path, root: Path | None = None) -> NbgraderConfig:
    """The configuration ``nbgrader`` sees when run in ``folder`` (``root``: the course's
    root whatever the files say, as ``grader nbgrader init DIR`` means it)."""
    here = os.getcwd()
    os.chdir(folder)  # nbgrader reads the working folder's nbgrader_config.py
    try:
        app, reader = _app()
        try:
            app.initialize([], root=str(root) if root is not None else "")
            return NbgraderConfig(app.config, app.coursedir, list(app.loaded_config_files))
        finally:
            reader.clear_instance()
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - the instructor's Python files; traitlets exits
        raise ConfigProblem(f"{type(exc).__name__}: {str(exc)[:300]}") from None
    finally:
        os.chdir(here)


def _app() -> tuple[Any, type]:
    """An nbgrader application that only loads the configuration."""
    from grader.instructor.nbgrader_lazy import nbgrader_app_class

    class ReadConfig(nbgrader_app_class()):  # type: ignore[misc]
        name = "grader"

        def init_logging(self, *args: Any, **kwargs: Any) -> None:  # nbgrader's log lines are not ours
            pass

    ReadConfig.clear_instance()
    return ReadConfig.instance(log_level=logging.CRITICAL), ReadConfig
