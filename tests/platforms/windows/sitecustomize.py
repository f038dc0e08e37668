"""Simulate windows in this Python (tests/platforms/simulate.py): on PYTHONPATH for the platform tests."""
import importlib.util as _util
import os as _os

_spec = _util.spec_from_file_location("_grader_platform_simulation",
                                      _os.path.join(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__))), "simulate.py"))
_module = _util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
_module.simulate("windows")
