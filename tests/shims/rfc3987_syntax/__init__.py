"""Stands in front of the real rfc3987_syntax for the test processes and the processes they
start (tests/conftest.py puts this folder first on sys.path and on PYTHONPATH): importing it
fails, as if it were not installed.

Every `nbgrader`, `jupyter lab` and `grader` process imports jsonschema, whose format checker
imports rfc3987_syntax when it can, and that compiles IRI grammars with lark: a second or two
of CPU per process, about forty times per run of the suite, for formats that no schema these
programs validate uses. jsonschema without it is exactly what a machine without the package
runs; the grader's own nbgrader commands leave it out the same way (instructor/autograde.py).
"""
raise ImportError("rfc3987_syntax is left out by the tests (tests/shims/rfc3987_syntax)")
