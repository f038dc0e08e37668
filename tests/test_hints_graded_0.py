"""Shard 0 of the broken and correct copies (tests/hints_graded.py says why shards)."""
from hints_graded import shard_tests

globals().update(shard_tests(0))
