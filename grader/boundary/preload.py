"""What a child's parent imports for it in advance: modules every child shares once loaded,
and which a child that has become another user might not be able to read for itself."""

# Standard modules a child may need but, once it is `nobody`, might not be able to read
# from a private Python installation: loaded here, while the server still can.
WARM_MODULES = ("gzip", "importlib.util", "copy", "math", "cmath", "random", "itertools", "functools", "collections",
                "operator", "statistics", "numbers", "decimal", "fractions", "string", "re",
                "time", "typing", "dataclasses", "heapq", "bisect", "array", "pickle",
                "numpy.linalg", "numpy.random", "numpy.fft", "numpy.polynomial", "numpy.ma",
                "numpy.testing", "unittest")

# The probes most checks use, and numpy.random with them (families/): a check's child imports
# them before its first request, while the grader is still making that topic's inputs.
CHECK_PROBES = ("numpy.random", "grader.topics.families.probes", "grader.topics.families.objects",
                "grader.topics.families.optimizer_probe")
