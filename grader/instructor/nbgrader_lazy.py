"""nbgrader's packages registered without running their ``__init__`` until a name of theirs
is asked for.

``import nbgrader.api`` first runs ``nbgrader/__init__.py``, which loads nbgrader's four
Jupyter server extensions (jupyter_server, tornado's web handlers, the formgrader's
routes), and ``nbgrader.apps.baseapp`` (the configuration chain) first runs
``nbgrader/apps/__init__.py``, which imports every nbgrader command: together about half of
``grader autograde``'s fixed cost, for code it never runs.

:func:`defer_package_inits` puts each such package in ``sys.modules`` with its ``__path__``
(so ``import nbgrader.api`` imports that module and what it imports, as always) and a
module ``__getattr__`` (PEP 562): a submodule asked for (``from . import utils``) is
imported as usual; the first time anyone asks the package for any other name —
``nbgrader.__version__``, ``from nbgrader.apps import AutogradeApp`` — its real
``__init__`` runs, once, and the package is whole from then on. Nothing of nbgrader is
changed or copied: the modules the grader uses are nbgrader's own, from nbgrader's files.

``nbgrader.preprocessors`` and ``nbgrader.converters`` cannot wait so (their submodules
take names from them, ``from . import NbGraderPreprocessor``, that their ``__init__``
defines before importing those submodules). baseapp imports them, and with them all of
nbconvert, nbclient, jupyter_client and zmq, only to list their options in ``--help-all``:
:func:`nbgrader_app_class` imports baseapp with a stand-in for each, which imports the
real package the first time it is used, and is gone from ``sys.modules`` once baseapp is
imported (any other import gets the real package).
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

# The packages whose __init__ imports what `grader autograde` does not run, and none of
# whose modules takes a name from its package's __init__.
DEFERRED = ("nbgrader", "nbgrader.apps")

# The packages nbgrader's application class imports only to list their options.
LISTED_ONLY = ("nbgrader.preprocessors", "nbgrader.converters")

_lock = threading.RLock()


def nbgrader_app_class() -> type:
    """nbgrader's own ``NbGrader`` application class (``nbgrader.apps.baseapp``), without
    the packages it imports only for ``--help-all`` (each imported when first used)."""
    with _lock:
        defer_package_inits()
        stand_ins = {}
        for name in LISTED_ONLY:
            spec = None if name in sys.modules else importlib.util.find_spec(name)
            if spec is not None:
                stand_ins[name] = sys.modules[name] = _ImportedWhenUsed(name, spec)
        try:
            from nbgrader.apps.baseapp import NbGrader
        finally:
            for name, stand_in in stand_ins.items():
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]
                parent, _, child = name.rpartition(".")
                if vars(sys.modules[parent]).get(child) is stand_in:  # not getattr: that imports it
                    delattr(sys.modules[parent], child)
        return NbGrader


class _ImportedWhenUsed(ModuleType):
    """Stands for a package while baseapp is imported; the real one on first use."""

    def __init__(self, name: str, spec: Any) -> None:
        super().__init__(name)
        self.__spec__ = spec

    def __getattr__(self, attribute: str) -> Any:
        if sys.modules.get(self.__name__) is self:  # still standing in: not imported yet
            raise AttributeError(f"module {self.__name__!r} has no attribute {attribute!r}")
        return getattr(importlib.import_module(self.__name__), attribute)


def defer_package_inits(names: tuple[str, ...] = DEFERRED) -> None:
    """Registers ``names`` (parents first) as packages whose ``__init__`` runs on first
    use; a package already imported, or not installed, is left as it is."""
    for name in names:
        with _lock:
            if name in sys.modules:
                continue
            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None or spec.submodule_search_locations is None:
                return  # not installed (the caller's own import says so) or not a package
            module = importlib.util.module_from_spec(spec)
            module.__getattr__ = _init_on_first_use(module)  # type: ignore[attr-defined]
            sys.modules[name] = module
            parent, _, child = name.rpartition(".")
            if parent:
                setattr(sys.modules[parent], child, module)


def _init_on_first_use(module: ModuleType) -> Any:
    def __getattr__(attribute: str) -> Any:
        submodule = f"{module.__name__}.{attribute}"
        if attribute.isidentifier() and importlib.util.find_spec(submodule) is not None:
            # `from . import utils` asks the package for `utils` before importing it: a
            # submodule is imported as it would be, without the package's __init__
            return importlib.import_module(submodule)
        with _lock:
            if module.__dict__.get("__getattr__") is __getattr__:
                del module.__dict__["__getattr__"]  # the __init__'s own lookups: the ordinary ones
                try:
                    module.__spec__.loader.exec_module(module)  # type: ignore[union-attr]
                except BaseException:
                    module.__getattr__ = __getattr__  # type: ignore[attr-defined]  # tried again next time
                    raise
        try:
            return module.__dict__[attribute]
        except KeyError:
            raise AttributeError(f"module {module.__name__!r} has no attribute {attribute!r}") from None
    return __getattr__
