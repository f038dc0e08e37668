"""The defaults of a grading, in a module of their own: `grader check` needs them before it
imports numpy (to start the sandbox's server side by side with its own start-up)."""

DEFAULT_SEED = 20260401
DEFAULT_TIME_LIMIT = 10.0  # seconds per topic; the slowest correct topic takes well under 1 s
MAX_SEED = 2 ** 63 - 1  # what numpy's seed sequence takes (it refuses negative seeds)


def valid_seed(seed: int | None) -> bool:
    """Whether ``seed`` (None: the default) is one every command can grade with."""
    return seed is None or 0 <= seed <= MAX_SEED
