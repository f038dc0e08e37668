"""The topics: one folder each (see :mod:`grader.topics.registry`), and the shared
shapes of checks in ``families/``. Importing this package imports nothing else."""
